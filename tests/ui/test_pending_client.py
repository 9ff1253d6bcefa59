"""The app paints My Data before its client exists, then connects (co_tui.launch_handoff.PendingClient)."""

from __future__ import annotations

import threading

from co_tui.api import CodeOceanClient
from co_tui.emulator import Emulator
from co_tui.launch import build_app
from co_tui.launch_handoff import PendingClient
from co_tui.widgets.asset_table import AssetTable
from tests.ui.ui_helpers import _settle, _status


def _client(emulator: Emulator) -> CodeOceanClient:
    transport = emulator.transport()
    return CodeOceanClient(emulator.config.api_origin, emulator.main_token,
                           transport=transport, files_transport=transport)


async def test_paints_connecting_then_loads_once_the_client_is_built(emulator: Emulator) -> None:
    release = threading.Event()
    built_on: list[str] = []

    def build() -> CodeOceanClient:
        built_on.append(threading.current_thread().name)
        release.wait(10)
        return _client(emulator)

    app = build_app(PendingClient("https://co.example", build))
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        table = app.screen.query_one(AssetTable)
        assert table.assets == []
        assert "connecting" in _status(app)
        assert "co.example" in str(app.screen.query_one("#title-bar").render())
        await pilot.press("r", "S")  # keys before the client exists change state, send nothing
        release.set()
        await _settle(app, pilot)
        await app.workers.wait_for_complete()
        await _settle(app, pilot)
        assert app.client is not None
        assert len(table.assets) > 0
        assert "connecting" not in _status(app)
        # the title now names the deployment the client talks to
        assert app.client.domain in str(app.screen.query_one("#title-bar").render())
    assert built_on and built_on[0] != threading.main_thread().name


async def test_a_failed_build_is_reported_and_the_app_keeps_running() -> None:
    def build() -> CodeOceanClient:
        raise OSError("the CA bundle could not be read")

    app = build_app(PendingClient("https://co.example", build))
    async with app.run_test(size=(120, 36)) as pilot:
        await _settle(app, pilot)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.is_running
        messages = [str(n.message) for n in app._notifications]
        assert any("connecting failed unexpectedly" in m.lower() and "CA bundle" in m
                   for m in messages), messages


async def test_the_prefetched_first_page_is_the_one_my_data_asks_for(emulator: Emulator,  # type: ignore[no-untyped-def]
                                                                     recorder) -> None:
    """`co-tui` sends My Data's first request before Textual is imported: it must be exactly the
    screen's own first request (else it is wasted), and the screen must not send it again."""
    import asyncio

    from co_tui.launch import build_app, first_page_params
    from co_tui.launch_handoff import Prefetched
    from co_tui.screens.asset_list import AssetListScreen
    from co_tui.session.config import Settings

    assert AssetListScreen(None)._params() == first_page_params(Settings().page_size)
    assert AssetListScreen(None, page_size=37)._params() == first_page_params(37)
    client = CodeOceanClient(emulator.config.api_origin, emulator.main_token,
                             transport=recorder, files_transport=recorder)
    params = first_page_params(Settings().page_size)
    page = asyncio.ensure_future(client.data_assets.search_data_assets(params))
    app = build_app(client, first_page=Prefetched(params, page))
    async with app.run_test(size=(120, 36)) as pilot:
        await _settle(app, pilot)
        assert len(app.screen.query_one(AssetTable).assets) > 0
    searches = [r for r in recorder.requests
                if r.url.path.endswith("/data_assets/search")
                and b'"favorite":true' not in r.content and b"next_token" not in r.content
                and b'"ownership":"created"' not in r.content]
    assert len(searches) == 1, [r.content for r in searches]


async def test_my_data_is_the_first_screen_and_the_collector_comes_back_after_the_first_frame(
        emulator: Emulator) -> None:
    """`co-tui` starts with the garbage collector off (co_tui.cli.main); the app freezes what
    start-up built and turns the collector back on once its first frame is drawn, its full
    passes left to co_tui.heap.HeapKeeper. My Data is
    the bottom screen itself (not pushed over Textual's blank one: a second first render)."""
    import gc

    from co_tui.screens.asset_list import AssetListScreen

    client = CodeOceanClient(emulator.config.api_origin, emulator.main_token,
                             transport=emulator.transport(), files_transport=emulator.transport())
    frozen = gc.get_freeze_count()
    thresholds = gc.get_threshold()
    gc.disable()
    try:
        app = build_app(client)
        async with app.run_test(size=(120, 36)) as pilot:
            await _settle(app, pilot)
            assert gc.isenabled()
            assert gc.get_freeze_count() > frozen
            assert gc.get_threshold()[2] > 1_000_000  # full passes wait for a pause (co_tui.heap)
            assert len(app.screen_stack) == 1 and isinstance(app.screen, AssetListScreen)
            quiet_since = app.heap._last_input
            await pilot.press("j")
            assert app.heap._last_input > quiet_since  # keys tell the keeper the user is busy
        assert gc.get_threshold() == thresholds  # the exit gives CPython its policy back
    finally:
        gc.enable()
        gc.unfreeze()
