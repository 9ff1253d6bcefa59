"""``co-tui download``: files, folders or a whole asset to a local folder or one zip archive.

The app's download engine does the work (:mod:`co_tui.transfer`): listing, safe local names (a
server path that climbs out of the destination is refused, never written), free-space check,
parallel transfers, a temp file per file that is size-checked and then renamed into place, and
resuming a large file where an earlier run stopped. Inside a capsule, a file of an asset mounted
under ``/data`` is copied from the mount instead of downloaded. This module only chooses what to
download, follows the engine and reports:

* stderr: a progress bar when stderr is a terminal, then a summary line; each file that failed
  is named with its reason (and the exit code is 1);
* stdout, when it is not a terminal: the local path of each file written or already there, one
  per line, for the next command in a pipe.
"""

from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from co_tui.formatting import format_size, plural
from co_tui.script.output import clean, is_terminal, warn
from co_tui.script.session import EXIT, CommandError

if TYPE_CHECKING:
    import argparse

    from co_tui.api import CodeOceanClient
    from co_tui.api.models import DataAsset
    from co_tui.transfer import Batch, DownloadEngine, DownloadRequest, DownloadTarget

__all__ = ["download", "resolve_targets"]

PROG = "co-tui download"


async def _target_of(client: CodeOceanClient, asset: DataAsset, path: str) -> DownloadTarget:
    """The file or folder ``path`` of ``asset`` (found in its parent's listing)."""
    from co_tui.api.errors import NotFoundError
    from co_tui.transfer import DownloadTarget

    wanted = "/".join(part for part in path.split("/") if part)
    if not wanted:
        return DownloadTarget.for_asset(asset)
    parent, _, name = wanted.rpartition("/")
    try:
        folder = await client.data_assets.list_data_asset_files(asset.id, parent)
    except NotFoundError:
        folder = None
    items = folder.items if folder is not None else []
    found = next((i for i in items if i.path.strip("/") == wanted), None) or next(
        (i for i in items if i.name == name), None)
    if found is not None:
        return DownloadTarget.for_item(asset, found)
    raise CommandError(f"{path}: no such file or folder in {asset.name or asset.id}",
                       EXIT["not_found"])


async def resolve_targets(client: CodeOceanClient, asset: DataAsset,
                          paths: list[str]) -> list[DownloadTarget]:
    """What to download: the whole asset without ``paths``, else each path (a missing one is
    a :class:`CommandError`, exit 4, before anything is written)."""
    from co_tui.transfer import DownloadTarget

    if not paths:
        return [DownloadTarget.for_asset(asset)]
    unique = list(dict.fromkeys(paths))
    return list(await asyncio.gather(*(_target_of(client, asset, p) for p in unique)))


def _requests(args: argparse.Namespace, targets: list[DownloadTarget]) -> list[DownloadRequest]:
    """The download requests the arguments ask for: one archive (``--zip``), or every target
    into the destination folder (``--to``, else the working folder)."""
    from co_tui.transfer import DownloadRequest, ExistingPolicy

    policy = ExistingPolicy(args.policy)
    if args.zip is not None:
        if len(targets) > 1:
            raise CommandError("--zip makes one archive of the whole asset or of one PATH; "
                               "run it once per PATH", EXIT["usage"])
        archive = Path(args.zip).expanduser()
        if not archive.name or archive.name in (".", ".."):
            raise CommandError(f"--zip {args.zip!r}: give a file name", EXIT["usage"])
        return [DownloadRequest(targets[0], archive.parent, as_zip=True, policy=policy,
                                zip_name=archive.name)]
    destination = Path(args.to).expanduser() if args.to else Path.cwd()
    return [DownloadRequest(t, destination, policy=policy) for t in targets]


async def download(client: CodeOceanClient, args: argparse.Namespace) -> int:
    """Download an asset, or some of its files and folders, with the app's engine."""
    from co_tui.transfer import DownloadEngine

    asset = await client.data_assets.get_data_asset(args.id)
    targets = await resolve_targets(client, asset, list(args.paths))
    requests = _requests(args, targets)
    engine = DownloadEngine(client, max_parallel=args.parallel)
    started = time.monotonic()
    try:
        batches = [engine.submit(request) for request in requests]
        waiting = asyncio.ensure_future(asyncio.gather(*(b.wait() for b in batches)))
        if is_terminal(sys.stderr):
            from co_tui.script.progress import follow_with_bar

            await follow_with_bar(engine, waiting)
        await waiting
    except asyncio.CancelledError:  # ctrl+c: the engine keeps what can resume
        sys.stderr.write("interrupted: run the same command again to resume\n")
        raise
    finally:
        await engine.aclose()
    return _report(engine, batches, time.monotonic() - started)


def _report(engine: DownloadEngine, batches: list[Batch], seconds: float) -> int:
    """Name each failure on stderr, the paths on stdout (in a pipe), a summary; the exit code."""
    from co_tui.transfer import ItemState

    pipe = not is_terminal(sys.stdout)
    problems: list[str] = []
    done = skipped = from_mount = resumable = written = 0
    roots: list[Path] = []
    for batch in batches:
        if batch.error:
            problems.append(f"{batch.request.target.name}: {batch.error}")
        if batch.root is not None and batch.root not in roots:
            roots.append(batch.root)
        summary = batch.summary()
        resumable += summary.kept_partial
        written += summary.bytes
        for item in batch.items:
            if item.state is ItemState.DONE:
                done += 1
                from_mount += item.from_mount
            elif item.state is ItemState.SKIPPED:
                skipped += 1
            elif item.state.finished:
                problems.append(f"{item.label}: {item.error or item.state.value}")
                continue
            if pipe and item.path is not None:
                sys.stdout.write(clean(str(item.path)) + "\n")
    for message in engine.totals().messages:  # e.g. a file left out of an archive
        if message not in problems:
            problems.append(message)
    sys.stdout.flush()
    for problem in problems:
        warn(problem, prog=PROG)
    where = f" to {clean(str(roots[0]))}" if len(roots) == 1 else ""
    line = f"{plural(done, 'file')} downloaded ({format_size(written)}){where} in {seconds:.1f} s"
    if from_mount:
        line += f"; {from_mount:,} copied from the capsule's /data"
    if skipped:
        line += f"; {skipped:,} skipped (already there: --overwrite replaces them)"
    if problems:
        line += f"; {plural(len(problems), 'problem')}"
    if resumable:
        line += f"; run it again to resume {plural(resumable, 'file')}"
    sys.stderr.write(line + "\n")
    return EXIT["partial"] if problems else EXIT["ok"]
