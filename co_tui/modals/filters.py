"""``f``: the dialog that edits the list filters (type, ownership, origin, favourites, and
inside a capsule "attached", which filters the loaded rows rather than the search).

:class:`~co_tui.operations.search_filters.AssetFilters` is the value a list screen keeps and adds to
its search requests; :class:`FiltersScreen` returns a new one (or ``None`` when cancelled). Each
filter is a one-line :class:`~co_tui.widgets.choice.Choice`: all its options are visible,
``←``/``→`` change it, ``↑``/``↓`` move between filters, ``enter`` applies, ``esc`` cancels. It
fits 80x24 and needs no mouse (a click on an option also works).
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Static

from co_tui.modals.dialog import Dialog
from co_tui.operations.search_filters import (
    ATTACHED,
    FAVORITES,
    ORIGINS,
    OWNERSHIPS,
    TYPES,
    AssetFilters,
)
from co_tui.widgets.choice import Choice
from co_tui.widgets.footer import KeyFooter

__all__ = ["FiltersScreen"]


class FiltersScreen(Dialog["AssetFilters | None"]):
    """Edit :class:`AssetFilters`; dismisses with the new filters, or ``None`` on cancel."""

    CSS_PATH = "../styles/modals.tcss"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "apply", "Apply", priority=True),
        Binding("escape", "cancel", "Cancel"),
        Binding("x", "clear", "Clear all"),
        Binding("down,j", "move(1)", "Move", key_display="↑↓"),
        Binding("up,k", "move(-1)", "Move", show=False),
    ]

    def __init__(self, filters: AssetFilters, *, title: str = "Filters",
                 capsule: bool = False) -> None:
        """``capsule``: co-tui runs in a capsule, so the "attached" filter is offered."""
        super().__init__()
        self.filters = filters
        self.dialog_title = title
        self.capsule = capsule

    def compose(self) -> ComposeResult:
        f = self.filters
        with Vertical(id="filters-dialog"):
            yield Static(Content(self.dialog_title), id="filters-title")
            yield Choice("Type", TYPES, f.type, id="filter-type")
            yield Choice("Ownership", OWNERSHIPS, f.ownership, id="filter-ownership")
            yield Choice("Origin", ORIGINS, f.origin, id="filter-origin")
            yield Choice("Favourites", FAVORITES, f.favorite, id="filter-favorite")
            if self.capsule:
                yield Choice("Attached", ATTACHED, f.attached, id="filter-attached")
                yield Static(Content("Attached filters the loaded rows, not the search."),
                             id="filters-note")
            yield Static(
                Content("←→ change   ↑↓ move   enter apply   x clear   esc cancel"),
                id="filters-hint",
            )
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#filter-type", Choice).focus()

    def current(self) -> AssetFilters:
        """The filters as the dialog shows them now."""

        def value(name: str) -> object:
            return self.query_one(f"#filter-{name}", Choice).value

        kind, ownership, origin = value("type"), value("ownership"), value("origin")
        attached = value("attached") if self.capsule else None
        return AssetFilters(
            type=kind if isinstance(kind, str) else None,
            ownership=ownership if isinstance(ownership, str) else None,
            origin=origin if isinstance(origin, str) else None,
            favorite=bool(value("favorite")),
            attached=attached if isinstance(attached, bool) else None,
        )

    def action_apply(self) -> None:
        """Close and filter the list."""
        self.dismiss(self.current())

    def action_cancel(self) -> None:
        """Close without changing anything."""
        self.dismiss(None)

    def action_clear(self) -> None:
        """Reset every filter (applied with enter)."""
        for choice in self.query(Choice):
            choice.index = 0

    def action_move(self, delta: int) -> None:
        """Move to the next or previous filter."""
        if delta > 0:
            self.focus_next(Choice)
        else:
            self.focus_previous(Choice)
