"""How many download lanes run at once: a few, or one per transfer slot, whichever moves files
faster here.

More lanes help when each file waits on the network: a storage host tens of milliseconds
away keeps a lane idle for most of a small file's time, so eight lanes move nearly twice as
many files as four (bench/download_asset.py, 20 ms per response: 4.4 s against 8.1 s for
1,000 files). They hurt when the transfers are bound by CPU instead: with the host on the same
machine (the emulator, the demo) or next to it, eight lanes took 10-20% longer than four on two
cores, because the extra threads only queue for the interpreter's lock and the host's CPU, and
each file then takes longer to come back.

So :class:`LaneCount` measures rather than guesses. The lanes start :data:`FEW_LANES` strong;
after a few windows of :data:`WINDOW_FILES` files it tries one lane per slot for
:data:`TRIAL_WINDOWS` windows, and keeps them only when they moved files :data:`BETTER_BY`
faster (the median of each side's last windows). The choice is tried again later (the network
or the machine's load may change), after :data:`HOLD_WINDOWS` windows, twice as long each time
the same choice wins again. A window's rate is its files over the time from the end before
its first to its last, on the clock the lanes read (not the event loop's batches): lanes that
started together end their files in bunches, and a window counted from its own first end would
leave one gap between bunches out. The files in flight when the count changes are left out.
"""

from __future__ import annotations

import statistics
from collections import deque

__all__ = ["BETTER_BY", "FEW_LANES", "HOLD_WINDOWS", "TRIAL_WINDOWS", "WINDOW_FILES", "LaneCount"]

FEW_LANES = 4
"""Lanes that keep a host on the same machine busy (3 to 6 did equally well on loopback)."""
WINDOW_FILES = 24
"""Files ended per measurement window: a multiple of both counts of lanes, so that a window
holds whole bunches when the lanes end their files together."""
TRIAL_WINDOWS = 2
"""Windows measured at the other count in a trial, and at least as many at the count in force
before it (the median of each side's last windows is compared: one window's rate varied by a
third on a shared machine)."""
BETTER_BY = 1.25
"""How much faster one lane per slot must be to be chosen: on loopback eight lanes were up to
a fifth slower than four but measured faster in some windows; where the network is what each
file waits for, they were nearly twice as fast."""
HOLD_WINDOWS = 8
"""Windows a choice is held before it is tried again (doubled each time it is confirmed)."""


class LaneCount:
    """The number of lanes to run now (:attr:`now`), for at most ``most`` (the transfer slots).

    Call :meth:`ended` with a lane's clock reading for every file a lane finished; read
    :attr:`now` for how many lanes to run. Only the event loop calls it."""

    def __init__(self, most: int) -> None:
        self.most = most
        self.few = min(most, FEW_LANES)
        self.now = self.few
        self._mark: float | None = None
        """When the window under way began: the end of the file before its first."""
        self._ended = 0
        """Files ended in the window under way."""
        self._last = 0.0
        """The latest end in it."""
        self._skip = 0
        """Files still to leave out: those in flight when the count last changed."""
        self._rates: dict[int, deque[float]] = {self.few: deque(maxlen=TRIAL_WINDOWS + 1),
                                                 self.most: deque(maxlen=TRIAL_WINDOWS + 1)}
        """The last windows' rates (files per second) at each count."""
        self._before = self.few
        """The count in force before the trial under way (if one is)."""
        self._trying = 0
        """Windows left to measure at the other count (0: no trial under way)."""
        self._hold = TRIAL_WINDOWS + 1
        """Windows left before the next trial."""
        self._calm = HOLD_WINDOWS
        """How long the next choice is held if it confirms the one before it."""

    def ended(self, at: float) -> None:
        """A file ended at ``at`` (seconds, on a monotonic clock the lanes share)."""
        if self.most <= self.few:
            return
        if self._skip or self._mark is None:
            self._skip = max(0, self._skip - 1)
            self._mark = at if self._mark is None else max(self._mark, at)
            return
        self._ended += 1
        self._last = max(self._last, at)
        if self._ended >= WINDOW_FILES:
            span = self._last - self._mark
            rate = self._ended / span if span > 0 else float("inf")
            self._mark, self._ended = self._last, 0
            self._window(rate)

    def _window(self, rate: float) -> None:
        """A window measured at :attr:`now`: a trial goes on or ends, or a hold counts down."""
        self._rates[self.now].append(rate)
        if self._trying:
            self._trying -= 1
            if not self._trying:
                self._decide()
            return
        self._hold -= 1
        if self._hold <= 0:  # try the other count
            self._before = self.now
            self._trying = TRIAL_WINDOWS
            other = self.few if self.now == self.most else self.most
            self._rates[other].clear()
            self._switch(other)

    def _decide(self) -> None:
        """End a trial: the faster count (a few lanes unless every slot is :data:`BETTER_BY`
        faster), held for a while."""
        few = statistics.median(self._rates[self.few])
        most = statistics.median(self._rates[self.most])
        best = self.most if most >= few * BETTER_BY else self.few
        if best == self._before:
            self._hold = self._calm
            self._calm *= 2
        else:
            self._hold = self._calm = HOLD_WINDOWS
        self._switch(best)

    def _switch(self, count: int) -> None:
        if count != self.now:
            self._skip = max(count, self.now)
            self._ended = 0
            self.now = count
