"""Listing every folder of a data asset, for a search over all its file paths.

The API lists one folder per call (docs/api-notes.md, 'Endpoints co-tui uses'), so finding a
file anywhere in an asset means walking the tree. :func:`crawl` keeps up to :data:`PARALLEL`
listings in flight and records what arrives in a :class:`FileCrawl`, which is resumable: when
the walk is cancelled (the user left the Files tab), the folders that were in flight go back to
the queue and the next :func:`crawl` of the same object goes on from there.

Results are committed in the order their listings were asked for, so the walk's order (and the
order of the paths) is breadth-first and the same on every run, whatever the timing.

The server's listings are untrusted: a folder seen twice is not walked again, and nesting deeper
than :data:`MAX_DEPTH` is not followed. A folder that cannot be listed (gone meanwhile: 404; or
still failing after the client's retries) is counted in :attr:`FileCrawl.failed` and the walk
goes on; a rejected token or a lost connection stops the walk (raised), leaving the folder
queued.

:class:`CrawlCache` keeps the walks of a session (one per client), keyed by the asset and what
the asset says of its files, so a changed asset is walked afresh.
"""

from __future__ import annotations

import asyncio
import weakref
from collections import OrderedDict, deque
from collections.abc import Callable
from typing import TYPE_CHECKING

from co_tui.api.errors import ApiConnectionError, ApiError, AuthenticationError

if TYPE_CHECKING:
    from co_tui.api.client import CodeOceanClient
    from co_tui.api.models import DataAsset, Folder, FolderItem

__all__ = ["MAX_DEPTH", "PARALLEL", "SLICE", "CrawlCache", "FileCrawl", "crawl", "crawl_cache"]

PARALLEL = 8
"""Folder listings in flight at once."""
SLICE = 5_000
"""Entries of a listing prepared between two yields to the event loop (a folder of 100,000
files is taken in twenty steps, each about a millisecond)."""
MAX_DEPTH = 64
"""Folders nested deeper than this are not listed (a hostile listing cannot walk for ever)."""

Fingerprint = tuple[str, str, int | None, int | None, int | None]


def fingerprint(asset: DataAsset) -> Fingerprint:
    """What identifies one version of an asset's files: a change means a new walk."""
    return (asset.id, asset.state, asset.files, asset.size, asset.last_transferred)


class FileCrawl:
    """What has been listed of one asset so far, and what is left (see the module docstring)."""

    def __init__(self, asset_id: str, key: Fingerprint | None = None) -> None:
        self.asset_id = asset_id
        self.key = key
        self.items: list[FolderItem] = []
        """Every entry found (files and folders), in the walk's order."""
        self.lower: list[str] = []
        """The lower-cased path of each entry of :attr:`items` (what a search scans)."""
        self.listings: dict[str, list[FolderItem]] = {}
        """Each listed folder's entries, by folder path (``""`` is the root)."""
        self.pending: deque[tuple[str, int]] = deque([("", 0)])
        """Folders still to list, with their depth."""
        self.failed: dict[str, str] = {}
        """Folders that could not be listed, and why."""
        self.files = 0
        self.in_flight = 0
        """Folders being listed now (asked, not yet recorded)."""
        self.unreadable = 0
        """Entries the listings skipped because they could not be read."""
        self._seen: set[str] = {""}

    @property
    def folders(self) -> int:
        """Folders listed (the root included)."""
        return len(self.listings)

    @property
    def done(self) -> bool:
        """True when every folder has been listed or has failed."""
        return not self.pending and not self.in_flight

    def add(self, path: str, depth: int, folder: Folder, lower: list[str] | None = None) -> None:
        """Record the listing of ``path`` and queue its sub-folders (``lower``: its entries'
        lower-cased paths, if already made)."""
        items = folder.items
        self.listings[path] = items
        self.unreadable += folder.unreadable
        self.items.extend(items)
        self.lower.extend(lower if lower is not None else (item.path.lower() for item in items))
        for item in items:
            if not item.is_folder:
                self.files += 1
            elif item.path not in self._seen and item.path and depth < MAX_DEPTH:
                self._seen.add(item.path)
                self.pending.append((item.path, depth + 1))

    def fail(self, path: str, error: ApiError) -> None:
        """Listing ``path`` failed for good."""
        self.failed[path] = error.message or type(error).__name__


