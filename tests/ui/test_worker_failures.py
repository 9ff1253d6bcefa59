"""Any failure of a worker reaches the user, against the in-process emulator.

A real server cannot produce a Python bug on demand, so each test makes one client method of the
app's own client raise a ``RuntimeError`` whose text holds markup, escape sequences and the
token. Every kind of worker (My Data's first and next pages, the detail view's asset and
permissions, a folder listing, a preview, archive, the edit dialog's save, create) must then
show the message, sanitised and redacted and saying it was unexpected, clear its loading state,
keep the app working, and recover once the fault is gone and the retry key is pressed (Pilot).
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.content import Content
from textual.widgets import Input, Static

from co_tui.api.models import DataAsset
from co_tui.app import CoTuiApp
from co_tui.debug_log import LOG_NAME, start_debug_log
from co_tui.emulator import Emulator, EmulatorConfig
from co_tui.launch import build_app
from co_tui.modals.create_asset import CreateScreen
from co_tui.modals.edit_metadata import EditMetadataScreen
from co_tui.preview import PreviewKind
from co_tui.screens.asset_detail import AssetDetailScreen
from co_tui.screens.asset_list import AssetListScreen
from co_tui.session.config import Config, Settings
from co_tui.widgets import files_pane
from co_tui.widgets.asset_table import AssetTable
from co_tui.widgets.overview import FieldList
from tests.ui.test_asset_detail_helpers import (
    find_row,
    make_app,
    open_detail,
    open_files,
    preview_text,
    settle,
    tree_rows,
)
from tests.ui.ui_helpers import _app, _settle, _status

HOSTILE = "boom [red]x[/] [@click=app.quit]q[/] \x1b[31mred\x1b[0m"
"""Markup, an action link and an escape sequence: all must reach the screen inert."""

UNIT_QC = "unit QC ecephys_661398 (result)"


@pytest.fixture(autouse=True)
def _no_preview_delay(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(files_pane, "PREVIEW_DELAY", 0.0)


def _id(demo_seed: Any, name: str) -> str:
    return str(next(a.id for a in demo_seed.assets if a.name == name))


def break_method(owner: object, name: str, token: str) -> None:
    """Make ``owner.name`` (a method of a client resource, or of the download engine) raise a
    bug-like exception."""

    def broken_now(*args: object, **kwargs: object) -> None:
        raise RuntimeError(f"{HOSTILE} token={token}")

    async def broken(*args: object, **kwargs: object) -> None:
        broken_now()

    is_async = inspect.iscoroutinefunction(getattr(owner, name))
    setattr(owner, name, broken if is_async else broken_now)


def mend(owner: object, name: str) -> None:
    """Remove the fault: the class's method is used again."""
    delattr(owner, name)


def unexpected_toasts(app: CoTuiApp, action: str, token: str) -> list[str]:
    """The toasts saying ``action`` failed unexpectedly, after checking each is inert text."""
    found: list[str] = []
    for note in app._notifications:
        message = note.message
        text = message.plain if isinstance(message, Content) else str(message)
        if f"{action} failed unexpectedly: runtimeerror" not in text.lower():
            continue
        assert isinstance(message, Content), "a str toast would be parsed as markup"
        assert "[red]x[/]" in text and "[@click=app.quit]q[/]" in text  # shown, not applied
        assert "\x1b" not in text and "\\x1b[31m" in text  # the escape shown as text
        assert token not in text and "[REDACTED]" in text
        found.append(text)
    return found


def clear_toasts(app: CoTuiApp) -> None:
    app.clear_notifications()


# --- My Data ------------------------------------------------------------------------------------

async def test_first_page_failure_shows_the_bug_clears_loading_and_r_recovers(
    emulator: Emulator,
) -> None:
    app = _app(emulator)
    assert app.client is not None
    resource = app.client.data_assets
    break_method(resource, "search_data_assets", emulator.main_token)
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await _settle(app, pilot)
        assert isinstance(app.screen, AssetListScreen)
        status = _status(app)
        assert "loading" not in status.replace("loading assets failed", "")
        assert "loading assets failed, press r to retry" in status
        toasts = unexpected_toasts(app, "loading assets", emulator.main_token)
        assert toasts and toasts[0].startswith("Loading assets failed unexpectedly")
        assert toasts[0].endswith("Press r to try again.")
        mend(resource, "search_data_assets")
        await pilot.press("r")
        await _settle(app, pilot)
        assert "all" in _status(app) and "failed" not in _status(app)
        assert len(app.screen.query_one(AssetTable).assets) > 40
    assert app._exception is None


