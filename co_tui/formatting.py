"""Numbers and times as co-tui shows them, everywhere. Pure functions, no Textual.

One style for sizes, in tables, the file tree, dialogs and preview notes alike: bytes below
1 KiB as ``"1023 B"``, larger sizes in binary units with one decimal, a trailing ``.0`` dropped
(``"1.5 KiB"``, ``"256 KiB"``, ``"4 GiB"``). The back end (``co_tui/preview/``,
``co_tui/transfer/``) uses these too, so the same size never reads two ways on one screen.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime

__all__ = ["STATE_GLYPHS", "STATE_WIDTH", "UNKNOWN_GLYPH", "format_count", "format_date",
           "format_size", "plural", "state_glyph"]

STATE_GLYPHS: dict[str, str] = {"draft": "◔", "ready": "✓", "failed": "✗"}
"""One glyph per known asset state, so states differ without colour; any other state (or none)
gets :data:`UNKNOWN_GLYPH`."""
UNKNOWN_GLYPH = "?"
STATE_WIDTH = 8
"""Cells of ``✗ failed``, the widest known state with its glyph (a table's state column)."""


def state_glyph(state: str | None) -> str:
    """The glyph of ``state`` (``?`` for a state co-tui does not know)."""
    return STATE_GLYPHS.get(state or "", UNKNOWN_GLYPH)

_UNITS = ("B", "KiB", "MiB", "GiB", "TiB", "PiB")


def format_size(size: int | None) -> str:
    """``1023`` -> ``"1023 B"``, ``1536`` -> ``"1.5 KiB"``, ``262144`` -> ``"256 KiB"``;
    ``None`` -> ``""`` (unknown, e.g. an external asset)."""
    if size is None or size < 0:
        return ""
    value = float(size)
    for unit in _UNITS:
        if value < 1024 or unit == _UNITS[-1]:
            if unit == "B":
                return f"{int(value)} B"
            text = f"{value:.1f}"
            return f"{text.removesuffix('.0')} {unit}"
        value /= 1024
    raise AssertionError("unreachable")


def format_count(count: int | None) -> str:
    """``12345`` -> ``"12,345"``; ``None`` -> ``""``."""
    return "" if count is None else f"{count:,}"


def plural(count: int, word: str, words: str | None = None) -> str:
    """``plural(1, "line")`` -> ``"1 line"``; ``plural(2_000, "line")`` -> ``"2,000 lines"``."""
    return f"{count:,} {word if count == 1 else (words or word + 's')}"


def format_date(epoch: int | float | None, *, utc: bool = False, never: str = "never") -> str:
    """Epoch seconds as ``YYYY-MM-DD`` in local time (or UTC); 0 / None -> ``never``."""
    if not epoch:
        return never
    try:
        if utc:
            return datetime.fromtimestamp(epoch, tz=UTC).strftime("%Y-%m-%d")
        return time.strftime("%Y-%m-%d", time.localtime(epoch))
    except (OverflowError, OSError, ValueError):
        return "?"
