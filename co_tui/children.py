"""The one way co-tui starts another program (``$PAGER``, ``tmux``, a web browser): without the
API token.

A child process inherits the environment, and a token in ``CODEOCEAN_TOKEN`` (or the other names
co-tui reads a token from) would reach a pager, a plugin it loads, or anything that program
starts in turn. :func:`child_env` is the environment without those variables; :func:`run_child`
runs a program with it. No other module calls :mod:`subprocess`, ``os.system`` or the like
directly (a test walks the source to keep it that way); :func:`open_in_browser` is the one use
of :mod:`webbrowser`.
"""

from __future__ import annotations

import os
import subprocess
import webbrowser
from collections.abc import Mapping, Sequence
from typing import Any

from co_tui.session.credentials import TOKEN_ENV_VARS

__all__ = ["SECRET_ENV_VARS", "ChildError", "child_env", "open_in_browser", "run_child"]

SECRET_ENV_VARS = frozenset(TOKEN_ENV_VARS)
"""Variables that may hold a Code Ocean token (those co-tui reads one from); never passed on."""

ChildError = subprocess.SubprocessError
"""What :func:`run_child` raises besides ``OSError`` (a timeout, for one)."""


def child_env(environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """``environ`` (default: this process's) without :data:`SECRET_ENV_VARS`; all else kept."""
    source = os.environ if environ is None else environ
    return {name: value for name, value in source.items() if name not in SECRET_ENV_VARS}


def run_child(args: Sequence[str], **kwargs: Any) -> subprocess.CompletedProcess[Any]:
    """``subprocess.run(args, **kwargs)`` with :func:`child_env` as the environment.

    An ``env`` passed in is filtered the same way, so no caller can hand the token on by accident.
    ``check`` defaults to False: callers look at the return code when it matters.
    """
    env = kwargs.pop("env", None)
    kwargs.setdefault("check", False)
    return subprocess.run(list(args), env=child_env(env), **kwargs)


def open_in_browser(url: str) -> bool:
    """Open ``url`` in a new tab of the user's web browser; False when none could be started.

    :mod:`webbrowser` starts the browser with this process's environment, so the token variables
    are taken out of ``os.environ`` for the call (it only starts the program, then returns). A
    browser that would run in this terminal (lynx, w3m, ``$BROWSER`` set to a command
    :mod:`webbrowser` does not know as graphical) is not started: it would take the screen over
    from co-tui.
    """
    try:
        controller = webbrowser.get()
    except webbrowser.Error:
        return False
    if type(controller) is webbrowser.GenericBrowser:  # a terminal browser, or unknown
        return False
    saved = {name: os.environ.pop(name) for name in SECRET_ENV_VARS if name in os.environ}
    try:
        return bool(webbrowser.open(url, new=2))
    except (webbrowser.Error, OSError):
        return False
    finally:
        os.environ.update(saved)
