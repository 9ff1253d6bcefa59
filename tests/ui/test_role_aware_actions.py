"""Actions know the user's role before a key is pressed (screens/rights_screen.py,
operations/role_lookup.py): a viewer's e and a discoverable-only asset's D say why instead of
opening a form or queueing a download that fails; the role costs one permission read per asset
and session, none while scrolling fast."""

from __future__ import annotations

from typing import Any

import pytest
from textual.content import Content
from textual.widgets import Input, Static
from textual.widgets._footer import FooterKey

from co_tui.api import CodeOceanClient
from co_tui.app import CoTuiApp
from co_tui.commands import ScreenActionsProvider, screen_actions
from co_tui.emulator import Emulator
from co_tui.launch import build_app
from co_tui.modals.confirm import ConfirmScreen
from co_tui.modals.download import DownloadDialog
from co_tui.modals.edit_metadata import EditMetadataScreen
from co_tui.modals.help import HelpScreen
from co_tui.screens.asset_detail import AssetDetailScreen
from co_tui.screens.asset_list import AssetListScreen
from co_tui.screens.detail_access import ACCESS_NOTE
from co_tui.screens.rights_screen import ROLE_REST
from co_tui.widgets.asset_table import AssetTable
from co_tui.widgets.files_pane import FilesPane
from tests.conftest import RecordingTransport
from tests.ui.ui_helpers import _settle

VIEWER = "MERFISH mouse cortex section 12"  # shared with the demo user as a viewer
DISCOVERABLE = "exaSPIM tile overlap study"  # only discoverable to her (through a group)
GROUP_VIEWER = "light-sheet calibration beads 2025"  # a viewer through a group: role unknown
VIEWER_REASON = ("You are a viewer of this asset: editing the metadata needs an editor or the "
                 "owner.")


def _app(emulator: Emulator) -> tuple[CoTuiApp, RecordingTransport, list[str]]:
    """The demo app on ``emulator``, the requests it sends, and the toasts it says."""
    recorder = RecordingTransport(emulator.transport())
    client = CodeOceanClient(emulator.config.api_origin, emulator.main_token,
                             transport=recorder, files_transport=recorder)
    app = build_app(client, demo=True)
    said: list[str] = []
    original = app.say

    def say(content: Content, **kwargs: Any) -> None:
        said.append(str(content))
        original(content, **kwargs)

    app.say = say  # type: ignore[method-assign]
    return app, recorder, said


def _reads(recorder: RecordingTransport) -> int:
    return len(recorder.sent("GET", "/permissions"))


async def _rest_on(app: CoTuiApp, pilot: Any, name: str) -> None:
    """Move My Data's cursor to the row named ``name`` and let it rest there."""
    table = app.screen.query_one(AssetTable)
    index = [a.name for a in table.assets].index(name)
    table.focus()
    await pilot.press("g", *["j"] * index)
    assert table.highlighted is not None and table.highlighted.name == name
    await pilot.pause(ROLE_REST + 0.2)
    await _settle(app, pilot)


async def _ready(app: CoTuiApp, pilot: Any, recorder: RecordingTransport) -> int:
    """Wait for My Data's first page and for the read of its first row (the cursor rests there
    as the list appears); the permission reads sent so far."""
    await _settle(app, pilot)
    await pilot.pause(ROLE_REST + 0.2)
    await _settle(app, pilot)
    first = app.screen.query_one(AssetTable).highlighted
    assert first is not None and first.id in app.rights.looked_up
    return _reads(recorder)


def _dimmed(screen: Any, action: str) -> bool:
    """Whether the footer shows ``action``'s key dimmed (Textual marks it ``-disabled``)."""
    key: FooterKey = next(k for k in screen.query(FooterKey) if k.action == action)
    return key.has_class("-disabled")


