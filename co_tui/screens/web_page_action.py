"""``o`` on an asset (My Data, the archive bin, the detail view outside the Files tab): its web
page in the browser, or its URL copied when this session has no browser
(:mod:`co_tui.operations.web_page` decides; copying is ``Y``'s path)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from co_tui.operations.clipboard import asset_web_url
from co_tui.operations.web_page import open_web_page
from co_tui.safe_text import display, join

if TYPE_CHECKING:
    from co_tui.api import CodeOceanClient
    from co_tui.api.models import DataAsset
    from co_tui.screens.asset_actions import AssetActionsScreen

__all__ = ["open_asset_page"]


def open_asset_page(screen: AssetActionsScreen, client: CodeOceanClient,
                    asset: DataAsset) -> None:
    """Open ``asset``'s web page, or copy its URL and say why it was not opened."""
    from co_tui.modals.copy import copy_text

    try:
        url = asset_web_url(client, asset.id)
    except ValueError as error:
        screen.co_app.say(display(f"No web page: {error}"), severity="warning", timeout=6)
        return
    outcome = open_web_page(url)
    if outcome.opened:
        screen.co_app.say(join("Opened the web page of ", display(asset.name, max_cells=60),
                               " in the browser."), timeout=4)
        return
    copy_text(screen.app, f"web URL (not opened: {outcome.reason})", url, key="o",
              mode=screen.co_app.settings.clipboard,
              note=f"The web page was not opened in a browser: {outcome.reason}.")
