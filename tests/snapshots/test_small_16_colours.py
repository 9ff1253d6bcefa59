"""Every main screen and dialog at 80x24 in 16 colours (Textual's ``ansi-dark`` theme, the
terminal's own 16 colours): the footer fits with ? Help and q Quit whole, states differ by glyph,
the 20,000-item count is whole, the overview's labels line up, dialogs fit.

Review the SVGs in tests/snapshots/__snapshots__/test_small_16_colours/ when they change.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable
from typing import Any

from co_tui.app import CoTuiApp
from co_tui.emulator.seeds.demo_base import STITCHED_695, asset_id
from tests.snapshots.snapshots_helpers import settle, then

SIZE = (80, 24)
KILOSORT = ["slash", *"spike sorting kilosort4 ecephys_661398", "enter"]
"""My Data with the kilosort result (a nextflow profile, a session date) highlighted."""


def in_16_colours(app: CoTuiApp) -> CoTuiApp:
    """``app`` drawn with the terminal's 16 ANSI colours (as a 16-colour terminal shows it)."""
    app.settings = dataclasses.replace(app.settings, theme="ansi-dark")
    return app


def open_asset(name: str, *keys: str) -> Callable[[Any], Awaitable[None]]:
    """A run_before that opens the detail of the demo asset ``name``, then presses ``keys``."""

    async def run_before(pilot: Any) -> None:
        from co_tui.screens.asset_detail import AssetDetailScreen

        await settle(pilot)
        await pilot.app.push_screen(AssetDetailScreen(pilot.app.client, asset_id(name)))
        await then(*keys)(pilot)

    return run_before


def test_my_data_80x24_16_colours(snap_compare, demo_app) -> None:  # type: ignore[no-untyped-def]
    # a draft and a failed asset on screen: told apart by their glyphs
    assert snap_compare(in_16_colours(demo_app()), terminal_size=SIZE, run_before=then("j"))


def test_detail_overview_80x24_16_colours(snap_compare, demo_app) -> None:  # type: ignore[no-untyped-def]
    keys = [*KILOSORT, "enter", *["down"] * 8]  # down to Nextflow profile and custom metadata
    assert snap_compare(in_16_colours(demo_app()), terminal_size=SIZE, run_before=then(*keys))


def test_detail_files_tiles_80x24_16_colours(snap_compare, demo_app) -> None:  # type: ignore[no-untyped-def]
    async def run_before(pilot: Any) -> None:
        await open_asset(STITCHED_695, "2")(pilot)
        tree = pilot.app.screen.files.file_tree
        row = next(i for i in range(tree.row_count) if tree.row_text(i).startswith("▸ tiles/"))
        tree._move_to(row)
        await then("enter", "up", "down")(pilot)

    assert snap_compare(in_16_colours(demo_app()), terminal_size=SIZE, run_before=run_before)


def test_help_80x24_16_colours(snap_compare, demo_app) -> None:  # type: ignore[no-untyped-def]
    keys = ["question_mark", "G"]  # the end: ctrl+l / ctrl+d disabled, the favourites note
    assert snap_compare(in_16_colours(demo_app()), terminal_size=SIZE, run_before=then(*keys))


def test_palette_favourite_80x24_16_colours(snap_compare, demo_app) -> None:  # type: ignore[no-untyped-def]
    async def run_before(pilot: Any) -> None:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.press(*"fav")
        await pilot.pause(0.5)
        await settle(pilot)

    assert snap_compare(in_16_colours(demo_app()), terminal_size=SIZE, run_before=run_before)


def test_palette_log_in_disabled_80x24_16_colours(snap_compare, demo_app) -> None:  # type: ignore[no-untyped-def]
    async def run_before(pilot: Any) -> None:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.press(*"log in")
        await pilot.pause(0.5)
        await settle(pilot)

    assert snap_compare(in_16_colours(demo_app()), terminal_size=SIZE, run_before=run_before)


def test_edit_dialog_80x24_16_colours(snap_compare, demo_app) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(in_16_colours(demo_app()), terminal_size=SIZE,
                        run_before=then(*KILOSORT, "e"))


def test_tags_dialog_80x24_16_colours(snap_compare, demo_app) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(in_16_colours(demo_app()), terminal_size=SIZE,
                        run_before=then(*KILOSORT, "t"))


def test_share_dialog_80x24_16_colours(snap_compare, demo_app) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(in_16_colours(demo_app()), terminal_size=SIZE,
                        run_before=then(*KILOSORT, "p"))


def test_create_dialog_80x24_16_colours(snap_compare, demo_app) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(in_16_colours(demo_app()), terminal_size=SIZE, run_before=then("c"))


def test_download_dialog_80x24_16_colours(snap_compare) -> None:  # type: ignore[no-untyped-def]
    # a fixed destination and free space (the download dialog snapshots' host)
    from co_tui.transfer import TargetKind
    from tests.snapshots.test_download_dialogs import _dialog

    host = _dialog(TargetKind.ASSET, "", 3 * 2**30, 42)
    host.theme = "ansi-dark"
    assert snap_compare(host, terminal_size=SIZE, run_before=settle)


def test_filters_dialog_80x24_16_colours(snap_compare, demo_app) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(in_16_colours(demo_app()), terminal_size=SIZE, run_before=then("f"))


def test_archive_confirmation_80x24_16_colours(snap_compare, demo_app) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(in_16_colours(demo_app()), terminal_size=SIZE,
                        run_before=then(*KILOSORT, "a"))


def test_archive_bin_80x24_16_colours(snap_compare, demo_app) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(in_16_colours(demo_app()), terminal_size=SIZE, run_before=then("A"))


def test_first_run_login_80x24_16_colours(snap_compare) -> None:  # type: ignore[no-untyped-def]
    from co_tui.launch import build_app
    from co_tui.session.login_target import LoginSetup

    app = build_app(None, login=LoginSetup(domain="https://codeocean.example.org", save=False))
    assert snap_compare(in_16_colours(app), terminal_size=SIZE, run_before=settle)
