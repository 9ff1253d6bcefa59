"""``o`` in the Files tab: read a whole file of an asset in the user's ``$PAGER``.

The file is fetched (or its local copy found) by :mod:`co_tui.operations.pager`; here the terminal
is handed to the pager while the app waits, and every failure becomes a toast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import SuspendNotSupported
from textual.content import Content

from co_tui.api import ApiError
from co_tui.formatting import format_size
from co_tui.operations.pager import pager_command, pager_copy, run_pager, too_big_for_pager
from co_tui.safe_text import display

if TYPE_CHECKING:
    from co_tui.api import CodeOceanClient
    from co_tui.api.models import DataAsset, FolderItem
    from co_tui.app import CoTuiApp

__all__ = ["read_in_pager"]


async def read_in_pager(app: CoTuiApp, client: CodeOceanClient, asset: DataAsset,
                        item: FolderItem) -> None:
    """Fetch ``item`` (or find its local copy), hand the terminal to the pager, remove the
    copy. Every failure is a toast."""
    if refusal := too_big_for_pager(item):
        app.say(display(refusal), severity="warning", timeout=6)
        return
    command = pager_command()
    if command is None:
        app.say(Content("No pager found: set $PAGER (for example PAGER=less)."),
                severity="warning", timeout=6)
        return
    if item.size:
        app.say(display(f"Reading {item.name} ({format_size(item.size)})…"), timeout=3)
    try:
        async with pager_copy(client, asset, item) as path:
            try:
                with app.suspend():  # the pager owns the terminal; the app waits
                    run_pager(command, path)
                # The pager drew over the whole terminal, which Textual cannot know: repaint
                # every line, not only what changed (a line of the pager's could stay).
                app.screen.refresh()
            except SuspendNotSupported:
                app.say(Content("This terminal cannot hand the screen to a pager."),
                        severity="warning", timeout=6)
            except OSError as error:
                app.say(display(f"Could not run {command[0]}: {error.strerror}"),
                        severity="error", timeout=8)
    except ApiError as error:
        app.show_error(error, action=f"reading {item.name}")
    except OSError as error:
        app.say(display(f"Could not keep a copy of {item.name}: {error.strerror}"),
                severity="error", timeout=8)
