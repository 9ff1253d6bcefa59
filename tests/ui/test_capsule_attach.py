"""Inside a capsule: the header names it, My Data marks and filters what is attached, and attach /
detach of several assets asks first (co_tui/screens/capsule_attach.py, Pilot on the emulator)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Static

from co_tui.api import CodeOceanClient
from co_tui.api.models import DataAsset, DataAssetSearchParams
from co_tui.app import CoTuiApp
from co_tui.emulator import Emulator
from co_tui.emulator.seeds.demo_runs import capsule_id, computation_id
from co_tui.formatting import format_size
from co_tui.launch import build_app
from co_tui.modals.confirm import ConfirmScreen
from co_tui.modals.filters import FiltersScreen
from co_tui.operations.capsule_attached import ALREADY, DRAFT, FAILED, NOT_ATTACHED
from co_tui.operations.search_filters import AssetFilters
from co_tui.screens.asset_detail import AssetDetailScreen
from co_tui.screens.asset_list import AssetListScreen
from co_tui.widgets.asset_columns import ATTACHED_MARK
from co_tui.widgets.asset_table import AssetTable
from tests.conftest import RecordingTransport
from tests.ui.ui_helpers import _expected, _ids, _settle, _status

CAPSULE = capsule_id("sort")
"""A demo capsule the main user (Ada) may change: shared with her as owner."""
WORKSTATION = computation_id("workstation")
"""The demo's cloud workstation, Ada's running JupyterLab: attach and detach change its
``data_assets`` (the capsule's own list is left alone). It belongs to another capsule, one Ada
may only view; the emulator does not check that the two go together, and here they need not."""


@pytest.fixture
def in_capsule(monkeypatch: pytest.MonkeyPatch) -> None:
    """Run as in a cloud workstation of the demo's "sort" capsule."""
    monkeypatch.setenv("CO_CAPSULE_ID", CAPSULE)
    monkeypatch.setenv("CO_COMPUTATION_ID", WORKSTATION)


def _app(emulator: Emulator, recorder: RecordingTransport) -> CoTuiApp:
    client = CodeOceanClient(emulator.config.api_origin, emulator.main_token,
                             transport=recorder, files_transport=recorder)
    return build_app(client, demo=True)


async def _all(client: CodeOceanClient) -> list[DataAsset]:
    """My Data's rows as search lists them (newest first)."""
    params = DataAssetSearchParams(sort_field="created", sort_order="desc", archived=False)
    return [a async for a in client.data_assets.search_data_assets_iterator(params)]


async def _workstation_ids(client: CodeOceanClient) -> frozenset[str]:
    run = await client.computations.get_computation(WORKSTATION)
    ids = frozenset(a.id for a in run.data_assets or ())
    assert ids
    return ids


def _attached_to_run(emulator: Emulator) -> set[str]:
    """What the emulator has attached to the workstation's run."""
    rows = emulator.store.query("SELECT asset_id FROM attachments WHERE target = ?",
                                (f"computation:{WORKSTATION}",))
    return {row["asset_id"] for row in rows}


def _sent_attach(recorder: RecordingTransport) -> list[str]:
    """Asset ids the app asked the emulator to attach to the workstation's run."""
    assert not recorder.sent("POST", f"capsules/{CAPSULE}/data_assets")  # never the capsule
    bodies = [json.loads(r.content)
              for r in recorder.sent("POST", f"computations/{WORKSTATION}/data_assets")]
    return [item["id"] for body in bodies for item in body]


def _sent_detach(recorder: RecordingTransport) -> list[str]:
    assert not recorder.sent("DELETE", f"capsules/{CAPSULE}/data_assets")
    bodies = [json.loads(r.content)
              for r in recorder.sent("DELETE", f"computations/{WORKSTATION}/data_assets")]
    return [asset_id for body in bodies for asset_id in body]


def _list(app: CoTuiApp) -> AssetListScreen:
    screen = app.screen
    assert isinstance(screen, AssetListScreen)
    return screen


def _title(app: CoTuiApp) -> str:
    return str(app.screen.query_one("#title-bar", Static).render())


def _att_cell(app: object, asset_id: str) -> str:
    """The star and the attached column of the asset's row (the state column has a tick too)."""
    return _row_text(app, asset_id)[:5]  # type: ignore[arg-type]


def _row_text(app: CoTuiApp, asset_id: str) -> str:
    """The drawn line of ``asset_id``'s row (it must be on screen)."""
    table = app.screen.query_one(AssetTable)
    index = [a.id for a in table.assets].index(asset_id)
    assert index < table.size.height - 1
    return table.render_line(index + 1).text


def _notes(app: CoTuiApp) -> str:
    return " ".join(str(n.message) for n in app._notifications)


async def test_the_header_names_the_capsule_and_the_column_marks_what_is_attached(
        emulator: Emulator, recorder: RecordingTransport, client: CodeOceanClient,
        in_capsule: None) -> None:
    capsule = await client.capsules.get_capsule(CAPSULE)
    attached = await _workstation_ids(client)
    recorder.requests.clear()
    app = _app(emulator, recorder)
    async with app.run_test(size=(120, 36)) as pilot:
        await _settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, AssetListScreen)
        assert f"capsule {capsule.name} · {len(attached)} attached" in _title(app)
        assert screen.attached_ids == attached
        table = screen.query_one(AssetTable)
        assert "Att" in table.render_line(0).text
        for asset in table.assets[:20]:
            assert (ATTACHED_MARK in _att_cell(app, asset.id)) == (asset.id in attached)
        # the detail view sees the same set; the capsule and the run are read once
        target = next(a for a in table.assets if a.id in attached)
        screen.post_message(AssetTable.AssetChosen(table, target))
        await _settle(app, pilot)
        detail = app.screen
        assert isinstance(detail, AssetDetailScreen)
        assert detail.attached_ids == attached
    assert len(recorder.sent("GET", f"capsules/{CAPSULE}")) == 1
    assert len(recorder.sent("GET", f"computations/{WORKSTATION}")) == 1
    assert app._exception is None


