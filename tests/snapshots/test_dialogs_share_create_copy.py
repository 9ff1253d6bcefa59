"""Snapshots of the share, create and copy dialogs, each pushed by a minimal host app on the
in-process demo emulator (fixed clock, workers awaited, no cursor blink).

(Named apart from tests/ui/test_share_create_copy.py: test modules share one namespace.)
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from textual.app import App
from textual.screen import Screen

from co_tui.api import CodeOceanClient
from co_tui.emulator import Emulator, EmulatorConfig
from co_tui.emulator.seeds.demo_base import asset_id
from tests.snapshots.snapshots_helpers import settle, then

RAW_661 = asset_id("ecephys_661398_2023-03-21_15-47-03 raw")
BEHAVIOR = asset_id("behavior_661398 dynamic foraging")
SPIM_RAW = asset_id("SmartSPIM_695464_2023-10-18_20-52-55 raw")  # external
EXA_RAW = asset_id("exaSPIM_653158_2023-06-01_21-08-12 raw")  # external

Make = Callable[[CodeOceanClient], Awaitable[Screen[Any]]]


class DialogHost(App[None]):
    """Loads what the dialog needs from the emulator, then pushes it."""

    def __init__(self, client: CodeOceanClient, make: Make) -> None:
        super().__init__()
        self.client = client
        self.make = make

    async def on_mount(self) -> None:
        await self.push_screen(await self.make(self.client))

    async def on_unmount(self) -> None:
        await self.client.aclose()


@pytest.fixture
def host(clock, demo_seed):  # type: ignore[no-untyped-def]
    """A factory of DialogHost apps on a fresh demo emulator (from the session's seed records)."""

    def build(make: Make) -> DialogHost:
        emulator = Emulator(EmulatorConfig(seed="demo", clock=clock), seed_data=demo_seed)
        transport = emulator.transport()
        client = CodeOceanClient(emulator.config.api_origin, emulator.main_token,
                                 transport=transport, files_transport=transport)
        return DialogHost(client, make)

    return build


async def share(client: CodeOceanClient) -> Screen[Any]:
    from co_tui.modals.share import ShareScreen

    asset = await client.data_assets.get_data_asset(RAW_661)
    return ShareScreen(client, asset, await client.data_assets.get_permissions(RAW_661))


async def create(client: CodeOceanClient) -> Screen[Any]:
    from co_tui.modals.create_asset import CreateScreen

    # two external assets and an internal one: combine offers the two and says why
    selected = [await client.data_assets.get_data_asset(i) for i in (SPIM_RAW, BEHAVIOR, EXA_RAW)]
    return CreateScreen(client, selected)


async def copy(client: CodeOceanClient) -> Screen[Any]:
    from co_tui.modals.copy import CopyScreen
    from co_tui.operations.clipboard import asset_web_url

    return CopyScreen("asset web URL", asset_web_url(client, RAW_661),
                      reason="Unknown terminal: the OSC 52 copy cannot be confirmed.")


# Add Grace by e-mail, make Alan an owner, open to everyone as discoverable, also share the
# attached assets: every kind of diff.
SHARE_EDITS = ["a", *"grace@example.org", "enter", "shift+tab", "shift+tab", "shift+tab",
               "shift+tab", "up", "up", "right", "tab", "right", "tab", "tab", "tab", "tab",
               "space"]


def test_share_dialog_120x36(snap_compare, host) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(host(share), terminal_size=(120, 36), run_before=then(*SHARE_EDITS))


def test_share_dialog_80x24(snap_compare, host) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(host(share), terminal_size=(80, 24), run_before=then(*SHARE_EDITS))


def test_create_dialog_errors_120x36(snap_compare, host) -> None:  # type: ignore[no-untyped-def]
    async def run_before(pilot: Any) -> None:
        await settle(pilot)
        form = pilot.app.screen
        form.query_one("#create-bucket").value = "Not A Bucket"
        form.query_one("#create-tags").value = "ephys, raw, Ephys"
        await pilot.press("ctrl+s")
        await settle(pilot)

    assert snap_compare(host(create), terminal_size=(120, 36), run_before=run_before)


def test_create_dialog_combined_80x24(snap_compare, host) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(host(create), terminal_size=(80, 24), run_before=then("left", "tab"))


def test_copy_dialog_120x36(snap_compare, host) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(host(copy), terminal_size=(120, 36), run_before=then())


def test_share_completes_an_e_mail_seen_80x24(snap_compare, host) -> None:  # type: ignore[no-untyped-def]
    # alan@ is a viewer of the asset: "a", then "al" shows the rest of his address in grey
    assert snap_compare(host(share), terminal_size=(80, 24), run_before=then("a", *"al"))


class CopyHost(App[None]):
    """Copies an asset ID on a terminal that may drop OSC 52: a toast, no dialog."""

    def on_mount(self) -> None:
        from co_tui.modals.copy import copy_text

        copy_text(self, "asset ID", RAW_661, key="y", env={"TERM": "xterm-256color"})


def test_copy_toast_without_a_dialog_80x24(snap_compare) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(CopyHost(), terminal_size=(80, 24), run_before=then())


def test_create_checkboxes_on_and_off_in_16_colours_80x24(snap_compare, host) -> None:  # type: ignore[no-untyped-def]
    async def run_before(pilot: Any) -> None:
        await settle(pilot)
        pilot.app.screen.query_one("#create-public").value = True  # on, next to one left off
        await settle(pilot)

    app = host(create)
    app.theme = "ansi-dark"  # on and off must differ by shape, not only by colour
    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)
