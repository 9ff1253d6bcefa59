"""Drawing the asset table's lines: the header and one row each as a ``Strip``.

:class:`RowPainter` belongs to one :class:`~co_tui.widgets.asset_table.AssetTable` and keeps
what every line would otherwise work out again: the widget's resolved styles (looking one up
walks the CSS, a good part of drawing a row), the column layout per width and the header line
(drawn on every repaint). The table clears it when Textual applies its styles again (focus,
theme, CSS). Every server string reaches a cell through :func:`co_tui.safe_text.display`
(:func:`~co_tui.widgets.asset_columns.cell_content`).
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.segment import Segment
from rich.style import Style
from textual.content import Content
from textual.strip import Strip
from textual.widget import Widget

from co_tui.api.models import DataAsset
from co_tui.widgets.asset_columns import GAP, Column, RowContext, cell_content, layout_columns

__all__ = ["RowPainter"]


class RowPainter:
    """The header and row strips of one table widget, with the caches described above."""

    def __init__(self, widget: Widget, columns: Sequence[Column]) -> None:
        self._widget = widget
        self._columns = tuple(columns)
        self._styles: dict[tuple[str, bool], Style] = {}
        self._layout: tuple[int, list[tuple[Column, int]]] | None = None
        self._header: tuple[tuple[object, ...], Strip] | None = None

    def set_columns(self, columns: Sequence[Column]) -> None:
        """Draw ``columns`` from now on (the column chooser changed them)."""
        self._columns = tuple(columns)
        self._layout = None
        self._header = None

    def clear(self) -> None:
        """Forget the resolved styles and the header (the widget's styles changed)."""
        self._styles.clear()
        self._header = None

    def style(self, kind: str) -> Style:
        """The rich style of ``kind``: "" for the widget's own, else a component class."""
        widget = self._widget
        key = (kind, widget.has_focus)
        style = self._styles.get(key)
        if style is None:
            if not kind:
                style = widget.rich_style
            else:
                partial = kind == "asset-table--sorted"
                style = widget.get_component_rich_style(kind, partial=partial)
            self._styles[key] = style
        return style

    def columns_for(self, width: int) -> list[tuple[Column, int]]:
        """:func:`layout_columns` for ``width``, worked out once per width."""
        if self._layout is None or self._layout[0] != width:
            self._layout = (width, layout_columns(width, self._columns))
        return self._layout[1]

    def header(self, width: int, sort: tuple[str | None, str]) -> Strip:
        """The header line, built once per width, sort and focus."""
        key = (width, sort, self._widget.has_focus)
        if self._header is not None and self._header[0] == key:
            return self._header[1]
        base = self.style("asset-table--header")
        sorted_style = self.style("asset-table--sorted")
        field, order = sort
        segments: list[Segment] = []
        for i, (column, col_width) in enumerate(self.columns_for(width)):
            title = column.title
            style = base
            if field is not None and column.sort_field == field:
                title = f"{title} {'▲' if order == 'asc' else '▼'}"
                style = base + sorted_style
            if i:
                segments.append(Segment(" " * GAP, base))
            segments.extend(self._fit(Content(title), col_width, column.align_right, style))
        strip = Strip(segments).adjust_cell_length(width, base)
        self._header = (key, strip)
        return strip

    def row(self, asset: DataAsset, width: int, *, cursor: bool, selected: bool,
            context: RowContext) -> Strip:
        """One asset's line."""
        style = self.style("")
        if selected:
            style = style + self.style("asset-table--selected")
        if cursor:
            style = style + self.style("asset-table--cursor")
        segments: list[Segment] = []
        for i, (column, col_width) in enumerate(self.columns_for(width)):
            if i:
                segments.append(Segment(" " * GAP, style))
            cell = cell_content(asset, column.key, context)
            segments.extend(self._fit(cell, col_width, column.align_right, style))
        return Strip(segments).adjust_cell_length(width, style)

    def _fit(self, cell: Content, width: int, right: bool, style: Style) -> list[Segment]:
        cell = cell.truncate(width, ellipsis=True)
        pad = width - cell.cell_length
        if pad > 0:
            cell = cell.pad_left(pad) if right else cell.pad_right(pad)
        parse = self._widget.app.stylesheet.parse_style  # theme variables such as $error
        return [
            Segment(text, style + span_style.rich_style)
            for text, span_style in cell.render(end="", parse_style=parse)
            if text
        ]
