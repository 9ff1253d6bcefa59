"""``CoTuiApp``: screens, global keys, the one error funnel and a crash handler that leaks nothing.

Every failure a screen's worker meets goes through :meth:`CoTuiApp.show_error`, which turns it into
words for the user (server text sanitised) and never ends the app. An exception that escapes
anyway is reported by :meth:`CoTuiApp._fatal_error` without frame locals (Textual's default
prints them, token included: reliability-anchors 4.3), redacted, and saved to a 0600 crash file.
"""

from __future__ import annotations

import os
import time
import traceback
from pathlib import Path
from typing import ClassVar, cast

import platformdirs
from rich.text import Text
from textual.app import App
from textual.binding import Binding, BindingType

from co_tui.api import (
    ApiConnectionError,
    ApiError,
    ApiTimeoutError,
    AuthenticationError,
    CodeOceanClient,
    NotFoundError,
    PermissionDeniedError,
    RateLimitedError,
    ServerError,
)
from co_tui.api.redact import redact
from co_tui.safe_text import display

__all__ = ["CoTuiApp", "describe_error"]


def describe_error(error: BaseException, action: str) -> tuple[str, str]:
    """(severity, message) for ``error`` met while doing ``action`` (e.g. "loading assets").

    The message is plain text from our own words plus the server's (still unsanitised) message;
    callers pass it through :func:`~co_tui.safe_text.display`.
    """
    if isinstance(error, AuthenticationError):
        return "error", f"Token rejected while {action}: check your token (co-tui login)."
    if isinstance(error, PermissionDeniedError):
        return "error", f"You do not have permission for {action}: {error.message}"
    if isinstance(error, NotFoundError):
        return "warning", f"Not found while {action}: it may have been deleted."
    if isinstance(error, RateLimitedError):
        if error.retry_after is not None:
            when = time.strftime("%H:%M:%S", time.localtime(time.time() + error.retry_after))
            return "warning", f"Rate limited while {action}: retry after {when} (press r)."
        return "warning", f"Rate limited while {action}: press r to retry."
    if isinstance(error, (ApiConnectionError, ApiTimeoutError)):
        tail = " The change may have been applied." if error.outcome_unknown else ""
        return "error", f"Network problem while {action}: {error.message}.{tail} Press r to retry."
    if isinstance(error, ServerError):
        return "error", f"The server failed while {action} ({error.status}): {error.message}"
    if isinstance(error, ApiError):
        return "error", f"Failed while {action}: {error.message}"
    return "error", f"Unexpected error while {action}: {type(error).__name__}: {redact(str(error))}"


class CoTuiApp(App[None]):
    """The co-tui application. ``client`` is owned by the app and closed on exit."""

    TITLE = "co-tui"
    CSS_PATH = "styles/app.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "Quit"),
        Binding("ctrl+c", "quit", "Quit", show=False, priority=True),
    ]

    def __init__(self, client: CodeOceanClient, *, demo: bool = False) -> None:
        super().__init__()
        self.client = client
        self.demo = demo

    def on_mount(self) -> None:
        from co_tui.screens.asset_list import AssetListScreen

        self.push_screen(AssetListScreen(self.client, demo=self.demo))

    async def on_unmount(self) -> None:
        await self.client.aclose()

    def show_error(self, error: BaseException, *, action: str) -> None:
        """The one error path: a toast in words the user can act on. Never raises."""
        severity, message = describe_error(error, action)
        timeout = 10 if severity == "error" else 6
        self.notify(
            cast(str, display(message, multiline=True, max_chars=600)),
            severity=severity,  # type: ignore[arg-type]
            timeout=timeout,
        )

    # --- crash handling (TS-6) ---------------------------------------------------------------

    def _fatal_error(self) -> None:
        """Report the exception without locals, redacted, and keep a 0600 crash file."""
        error = self._exception
        lines = traceback.format_exception(error) if error is not None else ["unknown error\n"]
        report = redact("".join(lines))
        where = _write_crash_file(report)
        self.bell()
        note = f"\nco-tui crashed; the report was saved to {where}\n" if where else "\n"
        self._exit_renderables.append(Text(report + note))
        self._close_messages_no_wait()


def _write_crash_file(report: str) -> Path | None:
    """Save ``report`` in the platform's state folder as a 0600 file; None if that fails."""
    try:
        folder = platformdirs.user_state_path("co-tui") / "crashes"
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        path = folder / time.strftime("crash-%Y%m%d-%H%M%S.txt")
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(report)
        return path
    except OSError:
        return None
