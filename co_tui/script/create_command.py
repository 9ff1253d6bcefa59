"""``co-tui create``: a new data asset from an S3 bucket, a run's results or external assets.

The options fill the create dialog's form (:mod:`co_tui.operations.create_form`), which is
checked the same way (custom metadata against the deployment's fields, required ones included)
before anything is sent; a computation is looked up first, as the dialog does, so a failed or
running one is refused at once. The request is sent exactly once
(:func:`~co_tui.operations.create_once.create_data_asset_once`: a lost answer is looked for by
search, never re-sent). The new id goes to stdout at once (or the asset as JSON with ``--json``);
``--wait`` then follows its state with growing pauses
(:func:`~co_tui.operations.create_once.wait_until_settled`), each change a line on stderr, and
exits 1 with the server's reason when it fails.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from co_tui.script.output import clean, json_line, warn
from co_tui.script.session import EXIT, CommandError

if TYPE_CHECKING:
    import argparse

    from co_tui.api import CodeOceanClient
    from co_tui.api.models import CustomMetadata, DataAsset
    from co_tui.operations.create_form import CreateForm

__all__ = ["create"]

PROG = "co-tui create"
_OPTION = {"bucket": "--s3", "endpoint_name": "--endpoint", "computation_id": "--computation",
           "path": "--path", "parts": "--combine", "name": "--name", "mount": "--mount",
           "tags": "--tag", "description": "--description"}
"""The create form's field names as the options that fill them."""


def _custom(pairs: list[str]) -> dict[str, str]:
    custom: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise CommandError(f"--meta {pair!r}: expected KEY=VALUE", EXIT["usage"])
        custom[key] = value
    return custom


async def _form(client: CodeOceanClient, args: argparse.Namespace) -> CreateForm:
    """The dialog's form for the options (the parts of ``--combine`` are read first)."""
    from co_tui.operations.create_form import CombinedPart, CreateForm, SourceKind

    common = {"name": args.name, "description": args.description, "mount": args.mount or "",
              "tags": ",".join(t.replace(",", " ") for t in args.tag or []),
              "custom": _custom(args.meta or [])}
    if args.s3 is not None:
        bucket, _, prefix = args.s3.removeprefix("s3://").partition("/")
        return CreateForm(SourceKind.S3, bucket=bucket, prefix=prefix,
                          endpoint_name=args.endpoint, keep_on_external_storage=args.external,
                          public=args.public, **common)
    if args.computation is not None:
        return CreateForm(SourceKind.COMPUTATION, computation_id=args.computation,
                          path=args.path, **common)
    parts = [CombinedPart.of(await client.data_assets.get_data_asset(asset_id))
             for asset_id in dict.fromkeys(args.combine)]
    return CreateForm(SourceKind.COMBINED, parts=tuple(parts), **common)


async def _check_computation(client: CodeOceanClient, computation_id: str) -> None:
    from co_tui.operations.create_form import computation_problem
    from co_tui.operations.create_once import lookup_computation

    try:
        computation = await lookup_computation(client, computation_id)
    except ValueError as invalid:
        raise CommandError(f"--computation: {invalid}", EXIT["usage"]) from None
    problem = computation_problem(computation)
    if problem:
        raise CommandError(f"--computation {computation_id}: {problem}", EXIT["usage"])


async def _schema(client: CodeOceanClient) -> CustomMetadata | None:
    """The deployment's custom-metadata fields (None on a server without the endpoint)."""
    from co_tui.api.errors import NotFoundError

    try:
        return await client.custom_metadata.get_custom_metadata()
    except NotFoundError:
        return None


def _option(key: str) -> str:
    if key.startswith("custom:"):
        return f"--meta {key.removeprefix('custom:')}"
    return _OPTION.get(key, key)


async def create(client: CodeOceanClient, args: argparse.Namespace) -> int:
    """Create one data asset; print its id; with ``--wait``, follow it until ready or failed."""
    from co_tui.operations.create_form import FormErrors, build_params
    from co_tui.operations.create_once import CreateNotConfirmedError, create_data_asset_once

    if args.s3 is None and (args.external or args.public or args.endpoint):
        raise CommandError("--external, --public and --endpoint go with --s3", EXIT["usage"])
    if args.computation is None and args.path:
        raise CommandError("--path goes with --computation", EXIT["usage"])
    form = await _form(client, args)
    schema = await _schema(client)
    try:
        params = build_params(form, schema)
    except FormErrors as invalid:
        for key, problem in invalid.errors.items():
            warn(f"{_option(key)}: {problem}", prog=PROG)
        return EXIT["usage"]
    if args.computation is not None:
        await _check_computation(client, args.computation)

    def waiting(message: str) -> None:
        sys.stderr.write(clean(message) + "\n")

    try:
        result = await create_data_asset_once(client, params, on_wait=waiting)
    except CreateNotConfirmedError as lost:
        raise CommandError(str(lost), EXIT["network"]) from None
    asset = result.asset
    if result.recovered:
        sys.stderr.write("the answer was lost; found the new asset by searching (not re-sent)\n")
    if not args.wait:
        _print(asset, args.json)
        return EXIT["ok"]
    sys.stdout.write("" if args.json else clean(asset.id) + "\n")
    sys.stdout.flush()
    final = await _follow(client, asset)
    if args.json:
        _print(final, True)
    if final.state == "failed":
        warn(f"{final.id}: failed: {final.failure_reason or 'no reason given'}", prog=PROG)
        return EXIT["partial"]
    return EXIT["ok"]


def _print(asset: DataAsset, as_json: bool) -> None:
    from co_tui.script.read_commands import api_record

    sys.stdout.write((json_line(api_record(asset)) if as_json else clean(asset.id)) + "\n")
    sys.stdout.flush()


async def _follow(client: CodeOceanClient, asset: DataAsset) -> DataAsset:
    """Poll until ready or failed (2 s, then longer pauses up to 30 s), telling each state."""
    from co_tui.operations.create_once import wait_until_settled

    sys.stderr.write(f"{clean(asset.id)}: {clean(asset.state)}\n")

    def changed(current: DataAsset) -> None:  # called on each change only
        sys.stderr.write(f"{clean(current.id)}: {clean(current.state)}\n")

    return await wait_until_settled(client, asset, on_change=changed)
