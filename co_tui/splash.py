"""The skeleton frame co-tui paints before Textual has even been imported.

Python and Textual take a noticeable moment to start (bench/app_launch.py), longer over a
slow file system; in that time a terminal would show nothing but the command just typed.
``paint`` puts the My Data title bar and a "connecting" line on the alternate screen at once
(plain ANSI, no dependencies), and Textual's first frame replaces it. If the app fails before
Textual takes the terminal over, ``restore`` gives the terminal back as it was.

With the previous session's first page cached (:mod:`co_tui.session.page_cache`), the frame
also draws those rows under a "cached · refreshing" line, so a user sees their assets before the
network has answered. When the live first page arrives while Textual is still being imported
(:func:`co_tui.launch.open_app` asks for it first), ``paint_live`` draws its rows in the same
frame, under a "starting…" line: Python takes longer to import the UI than the server takes to
answer, so the rows are on screen ~150 ms before the app takes keys, and Textual's first frame
then draws the same rows. Those strings come from the server: each cell keeps only letters,
digits, punctuation, symbols and spaces (anything else, controls and bidi or invisible format
characters included, becomes ``?``) and is cut to its column, so no escape sequence or markup
can reach the terminal. The domain comes from the user's own settings and is reduced to
printable ASCII.
"""

from __future__ import annotations

import os
import shutil
import unicodedata
from collections.abc import Mapping, Sequence
from typing import Any, TextIO

__all__ = ["paint", "paint_live", "restore"]

_ENTER = "\x1b[?1049h\x1b[?25l\x1b[H\x1b[2J"
_LEAVE = "\x1b[?25h\x1b[?1049l"


def _printable(text: str) -> str:
    return "".join(ch if " " <= ch <= "~" else "?" for ch in text)


def _cell(value: object, width: int, *, right: bool = False) -> str:
    """``value`` as inert text exactly ``width`` terminal cells wide (cut with ``…``)."""
    out: list[str] = []
    used = 0
    for ch in str(value) if value is not None else "":
        category = unicodedata.category(ch)
        if category[0] == "M":
            continue  # combining marks: dropped rather than risk a pile of them
        if category[0] not in "LNPS" and category != "Zs":
            ch = "?"
        cells = 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
        if used + cells > width:
            while out and used + 1 > width:
                used -= 2 if unicodedata.east_asian_width(out.pop()) in ("W", "F") else 1
            out.append("…")
            used += 1
            break
        out.append(ch)
        used += cells
    pad = " " * (width - used)
    return pad + "".join(out) if right else "".join(out) + pad


def _rows(rows: Sequence[Mapping[str, Any]], width: int, height: int) -> str:
    """The cached rows as table lines: name, type, state, size, created."""
    from co_tui.formatting import STATE_WIDTH, format_date, format_size, state_glyph

    fixed = [("Type", 8, "type", False), ("State", STATE_WIDTH, "state", False),
             ("Size", 9, "size", True), ("Created", 10, "created", False)]
    name_width = max(8, width - 2 - sum(w + 1 for _, w, _, _ in fixed))
    head = "  " + _cell("Name", name_width) + "".join(
        " " + _cell(title, w, right=right) for title, w, _, right in fixed)
    lines = [f"\x1b[1m{head}\x1b[0m"]
    for row in rows[:max(0, height)]:
        size = row.get("size")
        created = row.get("created")
        state = row.get("state")
        state_text = f"{state_glyph(str(state))} {state}" if state else ""
        values = {"type": row.get("type", ""), "state": state_text,
                  "size": format_size(size) if isinstance(size, int) else "",
                  "created": format_date(created) if isinstance(created, int | float) else ""}
        lines.append("  " + _cell(row.get("name", ""), name_width) + "".join(
            " " + _cell(values[key], w, right=right) for _, w, key, right in fixed))
    return "\r\n".join(lines)


def paint(out: TextIO, domain: str, *, demo: bool = False,
          cached: Sequence[Mapping[str, Any]] | None = None) -> bool:
    """Draw the skeleton frame on ``out`` if it is a capable terminal; True when painted.

    ``cached``: the previous session's first page (plain JSON rows), drawn under a
    "cached · refreshing" line instead of "connecting…".
    """
    if not out.isatty() or os.environ.get("TERM", "") in ("", "dumb"):
        return False
    size = shutil.get_terminal_size()
    width = max(20, size.columns)
    title = _printable(f" co-tui  My Data  {domain}")
    badge = "  DEMO " if demo else ""
    bar = (title + badge)[:width].ljust(width)
    body = _body(f"{len(cached):,} cached · refreshing", cached) if cached else "  connecting…"
    return _write(out, f"{_ENTER}\x1b[1;7m{bar}\x1b[0m\r\n\r\n{body}")


def paint_live(out: TextIO, rows: Sequence[Mapping[str, Any]]) -> None:
    """Draw ``rows`` (the live first page, plain JSON values) in the frame :func:`paint` drew,
    in place of what is under its title bar."""
    count = "no assets" if not rows else f"{len(rows):,} asset{'s' if len(rows) != 1 else ''}"
    _write(out, f"\x1b[3;1H\x1b[J{_body(f'{count} · starting…', rows)}")


def _body(note: str, rows: Sequence[Mapping[str, Any]]) -> str:
    """What goes under the title bar: a dim ``note`` line, then ``rows`` to the screen's end."""
    size = shutil.get_terminal_size()
    return (f"  \x1b[2m{note}\x1b[0m\r\n\r\n"
            + _rows(rows, max(20, size.columns), size.lines - 5))


def _write(out: TextIO, text: str) -> bool:
    """Write ``text`` to ``out`` at once; False when the terminal is gone."""
    try:
        out.write(text)
        out.flush()
    except OSError:
        return False
    return True


def restore(out: TextIO) -> None:
    """Leave the alternate screen and show the cursor again (only if Textual never started)."""
    try:
        out.write(_LEAVE)
        out.flush()
    except OSError:
        pass
