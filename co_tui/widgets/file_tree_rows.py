"""What one row of the file tree says: indent and glyph, the name (the filter's match
underlined), the size column, and the "… N more", "loading…", error and empty rows.

Drawn with the ``file-tree--*`` component classes of :class:`~co_tui.widgets.file_tree.FileTree`,
which caches the strips made from it.
"""

from __future__ import annotations

from textual.content import Content

from co_tui.api.models import FolderItem
from co_tui.formatting import format_count, format_size
from co_tui.safe_text import display, is_safe
from co_tui.widgets.file_tree_model import ERROR, ITEM, LOADING, MORE, WINDOW, Row, TreeModel

__all__ = ["MIN_WIDTH_FOR_SIZES", "SIZE_WIDTH", "count_label", "row_content", "size_width"]

SIZE_WIDTH = 10
"""Least cells of the right-aligned size column (dropped below :data:`MIN_WIDTH_FOR_SIZES`):
``1023.9 MiB``. A folder's count can be wider (``20,000 items``): see :func:`size_width`."""
MIN_WIDTH_FOR_SIZES = 32


def count_label(count: int) -> str:
    """What a loaded folder's row says in the size column: ``1 item``, ``20,000 items``."""
    return f"{format_count(count)} item{'' if count == 1 else 's'}"


def size_width(model: TreeModel) -> int:
    """Cells of the size column: :data:`SIZE_WIDTH`, or the widest folder count loaded, so a
    count is never cut."""
    return max(SIZE_WIDTH, len(count_label(model.largest_count)))


def _label(model: TreeModel, item: FolderItem, cells: int) -> Content:
    name = item.name or item.path.rsplit("/", 1)[-1]
    suffix = "/" if item.is_folder else ""
    content = display(name + suffix, max_cells=max(1, cells))
    needle = model.filter
    if needle and is_safe(name):
        lower = name.lower()
        start = lower.find(needle)
        if start >= 0 and len(lower) == len(name) and start + len(needle) <= len(content):
            content = content.stylize("file-tree--match", start, start + len(needle))
    return content


def row_content(model: TreeModel, row: Row, width: int) -> Content:
    """What row ``row`` of ``model`` says, fitted to ``width`` cells, with the tree's component
    classes as styles."""
    kind, depth, item, path, count = row
    indent = "  " * depth
    if kind == ITEM and item is not None:
        sizes = width >= MIN_WIDTH_FOR_SIZES
        column = size_width(model)
        room = width - len(indent) - 2 - (column + 1 if sizes else 0)
        if item.is_folder:
            glyph = "▾ " if model.is_open(item.path) else "▸ "
            name = _label(model, item, room).stylize_before("file-tree--folder")
            size = ""
            if model.state(item.path) == "loaded":
                size = count_label(model.count(item.path))
        else:
            glyph = "  "
            name = _label(model, item, room)
            size = format_size(item.size)
        line = Content.assemble(indent, glyph, name)
        if sizes:
            line = line.pad_right(max(0, width - column - line.cell_length))
            line = Content.assemble(line, Content(size).pad_left(
                max(0, column - len(size))).stylize("file-tree--dim"))
        return line
    if kind == MORE:
        text = f"  … {count:,} more — enter shows {min(count, WINDOW):,} more"
        return Content.assemble(indent, Content.styled(text, "file-tree--dim"))
    if kind == LOADING:
        return Content.assemble(indent, Content.styled("  loading…", "file-tree--dim"))
    if kind == ERROR:
        message = model.error(path) or "failed"
        return Content.assemble(
            indent, Content.styled("  ✗ ", "file-tree--error"),
            display(message, style="file-tree--error"),
            Content.styled(" — enter to retry", "file-tree--dim"),
        )
    text = "no loaded names match the filter" if model.filter else "empty folder"
    return Content.assemble(indent, Content.styled(f"  {text}", "file-tree--dim"))
