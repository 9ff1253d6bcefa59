"""How failures reach the user: the words for a failed request, and the crash report.

The one place co-tui words errors (no Textual; the UI, the operations and the download engine
all import it):

- :func:`describe_error` is what :meth:`co_tui.app.CoTuiApp.show_error` (and dialogs that keep
  an error on screen) say about a failed request: a severity and a sentence naming the action.
- :func:`describe_change_failure` is the sentence a dialog's per-asset results show when a
  change to one asset failed (edit, tags, archive ...).
- :func:`describe_item_failure` is the short reason a failed download item shows in the
  downloads panel.
- :func:`crash_report` and :func:`write_crash_file` are the crash handler's: a traceback without
  frame locals, redacted, saved 0600 (docs/reliability.md, 'Crash reports').
"""

from __future__ import annotations

import os
import time
import traceback
from pathlib import Path

import platformdirs

from co_tui.api import (
    ApiConnectionError,
    ApiError,
    ApiTimeoutError,
    AuthenticationError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitedError,
    ServerError,
)
from co_tui.redact import redact

__all__ = [
    "crash_report", "describe_change_failure", "describe_error", "describe_item_failure",
    "write_crash_file",
]


def describe_error(error: BaseException, action: str, *,
                   retry: str | None = None) -> tuple[str, str]:
    """(severity, message) for ``error`` met while doing ``action`` (e.g. "loading assets").

    The message is plain text from our own words plus the server's (still unsanitised) message;
    callers pass it through :func:`~co_tui.safe_text.display`. An error that is not a typed
    API error is a bug or a case nobody foresaw: the message says it was unexpected, names the
    exception's type, redacts its text, and ends with "press ``retry`` to try again" when the
    screen has such a key.
    """
    if isinstance(error, AuthenticationError):
        return "error", f"Token rejected while {action}: press ctrl+l to log in again."
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
    text = f"{type(error).__name__}: {redact(str(error))}".rstrip()
    if not text.endswith((".", "!", "?")):
        text += "."
    tail = f" Press {retry} to try again." if retry else ""
    return "error", f"{action[:1].upper()}{action[1:]} failed unexpectedly: {text}{tail}"


def describe_change_failure(error: ApiError) -> str:
    """A sentence about a failed change to one asset, for a dialog's per-asset results (server
    text included, unescaped)."""
    reason = {
        "authentication": "The token was rejected",
        "permission": "You do not have permission to change this asset",
        "not_found": "This asset no longer exists (or is not visible to you)",
        "bad_request": "The server refused the change",
        "conflict": "The server reported a conflicting change",
        "rate_limited": "The server is rate limiting requests",
        "server": "The server failed",
        "timeout": "The server did not answer in time",
        "connection": "The connection failed",
    }.get(error.kind, "The request failed")
    status = f" ({error.status})" if error.status is not None else ""
    return f"{reason}{status}: {error.message}"


def describe_item_failure(exc: BaseException) -> str:
    """A short reason for a failed download item (raw text: the UI sanitises it; never a URL or
    token)."""
    from co_tui.transfer.failures import TransferError  # loaded by then: a download failed

    if isinstance(exc, TransferError):
        return exc.message
    if isinstance(exc, PermissionDeniedError):
        if exc.operation in ("download_file", "read_file"):
            return "access denied by the storage (403), even with a fresh link"
        return "you do not have permission (403)"
    if isinstance(exc, NotFoundError):
        return "no longer on the server (404)"
    if isinstance(exc, ApiError):
        message = exc.message.strip()
        if message.startswith("<") or not message:  # an S3-style XML body says nothing useful
            message = f"the server answered {exc.status}" if exc.status else exc.kind
        return f"HTTP {exc.status}: {message}" if exc.status else message
    return f"unexpected error ({type(exc).__name__})"


def crash_report(error: BaseException | None) -> str:
    """The traceback of ``error`` (no frame locals: they can hold the token), redacted."""
    lines = traceback.format_exception(error) if error is not None else ["unknown error\n"]
    return redact("".join(lines))


def write_crash_file(report: str) -> Path | None:
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
