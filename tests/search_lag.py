"""A search index that lags writes, for tests, on the client side of the in-process emulator.

Real Code Ocean search is an index that shows a write only seconds after it; ``GET
/data_assets/{id}`` is immediate. :class:`SearchLagTransport` reproduces that in front of an
:class:`~co_tui.emulator.Emulator`'s transport without touching the emulator:

* before each write it forwards (any POST, PUT, PATCH or DELETE that is not itself a search or
  a folder listing), it copies the emulator's database as it is (SQLite's backup API, a few
  milliseconds for the demo seed);
* a ``POST /data_assets/search`` is answered by the emulator's own search code run on the state
  of ``lag`` seconds ago: the copy taken just before the first write made less than ``lag``
  seconds ago, or the live state when there is none. Query language, filters, sorting, paging
  and error answers are the emulator's; only the state is old.

Every other request goes to the live emulator. A write is thus seen by search at the earliest
``lag`` seconds after it was sent (a little later when writes overlap, never sooner).

Tests get it through a fixture, so it can be swapped for the emulator's own ``--search-lag``
option by changing that one fixture.
"""

from __future__ import annotations

import asyncio
import copy
import sqlite3
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx

from co_tui.actions.journal import SearchWait, WriteJournal
from co_tui.emulator import Emulator
from co_tui.emulator.app import build_api_app
from co_tui.emulator.store import _lower
from co_tui.emulator.transport import EmulatorTransport

_WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def _is_search(request: httpx.Request) -> bool:
    return request.method == "POST" and request.url.path.endswith("/data_assets/search")


def _is_write(request: httpx.Request) -> bool:
    path = request.url.path
    if request.method not in _WRITES or "/api/v1/" not in path:
        return False
    # searches and folder listings are POSTs that change nothing
    return not (path.endswith("/search") or path.endswith("/files"))


@dataclass
class _Snapshot:
    at: float
    """When the write that followed this state was sent."""
    emulator: Emulator
    transport: EmulatorTransport


class SearchLagTransport(httpx.AsyncBaseTransport):
    """``inner`` (the emulator's transport), with search answering from ``lag`` seconds ago.

    ``clock`` is the lag's clock (``time.monotonic`` by default; tests may pass a fake one and
    move it).
    """

    def __init__(self, emulator: Emulator, inner: httpx.AsyncBaseTransport, lag: float,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.emulator = emulator
        self.inner = inner
        self.lag = lag
        self.clock = clock
        self._snapshots: list[_Snapshot] = []
        self.stale_answers = 0
        """Searches answered from an old state (tests assert the lag was really in play)."""

    def _shadow(self) -> Emulator:
        """An emulator object serving a copy of the live database as it is now."""
        live = self.emulator.store
        conn = sqlite3.connect(":memory:", check_same_thread=False, isolation_level=None)
        with live.lock:
            live.conn.backup(conn)
        conn.row_factory = sqlite3.Row
        conn.create_function("co_lower", 1, _lower, deterministic=True)
        store = copy.copy(live)
        store.conn = conn
        store.lock = threading.RLock()
        store.on_asset_change = []
        shadow = copy.copy(self.emulator)
        shadow.store = store
        shadow.write_log = []
        return shadow

    def _answering(self) -> _Snapshot | None:
        """The state search shows now: the first snapshot younger than the lag, if any."""
        horizon = self.clock() - self.lag
        self._snapshots = [s for s in self._snapshots if s.at > horizon]  # the rest: garbage
        return self._snapshots[0] if self._snapshots else None

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if _is_search(request):
            snapshot = self._answering()
            if snapshot is not None:
                self.stale_answers += 1
                await request.aread()
                return await snapshot.transport.handle_async_request(request)
        elif _is_write(request) and self.lag > 0:
            self._answering()  # drop the states no search can see any more
            shadow = self._shadow()
            app = build_api_app(shadow)
            self._snapshots.append(_Snapshot(self.clock(), shadow, EmulatorTransport(app)))
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        self._snapshots.clear()
        await self.inner.aclose()


class FakeTime:
    """A clock that moves only when slept on (or set): the emulator's, the lag's and the
    client's waits alike, so a test of a 3 s lag takes no real time."""

    def __init__(self, now: float = 1_760_000_000.0) -> None:
        self.now = now
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds
        await asyncio.sleep(0)


def journal_on(clock: FakeTime, **kwargs: Any) -> WriteJournal:
    """A session journal whose waits for the search index run on ``clock``."""
    return WriteJournal(wait=SearchWait(sleep=clock.sleep, clock=clock), **kwargs)


def lagged(emulator: Emulator, lag: float, clock: Callable[[], float] = time.monotonic,
           inner: httpx.AsyncBaseTransport | None = None) -> SearchLagTransport:
    """The emulator's transport (or ``inner``) with search lagging writes by ``lag`` seconds."""
    return SearchLagTransport(emulator, inner or emulator.transport(), lag, clock)


__all__ = ["FakeTime", "SearchLagTransport", "journal_on", "lagged"]
