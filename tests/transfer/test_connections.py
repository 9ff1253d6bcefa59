"""How the engine uses the network on real loopback sockets: kept-alive connections to the file
host, signed URLs fetched ahead, a probe only before a resume, big files in parallel byte
ranges, and the emulator's per-connection rate cap (download lanes: tests/transfer/test_lanes.py)."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from co_tui.api import CodeOceanClient, ranged
from co_tui.emulator import EmulatorConfig, serve_in_thread
from co_tui.transfer import DownloadEngine, ExistingPolicy, ItemState, TargetKind, filejob
from co_tui.transfer import fetch as fetch_module
from co_tui.transfer.engine import WORKERS_PER_SLOT
from co_tui.transfer.urls import AHEAD_PER_SLOT, CONCURRENCY
from tests.transfer.loopback import (
    MANY,
    RATED,
    RATED_SIZE,
    Watch,
    cancel_while_paused,
    refusing,
)
from tests.transfer.transfer_helpers import (
    BIG,
    BIG_SIZE,
    MiB,
    local_files,
    request,
    server_files,
    temps,
    until,
)


@pytest.fixture
def small_ranges(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the 12 MiB test file "big": ranged from 2 MiB, in chunks of 1 MiB."""
    monkeypatch.setattr(fetch_module, "RANGED_MIN_BYTES", 2 * MiB)
    monkeypatch.setattr(ranged, "CHUNK_MIN", MiB)


async def test_many_small_files_reuse_a_few_connections(engine: DownloadEngine, served: Any, files: Watch, dest: Path) -> None:
    summary = await engine.submit(request(dest, TargetKind.FOLDER, "many")).wait()
    assert summary.done == MANY and summary.failed == 0
    assert len(files.seen) == MANY  # one request per file: no probe, no second try
    assert all(r is None for _, _, r, _ in files.seen)
    assert files.connections() <= engine.max_parallel + 2
    assert engine.client.files.pool.opened == files.connections()


