"""Human-readable sizes and counts for titles and notes."""

from __future__ import annotations

_UNITS = ("KiB", "MiB", "GiB", "TiB", "PiB")


def format_size(size: int) -> str:
    """``1023`` → ``"1,023 bytes"``, ``262144`` → ``"256 KiB"``, ``5418`` → ``"5.3 KiB"``,
    ``4 * 2**30`` → ``"4 GiB"``."""
    if size < 1024:
        return f"{size:,} byte" + ("" if size == 1 else "s")
    value = float(size)
    index = 0
    while True:
        value /= 1024
        if value < 1024 or index == len(_UNITS) - 1:
            break
        index += 1
    unit = _UNITS[index]
    text = f"{value:,.1f}"
    if text.endswith(".0"):
        text = text[:-2]
    return f"{text} {unit}"


def plural(count: int, word: str, words: str | None = None) -> str:
    """``plural(1, "line")`` → ``"1 line"``; ``plural(2_000, "line")`` → ``"2,000 lines"``."""
    return f"{count:,} {word if count == 1 else (words or word + 's')}"
