"""Visual defects a user met at 80x24 and in 16 colours (Pilot): the footer fits the width and
keeps ? Help and q Quit, disabled keys stay dimmed, folder counts are never cut, the overview's
labels share one column, no raw epoch before the schema arrives, state glyphs, and ctrl+l /
ctrl+d / favourites are always findable in the help and the palette."""

from __future__ import annotations

import asyncio
from typing import Any, ClassVar

from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.command import Hit
from textual.screen import Screen
from textual.widgets import Static
from textual.widgets._footer import FooterKey

from co_tui.api.models import CustomMetadata, FolderItem
from co_tui.app import CoTuiApp
from co_tui.commands import ScreenActionsProvider, screen_actions
from co_tui.emulator import Emulator
from co_tui.favourite_note import FAVOURITE_TITLE, FavouriteProvider
from co_tui.modals.copy import CopyScreen
from co_tui.modals.help import HelpScreen
from co_tui.screens.asset_detail import AssetDetailScreen
from co_tui.widgets.asset_table import AssetTable
from co_tui.widgets.file_tree import FileTree
from co_tui.widgets.footer import KeyFooter
from co_tui.widgets.overview import FieldList
from tests.ui.test_asset_detail_helpers import make_app, open_detail, settle

EPOCH = 1679356800  # 2023-03-21, the kilosort asset's session_date


def _footer(app: App[Any]) -> list[FooterKey]:
    return list(app.screen.query_one(KeyFooter).query(FooterKey))


def _labels(app: App[Any]) -> list[str]:
    return [key.description for key in _footer(app)]


def _kilosort(demo_seed: Any) -> str:
    return str(next(a.id for a in demo_seed.assets if a.nextflow_profile == "aws_batch"
                    and (a.custom_metadata or {}).get("session_date") == EPOCH))


# --- the footer ------------------------------------------------------------------------------


async def test_footer_fits_80_columns_and_keeps_help_and_quit(emulator: Emulator) -> None:
    app = make_app(emulator)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        keys = _footer(app)
        assert {"Help", "Quit", "palette"} <= set(_labels(app))
        assert max(key.region.right for key in keys) <= 80
        assert "Archive bin" not in _labels(app)  # the least important key made room
        help_key = next(key for key in keys if key.description == "Help")
        assert help_key.region.width >= len("? Help")  # drawn whole: no "? He"
        await pilot.resize_terminal(120, 36)
        await settle(app, pilot)
        assert "Archive bin" in _labels(app)  # fitted again on a resize
        assert max(key.region.right for key in _footer(app)) <= 120
    assert app._exception is None


async def test_footer_fits_the_detail_files_tab_at_80_columns(
    emulator: Emulator, demo_seed: Any
) -> None:
    app = make_app(emulator)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_detail(app, pilot, _kilosort(demo_seed))
        await pilot.press("2")
        await settle(app, pilot)
        assert {"Help", "Quit", "Back"} <= set(_labels(app))
        assert max(key.region.right for key in _footer(app)) <= 80
    assert app._exception is None


class _Dimmed(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("x", "nothing", "Not now"),
        Binding("z", "something", "Zap"),
    ]

    def compose(self) -> ComposeResult:
        yield Static("body")
        yield KeyFooter()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return None if action == "nothing" else True

    def action_something(self) -> None:
        """Do nothing (a shown, enabled key)."""


class _DimmedApp(App[None]):
    def on_mount(self) -> None:
        self.push_screen(_Dimmed())


async def test_a_disabled_key_stays_in_the_footer_dimmed() -> None:
    app = _DimmedApp()
    async with app.run_test(size=(80, 10)) as pilot:
        await pilot.pause()
        await pilot.pause()
        keys = {key.description: key for key in _footer(app)}
        assert keys["Not now"].has_class("-disabled")
        assert not keys["Zap"].has_class("-disabled")


async def test_log_in_takes_footer_room_only_once_it_applies(emulator: Emulator) -> None:
    app = make_app(emulator)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        assert "Log in" not in _labels(app) and "Downloads" not in _labels(app)
        app.token_rejected = True
        app.screen.refresh_bindings()
        await settle(app, pilot)
        assert "Log in" in _labels(app)
    assert app._exception is None


# --- the file tree ---------------------------------------------------------------------------


class _TreeApp(App[None]):
    def compose(self) -> ComposeResult:
        yield FileTree()


async def test_a_20000_item_folder_count_is_not_cut() -> None:
    app = _TreeApp()
    async with app.run_test(size=(80, 10)) as pilot:
        tree = app.query_one(FileTree)
        tree.set_folder("", [FolderItem(name="tiles", path="tiles", type="folder"),
                             FolderItem(name="a.txt", path="a.txt", type="file", size=2048)])
        tree.set_folder("tiles", [FolderItem(name=f"t{i}", path=f"tiles/t{i}", type="file",
                                             size=1) for i in range(20_000)])
        await pilot.pause()
        first = tree.render_line(0).text
        assert first.rstrip().endswith("20,000 items") and first.startswith("▾ tiles/")
        # the sizes of files line up with the count's right edge
        a_txt = next(i for i in range(tree.row_count) if tree.row_text(i).startswith("  a.txt"))
        y = a_txt - int(tree.scroll_offset.y)
        if 0 <= y < tree.size.height:
            line = tree.render_line(y).text
            assert len(line.rstrip()) == len(first.rstrip())
        assert tree.row_text(0).endswith("20,000 items")


# --- the overview ----------------------------------------------------------------------------


