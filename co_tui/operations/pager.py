"""Reading a whole file in the user's pager (``o`` in the Files tab), without a UI.

The preview shows the first 256 KiB; a log of a few MB is better read whole in ``less``. The
file is fetched into a private temporary folder (or, inside a capsule, read from its
``/data/<mount>`` copy), then the app suspends and runs ``$PAGER`` on it. Everything but the
suspending is here; the Files tab (:class:`~co_tui.widgets.files_pane.FilesPane`) suspends the
app around :func:`run_pager`.

The pager gets the file's raw bytes: ``less`` (the default) shows control characters as
``^[`` and co-tui never adds ``-R``. A ``$PAGER`` that writes bytes straight to the terminal
(``cat``) is the user's own choice.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shlex
import shutil
import tempfile
from collections.abc import AsyncIterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from co_tui.children import run_child
from co_tui.formatting import format_size
from co_tui.transfer import UnsafePathError, local_file
from co_tui.transfer.fetch import FdSink
from co_tui.transfer.local import DATA_ROOT
from co_tui.transfer.local_names import local_parts

if TYPE_CHECKING:
    from co_tui.api.client import CodeOceanClient
    from co_tui.api.models import DataAsset, FolderItem

__all__ = [
    "PAGER_MAX_BYTES",
    "fetch_for_pager",
    "pager_command",
    "pager_copy",
    "run_pager",
    "too_big_for_pager",
]

PAGER_MAX_BYTES = 256 * 1024 * 1024
"""Files up to this size open in the pager; bigger ones are for ``d`` (download)."""


def pager_command(env: Mapping[str, str] | None = None) -> list[str] | None:
    """The pager to run: ``$PAGER`` (split as a shell would), else ``less``, else ``more``;
    ``None`` when there is none."""
    env = os.environ if env is None else env
    chosen = env.get("PAGER", "").strip()
    if chosen:
        try:
            words = shlex.split(chosen)
        except ValueError:
            return None
        return words if words and shutil.which(words[0]) else None
    for name in ("less", "more"):
        if shutil.which(name):
            return [name]
    return None


def too_big_for_pager(item: FolderItem) -> str | None:
    """What to tell the user when ``item`` is too big for the pager, or ``None``."""
    if item.size is not None and item.size > PAGER_MAX_BYTES:
        return (f"{item.name} is {format_size(item.size)}: too big for the pager (up to "
                f"{format_size(PAGER_MAX_BYTES)}); d downloads it.")
    return None


def _local_name(item: FolderItem) -> str:
    """The temporary copy's name: the file's own name as the download paths validate it (the
    pager shows it), or ``file`` when there is none. The copy's path is absolute, so a name
    that starts with ``-`` is never read as an option."""
    try:
        return local_parts(item.path or item.name)[-1]
    except UnsafePathError:
        return "file"


async def fetch_for_pager(
    client: CodeOceanClient, asset: DataAsset, item: FolderItem, folder: Path,
    *, data_root: Path = DATA_ROOT,
) -> Path:
    """The file to open: the capsule's local copy when there is one, else a download of it into
    ``folder`` (a private temporary folder the caller removes)."""
    local = await asyncio.to_thread(local_file, asset, item.path, size=item.size,
                                    data_root=data_root)
    if local is not None:
        return local
    urls = await client.data_assets.get_data_asset_file_urls(asset.id, item.path)
    target = folder / _local_name(item)
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    try:
        # bounded by the listed size: a host sending on cannot fill the temporary folder
        await client.files.download(urls.download_url or urls.view_url, FdSink(fd), size=item.size)
    finally:
        os.close(fd)
    return target


@contextlib.asynccontextmanager
async def pager_copy(
    client: CodeOceanClient, asset: DataAsset, item: FolderItem, *, data_root: Path = DATA_ROOT,
) -> AsyncIterator[Path]:
    """The file to hand to the pager (:func:`fetch_for_pager` into a private temporary folder,
    0700), removed with its folder on leaving the block. Raises ``ApiError`` or ``OSError``
    when the file cannot be fetched or kept."""
    folder = Path(tempfile.mkdtemp(prefix="co-tui-"))
    try:
        yield await fetch_for_pager(client, asset, item, folder, data_root=data_root)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def run_pager(command: Sequence[str], path: Path) -> None:
    """Run ``command`` on ``path`` and wait for it (the caller has handed it the terminal); the
    child's environment holds no token. Raises ``OSError`` when it cannot run."""
    run_child([*command, str(path)])
