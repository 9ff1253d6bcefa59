"""Numbers and times as the screens show them. Pure functions, no Textual."""

from __future__ import annotations

import time
from datetime import UTC, datetime

__all__ = ["format_count", "format_date", "format_size"]

_UNITS = ("B", "KiB", "MiB", "GiB", "TiB", "PiB")


def format_size(size: int | None) -> str:
    """``1536`` -> ``"1.5 KiB"``; ``None`` -> ``""`` (unknown, e.g. an external asset)."""
    if size is None or size < 0:
        return ""
    value = float(size)
    for unit in _UNITS:
        if value < 1024 or unit == _UNITS[-1]:
            return f"{int(value)} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    raise AssertionError("unreachable")


def format_count(count: int | None) -> str:
    """``12345`` -> ``"12,345"``; ``None`` -> ``""``."""
    return "" if count is None else f"{count:,}"


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
