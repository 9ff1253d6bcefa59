"""The last session's first page at launch (co_tui.screens.cached_rows): shown, marked, inert,
then replaced in place by the live page, which is saved for the next launch."""

from __future__ import annotations

import asyncio

import msgspec

from co_tui.api import CodeOceanClient
from co_tui.api.errors import ApiConnectionError
from co_tui.api.models import DataAsset, DataAssetSearchResults
from co_tui.emulator import Emulator
from co_tui.launch import build_app, first_page_params
from co_tui.launch_handoff import FirstPageCache, Prefetched
from co_tui.screens.cached_rows import CACHED_REASON
from co_tui.session.config import Settings
from co_tui.session.page_cache import PageCache
from co_tui.widgets.asset_table import AssetTable
from tests.ui.ui_helpers import _settle, _status


def _client(emulator: Emulator) -> CodeOceanClient:
    transport = emulator.transport()
    return CodeOceanClient(emulator.config.api_origin, emulator.main_token,
                           transport=transport, files_transport=transport)


async def _cache_with(client: CodeOceanClient, rows: list[DataAsset]) -> FirstPageCache:
    """A page cache holding ``rows``, saved at a known time, read back as a launch reads it."""
    store = PageCache(client.domain, client._token)
    assert store.write(msgspec.json.encode(DataAssetSearchResults(results=rows)), now=1_750_000_000)
    return FirstPageCache(store, store.read())


async def test_cached_rows_show_until_the_live_page_replaces_them_in_place(emulator: Emulator) -> None:
    client = _client(emulator)
    params = first_page_params(Settings().page_size)
    live = await client.data_assets.search_data_assets(params)
    stale = DataAsset(id="gone-since-last-session", name="Gone since last session", created=1)
    # the stale row is last, away from the cursor: the quick look reads the highlighted asset,
    # and its 404 would rightly take the row away before the live page comes
    cached_rows = [*live.results[:5], stale]
    cache = await _cache_with(client, cached_rows)
    pending: asyncio.Future[DataAssetSearchResults] = asyncio.get_running_loop().create_future()
    app = build_app(client, first_page=Prefetched(params, pending), page_cache=cache)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        await pilot.pause()
        table = app.screen.query_one(AssetTable)
        assert [a.id for a in table.assets] == [a.id for a in cached_rows]
        assert "6 cached · refreshing" in _status(app)
        assert table.has_class("-cached")
        await pilot.press("j", "j")  # the cursor may move on cached rows
        kept = table.highlighted
        assert kept is not None and kept.id == live.results[2].id
        # no action runs on the last session's copy, and each says why
        assert app.screen.disabled_reason("edit") == CACHED_REASON  # type: ignore[attr-defined]
        assert app.screen.check_action("edit", ()) is None
        await pilot.press("e")
        await pilot.pause()
        assert app.screen is app.screen_stack[0]
        pending.set_result(live)
        await _settle(app, pilot)
        assert [a.id for a in table.assets] == [a.id for a in live.results]
        assert table.highlighted is not None and table.highlighted.id == kept.id
        assert "cached" not in _status(app)
        assert not table.has_class("-cached")
        assert app.screen.check_action("edit", ()) is True
        await app.workers.wait_for_complete()
    saved = cache.store.read()
    assert saved is not None and saved.saved_at > 1_750_000_000
    assert [row["id"] for row in saved.rows] == [a.id for a in live.results]


async def test_when_the_live_page_fails_the_rows_stay_marked_as_cached(emulator: Emulator) -> None:
    client = _client(emulator)
    params = first_page_params(Settings().page_size)
    live = await client.data_assets.search_data_assets(params)
    cache = await _cache_with(client, live.results[:3])
    failed: asyncio.Future[DataAssetSearchResults] = asyncio.get_running_loop().create_future()
    app = build_app(client, first_page=Prefetched(params, failed), page_cache=cache)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        failed.set_exception(ApiConnectionError("connection refused"))
        await _settle(app, pilot)
        status = _status(app)
        assert "3 cached (saved 2025-06-" in status and "loading assets failed" in status, status
        assert app.screen.check_action("edit", ()) is None
        await pilot.press("r")
        await _settle(app, pilot)
        assert "cached" not in _status(app)
        assert len(app.screen.query_one(AssetTable).assets) == len(live.results)


async def test_a_page_that_is_already_in_is_shown_without_the_cached_copy(emulator: Emulator) -> None:
    client = _client(emulator)
    params = first_page_params(Settings().page_size)
    live = await client.data_assets.search_data_assets(params)
    cache = await _cache_with(client, [DataAsset(id="old", name="Old row")])
    done: asyncio.Future[DataAssetSearchResults] = asyncio.get_running_loop().create_future()
    done.set_result(live)
    app = build_app(client, first_page=Prefetched(params, done), page_cache=cache)
    async with app.run_test(size=(120, 36)) as pilot:
        await _settle(app, pilot)
        table = app.screen.query_one(AssetTable)
        assert "old" not in {a.id for a in table.assets}
        assert "cached" not in _status(app)


async def test_a_search_page_is_not_saved_as_the_first_page(emulator: Emulator) -> None:
    client = _client(emulator)
    store = PageCache(client.domain, client._token)
    app = build_app(client, page_cache=FirstPageCache(store, None))
    async with app.run_test(size=(120, 36)) as pilot:
        await _settle(app, pilot)
        first = store.read()
        assert first is not None
        store.remove()
        await pilot.press("slash", *"Raw", "enter")
        await asyncio.sleep(0.4)  # the search box's debounce
        await _settle(app, pilot)
        assert store.read() is None
