"""Reading an API answer's body with a cap, so that no answer can take unbounded memory.

The largest real answers (a 1,000-asset search page, a folder of 100,000 files) are about 10 MB;
:data:`MAX_RESPONSE_BYTES` leaves room for three times that. Both the decoded bytes and the bytes
on the wire are counted: compressed data that decodes to nothing (junk after a gzip member)
would otherwise be read until the deadline.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx

__all__ = ["MAX_RESPONSE_BYTES", "read_capped", "size_text", "with_body"]

MAX_RESPONSE_BYTES = 32 * 1024 * 1024
"""The most read of one API answer unless the client is given another cap."""


def size_text(count: int) -> str:
    """``33554432`` -> ``"32 MiB"`` (whole MiB), else bytes."""
    mib, rest = divmod(count, 1024 * 1024)
    return f"{mib} MiB" if mib and not rest else f"{count:,} bytes"


class _TooLarge(Exception):
    """The wire bytes of an answer passed the cap."""


class _CappedStream(httpx.AsyncByteStream):
    """An answer's body stream that stops with :class:`_TooLarge` after ``cap`` bytes."""

    def __init__(self, inner: httpx.SyncByteStream | httpx.AsyncByteStream, cap: int) -> None:
        if not isinstance(inner, httpx.AsyncByteStream):
            raise TypeError("an async client's answers stream asynchronously")
        self._inner = inner
        self._cap = cap

    async def __aiter__(self) -> AsyncIterator[bytes]:
        size = 0
        async for chunk in self._inner:
            size += len(chunk)
            if size > self._cap:
                raise _TooLarge
            yield chunk

    async def aclose(self) -> None:
        await self._inner.aclose()


def with_body(response: httpx.Response, body: bytes) -> httpx.Response:
    """A closed streamed ``response`` as a complete one holding ``body`` (already decoded, so
    its content-encoding headers are dropped), for ``build_error`` to read."""
    headers = [(k, v) for k, v in response.headers.multi_items()
               if k.lower() not in ("content-encoding", "content-length", "transfer-encoding")]
    return httpx.Response(response.status_code, headers=headers, content=body,
                          request=response.request, extensions=response.extensions)


async def read_capped(response: httpx.Response, cap: int) -> tuple[bytes, bool]:
    """The body of a streamed ``response``, at most ``cap`` bytes of it, and whether that is all.

    An answer that declares a larger ``Content-Length`` is not read at all (unless it is an
    error, whose first ``cap`` bytes still carry its message). The caller closes the response.
    """
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > cap and response.status_code < 400:
        return b"", False
    response.stream = _CappedStream(response.stream, cap)
    chunks: list[bytes] = []
    size = 0
    try:
        async for chunk in response.aiter_bytes():
            size += len(chunk)
            if size > cap:
                chunks.append(chunk[: len(chunk) - (size - cap)])
                return b"".join(chunks), False
            chunks.append(chunk)
    except _TooLarge:
        return b"".join(chunks), False
    return b"".join(chunks), True
