"""Edits change exactly what the user changed: the real edit and tags dialogs, real key presses,
against the emulator, over strings that used to be rewritten (joiners in emoji, ZWNJ in Persian,
RLM in Hebrew, tabs, escape sequences, RLO, soft hyphens).

For each string the server holds in the name, the description and a custom text field: no change
sends nothing; typing ``zz`` at the end of a field saves ``s + "zz"``; one backspace saves
``s[:-1]``. Tags: adding one, removing one, or nothing. What the emulator stores afterwards is compared byte for byte, and so is every field
of the PUT body the user did not touch.
"""

from __future__ import annotations

import dataclasses
import functools
import json
from typing import Any

import msgspec
import pytest
from textual.widgets import Input, TextArea

from co_tui.api import CodeOceanClient
from co_tui.api.models import DataAsset
from co_tui.emulator import Emulator, EmulatorConfig
from co_tui.modals.edit_metadata import EditMetadataScreen
from co_tui.modals.tags import TagsScreen
from co_tui.operations.metadata import AssetValues
from tests.edit_strings import HOSTILE_SAMPLES
from tests.ui.test_edit_dialogs import RAW, Host, settle

OPS = ["none", "append", "delete"]


@pytest.fixture
def emulator(clock, demo_seed):  # type: ignore[no-untyped-def]
    return Emulator(EmulatorConfig(seed="demo", clock=clock), seed_data=demo_seed)


def expected(text: str, op: str) -> str:
    return {"none": text, "append": text + "zz", "delete": text[:-1]}[op]


async def _store(client: CodeOceanClient, text: str, tags: list[str]) -> DataAsset:
    asset = await client.data_assets.get_data_asset(RAW)
    custom = {**(asset.custom_metadata or {}), "project": text}
    return await client.data_assets.update_metadata(RAW, msgspec.structs.replace(
        AssetValues.of(asset).to_params(), name=text, description=text, tags=tags,
        custom_metadata=custom))


async def _type_at_end(pilot: Any, widget: Input | TextArea, op: str) -> None:
    keys = {"none": [], "append": ["z", "z"], "delete": ["backspace"]}[op]
    widget.focus()
    await pilot.pause()
    if isinstance(widget, TextArea):
        widget.move_cursor(widget.document.end)
    else:
        keys = ["end", *keys]
    await pilot.press(*keys)


def _puts(recorder: Any) -> list[dict[str, Any]]:
    return [json.loads(r.content) for r in recorder.sent("PUT", RAW)]


FIELDS = ("#edit-name", "#edit-description", "#custom-{project}")


@pytest.mark.parametrize("index", range(len(HOSTILE_SAMPLES)))
async def test_edit_dialog_saves_exactly_what_was_typed(client: CodeOceanClient, recorder, index: int) -> None:  # type: ignore[no-untyped-def]
    """Two dialogs per string: one left untouched, one where each field gets an append or a
    backspace (rotated over the strings, so every field sees both edits)."""
    text = HOSTILE_SAMPLES[index]
    schema = await client.custom_metadata.get_custom_metadata()
    project = next(i for i, f in enumerate(schema.fields or []) if f.name == "project")
    for ops in (["none"] * 3, [("append", "delete")[(index + k) % 2] for k in range(3)]):
        asset = await _store(client, text, [text, "ok"])
        before = len(_puts(recorder))
        app = Host(functools.partial(EditMetadataScreen, client, asset, schema))
        async with app.run_test(size=(100, 30)) as pilot:
            await settle(pilot)
            screen = app.screen
            for selector, op in zip(FIELDS, ops, strict=True):
                field = screen.query_one(selector.format(project=project))
                assert isinstance(field, Input | TextArea)
                await _type_at_end(pilot, field, op)
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert app.screen is not screen, str(screen.query_one("#edit-status").render())
        stored = await client.data_assets.get_data_asset(RAW)
        got = (stored.name, stored.description, (stored.custom_metadata or {})["project"])
        assert got == tuple(expected(text, op) for op in ops), (ops, text)
        assert stored.tags == (text, "ok") and stored.mount == asset.mount
        puts = _puts(recorder)[before:]
        if ops[0] == "none":
            assert puts == [], "an untouched form sent a request"
        else:
            assert len(puts) == 1
            assert puts[0]["tags"] == [text, "ok"] and puts[0]["mount"] == asset.mount


