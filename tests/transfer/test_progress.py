"""Progress as counters: sliding-window speed, ETA, totals, and what a cancel leaves behind."""

from __future__ import annotations

from pathlib import Path

from co_tui.api.errors import ApiConnectionError, NotFoundError, PermissionDeniedError, ServerError
from co_tui.emulator import FaultSpec
from co_tui.report import describe_item_failure
from co_tui.transfer import ItemState, SizeMismatchError, TargetKind
from co_tui.transfer.download_model import SpeedMeter, eta_seconds
from tests.transfer.transfer_helpers import request, temps, until


class Tick:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_speed_is_a_sliding_window() -> None:
    clock = Tick()
    meter = SpeedMeter(clock, window=5.0)
    assert meter.sample(0) is None  # no span yet
    clock.now += 0.1
    assert meter.sample(100) is None  # under a quarter of a second
    for second in range(1, 11):
        clock.now = 100.0 + second
        speed = meter.sample(second * 1000)
    assert speed == 1000.0
    for second in range(11, 17):  # the rate doubles: after a full window only the new rate counts
        clock.now = 100.0 + second
        speed = meter.sample(10_000 + (second - 10) * 2000)
    assert speed == 2000.0
    clock.now += 1
    assert meter.sample(5) is None  # a restart from 0 forgets the old samples
    assert eta_seconds(10_000, 2000.0) == 5.0
    assert eta_seconds(10_000, 0.0) is None and eta_seconds(None, 5.0) is None


def test_error_reasons_are_short_and_carry_no_secrets() -> None:
    xml = '<?xml version="1.0"?><Error><Code>AccessDenied</Code></Error>'
    assert describe_item_failure(ServerError(xml, status=503)) == "HTTP 503: the server answered 503"
    assert "403" in describe_item_failure(PermissionDeniedError(xml, status=403))
    assert "404" in describe_item_failure(NotFoundError("gone", status=404))
    assert describe_item_failure(ApiConnectionError("connection failed: reset")) == (
        "connection failed: reset")
    assert describe_item_failure(SizeMismatchError("a: received 1 bytes")) == "a: received 1 bytes"
    assert describe_item_failure(RuntimeError("boom")) == "unexpected error (RuntimeError)"


async def test_views_show_speed_and_eta_while_running(make_engine, xfer_emu, dest: Path) -> None:  # type: ignore[no-untyped-def]
    clock = Tick()
    xfer_emu.faults.spec = FaultSpec(slow_ms=1)
    xfer_emu.faults.inject("drip", times=1, method="GET", path_contains="data/a.csv")
    engine = make_engine(clock=clock)
    batch = engine.submit(request(dest, TargetKind.FILE, "data/a.csv", size=50_000))
    await until(lambda: bool(engine.view()) and engine.view()[0].done >= 500)
    first = engine.view()[0]
    totals = engine.totals()
    assert first.state is ItemState.RUNNING and first.speed is None  # one sample: no speed yet
    assert totals.active and totals.total_bytes == 50_000 and totals.counts[ItemState.RUNNING] == 1
    done_before = first.done
    await until(lambda: engine.view()[0].done >= done_before + 1000)
    clock.now += 2.0
    second = engine.view()[0]
    assert second.speed is not None and second.speed > 0
    assert second.eta is not None and second.eta > 0
    assert 0 < (second.fraction or 0) < 1
    assert engine.totals().speed is not None
    assert engine.cancel(second.id)
    summary = await batch.wait()
    assert summary.cancelled == 1
    assert temps(dest) == []  # a small file keeps nothing when cancelled
    after = engine.totals()
    assert not after.active and after.speed is None and after.eta is None
    assert after.total_bytes == 0  # a cancelled item no longer counts


def test_targets_from_the_api_models() -> None:
    from co_tui.api.models import DataAsset, FolderItem
    from co_tui.transfer import DownloadTarget

    asset = DataAsset(id="a1", name="My asset", mount="my_asset", size=1234, files=7)
    whole = DownloadTarget.for_asset(asset)
    assert (whole.kind, whole.path, whole.size, whole.files, whole.name) == (
        TargetKind.ASSET, "", 1234, 7, "my_asset")
    one = DownloadTarget.for_item(asset, FolderItem(name="b.csv", path="raw/b.csv", size=10))
    assert (one.kind, one.path, one.size, one.name) == (TargetKind.FILE, "raw/b.csv", 10, "b.csv")
    folder = DownloadTarget.for_item(asset, FolderItem(name="raw", path="raw", type="folder"))
    assert (folder.kind, folder.size, folder.name, folder.mount) == (
        TargetKind.FOLDER, None, "raw", "my_asset")
