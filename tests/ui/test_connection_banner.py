"""Network loss (docs/product.md, 'Network loss'): a banner on every asset screen, what was loaded stays
browsable, and the banner goes once the API answers again (Pilot, in-process emulator; a
refused connection is injected by a transport wrapper, tests/api/test_reachability.py)."""

from __future__ import annotations

import pytest

from co_tui import connection_watch
from co_tui.api import CodeOceanClient
from co_tui.emulator import Emulator
from co_tui.launch import build_app
from co_tui.screens.asset_detail import AssetDetailScreen
from co_tui.widgets.asset_table import AssetTable
from co_tui.widgets.connection_banner import ConnectionBanner
from tests.api.test_reachability import Switch
from tests.ui.ui_helpers import _settle


async def _no_sleep(_: float) -> None:
    return None


async def test_a_banner_while_the_api_does_not_answer(emulator: Emulator,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(connection_watch, "PROBE_FIRST_DELAY", 0.05)
    switch = Switch(emulator.transport())
    client = CodeOceanClient(emulator.config.api_origin, emulator.main_token, transport=switch,
                             files_transport=switch, sleep=_no_sleep)
    app = build_app(client)
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await _settle(app, pilot)
        my_data = app.screen
        banner = my_data.query_one(ConnectionBanner)
        table = my_data.query_one(AssetTable)
        rows = list(table.assets)
        assert rows and not banner.display
        switch.down = True
        await pilot.press("r")
        await pilot.pause()
        await pilot.pause()
        assert banner.display
        text = str(banner.render())
        assert "No answer from" in text and "connection refused" in text
        assert list(table.assets) == rows  # still there
        assert not any("Network problem" in str(n.message) for n in app._notifications)
        before = table.cursor
        await pilot.press("j")
        assert table.cursor == before + 1  # and browsable
        await pilot.press("enter")  # the detail view cannot load: it says so too
        await pilot.pause()
        detail = app.screen
        assert isinstance(detail, AssetDetailScreen)
        assert detail.query_one(ConnectionBanner).display
        switch.down = False

        def said_again() -> bool:
            return any("answers again" in str(n.message) for n in app._notifications)

        for _ in range(50):  # the app's own check finds the API again; the toast is a message
            await pilot.pause(0.05)  # that the app handles after the flag changes
            if app.connection_problem is None and said_again():
                break
        assert app.connection_problem is None
        assert not detail.query_one(ConnectionBanner).display
        assert said_again()
    assert app._exception is None
