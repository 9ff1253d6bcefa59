"""My Data, the archive bin and the Files tab with answers a real server may send: a record that
cannot be read, pages without a cursor, a cursor that repeats (Pilot).

The emulator's real answers are rewritten on the way (:class:`tests.reshape.Reshape`).
"""

from __future__ import annotations

from typing import Any

import httpx

from co_tui.api import CodeOceanClient
from co_tui.api.models import DataAssetSearchParams
from co_tui.app import CoTuiApp
from co_tui.emulator import Emulator, EmulatorConfig
from co_tui.launch import build_app
from co_tui.session.config import Config, Settings
from co_tui.widgets.asset_table import AssetTable
from tests.reshape import Reshape, request_json
from tests.ui.test_asset_detail_helpers import make_app, open_detail, open_files
from tests.ui.ui_helpers import _expected, _ids, _settle, _status

SEARCH = "/data_assets/search"


def _shaped_app(emulator: Emulator, rewrite: Any, *, path: str = SEARCH,
                page_size: int | None = None) -> CoTuiApp:
    transport = Reshape(emulator.transport(), path, rewrite)

    async def no_sleep(_: float) -> None:
        return None

    client = CodeOceanClient(emulator.config.api_origin, emulator.main_token,
                             transport=transport, files_transport=transport, sleep=no_sleep)
    config = Config(settings=Settings(page_size=page_size)) if page_size else None
    app = build_app(client, demo=True, config=config)
    app.reshape = transport  # type: ignore[attr-defined]
    return app


def _spoil_third(_: httpx.Request, page: Any) -> Any:
    """The third row of every page loses its id."""
    if len(page["results"]) >= 3:
        del page["results"][2]["id"]
    return page


async def test_my_data_shows_the_readable_rows_and_says_one_could_not_be_read(
        emulator: Emulator, client: CodeOceanClient) -> None:
    live = await _expected(client, archived=False)
    app = _shaped_app(emulator, _spoil_third)
    async with app.run_test(size=(160, 36)) as pilot:
        await _settle(app, pilot)
        assert _ids(app) == live[:2] + live[3:]
        status = _status(app)
        assert "1 asset could not be read" in status and f"all {len(live) - 1} loaded" in status
        table = app.screen.query_one(AssetTable)
        assert table.highlighted is not None and table.highlighted.id == live[0]
    assert app._exception is None


async def test_the_count_adds_up_over_pages_and_resets_on_reload(clock: Any) -> None:
    emulator = Emulator(EmulatorConfig(seed="scale:2500:1", clock=clock))
    app = _shaped_app(emulator, _spoil_third, page_size=50)
    sent = app.reshape.requests  # type: ignore[attr-defined]

    def list_pages() -> int:  # the list's own requests (not favourites, not the identity check)
        # the first page has the page_size setting; the rest page in 1,000 at a time
        return sum(1 for r in sent if request_json(r).get("limit") in (50, 1000)
                   and not request_json(r).get("favorite"))

    async with app.run_test(size=(160, 30)) as pilot:
        await _settle(app, pilot)
        table = app.screen.query_one(AssetTable)
        pages = list_pages()
        assert pages >= 3 and "all" in _status(app)
        assert f"{pages} assets could not be read" in _status(app)  # one per page
        assert len(set(_ids(app))) == len(table.assets)
        loaded = len(table.assets)
        sent.clear()
        await pilot.press("r")
        await _settle(app, pilot)
        assert list_pages() == pages
        assert f"{pages} assets could not be read" in _status(app)
        assert len(table.assets) == loaded
    assert app._exception is None


async def test_the_archive_bin_says_so_too(emulator: Emulator, client: CodeOceanClient) -> None:
    archived = await _expected(client, archived=True)
    assert len(archived) >= 3
    app = _shaped_app(emulator, _spoil_third)
    async with app.run_test(size=(160, 36)) as pilot:
        await _settle(app, pilot)
        await pilot.press("A")
        await _settle(app, pilot)
        assert _ids(app) == archived[:2] + archived[3:]
        assert "1 asset could not be read" in _status(app)
    assert app._exception is None


async def test_pages_without_a_cursor_continue_by_offset(clock: Any) -> None:
    emulator = Emulator(EmulatorConfig(seed="scale:230:1", clock=clock))
    truth = _shaped_app(emulator, lambda _r, page: page)
    assert truth.client is not None
    everything = await _expected(truth.client, archived=False)
    app = _shaped_app(emulator, lambda _r, page: {**page, "next_token": None}, page_size=50)
    async with app.run_test(size=(160, 30)) as pilot:
        await _settle(app, pilot)
        assert _ids(app) == everything
        assert f"all {len(everything)} loaded" in _status(app)
    assert app._exception is None


async def test_a_repeating_cursor_stops_paging_with_a_visible_warning(clock: Any) -> None:
    emulator = Emulator(EmulatorConfig(seed="scale:2500:1", clock=clock))
    first: list[str] = []

    def stuck(_: httpx.Request, page: Any) -> Any:
        if not first:
            first.append(page["next_token"])
        return {**page, "next_token": first[0]}

    app = _shaped_app(emulator, stuck, page_size=50)
    async with app.run_test(size=(200, 30)) as pilot:
        await _settle(app, pilot)
        for _ in range(5):
            await pilot.press("G")
            await _settle(app, pilot)
        # the first page (50) and the next (1,000), whose cursor repeats the first's
        assert len(_ids(app)) == 1050 == len(set(_ids(app)))
        status = _status(app)
        assert "1,050 loaded" in status and "all" not in status and "more available" not in status
        assert "paging stopped: the server sent the same page cursor twice" in status
    assert app._exception is None


async def test_files_tab_says_how_many_entries_could_not_be_read(
        emulator: Emulator, client: CodeOceanClient) -> None:
    page = await client.data_assets.search_data_assets(
        DataAssetSearchParams(ownership="created", type="dataset", limit=50))
    asset = next(a for a in page.results if a.state == "ready" and not a.is_external)
    truth = await client.data_assets.list_data_asset_files(asset.id)

    def spoil(request: httpx.Request, folder: Any) -> Any:
        if request.method != "POST":
            return folder
        return {"items": [*folder["items"], None, 42]}

    transport = Reshape(emulator.transport(), "/files", spoil)
    app = make_app(emulator, transport)
    async with app.run_test(size=(160, 36)) as pilot:
        screen = await open_detail(app, pilot, asset.id)
        pane = await open_files(app, pilot, screen)
        assert pane.file_tree.loaded_count("") == len(truth.items)
        text = str(pane.query_one("#files-status").render())
        assert "2 entries could not be read" in text
    assert app._exception is None
