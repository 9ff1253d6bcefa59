"""``o``: an asset's page in the web app, opened in a browser when this session has one, copied
otherwise.

A browser started from co-tui must appear on the user's screen. Over SSH it would open (if at all)
on the remote machine; inside a Code Ocean capsule or cloud workstation there is no desktop; on
Linux without ``DISPLAY`` or ``WAYLAND_DISPLAY`` Python's :mod:`webbrowser` falls back to a text
browser (lynx, w3m) that would take over this very terminal. In those cases
:func:`browser_unavailable` says why, and the screen copies the URL instead (the clipboard path
of ``Y``, :mod:`co_tui.operations.clipboard`). The browser itself is started by
:func:`co_tui.children.open_in_browser`, the one module that starts programs.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass

from co_tui.children import open_in_browser

__all__ = ["WebPageOutcome", "browser_unavailable", "open_web_page"]


def browser_unavailable(env: Mapping[str, str] | None = None,
                        platform: str | None = None) -> str | None:
    """Why no browser should be started from here (a few words), or None when one may be."""
    env = os.environ if env is None else env
    platform = sys.platform if platform is None else platform
    if env.get("CO_CAPSULE_ID") or env.get("CO_COMPUTATION_ID"):
        return "inside a capsule"
    if env.get("SSH_CONNECTION") or env.get("SSH_TTY") or env.get("SSH_CLIENT"):
        return "over SSH"
    if platform.startswith("linux") and not (env.get("DISPLAY") or env.get("WAYLAND_DISPLAY")):
        return "no graphical display"
    return None


@dataclass(frozen=True, slots=True)
class WebPageOutcome:
    """What :func:`open_web_page` did: ``opened`` in a browser, else why not (copy instead)."""

    opened: bool
    reason: str = ""


def open_web_page(url: str, env: Mapping[str, str] | None = None,
                  platform: str | None = None) -> WebPageOutcome:
    """Open ``url`` in the browser when this session has one; otherwise say why not."""
    reason = browser_unavailable(env, platform)
    if reason is not None:
        return WebPageOutcome(False, reason)
    if open_in_browser(url):
        return WebPageOutcome(True)
    return WebPageOutcome(False, "no web browser found")
