"""Two clients, one deployment: the app, and the official ``codeocean`` SDK deleting assets
behind its back, both against the emulator served on loopback.

Whatever meets the 404 first (a detail refresh, an edit's save, opening the share dialog, a file
preview, a detail view opened from the archive bin) makes every open screen agree that the asset
is gone: its row leaves My Data (or the archive bin) and the selection, dialogs and the detail
view on it close, and one message names it.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
from codeocean import CodeOcean
from textual.widgets import Input

from co_tui.api import CodeOceanClient, NotFoundError
from co_tui.api.models import DataAsset, DataAssetSearchParams
from co_tui.app import CoTuiApp
from co_tui.emulator import EmulatorConfig, serve_in_thread
from co_tui.emulator.server import ServedEmulator
from co_tui.launch import build_app
from co_tui.modals.edit_metadata import EditMetadataScreen
from co_tui.screens.archive import ArchiveScreen
from co_tui.screens.asset_detail import AssetDetailScreen
from co_tui.screens.asset_list import AssetListScreen
from co_tui.widgets import files_pane
from co_tui.widgets.asset_table import AssetTable
from tests.ui.ui_helpers import _ids, _settle

GONE = "no longer exists on the server"


@pytest.fixture(scope="module")
def served() -> Iterator[ServedEmulator]:
    with serve_in_thread(EmulatorConfig(seed="demo"), host="127.0.0.1") as handle:
        yield handle


@pytest.fixture(autouse=True)
def _no_preview_delay(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(files_pane, "PREVIEW_DELAY", 0.0)


@pytest.fixture
def other(served: ServedEmulator) -> CodeOcean:
    """The second client: the official SDK, as the same user."""
    return CodeOcean(domain=served.domain, token=served.emulator.main_token,
                     agent_id="co-tui test: another client")


@pytest.fixture
async def app(served: ServedEmulator) -> AsyncIterator[CoTuiApp]:
    """The app on the same served emulator, over real sockets."""
    client = CodeOceanClient(served.domain, served.emulator.main_token)
    yield build_app(client, demo=True)


async def _delete_elsewhere(other: CodeOcean, asset_id: str) -> None:
    await asyncio.to_thread(other.data_assets.archive_data_asset, asset_id, True)
    await asyncio.to_thread(other.data_assets.delete_data_asset, asset_id)


_taken: set[str] = set()


async def _subject(app: CoTuiApp, *, with_files: bool = False) -> DataAsset:
    """A ready asset of the main user, listed in My Data, not used by another test."""
    rows = app.screen.query_one(AssetTable).assets
    assert app.client is not None
    mine = {a.id async for a in app.client.data_assets.search_data_assets_iterator(
        DataAssetSearchParams(ownership="created", archived=False))}
    for asset in rows:
        if (asset.id in mine and asset.state == "ready" and asset.id not in _taken
                and not asset.is_external):
            if with_files:  # a file at the top level, to preview without opening folders
                root = await app.client.data_assets.list_data_asset_files(asset.id)
                if all(item.is_folder for item in root.items or ()):
                    continue
            _taken.add(asset.id)
            return asset
    raise AssertionError("no free subject in the first page")


async def _highlight(app: CoTuiApp, pilot: Any, asset_id: str) -> None:
    table = app.screen.query_one(AssetTable)
    table.focus()
    table._move_to([a.id for a in table.assets].index(asset_id))
    await pilot.pause()
    assert table.highlighted is not None and table.highlighted.id == asset_id


def _messages(app: CoTuiApp) -> list[str]:
    return [str(n.message) for n in app._notifications]


def _said_gone_once(app: CoTuiApp, asset: DataAsset) -> None:
    said = [m for m in _messages(app) if GONE in m]
    assert said == [f"'{asset.name}' {GONE} (deleted elsewhere, or no longer shared with you)"]
    assert not [m for m in _messages(app) if "Not found while" in m]


async def test_detail_refresh_closes_the_view_and_drops_the_row_and_selection(
        app: CoTuiApp, other: CodeOcean) -> None:
    async with app.run_test(size=(140, 36)) as pilot:
        await _settle(app, pilot)
        asset = await _subject(app)
        keep = next(a for a in app.screen.query_one(AssetTable).assets if a.id != asset.id)
        for chosen in (keep, asset):  # both selected (space moves down), then open the subject
            await _highlight(app, pilot, chosen.id)
            await pilot.press("space")
        await _highlight(app, pilot, asset.id)
        await pilot.press("enter")
        await _settle(app, pilot)
        assert isinstance(app.screen, AssetDetailScreen)
        await _delete_elsewhere(other, asset.id)
        await pilot.press("r")
        await _settle(app, pilot)
        assert isinstance(app.screen, AssetListScreen)
        assert asset.id not in _ids(app)
        assert app.screen.query_one(AssetTable).selected == {keep.id}
        _said_gone_once(app, asset)
        assert app._exception is None


async def test_edit_dialog_closes_when_its_save_meets_a_404(app: CoTuiApp, other: CodeOcean) -> None:
    async with app.run_test(size=(140, 36)) as pilot:
        await _settle(app, pilot)
        asset = await _subject(app)
        await _highlight(app, pilot, asset.id)
        await pilot.press("e")
        await _settle(app, pilot)
        assert isinstance(app.screen, EditMetadataScreen)
        app.screen.query_one("#edit-name", Input).value = "renamed here"
        await _delete_elsewhere(other, asset.id)
        await pilot.press("ctrl+s")
        await _settle(app, pilot)
        assert isinstance(app.screen, AssetListScreen) and not isinstance(app.screen,
                                                                          ArchiveScreen)
        assert asset.id not in _ids(app)
        _said_gone_once(app, asset)


async def test_share_on_a_deleted_asset_drops_its_row(app: CoTuiApp, other: CodeOcean) -> None:
    async with app.run_test(size=(140, 36)) as pilot:
        await _settle(app, pilot)
        asset = await _subject(app)
        await _highlight(app, pilot, asset.id)
        await _delete_elsewhere(other, asset.id)
        await pilot.press("p")
        await _settle(app, pilot)
        assert isinstance(app.screen, AssetListScreen)
        assert asset.id not in _ids(app)
        _said_gone_once(app, asset)


async def test_a_file_preview_404_is_checked_against_the_asset(app: CoTuiApp, other: CodeOcean) -> None:
    async with app.run_test(size=(140, 36)) as pilot:
        await _settle(app, pilot)
        asset = await _subject(app, with_files=True)
        await _highlight(app, pilot, asset.id)
        await pilot.press("enter")
        await _settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, AssetDetailScreen)
        await pilot.press("2")
        await _settle(app, pilot)
        tree = screen.files.file_tree
        assert tree.row_count
        await _delete_elsewhere(other, asset.id)
        tree.focus()
        index = next(i for i in range(tree.row_count)
                     if (item := tree.row_item(i)) is not None and not item.is_folder)
        tree._move_to(index)
        for _ in range(50):
            await _settle(app, pilot)
            if not isinstance(app.screen, AssetDetailScreen):
                break
        assert isinstance(app.screen, AssetListScreen)
        assert asset.id not in _ids(app)
        _said_gone_once(app, asset)


async def test_a_404_in_the_archive_bin_removes_it_there(app: CoTuiApp, other: CodeOcean) -> None:
    async with app.run_test(size=(140, 36)) as pilot:
        await _settle(app, pilot)
        asset = await _subject(app)
        await asyncio.to_thread(other.data_assets.archive_data_asset, asset.id, True)
        await pilot.press("A")
        await _settle(app, pilot)
        assert isinstance(app.screen, ArchiveScreen) and asset.id in _ids(app)
        await _highlight(app, pilot, asset.id)
        await pilot.press("enter")
        await _settle(app, pilot)
        assert isinstance(app.screen, AssetDetailScreen)
        await asyncio.to_thread(other.data_assets.delete_data_asset, asset.id)
        await pilot.press("r")
        await _settle(app, pilot)
        assert isinstance(app.screen, ArchiveScreen)
        assert asset.id not in _ids(app)
        _said_gone_once(app, asset)


async def test_a_view_under_another_closes_when_it_comes_back_to_the_top(
        app: CoTuiApp, other: CodeOcean) -> None:
    async with app.run_test(size=(140, 36)) as pilot:
        await _settle(app, pilot)
        asset = await _subject(app)
        neighbour = await _subject(app)
        assert app.client is not None
        await app.push_screen(AssetDetailScreen(app.client, asset))
        await _settle(app, pilot)
        await app.push_screen(AssetDetailScreen(app.client, neighbour))
        await _settle(app, pilot)
        await _delete_elsewhere(other, asset.id)
        with pytest.raises(NotFoundError):  # any request of any worker, e.g. a link's name
            await app.client.data_assets.get_data_asset(asset.id)
        await _settle(app, pilot)
        top = app.screen
        assert isinstance(top, AssetDetailScreen) and top.asset_id == neighbour.id
        assert asset.id not in [a.id for a in app.screen_stack[0].query_one(AssetTable).assets]
        await pilot.press("escape")  # back to the view of the gone asset: it closes too
        await _settle(app, pilot)
        assert isinstance(app.screen, AssetListScreen)
        _said_gone_once(app, asset)


async def test_bulk_archive_names_the_asset_deleted_elsewhere(app: CoTuiApp, other: CodeOcean) -> None:
    from co_tui.modals.confirm import ConfirmScreen

    async with app.run_test(size=(140, 36)) as pilot:
        await _settle(app, pilot)
        chosen = [await _subject(app) for _ in range(3)]
        for asset in chosen:
            await _highlight(app, pilot, asset.id)
            await pilot.press("space")
        await pilot.press("a")
        await _settle(app, pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await _delete_elsewhere(other, chosen[1].id)
        await pilot.press("y")
        await _settle(app, pilot)
        assert isinstance(app.screen, AssetListScreen)
        assert not {a.id for a in chosen} & set(_ids(app))
        assert app.screen.query_one(AssetTable).selected == frozenset()
        said = _messages(app)
        assert f"2 archived; 1 no longer exists: '{chosen[1].name}'" in said
        assert not [m for m in said if "no longer exists on the server" in m]


async def test_tags_dialog_reports_a_gone_asset_and_stays_open(app: CoTuiApp, other: CodeOcean) -> None:
    from co_tui.modals.help import HelpScreen
    from co_tui.modals.tags import TagsScreen

    async with app.run_test(size=(140, 36)) as pilot:
        await _settle(app, pilot)
        chosen = [await _subject(app) for _ in range(2)]
        for asset in chosen:
            await _highlight(app, pilot, asset.id)
            await pilot.press("space")
        await pilot.press("t")
        await _settle(app, pilot)
        dialog = app.screen
        assert isinstance(dialog, TagsScreen)
        await _delete_elsewhere(other, chosen[0].id)
        dialog.query_one("#tags-input", Input).focus()
        await pilot.press(*"followed", "enter", "ctrl+s")
        await _settle(app, pilot)
        assert app.screen is dialog and isinstance(dialog, TagsScreen)
        assert dialog.report is not None
        assert dialog.report.summary() == f"1 updated; 1 no longer exists: '{chosen[0].name}'"
        assert chosen[0].id not in [a.id for a in app.screen_stack[0].query_one(AssetTable).assets]
        await app.push_screen(HelpScreen.for_screen(dialog))  # another dialog over it, closed:
        await _settle(app, pilot)
        app.pop_screen()
        await _settle(app, pilot)
        assert app.screen is dialog  # ... it is still there
        await pilot.press("enter")  # closes once the results are seen
        await _settle(app, pilot)
        assert isinstance(app.screen, AssetListScreen)
        assert not [m for m in _messages(app) if GONE in m]
        assert app._exception is None


async def test_a_download_started_on_a_deleted_asset_drops_its_row(
        served: ServedEmulator, other: CodeOcean, tmp_path: Path) -> None:
    from co_tui.modals.download import DownloadDialog
    from co_tui.session.config import Config, Settings

    client = CodeOceanClient(served.domain, served.emulator.main_token)
    app = build_app(client, demo=True,
                    config=Config(settings=Settings(download_dir=str(tmp_path))))
    async with app.run_test(size=(140, 36)) as pilot:
        await _settle(app, pilot)
        asset = await _subject(app, with_files=True)
        await _highlight(app, pilot, asset.id)
        await pilot.press("D")
        await _settle(app, pilot)
        assert isinstance(app.screen, DownloadDialog)
        await _delete_elsewhere(other, asset.id)
        await pilot.press("enter")
        for _ in range(20):
            await _settle(app, pilot)
            if asset.id not in [a.id for a in app.screen_stack[0].query_one(AssetTable).assets]:
                break
        assert asset.id not in [a.id for a in app.screen_stack[0].query_one(AssetTable).assets]
        assert [m for m in _messages(app) if GONE in m] == [
            f"'{asset.name}' {GONE} (deleted elsewhere, or no longer shared with you)"]
    written = await asyncio.to_thread(lambda: [p for p in tmp_path.rglob("*") if p.is_file()])
    assert not written  # nothing was written
