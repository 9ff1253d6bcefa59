"""Resume with Range + If-Range after a broken transfer, a cancel, or a restart of the app; start
over from 0 when the file changed on the server (D2, D3)."""

from __future__ import annotations

from pathlib import Path

from co_tui.emulator import FaultSpec
from co_tui.transfer import ItemState, TargetKind
from tests.transfer.transfer_helpers import (
    BIG,
    BIG_SIZE,
    ConcurrencyProbe,
    local_files,
    request,
    server_files,
    temps,
    until,
)

BIG_NAME = "large.bin"


def _big(dest: Path, **kw):  # type: ignore[no-untyped-def]
    return request(dest, TargetKind.FILE, BIG, size=BIG_SIZE, **kw)


def _fault_on_transfer(emu, kind: str) -> None:  # type: ignore[no-untyped-def]
    """Break the next download of the big file (a new file is not probed first)."""
    emu.faults.inject(kind, times=1, method="GET", path_contains=BIG)


def _change_big_file(emu, seed: int) -> None:  # type: ignore[no-untyped-def]
    with emu.store.lock:
        emu.store.conn.execute(
            "UPDATE files SET seed = ? WHERE parent = 'big' AND name = ?", (seed, BIG_NAME))


def _ranges(probe: ConcurrencyProbe) -> list[tuple[str | None, str | None]]:
    return [(r.headers.get("range"), r.headers.get("if-range"))
            for r in probe.files_requests() if BIG in r.url.path]


async def test_a_truncated_body_resumes_where_it_broke(make_engine, xfer_client, xfer_emu, probe, sleeps, dest: Path) -> None:  # type: ignore[no-untyped-def]
    _fault_on_transfer(xfer_emu, "truncate")
    summary = await make_engine().submit(_big(dest)).wait()
    assert summary.done == 1
    assert local_files(dest)[BIG_NAME] == server_files(xfer_emu)[BIG]
    ranges = _ranges(probe)
    assert [kind for kind, _, _ in xfer_emu.faults.history] == ["truncate"]
    assert ranges[0] == (None, None)  # the whole file, no probe first ... cut after 1 MiB
    assert ranges[1][0] == f"bytes={1024 * 1024}-" and ranges[1][1]  # resumed with If-Range
    assert len(ranges) == 2 and len(sleeps) == 1
    assert temps(dest) == []


async def test_a_reset_connection_is_retried(make_engine, xfer_client, xfer_emu, probe, dest: Path) -> None:  # type: ignore[no-untyped-def]
    _fault_on_transfer(xfer_emu, "reset")
    summary = await make_engine().submit(_big(dest)).wait()
    assert summary.done == 1 and len(_ranges(probe)) == 2
    assert local_files(dest)[BIG_NAME] == server_files(xfer_emu)[BIG]


async def _cancel_mid_transfer(engine, xfer_client, xfer_emu, dest: Path):  # type: ignore[no-untyped-def]
    xfer_emu.faults.spec = FaultSpec(slow_ms=1)  # drip: one byte at a time
    _fault_on_transfer(xfer_emu, "drip")
    batch = engine.submit(_big(dest))
    await until(lambda: bool(engine.view()) and engine.view()[0].done >= 1000)
    item = engine.view()[0]
    assert item.state is ItemState.RUNNING
    assert engine.cancel(item.id)
    summary = await batch.wait()
    return item.id, summary


async def test_cancel_keeps_a_resumable_file_and_retry_continues(make_engine, xfer_client, xfer_emu, probe, dest: Path) -> None:  # type: ignore[no-untyped-def]
    engine = make_engine()
    item_id, summary = await _cancel_mid_transfer(engine, xfer_client, xfer_emu, dest)
    assert summary.cancelled == 1 and summary.kept_partial == 1
    kept = temps(dest)
    assert len(kept) == 2 and kept[0].endswith(".part") and kept[1].endswith(".part.json")
    partial = (dest / kept[0]).stat().st_size
    assert 1000 <= partial < BIG_SIZE
    assert not (dest / BIG_NAME).exists()  # never a partial file under the final name

    assert engine.retry(item_id)
    summary = await engine.batches[0].wait()
    assert summary.done == 1 and temps(dest) == []
    assert local_files(dest)[BIG_NAME] == server_files(xfer_emu)[BIG]
    resumed = _ranges(probe)[-1]
    assert resumed[0] is not None and resumed[0].startswith("bytes=") and resumed[1]
    assert int(resumed[0][6:-1]) >= partial - 1  # continued, not restarted


