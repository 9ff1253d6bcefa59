"""The data behind :class:`~co_tui.widgets.file_tree.FileTree`: folders, windows, the filter.

Pure Python (no Textual): every opened folder keeps its listing as the API returned it, sorted
once; :meth:`TreeModel.rows` flattens what is visible into plain tuples. A folder shows a
*window* of :data:`WINDOW` entries and a "… N more" row, so flattening costs the windows shown,
never the size of a folder.

The filter matches names case-insensitively over every loaded folder; folders holding matches
open by themselves. A keystroke that extends the previous filter rescans only the previous
matches (typing ``tile_0`` after ``tile_`` scans the ``tile_`` matches, not the folder).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from co_tui.api.models import FolderItem

__all__ = [
    "EMPTY",
    "ERROR",
    "ITEM",
    "LOADING",
    "MORE",
    "WINDOW",
    "FolderState",
    "Row",
    "TreeModel",
    "row_key",
]

WINDOW = 1000
"""Entries of one folder shown at a time; "… N more" widens the window by this many."""

FolderState = Literal["unloaded", "loading", "loaded", "error"]

# Row kinds. A row is a plain tuple (kind, depth, item, folder path, count): a window of a
# 100,000-file folder is flattened in about a millisecond.
ITEM, MORE, LOADING, ERROR, EMPTY = range(5)
Row = tuple[int, int, FolderItem | None, str, int]
"""``(kind, depth, item, path of the folder the row belongs to, hidden count for MORE)``."""


def row_key(row: Row) -> tuple[int, str]:
    """What a row shows, independent of its position (the cursor follows it)."""
    item = row[2]
    return (row[0], item.path if item is not None else row[3])


@dataclass(slots=True)
class _Folder:
    """One folder of the tree and what is known of it."""

    path: str
    state: FolderState = "unloaded"
    expanded: bool = False
    items: list[FolderItem] = field(default_factory=list)
    error: str = ""
    shown: int = WINDOW
    lower: list[str] | None = None
    """Lower-cased names, computed on the first filter keystroke."""
    folder_index: dict[str, int] = field(default_factory=dict)
    """Index in ``items`` of each sub-folder, by path."""
    base_needle: str = ""
    base_matches: list[int] | None = None
    """Indices of items whose own name contains ``base_needle``."""


def _name_key(item: FolderItem) -> str:
    return item.name.lower()


def _depth(path: str) -> int:
    return path.count("/") + 1 if path else 0


class TreeModel:
    """Folders of one asset, the filter and the flattened rows (see the module docstring)."""

    def __init__(self) -> None:
        self._folders: dict[str, _Folder] = {}
        self._filter = ""
        self._matches: dict[str, list[int]] = {}
        self._match_count = 0
        self._largest = 0
        self.reset()

    def reset(self) -> None:
        """Forget everything; the root is loading."""
        self._folders = {"": _Folder("", state="loading", expanded=True)}
        self._filter = ""
        self._matches = {}
        self._match_count = 0
        self._largest = 0

    # --- folders ------------------------------------------------------------------------------

    def set_folder(self, path: str, items: Sequence[FolderItem]) -> None:
        """The listing of ``path`` arrived: keep it, folders first, then by name."""
        folder = self._folders.get(path)
        if folder is None:
            folder = self._folders[path] = _Folder(path, expanded=True)
        # Sorting on a string key (not a tuple) allocates nothing the garbage collector
        # tracks, so a folder of 100,000 entries sorts without a collection pass.
        folders = [item for item in items if item.type == "folder"]
        files = [item for item in items if item.type != "folder"] if folders else list(items)
        folders.sort(key=_name_key)
        files.sort(key=_name_key)
        folder.items = folders + files if folders else files
        folder.state = "loaded"
        folder.error = ""
        folder.lower = None
        folder.base_matches = None
        folder.folder_index = {item.path: i for i, item in enumerate(folders)}
        if path:  # the root's own count is not shown on any row
            self._largest = max(self._largest, len(folder.items))
        if self._filter:
            self._compute_matches(incremental=False)

    def set_folder_error(self, path: str, message: str) -> None:
        """Listing ``path`` failed with ``message``."""
        folder = self._folders.setdefault(path, _Folder(path, expanded=True))
        folder.state = "error"
        folder.error = message

    def request(self, path: str) -> None:
        """``path`` is being listed (it shows a loading row)."""
        folder = self._folders.setdefault(path, _Folder(path))
        folder.state = "loading"
        folder.expanded = True

    def toggle(self, path: str) -> bool:
        """Open or close folder ``path``. True when it must be listed first (then call
        :meth:`request`)."""
        folder = self._folders.get(path)
        if folder is None:
            folder = self._folders[path] = _Folder(path)
        if folder.state in ("unloaded", "error"):
            return True
        folder.expanded = not self.is_open(path)
        if not folder.expanded and self._filter and path in self._matches:
            # a folder opened by the filter closes by dropping it from the matches
            self._matches = {p: m for p, m in self._matches.items()
                             if p != path and not p.startswith(path + "/")}
        return False

    def reveal(self, path: str) -> None:
        """Open the loaded folders leading to entry ``path`` and widen their windows to show it
        (the filter goes off)."""
        self.set_filter("")
        parts = path.split("/")
        for depth in range(len(parts)):
            folder = self._folders.get("/".join(parts[:depth]))
            if folder is None or folder.state != "loaded":
                return
            folder.expanded = True
            child = "/".join(parts[:depth + 1])
            index = next((i for i, item in enumerate(folder.items) if item.path == child), 0)
            folder.shown = max(folder.shown, (index // WINDOW + 1) * WINDOW)

    def show_more(self, path: str) -> None:
        """Widen folder ``path``'s window by :data:`WINDOW` entries."""
        self._folders[path].shown += WINDOW

    def is_open(self, path: str) -> bool:
        """True when the folder's entries (or its loading / error row) are shown."""
        folder = self._folders.get(path)
        if folder is None:
            return False
        if folder.state in ("loading", "error"):
            return folder.expanded
        if folder.state != "loaded":
            return False
        if self._filter:
            return folder.expanded or folder.path in self._matches
        return folder.expanded

    def is_expanded(self, path: str) -> bool:
        """True when the user opened folder ``path`` (not only the filter)."""
        folder = self._folders.get(path)
        return folder is not None and folder.expanded

    def state(self, path: str) -> FolderState:
        """What is known of folder ``path``."""
        folder = self._folders.get(path)
        return "unloaded" if folder is None else folder.state

    def error(self, path: str) -> str:
        """Why listing ``path`` failed."""
        folder = self._folders.get(path)
        return folder.error if folder is not None else ""

    def count(self, path: str) -> int:
        """Entries in the loaded folder ``path``."""
        folder = self._folders.get(path)
        return len(folder.items) if folder is not None else 0

    @property
    def largest_count(self) -> int:
        """Entries of the largest loaded sub-folder (the widest count a folder row shows)."""
        return self._largest

    # --- filter -------------------------------------------------------------------------------

    @property
    def filter(self) -> str:
        """The filter, lower-cased (``""`` when off)."""
        return self._filter

    @property
    def match_count(self) -> int:
        """Names matching the filter in the loaded folders."""
        return self._match_count

    def set_filter(self, text: str) -> bool:
        """Filter by ``text`` (``""``: off). False when nothing changed."""
        needle = text.lower()
        if needle == self._filter:
            return False
        incremental = bool(self._filter) and self._filter in needle
        self._filter = needle
        if needle:
            self._compute_matches(incremental=incremental)
        else:
            self._matches = {}
            self._match_count = 0
        return True

    def _compute_matches(self, *, incremental: bool) -> None:
        needle = self._filter
        loaded = [f for f in self._folders.values() if f.state == "loaded"]
        loaded.sort(key=lambda f: -_depth(f.path))  # children before parents
        matches: dict[str, list[int]] = {}
        count = 0
        for folder in loaded:
            if folder.lower is None:
                folder.lower = [item.name.lower() for item in folder.items]
            lower = folder.lower
            if incremental and folder.base_matches is not None and folder.base_needle in needle:
                base = [i for i in folder.base_matches if needle in lower[i]]
            else:
                base = [i for i, name in enumerate(lower) if needle in name]
            folder.base_needle, folder.base_matches = needle, base
            count += len(base)
            extra = [index for child, index in folder.folder_index.items() if matches.get(child)]
            if extra:
                base = sorted(set(base).union(extra))
            if base:
                matches[folder.path] = base
        self._matches = matches
        self._match_count = count

    # --- flattening ---------------------------------------------------------------------------

    def rows(self) -> list[Row]:
        """The visible rows, top to bottom."""
        rows: list[Row] = []
        self._emit(self._folders[""], 0, rows)
        return rows

    def _emit(self, folder: _Folder, depth: int, rows: list[Row]) -> None:
        if folder.state == "loading":
            rows.append((LOADING, depth, None, folder.path, 0))
            return
        if folder.state == "error":
            rows.append((ERROR, depth, None, folder.path, 0))
            return
        if folder.state != "loaded":
            return
        items = folder.items
        indices = self._matches.get(folder.path, []) if self._filter else None
        total = len(items) if indices is None else len(indices)
        if total == 0:
            if indices is None or depth == 0:
                rows.append((EMPTY, depth, None, folder.path, 0))
            return
        shown = min(total, folder.shown)
        folders = self._folders
        for k in range(shown):
            item = items[k] if indices is None else items[indices[k]]
            rows.append((ITEM, depth, item, folder.path, 0))
            if item.type == "folder" and item.path in folders and self.is_open(item.path):
                self._emit(folders[item.path], depth + 1, rows)
        if total > shown:
            rows.append((MORE, depth, None, folder.path, total - shown))
