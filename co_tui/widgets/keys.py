"""Key bindings shared by the list-like widgets (asset table, file tree, download queue)."""

from __future__ import annotations

from textual.binding import Binding

__all__ = ["CURSOR_BINDINGS"]

CURSOR_BINDINGS: tuple[Binding, ...] = (
    Binding("up,k", "cursor(-1)", "Up", show=False),
    Binding("down,j", "cursor(1)", "Down", show=False),
    Binding("pageup", "page(-1)", "Page up", show=False),
    Binding("pagedown", "page(1)", "Page down", show=False),
    Binding("home,g", "first", "First", show=False),
    Binding("end,G", "last", "Last", show=False),
)
"""Arrows and vim keys; the widget implements ``cursor``, ``page``, ``first`` and ``last``."""
