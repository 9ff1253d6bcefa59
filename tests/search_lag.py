"""A fake clock for tests of search lag: the emulator's ``search_lag_ms``, and the app's waits
for the search index, run on it, so a 3 s lag costs no real time."""

from __future__ import annotations

import asyncio
from typing import Any

from co_tui.operations.journal import SearchWait, WriteJournal


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


__all__ = ["FakeTime", "journal_on"]
