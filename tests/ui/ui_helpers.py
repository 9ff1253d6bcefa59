"""Helpers shared by the Pilot tests of the list screens (My Data, archive bin, filters)."""

from __future__ import annotations

from typing import Any

from textual._compositor import LayoutUpdate
from textual.screen import Screen
from textual.widgets import Static

from co_tui.api import CodeOceanClient
from co_tui.api.models import DataAssetSearchParams
from co_tui.app import CoTuiApp
from co_tui.emulator import Emulator
from co_tui.launch import build_app
from co_tui.session.config import Config
from co_tui.widgets.asset_table import AssetTable


def _app(emulator: Emulator, config: Config | None = None) -> CoTuiApp:
    """The demo app on the in-process ``emulator``; retry backoff does not sleep."""
    transport = emulator.transport()

    async def no_sleep(_: float) -> None:
        return None

    client = CodeOceanClient(emulator.config.api_origin, emulator.main_token,
                             transport=transport, files_transport=transport, sleep=no_sleep)
    return build_app(client, demo=True, config=config)


async def _settle(app: CoTuiApp, pilot: Any) -> None:
    """Let workers finish and the screen repaint."""
    for _ in range(3):
        await pilot.pause()
        await app.workers.wait_for_complete()
    await pilot.pause()


async def _expected(client: CodeOceanClient, **params: object) -> list[str]:
    """Ids the emulator returns for a full search with ``params`` (newest first)."""
    search = DataAssetSearchParams(sort_field="created", sort_order="desc", **params)  # type: ignore[arg-type]
    return [a.id async for a in client.data_assets.search_data_assets_iterator(search)]


def _ids(app: CoTuiApp) -> list[str]:
    """Ids of the rows the current screen's table shows."""
    return [a.id for a in app.screen.query_one(AssetTable).assets]


def _status(app: CoTuiApp) -> str:
    """The list screen's status line."""
    return str(app.screen.query_one("#status", Static).render())


def full_frame(screen: Screen[Any]) -> LayoutUpdate:
    """Everything ``screen`` would write to the terminal now (through Textual's private
    compositor: the segments a terminal receives, escape sequences included)."""
    update = screen._compositor.render_update(full=True)
    assert isinstance(update, LayoutUpdate)
    return update