async def test_next_page_failure_keeps_the_rows_and_r_recovers(clock: Any) -> None:
    emulator = Emulator(EmulatorConfig(seed="scale:250:1", clock=clock))
    app = _app(emulator, Config(settings=Settings(page_size=100)))
    assert app.client is not None
    resource = app.client.data_assets
    first_page = resource.search_data_assets
    broken: list[object] = []

    async def fails_after_the_first_page(params: Any) -> Any:
        if params.limit == 100 and not params.next_token:
            return await first_page(params)  # the first page loads
        if not broken:  # the page paged in behind it meets a bug
            broken.append(params)
            break_method(resource, "search_data_assets", emulator.main_token)
        return await resource.search_data_assets(params)

    resource.search_data_assets = fails_after_the_first_page  # type: ignore[method-assign, assignment]
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await _settle(app, pilot)
        table = app.screen.query_one(AssetTable)
        assert broken and len(table.assets) == 100  # the rows stay
        assert "loading more assets failed, press r to retry" in _status(app)
        assert unexpected_toasts(app, "loading more assets", emulator.main_token)
        await pilot.press("G")  # near the end: paging does not restart by itself after a failure
        await _settle(app, pilot)
        assert len(table.assets) == 100
        mend(resource, "search_data_assets")
        await pilot.press("r")
        await _settle(app, pilot)
        assert len(table.assets) > 100 and "failed" not in _status(app)
    assert app._exception is None


# --- the detail view ----------------------------------------------------------------------------

async def test_detail_load_failure_says_so_and_r_recovers(
    emulator: Emulator, demo_seed: Any
) -> None:
    app = make_app(emulator)
    assert app.client is not None
    resource = app.client.data_assets
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await settle(app, pilot)
        break_method(resource, "get_data_asset", emulator.main_token)
        screen = await open_detail(app, pilot, _id(demo_seed, UNIT_QC))
        overview = str(screen.query_one("#overview-fields", FieldList).render())
        assert "loading…" not in overview
        assert "Could not load this data asset: press r to retry." in overview
        assert unexpected_toasts(app, "loading the data asset", emulator.main_token)
        mend(resource, "get_data_asset")
        await pilot.press("r")
        await settle(app, pilot)
        assert app.screen is screen
        assert UNIT_QC in str(screen.query_one("#overview-fields", FieldList).render())
    assert app._exception is None


async def test_permissions_failure_says_so_and_r_recovers(
    emulator: Emulator, demo_seed: Any
) -> None:
    app = make_app(emulator)
    assert app.client is not None
    resource = app.client.data_assets
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        screen = await open_detail(app, pilot, _id(demo_seed, UNIT_QC))
        break_method(resource, "get_permissions", emulator.main_token)
        await pilot.press("3")
        await settle(app, pilot)
        sharing = str(screen.query_one("#sharing-text", Static).render())
        assert "Could not load sharing: press r to retry." in sharing
        assert unexpected_toasts(app, "loading sharing", emulator.main_token)
        mend(resource, "get_permissions")
        await pilot.press("r")
        await settle(app, pilot)
        sharing = str(screen.query_one("#sharing-text", Static).render())
        assert "Could not load" not in sharing and "@" in sharing  # the users are listed
    assert app._exception is None


async def test_folder_listing_failure_offers_retry_and_r_recovers(
    emulator: Emulator, demo_seed: Any
) -> None:
    app = make_app(emulator)
    assert app.client is not None
    resource = app.client.data_assets
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        screen = await open_detail(app, pilot, _id(demo_seed, UNIT_QC))
        break_method(resource, "list_data_asset_files", emulator.main_token)
        pane = await open_files(app, pilot, screen)
        tree = pane.file_tree
        assert tree.folder_state("") == "error"
        assert "enter to retry" in tree_rows(tree)[0]
        assert "could not list the files" in str(pane.query_one("#files-status").render())
        assert unexpected_toasts(app, "listing a folder", emulator.main_token)
        mend(resource, "list_data_asset_files")
        await pilot.press("r")
        await settle(app, pilot)
        assert tree.folder_state("") == "loaded"
        assert "entries at the top" in str(pane.query_one("#files-status").render())
    assert app._exception is None


async def test_preview_failure_shows_in_the_pane_and_recovers(
    emulator: Emulator, demo_seed: Any
) -> None:
    app = make_app(emulator)
    assert app.client is not None
    resource = app.client.data_assets
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        screen = await open_detail(app, pilot, _id(demo_seed, UNIT_QC))
        pane = await open_files(app, pilot, screen)
        tree = pane.file_tree
        break_method(resource, "get_data_asset_file_urls", emulator.main_token)
        tree.focus()
        tree._move_to(find_row(tree, "README.md"))
        await settle(app, pilot)
        shown = pane.shown_preview
        assert shown is not None and shown.kind == PreviewKind.ERROR
        assert "could not read the file" in preview_text(pane.preview)
        assert "loading…" not in preview_text(pane.preview)
        assert unexpected_toasts(app, "previewing the file", emulator.main_token)
        mend(resource, "get_data_asset_file_urls")
        await pilot.press("r")
        await settle(app, pilot)
        tree.focus()
        tree._move_to(find_row(tree, "README.md"))
        await settle(app, pilot)
        shown = pane.shown_preview
        assert shown is not None and shown.kind != PreviewKind.ERROR
        assert shown.name == "README.md"
    assert app._exception is None


