"""``MatchList``: the paths a search of the Files tab found, one per line, the match underlined.

A Line-API widget like :class:`~co_tui.widgets.file_tree.FileTree`: it holds only the indices of
the matching entries (the entries stay in the walk,
:class:`~co_tui.operations.file_crawl.FileCrawl`) and draws a line when it is on screen, so a
list of 100,000 matches costs what the screen shows. Paths are the server's text: each goes
through :func:`~co_tui.safe_text.display`, and a long one keeps its end (the file name).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.content import Content
from textual.events import Click
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.style import Style as VisualStyle

from co_tui.api.models import FolderItem
from co_tui.formatting import format_size
from co_tui.safe_text import display, is_safe
from co_tui.widgets.detail_strip import content_strip
from co_tui.widgets.keys import CURSOR_BINDINGS

__all__ = ["MatchList", "match_content"]

SIZE_WIDTH = 10
"""Cells of the right-aligned size column (dropped on narrow lists)."""


def match_content(item: FolderItem, needle: str, width: int) -> Content:
    """One match: its full path (tail kept when too long), the ``needle`` underlined where it
    first occurs, and the file's size on the right. Styles are ``match-list--*`` classes."""
    sizes = width >= 40
    room = max(1, width - (SIZE_WIDTH + 1 if sizes else 0))
    path = item.path + ("/" if item.is_folder else "")
    if is_safe(path) and path.isprintable() and len(path) > room > 1:
        path = "…" + path[len(path) - room + 1:]
    line = display(path, max_cells=room)
    plain = line.plain
    if needle and is_safe(item.path):
        lower = plain.lower()
        start = lower.rfind(needle) if len(lower) == len(plain) else -1
        if start >= 0:
            line = line.stylize("match-list--match", start, start + len(needle))
    if item.is_folder:
        line = line.stylize_before("match-list--folder")
    if sizes:
        size = "" if item.is_folder else format_size(item.size)
        line = line.pad_right(max(0, width - SIZE_WIDTH - line.cell_length))
        line = Content.assemble(line, Content(size[-SIZE_WIDTH:]).pad_left(
            max(0, SIZE_WIDTH - len(size))).stylize("match-list--dim"))
    return line


