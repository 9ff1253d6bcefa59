"""What the commands print: tables on a terminal, one record per line in a pipe, JSON lines with
``--json``, and messages on stderr, every server string made inert on the way.

* Table and line output: each forbidden code point (C0 and C1 controls, ESC, DEL, bidi
  embeddings, overrides and isolates, other invisible format characters, line and paragraph
  separators; the same set the app escapes, :mod:`co_tui.text_escapes`) is written as a visible
  escape (``\\x1b``, ``\\u202e``), so a name cannot move the cursor, retitle the terminal or
  split a record in two. Fields in a pipe are separated by tabs, which server text can therefore
  never contain.
* JSON: the API's fields, with ``created`` and ``last_used`` as ISO 8601 UTC strings; the same
  forbidden code points are written as ``\\uXXXX`` escapes, which any JSON reader turns back
  into the original text, so the value is exact and a terminal still sees nothing active.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, TextIO

from co_tui.text_escapes import FORBIDDEN_SINGLE, escape_char

__all__ = ["clean", "is_terminal", "iso_time", "json_line", "print_lines", "print_table", "warn"]

TIME_FIELDS = frozenset({"created", "last_used"})
_JSON_FORBIDDEN = re.compile(FORBIDDEN_SINGLE.pattern.replace("\\n", ""))


def clean(value: object) -> str:
    """``value`` as one inert line: forbidden code points as visible escapes."""
    text = "" if value is None else str(value)
    return FORBIDDEN_SINGLE.sub(lambda m: escape_char(m.group()), text)


def is_terminal(stream: TextIO) -> bool:
    """Whether ``stream`` is a terminal (tables and progress) rather than a pipe or a file."""
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def iso_time(epoch: object) -> object:
    """Epoch seconds as ``2024-05-01T12:00:00Z``; 0 and non-numbers are left as they are."""
    if isinstance(epoch, bool) or not isinstance(epoch, int | float) or not epoch:
        return epoch
    try:
        return datetime.fromtimestamp(epoch, tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    except (OverflowError, OSError, ValueError):
        return epoch


def _with_iso_times(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: iso_time(v) if k in TIME_FIELDS else _with_iso_times(v)
                for k, v in value.items()}
    if isinstance(value, list):
        return [_with_iso_times(v) for v in value]
    return value


def json_line(record: Mapping[str, Any]) -> str:
    """One JSON object on one line, times in ISO 8601, forbidden code points escaped."""
    text = json.dumps(_with_iso_times(record), ensure_ascii=False, separators=(",", ":"))
    return _JSON_FORBIDDEN.sub(_json_escape, text)


def _json_escape(match: re.Match[str]) -> str:
    units = match.group().encode("utf-16-be", "surrogatepass")
    return "".join(f"\\u{int.from_bytes(units[i:i + 2], 'big'):04x}"
                   for i in range(0, len(units), 2))


def print_lines(rows: Iterable[Sequence[object]], out: TextIO = sys.stdout) -> None:
    """One record per line, fields separated by tabs (for ``cut``, ``awk``, ``while read``)."""
    for row in rows:
        out.write("\t".join(clean(field) for field in row) + "\n")


def _width(text: str) -> int:
    from rich.cells import cell_len

    return cell_len(text)


def print_table(header: Sequence[str], rows: Sequence[Sequence[object]],
                out: TextIO = sys.stdout, *, right: frozenset[int] = frozenset(),
                max_width: int = 60) -> None:
    """An aligned table with a header (for a person at a terminal); a cell wider than
    ``max_width`` cells is cut with ``…``."""
    cells = [[_fit(clean(field), max_width) for field in row] for row in rows]
    widths = [max([_width(h)] + [_width(r[i]) for r in cells]) for i, h in enumerate(header)]

    def line(values: Sequence[str]) -> str:
        parts = []
        for i, value in enumerate(values):
            pad = " " * (widths[i] - _width(value))
            parts.append(pad + value if i in right else value + pad)
        return "  ".join(parts).rstrip()

    out.write(line(list(header)) + "\n")
    for row in cells:
        out.write(line(row) + "\n")


def _fit(text: str, max_width: int) -> str:
    if _width(text) <= max_width:
        return text
    from co_tui.text_escapes import cell_cut

    return text[:cell_cut(text, max_width - 1, len(text))] + "…"


def warn(message: str, *, prog: str = "co-tui") -> None:
    """A message on stderr (the text is cleaned: it may quote the server)."""
    sys.stderr.write(f"{prog}: {clean(message)}\n")
