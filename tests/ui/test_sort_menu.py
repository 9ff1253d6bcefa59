"""``s`` opens the sort menu (field and order), ``S`` flips the order: the request carries the
new sort and the rows come back in that order (Pilot, in-process emulator)."""

from __future__ import annotations

import json

from co_tui.api import CodeOceanClient
from co_tui.app import CoTuiApp
from co_tui.emulator import Emulator
from co_tui.launch import build_app
from co_tui.modals.sort_menu import SortMenu
from co_tui.screens.asset_list import AssetListScreen
from co_tui.widgets.asset_table import AssetTable
from tests.conftest import RecordingTransport
from tests.ui.ui_helpers import _settle, _status


def _app(emulator: Emulator, recorder: RecordingTransport) -> CoTuiApp:
    client = CodeOceanClient(emulator.config.api_origin, emulator.main_token,
                             transport=recorder, files_transport=recorder)
    return build_app(client, demo=True)


def _last_sort(recorder: RecordingTransport) -> tuple[str, str]:
    bodies = [json.loads(r.content) for r in recorder.sent("POST", "/data_assets/search")]
    body = [b for b in bodies if "sort_field" in b][-1]
    return body["sort_field"], body["sort_order"]


async def test_the_sort_menu_changes_field_and_order_and_the_list_reorders(
        emulator: Emulator, recorder: RecordingTransport) -> None:
    app = _app(emulator, recorder)
    async with app.run_test(size=(120, 36)) as pilot:
        await _settle(app, pilot)
        table = app.screen.query_one(AssetTable)
        assert _last_sort(recorder) == ("created", "desc")
        await pilot.press("s")
        await _settle(app, pilot)
        assert isinstance(app.screen, SortMenu)
        assert app.screen.chosen().field == "created"
        # field: created -> name -> size; its usual order comes with it (largest first) ...
        await pilot.press("right", "right")
        assert (app.screen.chosen().field, app.screen.chosen().order) == ("size", "desc")
        # ... and the order row changes it
        await pilot.press("down", "left", "enter")
        await _settle(app, pilot)
        assert isinstance(app.screen, AssetListScreen)
        assert _last_sort(recorder) == ("size", "asc")
        sizes = [a.size or 0 for a in table.assets]
        assert sizes == sorted(sizes) and len(set(sizes)) > 1
        assert "Size ▲" in table.render_line(0).text
        assert "sorted by size ▲" in _status(app)
        await pilot.press("S")  # flip without the menu
        await _settle(app, pilot)
        assert _last_sort(recorder) == ("size", "desc")
        assert [a.size or 0 for a in table.assets] == sorted(sizes, reverse=True)
        assert "sorted by size ▼" in _status(app)
    assert app._exception is None


async def test_escape_leaves_the_sort_and_sends_nothing(
        emulator: Emulator, recorder: RecordingTransport) -> None:
    app = _app(emulator, recorder)
    async with app.run_test(size=(80, 24)) as pilot:
        await _settle(app, pilot)
        sent = len(recorder.sent("POST", "/data_assets/search"))
        await pilot.press("s", "right", "escape")
        await _settle(app, pilot)
        assert isinstance(app.screen, AssetListScreen)
        assert len(recorder.sent("POST", "/data_assets/search")) == sent
        await pilot.press("s", "enter")  # applied unchanged: no new request either
        await _settle(app, pilot)
        assert len(recorder.sent("POST", "/data_assets/search")) == sent
        assert _last_sort(recorder) == ("created", "desc")
    assert app._exception is None
