"""The search bar searches on ``enter``; with the ``search_as_you_type`` setting it also searches
once typing pauses (one request for a burst of keys). The status line always says what narrows
the list: the search and the filters (Pilot, in-process emulator, requests counted)."""

from __future__ import annotations

import asyncio
import json

from co_tui.api import CodeOceanClient
from co_tui.app import CoTuiApp
from co_tui.emulator import Emulator
from co_tui.launch import build_app
from co_tui.operations.search_filters import AssetFilters
from co_tui.screens.asset_list import SEARCH_DEBOUNCE
from co_tui.session.config import Config, Settings
from co_tui.widgets.asset_table import AssetTable
from tests.conftest import RecordingTransport
from tests.ui.ui_helpers import _settle, _status


def _app(emulator: Emulator, recorder: RecordingTransport, **settings: object) -> CoTuiApp:
    client = CodeOceanClient(emulator.config.api_origin, emulator.main_token,
                             transport=recorder, files_transport=recorder)
    return build_app(client, demo=True, config=Config(settings=Settings(**settings)))  # type: ignore[arg-type]


def _searches(recorder: RecordingTransport) -> list[dict[str, object]]:
    """The list's search requests (not the favourites lookup)."""
    bodies = [json.loads(r.content) for r in recorder.sent("POST", "/data_assets/search")]
    return [b for b in bodies if "sort_field" in b]  # not the favourites or who-am-I lookups


async def test_search_as_you_type_is_off_by_default_and_enter_searches(
        emulator: Emulator, recorder: RecordingTransport) -> None:
    assert Settings().search_as_you_type is False
    app = _app(emulator, recorder)
    async with app.run_test(size=(120, 36)) as pilot:
        await _settle(app, pilot)
        before = len(_searches(recorder))
        await pilot.press("slash", *"ecephys")
        await asyncio.sleep(SEARCH_DEBOUNCE * 2)
        await _settle(app, pilot)
        assert len(_searches(recorder)) == before  # typing alone sends nothing
        await pilot.press("enter")
        await _settle(app, pilot)
        searches = _searches(recorder)[before:]
        assert [s.get("query") for s in searches] == ["ecephys"]
    assert app._exception is None


async def test_search_as_you_type_sends_one_search_for_a_burst_of_keys(
        emulator: Emulator, recorder: RecordingTransport) -> None:
    app = _app(emulator, recorder, search_as_you_type=True)
    async with app.run_test(size=(120, 36)) as pilot:
        await _settle(app, pilot)
        table = app.screen.query_one(AssetTable)
        everything = len(table.assets)
        before = len(_searches(recorder))
        await pilot.press("slash", *"tag:ecephys")  # 11 keys, faster than the debounce
        assert len(_searches(recorder)) == before
        await asyncio.sleep(SEARCH_DEBOUNCE * 2)
        await _settle(app, pilot)
        searches = _searches(recorder)[before:]
        assert [s.get("query") for s in searches] == ["tag:ecephys"]
        assert 0 < len(table.assets) < everything
        await pilot.press("enter")  # enter with the same text: already searched, no request
        await _settle(app, pilot)
        assert len(_searches(recorder)) == before + 1
    assert app._exception is None


async def test_the_status_line_shows_the_search_and_the_filters(
        emulator: Emulator, recorder: RecordingTransport) -> None:
    app = _app(emulator, recorder)
    async with app.run_test(size=(160, 36)) as pilot:
        await _settle(app, pilot)
        assert "search" not in _status(app) and "filters" not in _status(app)
        await pilot.press("slash", *"ecephys", "enter")
        await _settle(app, pilot)
        assert "search “ecephys”" in _status(app)
        screen = app.screen
        screen.filters = AssetFilters(type="result")  # type: ignore[attr-defined]
        screen.reload()  # type: ignore[attr-defined]
        await _settle(app, pilot)
        status = _status(app)
        assert "search “ecephys”" in status and "filters: " in status and "result" in status
        assert "loaded" in status  # the count is still there
    assert app._exception is None
