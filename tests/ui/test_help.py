"""The help dialog (?): every key of the screen and of the app, generated from the bindings."""

from __future__ import annotations

import pytest
from textual.widgets import Static

from co_tui.api import CodeOceanClient
from co_tui.app import CoTuiApp
from co_tui.commands import screen_actions
from co_tui.emulator import Emulator
from co_tui.launch import build_app
from co_tui.modals.help import HelpScreen
from co_tui.screens.archive import ArchiveScreen
from co_tui.screens.asset_list import AssetListScreen


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


def _help_text(app: CoTuiApp) -> str:
    return str(app.screen.query_one("#help-keys", Static).render())


async def test_help_lists_the_screen_and_app_keys_and_closes(emulator: Emulator) -> None:
    app = _app(emulator)
    async with app.run_test(size=(120, 36)) as pilot:
        await _settle(app, pilot)
        my_data = app.screen
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = _help_text(app)
        lines = text.splitlines()
        # groups: the table's keys, the screen's, the app's
        assert {"Asset table", "My Data", "Everywhere"} <= set(lines)
        for key, words in [("/", "Search"), ("f", "Filters"), ("s", "Sort"), ("S", "Order"),
                           ("r", "Refresh"), ("A", "Archive bin"), ("⏎", "Open"),
                           ("space", "Select"), ("?", "Help"), ("^p", "Command palette")]:
            assert any(line.split()[:1] == [key] and words in line for line in lines), key
        assert any("Quit" in line and "q" in line.split() for line in lines)
        # every key shown in My Data's footer is in the help
        for active in my_data.active_bindings.values():
            if active.binding.show:
                assert active.binding.description in text, active.binding.description
        # q closes the help (it does not quit the app); so do ? and escape
        await pilot.press("q")
        await pilot.pause()
        assert app.screen is my_data and app.is_running
        for key in ("question_mark", "escape"):
            await pilot.press("question_mark")
            await pilot.pause()
            assert isinstance(app.screen, HelpScreen)
            await pilot.press(key)
            await pilot.pause()
            assert app.screen is my_data
    assert app._exception is None


async def test_help_follows_the_screen(emulator: Emulator) -> None:
    app = _app(emulator)
    async with app.run_test(size=(80, 24)) as pilot:
        await _settle(app, pilot)
        await pilot.press("A")
        await _settle(app, pilot)
        assert isinstance(app.screen, ArchiveScreen)
        await pilot.press("question_mark")
        await pilot.pause()
        text = _help_text(app)
        assert "Keys — Archive bin" in str(app.screen.query_one("#help-title", Static).render())
        assert "My Data" in text and "Filters" in text and "Archive bin\n" in text
        assert "A " not in text.replace("Archive bin", "")  # no archive bin inside the archive bin
        # it scrolls (80x24 does not hold every key) and closes
        body = app.screen.query_one("#help-body")
        assert body.max_scroll_y > 0
        await pilot.press("j", "j")
        await pilot.pause()
        assert body.scroll_y > 0
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ArchiveScreen)
    assert app._exception is None


async def test_keys_of_the_app_only_appear_once_with_all_their_keys(emulator: Emulator) -> None:
    app = _app(emulator)
    async with app.run_test(size=(120, 36)) as pilot:
        await _settle(app, pilot)
        actions = screen_actions(app.screen)
        quits = [a for a in actions if a.action == "quit"]
        assert len(quits) == 1 and {"q", "^c", "^q"} <= set(quits[0].keys)
        assert not [a for a in actions if "copy_text" in a.action]
        # the table does not scroll sideways, so its inherited sideways keys are not listed
        assert not [a for a in actions if a.action.startswith(("scroll_left", "page_left"))]
        # "log in" is listed, disabled with the reason, until the token was rejected
        login = next(a for a in actions if a.action == "login")
        assert not login.enabled and login.reason and "token fails" in login.reason
    assert app._exception is None


@pytest.mark.parametrize("size", [(80, 24), (120, 36)])
async def test_help_is_usable_at_small_and_large_sizes(emulator: Emulator, size: tuple[int, int]) -> None:
    app = _app(emulator)
    async with app.run_test(size=size) as pilot:
        await _settle(app, pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        dialog = app.screen.query_one("#help-dialog")
        assert dialog.region.width <= size[0] and dialog.region.height <= size[1]
        assert app.screen.query_one("#help-hint").region.bottom <= size[1]
    assert app._exception is None
    assert isinstance(AssetListScreen.LIST_NAME, str)
