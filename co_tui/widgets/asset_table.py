"""``AssetTable``: a virtual table of data assets that renders only the rows on screen.

Textual's ``DataTable`` builds every row up front (100,000 rows block the loop for seconds:
docs/product.md, 'Measurements behind the design'); this widget keeps a reference to the asset list
and draws each visible line on demand through the Line API, caching the strips it drew. Appending a
page costs nothing but a virtual-size update, so pages can arrive while the user scrolls.

Columns (:mod:`co_tui.widgets.asset_columns`) drop by priority when the terminal is narrow; the
name column never drops and takes the width that is left. The lines themselves are drawn by
:class:`~co_tui.widgets.asset_rows.RowPainter`; every server string reaches the screen through
:func:`co_tui.safe_text.display`. A cursor move repaints two lines, the old and the new cursor
row.
"""

from __future__ import annotations

import dataclasses
from collections import OrderedDict
from collections.abc import Callable, Collection, Sequence
from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from co_tui.api.models import DataAsset
from co_tui.widgets.asset_columns import COLUMNS, Column, RowContext
from co_tui.widgets.asset_rows import RowPainter
from co_tui.widgets.keys import CURSOR_BINDINGS

__all__ = ["AssetTable"]


class AssetTable(ScrollView, can_focus=True):
    """A keyboard-driven, virtual table of :class:`DataAsset` rows with a sticky header.

    Data flows in with :meth:`set_assets` / :meth:`append_assets`; the table reports what the
    user does with messages: :class:`AssetHighlighted`, :class:`AssetChosen`,
    :class:`SelectionChanged` and :class:`EndNeared` (time to fetch the next page).
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        *CURSOR_BINDINGS,
        Binding("enter", "choose", "Open"),
        Binding("space", "toggle_select", "Select", show=False),
        Binding("ctrl+a", "select_all", "Select all", show=False),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "asset-table--header",
        "asset-table--cursor",
        "asset-table--selected",
        "asset-table--sorted",
    }

    DEFAULT_CSS = """
    AssetTable { background: $surface; overflow-x: hidden; }
    AssetTable > .asset-table--header { text-style: bold; background: $panel; color: $text; }
    AssetTable > .asset-table--sorted { text-style: bold underline; }
    AssetTable > .asset-table--cursor {
        background: $block-cursor-background; color: $block-cursor-foreground;
    }
    AssetTable:blur > .asset-table--cursor { background: $block-cursor-blurred-background; }
    AssetTable > .asset-table--selected { background: $accent 30%; }
    """

    NEAR_END_ROWS = 50
    """Ask for the next page when the cursor comes this close to the last loaded row."""

    cursor: reactive[int] = reactive(0, always_update=False, init=False, repaint=False)
    """The highlighted row. Moving it repaints only the old and the new cursor lines
    (:meth:`watch_cursor`), not the whole table."""

    class AssetHighlighted(Message):
        """The cursor moved onto ``asset`` (``None`` when the table became empty).

        ``moved`` is true when a key or click moved the cursor (more may follow at once), false
        when the rows changed under it."""

        def __init__(self, table: AssetTable, asset: DataAsset | None, *,
                     moved: bool = False) -> None:
            super().__init__()
            self.table = table
            self.asset = asset
            self.moved = moved

    class AssetChosen(Message):
        """The user pressed enter on ``asset``."""

        def __init__(self, table: AssetTable, asset: DataAsset) -> None:
            super().__init__()
            self.table = table
            self.asset = asset

    class SelectionChanged(Message):
        """The set of selected asset ids changed."""

        def __init__(self, table: AssetTable, selected: frozenset[str]) -> None:
            super().__init__()
            self.table = table
            self.selected = selected

    class EndNeared(Message):
        """The cursor came within :attr:`NEAR_END_ROWS` of the last loaded row."""

        def __init__(self, table: AssetTable, loaded: int) -> None:
            super().__init__()
            self.table = table
            self.loaded = loaded

    def __init__(
        self,
        *,
        columns: Sequence[Column] = COLUMNS,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._columns = tuple(columns)
        self._assets: list[DataAsset] = []
        self._selected: set[str] = set()
        self._row_context = RowContext()
        self._sort: tuple[str | None, str] = (None, "desc")
        self._cache: OrderedDict[tuple[object, ...], Strip] = OrderedDict()
        self._home: dict[tuple[object, ...], Strip] = {}
        """The first screen's lines, kept apart from the two-screen cache: ``g``/Home is the
        jump users make most, and after a few pages down those rows had left the cache, so
        the jump painted a whole screen afresh (1.8x a DataTable's ``g``, which keeps 1,000
        lines). A thousand kept strips would cost every full garbage-collector pass ~30 ms."""
        self._painter = RowPainter(self, self._columns)
        self._version = 0
        self._end_reported = -1

    # --- data in ------------------------------------------------------------------------------

    @property
    def assets(self) -> Sequence[DataAsset]:
        """The loaded rows (read-only view)."""
        return self._assets

    @property
    def selected(self) -> frozenset[str]:
        """Ids of the selected assets."""
        return frozenset(self._selected)

    @property
    def highlighted(self) -> DataAsset | None:
        """The asset under the cursor."""
        return self._assets[self.cursor] if self._assets else None

    def set_assets(self, assets: Sequence[DataAsset], *, keep_cursor: bool = True) -> None:
        """Replace every row. The cursor stays on the same asset id when it is still there."""
        current = self.highlighted.id if keep_cursor and self.highlighted else None
        self._assets = list(assets)
        ids = {a.id for a in self._assets}
        if self._selected - ids:
            self._selected &= ids
            self.post_message(self.SelectionChanged(self, self.selected))
        self._end_reported = -1
        self._invalidate()
        index = next((i for i, a in enumerate(self._assets) if a.id == current), 0)
        self._move_to(index, force=True)

    def append_assets(self, assets: Sequence[DataAsset]) -> None:
        """Add a page of rows at the end; cursor, selection and scroll stay where they are."""
        if not assets:
            return
        was_empty = not self._assets
        before = len(self._assets)
        self._assets.extend(assets)
        self._update_virtual_size(quiet=True)
        if before < int(self.scroll_offset.y) + self._body_height:
            self.refresh()  # the new rows are on screen; otherwise only the scrollbar changed
        if was_empty:
            self._move_to(0, force=True)

    def remove_asset(self, asset_id: str) -> None:
        """Drop one row (the asset is gone); the cursor stays on the same position."""
        self.remove_assets({asset_id})

    def remove_assets(self, asset_ids: Collection[str]) -> None:
        """Drop rows (archived, deleted, restored elsewhere); the cursor stays where it was,
        or moves to the next row left when its own row went."""
        gone = set(asset_ids)
        if not gone & {a.id for a in self._assets}:
            return
        current = self.highlighted
        before = sum(1 for a in self._assets[: self.cursor] if a.id not in gone)
        self.set_assets([a for a in self._assets if a.id not in gone], keep_cursor=True)
        if current is not None and current.id in gone and self._assets:
            # its row went: the row that took its place (or the new last row) gets the cursor
            self._move_to(min(before, len(self._assets) - 1), force=True)

    def replace_assets(self, assets: Sequence[DataAsset]) -> None:
        """Show the server's new version of rows already loaded (after an edit)."""
        fresh = {a.id: a for a in assets}
        changed = False
        for index, row in enumerate(self._assets):
            if row.id in fresh:
                self._assets[index] = fresh[row.id]
                changed = True
        if changed:
            self._invalidate()

    def prepend_assets(self, assets: Sequence[DataAsset]) -> None:
        """Put new assets (just created) at the top; the cursor stays on its asset."""
        if not assets:
            return
        current = self.highlighted.id if self.highlighted else None
        ids = {a.id for a in assets}
        self._assets = [*assets, *(a for a in self._assets if a.id not in ids)]
        self._invalidate()
        index = next((i for i, a in enumerate(self._assets) if a.id == current), 0)
        self._move_to(index, force=True)

    def clear_selection(self) -> None:
        """Unselect every row."""
        if self._selected:
            self._selected = set()
            self._invalidate()
            self.post_message(self.SelectionChanged(self, self.selected))

    def set_favorites(self, favorites: frozenset[str]) -> None:
        """Ids to mark with a star."""
        self._row_context = dataclasses.replace(self._row_context, favorites=favorites)
        self._invalidate()

    @property
    def columns(self) -> tuple[Column, ...]:
        """The columns shown (some drop when the table is narrow)."""
        return self._columns

    def set_columns(self, columns: Sequence[Column]) -> None:
        """Show ``columns`` (in this order) from now on; the rows are drawn again once."""
        if tuple(columns) != self._columns:
            self._columns = tuple(columns)
            self._painter.set_columns(self._columns)
            self._invalidate()

    def set_row_context(self, *, role_of: Callable[[DataAsset], str | None] | None,
                        attached: frozenset[str] | None) -> None:
        """Where the role and attached columns come from (the user's role on an asset, the ids
        attached to the capsule co-tui runs in); the rows are drawn again if a column shows
        them (what they show may have changed)."""
        self._row_context = dataclasses.replace(self._row_context, role_of=role_of,
                                                attached=attached)
        if any(column.key in ("role", "attached") for column in self._columns):
            self._invalidate()

    def set_sort(self, field: str | None, order: str) -> None:
        """Show which column the rows are sorted by (the server sorts)."""
        self._sort = (field, order)
        self._invalidate()

    # --- geometry and rendering ---------------------------------------------------------------

    def _invalidate(self) -> None:
        self._version += 1
        self._forget_strips()
        self._painter.clear()
        self._update_virtual_size()
        self.refresh()

    @property
    def _width(self) -> int:
        """Cells available to the columns (the vertical scrollbar takes its own)."""
        return self.scrollable_content_region.width

    def _update_virtual_size(self, *, quiet: bool = False) -> None:
        """Size the scrollable area to the rows. ``quiet``: when only the height grew and the
        scrollbar is showing already, skip the screen's layout pass (which repaints every
        widget) and update just the scrollbar: a page arriving in the background then costs
        no frame."""
        size = Size(self._width, len(self._assets) + 1)
        old = self.virtual_size
        if (quiet and size.width == old.width and size.height >= old.height
                and self.show_vertical_scrollbar):
            self.set_reactive(AssetTable.virtual_size, size)
            self._scroll_update(size)  # Textual's own update of the scrollbars' window
        else:
            self.virtual_size = size

    def on_resize(self) -> None:
        self._invalidate()
        self._scroll_cursor_into_view()

    @property
    def _cache_limit(self) -> int:
        """Strips kept: two screens' worth. Each Strip carries its own small caches, so a big
        cache costs the garbage collector more than redrawing a row does."""
        return 2 * self.size.height + 8

    @property
    def _body_height(self) -> int:
        return max(1, self.size.height - 1)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        # the styles were applied again (focus, theme, CSS): resolve them and draw afresh
        self._painter.clear()
        self._forget_strips()

    def _forget_strips(self) -> None:
        self._cache.clear()
        self._home.clear()

    def render_line(self, y: int) -> Strip:
        width = self._width
        if y == 0:
            return self._painter.header(width, self._sort)
        index = int(self.scroll_offset.y) + y - 1
        if index >= len(self._assets):
            return Strip.blank(width, self.rich_style)
        asset = self._assets[index]
        is_cursor = index == self.cursor
        is_selected = asset.id in self._selected
        key = (self._version, width, index, asset.id, is_cursor, is_selected, self.has_focus)
        home = index < self._body_height
        strip = self._home.get(key) if home else self._cache.get(key)
        if strip is None:
            strip = self._painter.row(asset, width, cursor=is_cursor, selected=is_selected,
                                      context=self._row_context)
            if home:
                if len(self._home) >= 4 * self._body_height:  # stale variants: start afresh
                    self._home.clear()
                self._home[key] = strip
            else:
                self._cache[key] = strip
                if len(self._cache) > self._cache_limit:
                    self._cache.popitem(last=False)
        return strip

    # --- cursor and keys ----------------------------------------------------------------------

    def watch_cursor(self, old: int, new: int) -> None:
        self.refresh_line_for(old)
        self.refresh_line_for(new)

    def refresh_line_for(self, index: int) -> None:
        """Repaint the screen line showing row ``index`` (if it is visible)."""
        y = index - int(self.scroll_offset.y) + 1
        if 1 <= y < self.size.height:
            self.refresh_line(y)

    def _move_to(self, index: int, *, force: bool = False) -> None:
        if not self._assets:
            self.cursor = 0
            self.post_message(self.AssetHighlighted(self, None))
            return
        index = max(0, min(index, len(self._assets) - 1))
        changed = index != self.cursor
        self.cursor = index
        self._scroll_cursor_into_view()
        if changed or force:
            self.post_message(self.AssetHighlighted(self, self._assets[index], moved=not force))
        loaded = len(self._assets)
        if loaded - index <= self.NEAR_END_ROWS and self._end_reported != loaded:
            self._end_reported = loaded
            self.post_message(self.EndNeared(self, loaded))

    def _scroll_cursor_into_view(self) -> None:
        top = int(self.scroll_offset.y)
        rows = self._body_height
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False, immediate=True)
        elif self.cursor >= top + rows:
            self.scroll_to(y=self.cursor - rows + 1, animate=False, immediate=True)

    def action_cursor(self, delta: int) -> None:
        """Move the cursor by ``delta`` rows."""
        self._move_to(self.cursor + delta)

    def action_page(self, direction: int) -> None:
        """Move the cursor one screen up or down."""
        self._move_to(self.cursor + direction * self._body_height)

    def action_first(self) -> None:
        """Go to the first row."""
        self._move_to(0)

    def action_last(self) -> None:
        """Go to the last loaded row."""
        self._move_to(len(self._assets) - 1)

    def action_choose(self) -> None:
        """Open the highlighted asset."""
        if self._assets:
            self.post_message(self.AssetChosen(self, self._assets[self.cursor]))

    def action_toggle_select(self) -> None:
        """Select or unselect the highlighted asset, then move down."""
        if not self._assets:
            return
        asset_id = self._assets[self.cursor].id
        self._selected.symmetric_difference_update({asset_id})
        self.refresh_line_for(self.cursor)
        self.post_message(self.SelectionChanged(self, self.selected))
        self._move_to(self.cursor + 1)

    def action_select_all(self) -> None:
        """Select every loaded row, or clear the selection when all are selected."""
        ids = {a.id for a in self._assets}
        self._selected = set() if ids and ids <= self._selected else ids
        self._invalidate()
        self.post_message(self.SelectionChanged(self, self.selected))

    def on_click(self, event: object) -> None:
        """A click on a row moves the cursor there (the mouse also works)."""
        y = getattr(event, "y", 0)
        if y >= 1:
            self._move_to(int(self.scroll_offset.y) + y - 1)

    def watch_scroll_y(self, old: float, new: float) -> None:
        super().watch_scroll_y(old, new)
        self.refresh()
