"""Nothing is written outside the destination whatever the server says (D1), symlinks on the
way are refused, and a full disk or too little space stops cleanly (D5)."""

from __future__ import annotations

import errno
import hashlib
import json
import os
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from co_tui.api import CodeOceanClient
from co_tui.emulator import Emulator, EmulatorConfig
from co_tui.emulator.seed_model import Content, SeedFile
from co_tui.transfer import DownloadEngine, ItemState, TargetKind
from tests.transfer.transfer_helpers import (
    MOUNT,
    entries,
    is_temp_file,
    local_files,
    on_file_writes,
    request,
    resolved,
    seed,
    server_files,
    temps,
    under,
)

HOSTILE_STORED = [
    "..\\..\\evil.txt",
    "back\\slash\\dir.txt",
    "ansi\x1b[2J\x1b]0;title\x07.txt",
    "rlo\u202egpj.exe",
    "nul\x00byte.txt",
    "new\nline.txt",
    "é" * 140 + ".csv",
    "x" * 300 + ".tar.gz",
    "deep/" * 10 + "bottom.txt",
    "C:\\Windows\\system.ini",
]
HOSTILE_LISTED = [
    ("../../escape.txt", "file"),
    ("a/../../../escape2.txt", "file"),
    ("/../escape3.txt", "file"),
    ("..", "file"),
    ("../up", "folder"),
]


