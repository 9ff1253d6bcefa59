"""From a :class:`DownloadRequest` to a plan: files, validated local paths, sources, space.

Planning lists the target, turns every server path into validated local parts (a path that
cannot be written safely becomes a failed entry, never a write), gives two server names that
clean up to the same local name distinct numbered names, picks the capsule mount as the source
of each file that it holds with the listed size, and checks the free space before anything is
written (docs/reliability.md, 'Download integrity').
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from co_tui.formatting import format_size
from co_tui.transfer.download_model import DownloadRequest, ExistingPolicy, RemoteFile, TargetKind
from co_tui.transfer.failures import InsufficientSpaceError, LocalFileError, UnsafePathError
from co_tui.transfer.listing import collect_files
from co_tui.transfer.local import find_in_mount, mount_root
from co_tui.transfer.local_names import MAX_PART_BYTES, cap_part, local_parts, numbered_name
from co_tui.transfer.localfs import DiskUsage, SpaceCheck, space_check

if TYPE_CHECKING:
    from co_tui.api.client import CodeOceanClient

__all__ = ["Plan", "PlannedFile", "make_plan"]

_ZIP_ENTRY_OVERHEAD = 200
"""Bytes of headers per archive member beyond twice its name (local + central + ZIP64)."""


@dataclass(frozen=True)
class PlannedFile:
    """One file of the plan: its local parts under the destination (empty when ``error``)."""

    remote: RemoteFile
    parts: tuple[str, ...]
    local_source: Path | None = None
    error: str = ""
    present: bool = False
    """Something of that name was at the destination when the batch was planned and the policy
    is "skip": the file is skipped then and there, with no request for it (a second run of a
    finished download asks the server for nothing)."""


@dataclass(frozen=True)
class Plan:
    """What a batch will do: the resolved destination, the files, the archive name if any."""

    root: Path
    files: list[PlannedFile]
    zip_name: str | None
    space: SpaceCheck


def _top_parts(request: DownloadRequest) -> tuple[str, ...]:
    """The folder a folder or whole asset lands in (one part); nothing for a single file."""
    target = request.target
    if target.kind is TargetKind.FILE:
        return ()
    try:
        return (local_parts(target.name.replace("/", "_"))[0],)
    except UnsafePathError:
        return (cap_part(f"asset-{target.asset_id}".replace("/", "_")),)


def _zip_name(request: DownloadRequest, top: tuple[str, ...]) -> str:
    if request.zip_name is not None:
        parts = local_parts(request.zip_name)  # UnsafePathError: not one plain file name
        if len(parts) != 1 or parts[0] != request.zip_name:
            raise UnsafePathError(f"not a plain file name for the archive: {request.zip_name!r}")
        return parts[0]
    target = request.target
    base = top[0] if top else target.name.replace("/", "_")
    try:
        stem = local_parts(base)[0]
    except UnsafePathError:
        stem = "download"
    return cap_part(stem, MAX_PART_BYTES - 4) + ".zip"


def _unique(parts: tuple[str, ...], seen: set[str]) -> tuple[str, ...]:
    key = "/".join(parts)
    number = 0
    while key in seen:
        number += 1
        parts = (*parts[:-1], numbered_name(parts[-1], number))
        key = "/".join(parts)
    seen.add(key)
    return parts


def _resolve_destination(destination: Path) -> Path:
    path = destination.expanduser()
    try:
        path.mkdir(parents=True, exist_ok=True)
        resolved = path.resolve(strict=True)
    except OSError as exc:
        raise LocalFileError(f"cannot use the destination folder: {exc.strerror or exc}") from exc
    if not resolved.is_dir():
        raise LocalFileError("the destination is not a folder")
    return resolved


def _locate(files: list[RemoteFile], top: tuple[str, ...], mount: Path | None
            ) -> list[PlannedFile]:
    """Validated local parts and mount sources for every file (blocking: stats the mount)."""
    seen: set[str] = set()
    planned: list[PlannedFile] = []
    for remote in files:
        try:
            parts = _unique((*top, *local_parts(remote.rel)), seen)
        except UnsafePathError as exc:
            planned.append(PlannedFile(remote, (), error=exc.message))
            continue
        source = None if mount is None else find_in_mount(mount, remote.path, remote.size)
        planned.append(PlannedFile(remote, parts, source))
    return planned


def _mark_present(root: Path, planned: list[PlannedFile]) -> list[PlannedFile]:
    """``planned`` with :attr:`PlannedFile.present` set for the names the destination has
    (each folder listed once, not a ``stat`` per file; a folder that cannot be listed has none)."""
    names: dict[tuple[str, ...], frozenset[str]] = {}
    marked: list[PlannedFile] = []
    for f in planned:
        if f.error:
            marked.append(f)
            continue
        folder = f.parts[:-1]
        if folder not in names:
            try:
                names[folder] = frozenset(os.listdir(root.joinpath(*folder)))
            except OSError:
                names[folder] = frozenset()
        marked.append(replace(f, present=True) if f.parts[-1] in names[folder] else f)
    return marked


def _needed_bytes(planned: list[PlannedFile], zip_name: str | None) -> int:
    """Bytes the batch will write (files that will be skipped do not count)."""
    if zip_name is not None:
        return sum((f.remote.size or 0) + 2 * len("/".join(f.parts).encode())
                   + _ZIP_ENTRY_OVERHEAD for f in planned if not f.error)
    return sum(f.remote.size or 0 for f in planned if not f.error and not f.present)


async def make_plan(
    client: CodeOceanClient,
    request: DownloadRequest,
    *,
    env: Mapping[str, str],
    data_root: Path | None,
    disk_usage: DiskUsage,
    parallel: int = 4,
) -> Plan:
    """List and plan ``request``; raises ``ApiError``\\ s (listing, destination, free space)."""
    root = await asyncio.to_thread(_resolve_destination, request.destination)
    files = await collect_files(client, request.target, parallel=parallel)
    top = _top_parts(request)
    mount = await asyncio.to_thread(mount_root, request.target.mount, env=env,
                                    data_root=data_root)
    planned = await asyncio.to_thread(_locate, files, top, mount)
    zip_name = _zip_name(request, top) if request.as_zip else None
    if zip_name is None and request.policy is ExistingPolicy.SKIP:
        planned = await asyncio.to_thread(_mark_present, root, planned)
    needed = _needed_bytes(planned, zip_name)
    space = await asyncio.to_thread(space_check, str(root), needed, disk_usage)
    if not space.ok:
        raise InsufficientSpaceError(
            f"not enough free space: {format_size(space.needed)} needed (with a safety margin), "
            f"{format_size(space.free)} free - free {format_size(space.shortfall)} more",
            needed=space.needed, free=space.free,
        )
    return Plan(root, planned, zip_name, space)
