"""The asset table's "attached" column: whether the capsule co-tui runs in has the asset attached.

Shown in My Data inside a capsule only. The mark is a glyph, so it reads the same in 16 colours
or none: ``✓`` attached, nothing when not, ``?`` while the attached set is unknown (not read
yet, or reading it failed). The set is ``AssetActionsScreen.attached_ids``
(:mod:`co_tui.operations.capsule_attached`).
"""

from __future__ import annotations

from collections.abc import Sequence

from textual.content import Content

from co_tui.api.models import DataAsset
from co_tui.widgets.asset_columns import Column

__all__ = ["ATTACHED_COLUMN", "ATTACHED_MARK", "attached_cell", "with_attached_column"]

ATTACHED_MARK = "✓"
ATTACHED_COLUMN = Column("attached", "Att", 3, 1)
"""Narrow, and among the last to drop (inside a capsule it is what the list is about)."""


def attached_cell(asset: DataAsset, attached_ids: frozenset[str] | None) -> Content:
    """The column's cell for ``asset``: ``✓`` attached, blank not, a dim ``?`` unknown."""
    if attached_ids is None:
        return Content.styled(" ? ", "dim")
    if asset.id in attached_ids:
        return Content.styled(f" {ATTACHED_MARK} ", "bold $success")
    return Content("")


def with_attached_column(columns: Sequence[Column]) -> tuple[Column, ...]:
    """``columns`` with the attached column after the favourite star (or first)."""
    keys = [c.key for c in columns]
    if "attached" in keys:
        return tuple(columns)
    at = keys.index("favorite") + 1 if "favorite" in keys else 0
    return (*columns[:at], ATTACHED_COLUMN, *columns[at:])
