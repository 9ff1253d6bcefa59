"""Every dialog closes once, and only from the top of the screen stack.

The fault storm found two crashes of this kind: the tags dialog asked to close
twice (a save answer arriving as the user pressed escape) failed with
``InvalidStateError``, and a scroll key that reached the results dialog while it
closed met ``NoMatches``.  Textual's own ``Screen.dismiss`` called twice calls
the opener back twice and pops the screen under the dialog as well.
"""

from __future__ import annotations

from typing import Any

import pytest
from textual.app import App
from textual.screen import Screen
from textual.widgets import Static

from co_tui.modals.confirm import ConfirmScreen, ResultsScreen
from co_tui.modals.help import HelpScreen
from co_tui.operations.bulk import AssetResult, BulkReport, Status


class Base(Screen[None]):
    """The screen a dialog opens over."""

    def compose(self) -> Any:
        yield Static("base")


class Host(App[None]):
    """An app with one base screen that records each dialog answer."""

    def __init__(self) -> None:
        super().__init__()
        self.answers: list[object] = []

    def on_mount(self) -> None:
        self.push_screen(Base())


async def _settle(pilot: Any) -> None:
    for _ in range(3):
        await pilot.pause()


async def test_a_second_dismiss_changes_nothing() -> None:
    app = Host()
    async with app.run_test(size=(80, 24)) as pilot:
        await _settle(pilot)
        base = app.screen
        dialog = ConfirmScreen("Archive?", "body", "Archive")
        app.push_screen(dialog, app.answers.append)
        await _settle(pilot)
        dialog.dismiss(True)
        dialog.dismiss(False)  # a late answer after the user already closed it
        await _settle(pilot)
        assert app.answers == [True]
        assert app.screen is base and len(app.screen_stack) == 2
        assert dialog.dismissed


async def test_a_waited_dialog_dismissed_twice_does_not_fail() -> None:
    app = Host()
    results: list[bool] = []
    async with app.run_test(size=(80, 24)) as pilot:
        await _settle(pilot)

        async def ask() -> None:
            dialog: ConfirmScreen = ConfirmScreen("Archive?", "b", "Archive")
            results.append(await app.push_screen_wait(dialog))

        app.run_worker(ask())
        await _settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ConfirmScreen)
        dialog.dismiss(True)
        dialog.dismiss(True)
        await _settle(pilot)
        await app.workers.wait_for_complete()
        assert results == [True]
        assert all(w.error is None for w in app.workers)
        assert isinstance(app.screen, Base)


async def test_a_dialog_under_another_closes_when_it_comes_to_the_top() -> None:
    app = Host()
    async with app.run_test(size=(80, 24)) as pilot:
        await _settle(pilot)
        under = ConfirmScreen("Save?", "body", "Save")
        over = ConfirmScreen("Discard?", "body", "Discard")
        app.push_screen(under, app.answers.append)
        app.push_screen(over, lambda answer: app.answers.append(("over", answer)))
        await _settle(pilot)
        under.dismiss(True)  # its save finished while the question over it is open
        await _settle(pilot)
        assert app.screen is over and app.answers == []
        await pilot.press("n")
        await _settle(pilot)
        assert app.answers == [("over", False), True]
        assert isinstance(app.screen, Base)


async def test_a_scroll_key_while_the_results_close_is_ignored() -> None:
    report = BulkReport("archive", tuple(AssetResult(str(i), f"a{i}", Status.OK) for i in range(40)))
    app = Host()
    async with app.run_test(size=(80, 24)) as pilot:
        await _settle(pilot)
        results = ResultsScreen("Archive", report)
        app.push_screen(results, app.answers.append)
        await _settle(pilot)
        await pilot.press("j")
        await _settle(pilot)
        body = results.query_one("#results-body")
        assert body.scroll_y == 1
        results.dismiss(None)
        await _settle(pilot)
        results.action_scroll(1)  # a key queued before the dialog closed
        assert app.answers == [None] and isinstance(app.screen, Base)


@pytest.mark.parametrize("make", [
    lambda: ResultsScreen("Archive", BulkReport("archive", (AssetResult("1", "a1", Status.OK),))),
    lambda: ConfirmScreen("Archive?", "body", "Archive"),
    lambda: HelpScreen([], "Keys"),
])
async def test_a_dialog_closed_before_it_is_shown_does_not_crash(make: Any) -> None:
    """Found by the storm (seed 512): a bulk result over an asset that went away was
    pushed, and closed with the screens about that asset, before its mount handler ran."""
    app = Host()
    async with app.run_test(size=(80, 24)) as pilot:
        await _settle(pilot)
        dialog = make()
        app.push_screen(dialog, app.answers.append)
        dialog.dismiss(None)  # in the same callback as the push: before it mounted
        await _settle(pilot)
        assert app.answers == [None] and isinstance(app.screen, Base)
        assert app.return_code is None  # still running: no crash