@pytest.mark.parametrize("lanes", [True, False], ids=["lanes", "prefetcher"])
async def test_urls_are_fetched_ahead_in_a_bounded_window(engine: DownloadEngine, served: Any, api: Watch, dest: Path, lanes: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    """Signed URLs are asked for ahead of their files, several at once when each answer takes
    a round trip, never more than the bound, and none is wasted: by the download lanes (each
    asks for its next file's URL during a transfer) and by the engine's prefetcher (without
    lanes)."""
    if not lanes:
        monkeypatch.setattr(engine.client, "quick", None)
    served.emulator.api_app.app.latency = 0.01  # every API answer takes 10 ms
    try:
        summary = await engine.submit(request(dest, TargetKind.FOLDER, "many")).wait()
    finally:
        served.emulator.api_app.app.latency = 0.0
    assert summary.done == MANY
    urls = [p for _, p, _, _ in api.seen if p.endswith("/files/urls")]
    assert len(urls) == MANY  # one per file, none wasted
    assert 2 <= api.peak <= min(CONCURRENCY, engine.max_parallel * (WORKERS_PER_SLOT
                                                                    + AHEAD_PER_SLOT))


async def test_an_expired_signed_url_is_fetched_again(engine: DownloadEngine, served: Any, files: Watch, dest: Path) -> None:
    """The file host says 403 (expired) to the first request of each file: one fresh URL each."""
    refused: set[str] = set()

    def first_time(path: str) -> bool:
        fresh = path not in refused
        refused.add(path)
        return fresh

    files.app = refusing(files.app, first_time, 403, b"<Error><Code>AccessDenied</Code>"
                          b"<Message>Request has expired</Message></Error>")
    summary = await engine.submit(request(dest, TargetKind.FOLDER, "data")).wait()
    assert summary.failed == 0 and summary.done == 4
    assert local_files(dest / "data") == {
        k[len("data/"):]: v for k, v in server_files(served.emulator).items()
        if k.startswith("data/")}
    assert len(files.seen) == 2 * 4


async def test_without_lanes_a_small_file_is_one_thread_hop(engine: DownloadEngine, served: Any, files: Watch, dest: Path, hops: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """With no download lanes (the client's quick path is off, as when a proxy is set),
    opening the temp file, its bytes and publishing it still happen in one call to a transfer
    thread: the several-hop path (a hop to open, one to move bytes, one to publish) is not
    taken at all while nothing fails."""
    def refused(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("a small file took the several-hop path")

    monkeypatch.setattr(engine.client, "quick", None)
    monkeypatch.setattr(filejob, "run_owned", refused)
    monkeypatch.setattr(filejob, "finish_uncancelled", refused)
    summary = await engine.submit(request(dest, TargetKind.FOLDER, "many")).wait()
    assert summary.done == MANY and summary.failed == 0
    assert hops == ["transfer"] * MANY
    assert len(files.seen) == MANY


async def test_a_failed_first_attempt_counts_as_one_of_the_attempts(engine: DownloadEngine, served: Any, files: Watch, dest: Path) -> None:
    """The one-hop attempt (here in a download lane) is the transfer's first: after a 503 the
    file is retried as its second attempt (one more request, not a fresh set), and a file
    that always fails makes
    exactly the engine's 4 attempts."""
    answered: set[str] = set()

    def first_time(path: str) -> bool:
        if path.endswith("empty.dat"):
            return True  # always
        fresh = path not in answered
        answered.add(path)
        return fresh

    files.app = refusing(files.app, first_time, 503, b"<Error><Code>SlowDown</Code></Error>")
    summary = await engine.submit(request(dest, TargetKind.FOLDER, "data")).wait()
    assert summary.done == 3 and summary.failed == 1
    by_file = Counter(path.rsplit("/", 1)[-1] for _, path, _, _ in files.seen)
    assert by_file == {"a.csv": 2, "b.bin": 2, "c d+e.txt": 2, "empty.dat": 4}, by_file
    failed = [item for item in engine.view() if item.state is ItemState.FAILED]
    assert [item.label for item in failed] == ["data/raw/empty.dat"]
    assert "503" in failed[0].error or "unavailable" in failed[0].error.lower(), failed[0].error
    assert temps(dest) == []


async def test_a_cancel_stops_a_small_file_in_its_one_hop_at_once(engine: DownloadEngine, served: Any, files: Watch, dest: Path, hops: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """Without lanes, cancelling a small file while its one transfer-thread call waits for
    the body's next bytes shuts the connection there and then (the wait would be 16 s): the
    item is cancelled, not retried, and nothing is left."""
    monkeypatch.setattr(engine.client, "quick", None)
    summary, seconds = await cancel_while_paused(
        engine, files, request(dest, TargetKind.FILE, RATED, size=RATED_SIZE))
    assert seconds < 1.0
    assert summary.cancelled == 1 and summary.failed == 0 and summary.kept_partial == 0
    assert hops == ["transfer"]  # the one-hop path, and no second attempt after the cancel
    assert len(files.ranges(RATED)) == 1
    assert temps(dest) == [] and not (dest / "r.bin").exists()


async def test_a_folder_in_the_way_fails_a_small_file_and_leaves_no_temp_file(engine: DownloadEngine, served: Any, files: Watch, dest: Path) -> None:
    """Overwriting is asked for, but a folder has the file's name: the one-hop call fails the
    file with that reason, and removes its temp file (the bytes had all arrived)."""
    (dest / "a.csv").mkdir(parents=True)
    summary = await engine.submit(request(dest, TargetKind.FILE, "data/a.csv", size=50_000,
                                          policy=ExistingPolicy.OVERWRITE)).wait()
    assert summary.failed == 1
    assert "a folder named 'a.csv' is in the way" in engine.view()[0].error
    assert temps(dest) == [] and (dest / "a.csv").is_dir()
    assert len(files.seen) == 1


async def _cancel_part_way(engine: DownloadEngine, files: Watch, dest: Path) -> int:
    """Start the big file at 4 MB/s per connection and cancel it after 2 MiB: the kept temp
    file's size."""
    files.origin.conn_rate = 4e6
    batch = engine.submit(request(dest, TargetKind.FILE, BIG, size=BIG_SIZE))
    await until(lambda: bool(engine.view()) and engine.view()[0].done >= 2 * MiB)
    assert engine.cancel(engine.view()[0].id)
    summary = await batch.wait()
    files.origin.conn_rate = 0.0
    assert summary.cancelled == 1 and summary.kept_partial == 1
    kept = [dest / name for name in temps(dest) if name.endswith(".part")]
    return kept[0].stat().st_size


async def test_a_resume_probes_then_continues_with_range(engine: DownloadEngine, served: Any, files: Watch, dest: Path) -> None:
    partial = await _cancel_part_way(engine, files, dest)
    assert files.ranges(BIG)[0] == (None, None)  # the first try: no probe, nothing to resume
    assert engine.retry(engine.view()[0].id)
    summary = await engine.batches[0].wait()
    assert summary.done == 1 and temps(dest) == []
    assert local_files(dest)["large.bin"] == server_files(served.emulator)[BIG]
    after = files.ranges(BIG)[1:]
    assert after[0] == (f"bytes={partial - 1}-{partial - 1}", None)  # the one-byte probe
    assert after[1][0] == f"bytes={partial}-" and after[1][1]  # Range + If-Range
    assert len(after) == 2


@pytest.mark.usefixtures("small_ranges")
async def test_a_big_file_comes_in_parallel_ranges(engine: DownloadEngine, served: Any, files: Watch, dest: Path) -> None:
    files.origin.conn_rate = 20e6  # so the parts overlap in time
    summary = await engine.submit(request(dest, TargetKind.FILE, BIG, size=BIG_SIZE)).wait()
    assert summary.done == 1 and temps(dest) == []
    assert local_files(dest)["large.bin"] == server_files(served.emulator)[BIG]
    parts = files.ranges(BIG)
    assert len(parts) == BIG_SIZE // MiB
    assert all(r is not None and r.endswith(str(int(r[6:].split("-")[0]) + MiB - 1))
               for r, _ in parts)
    assert 4 <= files.connections() <= ranged.CONNECTIONS


@pytest.mark.usefixtures("small_ranges")
@pytest.mark.usefixtures("small_ranges")
async def test_a_big_file_on_a_fast_connection_stays_on_one(engine: DownloadEngine, served: Any, files: Watch, dest: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Uncapped loopback moves far more than FAST_CONNECTION on one connection: the other
    workers never join (more streams would only compete for the cores)."""
    monkeypatch.setattr(ranged, "PROBE_SECONDS", 0.02)
    monkeypatch.setattr(ranged, "FAST_CONNECTION", 1e6)  # a loaded CI machine still beats it
    summary = await engine.submit(request(dest, TargetKind.FILE, BIG, size=BIG_SIZE)).wait()
    assert summary.done == 1 and temps(dest) == []
    assert local_files(dest)["large.bin"] == server_files(served.emulator)[BIG]
    parts = files.ranges(BIG)
    assert len(parts) == BIG_SIZE // MiB and all(r is not None for r, _ in parts)
    assert files.connections() == 1


async def test_a_ranged_file_larger_than_listed_fails_and_leaves_nothing(engine: DownloadEngine, served: Any, files: Watch, dest: Path) -> None:
    listed = BIG_SIZE - 3 * MiB  # the server has 3 MiB more than the listing says
    summary = await engine.submit(request(dest, TargetKind.FILE, BIG, size=listed)).wait()
    item = engine.view()[0]
    assert summary.failed == 1 and item.state is ItemState.FAILED
    assert "the server sent more than the listed size" in item.error, item.error
    assert temps(dest) == [] and not (dest / "large.bin").exists()


@pytest.mark.usefixtures("small_ranges")
async def test_a_ranged_download_resumes_from_its_complete_prefix(engine: DownloadEngine, served: Any, files: Watch, dest: Path) -> None:
    partial = await _cancel_part_way(engine, files, dest)
    assert partial < 2 * MiB  # cut back to what is complete from byte 0: the first chunk's part
    before = len(files.ranges(BIG))
    assert engine.retry(engine.view()[0].id)
    summary = await engine.batches[0].wait()
    assert summary.done == 1 and temps(dest) == []
    assert local_files(dest)["large.bin"] == server_files(served.emulator)[BIG]
    probe, *parts = files.ranges(BIG)[before:]
    assert probe == (f"bytes={max(0, partial - 1)}-{max(0, partial - 1)}", None)
    assert all(r is not None and i for r, i in parts)  # Range + If-Range, in parallel
    assert min(int(str(r)[6:].split("-")[0]) for r, _ in parts) == partial


async def test_conn_rate_caps_each_connection(served: Any, client: CodeOceanClient, files: Watch, dest: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """At 10 MB/s per connection, one stream of 4 MiB takes >= 0.4 s; the same file in four
    parallel ranges is at least twice as fast."""
    files.origin.conn_rate = 10e6

    async def timed(name: str) -> float:
        eng = DownloadEngine(client, env={})
        start = time.perf_counter()
        summary = await eng.submit(request(dest / name, TargetKind.FILE, RATED,
                                           size=RATED_SIZE)).wait()
        elapsed = time.perf_counter() - start
        await eng.aclose()
        assert summary.done == 1
        return elapsed

    single = await timed("single")
    assert single >= RATED_SIZE / 10e6 * 0.95
    monkeypatch.setattr(fetch_module, "RANGED_MIN_BYTES", MiB)
    monkeypatch.setattr(ranged, "CHUNK_MIN", MiB)
    monkeypatch.setattr(ranged, "CONNECTIONS", 4)
    monkeypatch.setattr(ranged, "PROBE_SECONDS", 0.05)  # a 4 MiB file: a short probe
    parallel = await timed("parallel")
    assert parallel * 2 <= single
    assert local_files(dest / "parallel") == local_files(dest / "single")
    await asyncio.sleep(0)


def test_conn_rate_is_an_emulator_option() -> None:
    """``EmulatorConfig.conn_rate_mbps`` (``co-tui emulator --conn-rate``) reaches the file
    origin served on sockets, in bytes per second."""
    with serve_in_thread(EmulatorConfig(seed="empty", conn_rate_mbps=50)) as handle:
        assert handle.emulator.file_origin.conn_rate == 50e6
    with pytest.raises(ValueError):
        EmulatorConfig(conn_rate_mbps=-1)
