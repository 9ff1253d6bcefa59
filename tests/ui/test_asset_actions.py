"""Acting on assets from My Data, the archive bin and the detail view (AssetActionsScreen)."""

from __future__ import annotations

import pytest
from textual.widgets import Input

from co_tui.api import CodeOceanClient, NotFoundError, PermissionDeniedError
from co_tui.api.models import DataAsset, DataAssetSearchParams, FolderItem
from co_tui.app import CoTuiApp
from co_tui.commands import screen_actions
from co_tui.emulator import Emulator
from co_tui.modals.confirm import ConfirmScreen, TypedNameConfirmScreen
from co_tui.modals.copy import CopyScreen
from co_tui.modals.edit_metadata import EditMetadataScreen
from co_tui.modals.help import HelpScreen
from co_tui.screens.archive import ArchiveScreen
from co_tui.screens.asset_detail import AssetDetailScreen
from co_tui.screens.asset_list import AssetListScreen
from co_tui.widgets.asset_table import AssetTable
from tests.ui.ui_helpers import _app, _ids, _settle


async def _mine(client: CodeOceanClient) -> list[DataAsset]:
    params = DataAssetSearchParams(ownership="created", archived=False, sort_field="created",
                                   sort_order="desc")
    return [a async for a in client.data_assets.search_data_assets_iterator(params)
            if a.state == "ready"]


async def _highlight(app: CoTuiApp, pilot, asset_id: str) -> None:  # type: ignore[no-untyped-def]
    table = app.screen.query_one(AssetTable)
    index = [a.id for a in table.assets].index(asset_id)
    table.focus()
    await pilot.press("g", *["j"] * index)
    await pilot.pause()
    assert table.highlighted is not None and table.highlighted.id == asset_id


async def _first_file(app: CoTuiApp, pilot, screen: AssetDetailScreen) -> FolderItem:  # type: ignore[no-untyped-def]
    """Move the Files tab's cursor down to the first file, opening folders on the way."""
    tree = screen.files.file_tree
    for _ in range(40):
        item = tree.highlighted
        if item is not None and not item.is_folder:
            break
        await pilot.press("enter", "j")
        await _settle(app, pilot)
    item = tree.highlighted
    assert item is not None and not item.is_folder
    return item


async def _archived(client: CodeOceanClient, asset_id: str) -> bool:
    params = DataAssetSearchParams(archived=True)
    return asset_id in {a.id async for a in client.data_assets.search_data_assets_iterator(params)}


async def test_archive_restore_and_delete_round_trip(emulator: Emulator,
                                                     client: CodeOceanClient) -> None:
    target = (await _mine(client))[0]
    app = _app(emulator)
    async with app.run_test(size=(120, 36)) as pilot:
        await _settle(app, pilot)
        await _highlight(app, pilot, target.id)
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await _settle(app, pilot)
        assert isinstance(app.screen, AssetListScreen)
        assert target.id not in _ids(app)
        assert await _archived(client, target.id)
        # the archive bin has it; restoring sends it back to My Data, which reloads
        await pilot.press("A")
        await _settle(app, pilot)
        assert isinstance(app.screen, ArchiveScreen) and target.id in _ids(app)
        assert app.screen.check_action("archive", ()) is False  # no archiving in the bin
        await _highlight(app, pilot, target.id)
        await pilot.press("u")
        await pilot.pause()
        await pilot.press("y")
        await _settle(app, pilot)
        assert target.id not in _ids(app)
        await pilot.press("escape")
        await _settle(app, pilot)
        assert isinstance(app.screen, AssetListScreen) and target.id in _ids(app)
        assert not await _archived(client, target.id)
        # archive again, then delete it for good from the bin (typed-name confirmation)
        await _highlight(app, pilot, target.id)
        await pilot.press("a")
        await pilot.pause()
        await pilot.press("y")
        await _settle(app, pilot)
        await pilot.press("A")
        await _settle(app, pilot)
        await _highlight(app, pilot, target.id)
        await pilot.press("D")
        await pilot.pause()
        assert isinstance(app.screen, TypedNameConfirmScreen)
        await pilot.press("enter")  # nothing typed: nothing happens
        await pilot.pause()
        assert isinstance(app.screen, TypedNameConfirmScreen)
        app.screen.query_one(Input).value = target.name
        await pilot.pause()
        await pilot.press("enter")
        await _settle(app, pilot)
        assert isinstance(app.screen, ArchiveScreen) and target.id not in _ids(app)
    with pytest.raises(NotFoundError):
        await client.data_assets.get_data_asset(target.id)