async def test_at_80_columns_the_capsule_name_is_cut_and_the_deployment_stays(
        emulator: Emulator, recorder: RecordingTransport, client: CodeOceanClient,
        in_capsule: None) -> None:
    capsule = await client.capsules.get_capsule(CAPSULE)
    app = _app(emulator, recorder)
    async with app.run_test(size=(80, 24)) as pilot:
        await _settle(app, pilot)
        title = _title(app)
        assert title.rstrip().endswith("DEMO") and emulator.config.api_origin.split("//")[1] in title
        assert "capsule " in title and "…" in title and capsule.name not in title
        assert len(title.rstrip()) <= 80
        await pilot.resize_terminal(140, 36)
        await _settle(app, pilot)
        assert f"capsule {capsule.name} · " in _title(app)  # room again: the whole name
    assert app._exception is None


async def test_outside_a_capsule_nothing_changes(emulator: Emulator,
                                                 recorder: RecordingTransport) -> None:
    app = _app(emulator, recorder)
    async with app.run_test(size=(120, 36)) as pilot:
        await _settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, AssetListScreen)
        assert "capsule" not in _title(app)
        assert screen.attached_ids is None
        assert "Att" not in screen.query_one(AssetTable).render_line(0).text
        await pilot.press("f")
        await pilot.pause()
        assert isinstance(app.screen, FiltersScreen) and not app.screen.query("#filter-attached")
    assert not recorder.sent("GET", "capsules/") and not recorder.sent("GET", "computations/")


async def test_the_attached_filter_keeps_the_loaded_rows_that_are_attached(
        emulator: Emulator, recorder: RecordingTransport, client: CodeOceanClient,
        in_capsule: None) -> None:
    everything = await _expected(client)
    attached = await _workstation_ids(client)
    app = _app(emulator, recorder)
    async with app.run_test(size=(120, 36)) as pilot:
        await _settle(app, pilot)
        await pilot.press("f")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, FiltersScreen)
        assert "filters the loaded rows" in str(dialog.query_one("#filters-note", Static).render())
        dialog.query_one("#filter-attached").focus()
        await pilot.press("right", "enter")
        await _settle(app, pilot)
        assert set(_ids(app)) == attached
        assert "filters: attached (loaded rows)" in _status(app)
        await pilot.press("f")
        await pilot.pause()
        app.screen.query_one("#filter-attached").focus()
        await pilot.press("right", "enter")
        await _settle(app, pilot)
        assert _ids(app) == [i for i in everything if i not in attached]
    searches = [json.loads(r.content) for r in recorder.sent("POST", "data_assets/search")]
    assert searches and not any("attached" in body for body in searches)  # never sent


