"""Building API paths from ids that may come from anywhere (the server, a lineage link, a user)."""

from __future__ import annotations

import urllib.parse

__all__ = ["seg"]


def seg(value: str) -> str:
    """``value`` as one path segment: ``/``, ``..``, ``?``, ``#`` and the rest percent-encoded,
    so an id can never point a request at another endpoint."""
    if value in ("", ".", ".."):
        raise ValueError(f"not a valid id: {value!r}")
    return urllib.parse.quote(value, safe="")
