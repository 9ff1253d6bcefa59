"""Download lanes on real loopback sockets: small files run back to back in transfer threads
with no event-loop hop per file, and a cancel, a full disk, a failing URL request and closing
the engine still end every file cleanly."""

from __future__ import annotations

import asyncio
import shutil
import threading
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from co_tui.api import fast_download
from co_tui.transfer import DownloadEngine, ItemState, TargetKind, filejob, lanes
from co_tui.transfer.batch import TransferItem
from co_tui.transfer.localfs import FolderCache
from tests.transfer.loopback import MANY, RATED, RATED_SIZE, Watch, cancel_while_paused
from tests.transfer.transfer_helpers import (
    disk_full_after,
    local_files,
    request,
    server_files,
    temps,
    until,
)


@pytest.fixture
def lane_runs(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The server path of every file a lane ran."""
    seen: list[str] = []
    real = filejob.run_in_lane

    def counted(job: filejob.FileJob, url: str | None, folders: FolderCache) -> Any:
        seen.append(job.remote.path)
        return real(job, url, folders)

    monkeypatch.setattr(lanes, "run_in_lane", counted)
    return seen


@pytest.fixture
def gate(files: Watch) -> Iterator[threading.Event]:
    """Every file-host request waits (on the server) until the event is set."""
    opened = threading.Event()
    inner = files.app

    async def held(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            while not opened.is_set():  # noqa: ASYNC110 - a thread's event, polled server-side
                await asyncio.sleep(0.005)
        await inner(scope, receive, send)

    files.app = held
    yield opened
    opened.set()


def _running(engine: DownloadEngine) -> int:
    return sum(view.state is ItemState.RUNNING for view in engine.view())


def _lanes_now(engine: DownloadEngine) -> int:
    """How many lanes the engine runs now (its lane count's choice)."""
    return engine._lanes.count.now


async def test_small_files_run_in_lanes_with_no_hop_per_file(engine: DownloadEngine, served: Any, files: Watch, api: Watch, dest: Path, lane_runs: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """Every file of a folder of small ones runs in a lane: no transfer-thread call of its own
    and none of the several-hop path, one URL request and one file request each, and the same
    bytes as the server's."""
    def refused(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("a lane's file went through the event loop")

    for name in ("run_transfer", "run_owned", "finish_uncancelled"):
        monkeypatch.setattr(filejob, name, refused)
    summary = await engine.submit(request(dest, TargetKind.FOLDER, "many")).wait()
    assert summary.done == MANY and summary.failed == 0
    assert sorted(lane_runs) == sorted(f"many/f_{i:03d}.dat" for i in range(MANY))
    assert len([p for _, p, _, _ in api.seen if p.endswith("/files/urls")]) == MANY
    assert len(files.seen) == MANY
    assert local_files(dest / "many") == {
        k[len("many/"):]: v for k, v in server_files(served.emulator).items()
        if k.startswith("many/")}
    assert temps(dest) == []


async def test_a_cancel_cuts_a_lane_file_at_once(engine: DownloadEngine, served: Any, files: Watch, dest: Path, lane_runs: list[str]) -> None:
    """Cancelling a lane's file while it waits for the body's next bytes (16 s away) shuts its
    connection there and then: cancelled, not retried, nothing left."""
    summary, seconds = await cancel_while_paused(engine, files,
                                                 request(dest, TargetKind.FOLDER, "rated"))
    assert seconds < 1.0
    assert summary.cancelled == 1 and summary.failed == 0 and summary.kept_partial == 0
    assert lane_runs == [RATED] and len(files.ranges(RATED)) == 1
    assert engine.view()[0].total == RATED_SIZE
    assert temps(dest) == [] and not (dest / "rated" / "r.bin").exists()


async def test_a_fed_file_cancelled_before_it_starts_is_never_requested(engine: DownloadEngine, served: Any, files: Watch, dest: Path, gate: threading.Event) -> None:
    """A file already fed to the lanes but not begun stays queued until its lane reports it
    dropped (so it can never run twice), then is cancelled without a request for its bytes;
    one still in the engine's queue is cancelled at once."""
    batch = engine.submit(request(dest, TargetKind.FOLDER, "many"))
    await until(lambda: _running(engine) == _lanes_now(engine))
    views = engine.view()
    fed, last = views[20], views[-1]
    assert fed.state is ItemState.QUEUED
    assert engine.cancel(fed.id)
    assert engine.item(fed.id).state is ItemState.QUEUED  # type: ignore[union-attr]
    assert engine.cancel(last.id)
    gate.set()
    summary = await batch.wait()
    assert summary.cancelled == 2 and summary.done == MANY - 2 and summary.failed == 0
    states = {view.label: view.state for view in engine.view()}
    assert states[fed.label] is states[last.label] is ItemState.CANCELLED
    requested = {path.rsplit("/", 1)[-1] for _, path, _, _ in files.seen}
    assert fed.label.rsplit("/", 1)[-1] not in requested
    assert not (dest / fed.label).exists() and temps(dest) == []
    assert not engine.busy


async def test_a_full_disk_stops_the_lanes_and_leaves_no_temp_file(engine: DownloadEngine, served: Any, dest: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The disk fills up after 10 files: the batch stops, every file the lanes had not
    published fails with the reason, and no temp file is left."""
    disk_full_after(monkeypatch, 10)  # a 4 KiB file is one write
    summary = await engine.submit(request(dest, TargetKind.FOLDER, "many")).wait()
    assert summary.error.startswith("stopped: the disk is full"), summary.error
    assert summary.done <= 10 and summary.done + summary.failed == MANY
    assert len(list((dest / "many").iterdir())) == summary.done
    assert temps(dest) == [] and not engine.busy


@pytest.fixture
def urls_fail_once(api: Watch) -> None:
    """The API answers 500 to the first signed-URL request of each file."""
    asked: set[bytes] = set()
    inner = api.app

    async def first_fails(scope: Any, receive: Any, send: Any) -> None:
        query = scope.get("query_string", b"")
        if scope["type"] == "http" and scope["path"].endswith("/files/urls") and (
                query not in asked):
            asked.add(query)
            body = b'{"message": "internal server error"}'
            await send({"type": "http.response.start", "status": 500,
                        "headers": [(b"content-length", str(len(body)).encode())]})
            await send({"type": "http.response.body", "body": body})
            return
        await inner(scope, receive, send)

    api.app = first_fails


@pytest.mark.usefixtures("urls_fail_once")
async def test_a_failed_url_request_hands_the_file_to_the_full_path(engine: DownloadEngine, served: Any, api: Watch, dest: Path, lane_runs: list[str]) -> None:
    """A lane's URL request gets a 500: the lane hands the file over, and the engine's full
    path asks again (through the client's request path) and finishes it: two URL requests per
    file, every file done."""
    summary = await engine.submit(request(dest, TargetKind.FOLDER, "many")).wait()
    errors = [view.error for view in engine.view() if view.error]
    assert summary.done == MANY and summary.failed == 0, errors
    assert len(lane_runs) == MANY
    assert len([p for _, p, _, _ in api.seen if p.endswith("/files/urls")]) == 2 * MANY
    assert temps(dest) == []


@pytest.mark.usefixtures("urls_fail_once")
async def test_closing_the_engine_stops_the_files_lanes_handed_over(engine: DownloadEngine, served: Any, dest: Path, gate: threading.Event) -> None:
    """Files the lanes handed over run on in the engine's full path; closing the engine while
    they wait for their bytes stops them too: nothing is left running, no temp file stays."""
    engine.submit(request(dest, TargetKind.FOLDER, "many"))
    await until(lambda: _running(engine) >= engine.max_parallel)
    started = time.monotonic()
    await engine.aclose()
    assert time.monotonic() - started < 2.0
    assert {view.state for view in engine.view()} == {ItemState.CANCELLED}
    assert not engine.busy and temps(dest) == []


@pytest.mark.usefixtures("urls_fail_once")
async def test_a_file_handed_over_just_before_closing_ends_cancelled(
        engine: DownloadEngine, served: Any, dest: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The batch that hands files over to the full path can be applied in the same turn of the
    event loop as ``aclose`` begins: their tasks are cancelled before they ever ran, and each
    of those files still ends cancelled, not running for ever."""
    lane_set = engine._lanes
    apply_batch = lane_set._drain
    monkeypatch.setattr(lane_set, "_drain", lambda: None)  # the test applies the batch itself
    engine.submit(request(dest, TargetKind.FOLDER, "many"))

    def handed() -> list[TransferItem]:
        return [e.item for e in lane_set._events if isinstance(e.result, filejob.HandOver)]

    await until(lambda: not lane_set._tasks and not lane_set._feed and bool(handed()))
    over = handed()  # most files (the engine's URL prefetcher may have taken some first tries)
    apply_batch()  # creates the full path's tasks; none has run a step yet
    assert {item.task for item in over} <= engine._handed and None not in engine._handed
    await engine.aclose()
    assert {item.state for item in over} == {ItemState.CANCELLED}
    assert {view.state for view in engine.view()} <= {ItemState.CANCELLED, ItemState.DONE}
    assert not engine.busy and temps(dest) == []


async def test_closing_the_engine_stops_its_lanes(engine: DownloadEngine, served: Any, dest: Path, gate: threading.Event) -> None:
    """Closing the engine while every lane waits for its file's bytes cuts them: it returns
    at once, nothing is left running or queued, and no temp file stays."""
    engine.submit(request(dest, TargetKind.FOLDER, "many"))
    await until(lambda: _running(engine) == _lanes_now(engine))
    started = time.monotonic()
    await engine.aclose()
    assert time.monotonic() - started < 2.0
    states = {view.state for view in engine.view()}
    assert states == {ItemState.CANCELLED}, states
    assert not engine.busy and temps(dest) == []


async def test_the_lanes_last_reports_are_applied_when_they_run_out_of_files(
        engine: DownloadEngine, served: Any, dest: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A lane that finds the feed empty ends, and what the lanes reported last is applied then,
    not :data:`~co_tui.transfer.lanes.DRAIN_DELAY` later: the batch's end is not held back by
    the timer (here 30 s: every file of the folder is fed at once, so no timed batch is needed
    at all)."""
    monkeypatch.setattr(lanes, "DRAIN_DELAY", 30.0)
    started = time.monotonic()
    summary = await asyncio.wait_for(
        engine.submit(request(dest, TargetKind.FOLDER, "many")).wait(), 10)
    assert summary.done == MANY and summary.failed == 0
    assert time.monotonic() - started < 10
    assert temps(dest) == []


async def test_no_lane_event_reaches_the_engine_after_its_lanes_closed(
        engine: DownloadEngine, served: Any, dest: Path, gate: threading.Event,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The lanes' events wait :data:`~co_tui.transfer.lanes.DRAIN_DELAY` to be applied in a
    batch. Closing the engine while a batch waits applies it at once, inside ``aclose``, and
    no timed batch runs after: no event is applied and no file's bytes are asked for once
    ``aclose`` has returned, and every file ends cancelled."""
    monkeypatch.setattr(lanes, "DRAIN_DELAY", 1.0)
    applied: list[float] = []
    lane_set = engine._lanes
    real_apply = lane_set._apply

    def timed_apply(events: list[lanes.LaneEvent]) -> None:
        applied.append(time.monotonic())
        real_apply(events)

    asked: list[float] = []
    real_once = fast_download._download_once

    def timed_once(*args: Any) -> Any:
        asked.append(time.monotonic())
        return real_once(*args)

    monkeypatch.setattr(lane_set, "_apply", timed_apply)
    monkeypatch.setattr(fast_download, "_download_once", timed_once)
    engine.submit(request(dest, TargetKind.FOLDER, "many"))
    await until(lambda: len(asked) >= _lanes_now(engine))  # every lane waits for bytes
    assert applied == []  # their 'started' events wait for the batch
    await engine.aclose()
    closed = time.monotonic()
    assert applied and max(applied) <= closed  # the waiting batch was applied by aclose
    await asyncio.sleep(1.2)  # past the delay of the batch that was waiting
    assert max(applied) <= closed and max(asked) <= closed
    assert {view.state for view in engine.view()} == {ItemState.CANCELLED}
    assert not engine.busy and temps(dest) == []


async def test_a_lane_keeps_its_folder_open_and_opens_a_removed_one_again(
        client: Any, served: Any, dest: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A lane opens a folder once for its files there; when the folder is removed between two
    files, the next one makes it again and lands (not an error about a missing folder)."""
    from co_tui.transfer import localfs
    from co_tui.transfer.download_model import ExistingPolicy, RemoteFile
    from co_tui.transfer.fetch import Fetcher
    from tests.transfer.transfer_helpers import ASSET

    opened: list[tuple[str, ...]] = []
    real_open = localfs.open_folder

    def counted(root: str, parts: Any, **kwargs: Any) -> Any:
        opened.append(tuple(parts))
        return real_open(root, parts, **kwargs)

    monkeypatch.setattr(localfs, "open_folder", counted)
    async def no_sleep(seconds: float) -> None:
        return None

    fetcher = Fetcher(client, ASSET, sleep=no_sleep)
    expected = server_files(served.emulator)
    await client.data_assets.get_data_asset(ASSET)  # the quick path waits for a first answer

    def job(index: int) -> filejob.FileJob:
        path = f"many/f_{index:03d}.dat"
        return filejob.FileJob(fetcher, RemoteFile(path, expected[path][0], path), str(dest),
                               ("many", f"f_{index:03d}.dat"), ExistingPolicy.SKIP,
                               lambda n: None)

    def run(index: int, folders: FolderCache) -> Any:
        made = job(index)
        return filejob.run_in_lane(made, fetcher.signed_url_later(made.remote.path)(), folders)

    def lane() -> list[Any]:
        folders = FolderCache()
        try:
            results = [run(0, folders), run(1, folders)]
            shutil.rmtree(dest / "many")
            return [*results, run(2, folders), run(3, folders)]
        finally:
            folders.close()

    results = await asyncio.to_thread(lane)
    assert all(isinstance(r, filejob.FileOutcome) and not r.skipped for r in results), results
    assert opened == [("many",), ("many",)]  # once, and once more after the removal
    got = local_files(dest / "many")
    assert sorted(got) == ["f_002.dat", "f_003.dat"]
    assert all(got[name] == expected[f"many/{name}"] for name in got)


async def test_a_lane_asks_for_the_next_url_before_the_bytes_of_the_current_file(
        client: Any, served: Any, files: Watch, api: Watch, dest: Path) -> None:
    """With one lane, the request for file k+1's URL reaches the API before the request for
    file k's bytes reaches the file host (it is on its way while file k moves), and the lane's
    own thread sends it (no hand-off to another thread per file)."""
    order: list[str] = []
    threads: set[str] = set()
    inner_api, inner_files = api.app, files.app

    async def api_app(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http" and scope["path"].endswith("/files/urls"):
            query = urllib.parse.parse_qs(scope["query_string"].decode())
            order.append("url " + query["path"][0])
        await inner_api(scope, receive, send)

    async def files_app(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            path = urllib.parse.unquote(scope["path"])
            order.append("bytes " + "/".join(path.rsplit("/", 2)[-2:]))
        await inner_files(scope, receive, send)

    api.app, files.app = api_app, files_app
    real_start = client.quick.start

    def start(*args: Any, **kwargs: Any) -> Any:
        if str(args[0]).endswith("/files/urls"):  # not the folder's listing (quick too)
            threads.add(threading.current_thread().name)
        return real_start(*args, **kwargs)

    async def no_sleep(seconds: float) -> None:
        return None

    client.quick.start = start
    engine = DownloadEngine(client, env={}, sleep=no_sleep, max_parallel=1)
    try:
        summary = await engine.submit(request(dest, TargetKind.FOLDER, "many")).wait()
    finally:
        await engine.aclose()
    assert summary.done == MANY and summary.failed == 0
    urls = [o for o in order if o.startswith("url ")]
    assert len(urls) == MANY
    for k in range(MANY - 1):  # file k+1's URL was asked for before file k's bytes
        assert order.index(f"url many/f_{k + 1:03d}.dat") < order.index(
            f"bytes many/f_{k:03d}.dat"), order[:12]
    assert threads and all(name.startswith("co-tui-download") for name in threads), threads


async def test_a_second_run_of_a_finished_download_asks_for_no_file(
        engine: DownloadEngine, served: Any, files: Watch, api: Watch, dest: Path) -> None:
    """With "skip", files already at the destination when the batch is planned are skipped
    there and then: the second run lists the folder and asks for no URL and no byte. A file
    removed since the first run is fetched again."""
    first = await engine.submit(request(dest, TargetKind.FOLDER, "many")).wait()
    assert first.done == MANY
    urls = len([p for _, p, _, _ in api.seen if p.endswith("/files/urls")])
    fetched = len(files.seen)
    (dest / "many" / "f_007.dat").unlink()
    second = await engine.submit(request(dest, TargetKind.FOLDER, "many")).wait()
    assert (second.done, second.skipped, second.failed) == (1, MANY - 1, 0)
    assert len([p for _, p, _, _ in api.seen if p.endswith("/files/urls")]) == urls + 1
    assert len(files.seen) == fetched + 1
    skipped = [v for v in engine.view() if v.state is ItemState.SKIPPED]
    assert len(skipped) == MANY - 1
    assert local_files(dest / "many") == {
        k[len("many/"):]: v for k, v in server_files(served.emulator).items()
        if k.startswith("many/")}
