"""What "copy" puts on the clipboard, and whether the terminal can be trusted to receive it.

Texts: an asset's ID, its web page ``{domain}/data-assets/{id}`` (the domain the client talks to,
which never carries credentials), and a file's sharing link: the signed ``view_url`` from
``GET /data_assets/{id}/files/urls`` (it opens in a browser; ``download_url`` forces a download
and is used only when there is no view URL). A signed URL is a credential of its own: anyone who
has it can read that file until it expires, so :class:`FileLink` says when that is.

Copying goes through OSC 52 (``App.copy_to_clipboard``), which the terminal may silently drop.
:func:`copy_policy` guesses, from the environment, whether it will arrive; when it cannot be
trusted the UI also shows the text in a dialog for the terminal's own selection. The heuristic,
most specific first:

1. the ``clipboard`` setting / ``CO_TUI_CLIPBOARD`` env: ``dialog`` always shows the dialog,
   ``osc52`` never does, ``auto`` (default) decides as below;
2. inside a capsule or cloud workstation (``CO_CAPSULE_ID`` / ``CO_COMPUTATION_ID``), a Jupyter
   terminal, or VS Code's terminal: browser terminals drop OSC 52 -> dialog;
3. GNU screen -> dialog; tmux -> trusted only with ``set-clipboard on`` (tmux's default,
   ``external``, swallows OSC 52 from applications);
4. terminals that accept OSC 52 by default (kitty, WezTerm, ghostty, foot, Alacritty, Windows
   Terminal; recognised also over SSH by ``TERM``) -> trusted;
5. anything else (macOS Terminal, iTerm2 with clipboard access off by default, GNOME Terminal,
   an unknown terminal at the far end of SSH) -> dialog.
"""

from __future__ import annotations

import calendar
import functools
import os
import shutil
import time
import urllib.parse
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from co_tui.api.models import DataAsset
from co_tui.api.path_segment import seg
from co_tui.children import ChildError, run_child
from co_tui.redact import redact

if TYPE_CHECKING:
    from co_tui.api.client import CodeOceanClient

__all__ = [
    "CLIPBOARD_ENV",
    "ClipboardMode",
    "CopyPolicy",
    "FileLink",
    "asset_id_text",
    "asset_web_url",
    "copy_policy",
    "ensure_no_secret",
    "file_share_link",
]

CLIPBOARD_ENV = "CO_TUI_CLIPBOARD"
"""``auto`` | ``osc52`` | ``dialog``: overrides the heuristic when the setting is ``auto``."""


class ClipboardMode(StrEnum):
    """How copying is confirmed: guess from the terminal, trust OSC 52, or always show the text."""

    AUTO = "auto"
    OSC52 = "osc52"
    DIALOG = "dialog"


@dataclass(frozen=True, slots=True)
class CopyPolicy:
    """Whether a copy through OSC 52 can be trusted to arrive, and why (shown in the dialog)."""

    trust_osc52: bool
    reason: str
    always_show: bool = False
    """The settings ask to show every copied text in the dialog."""


# TERM values and markers of terminals that accept OSC 52 writes without extra set-up.
_GOOD_TERMS = ("xterm-kitty", "foot", "foot-extra", "xterm-ghostty", "wezterm", "alacritty")
_GOOD_PROGRAMS = ("wezterm", "ghostty", "kitty", "alacritty")
_GOOD_MARKERS = ("KITTY_WINDOW_ID", "WEZTERM_PANE", "GHOSTTY_RESOURCES_DIR", "ALACRITTY_WINDOW_ID",
                 "WT_SESSION")
_JUPYTER_MARKERS = ("JPY_PARENT_PID", "JUPYTERHUB_USER", "JUPYTER_SERVER_ROOT", "JPY_SESSION_NAME")


@functools.cache
def tmux_set_clipboard() -> str | None:
    """tmux's ``set-clipboard`` option (``on`` / ``external`` / ``off``), or None if unknown.

    Asked once per process, on the first copy inside tmux (a few ms; at most 0.2 s).
    """
    tmux = shutil.which("tmux")
    if tmux is None:
        return None
    try:
        done = run_child([tmux, "show-options", "-gv", "set-clipboard"],
                         capture_output=True, text=True, timeout=0.2)
    except (OSError, ChildError):
        return None
    value = done.stdout.strip()
    return value or None


