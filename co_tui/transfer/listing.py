"""Turning a download target into the list of files to fetch (one ``files`` call per folder).

A folder or a whole asset is walked level by level with a few listings in flight at once. The
server's listing is untrusted: a folder seen twice is not walked again and nesting deeper than
:data:`~co_tui.transfer.local_names.MAX_DEPTH` stops the walk, so a hostile listing cannot keep it
going for ever. Paths stay raw here; :mod:`co_tui.transfer.local_names` validates them.
"""

from __future__ import annotations

import asyncio
from collections import deque
from typing import TYPE_CHECKING

from co_tui.transfer.download_model import DownloadTarget, RemoteFile, TargetKind
from co_tui.transfer.failures import UnsafePathError
from co_tui.transfer.local_names import MAX_DEPTH, local_parts

if TYPE_CHECKING:
    from co_tui.api.client import CodeOceanClient
    from co_tui.api.models import Folder

__all__ = ["collect_files"]


def _relative(item_path: str, folder_path: str, folder_rel: str, name: str) -> str:
    """The item's path relative to the downloaded folder.

    The server's full path is used when it really lies below the folder being listed; otherwise
    (a listing that names other places) the walk's own names are, so the layout cannot be
    steered outside the downloaded folder.
    """
    prefix = f"{folder_path}/" if folder_path else ""
    if item_path.startswith(prefix) and len(item_path) > len(prefix):
        rest = item_path[len(prefix):]
        return f"{folder_rel}/{rest}" if folder_rel else rest
    return f"{folder_rel}/{name}" if folder_rel else name


async def collect_files(
    client: CodeOceanClient, target: DownloadTarget, *, parallel: int = 4
) -> list[RemoteFile]:
    """Every file of ``target``, sorted by relative path; errors are ``ApiError``\\ s."""
    if target.kind is TargetKind.FILE:
        return [RemoteFile(target.path, target.size, target.name)]
    start = "" if target.kind is TargetKind.ASSET else target.path.strip("/")
    files: list[RemoteFile] = []
    seen = {start}
    pending: deque[tuple[str, str, int]] = deque([(start, "", 0)])
    running: dict[asyncio.Task[Folder], tuple[str, str, int]] = {}
    try:
        while pending or running:
            while pending and len(running) < parallel:
                folder = pending.popleft()
                task = asyncio.ensure_future(
                    client.data_assets.list_data_asset_files(target.asset_id, folder[0])
                )
                running[task] = folder
            done, _ = await asyncio.wait(running, return_when=asyncio.FIRST_COMPLETED)
            for task in done:
                path, rel, depth = running.pop(task)
                for item in task.result().items:
                    child_rel = _relative(item.path, path, rel, item.name)
                    if not item.is_folder:
                        files.append(RemoteFile(item.path, item.size, child_rel))
                        continue
                    if item.path in seen:
                        continue
                    try:
                        local_parts(child_rel)
                    except UnsafePathError:
                        # Never list a folder that could not be written: it becomes one failed
                        # entry (the planner refuses its path) instead of a walk out of bounds.
                        files.append(RemoteFile(item.path, None, child_rel))
                        continue
                    if depth + 1 > MAX_DEPTH:
                        raise UnsafePathError(
                            f"the folder tree is more than {MAX_DEPTH} levels deep",
                            operation="list_data_asset_files",
                        )
                    seen.add(item.path)
                    pending.append((item.path, child_rel, depth + 1))
    finally:
        for task in running:
            task.cancel()
        if running:
            await asyncio.gather(*running, return_exceptions=True)
    files.sort(key=lambda f: f.rel)
    return files
