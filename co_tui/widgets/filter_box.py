"""``FilterBox``: an input that applies each keystroke as it is typed (the Files tab's filter)."""

from __future__ import annotations

from collections.abc import Callable

from textual.widgets import Input

__all__ = ["FilterBox"]


class FilterBox(Input):
    """An input box that calls ``on_change`` with its value in the same frame as it repaints
    (an ``Input.Changed`` message would reach the owner a frame later: up to 17 ms more per
    keystroke)."""

    def __init__(
        self, on_change: Callable[[str], None], *, placeholder: str = "", id: str | None = None
    ) -> None:
        super().__init__(placeholder=placeholder, id=id)
        self._on_change = on_change

    def watch_value(self, value: str) -> None:
        self._on_change(value)