def copy_policy(
    env: Mapping[str, str] | None = None,
    *,
    mode: ClipboardMode | str = ClipboardMode.AUTO,
    tmux_option: Callable[[], str | None] = tmux_set_clipboard,
) -> CopyPolicy:
    """Decide whether OSC 52 can be trusted here (see the module docstring for the heuristic).

    ``mode`` is the user's setting; ``env`` defaults to ``os.environ``; ``tmux_option`` reads
    tmux's ``set-clipboard`` (injectable for tests).
    """
    env = os.environ if env is None else env
    chosen = str(mode)
    if chosen == ClipboardMode.AUTO:
        chosen = env.get(CLIPBOARD_ENV, "auto").strip().lower() or "auto"
    if chosen == ClipboardMode.DIALOG:
        return CopyPolicy(False, "The settings ask to always show copied text.", always_show=True)
    if chosen == ClipboardMode.OSC52:
        return CopyPolicy(True, "The settings say this terminal accepts OSC 52.")
    if env.get("CO_CAPSULE_ID") or env.get("CO_COMPUTATION_ID"):
        return CopyPolicy(False, "Inside a Code Ocean capsule: browser terminals (JupyterLab, "
                                 "VS Code) usually drop the OSC 52 copy.")
    if any(env.get(name) for name in _JUPYTER_MARKERS):
        return CopyPolicy(False, "Jupyter terminals do not pass the OSC 52 copy on.")
    program = env.get("TERM_PROGRAM", "").lower()
    term = env.get("TERM", "").lower()
    if program == "vscode":
        return CopyPolicy(False, "VS Code's terminal may drop the OSC 52 copy.")
    if env.get("STY") or (term.startswith("screen") and not env.get("TMUX")):
        return CopyPolicy(False, "GNU screen does not pass the OSC 52 copy on.")
    if env.get("TMUX"):
        if tmux_option() == "on":
            return CopyPolicy(True, "tmux passes OSC 52 on (set-clipboard on).")
        return CopyPolicy(False, "tmux passes the OSC 52 copy on only with "
                                 "'set -g set-clipboard on'.")
    if (term in _GOOD_TERMS or program in _GOOD_PROGRAMS
            or any(env.get(name) for name in _GOOD_MARKERS)):
        return CopyPolicy(True, "This terminal accepts OSC 52.")
    if program == "apple_terminal":
        return CopyPolicy(False, "macOS Terminal ignores OSC 52.")
    if program == "iterm.app" or env.get("LC_TERMINAL", "").lower() == "iterm2":
        return CopyPolicy(False, "iTerm2 accepts OSC 52 only when 'Applications in terminal may "
                                 "access clipboard' is on.")
    if env.get("SSH_CONNECTION") or env.get("SSH_TTY"):
        return CopyPolicy(False, "Over SSH the terminal at the other end is unknown: the OSC 52 "
                                 "copy may be dropped.")
    return CopyPolicy(False, "Unknown terminal: the OSC 52 copy cannot be confirmed.")


# --- texts ---------------------------------------------------------------------------------------


def ensure_no_secret(text: str) -> str:
    """``text`` unchanged, or ``ValueError`` if it contains the API token in any known form.

    A URL is checked piece by piece (its address, then each query value), so a signed URL's own
    signature, which :func:`~co_tui.redact.redact` also hides, does not count as a leak.
    """
    parts = urllib.parse.urlsplit(text)
    if parts.scheme in ("http", "https"):
        pieces = [urllib.parse.urlunsplit((parts.scheme, parts.netloc, parts.path, "", "")),
                  *(value for _, value in urllib.parse.parse_qsl(parts.query)), parts.fragment]
    else:
        pieces = [text]
    if any(redact(piece) != piece for piece in pieces):
        raise ValueError("refusing to copy text that contains a credential")
    return text


def asset_id_text(asset: DataAsset | str) -> str:
    """The asset's ID, as copied by ``y``."""
    return ensure_no_secret(asset if isinstance(asset, str) else asset.id)


def asset_web_url(domain: str | CodeOceanClient, asset_id: str) -> str:
    """``{domain}/data-assets/{id}``: the asset's page in the web app.

    ``domain`` is the client (its ``web_base``) or an origin; user info in it is refused.
    """
    origin = domain if isinstance(domain, str) else domain.web_base
    parts = urllib.parse.urlsplit(origin.rstrip("/"))
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError("not a web address")
    if parts.username or parts.password or parts.query or parts.fragment:
        raise ValueError("the domain must not carry credentials, a query or a fragment")
    base = urllib.parse.urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))
    return ensure_no_secret(f"{base}/data-assets/{seg(asset_id)}")


@dataclass(frozen=True, slots=True)
class FileLink:
    """A file's signed sharing link. ``expires_at`` (epoch seconds) is read from the URL's
    signature parameters when it has them."""

    url: str
    expires_at: float | None = None

    def note(self, now: float | None = None) -> str:
        """A sentence for the user about who can use the link and until when."""
        if self.expires_at is None:
            return "Anyone with this link can read the file until it expires."
        remaining = self.expires_at - (time.time() if now is None else now)
        if remaining <= 0:
            return "This link has already expired."
        when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(self.expires_at))
        return f"Anyone with this link can read the file until {when}."


def _expiry(url: str) -> float | None:
    query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(url).query))
    for prefix in ("X-Amz-", "X-Goog-"):
        date, lifetime = query.get(f"{prefix}Date"), query.get(f"{prefix}Expires")
        if date and lifetime:
            try:
                return calendar.timegm(time.strptime(date, "%Y%m%dT%H%M%SZ")) + int(lifetime)
            except ValueError:
                return None
    expires = query.get("Expires")  # S3 signature v2 and CloudFront: an epoch time
    return float(expires) if expires and expires.isdigit() else None


async def file_share_link(client: CodeOceanClient, asset_id: str, path: str) -> FileLink:
    """The signed link to share one file of an asset (its ``view_url``, else ``download_url``).

    Raises :class:`~co_tui.api.errors.ApiError` from the request, and ``ValueError`` when the
    server's answer is not an ``https``/``http`` address.
    """
    urls = await client.data_assets.get_data_asset_file_urls(asset_id, path)
    url = urls.view_url or urls.download_url
    if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
        raise ValueError("the server did not return a web address for this file")
    return FileLink(ensure_no_secret(url), _expiry(url))
