"""The asset table's columns: what each shows, how wide it may be, which drop first.

:func:`layout_columns` fits the columns to a width: they drop by priority when the terminal is
narrow, and the name column never drops and takes the width that is left.
:func:`cell_content` is one asset's value for one column, every server string through
:func:`co_tui.safe_text.display`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from textual.content import Content

from co_tui.api.models import DataAsset
from co_tui.formatting import format_count, format_date, format_size
from co_tui.safe_text import display
from co_tui.widgets.asset_state import STATE_WIDTH, state_content

__all__ = ["ATTACHED_COLUMN", "ATTACHED_MARK", "CATALOGUE", "COLUMNS", "GAP", "Column",
           "RowContext", "attached_cell", "cell_content", "columns_from_keys", "layout_columns"]


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
"""The columns shown unless the ``columns`` setting says otherwise (chosen with ``C``)."""

ATTACHED_MARK = "✓"
ATTACHED_COLUMN = Column("attached", "Att", 3, 1)
"""Whether the capsule co-tui runs in has the asset attached: narrow, and among the last to drop
(inside a capsule it is what the list is about)."""

CATALOGUE: tuple[Column, ...] = (
    COLUMNS[0],
    ATTACHED_COLUMN,
    *COLUMNS[1:-1],
    Column("role", "Role", 12, 3),
    COLUMNS[-1],
)
"""Every column the list can show, in display order: the usual ones, whether the asset is
attached to the capsule co-tui runs in (shown there unless the user chose columns without it) and
the user's role on the asset (shown when chosen; it drops late, so at 80 columns it stays)."""

GAP = 1


def columns_from_keys(keys: Iterable[str] | None) -> tuple[Column, ...]:
    """The catalogue's columns named by ``keys`` (the ``columns`` setting), in display order;
    the name column is always there and unknown keys are skipped. ``None``: :data:`COLUMNS`."""
    if keys is None:
        return COLUMNS
    wanted = {*keys, "name"}
    return tuple(column for column in CATALOGUE if column.key in wanted)


@dataclass(frozen=True, slots=True)
class RowContext:
    """What a row shows that is not in the asset itself: the favourites, the user's role on an
    asset (``role_of``; None when it is not known yet) and the capsule's attached assets."""

    favorites: frozenset[str] = frozenset()
    role_of: Callable[[DataAsset], str | None] | None = field(default=None, compare=False)
    attached: frozenset[str] | None = None


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


def attached_cell(asset: DataAsset, attached: frozenset[str] | None) -> Content:
    """The attached column's cell: ``✓`` attached, blank not, a dim ``?`` while the capsule's
    attached set is unknown (not read yet, or reading it failed). A glyph, so it reads the same
    in 16 colours or none."""
    if attached is None:
        return Content.styled(" ? ", "dim")
    if asset.id in attached:
        return Content.styled(f" {ATTACHED_MARK} ", "bold $success")
    return Content("")


def cell_content(asset: DataAsset, key: str, context: RowContext) -> Content:
    """``asset``'s cell in column ``key``."""
    if key == "favorite":
        return Content("★" if asset.id in context.favorites else " ")
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
    if key == "role":
        role = context.role_of(asset) if context.role_of is not None else None
        return Content(role) if role else Content.styled("?", "$text-muted")
    if key == "attached":
        return attached_cell(asset, context.attached)
    raise KeyError(key)
