"""How pictures are drawn in this terminal: which renderer a preview uses.

``CO_TUI_IMAGES`` forces one: ``halfblock`` (coloured ``▀`` cells: any terminal with true
colour, over SSH, in a browser), ``kitty`` or ``sixel`` (the terminal graphics protocols: the
choice is made and reported, but pictures are still drawn in half blocks until a renderer for
them is wired in) or ``off`` (the hex view, as for other binaries).

Without it the choice is made from the environment alone. Terminals can be asked what they
support, but only by writing a query and reading the answer from stdin, which Textual's input
thread owns once the app runs (textual-image asks at import time for that reason, which is why
its auto-detecting modules are never imported here). A headless app (tests, snapshots) always
gets ``halfblock`` unless forced, so results do not depend on the terminal the tests run in.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

__all__ = ["MODES", "PictureMode", "picture_mode"]

PictureMode = Literal["halfblock", "kitty", "sixel", "off"]
MODES: tuple[PictureMode, ...] = ("halfblock", "kitty", "sixel", "off")


def picture_mode(environ: Mapping[str, str], *, headless: bool = False) -> PictureMode:
    """The renderer for pictures: ``CO_TUI_IMAGES`` when it names one, else ``halfblock`` when
    ``headless`` or inside tmux/screen (which do not pass graphics through by default), else
    ``kitty`` in kitty, else ``halfblock``."""
    forced = environ.get("CO_TUI_IMAGES", "").strip().lower()
    for mode in MODES:
        if forced == mode:
            return mode
    if forced in ("none", "hex", "0", "false", "no"):
        return "off"
    if headless or environ.get("TMUX") or environ.get("STY"):
        return "halfblock"
    if environ.get("TERM") == "xterm-kitty" or environ.get("KITTY_WINDOW_ID"):
        return "kitty"
    return "halfblock"
