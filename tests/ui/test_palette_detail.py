"""The command palette on the asset detail screen, read as the user sees it: ctrl+p, type a
name, read the hits on screen. Each action is offered once, and "Load more" only when the
previewed file goes on."""

from __future__ import annotations

from typing import Any

from textual.command import CommandList, CommandPalette

from co_tui.app import CoTuiApp
from co_tui.emulator import Emulator
from co_tui.widgets import files_pane
from tests.ui.test_asset_detail_helpers import (
    make_app,
    open_detail,
    open_files,
    preview_file,
    settle,
)

UNIT_QC = "unit QC ecephys_661398 (result)"
STITCHED = "SmartSPIM_695464 stitched"


def _id(demo_seed: Any, name: str) -> str:
    return str(next(a.id for a in demo_seed.assets if a.name == name))


async def _hits(app: CoTuiApp, pilot: Any, query: str) -> list[str]:
    """Open the palette, type ``query`` and return the first line of every hit shown; closes
    the palette again."""
    await pilot.press("ctrl+p")
    await pilot.pause()
    assert isinstance(app.screen, CommandPalette)
    await pilot.press(*query)
    for _ in range(3):
        await pilot.pause(0.1)
        await app.workers.wait_for_complete()
    shown = app.screen.query_one(CommandList)
    lines = [str(shown.get_option_at_index(i).prompt).split("\n")[0]
             for i in range(shown.option_count)]
    await pilot.press("escape")
    await pilot.pause()
    if isinstance(app.screen, CommandPalette):
        await pilot.press("escape")
        await pilot.pause()
    assert not isinstance(app.screen, CommandPalette)
    return lines


def _named(lines: list[str], name: str) -> list[str]:
    """The hits that are the action ``name`` (its name, then its key: ``Back  esc``,
    ``Back (escape)``)."""
    return [line for line in lines if line == name or line.startswith((f"{name} ", f"{name}("))]


async def test_each_detail_command_is_offered_once(emulator: Emulator, demo_seed: Any) -> None:
    app = make_app(emulator)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_detail(app, pilot, _id(demo_seed, UNIT_QC))
        for name in ("Back", "Overview", "Files", "Sharing", "Attached", "Refresh"):
            lines = await _hits(app, pilot, name.lower())
            assert len(_named(lines, name)) == 1, (name, lines)
    assert app._exception is None


async def test_load_more_is_offered_only_when_more_can_load(emulator: Emulator, demo_seed: Any,
                                                            monkeypatch: Any) -> None:
    monkeypatch.setattr(files_pane, "PREVIEW_DELAY", 0.0)
    app = make_app(emulator)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_detail(app, pilot, _id(demo_seed, STITCHED))
        assert _named(await _hits(app, pilot, "load more"), "Load more") == []  # Overview tab
        pane = await open_files(app, pilot, screen)
        assert _named(await _hits(app, pilot, "load more"), "Load more") == []  # a folder
        await preview_file(app, pilot, pane, "metadata/tile_positions.min.json")
        await settle(app, pilot)
        assert pane.can_load_more  # 250 KB on one line: more to read
        assert len(_named(await _hits(app, pilot, "load more"), "Load more")) == 1
        for _ in range(20):
            await pilot.press("L")
            await settle(app, pilot)
            if not pane.can_load_more:
                break
        assert not pane.can_load_more  # all of it is on screen now
        assert _named(await _hits(app, pilot, "load more"), "Load more") == []
    assert app._exception is None
