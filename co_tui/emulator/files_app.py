"""The signed-URL file origin: an S3-like GET/HEAD server for the files of data assets.

Behaves like S3 with presigned URLs: no credentials but the signature in the query; a request
that also carries an ``Authorization`` header is refused (400 ``InvalidArgument``); a bad or
expired signature is 403 with an XML error body. Bodies honour ``Range`` (``bytes=a-b``,
``bytes=a-``, ``bytes=-n``; 206 with ``Content-Range``, 416 when unsatisfiable) and ``If-Range``,
and carry ``ETag``, ``Last-Modified``, ``Accept-Ranges`` and the exact ``Content-Length``. Large
bodies are generated and sent in chunks, so a multi-GB file costs neither disk nor memory.

:class:`FileOriginQuirks` (``Emulator.file_origin.quirks``, set at run time by tests) makes the
origin behave like real storage behind a load balancer or CDN: every signed URL answers a chain
of ``307`` redirects before its bytes, and a ``view_url`` (inline) answers a browser viewer page
instead of the file, as a deployment's viewer does.

``conn_rate`` (bytes per second, 0 for none; ``co-tui emulator --conn-rate MBPS``) caps what one
connection carries, as an object store does: each body is paced to that rate, and requests on a
kept-alive connection follow one another, so a client gets more only over more connections.

It is a bare ASGI app (no framework): every byte of a download goes through this loop.
"""

from __future__ import annotations

import asyncio
import html
import mimetypes
import re
import urllib.parse
from dataclasses import dataclass, field
from email.utils import formatdate, parsedate_to_datetime
from typing import Any

from co_tui.emulator import tree
from co_tui.emulator.content import content_etag, read_content
from co_tui.emulator.faults import Receive, Scope, Send
from co_tui.emulator.http_errors import ApiError
from co_tui.emulator.signing import BUCKET, Signer
from co_tui.emulator.store import Store

CHUNK_SIZE = 1 << 20
PACED_CHUNK_SIZE = 64 * 1024
"""Pieces of a paced body (``conn_rate``): small enough that the rate is smooth."""
_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")
_HOP = re.compile(r"^/_hop/(\d+)(/.*)$")
REDIRECT_LOCATIONS = ("absolute", "relative", "none")


@dataclass
class FileOriginQuirks:
    """What the file origin does besides serving bytes; all off by default.

    ``redirects``: every signed URL first answers ``redirects`` times ``307 Temporary Redirect``
    to the same origin under another path (``/_hop/N/...``), then serves the file.
    ``location``: how those redirects name their target: ``absolute`` (a full URL, as S3 does),
    ``relative`` (a path) or ``none`` (no ``Location`` header at all: a broken server).
    Each redirect also sets a cookie, which a client must never send back.
    ``viewer_page``: a ``view_url`` (``response-content-disposition=inline``) answers a small
    HTML page that shows the file, never its raw bytes; a ``download_url`` is unchanged.
    ``requests``: when a list, the headers of every request the origin receives are appended
    (lower-cased names), hops included.
    """

    redirects: int = 0
    location: str = "absolute"
    viewer_page: bool = False
    requests: list[dict[str, str]] | None = field(default=None)

    def __post_init__(self) -> None:
        if self.redirects < 0:
            raise ValueError("redirects must be >= 0")
        if self.location not in REDIRECT_LOCATIONS:
            raise ValueError(f"location must be one of {', '.join(REDIRECT_LOCATIONS)}")


def _xml_error(code: str, message: str) -> bytes:
    def esc(text: str) -> str:
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>{esc(code)}</Code>'
            f"<Message>{esc(message)}</Message></Error>").encode()


def parse_range(header: str, size: int) -> tuple[int, int] | bool | None:
    """``(first, last)`` inclusive; ``None`` to ignore the header (invalid or multi-range, as S3
    does); ``False`` when it cannot be satisfied (416)."""
    match = _RANGE.match(header.strip())
    if match is None:
        return None
    first, last = match.groups()
    if not first and not last:
        return None
    if not first:
        suffix = int(last)
        if suffix == 0 or size == 0:
            return False
        return max(size - suffix, 0), size - 1
    start = int(first)
    if last and int(last) < start:
        return None
    if start >= size:
        return False
    return start, min(int(last), size - 1) if last else size - 1