async def test_a_later_run_resumes_from_the_kept_temp_file(make_engine, xfer_client, xfer_emu, probe, dest: Path) -> None:  # type: ignore[no-untyped-def]
    await _cancel_mid_transfer(make_engine(), xfer_client, xfer_emu, dest)
    partial = (dest / temps(dest)[0]).stat().st_size
    summary = await make_engine().submit(_big(dest)).wait()  # a new engine: as after a restart
    assert summary.done == 1 and temps(dest) == []
    assert local_files(dest)[BIG_NAME] == server_files(xfer_emu)[BIG]
    assert _ranges(probe)[-1][0] == f"bytes={partial}-"


async def test_a_changed_file_starts_over_from_zero(make_engine, xfer_client, xfer_emu, probe, dest: Path) -> None:  # type: ignore[no-untyped-def]
    await _cancel_mid_transfer(make_engine(), xfer_client, xfer_emu, dest)
    old = server_files(xfer_emu)[BIG]
    _change_big_file(xfer_emu, seed=99)
    new = server_files(xfer_emu)[BIG]
    assert new != old
    summary = await make_engine().submit(_big(dest)).wait()
    assert summary.done == 1
    assert local_files(dest)[BIG_NAME] == new
    assert _ranges(probe)[-1] == (None, None)  # the ETag check failed: a fresh download


async def test_a_file_that_changes_during_the_resume_is_restarted(make_engine, xfer_client, xfer_emu, probe, dest: Path) -> None:  # type: ignore[no-untyped-def]
    """The ETag check passes, then the file changes: If-Range makes the server send all of the
    new version (a 200, DownloadResult.offset == 0) and the engine starts again from 0."""
    await _cancel_mid_transfer(make_engine(), xfer_client, xfer_emu, dest)
    real = xfer_client.files.read_range

    async def change_after_check(url: str, start: int = 0, length: int = 256 * 1024):  # type: ignore[no-untyped-def]
        result = await real(url, start, length)
        _change_big_file(xfer_emu, seed=77)
        return result

    xfer_client.files.read_range = change_after_check
    summary = await make_engine().submit(_big(dest)).wait()
    assert summary.done == 1
    assert local_files(dest)[BIG_NAME] == server_files(xfer_emu)[BIG]
    ranges = _ranges(probe)
    assert ranges[-2][0] is not None and ranges[-2][1]  # Range + If-Range with the old ETag ...
    assert ranges[-1] == (None, None)  # ... answered with the new file: fetched again from 0
    assert temps(dest) == []


async def test_downloads_and_resumes_go_through_redirects(make_engine, xfer_client, xfer_emu, probe, sleeps, dest: Path) -> None:  # type: ignore[no-untyped-def]
    """Storage that redirects every signed URL five times: the whole asset lands, and a body
    cut on the last hop resumes there with Range + If-Range, with no credentials on any hop."""
    from co_tui.emulator.files_app import FileOriginQuirks

    xfer_emu.file_origin.quirks = FileOriginQuirks(redirects=5)
    xfer_emu.faults.inject("truncate", times=1, method="GET", path_contains="/_hop/0/")
    summary = await make_engine().submit(_big(dest)).wait()
    assert summary.done == 1
    assert local_files(dest)[BIG_NAME] == server_files(xfer_emu)[BIG]
    finals = [(r.headers.get("range"), r.headers.get("if-range"))
              for r in probe.files_requests() if r.url.path.startswith("/_hop/0/")]
    assert finals[0] == (None, None)
    assert finals[1][0] == f"bytes={1024 * 1024}-" and finals[1][1]
    hops = [r for r in probe.files_requests() if BIG in r.url.path]
    assert len(hops) == 6 * len(finals)
    assert not any("authorization" in r.headers or "cookie" in r.headers for r in hops)
    whole = await make_engine().submit(request(dest / "all")).wait()
    assert whole.failed == 0 and whole.done > 1
