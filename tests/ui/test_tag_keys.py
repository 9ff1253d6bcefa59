"""Tags from the keyboard: typing goes to the tag input, backspace takes chips, tab never
carries text to the next field (the tags dialog and the edit dialog's tag row)."""

from __future__ import annotations

from textual.widgets import Input

from co_tui.api import CodeOceanClient
from co_tui.modals.edit_metadata import EditMetadataScreen
from co_tui.modals.tags import TagsScreen
from co_tui.widgets.tag_chips import TagChips
from tests.ui.test_edit_dialogs import RAW, Host, settle


def _value(app: Host, selector: str) -> str:
    return app.screen.query_one(selector, Input).value


async def test_tags_dialog_backspace_selects_then_removes_the_last_chip(client: CodeOceanClient) -> None:
    asset = await client.data_assets.get_data_asset(RAW)
    last = list(asset.tags or ())[-1]
    app = Host(lambda: TagsScreen(client, [asset], []))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        chips = app.screen.query_one(TagChips)
        await pilot.press("backspace")
        assert chips.armed and chips.chips[chips.cursor].tag == last and not chips.removed
        await pilot.press("backspace")
        assert chips.removed == [last] and not chips.armed
        await pilot.press("backspace", "a")  # any other key lets the selection go
        assert not chips.armed and _value(app, "#tags-input") == "a"
        await pilot.press("backspace", "backspace")  # deletes the "a", then selects a chip
        assert chips.armed and chips.removed == [last]


async def test_tags_dialog_text_typed_on_the_chips_goes_to_the_input(client: CodeOceanClient) -> None:
    asset = await client.data_assets.get_data_asset(RAW)
    app = Host(lambda: TagsScreen(client, [asset], ["curated"]))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        chips = app.screen.query_one(TagChips)
        await pilot.press("shift+tab")
        assert app.focused is chips
        await pilot.press(*"xhl")  # letters that used to be chip keys
        assert app.focused is not None and app.focused.id == "tags-input"
        assert _value(app, "#tags-input") == "xhl" and not chips.removed
        await pilot.press("enter")
        assert chips.added == ["xhl"] and _value(app, "#tags-input") == ""
        await pilot.press(*"cu", "tab")  # tab completes
        assert _value(app, "#tags-input") == "curated" and app.focused.id == "tags-input"
        await pilot.press("tab")  # tab again adds, and the input stays
        assert chips.added == ["xhl", "curated"] and app.focused.id == "tags-input"
        await pilot.press("tab")  # an empty input lets tab move on
        assert app.focused is not None and app.focused.id == "tags-apply"


async def test_edit_dialog_tag_text_never_lands_in_the_next_field(client: CodeOceanClient) -> None:
    asset = await client.data_assets.get_data_asset(RAW)
    schema = await client.custom_metadata.get_custom_metadata()
    app = Host(lambda: EditMetadataScreen(client, asset, schema))
    async with app.run_test(size=(100, 36)) as pilot:
        await settle(pilot)
        before = _value(app, "#custom-0")
        app.screen.query_one("#edit-tags", TagChips).focus()
        await pilot.press(*"new-tag", "tab")  # typed on the chips, added by tab
        chips = app.screen.query_one("#edit-tags", TagChips)
        assert chips.added == ["new-tag"] and app.focused is not None
        assert app.focused.id == "edit-tag-input" and _value(app, "#edit-tag-input") == ""
        await pilot.press("backspace", "backspace")  # the new chip goes again
        assert chips.added == [] and chips.tags == list(asset.tags or ())
        await pilot.press("tab")
        assert app.focused is not None and app.focused.id == "custom-0"
        assert _value(app, "#custom-0") == before