async def _select_all_then(app: CoTuiApp, pilot: Any, key: str) -> None:
    await pilot.press("ctrl+a", key)
    await _settle(app, pilot)


async def test_attaching_several_asks_first_and_cancel_sends_nothing(
        emulator: Emulator, recorder: RecordingTransport, client: CodeOceanClient,
        in_capsule: None) -> None:
    assets = await _all(client)
    attached = await _workstation_ids(client)
    eligible = [a for a in assets if a.state == "ready" and a.id not in attached]
    before = _attached_to_run(emulator)
    app = _app(emulator, recorder)
    async with app.run_test(size=(120, 36)) as pilot:
        await _settle(app, pilot)
        await _select_all_then(app, pilot, "plus")
        dialog = app.screen
        assert isinstance(dialog, ConfirmScreen)
        size = format_size(sum(a.size or 0 for a in eligible))
        assert str(dialog.title_content) == (
            f"Attach {len(eligible)} data assets ({size}) to this capsule?")
        body = str(dialog.body_content)
        drafts = sum(1 for a in assets if a.state == "draft")
        failed = sum(1 for a in assets if a.state == "failed")
        assert f"{drafts} {DRAFT}" in body and f"{failed} {FAILED}" in body
        assert f"{len(attached)} {ALREADY}" in body
        assert "external asset" in body
        await pilot.press("n")
        await _settle(app, pilot)
        assert not isinstance(app.screen, ConfirmScreen)
    assert _sent_attach(recorder) == []
    assert _attached_to_run(emulator) == before


async def test_confirming_attaches_only_the_eligible_then_detach_only_the_attached(
        emulator: Emulator, recorder: RecordingTransport, client: CodeOceanClient,
        in_capsule: None) -> None:
    assets = await _all(client)
    attached = await _workstation_ids(client)
    eligible = {a.id for a in assets if a.state == "ready" and a.id not in attached}
    app = _app(emulator, recorder)
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await _settle(app, pilot)
        await _select_all_then(app, pilot, "plus")
        await pilot.press("y")
        await _settle(app, pilot)
        assert set(_sent_attach(recorder)) == eligible
        # the server refuses a few (assets only discoverable to Ada): the set holds what landed
        landed = eligible & _attached_to_run(emulator)
        assert len(landed) >= len(eligible) - 3
        assert "only discoverable" in _notes(app)
        assert not {a.id for a in assets if a.state != "ready"} & _attached_to_run(emulator)
        screen = app.screen
        assert isinstance(screen, AssetListScreen)
        now = attached | landed
        assert screen.attached_ids == now
        assert f"{len(now)} attached" in _title(app)
        assert "Skipped" in _notes(app)
        # detach: the drafts and failed ones are not attached, so they are skipped
        await pilot.press("minus")
        await _settle(app, pilot)
        dialog = app.screen
        assert isinstance(dialog, ConfirmScreen)
        assert str(dialog.title_content).startswith(f"Detach {len(now)} data assets")
        assert f"{len(assets) - len(now)} {NOT_ATTACHED}" in str(dialog.body_content)
        await pilot.press("y")
        await _settle(app, pilot)
        assert set(_sent_detach(recorder)) == now
        assert screen.attached_ids == frozenset()
        assert not _attached_to_run(emulator) & now


async def test_a_single_asset_goes_without_asking_and_a_draft_is_not_sent(
        emulator: Emulator, recorder: RecordingTransport, client: CodeOceanClient,
        in_capsule: None) -> None:
    assets = await _all(client)
    attached = await _workstation_ids(client)
    ready = next(a for a in assets if a.state == "ready" and a.id not in attached)
    draft = next(a for a in assets if a.state == "draft")
    app = _app(emulator, recorder)
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await _settle(app, pilot)
        table = app.screen.query_one(AssetTable)
        table.cursor = [a.id for a in table.assets].index(draft.id)
        await pilot.press("plus")
        await _settle(app, pilot)
        assert not isinstance(app.screen, ConfirmScreen)
        assert f"Nothing to attach: 1 {DRAFT}" in _notes(app)
        assert _sent_attach(recorder) == []
        table.cursor = [a.id for a in table.assets].index(ready.id)
        await pilot.press("plus")
        await _settle(app, pilot)
        assert not isinstance(app.screen, ConfirmScreen)
        assert _sent_attach(recorder) == [ready.id]
        assert _list(app).attached_ids == attached | {ready.id}
        assert ATTACHED_MARK in _att_cell(app, ready.id)
        await pilot.press("minus")
        await _settle(app, pilot)
        assert _sent_detach(recorder) == [ready.id]
        assert _list(app).attached_ids == attached
        assert ATTACHED_MARK not in _att_cell(app, ready.id)


