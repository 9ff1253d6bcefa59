"""Assets another client deletes, archives or restores, while search lags writes by 3 s.

The second client is another ``CodeOceanClient`` as the same user on the same (in-process)
emulator, whose search lags on a fake clock shared with the app's waits. A row the app knows is
gone (it met the 404) does not come back while search still lists it; a refresh (``r``) says where
rows went that left the first page: archived, restored, or deleted elsewhere.
"""

from __future__ import annotations

import httpx
import pytest

from co_tui.api import CodeOceanClient
from co_tui.api.models import DataAsset, DataAssetSearchParams
from co_tui.app import CoTuiApp
from co_tui.emulator import Emulator, EmulatorConfig
from co_tui.launch import build_app
from co_tui.screens.archive import ArchiveScreen
from co_tui.screens.asset_list import AssetListScreen
from co_tui.widgets.asset_table import AssetTable
from tests.search_lag import FakeTime, journal_on
from tests.ui.ui_helpers import _ids, _settle, _status

LAG = 3.0
GONE = "no longer exists on the server"


@pytest.fixture
def clock() -> FakeTime:
    return FakeTime()


@pytest.fixture
def emulator(clock: FakeTime, demo_seed):  # type: ignore[no-untyped-def]
    return Emulator(EmulatorConfig(seed="demo", clock=clock, search_lag_ms=int(LAG * 1000)),
                    seed_data=demo_seed)


@pytest.fixture
def other(emulator: Emulator, client_for) -> CodeOceanClient:  # type: ignore[no-untyped-def]
    """The second client (same user, its own connection pool)."""
    client: CodeOceanClient = client_for(token=emulator.main_token)
    return client


def _app(emulator: Emulator, clock: FakeTime) -> CoTuiApp:
    async def no_sleep(_: float) -> None:
        return None

    transport: httpx.AsyncBaseTransport = emulator.transport()
    client = CodeOceanClient(emulator.config.api_origin, emulator.main_token,
                             transport=transport, files_transport=transport, sleep=no_sleep)
    app = build_app(client, demo=True)
    app.journal = journal_on(clock)
    return app


async def _mine(app: CoTuiApp, n: int) -> list[DataAsset]:
    """``n`` ready assets of the main user among the rows on screen."""
    assert app.client is not None
    params = DataAssetSearchParams(ownership="created", archived=False)
    mine = {a.id async for a in app.client.data_assets.search_data_assets_iterator(params)}
    rows = [a for a in app.screen.query_one(AssetTable).assets
            if a.id in mine and a.state == "ready"]
    assert len(rows) >= n
    return rows[:n]


async def _raw(app: CoTuiApp, *, archived: bool) -> set[str]:
    assert app.client is not None
    params = DataAssetSearchParams(archived=archived)
    return {a.id async for a in app.client.data_assets.search_data_assets_iterator(params)}


async def _highlight(app: CoTuiApp, pilot, asset_id: str) -> None:  # type: ignore[no-untyped-def]
    table = app.screen.query_one(AssetTable)
    table.focus()
    table._move_to([a.id for a in table.assets].index(asset_id))
    await pilot.pause()


def _messages(app: CoTuiApp) -> list[str]:
    return [str(n.message) for n in app._notifications]


async def _refresh(app: CoTuiApp, pilot) -> None:  # type: ignore[no-untyped-def]
    await pilot.press("r")
    await _settle(app, pilot)


async def test_a_row_known_gone_stays_out_while_search_lists_it(emulator: Emulator, clock: FakeTime, other: CodeOceanClient) -> None:
    app = _app(emulator, clock)
    async with app.run_test(size=(160, 36)) as pilot:
        await _settle(app, pilot)
        [asset] = await _mine(app, 1)
        await other.data_assets.archive_data_asset(asset.id, True)
        await other.data_assets.delete_data_asset(asset.id)
        await _highlight(app, pilot, asset.id)
        await pilot.press("p")  # sharing: the 404 tells the app
        await _settle(app, pilot)
        assert asset.id not in _ids(app)
        await _refresh(app, pilot)
        assert asset.id in await _raw(app, archived=False)  # search is stale ...
        assert asset.id not in _ids(app)  # ... the list is not
        assert "1 deleted · search updating" in _status(app)
        clock.now += LAG
        await _refresh(app, pilot)
        assert asset.id not in _ids(app) and asset.id not in await _raw(app, archived=False)
        assert len([m for m in _messages(app) if GONE in m]) == 1


async def test_refresh_says_where_rows_went(emulator: Emulator, clock: FakeTime, other: CodeOceanClient) -> None:
    app = _app(emulator, clock)
    async with app.run_test(size=(160, 36)) as pilot:
        await _settle(app, pilot)
        archived, deleted, kept = await _mine(app, 3)
        await other.data_assets.archive_data_asset(archived.id, True)
        await other.data_assets.archive_data_asset(deleted.id, True)
        await other.data_assets.delete_data_asset(deleted.id)
        await _refresh(app, pilot)  # search still lists both: nothing is known yet
        assert {archived.id, deleted.id} <= set(_ids(app))
        clock.now += LAG
        await _refresh(app, pilot)
        assert not {archived.id, deleted.id} & set(_ids(app)) and kept.id in _ids(app)
        said = _messages(app)
        assert f"'{archived.name}' is now in the archive bin (A)" in said
        assert [m for m in said if GONE in m] == [
            f"'{deleted.name}' {GONE} (deleted elsewhere, or no longer shared with you)"]
        assert not [m for m in said if kept.name in m]
        await _refresh(app, pilot)  # said once: the rows are not on the first page any more
        assert len(_messages(app)) == len(said)


async def test_archive_bin_refresh_says_what_was_restored_elsewhere(emulator: Emulator, clock: FakeTime, other: CodeOceanClient) -> None:
    app = _app(emulator, clock)
    async with app.run_test(size=(160, 36)) as pilot:
        await _settle(app, pilot)
        await pilot.press("A")
        await _settle(app, pilot)
        assert isinstance(app.screen, ArchiveScreen)
        assert app.client is not None
        mine = {a.id async for a in app.client.data_assets.search_data_assets_iterator(
            DataAssetSearchParams(ownership="created", archived=True))}
        restored = next(a for a in app.screen.query_one(AssetTable).assets if a.id in mine)
        await other.data_assets.archive_data_asset(restored.id, False)
        clock.now += LAG
        await _refresh(app, pilot)
        assert restored.id not in _ids(app)
        assert f"'{restored.name}' is back in My Data (restored elsewhere)" in _messages(app)
        await pilot.press("escape")
        await _settle(app, pilot)
        assert isinstance(app.screen, AssetListScreen)
