"""What a signed-URL body may be, given the file's listed size.

A file host is trusted for the bytes of a file, never for how many there are: the listing says
how big the file is, and a download may not grow past that, whatever ``Content-Length``,
``Content-Range`` or the body itself says. Both ways bytes are moved (the socket reader in
:mod:`co_tui.api.fast_download` and the httpx stream in :mod:`co_tui.api.http_stream`) apply these
checks, and word a stalled body the same way.
"""

from __future__ import annotations

from co_tui.api.errors import ApiError

__all__ = ["BodySizeError", "check_announced", "check_part", "stalled_message", "too_large"]


class BodySizeError(ApiError):
    """A body larger than the file's listed size, or one announced with another size.

    Not a network blip: retrying would fetch the same wrong bytes, so callers fail the file.
    ``too_large`` tells "more than listed" from "announced smaller".
    """

    kind = "body_size"

    def __init__(self, message: str, *, too_large: bool, url: str = "") -> None:
        self.too_large = too_large
        super().__init__(message, operation="download_file", url=url)


def too_large(size: int, announced: int | None, url: str) -> BodySizeError:
    """The error for a body past the listed ``size`` (``announced``: what the server claimed)."""
    said = f" (it announced {announced:,})" if announced is not None else ""
    return BodySizeError(f"the server sent more than the listed size of {size:,} bytes{said}",
                         too_large=True, url=url)


def check_announced(size: int, start: int, total: int | None, length: int | None,
                    url: str = "") -> int:
    """How many body bytes a response starting at ``start`` may carry for a file listed at
    ``size``; raises :class:`BodySizeError` when the server's file size (``total``) or body
    length (``length``) disagrees, before anything is written."""
    allowed = size - start
    if allowed < 0:
        raise too_large(size, total, url)
    for what, announced, expected in (("a file", total, size), ("a body", length, allowed)):
        if announced is None or announced == expected:
            continue
        if announced > expected:
            raise too_large(size, total if total is not None else length, url)
        raise BodySizeError(f"the server announced {what} of {announced:,} bytes, the listing "
                            f"says {size:,}", too_large=False, url=url)
    return allowed


def stalled_message(seconds: float) -> str:
    """The reason given when a body stops arriving for the read timeout."""
    return f"the server sent nothing for {seconds:g} s"


def check_part(size: int, start: int, end: int, total: int | None, length: int | None,
               url: str = "") -> int:
    """How many body bytes the answer to a bounded part ``start``-``end`` (inclusive) of a file
    listed at ``size`` may carry; raises :class:`BodySizeError` when the server's file size
    (``total``) or the part's length disagrees, before anything is written."""
    if end >= size:
        raise too_large(size, total, url)
    expected = end - start + 1
    for what, announced, wanted in (("a file", total, size), ("a part", length, expected)):
        if announced is None or announced == wanted:
            continue
        if announced > wanted:
            raise too_large(size, total if total is not None else length, url)
        raise BodySizeError(f"the server announced {what} of {announced:,} bytes, "
                            f"{wanted:,} were asked for", too_large=False, url=url)
    return expected
