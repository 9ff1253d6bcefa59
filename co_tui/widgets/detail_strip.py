"""Drawing one line of :class:`~textual.content.Content` as a ``Strip``, for the Line-API
widgets of the asset detail panes (file tree, preview)."""

from __future__ import annotations

from collections.abc import Collection

from rich.cells import cell_len
from rich.segment import Segment
from textual.content import Content
from textual.strip import Strip
from textual.style import Style as VisualStyle
from textual.widget import Widget

__all__ = ["content_strip"]


def content_strip(
    widget: Widget,
    content: Content,
    width: int,
    base: VisualStyle,
    components: Collection[str] = (),
    *,
    offset: int = 0,
    styles: dict[str, VisualStyle] | None = None,
) -> Strip:
    """One line of ``content`` as a ``width``-cell strip over ``base`` (the widget's style with
    its background, e.g. ``widget.get_visual_style()``), starting at cell ``offset``
    (horizontal scrolling). Span styles are combined with ``base`` as Textual styles, so
    translucent theme colours (``$text-muted``) blend with the background they sit on.

    Span styles may be theme styles (``"bold $accent"``) or names of the widget's component
    classes (``"file-tree--dim"``), which resolve to that component's style. ``styles`` caches
    the resolved styles across lines (clear it when the widget's styles change). One ``Strip``
    is built per line, with its length given: Textual's ``Strip`` sets up seven caches when
    it is created, so strips are the main cost of drawing a line.
    """
    if offset:
        content = content[_char_index(content.plain, offset):]
    length = content.cell_length
    if length > width:
        content = content.truncate(width, ellipsis=False)
        length = content.cell_length
    cache = styles if styles is not None else {}
    parse = widget.app.stylesheet.parse_style

    def resolve(style: str | VisualStyle) -> VisualStyle:
        if isinstance(style, VisualStyle):
            return style
        found = cache.get(style)
        if found is None:
            if style in components:
                found = widget.get_visual_style(style, partial=True)
            else:
                found = parse(style)
            cache[style] = found
        return found

    segments = [
        Segment(text, style.rich_style)
        for text, style in content.render(base, end="", parse_style=resolve)
        if text
    ]
    if length < width:
        segments.append(Segment(" " * (width - length), base.rich_style))
    return Strip(segments, width)


def _char_index(text: str, cells: int) -> int:
    """Index of the first character at or after cell ``cells`` of ``text``."""
    if text.isascii():
        return min(cells, len(text))
    total = 0
    for index, char in enumerate(text):
        if total >= cells:
            return index
        total += cell_len(char)
    return len(text)
