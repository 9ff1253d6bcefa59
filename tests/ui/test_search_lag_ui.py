"""My Data and the archive bin against search results that lag writes by 3 s.

Archive, restore, delete, create and edit, each followed by refreshes (``r``) while search still
has the old state: no row comes back that should not, none vanishes that should be there, the
status line says search is updating, and no action fails on a stale answer. The lag is
the emulator's own ``search_lag_ms`` on a fake clock shared by the emulator and the app's waits
(``LAG`` seconds pass when the test moves the clock or the app waits for the index).
"""

from __future__ import annotations

import httpx
import pytest
from textual.widgets import Input

from co_tui.api import CodeOceanClient, NotFoundError
from co_tui.api.models import DataAsset, DataAssetSearchParams
from co_tui.app import CoTuiApp
from co_tui.emulator import Emulator, EmulatorConfig
from co_tui.launch import build_app
from co_tui.modals.confirm import ConfirmScreen, ResultsScreen, TypedNameConfirmScreen
from co_tui.modals.create_asset import CreateScreen
from co_tui.modals.edit_metadata import EditMetadataScreen
from co_tui.screens.archive import ArchiveScreen
from co_tui.screens.asset_list import AssetListScreen
from co_tui.widgets.asset_table import AssetTable
from tests.search_lag import FakeTime, journal_on
from tests.ui.ui_helpers import _ids, _settle, _status

LAG = 3.0


@pytest.fixture
def clock() -> FakeTime:
    """The emulator's clock, the lag's and the app's waits (overrides the suite's ``clock``)."""
    return FakeTime()


@pytest.fixture
def emulator(clock: FakeTime, demo_seed):  # type: ignore[no-untyped-def]
    # ready_delay 0: a created draft is ready at its first poll (the fake clock stands still)
    return Emulator(EmulatorConfig(seed="demo", clock=clock, ready_delay=0,
                                   search_lag_ms=int(LAG * 1000)), seed_data=demo_seed)


@pytest.fixture
def transport(emulator: Emulator) -> httpx.AsyncBaseTransport:
    """The app's transport: the lagging emulator in process."""
    return emulator.transport()


def _app(emulator: Emulator, transport: httpx.AsyncBaseTransport, clock: FakeTime) -> CoTuiApp:
    async def no_sleep(_: float) -> None:
        return None

    client = CodeOceanClient(emulator.config.api_origin, emulator.main_token,
                             transport=transport, files_transport=transport, sleep=no_sleep)
    app = build_app(client, demo=True)
    app.journal = journal_on(clock)
    return app


async def _raw(app: CoTuiApp, *, archived: bool) -> set[str]:
    """What search itself answers now (stale within the lag)."""
    assert app.client is not None
    params = DataAssetSearchParams(archived=archived)
    return {a.id async for a in app.client.data_assets.search_data_assets_iterator(params)}


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


def _messages(app: CoTuiApp) -> list[str]:
    return [str(n.message) for n in app._notifications]


async def _refresh(app: CoTuiApp, pilot) -> None:  # type: ignore[no-untyped-def]
    await pilot.press("r")
    await _settle(app, pilot)


