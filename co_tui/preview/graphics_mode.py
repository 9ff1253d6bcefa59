"""How pictures are drawn in this terminal: which renderer a preview uses.

``CO_TUI_IMAGES`` forces one: ``halfblock`` (coloured ``▀`` cells: any terminal with true
colour, over SSH, in a browser), ``kitty`` (the Kitty graphics protocol with Unicode
placeholders: :mod:`co_tui.preview.kitty`), ``sixel`` (accepted, but drawn in half blocks: a
Sixel image is painted at the cursor over the cells, outside the text, so Textual's line-by-line
compositor cannot clip or scroll it and would paint over it on the next frame) or ``off`` (the
hex view, as for other binaries).

Without it the choice is made from the environment alone. Terminals can be asked what they
support, but only by writing a query and reading the answer from stdin, which Textual's input
thread owns once the app runs (textual-image asks at import time for that reason, which is why
its auto-detecting modules are never imported here). So:

- ``kitty`` in kitty (``TERM=xterm-kitty`` or ``KITTY_WINDOW_ID``) and in Ghostty
  (``TERM_PROGRAM=ghostty`` or ``TERM=xterm-ghostty``), the terminals that draw Unicode
  placeholders;
- ``halfblock`` everywhere else, WezTerm included: it speaks the Kitty protocol but its releases
  do not draw placeholders (they show as boxes);
- ``halfblock`` inside tmux or GNU screen, whatever the terminal outside: the graphics commands
  only reach it through tmux's passthrough, which is off unless ``allow-passthrough on`` is set,
  and tmux must pass the placeholders' 24-bit colours unchanged. ``CO_TUI_IMAGES=kitty`` inside
  tmux wraps every command in tmux's passthrough (:func:`in_tmux`), for users who set it up;
- ``halfblock`` for a headless app (tests, snapshots) unless forced, so results do not depend on
  the terminal the tests run in.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

__all__ = ["MODES", "PictureMode", "in_tmux", "picture_mode"]

PictureMode = Literal["halfblock", "kitty", "sixel", "off"]
MODES: tuple[PictureMode, ...] = ("halfblock", "kitty", "sixel", "off")


def picture_mode(environ: Mapping[str, str], *, headless: bool = False) -> PictureMode:
    """The renderer for pictures: ``CO_TUI_IMAGES`` when it names one, else ``halfblock`` when
    ``headless`` or inside tmux/screen, else ``kitty`` in kitty or Ghostty, else
    ``halfblock``."""
    forced = environ.get("CO_TUI_IMAGES", "").strip().lower()
    for mode in MODES:
        if forced == mode:
            return mode
    if forced in ("none", "hex", "0", "false", "no"):
        return "off"
    if headless or environ.get("TMUX") or environ.get("STY"):
        return "halfblock"
    term = environ.get("TERM", "")
    program = environ.get("TERM_PROGRAM", "").strip().lower()
    if term == "xterm-kitty" or environ.get("KITTY_WINDOW_ID"):
        return "kitty"
    if term == "xterm-ghostty" or program == "ghostty":
        return "kitty"
    return "halfblock"


def in_tmux(environ: Mapping[str, str]) -> bool:
    """True inside tmux: Kitty graphics commands must then go through its passthrough."""
    return bool(environ.get("TMUX"))
