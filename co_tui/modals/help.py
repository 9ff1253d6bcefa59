"""``?``: every key of the current screen and of the app, generated from their bindings."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import groupby
from typing import Any, ClassVar

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Static

from co_tui.commands import KeyAction, group_name, screen_actions
from co_tui.favourite_note import FAVOURITE_NOTE
from co_tui.modals.dialog import Dialog
from co_tui.safe_text import display

__all__ = ["HelpScreen", "render_keys"]

KEY_COLUMN_MAX = 18


def render_keys(actions: Sequence[KeyAction]) -> Content:
    """The key table: a heading per group, then ``keys  description`` lines (disabled: dim)."""
    width = min(KEY_COLUMN_MAX, max((cell_len(a.key_text) for a in actions), default=4))
    parts: list[Content | str | tuple[str, str]] = []
    for group, members in groupby(actions, key=lambda a: a.group):
        if parts:
            parts.append("\n")
        parts.append((group, "bold underline"))
        parts.append("\n")
        for action in members:
            keys = action.key_text
            pad = " " * max(1, width - cell_len(keys) + 2)
            style = "" if action.enabled else "dim"
            parts.append((f"  {keys}", f"bold $accent {style}".strip()))
            parts.append((f"{pad}{action.description}", style))
            if not action.enabled:
                parts.append("  ")
                parts.append(display(action.reason or "not available now", max_cells=90,
                                     style="dim italic"))
            parts.append("\n")
    return Content.assemble(*parts) if parts else Content("No keys.")


class HelpScreen(Dialog[None]):
    """A scrollable list of the keys of the screen it was opened on; closes with esc, ? or q."""

    CSS_PATH = "../styles/modals.tcss"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,question_mark,q", "close", "Close"),
        Binding("j", "scroll(1)", "Scroll down", show=False),
        Binding("k", "scroll(-1)", "Scroll up", show=False),
        Binding("g", "scroll_home", "Top", show=False),
        Binding("G", "scroll_end", "Bottom", show=False),
    ]

    def __init__(self, actions: Sequence[KeyAction], title: str) -> None:
        super().__init__()
        self.actions = list(actions)
        self.help_title = title

    @classmethod
    def for_screen(cls, screen: Screen[Any]) -> HelpScreen:
        """The help for ``screen`` (its bindings as they are at this moment)."""
        return cls(screen_actions(screen), f"Keys — {group_name(screen)}")

    def compose(self) -> ComposeResult:
        with Vertical(id="help-dialog"):
            yield Static(Content(self.help_title), id="help-title")
            with VerticalScroll(id="help-body"):
                yield Static(render_keys(self.actions), id="help-keys")
                yield Static(Content(FAVOURITE_NOTE), id="help-note")
            yield Static(
                Content("esc ? q: close   ↑↓ j k: scroll   ctrl+p: run any by name"),
                id="help-hint",
            )

    def on_mount(self) -> None:
        self.query_one("#help-body", VerticalScroll).focus()

    def action_close(self) -> None:
        """Close the help."""
        self.dismiss(None)

    def action_scroll(self, lines: int) -> None:
        """Scroll the key list by ``lines``."""
        body = self.query_one("#help-body", VerticalScroll)
        body.scroll_to(y=body.scroll_y + lines, animate=False)

    def action_scroll_home(self) -> None:
        """Scroll to the top."""
        self.query_one("#help-body", VerticalScroll).scroll_home(animate=False)

    def action_scroll_end(self) -> None:
        """Scroll to the bottom."""
        self.query_one("#help-body", VerticalScroll).scroll_end(animate=False)
