"""A one-line choice: a label and every option visible, the chosen one highlighted; and
:class:`TickBox`, a checkbox whose mark differs on and off by its shape, not only its colour.

``←``/``→`` (or ``h``/``l``, ``space``) change it and a click on an option picks it; it posts
:class:`Choice.Changed`. Used by the filters, download, share, create and edit dialogs; each
styles it in its own ``.tcss`` file.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual import events
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget
from textual.widgets import Checkbox

__all__ = ["Choice", "TickBox"]


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


class TickBox(Checkbox):
    """A checkbox with a tick when on and an empty box when off, so the two states differ in
    any colour depth (Textual's own draws the same ``X`` in two colours, alike in 16 colours)."""

    @property
    def BUTTON_INNER(self) -> str:  # type: ignore[override]
        """The mark inside the box: a tick when on, a blank when off."""
        return "✓" if self.value else " "
