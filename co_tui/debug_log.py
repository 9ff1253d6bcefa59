"""``co-tui --debug``: a redacted request log in the platform's log folder.

One line per API attempt (operation, method, path without its query, status, size, time) and
per signed-file read or download (host and path only: a signed query is a credential), from the
``co_tui`` loggers. Every record passes through :func:`co_tui.redact.install_log_redaction`
before any handler sees it, so no token reaches the file. The file is 0600 in a 0700 folder; it
is appended to, and set aside as ``co-tui.log.1`` once it passes 10 MiB.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from co_tui import __version__
from co_tui.redact import install_log_redaction
from co_tui.session import paths

__all__ = ["LOG_NAME", "ROTATE_BYTES", "start_debug_log"]

LOG_NAME = "co-tui.log"
ROTATE_BYTES = 10 * 1024 * 1024


def start_debug_log(folder: Path | None = None) -> tuple[Path, list[str]]:
    """Send the ``co_tui`` loggers' debug records to the log file; returns its path and any
    warnings about the folder's permissions."""
    install_log_redaction()
    folder = folder or paths.log_dir()
    warnings = paths.ensure_private_dir(folder)
    path = folder / LOG_NAME
    try:
        if path.stat().st_size > ROTATE_BYTES:
            os.replace(path, path.with_name(LOG_NAME + ".1"))
    except FileNotFoundError:
        pass
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND | os.O_NOFOLLOW, 0o600)
    os.fchmod(fd, 0o600)  # an older file may have had wider bits
    handler = logging.StreamHandler(os.fdopen(fd, "a", encoding="utf-8", buffering=1))
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)-7s %(name)s: %(message)s"))
    logger = logging.getLogger("co_tui")
    logger.setLevel(logging.DEBUG)
    logger.addHandler(handler)
    logger.debug("co-tui %s started (pid %d)", __version__, os.getpid())
    return path, warnings
