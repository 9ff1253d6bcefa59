"""Attaching data assets to the capsule this app runs in, and detaching them.

Inside a Code Ocean capsule or cloud workstation the platform sets ``CO_CAPSULE_ID``;
:func:`current_capsule_id` reads it, and is ``None`` anywhere else, where
the dialogs offer no attach / detach at all.

A running cloud workstation also sets ``CO_COMPUTATION_ID`` (the run). There, an attach or a
detach goes to that run, ``/computations/{id}/data_assets``, which mounts or unmounts the asset
under ``/data`` at once; ``/capsules/{id}/data_assets`` would change the capsule's own list, for
its next runs, and leave the workstation as it is. The callers pass ``computation_id``
(:func:`co_tui.operations.capsule_attached.current_computation_id`).

:func:`attach_assets` and :func:`detach_assets` act on a selection one asset at a time, so each
asset gets its own result (one asset the user may not attach does not sink the others), and
report a :class:`BulkOutcome`. Both are writes: when an answer is lost they read back with
:func:`~co_tui.api.capsules.find_attached` instead of sending again.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from co_tui.api.capsules import AttachedTo, AttachTarget, find_attached
from co_tui.api.errors import ApiError
from co_tui.api.models import DataAsset, DataAssetAttachParams

if TYPE_CHECKING:
    from co_tui.api.client import CodeOceanClient

__all__ = [
    "CAPSULE_ENV",
    "AssetOutcome",
    "BulkOutcome",
    "attach_assets",
    "current_capsule_id",
    "detach_assets",
    "is_attached_to",
    "refresh_attached",
]

CAPSULE_ENV = "CO_CAPSULE_ID"
"""Set by the platform inside capsules and cloud workstations."""


def current_capsule_id(env: Mapping[str, str] | None = None) -> str | None:
    """The capsule this app runs in (``CO_CAPSULE_ID``), or ``None`` outside a capsule."""
    value = (os.environ if env is None else env).get(CAPSULE_ENV, "").strip()
    return value or None


@dataclass(frozen=True, slots=True)
class AssetOutcome:
    """What happened to one asset. ``message`` is for the user; ``error`` is the failure, if any.

    ``read_back`` is True when the answer was lost and the result comes from reading back.
    """

    asset_id: str
    name: str
    ok: bool
    message: str
    mount: str | None = None
    ready: bool | None = None
    error: ApiError | None = None
    read_back: bool = False


@dataclass(frozen=True, slots=True)
class BulkOutcome:
    """The per-asset results of attaching or detaching a selection."""

    action: Literal["attach", "detach"]
    capsule_id: str
    outcomes: tuple[AssetOutcome, ...]

    @property
    def succeeded(self) -> tuple[AssetOutcome, ...]:
        """The assets that were attached / detached."""
        return tuple(o for o in self.outcomes if o.ok)

    @property
    def failed(self) -> tuple[AssetOutcome, ...]:
        """The assets that were not."""
        return tuple(o for o in self.outcomes if not o.ok)

    def summary(self) -> str:
        """One line: ``"Attached 2 of 3 data assets; failed: x (reason)"``."""
        verb = "Attached" if self.action == "attach" else "Detached"
        total = len(self.outcomes)
        noun = "data asset" if total == 1 else "data assets"
        line = f"{verb} {len(self.succeeded)} of {total} {noun}"
        if self.failed:
            reasons = "; ".join(f"{o.name}: {o.message}" for o in self.failed[:3])
            more = f" (+{len(self.failed) - 3} more)" if len(self.failed) > 3 else ""
            line += f"; failed: {reasons}{more}"
        return line + "."


def is_attached_to(attached: AttachedTo, capsule_id: str) -> bool:
    """True when ``capsule_id`` is among the capsules or pipelines of ``attached``."""
    return any(c.id == capsule_id for c in (*attached.capsules, *attached.pipelines))


async def refresh_attached(client: CodeOceanClient, asset_id: str) -> AttachedTo:
    """The capsules and pipelines that use ``asset_id`` now (a search, so a hint: 3.14)."""
    return await find_attached(client, asset_id)


async def _attached_now(client: CodeOceanClient, asset_id: str, capsule_id: str,
                        computation_id: str | None) -> bool:
    if computation_id is not None:
        run = await client.computations.get_computation(computation_id)
        return any(attached.id == asset_id for attached in run.data_assets or ())
    return is_attached_to(await find_attached(client, asset_id), capsule_id)


def _endpoint(client: CodeOceanClient, capsule_id: str,
              computation_id: str | None) -> tuple[AttachTarget, str]:
    """Where an attach or a detach goes: the workstation's run when there is one, else the
    capsule (see the module docstring)."""
    if computation_id is not None:
        return client.computations, computation_id
    return client.capsules, capsule_id


async def attach_assets(
    client: CodeOceanClient,
    capsule_id: str,
    assets: Sequence[DataAsset],
    *,
    mounts: Mapping[str, str] | None = None,
    computation_id: str | None = None,
) -> BulkOutcome:
    """Attach each asset to the capsule at its mount (``mounts`` by asset id, else its own);
    with ``computation_id``, to that running cloud workstation.

    Two assets of the selection that would share a mount folder cannot both be attached: the
    second one fails before any request. A rejected request fails only its own asset.
    """
    outcomes: list[AssetOutcome] = []
    taken: dict[str, str] = {}
    for asset in assets:
        mount = (mounts or {}).get(asset.id) or asset.mount
        if mount in taken:
            outcomes.append(AssetOutcome(
                asset.id, asset.name, False,
                f"mount {mount!r} is already used by {taken[mount]} in this selection",
                mount=mount,
            ))
            continue
        taken[mount] = asset.name
        outcomes.append(await _attach_one(client, capsule_id, asset, mount, computation_id))
    return BulkOutcome("attach", capsule_id, tuple(outcomes))


async def _attach_one(
    client: CodeOceanClient, capsule_id: str, asset: DataAsset, mount: str,
    computation_id: str | None,
) -> AssetOutcome:
    params = [DataAssetAttachParams(id=asset.id, mount=mount or None)]
    endpoint, target = _endpoint(client, capsule_id, computation_id)
    try:
        results = await endpoint.attach_data_assets(target, params)
    except ApiError as error:
        if not error.outcome_unknown:
            return AssetOutcome(asset.id, asset.name, False, error.message, mount=mount,
                                error=error)
        return await _read_back(client, capsule_id, asset, error, want_attached=True,
                                mount=mount, computation_id=computation_id)
    result = next((r for r in results if r.id == asset.id), None)
    ready = None if result is None else result.ready
    mount = (result.mount if result is not None and result.mount else mount)
    message = f"attached at /data/{mount}" if ready is not False else (
        f"attached at /data/{mount}; it mounts once the asset is ready"
    )
    return AssetOutcome(asset.id, asset.name, True, message, mount=mount, ready=ready)


async def detach_assets(
    client: CodeOceanClient, capsule_id: str, assets: Sequence[DataAsset],
    *, computation_id: str | None = None,
) -> BulkOutcome:
    """Detach each asset from the capsule (one request per asset, for per-asset results);
    with ``computation_id``, from that running cloud workstation."""
    outcomes: list[AssetOutcome] = []
    endpoint, target = _endpoint(client, capsule_id, computation_id)
    for asset in assets:
        try:
            await endpoint.detach_data_assets(target, [asset.id])
        except ApiError as error:
            if not error.outcome_unknown:
                outcomes.append(AssetOutcome(asset.id, asset.name, False, error.message,
                                             error=error))
                continue
            outcomes.append(await _read_back(client, capsule_id, asset, error,
                                             want_attached=False,
                                             computation_id=computation_id))
            continue
        outcomes.append(AssetOutcome(asset.id, asset.name, True, "detached"))
    return BulkOutcome("detach", capsule_id, tuple(outcomes))


async def _read_back(
    client: CodeOceanClient,
    capsule_id: str,
    asset: DataAsset,
    error: ApiError,
    *,
    want_attached: bool,
    mount: str | None = None,
    computation_id: str | None = None,
) -> AssetOutcome:
    """Learn from the server whether a write whose answer was lost took effect; never re-send."""
    try:
        attached = await _attached_now(client, asset.id, capsule_id, computation_id)
    except ApiError:
        return AssetOutcome(asset.id, asset.name, False,
                            "the answer was lost and reading back failed: refresh to see",
                            mount=mount, error=error, read_back=True)
    landed = attached == want_attached
    done = "attached" if want_attached else "detached"
    message = (f"{done} (the answer was lost; reading back confirms it)" if landed
               else f"not {done}: the answer was lost and nothing was re-sent")
    return AssetOutcome(asset.id, asset.name, landed, message, mount=mount,
                        error=None if landed else error, read_back=True)
