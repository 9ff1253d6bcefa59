"""``C`` on My Data and the archive bin: choose the list's columns.

Every column but the name (which is always shown) is a :class:`~co_tui.widgets.choice.TickBox`
row: ``space`` or ``enter`` ticks or clears it, ``↑``/``↓`` move, ``x`` goes back to the usual
set, ``ctrl+s`` applies and ``esc`` cancels. The "attached" column says whether an asset is
attached to the capsule co-tui runs in, so outside a capsule (and in the archive bin) its row is
disabled and says why. The result is the chosen column keys in display
order; the list saves them as the ``columns`` setting. Columns still drop by priority when the
terminal is too narrow for all of them.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Static

from co_tui.modals.dialog import Dialog
from co_tui.widgets.asset_columns import CATALOGUE, COLUMNS
from co_tui.widgets.choice import TickBox
from co_tui.widgets.footer import KeyFooter

__all__ = ["ATTACHED_REASON", "ColumnChooser", "choosable"]

ATTACHED_REASON = "only inside a capsule"
"""Why the attached column cannot be chosen outside a capsule."""

_LABELS = {"favorite": "★ Favourite", "attached": "Att (attached)"}


def choosable() -> list[tuple[str, str]]:
    """(key, label) of every column the chooser offers, in display order (not the name)."""
    return [(c.key, _LABELS.get(c.key, c.title)) for c in CATALOGUE if c.key != "name"]


class ColumnChooser(Dialog["tuple[str, ...] | None"]):
    """Tick the columns to show; dismisses with their keys (``name`` included) in display
    order, or ``None`` when cancelled."""

    CSS_PATH = "../styles/modals.tcss"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "apply", "Apply", priority=True),
        Binding("escape", "cancel", "Cancel"),
        Binding("x", "usual", "Usual columns"),
        Binding("down,j", "move(1)", "Move", key_display="↑↓"),
        Binding("up,k", "move(-1)", "Move", show=False),
    ]

    def __init__(self, shown: Collection[str], *, in_capsule: bool,
                 usual: Collection[str] | None = None, title: str = "Columns") -> None:
        """``shown``: the keys shown now; ``in_capsule``: the list can show the attached column
        (else its row is disabled); ``usual``: what ``x`` ticks (default: the usual columns)."""
        super().__init__()
        self.shown = frozenset(shown)
        self.in_capsule = in_capsule
        self.usual = frozenset(usual if usual is not None else (c.key for c in COLUMNS))
        self.dialog_title = title

    def compose(self) -> ComposeResult:
        with Vertical(id="columns-dialog"):
            yield Static(Content(self.dialog_title), id="columns-title")
            for key, label in choosable():
                disabled = key == "attached" and not self.in_capsule
                text = f"{label} — {ATTACHED_REASON}" if disabled else label
                yield TickBox(text, key in self.shown and not disabled, id=f"column-{key}",
                              disabled=disabled, compact=True)
            yield Static(Content("space tick   ↑↓ move   x usual   ctrl+s apply   esc cancel"),
                         id="columns-hint")
        yield KeyFooter()

    def on_mount(self) -> None:
        first = next((box for box in self.query(TickBox) if not box.disabled), None)
        if first is not None:
            first.focus()

    def chosen(self) -> tuple[str, ...]:
        """The ticked columns' keys, the name included, in display order."""
        ticked = {box.id.removeprefix("column-") for box in self.query(TickBox)
                  if box.id and box.value and not box.disabled}
        return tuple(c.key for c in CATALOGUE if c.key in ticked or c.key == "name")

    def action_apply(self) -> None:
        """Close and show the ticked columns."""
        self.dismiss(self.chosen())

    def action_cancel(self) -> None:
        """Close without changing the columns."""
        self.dismiss(None)

    def action_usual(self) -> None:
        """Tick the usual columns and clear the others (applied with ctrl+s)."""
        for box in self.query(TickBox):
            if box.id and not box.disabled:
                box.value = box.id.removeprefix("column-") in self.usual

    def action_move(self, delta: int) -> None:
        """Move to the next or previous column."""
        if delta > 0:
            self.focus_next(TickBox)
        else:
            self.focus_previous(TickBox)