async def test_archive_restore_delete_under_lag(emulator: Emulator, transport: httpx.AsyncBaseTransport, clock: FakeTime, client: CodeOceanClient) -> None:
    target = (await _mine(client))[0]
    app = _app(emulator, transport, clock)
    async with app.run_test(size=(160, 36)) as pilot:
        await _settle(app, pilot)
        # archive in My Data: the row goes, and a refresh while search still lists it keeps it out
        await _highlight(app, pilot, target.id)
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await _settle(app, pilot)
        await _refresh(app, pilot)
        assert target.id in await _raw(app, archived=False)  # search is stale ...
        assert target.id not in _ids(app)  # ... the list is not
        assert "1 archived · search updating" in _status(app)
        # the bin shows it before search does
        await pilot.press("A")
        await _settle(app, pilot)
        assert isinstance(app.screen, ArchiveScreen)
        assert target.id not in await _raw(app, archived=True)
        assert _ids(app)[0] == target.id
        assert "1 archived · search updating" in _status(app)
        clock.now += LAG  # search catches up: the bin is search's answer again
        await _refresh(app, pilot)
        assert target.id in await _raw(app, archived=True) and target.id in _ids(app)
        assert "search updating" not in _status(app)
        # restore from the bin: back in My Data, across refreshes, before search has it there
        await _highlight(app, pilot, target.id)
        await pilot.press("u")
        await pilot.pause()
        await pilot.press("y")
        await _settle(app, pilot)
        assert target.id not in _ids(app)
        await _refresh(app, pilot)
        assert target.id not in _ids(app)
        await pilot.press("escape")
        await _settle(app, pilot)
        assert isinstance(app.screen, AssetListScreen) and target.id in _ids(app)
        await _refresh(app, pilot)
        assert target.id in _ids(app) and "restored · search updating" in _status(app)
        assert target.id not in await _raw(app, archived=False)
        clock.now += LAG  # search has the restore
        # archive again and delete it from the bin at once: the archive check waits for search
        await _highlight(app, pilot, target.id)
        await pilot.press("a")
        await pilot.pause()
        await pilot.press("y")
        await _settle(app, pilot)
        await pilot.press("A")
        await _settle(app, pilot)
        await _highlight(app, pilot, target.id)
        before = clock.now
        await pilot.press("D")
        await pilot.pause()
        assert isinstance(app.screen, TypedNameConfirmScreen)
        app.screen.query_one(Input).value = target.name
        await pilot.pause()
        await pilot.press("enter")
        await _settle(app, pilot)
        assert not isinstance(app.screen, ResultsScreen), "the delete failed"
        assert isinstance(app.screen, ArchiveScreen) and target.id not in _ids(app)
        assert "archived · search updating" not in _status(app)  # the row it spoke of is gone
        assert LAG <= clock.now - before <= 10  # it waited for the index, within the bound
        messages = _messages(app)
        assert any("Waiting for the search index" in m for m in messages), messages
        assert not any("not archived" in m for m in messages), messages
        # a deleted asset never reappears, while search lists it and after
        await _refresh(app, pilot)
        assert target.id in await _raw(app, archived=True)
        assert target.id not in _ids(app) and "1 deleted · search updating" in _status(app)
        clock.now += LAG
        await _refresh(app, pilot)
        assert target.id not in _ids(app) and "search updating" not in _status(app)
        await pilot.press("escape")
        await _refresh(app, pilot)
        assert target.id not in _ids(app) and "search updating" not in _status(app)
    with pytest.raises(NotFoundError):
        await client.data_assets.get_data_asset(target.id)


async def test_created_and_edited_assets_under_lag(emulator: Emulator, transport: httpx.AsyncBaseTransport, clock: FakeTime, client: CodeOceanClient) -> None:
    target = (await _mine(client))[1]
    app = _app(emulator, transport, clock)
    async with app.run_test(size=(160, 36)) as pilot:
        await _settle(app, pilot)
        assert app.rights.identity is not None and app.rights.identity.user_id
        # create: the draft is on top, and stays there across refreshes until search has it
        await pilot.press("c")
        await _settle(app, pilot)
        assert isinstance(app.screen, CreateScreen)
        app.screen.query_one("#create-bucket", Input).value = "s3://demo-public-bucket/examples"
        app.screen.query_one("#create-name", Input).value = "made under lag"
        for required in app.screen.query("#create-custom-0"):  # once the form has the project
            assert isinstance(required, Input)
            required.value = "lag tests"
        await pilot.pause()
        await pilot.press("ctrl+s")
        await _settle(app, pilot)
        assert isinstance(app.screen, AssetListScreen), "the create dialog is still open"
        created = app.screen.query_one(AssetTable).assets[0]
        assert created.name == "made under lag"
        await _refresh(app, pilot)
        assert created.id not in await _raw(app, archived=False)
        assert _ids(app)[0] == created.id and "1 created · search updating" in _status(app)
        # edit: the new name shows, not search's old document
        await _highlight(app, pilot, target.id)
        await pilot.press("e")
        await _settle(app, pilot)
        assert isinstance(app.screen, EditMetadataScreen)
        app.screen.query_one("#edit-name", Input).value = "renamed under lag"
        await pilot.pause()
        await pilot.press("ctrl+s")
        await _settle(app, pilot)
        assert isinstance(app.screen, AssetListScreen), "the edit dialog is still open"
        await _refresh(app, pilot)
        table = app.screen.query_one(AssetTable)
        assert next(a for a in table.assets if a.id == target.id).name == "renamed under lag"
        assert "changed" in _status(app)
        # once search has caught up it is search's answer again, with nothing to note
        clock.now += LAG
        await _refresh(app, pilot)
        table = app.screen.query_one(AssetTable)
        assert created.id in await _raw(app, archived=False)
        assert next(a for a in table.assets if a.id == target.id).name == "renamed under lag"
        assert created.id in _ids(app) and "search updating" not in _status(app)