# --- actions ------------------------------------------------------------------------------------

async def _highlight(app: CoTuiApp, pilot: Any, name: str) -> DataAsset:
    """Search My Data for ``name`` and leave the cursor on it."""
    await pilot.press("slash", *name, "enter")
    await _settle(app, pilot)
    table = app.screen.query_one(AssetTable)
    assert table.highlighted is not None and table.highlighted.name == name
    return table.highlighted


async def test_archive_failure_is_reported_and_the_list_keeps_working(
    emulator: Emulator,
) -> None:
    app = _app(emulator)
    assert app.client is not None
    resource = app.client.data_assets
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await _settle(app, pilot)
        asset = await _highlight(app, pilot, UNIT_QC)
        break_method(resource, "archive_data_asset", emulator.main_token)
        await pilot.press("a")
        await _settle(app, pilot)
        await pilot.press("enter")  # confirm
        await _settle(app, pilot)
        assert isinstance(app.screen, AssetListScreen)
        assert unexpected_toasts(app, "changing the assets", emulator.main_token)
        table = app.screen.query_one(AssetTable)
        assert asset.id in [a.id for a in table.assets]
        mend(resource, "archive_data_asset")
        await pilot.press("a")
        await _settle(app, pilot)
        await pilot.press("enter")
        await _settle(app, pilot)
        assert asset.id not in [a.id for a in table.assets]
    assert app._exception is None


async def test_edit_save_failure_keeps_the_dialog_and_input(emulator: Emulator) -> None:
    app = _app(emulator)
    assert app.client is not None
    resource = app.client.data_assets
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await _settle(app, pilot)
        asset = await _highlight(app, pilot, UNIT_QC)
        await pilot.press("e")
        await _settle(app, pilot)
        dialog = app.screen
        assert isinstance(dialog, EditMetadataScreen)
        dialog.query_one("#edit-name", Input).value = "unit QC renamed"
        break_method(resource, "update_metadata", emulator.main_token)
        await pilot.press("ctrl+s")
        await _settle(app, pilot)
        assert not dialog.saving
        assert app.screen is dialog
        status = str(dialog.query_one("#edit-status", Static).render())
        assert "Saving the metadata failed unexpectedly: RuntimeError" in status
        assert "[red]x[/]" in status and "\x1b" not in status
        assert emulator.main_token not in status and "Your edits are kept" in status
        assert dialog.query_one("#edit-name", Input).value == "unit QC renamed"
        mend(resource, "update_metadata")
        await pilot.press("ctrl+s")
        await _settle(app, pilot)
        assert isinstance(app.screen, AssetListScreen)
        saved = await app.client.data_assets.get_data_asset(asset.id)
        assert saved.name == "unit QC renamed"
    assert app._exception is None


async def test_create_failure_keeps_the_form_and_warns_it_may_exist(emulator: Emulator) -> None:
    app = _app(emulator)
    assert app.client is not None
    resource = app.client.data_assets
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await _settle(app, pilot)
        await pilot.press("c")
        await _settle(app, pilot)
        dialog = app.screen
        assert isinstance(dialog, CreateScreen)
        dialog.query_one("#create-bucket", Input).value = "s3://demo-public-bucket/examples"
        dialog.query_one("#create-name", Input).value = "iris examples"
        dialog.query_one("#create-mount", Input).value = "iris_examples"
        dialog.query_one("#create-custom-0", Input).value = "Iris atlas"  # the demo's required field
        break_method(resource, "create_data_asset", emulator.main_token)
        await pilot.press("ctrl+s")
        await _settle(app, pilot)
        assert not dialog.creating
        assert app.screen is dialog
        status = str(dialog.query_one("#create-status", Static).render())
        assert "Creating the data asset failed unexpectedly: RuntimeError" in status
        assert "may have been created" in status and "Everything you typed is kept" in status
        assert "[red]x[/]" in status and "\x1b" not in status
        assert emulator.main_token not in status
        assert unexpected_toasts(app, "creating the data asset", emulator.main_token)
        assert dialog.query_one("#create-name", Input).value == "iris examples"
        mend(resource, "create_data_asset")
        await pilot.press("ctrl+s")
        for _ in range(100):  # not _settle: the new draft is followed until it is ready
            await pilot.pause(0.02)
            if isinstance(app.screen, AssetListScreen):
                break
        assert isinstance(app.screen, AssetListScreen)
        assert any(a.name == "iris examples" for a in app.screen.query_one(AssetTable).assets)
    assert app._exception is None


