"""Paging the rest of a list in behind the first page.

My Data asks for a small first page (``settings.page_size``) so the first rows paint at once;
then :func:`page_in` fetches every further page in the background, :data:`FETCH_AHEAD_LIMIT`
assets at a time, so ``G``, a sort or a selection of everything never waits for the network.
The next request is sent before the page that named it is added to the table, so the server
works while the app draws. Between pages the event loop gets a turn; decoding a page and
appending it are each a few milliseconds, well under a frame.

A reload cancels the screen's ``page`` worker group: a page of the old list never lands.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

import msgspec

from co_tui.api import ApiError
from co_tui.workers import superseded

if TYPE_CHECKING:
    from co_tui.api.models import DataAssetSearchParams, DataAssetSearchResults
    from co_tui.screens.asset_list import AssetListScreen

__all__ = ["FETCH_AHEAD_LIMIT", "page_in"]

FETCH_AHEAD_LIMIT = 1000
"""Assets per background request: the API's maximum, so a big catalogue takes few round
trips."""


def _ahead(params: DataAssetSearchParams) -> DataAssetSearchParams:
    """``params`` asking for a full page (the cursor, token or offset, is unchanged)."""
    if (params.limit or 0) >= FETCH_AHEAD_LIMIT:
        return params
    return msgspec.structs.replace(params, limit=FETCH_AHEAD_LIMIT)


async def page_in(screen: AssetListScreen, params: DataAssetSearchParams) -> None:
    """Fetch the pages from ``params`` on and add them to ``screen``'s table, until the last
    page, a failure (said through the screen, which then offers r), or cancellation."""
    client = screen.client
    assert client is not None
    search = client.data_assets.search_data_assets
    screen._loading = True
    current: DataAssetSearchParams | None = _ahead(params)
    pending: asyncio.Task[DataAssetSearchResults] | None = None
    try:
        while current is not None:
            if pending is None:
                pending = asyncio.ensure_future(search(current))
            try:
                page = await pending
            except ApiError as error:
                if not superseded():
                    screen._page_failed("loading more assets")
                    screen.co_app.show_error(error, action="loading more assets")
                return
            pending = None
            if superseded():
                return
            screen._page_arrived(current, page)
            following = screen._next
            if following is not None:  # ask for the next page before drawing this one
                following = _ahead(following)
                pending = asyncio.ensure_future(search(following))
            screen.add_page(page.results)
            current = following
            await asyncio.sleep(0)  # a turn for keys and painting between pages
    finally:
        if pending is not None:
            pending.cancel()
    screen._loading = False