def _if_range_matches(value: str, etag: str, modified: int) -> bool:
    value = value.strip()
    if value.startswith(('"', "W/")):
        return value == etag
    try:
        return int(parsedate_to_datetime(value).timestamp()) >= modified
    except (TypeError, ValueError, IndexError):
        return False


class FilesApp:
    """ASGI app serving ``/{BUCKET}/{asset id}/{path}?X-Amz-...`` for one store."""

    def __init__(self, store: Store, signer: Signer, chunk_size: int = CHUNK_SIZE,
                 conn_rate: float = 0.0) -> None:
        if conn_rate < 0:
            raise ValueError("conn_rate must be >= 0")
        self.store = store
        self.signer = signer
        self.chunk_size = chunk_size
        self.conn_rate = conn_rate
        """Bytes per second one response body may go at (0: as fast as it can)."""
        self.quirks = FileOriginQuirks()

    async def _simple(self, send: Send, status: int, body: bytes, method: str,
                      extra: list[tuple[bytes, bytes]] | None = None) -> None:
        headers = [(b"content-type", b"application/xml"),
                   (b"content-length", str(len(body)).encode()), *(extra or [])]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": b"" if method == "HEAD" else body})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Serve one request."""
        if scope["type"] != "http":
            return
        method = scope["method"]
        if method not in ("GET", "HEAD"):
            await self._simple(send, 405, _xml_error("MethodNotAllowed", "The specified method "
                               "is not allowed against this resource."), method,
                               [(b"allow", b"GET, HEAD")])
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        quirks = self.quirks
        if quirks.requests is not None:
            quirks.requests.append(dict(headers))
        if "authorization" in headers:
            await self._simple(send, 400, _xml_error(
                "InvalidArgument", "Only one auth mechanism allowed; only the X-Amz-Algorithm "
                "query parameter, Signature query string parameter or the Authorization header "
                "should be specified"), method)
            return
        path = scope["path"]
        hop = _HOP.match(path)
        left = int(hop.group(1)) if hop else quirks.redirects
        if hop:
            path = hop.group(2)
        if left > 0 and path.startswith(f"/{BUCKET}/"):
            await self._redirect(scope, send, method, headers, f"/_hop/{left - 1}{path}")
            return
        bucket, _, rest = path.lstrip("/").partition("/")
        asset_id, _, path = rest.partition("/")
        if bucket != BUCKET or not asset_id or not path:
            await self._simple(send, 404, _xml_error("NoSuchKey", "The specified key does not "
                               "exist."), method)
            return
        query = dict(urllib.parse.parse_qsl(scope["query_string"].decode("latin-1"),
                                            keep_blank_values=True))
        problem = self.signer.check(asset_id, path, query)
        if problem is not None:
            await self._simple(send, 403, _xml_error(*problem), method)
            return
        self.store.settle()
        found = self._lookup(asset_id, path)
        if found is None:
            await self._simple(send, 404, _xml_error("NoSuchKey", "The specified key does not "
                               "exist."), method)
            return
        if quirks.viewer_page and query.get("response-content-disposition") == "inline":
            await self._viewer(send, method, found[0].path)
            return
        watcher = _Disconnect(receive)
        try:
            await self._serve(send, method, headers, query, *found, gone=watcher)
        finally:
            watcher.close()

    async def _redirect(self, scope: Scope, send: Send, method: str, headers: dict[str, str],
                        target: str) -> None:
        """A ``307`` to ``target`` (a path on this origin, with the request's query)."""
        query = scope["query_string"].decode("latin-1")
        relative = urllib.parse.quote(target, safe="/") + (f"?{query}" if query else "")
        extra = [(b"set-cookie", b"co_hop=1; Path=/")]
        if self.quirks.location == "absolute":
            origin = f"{scope.get('scheme', 'http')}://{headers.get('host', '')}"
            extra.append((b"location", (origin + relative).encode("latin-1")))
        elif self.quirks.location == "relative":
            extra.append((b"location", relative.encode("latin-1")))
        await self._simple(send, 307, _xml_error("TemporaryRedirect", "Please re-send this "
                           "request to the specified temporary endpoint."), method, extra)

    async def _viewer(self, send: Send, method: str, path: str) -> None:
        """The page a browser gets for a ``view_url``: HTML around the file, not the file."""
        body = ("<!DOCTYPE html>\n<html><head><title>" + html.escape(path) + "</title></head>"
                "<body><h1>File viewer</h1><iframe src=\"raw\"></iframe></body></html>\n"
                ).encode()
        headers = [(b"content-type", b"text/html; charset=utf-8"),
                   (b"content-length", str(len(body)).encode()),
                   (b"content-disposition", b"inline")]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": b"" if method == "HEAD" else body})

    def _lookup(self, asset_id: str, path: str) -> tuple[tree.FileRef, int] | None:
        row = self.store.asset_row(asset_id)
        if row is None:
            return None
        try:
            ref = tree.file_at(self.store, row["pk"], tree.normalise_path(path))
        except ApiError:  # an invalid path ("..") is simply not a key
            return None
        return None if ref is None else (ref, int(row["created"]))

    async def _serve(self, send: Send, method: str, headers: dict[str, str],
                     query: dict[str, str], ref: tree.FileRef, modified: int, *,
                     gone: _Disconnect | None = None) -> None:
        content, salt = ref.content, ref.salt
        size = content.size
        etag = content_etag(content, salt)
        name = ref.path.rpartition("/")[2]
        kind = mimetypes.guess_type(name)[0] or "application/octet-stream"
        base: list[tuple[bytes, bytes]] = [
            (b"accept-ranges", b"bytes"),
            (b"etag", etag.encode()),
            (b"last-modified", formatdate(modified, usegmt=True).encode()),
            (b"content-type", kind.encode()),
        ]
        disposition = query.get("response-content-disposition")
        if disposition:
            base.append((b"content-disposition", disposition.encode("utf-8")))
        if_match = headers.get("if-match")
        if if_match and if_match.strip() not in ("*", etag):
            await self._simple(send, 412, _xml_error("PreconditionFailed", "At least one of the "
                               "pre-conditions you specified did not hold"), method)
            return
        if_none = headers.get("if-none-match")
        if if_none and if_none.strip() in ("*", etag):
            await send({"type": "http.response.start", "status": 304, "headers": base[:3]})
            await send({"type": "http.response.body", "body": b""})
            return
        status, first, last = 200, 0, size - 1
        wanted = headers.get("range")
        if wanted and ("if-range" not in headers
                       or _if_range_matches(headers["if-range"], etag, modified)):
            span = parse_range(wanted, size)
            if span is False:
                await self._simple(send, 416, _xml_error("InvalidRange", "The requested range "
                                   "is not satisfiable"), method,
                                   [(b"content-range", f"bytes */{size}".encode())])
                return
            if isinstance(span, tuple):
                status, (first, last) = 206, span
                base.append((b"content-range", f"bytes {first}-{last}/{size}".encode()))
        length = last - first + 1 if size else 0
        base.append((b"content-length", str(length).encode()))
        await send({"type": "http.response.start", "status": status, "headers": base})
        if method == "HEAD" or length == 0:
            await send({"type": "http.response.body", "body": b""})
            return
        await self._stream(send, content, salt, first, last + 1, gone)

    async def _stream(self, send: Send, content: Any, salt: str, start: int, end: int,
                      gone: _Disconnect | None = None) -> None:
        """Send bytes ``start`` to ``end``, paced to ``conn_rate`` when set; stop as soon as the
        client has gone (a real store stops too; uvicorn drops body messages after a disconnect
        without saying so, so this loop would otherwise build a 4 GiB body for nobody, holding
        the event loop)."""
        rate = self.conn_rate
        step = min(self.chunk_size, PACED_CHUNK_SIZE) if rate else self.chunk_size
        loop = asyncio.get_running_loop()
        began = loop.time()
        position = start
        while position < end:
            if gone is not None:
                await asyncio.sleep(0)  # lets the watcher see a disconnect
                if gone.gone:
                    return
            stop = min(position + step, end)
            chunk = read_content(content, position, stop, salt=salt)
            position = stop
            await send({"type": "http.response.body", "body": chunk,
                        "more_body": position < end})
            if rate:
                ahead = began + (position - start) / rate - loop.time()
                if ahead > 0:
                    await asyncio.sleep(ahead)


class _Disconnect:
    """Watches an ASGI ``receive`` for ``http.disconnect`` while a response streams."""

    def __init__(self, receive: Receive) -> None:
        self.gone = False
        self._task = asyncio.ensure_future(self._watch(receive))

    async def _watch(self, receive: Receive) -> None:
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                self.gone = True
                return

    def close(self) -> None:
        """Stop watching (the response is complete)."""
        self._task.cancel()
