"""The status line under the file tree: how much of the asset is listed, what the filter
matches, what could not be read. A pure function of the tree's state, so
:class:`~co_tui.widgets.files_pane.FilesPane` only says when to redraw it (as
:mod:`co_tui.screens.list_status` does for the asset lists).
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.content import Content

from co_tui.formatting import format_count
from co_tui.safe_text import display
from co_tui.widgets.file_tree_model import FolderState

__all__ = ["FilesStatus", "files_status_line"]

MUTED = "$foreground-muted"


@dataclass(frozen=True, slots=True)
class FilesStatus:
    """What the status line of the Files tab says."""

    root: FolderState
    """What is known of the asset's top folder."""
    loaded: int
    """Entries listed at the top."""
    files: int | None
    """Files in the whole asset, when the server says."""
    filter: str
    matches: int
    """Loaded names the filter matches."""
    unreadable: int
    """Entries the listings skipped because they could not be read."""


def files_status_line(state: FilesStatus) -> Content:
    """The status line for ``state``."""
    if state.root == "loading":
        text = "loading…"
    elif state.root == "error":
        text = "could not list the files"
    else:
        text = f"{format_count(state.loaded)} entries at the top"
        if state.files is not None:
            text += f" · {format_count(state.files)} files in all"
    if state.filter:
        return Content.assemble(
            (f"{state.matches:,} loaded names match ", ""),
            display(repr(state.filter), max_cells=30, style="bold"),
        )
    skipped = state.unreadable
    if skipped:
        return Content.assemble(
            (text, MUTED), " · ",
            (f"{skipped:,} entr{'ies' if skipped != 1 else 'y'} could not be read", "$warning"),
        )
    return Content.styled(text, MUTED)
