"""Encoded search pages kept for re-use while the data they were read from has not changed.

A search page is a pure function of the caller, the request and the searched tables. The key
is (data version, caller, request kind, raw request), the data version being SQLite's count of
rows written on the store's connection since it opened (``Connection.total_changes``): every
write - a handler's, a draft settling, a lagging index catching up, a test writing SQL directly,
even one rolled back - moves it on, so a page is never served from data older than what the
same request would read now. Only successful pages are kept; a request that fails is parsed and
answered afresh every time. Entries are dropped oldest first past :data:`MAX_BYTES`.

The paging the TUI does (the first page of My Data on every return to the list, the next pages
while scrolling, the same query typed again) and many clients showing the same list then cost a
dictionary lookup instead of parsing, SQL and encoding.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable

MAX_BYTES = 16 << 20
"""Encoded pages kept at most (a 1,000-asset page is ~640 KB, a 100-asset page ~64 KB)."""


class PageCache:
    """A byte-bounded LRU map from a request key to the encoded page it was answered with."""

    def __init__(self, max_bytes: int = MAX_BYTES) -> None:
        self.max_bytes = max_bytes
        self._pages: OrderedDict[Hashable, bytes] = OrderedDict()
        self._bytes = 0
        self._version = -1
        self.hits = 0
        self.misses = 0

    def get(self, version: int, key: Hashable) -> bytes | None:
        """The page stored for ``key`` at data ``version`` (``None``: not stored)."""
        if version != self._version:
            self.clear()
            self._version = version
        page = self._pages.get(key)
        if page is None:
            self.misses += 1
            return None
        self.hits += 1
        self._pages.move_to_end(key)
        return page

    def put(self, version: int, key: Hashable, page: bytes) -> None:
        """Keep ``page`` for ``key`` if the data is still at ``version``."""
        if version != self._version:
            self.clear()
            self._version = version
        if len(page) > self.max_bytes:
            return
        old = self._pages.pop(key, None)
        if old is not None:
            self._bytes -= len(old)
        self._pages[key] = page
        self._bytes += len(page)
        while self._bytes > self.max_bytes:
            self._bytes -= len(self._pages.popitem(last=False)[1])

    def clear(self) -> None:
        """Forget every page."""
        self._pages.clear()
        self._bytes = 0

    def __len__(self) -> int:
        return len(self._pages)
