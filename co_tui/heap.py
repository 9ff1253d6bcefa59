"""When the garbage collector makes its full passes: between the user's keys, not under them.

CPython's collector has three generations. The young ones are collected often and cheaply (a
few milliseconds at most here); a full pass (generation 2) walks every container object the
app holds. With Textual's widgets, styles and the caches of rendered lines, that is 70,000 or
more objects, and a full pass holds the event loop for 20-100 ms, long enough to be felt as a
dropped key or a stuttering list. Left to itself, CPython starts one whenever enough objects
have outlived the young generations, which is exactly what happens while a walk of 100,000
files or a page-in of 90,000 assets is shown (bench/file_search.py and bench/app_scale.py
measure the stalls).

:class:`HeapKeeper` takes the full passes over:

- :meth:`HeapKeeper.settle`, after the first frame, freezes what start-up built (modules,
  classes, Textual's styles: it lives as long as the app, and is never scanned again) and lets
  the collector make only its young passes;
- the app tells it of every key and mouse event (:meth:`HeapKeeper.input`), and calls
  :meth:`HeapKeeper.tick` twice a second: once a full pass is due (as CPython would have it:
  :data:`DUE` young passes since the last), it is made when no key or mouse event came for
  :data:`IDLE_S` seconds; once :data:`FORCED` young passes or :data:`FORCED_S` seconds went by
  since the last one, it is made even while keys arrive, so that memory held in reference
  cycles stays bounded however the app is used;
- :meth:`HeapKeeper.restore` (the app's exit) gives CPython its own policy back.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable

__all__ = ["CHECK_S", "DUE", "FORCED", "FORCED_S", "IDLE_S", "HeapKeeper"]

CHECK_S = 0.5
"""Seconds between two looks at whether a full pass is due."""
IDLE_S = 1.5
"""Seconds without a key or mouse event after which a due full pass is made."""
DUE = 10
"""Young passes (of generation 1) after which a full pass is due: CPython's own threshold."""
FORCED = 1_000
"""Young passes after which a full pass is made even while keys arrive (some seven million
allocations: a bound on what reference cycles can hold, high enough that a quick run of
searches does not reach it; such a pass over several closed screens takes 300 ms)."""
FORCED_S = 60.0
"""Seconds after which a due full pass is made even while keys arrive."""
_NEVER = 1 << 30
"""A generation-2 threshold that CPython never reaches by itself."""


class HeapKeeper:
    """Decides when the collector's full passes run (see the module docstring)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._last_input = clock()
        self._last_pass = clock()
        self._saved: tuple[int, int, int] | None = None
        self.full_passes = 0
        """Full passes made by :meth:`tick`."""

    def settle(self) -> None:
        """Freeze what exists now and leave the full passes to :meth:`tick` (collection on)."""
        gc.freeze()
        if self._saved is None:
            self._saved = gc.get_threshold()
        young, middle, _full = self._saved
        gc.set_threshold(young, middle, _NEVER)
        gc.enable()

    def restore(self) -> None:
        """CPython's thresholds as they were before :meth:`settle`."""
        if self._saved is not None:
            gc.set_threshold(*self._saved)
            self._saved = None

    def input(self) -> None:
        """A key or mouse event came now."""
        self._last_input = self._clock()

    def due(self) -> int:
        """Young passes since the last full one."""
        return gc.get_count()[2]

    def tick(self) -> bool:
        """Make a full pass if one is due and no key came for a while, or one is overdue.
        True when it made one."""
        if self._saved is None:
            return False
        passes = self.due()
        if passes < DUE:
            return False
        now = self._clock()
        overdue = passes >= FORCED or now - self._last_pass >= FORCED_S
        if not overdue and now - self._last_input < IDLE_S:
            return False
        gc.collect()
        self._last_pass = self._clock()
        self.full_passes += 1
        return True