def _value_columns(text: str, labels: tuple[str, ...]) -> set[int]:
    columns = set()
    for line in text.splitlines():
        for label in labels:
            if line.startswith(label + " "):
                columns.add(len(line) - len(line[len(label):].lstrip(" ")))
    return columns


async def test_overview_labels_share_one_column_whatever_their_length(
    emulator: Emulator, demo_seed: Any
) -> None:
    app = make_app(emulator)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_detail(app, pilot, _kilosort(demo_seed))
        text = str(screen.query_one("#overview-fields", FieldList).render())
        assert "Nextflow profile" in text
        assert len(_value_columns(text, ("Name", "State", "Nextflow profile", "Last used"))) == 1
        provenance = str(screen.query_one("#provenance-fields", FieldList).render())
        assert (_value_columns(provenance, ("Capsule", "Commit"))
                == _value_columns(text, ("Name",)))  # the provenance lines up too
    assert app._exception is None


async def test_no_raw_epoch_while_the_schema_loads_nor_when_it_fails(
    emulator: Emulator, demo_seed: Any
) -> None:
    app = make_app(emulator)
    release = asyncio.Event()
    fail = False
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        assert app.client is not None
        real = app.client.custom_metadata.get_custom_metadata

        async def slow() -> CustomMetadata:
            await release.wait()
            if fail:
                from co_tui.api import ApiError

                raise ApiError("injected")
            return await real()

        app.client.custom_metadata.get_custom_metadata = slow  # type: ignore[method-assign]
        screen = AssetDetailScreen(app.client, _kilosort(demo_seed))
        await app.push_screen(screen)
        for _ in range(6):
            await pilot.pause()
        fields = screen.query_one("#overview-fields", FieldList)
        loading = str(fields.render())
        assert "session_date" in loading and str(EPOCH) not in loading
        assert "…" in loading
        release.set()
        await settle(app, pilot)
        loaded = str(fields.render())
        assert str(EPOCH) not in loaded and "2023-03-21" in loaded
        # schema fields first, in the schema's order, before any free key
        schema = await real()
        names = [f.name for f in schema.fields or []]
        shown = [name for name in names if f"{name}:" in loaded]
        positions = [loaded.index(f"{name}:") for name in shown]
        assert positions == sorted(positions) and len(shown) >= 3
        # a failed schema read: a placeholder that says r retries, never the epoch
        fail = True
        release.clear()
        screen._schema = None
        release.set()
        screen._load_schema()
        await settle(app, pilot)
        failed = str(fields.render())
        assert str(EPOCH) not in failed and "r retries" in failed
    assert app._exception is None


async def test_states_show_a_glyph_in_the_list_and_the_detail(
    emulator: Emulator, demo_seed: Any
) -> None:
    app = make_app(emulator)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        table = app.screen.query_one(AssetTable)
        states = {a.state for a in table.assets}
        assert {"draft", "failed"} <= states
        text = "\n".join(table.render_line(y).text for y in range(table.size.height))
        assert "◔ draft" in text and "✗ failed" in text
        failed = next(a for a in table.assets if a.state == "failed")
        screen = await open_detail(app, pilot, failed.id)
        assert "✗ failed" in str(screen.query_one("#detail-title", Static).render())
        assert "✗ failed" in str(screen.query_one("#overview-fields", FieldList).render())
    assert app._exception is None


# --- help and palette: ctrl+l, ctrl+d, favourites --------------------------------------------


async def _hits(app: CoTuiApp, query: str) -> list[Hit]:
    hits = [h async for h in ScreenActionsProvider(app.screen).search(query)
            if isinstance(h, Hit)]
    return hits + [h async for h in FavouriteProvider(app.screen).search(query)
                   if isinstance(h, Hit)]


async def test_log_in_downloads_and_favourites_are_always_findable(
    emulator: Emulator,
) -> None:
    app = make_app(emulator)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        actions = {a.action: a for a in screen_actions(app.screen)}
        for action in ("login", "show_downloads"):
            assert not actions[action].enabled and actions[action].reason
        assert [h.text for h in await _hits(app, "log")] == ["Log in"]
        assert "Downloads" in [h.text for h in await _hits(app, "downloads")]
        assert [h.text for h in await _hits(app, "fav")] == [FAVOURITE_TITLE]
        assert [h.text for h in await _hits(app, "favorite")] == [FAVOURITE_TITLE]
        login = (await _hits(app, "log"))[0]
        assert login.help and "token fails" in login.help
        # choosing a disabled entry says why instead of doing nothing
        login.command()
        await pilot.pause()
        assert any("token fails" in str(n.message) for n in app._notifications)
        # the help lists both keys, dimmed with the reason, and the favourites note
        await pilot.press("question_mark")
        await settle(app, pilot)
        assert isinstance(app.screen, HelpScreen)
        keys = str(app.screen.query_one("#help-keys", Static).render())
        assert "^l" in keys and "Log in" in keys and "^d" in keys and "Downloads" in keys
        note = str(app.screen.query_one("#help-note", Static).render())
        assert "web app" in note and "no call" in note
    assert app._exception is None


async def test_favourite_entry_shows_the_assets_web_address(emulator: Emulator) -> None:
    app = make_app(emulator)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        table = app.screen.query_one(AssetTable)
        assert table.highlighted is not None
        asset_id = table.highlighted.id
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"favourite")
        await pilot.pause(0.4)
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, CopyScreen)
        assert app.screen.text.endswith(f"/data-assets/{asset_id}")
        assert "no call" in app.screen.note
    assert app._exception is None
