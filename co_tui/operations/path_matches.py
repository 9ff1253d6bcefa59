"""Which paths of a :class:`~co_tui.operations.file_crawl.FileCrawl` contain the search text,
worked out a slice at a time.

A walk of 100,000 files gives 100,000 paths; scanning them all in one go would hold the event
loop for tens of milliseconds on a slow machine. :class:`PathMatches` scans at most ``budget``
paths per :meth:`PathMatches.advance` call, so the caller (a timer, a keystroke) decides how much
work one frame does. It is incremental in both directions: paths the walk adds later are scanned
when they arrive, and text that extends the previous text (``face_`` after ``face``) rescans only
the previous matches.
"""

from __future__ import annotations

__all__ = ["PathMatches"]


class PathMatches:
    """Indices of the paths (lower-cased, in a list that only grows) that contain a needle."""

    def __init__(self) -> None:
        self.needle = ""
        self.matches: list[int] = []
        """Indices into the scanned list, in its order."""
        self._scanned = 0
        """Paths before this index have been scanned for :attr:`needle`."""
        self._recheck: list[int] = []
        """Matches of a shorter needle, still to check against this one."""
        self._recheck_at = 0

    def set_needle(self, text: str) -> bool:
        """Search for ``text`` (case-insensitive; ``""`` matches nothing). False when it is the
        same search as before."""
        needle = text.lower()
        if needle == self.needle:
            return False
        if self.needle and self.needle in needle:
            # everything that matches the longer text matched the shorter one: recheck those
            self._recheck = sorted(self._recheck[self._recheck_at:] + self.matches)
        else:
            self._recheck = []
            self._scanned = 0
        self._recheck_at = 0
        self.matches = []
        self.needle = needle
        return True

    def pending(self, total: int) -> bool:
        """True while some of the ``total`` paths have not been checked."""
        return bool(self.needle) and (self._recheck_at < len(self._recheck)
                                      or self._scanned < total)

    def advance(self, lower: list[str], budget: int = 20_000) -> bool:
        """Check up to ``budget`` more paths of ``lower``. True when :attr:`matches` grew or
        the search just finished (the caller redraws)."""
        needle = self.needle
        if not needle:
            self._scanned = len(lower)
            return False
        before = len(self.matches)
        was_pending = self.pending(len(lower))
        if self._recheck_at < len(self._recheck):
            stop = min(len(self._recheck), self._recheck_at + budget)
            chunk = self._recheck[self._recheck_at:stop]
            self.matches.extend(i for i in chunk if needle in lower[i])
            budget -= stop - self._recheck_at
            self._recheck_at = stop
            if self._recheck_at >= len(self._recheck):
                self._recheck, self._recheck_at = [], 0
        if budget > 0 and self._scanned < len(lower) and not self._recheck:
            start = self._scanned
            stop = min(len(lower), start + budget)
            self.matches.extend(i for i in range(start, stop) if needle in lower[i])
            self._scanned = stop
        return len(self.matches) != before or (was_pending and not self.pending(len(lower)))