async def test_bulk_archive_of_a_selection(emulator: Emulator, client: CodeOceanClient) -> None:
    targets = (await _mine(client))[:3]
    app = _app(emulator)
    async with app.run_test(size=(120, 36)) as pilot:
        await _settle(app, pilot)
        for asset in targets:
            await _highlight(app, pilot, asset.id)
            await pilot.press("space")
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await _settle(app, pilot)
        assert not {a.id for a in targets} & set(_ids(app))
        assert not app.screen.query_one(AssetTable).selected
    for asset in targets:
        assert await _archived(client, asset.id)


async def test_edit_from_the_list_updates_the_row(emulator: Emulator,
                                                  client: CodeOceanClient) -> None:
    target = (await _mine(client))[0]
    app = _app(emulator)
    async with app.run_test(size=(120, 36)) as pilot:
        await _settle(app, pilot)
        await _highlight(app, pilot, target.id)
        await pilot.press("e")
        await _settle(app, pilot)
        assert isinstance(app.screen, EditMetadataScreen)
        name = app.screen.query_one("#edit-name", Input)
        name.value = "renamed from the list"
        await pilot.press("ctrl+s")
        await _settle(app, pilot)
        assert isinstance(app.screen, AssetListScreen)
        row = next(a for a in app.screen.query_one(AssetTable).assets if a.id == target.id)
        assert row.name == "renamed from the list"
        said = [str(note.message) for note in app._notifications]
        assert "Saved name of renamed from the list" in said  # says which fields it changed
    assert (await client.data_assets.get_data_asset(target.id)).name == "renamed from the list"


async def test_viewer_actions_are_disabled_with_the_reason(emulator: Emulator,
                                                           client: CodeOceanClient) -> None:
    """Once the detail view has read the permissions of an asset shared with the user as a
    viewer, edit / share / archive are disabled there and in My Data, and the help says why."""
    shared = [a async for a in client.data_assets.search_data_assets_iterator(
        DataAssetSearchParams(ownership="shared", archived=False))]
    viewer = None
    me = emulator.store.user_by_token(emulator.main_token)
    assert me is not None
    for asset in shared:
        try:
            permissions = await client.data_assets.get_permissions(asset.id)
        except PermissionDeniedError:
            continue  # only discoverable
        if any(u.email == me.email and u.role == "viewer" for u in permissions.users or ()):
            viewer = asset
            break
    assert viewer is not None
    app = _app(emulator)
    async with app.run_test(size=(120, 36)) as pilot:
        await _settle(app, pilot)
        await _highlight(app, pilot, viewer.id)
        assert app.screen.check_action("edit", ()) is True  # not known yet: offered
        await pilot.press("enter")
        await _settle(app, pilot)
        assert isinstance(app.screen, AssetDetailScreen)
        await pilot.press("3")  # the Sharing tab reads the permissions
        await _settle(app, pilot)
        for action in ("edit", "share", "archive", "tags"):
            assert app.screen.check_action(action, ()) is None, action
        assert app.screen.check_action("copy_id", ()) is True
        await pilot.press("p")
        await _settle(app, pilot)
        assert isinstance(app.screen, AssetDetailScreen)  # not offered, so no dialog
        reasons = {a.action: a.reason for a in screen_actions(app.screen) if not a.enabled}
        assert reasons["share"] and "viewer" in reasons["share"]
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        assert "You are a viewer of this asset" in str(app.screen.query_one("#help-keys").render())
        await pilot.press("escape", "escape")
        await _settle(app, pilot)
        assert isinstance(app.screen, AssetListScreen)
        assert app.screen.check_action("edit", ()) is None


