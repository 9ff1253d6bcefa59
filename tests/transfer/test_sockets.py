"""The same downloads over real loopback sockets, where the fast worker-thread path moves the
bytes (uvicorn serves the emulator in a thread)."""

from __future__ import annotations

import hashlib
import zipfile
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest

from co_tui.api import CodeOceanClient
from co_tui.emulator import EmulatorConfig, serve_in_thread
from co_tui.transfer import DownloadEngine, TargetKind
from tests.transfer.transfer_helpers import (
    BIG,
    BIG_SIZE,
    MOUNT,
    disk_full_after,
    local_files,
    request,
    seed,
    server_files,
    temps,
)


class HeaderLog:
    """ASGI middleware recording (path, Range, If-Range) of every request to the file origin."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.seen: list[tuple[str, str | None, str | None]] = []

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            headers = {k.decode().lower(): v.decode() for k, v in scope["headers"]}
            self.seen.append((scope["path"], headers.get("range"), headers.get("if-range")))
        await self.app(scope, receive, send)


@pytest.fixture(scope="module")
def served() -> Iterator[Any]:
    with serve_in_thread(EmulatorConfig(seed="test"), seed_data=seed()) as handle:
        yield handle


@pytest.fixture
def log(served: Any) -> Iterator[HeaderLog]:
    emulator = served.emulator
    original = emulator.files_app
    emulator.files_app = HeaderLog(original)
    yield emulator.files_app
    emulator.files_app = original
    emulator.faults.clear()


@pytest.fixture
async def engine(served: Any) -> AsyncIterator[DownloadEngine]:
    async def no_sleep(seconds: float) -> None:
        return None

    async with CodeOceanClient(served.domain, served.emulator.main_token) as client:
        eng = DownloadEngine(client, env={}, sleep=no_sleep)
        yield eng
        await eng.aclose()


async def test_a_whole_asset_over_sockets(engine: DownloadEngine, served: Any, dest: Path, log: HeaderLog) -> None:
    summary = await engine.submit(request(dest)).wait()
    expected = server_files(served.emulator)
    assert summary.done == len(expected) and summary.failed == 0
    assert local_files(dest / MOUNT) == expected
    assert temps(dest) == []
    assert len([p for p, _, _ in log.seen]) == len(expected)  # no probe: nothing to resume
    assert all(r is None for _, r, _ in log.seen)


async def test_an_archive_over_sockets(engine: DownloadEngine, served: Any, dest: Path) -> None:
    summary = await engine.submit(request(dest, TargetKind.FOLDER, "big", as_zip=True)).wait()
    assert summary.done == 1
    with zipfile.ZipFile(dest / "big.zip") as archive:
        data = archive.read("big/large.bin")
    assert (len(data), hashlib.sha256(data).hexdigest()) == server_files(served.emulator)[BIG]


async def test_a_truncated_transfer_resumes_over_sockets(engine: DownloadEngine, served: Any, dest: Path, log: HeaderLog) -> None:
    """No probe before a new file: the first answer's ETag makes the resume's If-Range."""
    served.emulator.faults.inject("truncate", times=1, method="GET", path_contains=BIG)
    summary = await engine.submit(request(dest, TargetKind.FILE, BIG, size=BIG_SIZE)).wait()
    assert summary.done == 1
    assert local_files(dest)["large.bin"] == server_files(served.emulator)[BIG]
    ranges = [(r, i) for p, r, i in log.seen if p.endswith(BIG)]
    assert ranges[0] == (None, None)
    assert ranges[1][0] == f"bytes={1024 * 1024}-" and ranges[1][1]
    assert len(ranges) == 2
    assert temps(dest) == []


async def test_a_full_disk_over_sockets(engine: DownloadEngine, dest: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The fast path reports its thread's OSError as a connection failure with the cause
    chained; the engine still recognises a full disk, stops and cleans up."""
    disk_full_after(monkeypatch, 0)
    summary = await engine.submit(request(dest, TargetKind.FOLDER, "logs")).wait()
    assert summary.failed == 1 and "disk is full" in summary.error
    assert temps(dest) == [] and not (dest / "logs" / "run.log").exists()
