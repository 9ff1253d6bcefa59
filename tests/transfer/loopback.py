"""Real loopback sockets for the download tests: the emulator in a thread (module-wide) with 50
small files and a 4 MiB one, a watch on each origin, a client and an engine on it."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import pytest

from co_tui.api import CodeOceanClient, fast_download
from co_tui.emulator import EmulatorConfig, serve_in_thread
from co_tui.emulator.seed_model import Content, SeedFile
from co_tui.transfer import BatchSummary, DownloadEngine, DownloadRequest, filejob
from tests.transfer.transfer_helpers import MiB, seed, until

__all__ = ["MANY", "RATED", "RATED_SIZE", "Watch", "api", "cancel_while_paused", "client",
           "engine", "files", "hops", "refusing", "served"]

MANY = 50
RATED = "rated/r.bin"
RATED_SIZE = 4 * MiB


class Watch:
    """ASGI middleware on one origin: every request's (client address, path, Range, If-Range)
    and the most requests whose path contains ``busy`` in flight at once."""

    def __init__(self, app: Any, busy: str = "") -> None:
        self.app = app
        self.busy = busy
        self.seen: list[tuple[tuple[str, int], str, str | None, str | None]] = []
        self.open = 0
        self.peak = 0
        self.origin: Any = None
        """The file origin itself (set by the fixture), to change its rate cap."""

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode().lower(): v.decode() for k, v in scope["headers"]}
        self.seen.append((tuple(scope["client"]), scope["path"], headers.get("range"),
                          headers.get("if-range")))
        counted = bool(self.busy) and self.busy in scope["path"]
        self.open += counted
        self.peak = max(self.peak, self.open)
        try:
            await self.app(scope, receive, send)
        finally:
            self.open -= counted

    def connections(self) -> int:
        """Distinct client sockets seen (one per TCP connection)."""
        return len({client for client, _, _, _ in self.seen})

    def ranges(self, path: str) -> list[tuple[str | None, str | None]]:
        return [(r, i) for _, p, r, i in self.seen if p.endswith(path)]


@pytest.fixture(scope="module")
def served() -> Iterator[Any]:
    data = seed([SeedFile(RATED, Content("random", RATED_SIZE, seed=9))], many=MANY)
    with serve_in_thread(EmulatorConfig(seed="test"), seed_data=data) as handle:
        yield handle


@pytest.fixture
def files(served: Any) -> Iterator[Watch]:
    emulator = served.emulator
    origin = emulator.file_origin
    original = emulator.files_app
    watch = Watch(original)
    watch.origin = origin
    emulator.files_app = watch
    yield watch
    emulator.files_app = original
    emulator.faults.clear()
    origin.conn_rate = 0.0


@pytest.fixture
def api(served: Any) -> Iterator[Watch]:
    emulator = served.emulator
    original = emulator.api_app
    emulator.api_app = Watch(original, busy="/files/urls")
    yield emulator.api_app
    emulator.api_app = original


@pytest.fixture
async def client(served: Any) -> AsyncIterator[CodeOceanClient]:
    async with CodeOceanClient(served.domain, served.emulator.main_token) as made:
        yield made


@pytest.fixture
async def engine(client: CodeOceanClient) -> AsyncIterator[DownloadEngine]:
    async def no_sleep(seconds: float) -> None:
        return None

    eng = DownloadEngine(client, env={}, sleep=no_sleep)
    yield eng
    await eng.aclose()


def refusing(inner: Any, fails: Callable[[str], bool], status: int, body: bytes) -> Any:
    """The file origin ``inner``, answering ``status`` with the XML ``body`` to the requests
    whose path ``fails`` picks."""

    async def app(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http" and fails(scope["path"]):
            await send({"type": "http.response.start", "status": status,
                        "headers": [(b"content-length", str(len(body)).encode())]})
            await send({"type": "http.response.body", "body": body})
            return
        await inner(scope, receive, send)

    return app


@pytest.fixture
def hops(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """One entry per call of the one-hop path (``filejob.run_transfer``)."""
    seen: list[str] = []
    real = fast_download.run_transfer

    async def counted(call: Any, *args: Any, **kwargs: Any) -> Any:
        seen.append("transfer")
        return await real(call, *args, **kwargs)

    monkeypatch.setattr(filejob, "run_transfer", counted)
    return seen




async def cancel_while_paused(engine: DownloadEngine, files: Watch, asked: DownloadRequest
                              ) -> tuple[BatchSummary, float]:
    """Download ``asked`` (the 4 MiB file) from an origin that sends a first 64 KiB at once and
    then nothing for 16 s; cancel it there: its summary and the seconds the cancel took."""
    files.origin.conn_rate = 4e3
    batch = engine.submit(asked)
    await until(lambda: bool(engine.view()) and engine.view()[0].done >= 64 * 1024)
    started = time.monotonic()
    assert engine.cancel(engine.view()[0].id)
    summary = await batch.wait()
    return summary, time.monotonic() - started
