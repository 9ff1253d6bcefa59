"""The skeleton frame co-tui paints before Textual has even been imported.

Python and Textual take a noticeable moment to start (bench/app_launch.py), longer over a
slow file system; in that time a terminal would show nothing but the command just typed.
``paint`` puts the My Data title bar and a "connecting" line on the alternate screen at once
(plain ANSI, no dependencies), and Textual's first frame replaces it. If the app fails before
Textual takes the terminal over, ``restore`` gives the terminal back as it was.

Nothing from the server is shown here; the domain comes from the user's own settings and is
still reduced to printable ASCII, so it cannot carry an escape sequence.
"""

from __future__ import annotations

import os
import shutil
from typing import TextIO

__all__ = ["paint", "restore"]

_ENTER = "\x1b[?1049h\x1b[?25l\x1b[H\x1b[2J"
_LEAVE = "\x1b[?25h\x1b[?1049l"


def _printable(text: str) -> str:
    return "".join(ch if " " <= ch <= "~" else "?" for ch in text)


def paint(out: TextIO, domain: str, *, demo: bool = False) -> bool:
    """Draw the skeleton frame on ``out`` if it is a capable terminal; True when painted."""
    if not out.isatty() or os.environ.get("TERM", "") in ("", "dumb"):
        return False
    width = max(20, shutil.get_terminal_size().columns)
    title = _printable(f" co-tui  My Data  {domain}")
    badge = "  DEMO " if demo else ""
    bar = (title + badge)[:width].ljust(width)
    try:
        out.write(f"{_ENTER}\x1b[1;7m{bar}\x1b[0m\r\n\r\n  connecting…")
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
