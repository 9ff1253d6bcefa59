"""My Data's rows from the previous session: shown at launch until the live first page replaces
them, and the live first page saved for the next launch (:mod:`co_tui.session.page_cache`).

The cached rows are marked on screen (the status line says "cached · refreshing", the table is
dimmed) and no action runs on them: :func:`cached_reason` is what the asset actions say instead.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

import msgspec

from co_tui.api.lenient import UnreadableResponse, decode_leniently
from co_tui.api.models import DataAssetSearchResults
from co_tui.session.page_cache import MAX_ROWS

if TYPE_CHECKING:
    from co_tui.api.models import DataAsset, DataAssetSearchParams
    from co_tui.launch_handoff import FirstPageCache
    from co_tui.screens.asset_list import AssetListScreen

__all__ = ["CACHED_REASON", "cached_assets", "live_first_page", "save_first_page", "show_cached"]

CACHED_REASON = "These rows are a copy from the last session; wait a moment for the live list."
"""Why an action does not run while the cached rows are shown."""


def cached_assets(cache: FirstPageCache | None) -> list[DataAsset]:
    """The cached first page's assets, read as leniently as a live answer (none when there is
    no cache or it cannot be read: the cache is then removed)."""
    if cache is None or cache.cached is None:
        return []
    try:
        page = decode_leniently(cache.cached.page_json, DataAssetSearchResults)
    except (UnreadableResponse, msgspec.DecodeError):
        cache.store.remove()
        return []
    return page.results[:MAX_ROWS]


async def save_first_page(cache: FirstPageCache, page: DataAssetSearchResults) -> None:
    """Keep the live first page (as the server sent it, no local changes laid over it) for the
    next launch; written in a thread, and a failure to write only means no cache."""
    trimmed = DataAssetSearchResults(results=page.results[:MAX_ROWS],
                                     has_more=page.has_more or len(page.results) > MAX_ROWS)
    data = msgspec.json.encode(trimmed)
    await asyncio.to_thread(cache.store.write, data)


def show_cached(screen: AssetListScreen) -> None:
    """Show the last session's first page on ``screen``, marked, until the live one is in."""
    from co_tui.widgets.asset_table import AssetTable

    cache = screen._page_cache
    if cache is not None and cache.cached is not None and (rows := cached_assets(cache)):
        table = screen.query_one(AssetTable)
        table.set_assets(rows)
        table.add_class("-cached")
        screen._cached_at = cache.cached.saved_at


def live_first_page(screen: AssetListScreen, params: DataAssetSearchParams,
                    page: DataAssetSearchResults) -> None:
    """A live first page is on ``screen``: the rows are no longer the cached copy, and the
    default first page (newest first, no query or filter) is kept for the next launch."""
    from co_tui.launch import first_page_params
    from co_tui.widgets.asset_table import AssetTable

    if screen._cached_at is not None:
        screen._cached_at = None
        screen.query_one(AssetTable).remove_class("-cached")
        screen.refresh_bindings()
    if screen._page_cache is not None and params == first_page_params(screen.page_size):
        from co_tui.workers import start_worker

        start_worker(screen, save_first_page(screen._page_cache, page),
                     action="keeping the list for the next launch", group="page-cache")