async def test_copy_id_and_web_url(emulator: Emulator, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CO_TUI_CLIPBOARD", "osc52")
    app = _app(emulator)
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await _settle(app, pilot)
        first = app.screen.query_one(AssetTable).highlighted
        assert first is not None
        await pilot.press("y")
        await pilot.pause()
        assert app.clipboard == first.id
        assert not isinstance(app.screen, CopyScreen)  # no dialog after an OSC 52 copy
        assert "Press y again to show it to select" in str(list(app._notifications)[-1].message)
        await pilot.press("y")  # again: now shown, to select
        await _settle(app, pilot)
        assert isinstance(app.screen, CopyScreen) and app.clipboard == first.id
        await pilot.press("escape")
        await _settle(app, pilot)
        await pilot.press("Y")
        await pilot.pause()
        assert app.clipboard == f"{emulator.config.api_origin}/data-assets/{first.id}"
        assert emulator.main_token not in app.clipboard


async def test_attach_and_detach_inside_a_capsule(emulator: Emulator, client: CodeOceanClient,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    from co_tui.api.models import CapsuleSearchParams
    from co_tui.operations.attach import is_attached_to, refresh_attached

    capsule = (await client.capsules.search_capsules(CapsuleSearchParams(limit=1))).results[0]
    target = (await _mine(client))[0]
    app = _app(emulator)
    async with app.run_test(size=(120, 36)) as pilot:
        await _settle(app, pilot)
        assert app.screen.check_action("attach", ()) is False  # not in a capsule: hidden
        monkeypatch.setenv("CO_CAPSULE_ID", capsule.id)
        await _highlight(app, pilot, target.id)
        await pilot.press("plus")
        await _settle(app, pilot)
        assert is_attached_to(await refresh_attached(client, target.id), capsule.id)
        await pilot.press("minus")
        await _settle(app, pilot)
        assert not is_attached_to(await refresh_attached(client, target.id), capsule.id)


async def test_copy_a_files_link_from_the_detail_view(emulator: Emulator, client: CodeOceanClient,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CO_TUI_CLIPBOARD", "osc52")
    target = next(a for a in await _mine(client) if (a.files or 0) > 0)
    app = _app(emulator)
    async with app.run_test(size=(120, 36)) as pilot:
        await _settle(app, pilot)
        await _highlight(app, pilot, target.id)
        await pilot.press("enter")
        await _settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, AssetDetailScreen)
        assert screen.files.check_action("copy_link", ()) is False  # only on the Files tab
        await pilot.press("2")
        await _settle(app, pilot)
        await _first_file(app, pilot, screen)
        await pilot.press("l")
        await _settle(app, pilot)
        assert app.clipboard.startswith(emulator.config.files_origin)
        assert emulator.main_token not in app.clipboard


async def test_share_opens_with_the_permissions_and_leaves_no_worker_waiting(
        emulator: Emulator, client: CodeOceanClient) -> None:
    from co_tui.modals.share import ShareScreen

    target = (await _mine(client))[0]
    app = _app(emulator)
    async with app.run_test(size=(120, 36)) as pilot:
        await _settle(app, pilot)
        await _highlight(app, pilot, target.id)
        await pilot.press("p")
        await _settle(app, pilot)  # would hang if a worker waited on the dialog
        assert isinstance(app.screen, ShareScreen)
        assert app.screen.asset.id == target.id
        await pilot.press("escape")
        await _settle(app, pilot)
        assert isinstance(app.screen, AssetListScreen)


async def test_download_a_file_from_the_detail_view_and_an_asset_from_the_list(  # type: ignore[no-untyped-def]
        emulator: Emulator, client: CodeOceanClient, tmp_path) -> None:
    from co_tui.modals.download import DownloadDialog
    from co_tui.modals.downloads import DownloadsScreen

    target = min((a for a in await _mine(client) if (a.files or 0) > 0),
                 key=lambda a: a.size or 0)
    app = _app(emulator)
    async with app.run_test(size=(120, 36)) as pilot:
        await _settle(app, pilot)
        assert app.check_action("show_downloads", ()) is None  # nothing queued yet: disabled
        await _highlight(app, pilot, target.id)
        await pilot.press("enter")
        await _settle(app, pilot)
        await pilot.press("2")
        await _settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, AssetDetailScreen)
        item = await _first_file(app, pilot, screen)
        await pilot.press("d")
        await _settle(app, pilot)
        assert isinstance(app.screen, DownloadDialog)
        app.screen.query_one("#download-dest", Input).value = str(tmp_path / "one")
        (tmp_path / "one").mkdir()
        await pilot.press("enter")
        await _settle(app, pilot)
        assert isinstance(app.screen, DownloadsScreen)
        engine = app.downloads
        assert engine is not None
        await engine.wait_idle()
        got = [p for p in (tmp_path / "one").rglob("*") if p.is_file()]
        assert [p.name for p in got] == [item.name] and got[0].stat().st_size == item.size
        await pilot.press("escape")  # hide the queue, back to the asset
        await _settle(app, pilot)
        assert isinstance(app.screen, AssetDetailScreen)
        # D on the list: the whole asset, every file with its size
        await pilot.press("escape")
        await _settle(app, pilot)
        assert isinstance(app.screen, AssetListScreen)
        await pilot.press("D")
        await _settle(app, pilot)
        assert isinstance(app.screen, DownloadDialog)
        (tmp_path / "all").mkdir()
        app.screen.query_one("#download-dest", Input).value = str(tmp_path / "all")
        await pilot.press("enter")
        await _settle(app, pilot)
        await engine.wait_idle()
        files = [p for p in (tmp_path / "all").rglob("*") if p.is_file()]
        assert len(files) == target.files
        assert sum(p.stat().st_size for p in files) == target.size
        assert not [p for p in (tmp_path / "all").rglob("*.part")]
