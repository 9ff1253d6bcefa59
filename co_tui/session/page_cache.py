"""My Data's first page from the previous session, kept so the next launch shows rows at once.

A launch reads the cache before Textual is imported: the skeleton frame (:mod:`co_tui.splash`)
draws the cached rows, and My Data shows them marked "cached · refreshing" until the live first
page replaces them in place. The rows are never presented as live data, and no action runs on
them (the screens refuse until the live page is in).

One file per deployment and user, in the platform's cache folder
(``$XDG_CACHE_HOME/co-tui/pages`` on Linux), mode 0600 in a 0700 folder. The file holds no
token: its name is ``<deployment>-<user>.json``, two SHA-256 digests (truncated), the second of
the domain and the token together, so another token (another user) never sees this user's rows.
A file is bounded (:data:`MAX_ROWS` rows, :data:`MAX_BYTES` bytes); a larger, unreadable,
foreign or shared-permission file is ignored (and removed when it can be). ``cache = false`` in
``[settings]`` turns the cache off (and removes this user's file); ``co-tui logout`` removes
the deployment's files.

Format: a first line of JSON with the header (``version``, ``domain``, ``saved_at``), then the
page as the API's search-result JSON (``{"results": [...], "has_more": ...}``), decoded by the
app with the same lenient reader as a live answer. Only the standard library is used to read it,
so the skeleton frame stays fast.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import platformdirs

from co_tui.redact import Secret
from co_tui.session.paths import APP_NAME, atomic_write_text, ensure_private_dir, is_shared_mode

__all__ = [
    "MAX_BYTES",
    "MAX_ROWS",
    "CachedPage",
    "PageCache",
    "cache_dir",
    "clear_domain",
]

VERSION = 1
MAX_ROWS = 500
"""Rows kept: a screenful and then some; the live page replaces them within a moment."""
MAX_BYTES = 2 * 1024 * 1024
"""The largest cache file read or written (500 rows of ordinary assets are ~250 KiB)."""


def cache_dir() -> Path:
    """The cached pages' folder: ``$XDG_CACHE_HOME/co-tui/pages`` on Linux."""
    return platformdirs.user_cache_path(APP_NAME, appauthor=False) / "pages"


def _digest(*parts: str) -> str:
    text = "\0".join(("co-tui page cache", *parts))
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32]


@dataclass(frozen=True, slots=True)
class CachedPage:
    """A first page read back from the cache."""

    saved_at: float
    """When it was saved (seconds since the epoch)."""
    page_json: bytes
    """The search-result JSON, as the API would send it."""
    rows: list[dict[str, Any]]
    """The same rows as plain JSON values (for the skeleton frame)."""


@dataclass(frozen=True, slots=True)
class PageCache:
    """The cache file of one deployment and user; ``folder`` defaults to :func:`cache_dir`."""

    domain: str
    token: Secret
    folder: Path | None = None

    @property
    def path(self) -> Path:
        """This deployment and user's file."""
        folder = self.folder or cache_dir()
        user = _digest(self.domain, self.token.get())
        return folder / f"{_digest(self.domain)}-{user}.json"

    def read(self) -> CachedPage | None:
        """The cached page, or None when there is none or it cannot be trusted."""
        path = self.path
        try:
            flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
            fd = os.open(path, flags)
        except OSError:
            return None
        try:
            info = os.fstat(fd)
            if (info.st_size > MAX_BYTES or (os.name == "posix" and (
                    is_shared_mode(info.st_mode) or info.st_uid != os.getuid()))):
                self.remove()
                return None
            with os.fdopen(fd, "rb", closefd=False) as stream:
                data = stream.read(MAX_BYTES + 1)
        except OSError:
            return None
        finally:
            os.close(fd)
        return self._parse(data)

    def _parse(self, data: bytes) -> CachedPage | None:
        header_line, _, page_json = data.partition(b"\n")
        try:
            header = json.loads(header_line)
            page = json.loads(page_json)
        except (ValueError, RecursionError):
            self.remove()
            return None
        if (not isinstance(header, dict) or header.get("version") != VERSION
                or header.get("domain") != self.domain
                or not isinstance(saved := header.get("saved_at"), int | float)
                or not isinstance(page, dict) or not isinstance(rows := page.get("results"), list)):
            self.remove()
            return None
        return CachedPage(float(saved), page_json,
                          [row for row in rows[:MAX_ROWS] if isinstance(row, dict)])

    def write(self, page_json: bytes, *, now: float | None = None) -> bool:
        """Save ``page_json`` (a search-result object, at most :data:`MAX_ROWS` rows, as the
        caller trims it); False when it is too large or the folder cannot be written."""
        header = json.dumps({"version": VERSION, "domain": self.domain,
                             "saved_at": time.time() if now is None else now})
        if len(header) + 1 + len(page_json) > MAX_BYTES:
            return False
        try:
            text = page_json.decode("utf-8")
        except UnicodeDecodeError:
            return False
        try:
            ensure_private_dir(self.path.parent)
            atomic_write_text(self.path, f"{header}\n{text}")
        except OSError:
            return False
        return True

    def remove(self) -> None:
        """Forget this user's page (``cache = false``, or a file that was not trusted)."""
        with contextlib.suppress(OSError):
            self.path.unlink()


def clear_domain(domain: str | None, folder: Path | None = None) -> int:
    """Remove every cached page of ``domain``, or every one when ``domain`` is None
    (``co-tui logout``, which may not know the profile's domain); how many were removed."""
    folder = folder or cache_dir()
    removed = 0
    with contextlib.suppress(OSError):
        for path in folder.glob(f"{_digest(domain) if domain else '*'}-*.json"):
            with contextlib.suppress(OSError):
                path.unlink()
                removed += 1
    return removed