class HostileListing(httpx.AsyncBaseTransport):
    """A server whose root listing also names paths that climb out of the asset."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        body = json.loads(request.content or b"{}") if request.method == "POST" else {}
        if not request.url.path.endswith("/files") or body.get("path"):
            return response
        data = json.loads(await response.aread())
        data["items"] += [{"name": p.rpartition("/")[2] or p, "path": p, "type": t, "size": 5}
                          for p, t in HOSTILE_LISTED]
        return httpx.Response(200, json=data)


def _tree_digest(root: Path, skip: Path) -> dict[str, str]:
    out: dict[str, str] = {}
    for folder, dirs, names in os.walk(root):
        if Path(folder) == skip:
            dirs[:] = []
            continue
        for name in names:
            path = Path(folder, name)
            out[str(path)] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


@pytest.fixture
def hostile() -> Iterator[Emulator]:
    files = [SeedFile(name, Content.of(f"content of {name!r}")) for name in HOSTILE_STORED]
    emu = Emulator(EmulatorConfig(seed="test"), seed_data=seed(files, many=0))
    yield emu
    emu.close()


@pytest.mark.parametrize("as_zip", [False, True])
async def test_a_hostile_listing_never_escapes_the_destination(hostile: Emulator, dest: Path, as_zip: bool) -> None:
    outer = dest.parent
    (outer / "sentinel.txt").write_text("do not touch")
    (outer / "sibling").mkdir()
    (outer / "sibling" / "keep.txt").write_text("mine")
    before = _tree_digest(outer, skip=dest)
    transport = HostileListing(hostile.transport())
    async with CodeOceanClient(hostile.config.api_origin, hostile.main_token,
                               transport=transport, files_transport=transport) as client:
        engine = DownloadEngine(client, env={})
        summary = await engine.submit(request(dest, as_zip=as_zip)).wait()
        views = engine.view()
        messages = engine.totals().messages
        await engine.aclose()
    assert _tree_digest(outer, skip=dest) == before
    real_dest = resolved(dest)
    for path in under(dest):
        assert resolved(path).startswith(real_dest + os.sep)
        assert not path.is_symlink()
    assert temps(dest) == []
    server = server_files(hostile)
    if as_zip:
        assert summary.done == 1 and len(messages) == len(HOSTILE_LISTED)
        assert all("climbs out" in m for m in messages)
        return
    refused = [v for v in views if v.state is ItemState.FAILED]
    assert len(refused) == len(HOSTILE_LISTED)
    assert all("climbs out" in v.error for v in refused)
    got = local_files(dest)
    assert len(got) == len(server)  # every stored hostile name was written, made harmless
    assert sorted(got.values()) == sorted(server.values())
    names = {Path(p).name for p in got}
    assert ".._.._evil.txt" in names and "C:_Windows_system.ini" in names
    assert "ansi_[2J_]0;title_.txt" in names and "rlo_gpj.exe" in names
    assert all(len(n.encode()) <= 255 for n in names)
    assert any(n.endswith(".tar.gz") and len(n.encode()) == 255 for n in names)


async def test_a_symlink_on_the_way_is_not_followed(make_engine, xfer_emu, dest: Path) -> None:  # type: ignore[no-untyped-def]
    outside = dest.parent / "elsewhere"
    outside.mkdir()
    (dest / MOUNT).mkdir()
    (dest / MOUNT / "data").symlink_to(outside)
    engine = make_engine()
    summary = await engine.submit(request(dest)).wait()
    assert list(outside.iterdir()) == []
    failed = [v for v in engine.view() if v.state is ItemState.FAILED]
    assert failed and all(v.label.startswith(f"{MOUNT}/data/") for v in failed)
    assert all("symlink" in v.error for v in failed)
    assert summary.done == len(server_files(xfer_emu)) - len(failed)


async def test_an_existing_symlink_is_replaced_only_when_overwriting(make_engine, xfer_emu, dest: Path) -> None:  # type: ignore[no-untyped-def]
    victim = dest.parent / "victim.txt"
    victim.write_text("precious")
    (dest / "a.csv").symlink_to(victim)
    from co_tui.transfer import ExistingPolicy

    for policy in ExistingPolicy:
        summary = await make_engine().submit(
            request(dest, TargetKind.FILE, "data/a.csv", size=50_000, policy=policy)).wait()
        assert summary.failed == 0
        assert victim.read_text() == "precious"  # never written through the link
    assert not (dest / "a.csv").is_symlink()  # overwrite replaced the link itself
    assert local_files(dest)["a.csv"] == server_files(xfer_emu)["data/a.csv"]


async def test_too_little_space_stops_before_any_byte(make_engine, probe, dest: Path) -> None:  # type: ignore[no-untyped-def]
    class Usage:
        free = 10 * 1024 * 1024

    engine = make_engine(disk_usage=lambda path: Usage())
    batch = engine.submit(request(dest))
    summary = await batch.wait()
    assert "not enough free space" in summary.error and "free" in summary.error
    assert probe.files_requests() == []
    assert entries(dest) == []
    assert len(engine) == 0 and engine.totals().messages


@pytest.fixture
def disk_fills_up(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """A write into a co-tui temp file fails with ENOSPC once 1 MiB has been written."""
    written = [0]

    def before(fd: int, count: int) -> None:
        if is_temp_file(fd):
            if written[0] > 1024 * 1024:
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
            written[0] += count

    on_file_writes(monkeypatch, before)
    return written


async def test_a_full_disk_stops_the_batch_and_leaves_no_temp_file(make_engine, dest: Path, disk_fills_up) -> None:  # type: ignore[no-untyped-def]
    engine = make_engine()
    batch = engine.submit(request(dest))
    summary = await batch.wait()
    assert summary.error.startswith("stopped: the disk is full")
    assert temps(dest) == []
    states = {v.state for v in engine.view()}
    assert ItemState.QUEUED not in states and ItemState.RUNNING not in states
    stopped = [v for v in engine.view() if v.error.startswith("stopped:")]
    assert stopped and summary.failed >= len(stopped) + 1
    assert summary.kept_partial == 0
    for path in under(dest):  # whatever finished before is complete, nothing is partial
        assert not path.name.startswith(".co-tui-")


async def test_an_item_stopped_as_its_task_starts_stays_stopped(make_engine, dest: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    """The race behind a temp file once left after a full disk: an item is stopped (here: cancelled
    by the user) after a worker took it off the queue but before its task ran. It must not come
    back to life and write after its batch was reported finished."""
    engine = make_engine()
    original = engine._run_item

    async def stopped_first(item):  # type: ignore[no-untyped-def]
        engine.cancel(item.id)  # between ensure_future(_run_item) and its first step
        return await original(item)

    monkeypatch.setattr(engine, "_run_item", stopped_first)
    summary = await engine.submit(request(dest)).wait()
    await engine.wait_idle()
    states = {v.state for v in engine.view()}
    assert states == {ItemState.CANCELLED}, states
    assert summary.done == 0
    assert temps(dest) == [] and [p for p in under(dest) if p.is_file()] == []
