"""``s`` on My Data and the archive bin: a small menu to choose the sort field and order.

Two one-line :class:`~co_tui.widgets.choice.Choice` rows (the fields the search API sorts by, and
the order); ``←``/``→`` change a row, ``↑``/``↓`` move between them, ``enter`` applies, ``esc``
cancels. Choosing another field also picks that field's usual order (newest and largest first,
names and types A to Z), which the order row can still change. ``S`` on the list flips the order
without the menu.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Static

from co_tui.modals.dialog import Dialog
from co_tui.widgets.choice import Choice
from co_tui.widgets.footer import KeyFooter

__all__ = ["SORT_FIELDS", "Sort", "SortMenu", "usual_order"]

SORT_FIELDS: tuple[tuple[str, str], ...] = (
    ("created", "Created"), ("name", "Name"), ("size", "Size"), ("type", "Type"),
)
"""The fields the data-asset search sorts by (``DataAssetSortBy``), with their labels."""

ORDERS: tuple[tuple[str, str], ...] = (("asc", "Ascending ▲"), ("desc", "Descending ▼"))


def usual_order(field: str) -> str:
    """The order a field is usually wanted in: newest and largest first, names A to Z."""
    return "desc" if field in ("created", "size") else "asc"


@dataclass(frozen=True, slots=True)
class Sort:
    """A sort field and order, as the search request carries them."""

    field: str
    order: str


class SortMenu(Dialog["Sort | None"]):
    """Choose the sort; dismisses with a :class:`Sort`, or ``None`` when cancelled."""

    CSS_PATH = "../styles/modals.tcss"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "apply", "Apply", priority=True),
        Binding("escape", "cancel", "Cancel"),
        Binding("down,j", "move(1)", "Move", key_display="↑↓"),
        Binding("up,k", "move(-1)", "Move", show=False),
    ]

    def __init__(self, current: Sort, *, title: str = "Sort") -> None:
        super().__init__()
        self.current_sort = current
        self.dialog_title = title

    def compose(self) -> ComposeResult:
        with Vertical(id="sort-dialog"):
            yield Static(Content(self.dialog_title), id="sort-title")
            yield Choice("Sort by", SORT_FIELDS, self.current_sort.field, id="sort-field")
            yield Choice("Order", ORDERS, self.current_sort.order, id="sort-order")
            yield Static(Content("←→ change   ↑↓ move   enter apply   esc cancel"),
                         id="sort-hint")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#sort-field", Choice).focus()

    @on(Choice.Changed)
    def _field_changed(self, message: Choice.Changed) -> None:
        if message.choice.id == "sort-field":
            self.query_one("#sort-order", Choice).value = usual_order(str(message.choice.value))

    def chosen(self) -> Sort:
        """The sort as the menu shows it now."""
        return Sort(str(self.query_one("#sort-field", Choice).value),
                    str(self.query_one("#sort-order", Choice).value))

    def action_apply(self) -> None:
        """Close and sort the list."""
        self.dismiss(self.chosen())

    def action_cancel(self) -> None:
        """Close without changing the sort."""
        self.dismiss(None)

    def action_move(self, delta: int) -> None:
        """Move to the other row."""
        if delta > 0:
            self.focus_next(Choice)
        else:
            self.focus_previous(Choice)
