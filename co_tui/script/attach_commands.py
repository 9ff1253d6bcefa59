"""``co-tui attach`` and ``co-tui detach``: the capsule this runs in and its data assets.

Only inside a capsule or cloud workstation, where Code Ocean sets ``CO_CAPSULE_ID``; anywhere
else they stop with exit 2 before any request. They run the app's operations
(:mod:`co_tui.operations.attach`): one request per asset, so one refusal does not sink the others,
and a lost answer is read back, never re-sent. Each asset's outcome is a line on stderr; the
ids done go to stdout, one per line. Ids come from the arguments or stdin (``-``).
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from co_tui.script.output import clean, warn
from co_tui.script.session import EXIT, CommandError, exit_code
from co_tui.script.write_commands import read_ids

if TYPE_CHECKING:
    import argparse

    from co_tui.api import CodeOceanClient
    from co_tui.api.models import DataAsset
    from co_tui.operations.attach import AssetOutcome, BulkOutcome

__all__ = ["attach", "detach"]


def _capsule(verb: str) -> str:
    from co_tui.operations.attach import CAPSULE_ENV, current_capsule_id

    capsule_id = current_capsule_id()
    if capsule_id is None:
        raise CommandError(f"{verb} works inside a Code Ocean capsule or cloud workstation "
                           f"({CAPSULE_ENV} is not set here)", EXIT["usage"])
    return capsule_id


def _workstation_run() -> str | None:
    """The running cloud workstation's computation, whose /data an attach changes at once."""
    from co_tui.operations.capsule_attached import current_computation_id

    return current_computation_id()


async def _assets(client: CodeOceanClient, ids: list[str], verb: str
                  ) -> tuple[list[DataAsset], list[AssetOutcome]]:
    """The assets to act on, read by id; one that cannot be read is a failed outcome."""
    from co_tui.api.errors import ApiError
    from co_tui.operations.attach import AssetOutcome

    found: list[DataAsset] = []
    failed: list[AssetOutcome] = []
    for asset_id in ids:
        try:
            found.append(await client.data_assets.get_data_asset(asset_id))
        except ApiError as error:
            if len(ids) == 1:
                raise
            failed.append(AssetOutcome(asset_id, "", False, f"not {verb}ed: {error.message}",
                                       error=error))
    return found, failed


def _finish(outcome: BulkOutcome, early: list[AssetOutcome]) -> int:
    prog = f"co-tui {outcome.action}"
    results = [*early, *outcome.outcomes]
    for result in results:
        label = result.asset_id + (f" ({result.name})" if result.name else "")
        if result.ok:
            sys.stdout.write(result.asset_id + "\n")
            sys.stderr.write(f"{clean(label)}: {clean(result.message)}\n")
        else:
            warn(f"{label}: {result.message}", prog=prog)
    sys.stdout.flush()
    failed = [r for r in results if not r.ok]
    if not failed:
        return EXIT["ok"]
    if len(results) == 1 and failed[0].error is not None:
        return exit_code(failed[0].error)
    return EXIT["partial"]


async def attach(client: CodeOceanClient, args: argparse.Namespace) -> int:
    """Attach each asset to this capsule (at its own mount, or ``--mount`` for one asset); in a
    cloud workstation, to its running computation."""
    from co_tui.operations.attach import attach_assets

    capsule_id = _capsule("attach")
    ids = read_ids(args.ids)
    if args.mount and len(ids) != 1:
        raise CommandError("--mount works with one asset", EXIT["usage"])
    if args.mount:
        from co_tui.operations.create_form import validate_mount

        try:
            validate_mount(args.mount)
        except ValueError as problem:
            raise CommandError(f"--mount: {problem}", EXIT["usage"]) from None
    assets, early = await _assets(client, ids, "attach")
    mounts = {ids[0]: args.mount} if args.mount else None
    return _finish(await attach_assets(client, capsule_id, assets, mounts=mounts,
                                       computation_id=_workstation_run()), early)


async def detach(client: CodeOceanClient, args: argparse.Namespace) -> int:
    """Detach each asset from this capsule (in a cloud workstation, from its computation)."""
    from co_tui.operations.attach import detach_assets

    capsule_id = _capsule("detach")
    assets, early = await _assets(client, read_ids(args.ids), "detach")
    return _finish(await detach_assets(client, capsule_id, assets,
                                       computation_id=_workstation_run()), early)