# --- the debug log ------------------------------------------------------------------------------

@pytest.fixture
def _restore_logging() -> Iterator[None]:
    logger = logging.getLogger("co_tui")
    handlers, level = list(logger.handlers), logger.level
    yield
    for handler in logger.handlers[len(handlers):]:
        handler.close()
    logger.handlers[:] = handlers
    logger.setLevel(level)


@pytest.mark.usefixtures("_restore_logging")
async def test_an_unexpected_failure_is_in_the_debug_log_redacted(
    emulator: Emulator, tmp_path: Path
) -> None:
    path, _ = start_debug_log(tmp_path / "log")
    assert path.name == LOG_NAME
    app = _app(emulator)
    assert app.client is not None
    break_method(app.client.data_assets, "search_data_assets", emulator.main_token)
    async with app.run_test(size=(120, 36)) as pilot:
        await _settle(app, pilot)
    logged = path.read_text(encoding="utf-8")
    assert "loading assets failed unexpectedly: RuntimeError" in logged
    assert "Traceback" in logged and "in broken_now" in logged  # where the bug is
    assert emulator.main_token not in logged and "[REDACTED]" in logged


async def test_a_detail_screen_keeps_working_after_every_tab_failed(
    emulator: Emulator, demo_seed: Any
) -> None:
    """Faults in several workers at once leave a usable screen: keys still act."""
    app = make_app(emulator)
    assert app.client is not None
    resource = app.client.data_assets
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        screen = await open_detail(app, pilot, _id(demo_seed, UNIT_QC))
        for name in ("get_permissions", "list_data_asset_files"):
            break_method(resource, name, emulator.main_token)
        for key in ("2", "3", "4", "1"):
            await pilot.press(key)
            await settle(app, pilot)
        assert app.screen is screen and screen.active_tab == "overview"
        assert "Could not load sharing" in str(screen.query_one("#sharing-text").render())
        assert "could not list" in str(screen.files.query_one("#files-status").render())
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, AssetListScreen)
        assert isinstance(screen, AssetDetailScreen)
    assert app._exception is None


async def test_login_check_failure_frees_the_form_and_enter_retries(
    clock: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from co_tui.screens import login as login_screen
    from co_tui.screens.login import LoginScreen
    from co_tui.session.login_target import LoginSetup

    canary = "cop_CANARY_funnel_3f9a1c"
    emulator = Emulator(EmulatorConfig(seed="demo", clock=clock, main_token=canary))
    from co_tui.operations.verify_login import login as real_login

    async def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError(f"{HOSTILE} token={canary}")

    monkeypatch.setattr(login_screen, "login", broken)
    setup = LoginSetup(profile=None, domain=emulator.config.api_origin,
                       transport=emulator.transport(), save=True)
    app = build_app(None, login=setup)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, LoginScreen)
        screen.query_one("#login-token", Input).value = canary
        await pilot.press("enter")
        await _settle(app, pilot)
        assert not screen.checking
        assert app.screen is screen
        result = str(screen.query_one("#login-result", Static).render())
        assert "Checking the login failed unexpectedly: RuntimeError" in result
        assert "Press enter to try again." in result
        assert "[red]x[/]" in result and "\x1b" not in result and canary not in result
        assert unexpected_toasts(app, "checking the login", canary)
        monkeypatch.setattr(login_screen, "login", real_login)
        await pilot.press("enter")
        await _settle(app, pilot)
        assert isinstance(app.screen, AssetListScreen)
    assert app._exception is None


async def test_a_download_that_cannot_start_is_reported_and_d_retries(
    emulator: Emulator, tmp_path: Path
) -> None:
    from co_tui.modals.download import DownloadDialog
    from co_tui.modals.downloads import DownloadsScreen

    app = _app(emulator, Config(settings=Settings(download_dir=str(tmp_path))))
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await _settle(app, pilot)
        await _highlight(app, pilot, UNIT_QC)
        engine = app.downloads
        assert engine is not None
        break_method(engine, "submit", emulator.main_token)
        await pilot.press("D")
        await _settle(app, pilot)
        assert isinstance(app.screen, DownloadDialog)
        await pilot.press("enter")
        await _settle(app, pilot)
        assert isinstance(app.screen, AssetListScreen)
        assert unexpected_toasts(app, "starting the download", emulator.main_token)
        mend(engine, "submit")
        await pilot.press("D")
        await _settle(app, pilot)
        await pilot.press("enter")
        for _ in range(100):  # not _settle: the download runs on
            await pilot.pause(0.02)
            if isinstance(app.screen, DownloadsScreen):
                break
        assert isinstance(app.screen, DownloadsScreen)
    assert app._exception is None
