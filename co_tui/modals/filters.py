"""``f``: the list filters (type, ownership, origin, favourites) and the dialog that edits them.

:class:`AssetFilters` is the value a list screen keeps and adds to its search requests; the
dialog :class:`FiltersScreen` returns a new one (or ``None`` when cancelled). Each filter is a
one-line :class:`Choice`: all its options are visible, ``←``/``→`` change it, ``↑``/``↓`` move
between filters, ``enter`` applies, ``esc`` cancels. It fits 80x24 and needs no mouse (a click on
an option also works).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

import msgspec
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.reactive import reactive
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Static

from co_tui.api.models import DataAssetSearchParams
from co_tui.widgets.footer import KeyFooter

__all__ = ["ORIGINS", "OWNERSHIPS", "TYPES", "AssetFilters", "Choice", "FiltersScreen"]

TYPES: tuple[tuple[str | None, str], ...] = (
    (None, "any"), ("dataset", "dataset"), ("result", "result"), ("combined", "combined"),
    ("model", "model"),
)
OWNERSHIPS: tuple[tuple[str | None, str], ...] = (
    (None, "all"), ("created", "created by me"), ("shared", "shared with me"),
)
ORIGINS: tuple[tuple[str | None, str], ...] = (
    (None, "any"), ("internal", "internal"), ("external", "external"),
)
FAVORITES: tuple[tuple[bool, str], ...] = ((False, "all"), (True, "favourites only"))


@dataclass(frozen=True, slots=True)
class AssetFilters:
    """The filters of a list screen; the defaults filter nothing.

    The values are the search API's: ``type`` (dataset/result/combined/model), ``ownership``
    (``created`` / ``shared``), ``origin`` (``internal`` / ``external``), ``favorite``.
    """

    type: str | None = None
    ownership: str | None = None
    origin: str | None = None
    favorite: bool = False

    @property
    def active(self) -> bool:
        """True when any filter narrows the list."""
        return self != AssetFilters()

    def apply_to(self, params: DataAssetSearchParams) -> DataAssetSearchParams:
        """``params`` with these filters added (unset ones are left off the request)."""
        return msgspec.structs.replace(
            params,
            type=self.type,
            ownership=self.ownership,
            origin=self.origin,
            favorite=True if self.favorite else None,
        )

    def describe(self) -> str:
        """The active filters in a few words, e.g. ``"result, created by me, favourites"``."""
        words: list[str] = []
        if self.type:
            words.append(self.type)
        words += [label for value, label in OWNERSHIPS if value and value == self.ownership]
        if self.origin:
            words.append(self.origin)
        if self.favorite:
            words.append("favourites")
        return ", ".join(words)


class Choice(Widget, can_focus=True):
    """One filter on one line: a label and every option, the chosen one highlighted."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("right,l,space", "step(1)", "Change", key_display="←→"),
        Binding("left,h", "step(-1)", "Change", show=False),
    ]

    index: reactive[int] = reactive(0)

    class Changed(Message):
        """The user picked another option of ``choice``."""

        def __init__(self, choice: Choice) -> None:
            super().__init__()
            self.choice = choice

    LABEL_WIDTH = 12

    def __init__(
        self,
        label: str,
        options: Sequence[tuple[object, str]],
        value: object,
        *,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.label = label
        self.options = tuple(options)
        self._default = value
        self.set_reactive(Choice.index, self._index_of(value))
        self._spans: list[tuple[int, int, int]] = []

    def _index_of(self, value: object) -> int:
        return next((i for i, (v, _) in enumerate(self.options) if v == value), 0)

    @property
    def value(self) -> object:
        """The chosen option's value."""
        return self.options[self.index][0]

    @value.setter
    def value(self, value: object) -> None:
        self.index = self._index_of(value)

    def render(self) -> Content:
        focused = self.has_focus
        parts: list[tuple[str, str] | str] = [
            ((" › " if focused else "   ") + f"{self.label:<{self.LABEL_WIDTH}}",
             "bold" if focused else ""),
        ]
        x = 3 + self.LABEL_WIDTH
        self._spans = []
        for i, (_, text) in enumerate(self.options):
            chosen = i == self.index
            # a mark as well as a colour: readable in 16 colours, monochrome and screen readers
            cell = f"{'●' if chosen else '○'} {text}"
            self._spans.append((x, x + len(cell), i))
            parts.append((cell, "bold $accent" if chosen else ""))
            parts.append("  ")
            x += len(cell) + 2
        return Content.assemble(*parts)

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    def action_step(self, delta: int) -> None:
        """Choose the next (``1``) or previous (``-1``) option, wrapping around."""
        self.index = (self.index + delta) % len(self.options)
        self.post_message(self.Changed(self))

    def on_click(self, event: events.Click) -> None:
        """A click on an option chooses it."""
        for start, end, index in self._spans:
            if start <= event.x < end:
                self.index = index
                self.post_message(self.Changed(self))
                return


class FiltersScreen(ModalScreen["AssetFilters | None"]):
    """Edit :class:`AssetFilters`; dismisses with the new filters, or ``None`` on cancel."""

    CSS_PATH = "../styles/modals.tcss"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "apply", "Apply", priority=True),
        Binding("escape", "cancel", "Cancel"),
        Binding("x", "clear", "Clear all"),
        Binding("down,j", "move(1)", "Move", key_display="↑↓"),
        Binding("up,k", "move(-1)", "Move", show=False),
    ]

    def __init__(self, filters: AssetFilters, *, title: str = "Filters") -> None:
        super().__init__()
        self.filters = filters
        self.dialog_title = title

    def compose(self) -> ComposeResult:
        f = self.filters
        with Vertical(id="filters-dialog"):
            yield Static(Content(self.dialog_title), id="filters-title")
            yield Choice("Type", TYPES, f.type, id="filter-type")
            yield Choice("Ownership", OWNERSHIPS, f.ownership, id="filter-ownership")
            yield Choice("Origin", ORIGINS, f.origin, id="filter-origin")
            yield Choice("Favourites", FAVORITES, f.favorite, id="filter-favorite")
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
        return AssetFilters(
            type=kind if isinstance(kind, str) else None,
            ownership=ownership if isinstance(ownership, str) else None,
            origin=origin if isinstance(origin, str) else None,
            favorite=bool(value("favorite")),
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
