"""``o`` in the Files tab: read the whole highlighted file in ``$PAGER`` (see
:mod:`co_tui.actions.pager`). The app suspends while the pager runs and comes back as it was."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Literal, cast

from textual.app import SuspendNotSupported

from co_tui.actions.pager import PAGER_MAX_BYTES, fetch_for_pager, pager_command
from co_tui.api import ApiError
from co_tui.children import run_child
from co_tui.formatting import format_size
from co_tui.safe_text import display
from co_tui.transfer import local

if TYPE_CHECKING:
    from co_tui.api.client import CodeOceanClient
    from co_tui.api.models import DataAsset, FolderItem
    from co_tui.app import CoTuiApp

__all__ = ["open_in_pager"]


async def open_in_pager(
    app: CoTuiApp, client: CodeOceanClient, asset: DataAsset, item: FolderItem
) -> None:
    """Fetch ``item`` (or find its local copy), run the pager on it, remove the copy. Every
    failure is a toast; nothing here raises."""

    def say(text: str, severity: Literal["information", "warning", "error"] = "warning",
            timeout: float = 6) -> None:
        app.notify(cast(str, display(text)), severity=severity, timeout=timeout)

    if item.size is not None and item.size > PAGER_MAX_BYTES:
        say(f"{item.name} is {format_size(item.size)}: too big for the pager (up to "
            f"{format_size(PAGER_MAX_BYTES)}); d downloads it.")
        return
    command = pager_command()
    if command is None:
        say("No pager found: set $PAGER (for example PAGER=less).")
        return
    folder = Path(tempfile.mkdtemp(prefix="co-tui-"))  # 0700
    try:
        if item.size:
            say(f"Reading {item.name} ({format_size(item.size)})…", "information", 3)
        try:
            path = await fetch_for_pager(client, asset, item, folder,
                                         data_root=local.DATA_ROOT)
        except ApiError as error:
            app.show_error(error, action=f"reading {item.name}")
            return
        except OSError as error:
            say(f"Could not keep a copy of {item.name}: {error.strerror}", "error", 8)
            return
        try:
            with app.suspend():  # the pager owns the terminal; the app waits, as intended
                run_child([*command, str(path)])  # without the token in its environment
        except SuspendNotSupported:
            say("This terminal cannot hand the screen to a pager.")
        except OSError as error:
            say(f"Could not run {command[0]}: {error.strerror}", "error", 8)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
