"""``co-tui edit`` and ``co-tui share``: the edit and share dialogs' rules, from the command line.

``edit`` reads the asset, applies the options to the dialog's form (:mod:`co_tui.operations.
metadata`), validates it the same way, and saves only the fields that change, once: an unknown
outcome is read back, never re-sent. ``share`` edits a draft of the permissions
(:mod:`co_tui.operations.sharing`), prints the diff, asks on a terminal (``--yes`` in scripts;
granting owner or opening the asset to everyone is named in the question) and applies it once,
reading back what the server now has.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from co_tui.script.output import clean, is_terminal, json_line, warn
from co_tui.script.session import EXIT, CommandError, exit_code

if TYPE_CHECKING:
    import argparse

    from co_tui.api import CodeOceanClient
    from co_tui.api.models import CustomMetadata
    from co_tui.operations.metadata import MetadataForm
    from co_tui.operations.sharing import PermissionsDraft

__all__ = ["edit", "share"]


def _apply_tags(form: MetadataForm, add: list[str], remove: list[str]) -> None:
    for tag in remove:
        kept = [t for t in form.tags if t.casefold() != tag.strip().casefold()]
        if len(kept) == len(form.tags):
            warn(f"--untag {tag}: the asset has no such tag", prog="co-tui edit")
        form.tags = kept
    for tag in add:
        if all(t.casefold() != tag.strip().casefold() for t in form.tags):
            form.tags.append(tag)


def _apply_meta(form: MetadataForm, pairs: list[str], schema: CustomMetadata | None) -> None:
    known = {spec.name for spec in (schema.fields or [])} if schema else set()
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep:
            raise CommandError(f"--meta {pair!r}: expected KEY=VALUE", EXIT["usage"])
        if key not in known:
            names = ", ".join(sorted(known)) or "none"
            raise CommandError(f"--meta {key}: not a custom metadata field of this deployment "
                               f"(fields: {names})", EXIT["usage"])
        form.custom[key] = value


async def edit(client: CodeOceanClient, args: argparse.Namespace) -> int:
    """Change the name, description, mount, tags or custom metadata of one asset."""
    from co_tui.api.errors import ApiError
    from co_tui.operations.metadata import (
        AssetValues,
        Conflict,
        MetadataForm,
        Saved,
        changed_fields,
        check_form,
        field_labels,
        save_metadata,
    )

    asset = await client.data_assets.get_data_asset(args.id)
    schema = None
    if args.meta:
        try:
            schema = await client.custom_metadata.get_custom_metadata()
        except ApiError as error:
            raise CommandError(f"reading the custom metadata fields failed: {error}",
                               exit_code(error)) from None
    base = AssetValues.of(asset)
    form = MetadataForm.of(base, schema)
    for name in ("name", "description", "mount"):
        if (value := getattr(args, name)) is not None:
            setattr(form, name, value)
    _apply_tags(form, args.tag or [], args.untag or [])
    _apply_meta(form, args.meta or [], schema)
    check = check_form(form, base, schema)
    if not check.ok or check.values is None:
        for key, problem in check.errors.items():
            warn(f"{key}: {problem}", prog="co-tui edit")
        return EXIT["usage"]
    if not changed_fields(base, check.values):
        sys.stderr.write("nothing to change\n")
        return EXIT["ok"]
    result = await save_metadata(client, args.id, base, check.values)
    if isinstance(result, Saved):
        how = " (confirmed by reading it back)" if result.reconciled else ""
        sys.stderr.write(f"saved {clean(field_labels(result.fields))}{how}\n")
        from co_tui.script.read_commands import api_record

        record = api_record(result.asset)
        sys.stdout.write((json_line(record) if args.json else result.asset.id) + "\n")
        return EXIT["ok"]
    if isinstance(result, Conflict):
        labels = field_labels([c.key for c in result.fields])
        warn(f"someone else changed {labels} meanwhile; nothing was saved (run it again)",
             prog="co-tui edit")
        return EXIT["partial"]
    warn(result.message, prog="co-tui edit")
    return exit_code(result.error)


def _edit_draft(draft: PermissionsDraft, args: argparse.Namespace) -> None:
    """Apply ``share``'s options to ``draft`` (a bad one is a usage error)."""
    from co_tui.operations.sharing import SharingError, validate_email

    try:
        for email in args.remove or []:
            entry = draft.find("user", validate_email(email)) or draft.find("group", email)
            if entry is None:
                raise SharingError(f"{email} has no access to remove")
            draft.remove(entry)
        for role, people in (("viewer", args.viewer or []), ("owner", args.owner or [])):
            for email in people:
                entry = draft.find("user", validate_email(email))
                if entry is None:
                    draft.add("user", email, role)
                else:
                    draft.set_role(entry, role)
        for pair in args.group or []:
            name, sep, role = pair.partition("=")
            if not sep:
                raise SharingError(f"--group {pair!r}: expected NAME=ROLE")
            entry = draft.find("group", name)
            if entry is None:
                draft.add("group", name, role)
            else:
                draft.set_role(entry, role)
        if args.everyone is not None:
            draft.set_everyone(args.everyone)
    except SharingError as error:
        raise CommandError(str(error), EXIT["usage"]) from None


def _confirm(question: str, yes: bool) -> None:
    if yes:
        return
    if not (is_terminal(sys.stdin) and is_terminal(sys.stderr)):
        raise CommandError("add --yes to apply this without being asked", EXIT["usage"])
    sys.stderr.write(f"{question} [y/N] ")
    sys.stderr.flush()
    if sys.stdin.readline().strip().lower() not in ("y", "yes"):
        raise CommandError("nothing was changed", EXIT["partial"])


async def share(client: CodeOceanClient, args: argparse.Namespace) -> int:
    """Give or take access to one asset: prints the diff, asks, applies once."""
    from co_tui.operations.sharing import PermissionsDraft, apply_permissions

    asset = await client.data_assets.get_data_asset(args.id)
    permissions = await client.data_assets.get_permissions(args.id)
    draft = PermissionsDraft(permissions, owner_email=asset.owner_email or None)
    _edit_draft(draft, args)
    diff = draft.diff()
    if diff.empty:
        sys.stderr.write("nothing to change\n")
        return EXIT["ok"]
    for change in diff.changes:
        before, after = change.before or "-", change.after or "(removed)"
        sys.stderr.write(f"  {change.kind:12} {clean(change.name):40} {before} -> {after}\n")
    reasons = " ".join(diff.confirmation_reasons())
    _confirm(f"{reasons + ' ' if reasons else ''}Apply {len(diff.changes)} "
             f"change{'s' if len(diff.changes) != 1 else ''} to {clean(asset.name)}?", args.yes)
    result = await apply_permissions(client, args.id, draft)
    sys.stderr.write(clean(result.message) + "\n")
    if not result.landed:
        for change in result.remaining.changes:
            warn(f"not applied: {change.kind} {change.name}: {change.after or 'removed'}",
                 prog="co-tui share")
        return EXIT["partial"]
    return EXIT["ok"]