async def test_a_viewer_pressing_e_gets_the_reason_and_no_form(emulator: Emulator) -> None:
    app, recorder, said = _app(emulator)
    async with app.run_test(size=(120, 36)) as pilot:
        base = await _ready(app, pilot, recorder)
        await _rest_on(app, pilot, VIEWER)
        assert _reads(recorder) == base + 1  # read while the cursor rested, before any key
        await pilot.press("e")
        await _settle(app, pilot)
        assert isinstance(app.screen, AssetListScreen)  # no form opened
        assert not any(isinstance(s, EditMetadataScreen) for s in app.screen_stack)
        assert VIEWER_REASON in said
        # the detail view knows it already (no second read) and dims e in its footer
        await pilot.press("enter")
        await _settle(app, pilot)
        assert isinstance(app.screen, AssetDetailScreen)
        assert _reads(recorder) == base + 1
        assert _dimmed(app.screen, "edit")
        assert not _dimmed(app.screen, "download_assets")  # a viewer may download
        await pilot.press("e")
        await _settle(app, pilot)
        assert isinstance(app.screen, AssetDetailScreen)
        assert said.count(VIEWER_REASON) == 2
        # the help dims it with the reason; the palette offers it dimmed and says why
        entries = {a.action: a for a in screen_actions(app.screen)}
        assert not entries["edit"].enabled and entries["edit"].reason == VIEWER_REASON
        hits = [hit async for hit in ScreenActionsProvider(app.screen).discover()]
        edit = next(hit for hit in hits if hit.text == "Edit")
        assert edit.help and "unavailable" in edit.help and "viewer" in edit.help
        edit.command()
        assert sum(VIEWER_REASON in line for line in said) == 3
        # the Files tab's footer has no room for e and D; the key still says why
        await pilot.press("2")
        await _settle(app, pilot)
        assert not [k for k in app.screen.query(FooterKey) if k.action == "edit"]
        await pilot.press("e")
        await _settle(app, pilot)
        assert sum(VIEWER_REASON in line for line in said) == 4
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        assert VIEWER_REASON in str(app.screen.query_one("#help-keys", Static).render())
    assert app._exception is None


async def test_discoverable_only_shows_what_is_visible_and_disables_reading(
        emulator: Emulator) -> None:
    app, recorder, said = _app(emulator)
    async with app.run_test(size=(120, 36)) as pilot:
        base = await _ready(app, pilot, recorder)
        await _rest_on(app, pilot, DISCOVERABLE)
        assert _reads(recorder) == base + 1
        await pilot.press("D")
        await _settle(app, pilot)
        assert not isinstance(app.screen, DownloadDialog)
        assert any("only discoverable to you: downloading needs access" in s for s in said)
        assert not [r for r in recorder.requests if "/files" in r.url.path]  # nothing queued
        await pilot.press("enter")
        await _settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, AssetDetailScreen)
        note = screen.query_one("#access-note", Static)
        assert note.display and ACCESS_NOTE in str(note.render())
        overview = str(screen.query_one("#overview-fields").render())
        assert DISCOVERABLE in overview  # what search showed stays on screen
        assert _dimmed(screen, "download_assets")
        assert not _dimmed(screen, "refresh")
        assert screen.check_action("copy_id", ()) is True  # the id is visible: copying is fine
        # the Files tab says why instead of listing (no listing request, no error toast)
        await pilot.press("2")
        await _settle(app, pilot)
        pane = screen.query_one(FilesPane)
        assert "only discoverable" in str(pane.query_one("#files-note", Static).render())
        assert not recorder.sent("GET", f"/data_assets/{screen.asset_id}/files")
        for action in ("download", "copy_link", "open_pager"):
            assert pane.check_action(action, ()) is None
            reason = pane.disabled_reason(action)
            assert reason is not None and "only discoverable" in reason
        entries = {a.action: a for a in screen_actions(screen)}
        assert "only discoverable" in (entries["download"].reason or "")
        said.clear()
        await pilot.press("l")
        await _settle(app, pilot)
        assert any("copying a file's link needs access" in s for s in said)
        assert not any("permission" in s.lower() for s in said)  # no request was refused
    assert app._exception is None


async def test_an_asset_opened_by_a_refused_read_keeps_the_search_copy(
        emulator: Emulator) -> None:
    """Opening a discoverable asset straight away (no rest in the list): the asset read answers
    403, the screen keeps what the list showed and says the rest needs access."""
    app, _recorder, said = _app(emulator)
    async with app.run_test(size=(120, 36)) as pilot:
        await _settle(app, pilot)
        table = app.screen.query_one(AssetTable)
        index = [a.name for a in table.assets].index(DISCOVERABLE)
        await pilot.press("g", *["j"] * index, "enter")
        await _settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, AssetDetailScreen)
        assert screen.query_one("#access-note", Static).display
        assert DISCOVERABLE in str(screen.query_one("#overview-fields").render())
        assert not any("press r" in s for s in said)
    assert app._exception is None


