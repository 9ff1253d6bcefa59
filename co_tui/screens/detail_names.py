"""The names behind the ids an asset detail shows: its capsule or computation, and the input
and contained data assets (each one request, side by side).

A name the user may not see, or that no longer exists, becomes "unavailable"; any other error
is shown through the app's error funnel and the id stays on screen.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from co_tui.api import ApiError, NotFoundError, PermissionDeniedError
from co_tui.widgets.overview import UNAVAILABLE

if TYPE_CHECKING:
    from co_tui.api import CodeOceanClient
    from co_tui.api.models import DataAsset
    from co_tui.app import CoTuiApp

__all__ = ["learn_names"]


async def learn_names(app: CoTuiApp, client: CodeOceanClient, asset: DataAsset,
                      names: dict[str, str], linked: dict[str, DataAsset | str]) -> None:
    """Fill ``names`` (capsule and computation ids -> names) and ``linked`` (asset ids -> the
    asset, or why it is not shown) with what ``asset`` refers to and they lack."""
    prov = asset.provenance
    jobs: list[asyncio.Future[None] | asyncio.Task[None]] = []
    if prov is not None and prov.capsule and prov.capsule not in names:
        jobs.append(asyncio.ensure_future(_name_capsule(app, client, prov.capsule, names)))
    if prov is not None and prov.computation and prov.computation not in names:
        jobs.append(asyncio.ensure_future(
            _name_computation(app, client, prov.computation, names)))
    ids = list((prov.data_assets or []) if prov else [])
    ids += [c.id for c in asset.contained_data_assets or [] if c.id]
    for asset_id in dict.fromkeys(ids):
        if asset_id not in linked:
            jobs.append(asyncio.ensure_future(_name_asset(app, client, asset_id, linked)))
    if jobs:
        await asyncio.gather(*jobs)


async def _name_capsule(app: CoTuiApp, client: CodeOceanClient, capsule_id: str,
                        names: dict[str, str]) -> None:
    try:
        names[capsule_id] = (await client.capsules.get_capsule(capsule_id)).name
    except (NotFoundError, PermissionDeniedError):
        names[capsule_id] = UNAVAILABLE
    except ApiError as error:
        app.show_error(error, action="loading the capsule's name")


async def _name_computation(app: CoTuiApp, client: CodeOceanClient, computation_id: str,
                            names: dict[str, str]) -> None:
    try:
        computation = await client.computations.get_computation(computation_id)
        names[computation_id] = computation.name or computation_id
    except (NotFoundError, PermissionDeniedError):
        names[computation_id] = UNAVAILABLE
    except ApiError as error:
        app.show_error(error, action="loading the computation's name")


async def _name_asset(app: CoTuiApp, client: CodeOceanClient, asset_id: str,
                      linked: dict[str, DataAsset | str]) -> None:
    try:
        linked[asset_id] = await client.data_assets.get_data_asset(asset_id)
    except (NotFoundError, PermissionDeniedError):
        linked[asset_id] = UNAVAILABLE
    except ApiError as error:
        linked[asset_id] = "could not load"
        app.show_error(error, action="loading a linked data asset")
