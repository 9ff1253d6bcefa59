"""The command palette (ctrl+p) offers every action of the current screen, and runs them."""

from __future__ import annotations

from textual.command import CommandPalette, DiscoveryHit, Hit

from co_tui.api import CodeOceanClient
from co_tui.app import CoTuiApp
from co_tui.commands import ScreenActionsProvider, screen_actions
from co_tui.emulator import Emulator
from co_tui.launch import build_app
from co_tui.modals.filters import FiltersScreen
from co_tui.modals.help import HelpScreen
from co_tui.screens.archive import ArchiveScreen
from co_tui.screens.asset_list import AssetListScreen
from co_tui.widgets.asset_table import AssetTable


def _app(emulator: Emulator) -> CoTuiApp:
    transport = emulator.transport()
    client = CodeOceanClient(emulator.config.api_origin, emulator.main_token,
                             transport=transport, files_transport=transport)
    return build_app(client, demo=True)


async def _settle(app: CoTuiApp, pilot) -> None:  # type: ignore[no-untyped-def]
    for _ in range(3):
        await pilot.pause()
        await app.workers.wait_for_complete()
    await pilot.pause()


async def _search(provider: ScreenActionsProvider, query: str) -> list[Hit]:
    return [hit async for hit in provider.search(query) if isinstance(hit, Hit)]


async def _discover(provider: ScreenActionsProvider) -> list[DiscoveryHit]:
    return [hit async for hit in provider.discover() if isinstance(hit, DiscoveryHit)]


async def test_provider_offers_every_action_of_the_screen(emulator: Emulator) -> None:
    app = _app(emulator)
    async with app.run_test(size=(120, 36)) as pilot:
        await _settle(app, pilot)
        provider = ScreenActionsProvider(app.screen)
        names = {hit.text for hit in await _discover(provider)}
        for name in ("Search", "Filters", "Sort", "Order", "Refresh", "Archive bin", "Open",
                     "Select", "Select all", "Help", "Quit"):
            assert name in names, name
        assert "Command palette" not in names
        # every key-bound action (but the palette itself) is in the palette
        expected = {a.description for a in screen_actions(app.screen) if a.enabled}
        assert expected - {"Command palette"} <= names
        hits = await _search(provider, "filt")
        assert hits and hits[0].text == "Filters"
        assert "f" in str(hits[0].match_display)  # the key is shown with the name
        assert hits[0].help and "type, ownership" in hits[0].help
        assert sorted(h.text or "" for h in await _search(provider, "archive")) == ["Archive", "Archive bin"]
    assert app._exception is None


async def test_palette_runs_the_chosen_action(emulator: Emulator) -> None:
    app = _app(emulator)
    async with app.run_test(size=(120, 36)) as pilot:
        await _settle(app, pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert isinstance(app.screen, CommandPalette)
        await pilot.press(*"archive bin")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await _settle(app, pilot)
        assert isinstance(app.screen, ArchiveScreen)
        # in the archive bin the palette offers going back, and no archive bin
        provider = ScreenActionsProvider(app.screen)
        names = {hit.text for hit in await _discover(provider)}
        assert "My Data" in names and "Archive bin" not in names
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"filt")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await _settle(app, pilot)
        assert isinstance(app.screen, FiltersScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ArchiveScreen)
    assert app._exception is None


async def test_palette_reaches_widget_and_app_actions(emulator: Emulator) -> None:
    app = _app(emulator)
    async with app.run_test(size=(120, 36)) as pilot:
        await _settle(app, pilot)
        table = app.screen.query_one(AssetTable)
        provider = ScreenActionsProvider(app.screen)
        select = next(h for h in await _search(provider, "select") if h.text == "Select")
        await select.command()
        await pilot.pause()
        assert table.selected == {table.assets[0].id}
        help_hit = next(h for h in await _search(provider, "help") if h.text == "Help")
        await help_hit.command()
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, AssetListScreen)
    assert app._exception is None
