"""The edit, tags and confirmation dialogs in a minimal host app, against the emulator (Pilot)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import msgspec
import pytest
from textual.app import App
from textual.screen import Screen
from textual.widgets import Button, Input, Static, TextArea

from co_tui.api import CodeOceanClient
from co_tui.api.models import CustomMetadata, DataAsset
from co_tui.emulator import Emulator, EmulatorConfig
from co_tui.emulator.seeds.demo_base import RAW_661, SORT_661, asset_id
from co_tui.modals.confirm import ConfirmScreen, ResultsScreen, TypedNameConfirmScreen
from co_tui.modals.edit_metadata import EditMetadataScreen
from co_tui.modals.tags import TagsScreen
from co_tui.operations.bulk import AssetResult, BulkReport, Status
from co_tui.operations.metadata import AssetValues
from co_tui.widgets.choice import Choice
from co_tui.widgets.tag_chips import TagChips

RAW = asset_id(RAW_661)
VIEW_ONLY = asset_id("MERFISH mouse cortex section 12")
UNSET = object()


@pytest.fixture
def emulator(clock, demo_seed):  # type: ignore[no-untyped-def]
    """The suite's demo emulator, built from the session's seed records (much faster per test)."""
    return Emulator(EmulatorConfig(seed="demo", clock=clock), seed_data=demo_seed)



class Host(App[None]):
    """Pushes one dialog and keeps what it dismissed with."""

    def __init__(self, make: Callable[[], Screen[Any]]) -> None:
        super().__init__()
        self.make = make
        self.result: object = UNSET

    def on_mount(self) -> None:
        self.push_screen(self.make(), self.done)

    def done(self, value: object) -> None:
        self.result = value


async def settle(pilot: Any) -> None:
    for _ in range(3):
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def text(screen: Screen[Any], selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


async def _edit_setup(client: CodeOceanClient) -> tuple[DataAsset, CustomMetadata]:
    return (await client.data_assets.get_data_asset(RAW),
            await client.custom_metadata.get_custom_metadata())


def _puts(emulator: Any) -> list[str]:
    return [path for method, path, _ in emulator.write_log if method == "PUT"]


# --- edit metadata -------------------------------------------------------------------------------


async def test_edit_happy_path_saves_and_dismisses_with_the_asset(client: CodeOceanClient, emulator, recorder) -> None:  # type: ignore[no-untyped-def]
    asset, schema = await _edit_setup(client)
    app = Host(lambda: EditMetadataScreen(client, asset, schema))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, EditMetadataScreen)
        await pilot.press(*"new")  # the name is selected on focus: typing replaces it
        screen.query_one("#edit-description", TextArea).text = "two\nlines"
        screen.query_one("#edit-tag-input", Input).focus()
        await pilot.press(*"curated", "enter")
        screen.query_one("#custom-6", Input).value = "20.5"  # temperature_c
        emulator.faults.spec = dataclasses.replace(emulator.faults.spec, slow_ms=300)
        emulator.faults.inject("slow", times=1, method="PUT")
        await pilot.press("ctrl+s", "ctrl+s")  # a second save while the PUT is out is ignored
        await settle(pilot)
        assert app.screen is not screen
    assert isinstance(app.result, DataAsset)
    assert app.result.name == "new" and app.result.description == "two\nlines"
    assert app.result.tags == (*(asset.tags or ()), "curated")
    assert (app.result.custom_metadata or {})["temperature_c"] == 20.5
    assert (await client.data_assets.get_data_asset(RAW)) == app.result
    assert len(_puts(emulator)) == 1 and len(recorder.sent("PUT", RAW)) == 1


async def test_server_text_is_shown_escaped_and_kept_exactly(client: CodeOceanClient, emulator) -> None:  # type: ignore[no-untyped-def]
    asset, schema = await _edit_setup(client)
    evil = "evil\x1b]0;title\x07 [b]x[/b]"
    asset = await client.data_assets.update_metadata(RAW, msgspec.structs.replace(
        AssetValues.of(asset).to_params(), name=evil, tags=["t\x1b[2J", "ok"],
        description="a\x9bb"))
    app = Host(lambda: EditMetadataScreen(client, asset, schema))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        name = screen.query_one("#edit-name", Input)
        assert "\x1b" not in name.value and "\x07" not in name.value
        assert "evil␛]0;title␇ [b]x[/b]" in "".join(s.text for s in name.render_line(0))
        assert "t\\x1b[2J" in str(screen.query_one(TagChips).render())
        assert "\x1b" not in text(screen, "#edit-title")
        screen.query_one("#edit-mount", Input).value = "moved"
        await pilot.press("ctrl+s")
        await settle(pilot)
    assert isinstance(app.result, DataAsset)
    assert (app.result.name, app.result.tags, app.result.description) == (
        evil, ("t\x1b[2J", "ok"), "a\x9bb")
    assert app.result.mount == "moved"


async def test_validation_error_is_shown_and_nothing_is_sent(client: CodeOceanClient, recorder) -> None:  # type: ignore[no-untyped-def]
    asset, schema = await _edit_setup(client)
    app = Host(lambda: EditMetadataScreen(client, asset, schema))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        screen.query_one("#edit-mount", Input).value = "../etc"
        await settle(pilot)
        error = screen.query_one("#error-mount", Static)
        assert error.display and "one folder name" in text(screen, "#error-mount")
        assert not screen.query_one("#error-name", Static).display  # untouched: no noise
        screen.query_one("#custom-7", Input).value = "deep"  # recording_depth_um
        screen.query_one("#edit-name", Input).value = ""
        recorder.requests.clear()
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen and app.result is UNSET
        assert "fix the marked fields" in text(screen, "#edit-status")
        assert "must not be empty" in text(screen, "#error-name")
        assert "must be a number" in text(screen, "#error-custom-7")
        assert recorder.requests == []
        assert screen.query_one("#edit-mount", Input).value == "../etc"


async def test_server_error_keeps_the_input(client_for) -> None:  # type: ignore[no-untyped-def]
    alan = client_for("alan@example.org")
    asset, schema = await _edit_setup(alan)
    app = Host(lambda: EditMetadataScreen(alan, asset, schema))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        screen.query_one("#edit-name", Input).value = "alan was here"
        screen.query_one("#edit-description", TextArea).text = "typed text"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen and app.result is UNSET
        status = text(screen, "#edit-status")
        assert "permission" in status and "403" in status
        assert screen.query_one("#edit-name", Input).value == "alan was here"
        assert screen.query_one("#edit-description", TextArea).text == "typed text"
        assert not screen.query_one("#edit-save", Button).disabled


async def test_lost_answer_is_read_back_and_the_dialog_closes(client: CodeOceanClient, emulator) -> None:  # type: ignore[no-untyped-def]
    asset, schema = await _edit_setup(client)
    emulator.faults.inject("lost", times=1, method="PUT")
    app = Host(lambda: EditMetadataScreen(client, asset, schema))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.screen.query_one("#edit-name", Input).value = "saved despite the network"
        await pilot.press("ctrl+s")
        await settle(pilot)
    assert isinstance(app.result, DataAsset) and app.result.name == "saved despite the network"
    assert len(_puts(emulator)) == 1


async def _conflict(client: CodeOceanClient, client_for: Any, emulator: Any, keys: list[str]) -> tuple[Host, DataAsset, str]:
    """Open the dialog, let someone else change name and description, type a name, save,
    then press ``keys`` in the conflict view."""
    asset, schema = await _edit_setup(client)
    other = client_for(token=emulator.main_token)
    app = Host(lambda: EditMetadataScreen(client, asset, schema))
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = app.screen
        screen.query_one("#edit-name", Input).value = "my name"
        await other.data_assets.update_metadata(RAW, msgspec.structs.replace(
            AssetValues.of(asset).to_params(), name="their name", description="their text"))
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen and screen.query_one("#edit-conflict").display
        assert not screen.query_one("#edit-form").display
        listing = " ".join(str(s.render()) for s in screen.query(".conflict-value"))
        assert "yours:  my name" in listing and "theirs: their name" in listing
        assert "their text" in listing
        choices = [c.value for c in screen.query(Choice)]
        assert choices == ["mine", "theirs"]  # typed name: mine; untouched description: theirs
        await pilot.press(*keys)
        await settle(pilot)
        status = text(screen, "#edit-status") if app.screen is screen else ""
    return app, asset, status


async def test_conflict_take_theirs_for_the_name(client: CodeOceanClient, client_for, emulator) -> None:  # type: ignore[no-untyped-def]
    app, _, _ = await _conflict(client, client_for, emulator, ["right", "ctrl+s"])
    assert isinstance(app.result, DataAsset)
    assert (app.result.name, app.result.description) == ("their name", "their text")


async def test_conflict_keep_mine_with_defaults(client: CodeOceanClient, client_for, emulator) -> None:  # type: ignore[no-untyped-def]
    app, _, _ = await _conflict(client, client_for, emulator, ["ctrl+s"])
    assert isinstance(app.result, DataAsset)
    assert (app.result.name, app.result.description) == ("my name", "their text")


async def test_conflict_overwrite_all(client: CodeOceanClient, client_for, emulator) -> None:  # type: ignore[no-untyped-def]
    app, asset, _ = await _conflict(client, client_for, emulator, ["ctrl+o"])
    assert isinstance(app.result, DataAsset)
    assert (app.result.name, app.result.description) == ("my name", asset.description)


async def test_conflict_back_to_the_form_saves_nothing(client: CodeOceanClient, client_for, emulator) -> None:  # type: ignore[no-untyped-def]
    app, _, status = await _conflict(client, client_for, emulator, ["escape"])
    assert app.result is UNSET and "nothing was saved" in status
    assert (await client.data_assets.get_data_asset(RAW)).name == "their name"


async def test_escape_asks_before_discarding_typed_changes(client: CodeOceanClient) -> None:
    asset, schema = await _edit_setup(client)
    app = Host(lambda: EditMetadataScreen(client, asset, schema))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        await pilot.press("x")
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        await settle(pilot)
        assert app.screen is screen and screen.query_one("#edit-name", Input).value == "x"
        await pilot.press("escape", "y")
        await settle(pilot)
    assert app.result is None


async def test_schema_is_fetched_when_not_given(client: CodeOceanClient, emulator) -> None:  # type: ignore[no-untyped-def]
    asset, _ = await _edit_setup(client)
    emulator.faults.inject("500", times=4, method="GET", path_contains="custom_metadata")
    failing = Host(lambda: EditMetadataScreen(client, asset, None))
    async with failing.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        notes = " ".join(str(s.render()) for s in failing.screen.query(".note"))
        assert "could not be loaded" in notes
        failing.screen.query_one("#edit-name", Input).value = "no schema"
        await pilot.press("ctrl+s")
        await settle(pilot)
    assert isinstance(failing.result, DataAsset)
    assert failing.result.custom_metadata == asset.custom_metadata  # kept as it was
    app = Host(lambda: EditMetadataScreen(client, asset, None))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.screen.query_one("#custom-0", Input).value == "Brain Computer Interface"


# --- tags ----------------------------------------------------------------------------------------


async def test_tags_single_asset_add_and_remove(client: CodeOceanClient, emulator) -> None:  # type: ignore[no-untyped-def]
    asset = await client.data_assets.get_data_asset(RAW)
    old = list(asset.tags or ())
    app = Host(lambda: TagsScreen(client, [asset], ["curated", "ephys"]))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press(*"cur")
        input_ = app.screen.query_one("#tags-input", Input)
        assert input_._suggestion == "curated"
        await pilot.press("right", "enter")  # accept the completion, add it
        await pilot.press("shift+tab", *["left"] * 6, "delete")  # remove the first chip
        chips = app.screen.query_one(TagChips)
        assert chips.added == ["curated"] and chips.removed == [old[0]]
        await pilot.press("ctrl+s")
        await settle(pilot)
    assert isinstance(app.result, list) and len(app.result) == 1
    assert app.result[0].tags == (*old[1:], "curated")
    assert len(_puts(emulator)) == 1


async def test_tags_multi_selection_summary(client: CodeOceanClient, emulator) -> None:  # type: ignore[no-untyped-def]
    raw = await client.data_assets.get_data_asset(RAW)
    sort = await client.data_assets.get_data_asset(asset_id(SORT_661))
    viewer_only = await client.data_assets.get_data_asset(VIEW_ONLY)
    app = Host(lambda: TagsScreen(client, [raw, sort, viewer_only], []))
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        chips = app.screen.query_one(TagChips)
        assert "ecephys 2/3" in str(chips.render())
        chip = chips.find("ECEPHYS")
        assert chip is not None and chips.add("ecephys") and chip.state == "added"
        assert "+ecephys 3/3" in str(chips.render())
        states = []
        for _ in range(3):
            chips.action_toggle_chip()  # the cursor went to the chip just added
            states.append(chip.state)
        assert states == ["kept", "removed", "kept"]
        assert chips.add("nEW") and chips.find("new") is not None
        chips.action_toggle_chip()  # a new chip disappears
        assert chips.find("new") is None and not chips.added and not chips.removed
        await pilot.press(*"ecephys", "enter")  # on 2 of 3: add it to the third
        await pilot.press(*"bulk", "enter")
        await pilot.press("ctrl+s")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, TagsScreen)
        lines = text(screen, "#tags-results-lines")
        assert "✗ MERFISH mouse cortex section 12" in lines and "permission" in lines
        assert f"✓ {RAW_661}" in lines
        assert "2 updated, 1 failed" in text(screen, "#tags-status")
        assert screen.query_one(TagChips).added == ["ecephys", "bulk"]  # kept for a retry
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await settle(pilot)
    assert isinstance(app.result, list)
    assert sorted(a.id for a in app.result) == sorted([raw.id, sort.id])
    assert all("bulk" in (a.tags or ()) for a in app.result)
    assert "bulk" not in ((await client.data_assets.get_data_asset(VIEW_ONLY)).tags or ())


# --- confirmations -------------------------------------------------------------------------------


async def _answers(pilot: Any, app: Host, make: Callable[[], Screen[Any]], *keys: str) -> object:
    """Push the dialog ``make`` builds on ``app``, press ``keys``, return what it dismissed with."""
    app.result = UNSET
    app.push_screen(make(), app.done)
    await settle(pilot)
    await pilot.press(*keys)
    await settle(pilot)
    return app.result


async def test_confirm_keys() -> None:
    def plain_confirm() -> Screen[Any]:
        return ConfirmScreen("Archive?", "body", "Archive")

    def danger() -> Screen[Any]:
        return ConfirmScreen("Discard?", "body", "Discard", danger=True)

    app = Host(plain_confirm)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert app.result is True
        assert await _answers(pilot, app, plain_confirm, "enter") is True
        assert await _answers(pilot, app, plain_confirm, "n") is False
        assert await _answers(pilot, app, plain_confirm, "escape") is False
        assert await _answers(pilot, app, danger, "enter") is False  # focus on the safe choice
        assert await _answers(pilot, app, danger, "y") is True
        assert await _answers(pilot, app, danger, "tab", "enter") is True


async def test_typed_name_gates_the_delete_button() -> None:
    name = "run [bold]x[/] \x1b[2J"
    app = Host(lambda: TypedNameConfirmScreen([name]))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        delete = screen.query_one("#typed-delete", Button)
        await pilot.press(*"run", "enter")
        assert delete.disabled and app.result is UNSET
        screen.query_one("#typed-input", Input).value = "run [bold]x[/] \\x1b[2"
        await settle(pilot)
        assert delete.disabled
        await pilot.press("end", "J")  # the name as shown: the ESC as its four-character escape
        assert not delete.disabled
        await pilot.press("enter")
        await settle(pilot)
        assert app.result is True

        names = [f"asset {i}" for i in range(10)]

        def several() -> Screen[Any]:
            return TypedNameConfirmScreen(names)

        app.result = UNSET
        app.push_screen(several(), app.done)
        await settle(pilot)
        typed = app.screen.query_one("#typed-input", Input)
        assert "… and 2 more" in text(app.screen, "#typed-names")
        typed.value = "delete 9"
        await pilot.press("enter")
        assert app.result is UNSET and app.screen.query_one("#typed-delete", Button).disabled
        typed.value = "Delete  1"
        await pilot.press("end", "0", "enter")
        await settle(pilot)
        assert app.result is True
        assert await _answers(pilot, app, several, "escape") is False


async def test_results_screen_lists_each_asset() -> None:
    report = BulkReport("archive", (
        AssetResult("1", "first", Status.OK),
        AssetResult("2", "second", Status.OK, reconciled=True),
        AssetResult("3", "[red]third[/]", Status.FAILED, "You do not have permission (403)"),
    ))
    app = Host(lambda: ResultsScreen("Archive", report))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        lines = text(app.screen, "#results-lines").splitlines()
        assert lines == ["✓ first", "✓ second  answer lost; read back: done",
                         "✗ [red]third[/]  You do not have permission (403)"]
        assert text(app.screen, "#results-summary") == "2 archived, 1 failed"
        await pilot.press("enter")
        await settle(pilot)
    assert app.result is None
