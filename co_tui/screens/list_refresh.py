"""After ``r``: say where the rows went that another client moved away.

Refreshing a list loads its first page again. A row of the old first page that the new one lacks
was archived, restored or deleted elsewhere - or only pushed down by newer assets, or renamed.
Up to :data:`MAX_CHECKED` such rows are checked (reading the asset: a 404 means deleted; then
the search that tells which list holds it) and the user is told, per asset: "'NAME' is now in
the archive bin (A)", "'NAME' is back in My Data (restored elsewhere)", or that it no longer
exists. Rows this session moved itself are not checked (it said so already), nor are rows that
only moved down the list.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from textual.content import Content

from co_tui.safe_text import display, join
from co_tui.screens.gone import gone_message
from co_tui.workers import start_worker

if TYPE_CHECKING:
    from co_tui.api import CodeOceanClient
    from co_tui.api.models import DataAsset
    from co_tui.operations.journal import WriteJournal
    from co_tui.screens.asset_list import AssetListScreen

__all__ = ["MAX_CHECKED", "explain_vanished", "vanished"]

MAX_CHECKED = 10
"""Rows checked after one refresh at most (two or three requests each)."""


def vanished(before: Sequence[DataAsset], after: Sequence[DataAsset],
             journal: WriteJournal) -> list[DataAsset]:
    """Rows of the old first page (``before``) missing from the new one (``after``), that this
    session did not move itself; at most :data:`MAX_CHECKED`."""
    now = {asset.id for asset in after}
    return [asset for asset in before
            if asset.id not in now and not journal.knows(asset.id)][:MAX_CHECKED]


def _where(asset: DataAsset, state: bool | None, *, archived: bool) -> Content | None:
    name = display(asset.name, max_cells=60)
    if state is True and not archived:
        return join("'", name, "' is now in the archive bin (A)")
    if state is False and archived:
        return join("'", name, "' is back in My Data (restored elsewhere)")
    return None  # still where it was (pushed down the list), or search cannot tell


async def _explain(screen: AssetListScreen, client: CodeOceanClient,
                   assets: list[DataAsset], archived: bool) -> None:
    from co_tui.api import ApiError, NotFoundError
    from co_tui.operations.bulk import archived_state

    for asset in assets:
        try:
            with client.caller_reports_missing():  # said here, and the row is gone already
                fresh = await client.data_assets.get_data_asset(asset.id)
        except NotFoundError:
            screen.co_app.say(gone_message(asset.name), severity="warning", timeout=8)
            continue
        except ApiError:
            return  # the list itself reports trouble with the server
        said = _where(fresh, await archived_state(client, fresh), archived=archived)
        if said is not None:
            screen.co_app.say(said, timeout=8)


def explain_vanished(screen: AssetListScreen, assets: list[DataAsset]) -> None:
    """Check ``assets`` (rows a refresh dropped) in a worker of ``screen`` and say where each
    went."""
    if assets and screen.client is not None:
        start_worker(screen, _explain(screen, screen.client, assets, screen.archived),
                     action="checking where the rows went", group="vanished")