async def test_outside_a_workstation_the_data_folders_say_what_is_attached(
        emulator: Emulator, recorder: RecordingTransport, client: CodeOceanClient,
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from co_tui.transfer import local

    assets = await _all(client)
    mounted = assets[2]
    (tmp_path / mounted.mount).mkdir()
    (tmp_path / "not-an-asset-mount").mkdir()
    monkeypatch.setattr(local, "DATA_ROOT", tmp_path)
    monkeypatch.setenv("CO_CAPSULE_ID", CAPSULE)
    app = _app(emulator, recorder)
    async with app.run_test(size=(120, 36)) as pilot:
        await _settle(app, pilot)
        assert _list(app).attached_ids == frozenset(a.id for a in assets if a.mount == mounted.mount)
        assert ATTACHED_MARK in _att_cell(app, mounted.id)
        assert "1 attached" in _title(app)
    assert not recorder.sent("GET", "computations/")


async def test_when_the_set_cannot_be_read_it_says_so_and_guesses_nothing(
        emulator: Emulator, recorder: RecordingTransport, client: CodeOceanClient,
        monkeypatch: pytest.MonkeyPatch) -> None:
    assets = await _all(client)
    monkeypatch.setenv("CO_CAPSULE_ID", CAPSULE)
    monkeypatch.setenv("CO_COMPUTATION_ID", "no-such-run")
    app = _app(emulator, recorder)
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await _settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, AssetListScreen)
        assert screen.attached_ids is None
        assert "attached unknown" in _title(app)
        assert "?" in _row_text(app, assets[0].id)
        screen.filters = AssetFilters(attached=True)
        screen.reload()
        await _settle(app, pilot)
        assert _ids(app) == []  # it cannot tell which are attached: it shows none as attached
        # attaching two still asks, and says the server decides what is attached
        screen.filters = AssetFilters()
        screen.reload()
        await _settle(app, pilot)
        table = screen.query_one(AssetTable)
        ready = [a for a in table.assets if a.state == "ready"][:2]
        for asset in ready:
            table.cursor = [a.id for a in table.assets].index(asset.id)
            await pilot.press("space")
        await pilot.press("plus")
        await _settle(app, pilot)
        dialog = app.screen
        assert isinstance(dialog, ConfirmScreen)
        assert "not known" in str(dialog.body_content)
        await pilot.press("escape")
        await _settle(app, pilot)
    assert _sent_attach(recorder) == []


async def test_an_attach_in_the_detail_view_reaches_my_data_under_it(
        emulator: Emulator, recorder: RecordingTransport, client: CodeOceanClient,
        in_capsule: None) -> None:
    attached = await _workstation_ids(client)
    ready = next(a for a in await _all(client) if a.state == "ready" and a.id not in attached
                 and a.owner_email == "ada@example.org")
    app = _app(emulator, recorder)
    async with app.run_test(size=(120, 36)) as pilot:
        await _settle(app, pilot)
        my_data = _list(app)
        table = my_data.query_one(AssetTable)
        my_data.post_message(AssetTable.AssetChosen(table, ready))
        await _settle(app, pilot)
        detail = app.screen
        assert isinstance(detail, AssetDetailScreen)
        await pilot.press("plus")
        await _settle(app, pilot)
        assert detail.attached_ids == my_data.attached_ids == attached | {ready.id}
        await pilot.press("escape")
        await _settle(app, pilot)
        assert app.screen is my_data
        assert ATTACHED_MARK in _att_cell(app, ready.id)
        assert f"{len(attached) + 1} attached" in _title(app)
