"""The archive bin against the in-process emulator: open with A, list, search, sort, back (Pilot)."""

from __future__ import annotations

from textual.widgets import Input, Static

from co_tui.api import CodeOceanClient
from co_tui.emulator import Emulator
from co_tui.screens.archive import ArchiveScreen
from co_tui.screens.asset_list import AssetListScreen
from co_tui.widgets.asset_table import AssetTable
from tests.ui.ui_helpers import _app, _expected, _ids, _settle


async def test_a_opens_the_archive_bin_with_only_archived_assets(emulator: Emulator, client: CodeOceanClient) -> None:
    archived = await _expected(client, archived=True)
    live = await _expected(client, archived=False)
    assert archived and live  # the demo seed has both
    app = _app(emulator)
    async with app.run_test(size=(120, 36)) as pilot:
        await _settle(app, pilot)
        my_data = app.screen
        assert _ids(app) == live
        await pilot.press("A")
        await _settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, ArchiveScreen) and screen.archived
        assert _ids(app) == archived
        assert not set(archived) & set(live)
        assert "Archive bin" in str(screen.query_one("#title-bar", Static).render())
        assert f"all {len(archived)} loaded" in str(screen.query_one("#status", Static).render())
        assert screen.query_one(AssetTable).has_focus
        # the archive bin has no archive bin of its own
        assert "open_archive" not in {b.binding.action for b in screen.active_bindings.values()}
        await pilot.press("backspace")
        await pilot.pause()
        assert app.screen is my_data
        await pilot.press("A")
        await _settle(app, pilot)
        assert isinstance(app.screen, ArchiveScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is my_data
    assert app._exception is None


async def test_search_and_sort_work_in_the_archive_bin(emulator: Emulator, client: CodeOceanClient) -> None:
    archived = await _expected(client, archived=True)
    wanted = await _expected(client, archived=True, query="name:pilot")
    assert 0 < len(wanted) < len(archived)
    app = _app(emulator)
    async with app.run_test(size=(120, 36)) as pilot:
        await _settle(app, pilot)
        await pilot.press("A")
        await _settle(app, pilot)
        await pilot.press("slash")
        search = app.screen.query_one("#search", Input)
        assert search.has_focus
        await pilot.press(*"name:pilot", "enter")
        await _settle(app, pilot)
        assert _ids(app) == wanted
        await pilot.press("s", "right", "enter")  # the sort menu: created -> name, ascending
        await _settle(app, pilot)
        table = app.screen.query_one(AssetTable)
        names = [a.name.lower() for a in table.assets]
        assert names == sorted(names) and len(names) == len(wanted)
        assert "Name ▲" in table.render_line(0).text
        # escape in the search bar goes back to the table, not out of the archive bin
        await pilot.press("slash")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ArchiveScreen) and table.has_focus
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, AssetListScreen) and not isinstance(app.screen, ArchiveScreen)
    assert app._exception is None


async def test_selection_works_in_the_archive_bin(emulator: Emulator) -> None:
    """Restore and delete (a later issue) will act on the selection: it must work here."""
    app = _app(emulator)
    async with app.run_test(size=(100, 30)) as pilot:
        await _settle(app, pilot)
        await pilot.press("A")
        await _settle(app, pilot)
        table = app.screen.query_one(AssetTable)
        await pilot.press("space", "space")
        await pilot.pause()
        assert table.selected == {a.id for a in table.assets[:2]}
        assert "2 selected" in str(app.screen.query_one("#status", Static).render())
    assert app._exception is None