def _stops_the_walk(error: ApiError) -> bool:
    """Errors that are not about one folder: every other listing would fail the same way."""
    return isinstance(error, (AuthenticationError, ApiConnectionError))


async def _lowered(items: list[FolderItem]) -> list[str]:
    """The lower-cased paths of ``items``, made :data:`SLICE` at a time."""
    if len(items) <= SLICE:
        return [item.path.lower() for item in items]
    lower: list[str] = []
    for start in range(0, len(items), SLICE):
        lower.extend(item.path.lower() for item in items[start:start + SLICE])
        await asyncio.sleep(0)
    return lower


async def crawl(
    client: CodeOceanClient,
    state: FileCrawl,
    *,
    parallel: int = PARALLEL,
    on_progress: Callable[[], None] | None = None,
) -> None:
    """List the folders ``state`` still has queued, ``parallel`` at a time, until none is
    left. ``on_progress`` is called after each batch of listings is recorded. Cancelling (or
    an error that stops the walk, raised) puts the folders in flight back in the queue."""
    listing = client.data_assets.list_data_asset_files
    running: deque[tuple[asyncio.Task[Folder], str, int]] = deque()
    try:
        while state.pending or running:
            in_flight = sum(1 for task, _p, _d in running if not task.done())
            while state.pending and in_flight < parallel:
                path, depth = state.pending.popleft()
                task = asyncio.ensure_future(listing(state.asset_id, path))
                running.append((task, path, depth))
                in_flight += 1
            state.in_flight = len(running)
            head = running[0][0]
            if not head.done():
                await asyncio.wait([t for t, _p, _d in running if not t.done()],
                                   return_when=asyncio.FIRST_COMPLETED)
            committed = False
            while running and running[0][0].done():
                task, path, depth = running[0]
                try:
                    folder = task.result()
                except ApiError as error:
                    if _stops_the_walk(error):
                        raise
                    state.fail(path, error)
                else:
                    lower = await _lowered(folder.items)
                    state.add(path, depth, folder, lower)  # no await: all or nothing
                running.popleft()
                state.in_flight = len(running)
                committed = True
            if committed and on_progress is not None:
                on_progress()
    finally:
        state.in_flight = 0
        for task, path, depth in reversed(running):
            task.cancel()
            state.pending.appendleft((path, depth))
        for task, _p, _d in running:
            if task.done() and not task.cancelled():
                task.exception()  # retrieved: no "exception was never retrieved" warning


class CrawlCache:
    """The walks of one session, newest last; at most :attr:`limit` entries in all are kept
    (older walks are dropped first)."""

    def __init__(self, limit: int = 400_000) -> None:
        self.limit = limit
        self._crawls: OrderedDict[str, FileCrawl] = OrderedDict()

    def get(self, asset: DataAsset) -> FileCrawl:
        """The walk of ``asset`` (new, or the one kept if the asset's files did not change)."""
        key = fingerprint(asset)
        found = self._crawls.get(asset.id)
        if found is None or found.key != key:
            found = FileCrawl(asset.id, key)
            self._crawls[asset.id] = found
        self._crawls.move_to_end(asset.id)
        self._trim()
        return found

    def forget(self, asset_id: str) -> None:
        """Drop the walk of ``asset_id`` (a refresh lists everything again)."""
        self._crawls.pop(asset_id, None)

    def _trim(self) -> None:
        total = sum(len(c.items) for c in self._crawls.values())
        while len(self._crawls) > 1 and total > self.limit:
            _asset_id, dropped = self._crawls.popitem(last=False)
            total -= len(dropped.items)


_CACHES: weakref.WeakKeyDictionary[CodeOceanClient, CrawlCache] = weakref.WeakKeyDictionary()


def crawl_cache(client: CodeOceanClient) -> CrawlCache:
    """The session's walks: one cache per client, gone with it."""
    cache = _CACHES.get(client)
    if cache is None:
        cache = _CACHES[client] = CrawlCache()
    return cache
