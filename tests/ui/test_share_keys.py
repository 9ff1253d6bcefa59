"""The share dialog's add line from the keyboard: the arrows edit the text, and e-mail addresses
(or group names) seen in permissions this session complete what is typed."""

from __future__ import annotations

from textual.widgets import Input, OptionList

from co_tui.api import CodeOceanClient
from co_tui.api.models import GroupPermissions, Permissions, UserPermissions
from co_tui.modals.share import ShareScreen
from co_tui.operations.people_seen import people_seen
from tests.ui.test_share_create_copy import FMRI, RAW_661, Host, settle, share_host, text_of


def suggestion(field: Input) -> str:
    """The grey completion the field shows (read afresh each time)."""
    return field._suggestion


async def test_arrows_move_the_cursor_in_the_e_mail_box(client: CodeOceanClient) -> None:
    app = await share_host(client, RAW_661)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        entries = app.screen.query_one("#share-entries", OptionList)
        highlighted = entries.highlighted
        await pilot.press("a", *"grace@example.org")
        name = app.screen.query_one("#share-add-name", Input)
        assert "→ completes" in text_of(app, "#share-hint")
        await pilot.press("left", "left", "left", "up", "down", "right")
        assert app.focused is name and name.cursor_position == len(name.value) - 2
        assert entries.highlighted == highlighted  # the list took none of the arrows
        await pilot.press("home", "x", "end", "enter")
        await settle(app, pilot)
        assert "add xgrace@example.org as viewer" in text_of(app, "#share-diff")


async def test_e_mails_seen_this_session_complete_the_add_line(client: CodeOceanClient) -> None:
    first = await share_host(client, RAW_661)  # alan@ is a viewer of it
    async with first.run_test(size=(80, 24)) as pilot:
        await settle(first, pilot)
    assert "alan@example.org" in people_seen(client).emails
    people_seen(client).note(Permissions(users=[UserPermissions("\x1bevil@example.org", "viewer")],
                                         groups=[GroupPermissions("neuro-lab", "viewer")]))
    loaded = await client.data_assets.get_data_asset(FMRI)
    app = Host(lambda: ShareScreen(client, loaded, Permissions(users=[])))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        name = app.screen.query_one("#share-add-name", Input)
        await pilot.press("a", *"AL")
        await settle(app, pilot)
        assert suggestion(name).casefold() == "alan@example.org"
        await pilot.press("right", "enter")  # → at the end takes the completion
        await settle(app, pilot)
        assert "add alan@example.org as viewer" in text_of(app, "#share-diff")
        await pilot.press("e")
        await settle(app, pilot)
        assert not suggestion(name)  # text with a control character is never offered
        await pilot.press("backspace", "shift+tab", "shift+tab", "right", "tab", "tab", "n")
        await settle(app, pilot)  # adding a group: group names complete instead
        assert suggestion(name) == "neuro-lab"