class MatchList(ScrollView, can_focus=True):
    """The matches of a search: enter chooses one (:class:`MatchList.Chosen`); the cursor
    says which is highlighted (:class:`MatchList.Highlighted`)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        *CURSOR_BINDINGS,
        Binding("enter", "choose", "Open in the tree"),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "match-list--cursor", "match-list--folder", "match-list--dim", "match-list--match",
    }

    DEFAULT_CSS = """
    MatchList { background: $surface; overflow-x: hidden; }
    MatchList > .match-list--cursor { background: $block-cursor-blurred-background; }
    MatchList:focus > .match-list--cursor {
        background: $block-cursor-background; color: $block-cursor-foreground;
    }
    MatchList > .match-list--folder { text-style: bold; color: $text-accent; }
    MatchList > .match-list--dim { color: $text-muted; }
    MatchList > .match-list--match { text-style: underline; color: $text-warning; }
    """

    cursor: reactive[int] = reactive(0, always_update=False, init=False)

    class Chosen(Message):
        """Enter on a match."""

        def __init__(self, item: FolderItem) -> None:
            super().__init__()
            self.item = item

    class Highlighted(Message):
        """The match under the cursor is another one (``None``: no match), so that what
        previews follows it."""

        def __init__(self, item: FolderItem | None) -> None:
            super().__init__()
            self.item = item

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._items: Sequence[FolderItem] = ()
        self._indices: Sequence[int] = ()
        self._shown = 0
        """Rows shown (``len(self._indices)`` when last shown)."""
        self._needle = ""
        self._version = 0
        self._cache: dict[tuple[int, int, int, bool, bool], Strip] = {}
        self._styles: dict[str, VisualStyle] = {}
        self._announced: str | None = None

    def show(self, items: Sequence[FolderItem], indices: Sequence[int], needle: str) -> None:
        """Show ``items[i]`` for each ``i`` of ``indices`` (both may grow later: call again).
        The cursor stays on its row unless the needle changed (then it goes to the top).

        While a walk goes on, the same lists come back longer: the rows on screen stay as drawn
        and only the new ones are drawn (see :meth:`_grow`)."""
        same = (needle == self._needle and items is self._items and indices is self._indices)
        before = self._shown
        if needle != self._needle:
            self.cursor = 0
            self.scroll_to(y=0, animate=False, immediate=True)
        self._items, self._indices, self._needle = items, indices, needle
        self._shown = len(indices)
        if same and self._shown >= before:
            self._grow(before)
        else:
            self._version += 1
            self._cache.clear()
            self.virtual_size = Size(self.scrollable_content_region.width, len(indices))
            self.refresh()
        self.cursor = min(self.cursor, max(0, len(indices) - 1))
        self._announce()

    def _grow(self, before: int) -> None:
        """The list grew from ``before`` rows: draw the new rows that are on screen.

        A new :attr:`virtual_size` would lay the whole screen out again (Textual's
        ``virtual_size`` is a layout reactive), which costs a full repaint each tick of a walk.
        Unless the scroll bar appears, only the height changed: it is set without a layout and
        the scroll bar is told."""
        old = self.virtual_size
        size = Size(old.width, self._shown)  # no horizontal scrolling: the width is moot
        height = self.container_size.height
        if (old.height > height) != (size.height > height):
            self.virtual_size = size
            self.refresh()
            return
        self.set_reactive(MatchList.virtual_size, size)
        if self.show_vertical_scrollbar:
            bar = self.vertical_scrollbar
            bar.window_virtual_size = size.height
            bar.refresh()
        top = int(self.scroll_offset.y)
        first, last = max(before, top), min(self._shown, top + self.size.height)
        if last > first:
            self.refresh_lines(first, last - first)

    def _announce(self) -> None:
        """Post :class:`Highlighted` when the match under the cursor changed."""
        item = self.highlighted
        path = item.path if item is not None else None
        if path != self._announced:
            self._announced = path
            self.post_message(self.Highlighted(item))

    @property
    def count(self) -> int:
        """Matches shown."""
        return len(self._indices)

    @property
    def highlighted(self) -> FolderItem | None:
        """The match under the cursor."""
        if not self._indices:
            return None
        return self._items[self._indices[self.cursor]]

    def row_text(self, index: int, width: int = 10_000) -> str:
        """The plain text of row ``index`` (for tests)."""
        return match_content(self._items[self._indices[index]], self._needle, width).plain

    # --- drawing ------------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        index = int(self.scroll_offset.y) + y
        if index >= len(self._indices):
            return Strip.blank(width, self.rich_style)
        is_cursor = index == self.cursor
        key = (self._version, width, index, is_cursor, self.has_focus)
        strip = self._cache.get(key)
        if strip is None:
            if len(self._cache) > 400:
                self._cache.clear()
            base = (self.get_visual_style("match-list--cursor") if is_cursor
                    else self.get_visual_style())
            content = match_content(self._items[self._indices[index]], self._needle, width)
            strip = content_strip(self, content, width, base, self.COMPONENT_CLASSES,
                                  styles=self._styles)
            self._cache[key] = strip
        return strip

    def notify_style_update(self) -> None:
        self._styles.clear()
        self._cache.clear()
        super().notify_style_update()

    def on_resize(self) -> None:
        self._cache.clear()
        self.virtual_size = Size(self.scrollable_content_region.width, len(self._indices))
        self.refresh()

    def watch_scroll_y(self, old: float, new: float) -> None:
        super().watch_scroll_y(old, new)
        self.refresh()

    def watch_cursor(self, old: int, new: int) -> None:
        self.refresh()
        self._announce()
        top = int(self.scroll_offset.y)
        height = max(1, self.size.height)
        if new < top:
            self.scroll_to(y=new, animate=False, immediate=True)
        elif new >= top + height:
            self.scroll_to(y=new - height + 1, animate=False, immediate=True)

    # --- keys ---------------------------------------------------------------------------------

    def action_cursor(self, delta: int) -> None:
        """Move the cursor by ``delta`` rows."""
        self.cursor = max(0, min(self.cursor + delta, len(self._indices) - 1))

    def action_page(self, direction: int) -> None:
        """Move the cursor one screen up or down."""
        self.action_cursor(direction * max(1, self.size.height - 1))

    def action_first(self) -> None:
        """Go to the first match."""
        self.cursor = 0

    def action_last(self) -> None:
        """Go to the last match."""
        self.cursor = max(0, len(self._indices) - 1)

    def action_choose(self) -> None:
        """Enter: open the match in the tree."""
        item = self.highlighted
        if item is not None:
            self.post_message(self.Chosen(item))

    def on_click(self, event: Click) -> None:
        """A click moves the cursor; a click on the cursor's row chooses it."""
        index = int(self.scroll_offset.y) + event.y
        if index >= len(self._indices):
            return
        if index == self.cursor:
            self.action_choose()
        else:
            self.cursor = index
