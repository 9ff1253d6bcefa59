"""Reading ``Content-Range`` answers, shared by the httpx stream and the socket reader."""

from __future__ import annotations

import re

__all__ = ["parse_content_range", "total_from_416"]

_CONTENT_RANGE = re.compile(r"^\s*bytes\s+(\d+)-(\d+)/(\d+|\*)\s*$", re.IGNORECASE)
_UNSATISFIED = re.compile(r"^\s*bytes\s+\*/(\d+)\s*$")


def parse_content_range(value: str | None) -> tuple[int, int, int | None] | None:
    """``(first, last, total)`` from ``Content-Range: bytes a-b/n`` (total None for ``*``)."""
    if not value:
        return None
    match = _CONTENT_RANGE.match(value)
    if match is None:
        return None
    first, last, total = match.groups()
    return int(first), int(last), None if total == "*" else int(total)


def total_from_416(value: str | None) -> int | None:
    """The file's size from a 416 answer's ``Content-Range: bytes */n``, if it says."""
    match = _UNSATISFIED.match(value or "")
    return int(match.group(1)) if match else None
