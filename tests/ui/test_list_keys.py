"""My Data under fast keys: what a cursor move repaints, and the quick look catching up once the
keys stop (Pilot)."""

from __future__ import annotations

from textual.geometry import Region

from co_tui.emulator import Emulator
from co_tui.widgets.asset_table import AssetTable
from co_tui.widgets.quick_look import QuickLook, describe
from tests.ui.ui_helpers import _app, _settle


def _panel(app: object) -> str:
    return str(app.screen.query_one(QuickLook).render())  # type: ignore[attr-defined]


async def test_quick_look_waits_for_the_keys_to_stop_then_shows_the_row(
        emulator: Emulator) -> None:
    app = _app(emulator)
    async with app.run_test(size=(140, 36)) as pilot:
        await _settle(app, pilot)
        table = app.screen.query_one(AssetTable)
        panel = app.screen.query_one(QuickLook)
        first = table.assets[0]
        assert _panel(app) == str(describe(first))  # the first page shows at once
        drawn: list[object] = []
        original = panel._draw

        def counting() -> None:
            drawn.append(panel.asset)
            original()

        panel._draw = counting  # type: ignore[method-assign]
        for _ in range(6):
            await pilot.press("j")
        assert table.cursor == 6
        assert _panel(app) == str(describe(first))  # not redrawn for every key
        await pilot.pause(QuickLook.FOLLOW_DELAY * 3)
        assert _panel(app) == str(describe(table.assets[6]))  # right once the keys stopped
        assert drawn == [table.assets[6]]
        await pilot.press("k")
        await pilot.pause(QuickLook.FOLLOW_DELAY * 3)
        assert _panel(app) == str(describe(table.assets[5]))
    assert app._exception is None


async def test_a_cursor_move_repaints_two_lines_of_the_table(emulator: Emulator) -> None:
    app = _app(emulator)
    async with app.run_test(size=(140, 36)) as pilot:
        await _settle(app, pilot)
        table = app.screen.query_one(AssetTable)
        await pilot.pause(QuickLook.FOLLOW_DELAY * 3)
        refreshed: list[Region] = []
        original = table.refresh

        def recording(*regions: Region, **kwargs: object) -> AssetTable:
            refreshed.extend(regions or [Region(0, 0, *table.size)])
            return original(*regions, **kwargs)  # type: ignore[arg-type]

        table.refresh = recording  # type: ignore[method-assign]
        await pilot.press("j")
        assert table.cursor == 1
        assert sum(region.height for region in refreshed) == 2, refreshed
    assert app._exception is None
