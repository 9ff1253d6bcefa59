"""My Data against the in-process emulator: load, search, sort, page, errors (Pilot)."""

from __future__ import annotations

import dataclasses
import time

from textual.widgets import Input, Static

from co_tui.api import CodeOceanClient
from co_tui.emulator import Emulator, EmulatorConfig
from co_tui.launch import build_app
from co_tui.screens.asset_list import AssetListScreen
from co_tui.session.config import Config, Settings
from co_tui.widgets.asset_table import AssetTable
from tests.ui.ui_helpers import _app, _expected, _settle, _status


async def test_opens_on_my_data_with_the_first_page(emulator: Emulator) -> None:
    app = _app(emulator)
    async with app.run_test(size=(120, 36)) as pilot:
        await _settle(app, pilot)
        assert isinstance(app.screen, AssetListScreen)
        table = app.screen.query_one(AssetTable)
        assert len(table.assets) > 40 and table.has_focus
        assert "all" in _status(app) and "loaded" in _status(app)
        assert any(table.assets[0].name[:20] in line for line in
                   [table.render_line(y).text for y in range(3)])
        assert "DEMO" in str(app.screen.query_one("#title-bar", Static).render())
    assert app._exception is None


async def test_search_filters_and_sort_cycles(emulator: Emulator) -> None:
    app = _app(emulator)
    async with app.run_test(size=(120, 36)) as pilot:
        await _settle(app, pilot)
        table = app.screen.query_one(AssetTable)
        everything = len(table.assets)
        await pilot.press("slash")
        assert app.screen.query_one("#search", Input).has_focus
        await pilot.press(*"tag:ecephys", "enter")
        await _settle(app, pilot)
        assert 0 < len(table.assets) < everything
        assert all("ecephys" in (a.tags or []) for a in table.assets)
        assert table.has_focus
        await pilot.press("s", "right", "enter")  # the sort menu: created -> name, A to Z
        await _settle(app, pilot)
        names = [a.name.lower() for a in table.assets]
        assert names == sorted(names)
        assert "Name ▲" in table.render_line(0).text
        await pilot.press("S")
        await _settle(app, pilot)
        assert [a.name.lower() for a in table.assets] == sorted(names, reverse=True)


async def test_the_rest_pages_in_behind_the_first_page(clock) -> None:  # type: ignore[no-untyped-def]
    emulator = Emulator(EmulatorConfig(seed="scale:2500:1", clock=clock))
    app = _app(emulator, Config(settings=Settings(page_size=100)))
    client = app.client
    assert client is not None
    search = client.data_assets.search_data_assets
    limits: list[int | None] = []

    async def recording(params):  # type: ignore[no-untyped-def]
        limits.append(params.limit)
        return await search(params)

    client.data_assets.search_data_assets = recording  # type: ignore[method-assign]
    async with app.run_test(size=(100, 30)) as pilot:
        await _settle(app, pilot)
        table = app.screen.query_one(AssetTable)
        assert "all" in _status(app) and "loaded" in _status(app)
        ids = [a.id for a in table.assets]
        assert len(ids) == len(set(ids)) > 2000
        assert ids == await _expected(client)
        # a small first page for the first frame, then the API's largest pages
        page_limits = [limit for limit in limits if limit in (100, 1000)]
        assert page_limits[0] == 100 and set(page_limits[1:]) == {1000}
        await pilot.press("G")
        await pilot.pause()
        assert table.cursor == len(ids) - 1


async def test_failed_page_keeps_rows_and_retry_recovers(emulator: Emulator) -> None:
    app = _app(emulator)
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await _settle(app, pilot)
        table = app.screen.query_one(AssetTable)
        before = [a.id for a in table.assets]
        emulator.faults.inject("503", times=8, path_contains="/data_assets/search")
        await pilot.press("r")
        await _settle(app, pilot)
        assert [a.id for a in table.assets] == before  # rows stay on screen
        assert "failed" in _status(app)
        assert any("503" in str(n.message) or "server" in str(n.message).lower()
                   for n in app._notifications)
        await pilot.press("r")
        await _settle(app, pilot)
        assert "all" in _status(app)
    assert app._exception is None


async def test_rejected_token_is_reported_not_crashed(emulator: Emulator) -> None:
    transport = emulator.transport()
    client = CodeOceanClient(emulator.config.api_origin, "cop_wrong", transport=transport)
    app = build_app(client)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await _settle(app, pilot)
        assert any("Token rejected" in str(n.message) for n in app._notifications)
        assert "failed" in _status(app)
    assert app._exception is None


async def test_r_retries_while_the_first_page_is_still_dripping(emulator: Emulator) -> None:
    """A first page arriving a byte at a time (it could take until the client's deadline) does
    not hold the list hostage: r starts a fresh load, which wins, and the slow one is dropped."""
    emulator.faults.spec = dataclasses.replace(emulator.faults.spec, slow_ms=30_000)  # 3 s a byte
    emulator.faults.inject("drip", times=1, path_contains="/data_assets/search")
    app = _app(emulator)
    async with app.run_test(size=(120, 36)) as pilot:
        for _ in range(20):
            await pilot.pause(0.05)
        assert "loading" in _status(app)
        started = time.monotonic()
        await pilot.press("r")
        await _settle(app, pilot)
        assert "all" in _status(app) and time.monotonic() - started < 5
        assert len(app.screen.query_one(AssetTable).assets) > 40
    assert app._exception is None


async def test_a_stale_search_that_answers_late_does_not_overwrite_the_newer_one(
        emulator: Emulator) -> None:
    """Cancelling an exclusive worker is cooperative: a search whose answer was already on its
    way (here: one that swallows the cancellation, as a call finishing at that moment does)
    returns after the newer search landed. Its rows must not replace the newer rows."""
    import asyncio

    app = _app(emulator)
    async with app.run_test(size=(120, 36)) as pilot:
        await _settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, AssetListScreen) and app.client is not None
        data_assets = app.client.data_assets
        search = data_assets.search_data_assets
        release = asyncio.Event()

        async def late(params):  # type: ignore[no-untyped-def]
            page = await search(params)
            if params.query == "tag:ecephys":
                try:
                    await release.wait()
                except asyncio.CancelledError:  # the answer is here: it goes on regardless
                    task = asyncio.current_task()
                    assert task is not None
                    task.uncancel()
                    await release.wait()
            return page

        data_assets.search_data_assets = late  # type: ignore[method-assign]
        screen._apply_query("tag:ecephys")
        await pilot.pause(0.05)
        screen._apply_query("")
        for _ in range(200):  # not _settle: it would wait for the stale search too
            await pilot.pause(0.02)
            if "all" in _status(app):
                break
        newer = [a.id for a in screen.query_one(AssetTable).assets]
        release.set()
        await _settle(app, pilot)
        assert [a.id for a in screen.query_one(AssetTable).assets] == newer
        assert len(newer) > 40 and "all" in _status(app)
    assert app._exception is None
