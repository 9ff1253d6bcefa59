"""Commands that change assets: ``archive``, ``restore`` and ``delete``.

They run the app's own bulk operations (:mod:`co_tui.operations.bulk`): at most one write per
asset, a write whose outcome is unknown is read back and never re-sent, and delete refuses an
asset that is not archived. Ids come from the arguments, or from stdin with ``-`` (one per
line, so ``co-tui ls tag:raw --ids | co-tui archive -`` works). Each asset's outcome is one line
on stderr; stdout gets the ids that were done, one per line, for the next command in a pipe.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from co_tui.script.output import is_terminal, warn
from co_tui.script.session import EXIT, CommandError

if TYPE_CHECKING:
    import argparse

    from co_tui.api import CodeOceanClient
    from co_tui.api.models import DataAsset
    from co_tui.operations.bulk_report import BulkReport

__all__ = ["archive", "delete", "read_ids", "restore"]


def read_ids(given: Sequence[str]) -> list[str]:
    """The ids of ``given``, each ``-`` replaced by the ids read from stdin (blank lines and
    surrounding spaces ignored), duplicates dropped in order; none is a usage error."""
    ids: list[str] = []
    for value in given:
        if value == "-":
            ids.extend(line.strip() for line in sys.stdin if line.strip())
        else:
            ids.append(value.strip())
    unique = list(dict.fromkeys(i for i in ids if i))
    if not unique:
        raise CommandError("no asset ids given", EXIT["usage"])
    return unique


def _finish(report: BulkReport, verb: str) -> int:
    """Print each outcome; exit 0 when all went through, else 1 (or the one asset's code)."""
    from co_tui.operations.bulk_report import Status

    failed = 0
    for result in report.results:
        label = result.asset_id + (f" ({result.name})" if result.name else "")
        if result.status is Status.OK:
            sys.stdout.write(result.asset_id + "\n")
            note = " (confirmed by reading it back)" if result.reconciled else ""
            sys.stderr.write(f"{verb}: {_clean(label)}{note}\n")
        elif result.status is Status.SKIPPED:
            warn(f"{label}: skipped: {result.reason}", prog=f"co-tui {report.action}")
        else:
            failed += 1
            warn(f"{label}: {result.reason or result.status.value}", prog=f"co-tui {report.action}")
    sys.stdout.flush()
    if not failed:
        return EXIT["ok"]
    if len(report.results) == 1:
        reason = report.results[0].reason.lower()
        if "not found" in reason or "deleted" in reason:
            return EXIT["not_found"]
    return EXIT["partial"]


def _clean(text: str) -> str:
    from co_tui.script.output import clean

    return clean(text)


def _placeholders(ids: Sequence[str]) -> list[DataAsset]:
    """Assets known by id only (the operations read what they need)."""
    from co_tui.api.models import DataAsset

    return [DataAsset(id=asset_id) for asset_id in ids]


async def archive(client: CodeOceanClient, args: argparse.Namespace) -> int:
    """Archive each asset."""
    from co_tui.operations.bulk import archive as archive_all

    report = await archive_all(client, _placeholders(read_ids(args.ids)))
    return _finish(report, "archived")


async def restore(client: CodeOceanClient, args: argparse.Namespace) -> int:
    """Restore each archived asset."""
    from co_tui.operations.bulk import restore as restore_all

    report = await restore_all(client, _placeholders(read_ids(args.ids)))
    return _finish(report, "restored")


def _confirm_delete(count: int, yes: bool) -> None:
    """Deleting is permanent: ask on a terminal, and require ``--yes`` anywhere else."""
    if yes:
        return
    if not (is_terminal(sys.stdin) and is_terminal(sys.stderr)):
        raise CommandError("deleting is permanent: add --yes to delete without being asked",
                           EXIT["usage"])
    sys.stderr.write(f"Delete {count} archived asset{'s' if count != 1 else ''} permanently? "
                     "[y/N] ")
    sys.stderr.flush()
    if sys.stdin.readline().strip().lower() not in ("y", "yes"):
        raise CommandError("nothing was deleted", EXIT["partial"])


async def delete(client: CodeOceanClient, args: argparse.Namespace) -> int:
    """Delete each archived asset permanently (an asset that is not archived is refused)."""
    from co_tui.operations.bulk import delete as delete_all

    if "-" in args.ids and not args.yes:
        raise CommandError("ids from stdin: add --yes (there is no terminal left to ask on)",
                           EXIT["usage"])
    ids = read_ids(args.ids)
    _confirm_delete(len(ids), args.yes)
    report = await delete_all(client, _placeholders(ids))
    return _finish(report, "deleted")