@pytest.mark.parametrize("text", [HOSTILE_SAMPLES[i] for i in (0, 4, 5)], ids=range(3))
async def test_tags_dialog_keeps_tags_exactly(client: CodeOceanClient, recorder, text: str) -> None:  # type: ignore[no-untyped-def]
    for op in OPS:
        asset = await _store(client, text, ["ok", text])
        before = len(_puts(recorder))
        app = Host(functools.partial(TagsScreen, client, [asset], ["ok"]))
        async with app.run_test(size=(100, 30)) as pilot:
            await settle(pilot)
            if op == "append":
                await pilot.press(*"zz", "enter")
            elif op == "delete":
                app.screen.query_one("#tags-chips").focus()
                await pilot.press("right", "delete")
            await pilot.press("ctrl+s")
            await settle(pilot)
        stored = await client.data_assets.get_data_asset(RAW)
        want = {"none": ("ok", text), "append": ("ok", text, "zz"), "delete": ("ok",)}[op]
        assert stored.tags == want, (op, text)
        assert (stored.name, stored.description) == (text, text)
        puts = _puts(recorder)[before:]
        assert len(puts) == (0 if op == "none" else 1)
        for put in puts:
            assert (put["name"], put["description"]) == (text, text)


async def test_a_typed_tag_with_joiners_is_kept(client: CodeOceanClient) -> None:
    asset = await _store(client, "plain", ["ok"])
    family = "👨\u200d👩\u200d👧"
    app = Host(lambda: TagsScreen(client, [asset], ["ok"]))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        field = app.screen.query_one("#tags-input", Input)
        field.insert_text_at_cursor(family + " داده\u200cها")  # as a paste would
        await pilot.press("enter", "ctrl+s")
        await settle(pilot)
    stored = await client.data_assets.get_data_asset(RAW)
    assert stored.tags == ("ok", family + " داده\u200cها")


async def test_the_save_names_the_fields_it_changes(client: CodeOceanClient, emulator, recorder) -> None:  # type: ignore[no-untyped-def]
    text = HOSTILE_SAMPLES[1]
    asset = await _store(client, text, [text])
    schema = await client.custom_metadata.get_custom_metadata()
    app = Host(lambda: EditMetadataScreen(client, asset, schema))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, EditMetadataScreen)
        await _type_at_end(pilot, screen.query_one("#edit-description", TextArea), "append")
        await _type_at_end(pilot, screen.query_one("#edit-name", Input), "none")
        emulator.faults.spec = dataclasses.replace(emulator.faults.spec, slow_ms=300)
        emulator.faults.inject("slow", times=1, method="PUT")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "Saving description…" in str(screen.query_one("#edit-status").render())
        await settle(pilot)
        assert app.screen is not screen
    assert screen.saved_fields == ("description",)
    put = _puts(recorder)[-1]
    assert put["description"] == text + "zz"
    assert (put["name"], put["tags"], put["mount"]) == (text, [text], asset.mount)
    assert put["custom_metadata"] == dict(asset.custom_metadata or {})



async def test_placeholders_are_explained_only_when_shown(client: CodeOceanClient) -> None:
    schema = await client.custom_metadata.get_custom_metadata()
    for text, shown in ((HOSTILE_SAMPLES[0], False), (HOSTILE_SAMPLES[4], True)):
        asset = await _store(client, text, ["ok"])
        app = Host(functools.partial(EditMetadataScreen, client, asset, schema))
        async with app.run_test(size=(100, 30)) as pilot:
            await settle(pilot)
            legend = app.screen.query_one("#edit-legend")
            assert legend.has_class("-shown") is shown and legend.display is shown
            if shown:  # deleting every placeholder hides the legend again
                for selector in ("#edit-name", "#edit-description", "#custom-0"):
                    field = app.screen.query_one(selector)
                    assert isinstance(field, Input | TextArea)
                    field.clear()
                await pilot.pause()
                assert not legend.has_class("-shown")
