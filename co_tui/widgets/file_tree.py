"""``FileTree``: a lazily loaded, virtual tree of an asset's files.

Textual's ``Tree`` builds a node per entry (100,000 leaves take seconds: docs/product.md,
'Measurements behind the design'), so this is a Line-API widget like ``AssetTable``: the listings
live in a :class:`~co_tui.widgets.file_tree_model.TreeModel`, which flattens only what is visible (a
window of each opened folder, then "… N more"), and each line is drawn when it is on screen
(what a row says: :func:`~co_tui.widgets.file_tree_rows.row_content`).

The widget never talks to the API. Expanding a folder that is not loaded posts
:class:`FileTree.FolderRequested`; the screen lists it (one call per folder) and pushes the result
back with :meth:`FileTree.set_folder` or :meth:`FileTree.set_folder_error`. The filter
(:meth:`FileTree.set_filter`) matches names over every loaded folder.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence
from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.events import Click
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.style import Style as VisualStyle

from co_tui.api.models import FolderItem
from co_tui.widgets.detail_strip import content_strip
from co_tui.widgets.file_tree_model import (
    ERROR,
    ITEM,
    MORE,
    WINDOW,
    FolderState,
    Row,
    TreeModel,
    row_key,
)
from co_tui.widgets.file_tree_rows import row_content
from co_tui.widgets.keys import CURSOR_BINDINGS

__all__ = ["WINDOW", "FileTree"]

class FileTree(ScrollView, can_focus=True):
    """Folders and files of one data asset, loaded folder by folder, shown in windows."""

    BINDINGS: ClassVar[list[BindingType]] = [
        *CURSOR_BINDINGS,
        Binding("enter", "activate", "Open"),
        Binding("right,l", "expand", "Expand", show=False),
        Binding("left,h", "collapse", "Collapse", show=False),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "file-tree--cursor",
        "file-tree--folder",
        "file-tree--dim",
        "file-tree--error",
        "file-tree--match",
    }

    DEFAULT_CSS = """
    FileTree { background: $surface; overflow-x: hidden; }
    FileTree > .file-tree--cursor {
        background: $block-cursor-blurred-background;
    }
    FileTree:focus > .file-tree--cursor {
        background: $block-cursor-background; color: $block-cursor-foreground;
    }
    FileTree > .file-tree--folder { text-style: bold; color: $text-accent; }
    FileTree > .file-tree--dim { color: $text-muted; text-style: italic; }
    FileTree > .file-tree--error { color: $text-error; }
    FileTree > .file-tree--match { text-style: underline; color: $text-warning; }
    """

    cursor: reactive[int] = reactive(0, always_update=False, init=False)

    class Highlighted(Message):
        """The cursor moved onto ``item`` (a file or folder; ``None`` on other rows)."""

        def __init__(self, tree: FileTree, item: FolderItem | None) -> None:
            super().__init__()
            self.tree = tree
            self.item = item

    class FileChosen(Message):
        """The user pressed enter on the file ``item``."""

        def __init__(self, tree: FileTree, item: FolderItem) -> None:
            super().__init__()
            self.tree = tree
            self.item = item

    class FolderRequested(Message):
        """The folder at ``path`` (``""`` is the root) needs its listing."""

        def __init__(self, tree: FileTree, path: str) -> None:
            super().__init__()
            self.tree = tree
            self.path = path

    def __init__(
        self, *, name: str | None = None, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.model = TreeModel()
        self._rows: list[Row] = []
        self._cache: OrderedDict[tuple[object, ...], Strip] = OrderedDict()
        self._version = 0
        self._last_key: tuple[int, str] | None = None
        self._styles: dict[str, VisualStyle] = {}
        self._cursor_styles: dict[str, VisualStyle] = {}
        self._bases: dict[tuple[bool, bool], VisualStyle] = {}
        self.reset()

    # --- data in ------------------------------------------------------------------------------

    def reset(self) -> None:
        """Forget everything; the root shows as loading until :meth:`set_folder` ``("")``."""
        self.model.reset()
        self._rebuild(keep_cursor=False)

    def set_folder(self, path: str, items: Sequence[FolderItem]) -> None:
        """The listing of folder ``path`` arrived: show it (folders first, then by name)."""
        self.model.set_folder(path, items)
        self._rebuild()

    def set_folder_error(self, path: str, message: str) -> None:
        """Listing ``path`` failed: show ``message`` (plain text of ours) with a retry row."""
        self.model.set_folder_error(path, message)
        self._rebuild()

    def set_filter(self, text: str) -> int:
        """Show only entries whose name contains ``text`` (case-insensitive) and the folders that
        lead to them, across every loaded folder. ``""`` shows everything. Returns the number of
        matching names."""
        if self.model.set_filter(text):
            self._rebuild(to_match=bool(self.model.filter))
        return self.model.match_count

    @property
    def filter(self) -> str:
        """The current filter, lower-cased (``""`` when off)."""
        return self.model.filter

    @property
    def match_count(self) -> int:
        """Names matching the filter among the loaded folders."""
        return self.model.match_count

    @property
    def row_count(self) -> int:
        """Rows currently flattened (visible or scrolled out)."""
        return len(self._rows)

    @property
    def highlighted(self) -> FolderItem | None:
        """The file or folder under the cursor."""
        if not self._rows:
            return None
        return self._rows[self.cursor][2]

    def row_item(self, index: int) -> FolderItem | None:
        """The file or folder on row ``index`` (``None`` for other rows)."""
        return self._rows[index][2]

    def folder_state(self, path: str) -> FolderState:
        """What is known of folder ``path``."""
        return self.model.state(path)

    def loaded_count(self, path: str = "") -> int:
        """Entries in the loaded folder ``path``."""
        return self.model.count(path)

    def row_text(self, index: int) -> str:
        """The plain text of row ``index`` (for tests and screen readers)."""
        return row_content(self.model, self._rows[index], 10_000).plain

    def _rebuild(
        self, *, keep_cursor: bool = True, at: int | None = None, to_match: bool = False
    ) -> None:
        """Flatten the visible rows again; the cursor stays on the same entry if it can (or
        goes to row ``at``). When that entry is gone it stays at the same position, or with
        ``to_match`` goes to the first name matching the filter."""
        current = row_key(self._rows[self.cursor]) if keep_cursor and self._rows else None
        old_cursor = self.cursor if at is None else at
        if at is not None:
            current = None
        rows = self.model.rows()
        self._rows = rows
        index = min(old_cursor, len(rows) - 1) if keep_cursor or at is not None else 0
        found = None
        if current is not None:
            found = next((i for i, row in enumerate(rows) if row_key(row) == current), None)
            if found is not None:
                index = found
        if found is None and to_match:
            needle = self.model.filter
            index = next((i for i, row in enumerate(rows)
                          if row[2] is not None and needle in row[2].name.lower()), 0)
        self._version += 1
        self._cache.clear()
        self._update_virtual_size()
        self.refresh()
        self._move_to(max(0, index), force=True)

    # --- geometry and rendering ---------------------------------------------------------------

    @property
    def _width(self) -> int:
        return self.scrollable_content_region.width

    def _update_virtual_size(self) -> None:
        self.virtual_size = Size(self._width, len(self._rows))

    def on_resize(self) -> None:
        self._cache.clear()
        self._update_virtual_size()
        self._scroll_cursor_into_view()
        self.refresh()

    def render_line(self, y: int) -> Strip:
        width = self._width
        index = int(self.scroll_offset.y) + y
        if index >= len(self._rows):
            return Strip.blank(width, self.rich_style)
        is_cursor = index == self.cursor
        key = (self._version, width, index, is_cursor, self.has_focus)
        strip = self._cache.get(key)
        if strip is None:
            strip = self._strip(self._rows[index], width, is_cursor)
            self._cache[key] = strip
            if len(self._cache) > 400:
                self._cache.popitem(last=False)
        return strip

    def notify_style_update(self) -> None:
        self._styles.clear()
        self._cursor_styles.clear()
        self._bases.clear()
        self._cache.clear()
        super().notify_style_update()

    def _base(self, is_cursor: bool) -> VisualStyle:
        key = (is_cursor, self.has_focus)
        base = self._bases.get(key)
        if base is None:
            base = (self.get_visual_style("file-tree--cursor") if is_cursor
                    else self.get_visual_style())
            self._bases[key] = base
        return base

    def _strip(self, row: Row, width: int, is_cursor: bool) -> Strip:
        content = row_content(self.model, row, width)
        styles = self._styles
        if is_cursor:
            # On the cursor row dim text keeps the cursor's colours: in 16 colours the muted
            # colour is the cursor's own background (a count there was invisible).
            styles = self._cursor_styles
            styles.setdefault("file-tree--dim", VisualStyle(italic=True))
        return content_strip(self, content, width, self._base(is_cursor), self.COMPONENT_CLASSES,
                             styles=styles)

    # --- cursor and keys ----------------------------------------------------------------------

    def watch_cursor(self, old: int, new: int) -> None:
        self._refresh_row(old)
        self._refresh_row(new)

    def _refresh_row(self, index: int) -> None:
        y = index - int(self.scroll_offset.y)
        if 0 <= y < self.size.height:
            self.refresh_line(y)

    def _move_to(self, index: int, *, force: bool = False) -> None:
        if not self._rows:
            self.cursor = 0
            if self._last_key is not None or force:
                self._last_key = None
                self.post_message(self.Highlighted(self, None))
            return
        index = max(0, min(index, len(self._rows) - 1))
        self.cursor = index
        self._scroll_cursor_into_view()
        row = self._rows[index]
        key = row_key(row)
        if key != self._last_key:
            self._last_key = key
            self.post_message(self.Highlighted(self, row[2]))

    def _scroll_cursor_into_view(self) -> None:
        top = int(self.scroll_offset.y)
        height = max(1, self.size.height)
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False, immediate=True)
        elif self.cursor >= top + height:
            self.scroll_to(y=self.cursor - height + 1, animate=False, immediate=True)

    def watch_scroll_y(self, old: float, new: float) -> None:
        super().watch_scroll_y(old, new)
        self.refresh()

    def action_cursor(self, delta: int) -> None:
        """Move the cursor by ``delta`` rows."""
        self._move_to(self.cursor + delta)

    def action_page(self, direction: int) -> None:
        """Move the cursor one screen up or down."""
        self._move_to(self.cursor + direction * max(1, self.size.height - 1))

    def action_first(self) -> None:
        """Go to the first row."""
        self._move_to(0)

    def action_last(self) -> None:
        """Go to the last row."""
        self._move_to(len(self._rows) - 1)

    def action_activate(self) -> None:
        """Enter: open or close a folder, show more entries, retry, or choose a file."""
        if not self._rows:
            return
        kind, _depth, item, path, _count = self._rows[self.cursor]
        if kind == MORE:
            self.model.show_more(path)
            self._rebuild(at=self.cursor)  # onto the first entry that was hidden
        elif kind == ERROR:
            self._request(path)
        elif kind == ITEM and item is not None:
            if item.is_folder:
                self._toggle(item.path)
            else:
                self.post_message(self.FileChosen(self, item))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """``l`` / ``right`` expand folders only: on a file the key goes on to the screen
        (where ``l`` copies the file's link)."""
        if action == "expand":
            item = self.highlighted
            return item is not None and item.is_folder
        return True

    def action_expand(self) -> None:
        """Open the folder under the cursor (or step into it when it is open)."""
        item = self.highlighted
        if item is None or not item.is_folder:
            return
        if self.model.is_open(item.path):
            self._move_to(self.cursor + 1)
        else:
            self._toggle(item.path)

    def action_collapse(self) -> None:
        """Close the folder under the cursor, or go to the folder that holds this entry."""
        if not self._rows:
            return
        _kind, _depth, item, path, _count = self._rows[self.cursor]
        if item is not None and item.is_folder and self.model.is_open(item.path):
            self._toggle(item.path)
            return
        parent = path if item is None else item.path.rpartition("/")[0]
        if item is None and path:
            parent = path
        if parent:
            index = next((i for i, row in enumerate(self._rows)
                          if row[0] == ITEM and row[2] is not None and row[2].path == parent), None)
            if index is not None:
                self._move_to(index)

    def expand_path(self, path: str) -> None:
        """Open folder ``path`` (requesting its listing when needed)."""
        if not self.model.is_expanded(path) or self.model.state(path) in ("unloaded", "error"):
            self._toggle(path)

    def reveal(self, path: str) -> bool:
        """Open the loaded folders leading to entry ``path`` and put the cursor on it. False
        when it is not in a loaded folder."""
        self.model.reveal(path)
        index = next((i for i, row in enumerate(self.model.rows())
                      if row[0] == ITEM and row[2] is not None and row[2].path == path), None)
        self._rebuild(at=index if index is not None else self.cursor)
        return index is not None

    def _toggle(self, path: str) -> None:
        if self.model.toggle(path):
            self._request(path)
        else:
            self._rebuild()

    def _request(self, path: str) -> None:
        self.model.request(path)
        self._rebuild()
        self.post_message(self.FolderRequested(self, path))

    def on_click(self, event: Click) -> None:
        """A click moves the cursor; a click on the row under the cursor activates it."""
        index = int(self.scroll_offset.y) + event.y
        if index >= len(self._rows):
            return
        if index == self.cursor:
            self.action_activate()
        else:
            self._move_to(index)