async def test_fast_scrolling_reads_no_role_and_a_rest_reads_one(emulator: Emulator) -> None:
    app, recorder, _ = _app(emulator)
    async with app.run_test(size=(120, 36)) as pilot:
        before = await _ready(app, pilot, recorder)
        table = app.screen.query_one(AssetTable)
        assert len(table.assets) >= 51
        table.focus()
        await pilot.press(*["j"] * 50)  # far faster than a rest of ROLE_REST s between keys
        scrolled = _reads(recorder) - before
        assert scrolled <= 2, scrolled
        await pilot.pause(ROLE_REST + 0.2)
        await _settle(app, pilot)
        rested = _reads(recorder) - before
        assert 1 <= rested <= scrolled + 1
        landed = table.highlighted
        assert landed is not None and landed.id in app.rights.looked_up
        # coming back to a row already read costs nothing
        await pilot.press("k")
        await pilot.pause(ROLE_REST + 0.2)
        await _settle(app, pilot)
        after_up = _reads(recorder)
        await pilot.press("j")
        await pilot.pause(ROLE_REST + 0.2)
        await _settle(app, pilot)
        assert _reads(recorder) == after_up
        # and the rows passed without resting were never read
        assert len(app.rights.looked_up) <= before + rested + 1
    assert app._exception is None


async def test_a_refusal_greys_the_action_out(emulator: Emulator) -> None:
    """A viewer through a group: the permissions do not tell the role, so archive is offered;
    the server's 403 greys it (and the other owner-only actions) out from then on."""
    app, recorder, said = _app(emulator)
    async with app.run_test(size=(120, 36)) as pilot:
        base = await _ready(app, pilot, recorder)
        await _rest_on(app, pilot, GROUP_VIEWER)
        assert _reads(recorder) == base + 1
        screen = app.screen
        assert screen.check_action("archive", ()) is True  # unknown role: offered
        await pilot.press("a")
        await _settle(app, pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await _settle(app, pilot)
        while app.screen is not screen:
            await pilot.press("escape")
            await _settle(app, pilot)
        for action in ("archive", "share"):
            assert screen.check_action(action, ()) is None, action
        reason = next(a.reason for a in screen_actions(screen) if a.action == "archive")
        assert reason is not None and "refused by the server" in reason
        said.clear()
        await pilot.press("a")
        await _settle(app, pilot)
        assert app.screen is screen and any("refused by the server" in s for s in said)
    assert app._exception is None


@pytest.mark.parametrize("name", [VIEWER, DISCOVERABLE])
async def test_the_detail_view_reads_the_role_as_it_opens(emulator: Emulator,
                                                          name: str) -> None:
    """Opened at once (no rest in the list): the role is read as the detail view opens."""
    app, recorder, _ = _app(emulator)
    async with app.run_test(size=(120, 36)) as pilot:
        await _settle(app, pilot)
        table = app.screen.query_one(AssetTable)
        asset = next(a for a in table.assets if a.name == name)
        app.push_screen(AssetDetailScreen(app.client, asset))  # type: ignore[arg-type]
        await _settle(app, pilot)
        assert recorder.sent("GET", f"/data_assets/{asset.id}/permissions")
        assert app.screen.check_action("edit", ()) is None
    assert app._exception is None


async def test_a_refused_save_greys_edit_out(emulator: Emulator) -> None:
    """Role unknown (a viewer through a group): the form opens; the server refuses the save;
    once the form is closed, e is greyed out for that asset and says why."""
    app, recorder, said = _app(emulator)
    async with app.run_test(size=(120, 36)) as pilot:
        await _ready(app, pilot, recorder)
        await _rest_on(app, pilot, GROUP_VIEWER)
        screen = app.screen
        assert screen.check_action("edit", ()) is True
        await pilot.press("e")
        await _settle(app, pilot)
        dialog = app.screen
        assert isinstance(dialog, EditMetadataScreen)
        dialog.query_one("#edit-mount", Input).value = "moved"
        await pilot.press("ctrl+s")
        await _settle(app, pilot)
        assert dialog.refused and app.screen is dialog  # the form stays, with the message
        await pilot.press("escape")
        await _settle(app, pilot)
        if isinstance(app.screen, ConfirmScreen):  # discard what was typed
            await pilot.press("y")
            await _settle(app, pilot)
        assert app.screen is screen
        assert screen.check_action("edit", ()) is None
        said.clear()
        await pilot.press("e")
        await _settle(app, pilot)
        assert app.screen is screen and any("refused by the server" in s for s in said)
    assert app._exception is None
