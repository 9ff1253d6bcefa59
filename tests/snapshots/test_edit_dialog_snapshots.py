"""Snapshots of the edit metadata, tags and confirmation dialogs over a blank host app.

(Named ``..._snapshots`` because ``tests/ui/test_edit_dialogs.py`` already uses the plain name and
the test folders are not packages.)
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from typing import Any

import msgspec
from textual.app import App
from textual.screen import Screen
from textual.widgets import Input, TextArea

from co_tui.api import CodeOceanClient
from co_tui.emulator import Emulator, EmulatorConfig
from co_tui.emulator.seed_model import SeedData
from co_tui.emulator.seeds import load_seed
from co_tui.emulator.seeds.demo_base import PRE_661, RAW_661, SORT_661, asset_id
from co_tui.modals.confirm import ConfirmScreen, ResultsScreen, TypedNameConfirmScreen
from co_tui.modals.edit_metadata import EditMetadataScreen
from co_tui.modals.tags import TagsScreen
from co_tui.operations.bulk import AssetResult, BulkReport, Status
from co_tui.operations.metadata import AssetValues

RAW = asset_id(RAW_661)
VIEW_ONLY = asset_id("MERFISH mouse cortex section 12")
Make = Callable[[CodeOceanClient], Awaitable[Screen[Any]]]


class Host(App[None]):
    """A blank app that opens one dialog, built from the emulator's data in a worker."""

    def __init__(self, client: CodeOceanClient, make: Make) -> None:
        super().__init__()
        self.client = client
        self.make = make

    def on_mount(self) -> None:
        self.run_worker(self._open(), exclusive=True)

    async def _open(self) -> None:
        self.push_screen(await self.make(self.client))


@functools.cache
def _seed() -> SeedData:
    return load_seed("demo")


def _host(clock: Any, make: Make) -> Host:
    emulator = Emulator(EmulatorConfig(seed="demo", clock=clock), seed_data=_seed())
    transport = emulator.transport()
    client = CodeOceanClient(emulator.config.api_origin, emulator.main_token,
                             transport=transport, files_transport=transport)
    return Host(client, make)


async def settle(pilot: Any) -> None:
    """Workers done, screen repainted, no blinking cursor."""
    for _ in range(4):
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
    for widget in pilot.app.screen.query("Input, TextArea"):
        if isinstance(widget, (Input, TextArea)):
            widget.cursor_blink = False
    await pilot.pause()


async def _edit(client: CodeOceanClient) -> Screen[Any]:
    asset = await client.data_assets.get_data_asset(RAW)
    return EditMetadataScreen(client, asset, await client.custom_metadata.get_custom_metadata())


def test_edit_metadata_120x36(snap_compare, clock) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(_host(clock, _edit), terminal_size=(120, 36), run_before=settle)


def test_edit_metadata_80x24(snap_compare, clock) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(_host(clock, _edit), terminal_size=(80, 24), run_before=settle)


def test_edit_metadata_errors_80x24(snap_compare, clock) -> None:  # type: ignore[no-untyped-def]
    async def run_before(pilot: Any) -> None:
        await settle(pilot)
        screen = pilot.app.screen
        screen.query_one("#edit-name", Input).value = ""
        screen.query_one("#edit-mount", Input).value = "../data"
        await pilot.press("ctrl+s")
        await settle(pilot)

    assert snap_compare(_host(clock, _edit), terminal_size=(80, 24), run_before=run_before)


def test_edit_metadata_conflict_120x36(snap_compare, clock) -> None:  # type: ignore[no-untyped-def]
    async def run_before(pilot: Any) -> None:
        await settle(pilot)
        client: CodeOceanClient = pilot.app.client
        screen = pilot.app.screen
        screen.query_one("#edit-name", Input).value = "my new name"
        asset = await client.data_assets.get_data_asset(RAW)
        await client.data_assets.update_metadata(RAW, msgspec.structs.replace(
            AssetValues.of(asset).to_params(), name="their new name",
            description="Edited in the web app while the dialog was open.", tags=["web"]))
        await pilot.press("ctrl+s")
        await settle(pilot)

    assert snap_compare(_host(clock, _edit), terminal_size=(120, 36), run_before=run_before)


async def _tags_one(client: CodeOceanClient) -> Screen[Any]:
    asset = await client.data_assets.get_data_asset(RAW)
    return TagsScreen(client, [asset], ["curated", "ecephys"])


async def _tags_many(client: CodeOceanClient) -> Screen[Any]:
    assets = [await client.data_assets.get_data_asset(asset_id(name))
              for name in (RAW_661, PRE_661, SORT_661)]
    assets.append(await client.data_assets.get_data_asset(VIEW_ONLY))
    return TagsScreen(client, assets, [])


def test_tags_single_120x36(snap_compare, clock) -> None:  # type: ignore[no-untyped-def]
    async def run_before(pilot: Any) -> None:
        await settle(pilot)
        await pilot.press(*"cur", "right", "enter", "shift+tab", "left", "delete")
        await settle(pilot)

    assert snap_compare(_host(clock, _tags_one), terminal_size=(120, 36), run_before=run_before)


def test_tags_backspace_selects_the_last_chip_80x24(snap_compare, clock) -> None:  # type: ignore[no-untyped-def]
    async def run_before(pilot: Any) -> None:
        await settle(pilot)
        await pilot.press(*"new", "enter", "backspace")
        await settle(pilot)

    assert snap_compare(_host(clock, _tags_one), terminal_size=(80, 24), run_before=run_before)


def test_tags_multi_selection_results_120x36(snap_compare, clock) -> None:  # type: ignore[no-untyped-def]
    async def run_before(pilot: Any) -> None:
        await settle(pilot)
        await pilot.press(*"qc", "enter", "ctrl+s")
        await settle(pilot)

    assert snap_compare(_host(clock, _tags_many), terminal_size=(120, 36), run_before=run_before)


async def _archive(client: CodeOceanClient) -> Screen[Any]:
    return ConfirmScreen("Archive 3 data assets?",
                         "They leave My Data and can be restored from the archive bin (A).",
                         "Archive")


async def _delete(client: CodeOceanClient) -> Screen[Any]:
    return TypedNameConfirmScreen([f"old asset {i}" for i in range(11)])


async def _results(client: CodeOceanClient) -> Screen[Any]:
    return ResultsScreen("Archive", BulkReport("archive", (
        AssetResult("1", RAW_661, Status.OK),
        AssetResult("2", PRE_661, Status.OK, reconciled=True),
        AssetResult("3", SORT_661, Status.SKIPPED, "already archived"),
        AssetResult("4", "MERFISH mouse cortex section 12", Status.FAILED,
                    "You do not have permission to change this asset (403): forbidden"),
        AssetResult("5", "bad \x1b[31mname", Status.UNKNOWN, "The server did not answer in time"),
    )))


def test_confirm_120x36(snap_compare, clock) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(_host(clock, _archive), terminal_size=(120, 36), run_before=settle)


def test_typed_delete_120x36(snap_compare, clock) -> None:  # type: ignore[no-untyped-def]
    async def run_before(pilot: Any) -> None:
        await settle(pilot)
        await pilot.press(*"delete 1")
        await settle(pilot)

    assert snap_compare(_host(clock, _delete), terminal_size=(120, 36), run_before=run_before)


def test_results_120x36(snap_compare, clock) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(_host(clock, _results), terminal_size=(120, 36), run_before=settle)
