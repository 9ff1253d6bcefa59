"""How a data asset's state looks: a glyph and a colour, so states differ without colour too.

In 16 colours ``$warning`` and ``$error`` can both come out red, so ``draft`` and ``failed``
looked the same: each state also has its own glyph (``◔ draft``, ``✓ ready``, ``✗ failed``).
The asset table, the quick look and the detail view all draw a state with
:func:`state_content`. The glyphs are East Asian "neutral" width, one cell in every terminal;
they live in :mod:`co_tui.formatting` (no Textual there), so the launch's skeleton frame draws
them too.
"""

from __future__ import annotations

from textual.content import Content

from co_tui.formatting import STATE_GLYPHS, STATE_WIDTH, state_glyph
from co_tui.safe_text import display

__all__ = ["STATE_GLYPHS", "STATE_STYLES", "STATE_WIDTH", "state_content", "state_glyph"]

STATE_STYLES: dict[str, str] = {"failed": "$error", "draft": "$warning", "ready": "$success"}


def state_content(state: str | None, *, plain_ready: bool = False) -> Content:
    """``glyph state`` in the state's colour; the state text (server text) goes through
    :func:`~co_tui.safe_text.display`. ``plain_ready`` leaves ``ready`` uncoloured (the table,
    where nearly every row is ready)."""
    name = state or "unknown"
    style = STATE_STYLES.get(state or "", "")
    if plain_ready and state == "ready":
        style = ""
    return Content.assemble(Content.styled(f"{state_glyph(state)} ", style),
                            display(name, style=style))
