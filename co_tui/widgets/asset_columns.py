"""The asset table's columns: what each shows, how wide it may be, which drop first.

:func:`layout_columns` fits the columns to a width: they drop by priority when the terminal is
narrow, and the name column never drops and takes the width that is left.
:func:`cell_content` is one asset's value for one column, every server string through
:func:`co_tui.safe_text.display`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from textual.content import Content

from co_tui.api.models import DataAsset
from co_tui.formatting import format_count, format_date, format_size
from co_tui.safe_text import display
from co_tui.widgets.asset_state import STATE_WIDTH, state_content

__all__ = ["COLUMNS", "GAP", "Column", "cell_content", "layout_columns"]


@dataclass(frozen=True)
class Column:
    """A table column: ``priority`` 0 never drops; higher numbers drop first when narrow."""

    key: str
    title: str
    width: int
    priority: int
    align_right: bool = False
    sort_field: str | None = None


COLUMNS: tuple[Column, ...] = (
    Column("favorite", "★", 1, 3),
    Column("name", "Name", 24, 0, sort_field="name"),
    Column("type", "Type", 8, 2, sort_field="type"),
    Column("state", "State", STATE_WIDTH, 1),
    Column("size", "Size", 9, 2, align_right=True, sort_field="size"),
    Column("files", "Files", 7, 6, align_right=True),
    Column("created", "Created", 10, 4, sort_field="created"),
    Column("last_used", "Last used", 10, 7),
    Column("owner", "Owner", 18, 5),
    Column("tags", "Tags", 20, 8),
)
GAP = 1


def layout_columns(width: int, columns: Sequence[Column] = COLUMNS) -> list[tuple[Column, int]]:
    """The columns that fit in ``width`` cells and their widths, in display order.

    Columns are dropped from the highest priority number down until the fixed ones plus the
    name's minimum fit; the name column takes what is left.
    """
    kept = list(columns)
    name = next(c for c in columns if c.priority == 0)

    def needed(cols: list[Column]) -> int:
        return sum(c.width for c in cols) + GAP * (len(cols) - 1)

    for victim in sorted((c for c in columns if c.priority), key=lambda c: -c.priority):
        if needed(kept) <= width:
            break
        kept.remove(victim)
    spare = max(0, width - needed(kept))
    return [(c, c.width + spare if c is name else c.width) for c in kept]


def cell_content(asset: DataAsset, key: str, favorites: frozenset[str],
                 attached: frozenset[str] | None = None) -> Content:
    """One cell; ``attached`` is the capsule's attached set for the "attached" column."""
    if key == "favorite":
        return Content("★" if asset.id in favorites else " ")
    if key == "name":
        return display(asset.name)
    if key == "type":
        return display(asset.type)
    if key == "state":
        return state_content(asset.state, plain_ready=True)
    if key == "size":
        return Content(format_size(asset.size))
    if key == "files":
        return Content(format_count(asset.files))
    if key == "created":
        return Content(format_date(asset.created))
    if key == "last_used":
        return Content(format_date(asset.last_used))
    if key == "owner":
        return display(asset.owner_email or asset.owner)
    if key == "tags":
        return display(", ".join(asset.tags or []))
    if key == "attached":
        from co_tui.widgets.attached_column import attached_cell

        return attached_cell(asset, attached)
    raise KeyError(key)
