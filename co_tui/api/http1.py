"""HTTP/1.1 on a bare socket, as the socket reader of :mod:`co_tui.api.fast_download` and the
quick path of :mod:`co_tui.api.quick_get` speak it: the request a download sends, the response
head both read, and the handle that cuts a transfer's socket from another thread."""

from __future__ import annotations

import re
import threading
import urllib.parse
from dataclasses import dataclass

from co_tui import __version__
from co_tui.api.conn_pool import Connection
from co_tui.api.errors import ApiConnectionError

__all__ = ["MAX_HEAD", "ActiveConnection", "Head", "HeadFields", "Stale", "Want", "keeps_alive",
           "parse_head", "read_head", "request_bytes", "unsafe_target"]

MAX_HEAD = 64 * 1024
"""The largest response head read."""

_UNSAFE_IN_TARGET = re.compile(r"[^\x21-\x7e]")
_UNSAFE_IN_VALUE = re.compile(r"[\x00-\x1f\x7f]")


class Stale(Exception):
    """A kept-alive socket was closed by the server before it answered: send again."""


class HeadFields(dict[str, str]):
    """A response head's fields by lower-cased name, a repeated field's values joined with
    ", " (as httpx reads them); ``pairs`` keeps them as they came, to build an
    ``httpx.Response`` from. A plain dict: ``httpx.Headers`` cost more to build than the rest
    of a small answer's reading."""

    def __init__(self) -> None:
        super().__init__()
        self.pairs: list[tuple[str, str]] = []

    def add(self, name: str, value: str) -> None:
        """Add a field as it came (``name`` in any case)."""
        self.pairs.append((name, value))
        key = name.lower()
        if key in self:
            self[key] = f"{self[key]}, {value}"
        else:
            self[key] = value


@dataclass
class Head:
    """A response's status line and headers."""

    status: int
    version: str
    headers: HeadFields


@dataclass(frozen=True)
class Want:
    """What one request asks for: from ``offset`` to the end, or to ``end`` (inclusive) when
    given; ``if_range`` validator; ``etag`` a bounded part's answer must carry."""

    offset: int = 0
    end: int | None = None
    if_range: str | None = None
    etag: str | None = None


class ActiveConnection:
    """The connection a transfer thread is using now, so another thread can cut it."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._conn: Connection | None = None
        self._cancelled = False

    def set(self, conn: Connection | None) -> None:
        """Record ``conn`` as the one in use (shut at once if already cancelled)."""
        with self._lock:
            self._conn = conn
            cut = self._cancelled and conn is not None
        if cut and conn is not None:
            conn.cut()

    def cancel(self) -> None:
        """Cut the connection in use (and any set later; see :meth:`Connection.cut`)."""
        with self._lock:
            self._cancelled = True
            conn = self._conn
        if conn is not None:
            conn.cut()


def parse_head(raw: bytes) -> Head:
    """The status line and fields of a response head (``raw``: up to the blank line)."""
    lines = raw.decode("latin-1").split("\r\n")
    parts = lines[0].split(" ", 2)
    if len(parts) < 2 or not parts[0].startswith("HTTP/1.") or not parts[1].isdigit():
        raise ApiConnectionError("not an HTTP/1.x response", operation="download_file")
    fields = HeadFields()
    for line in lines[1:]:
        name, sep, value = line.partition(":")
        if not sep or not name or name != name.strip():
            raise ApiConnectionError("malformed response header", operation="download_file")
        fields.add(name, value.strip())
    return Head(int(parts[1]), parts[0], fields)


def unsafe_target(text: str) -> bool:
    """Whether ``text`` (a request target or host) holds a space, a control character or
    anything outside printable ASCII: never written into a request line."""
    return _UNSAFE_IN_TARGET.search(text) is not None


def keeps_alive(head: Head) -> bool:
    said = head.headers.get("connection", "").lower()
    return "close" not in said and (head.version == "HTTP/1.1" or "keep-alive" in said)


def request_bytes(parts: urllib.parse.SplitResult, want: Want) -> bytes:
    target = parts.path or "/"
    if parts.query:
        target += "?" + parts.query
    lines = [
        f"GET {target} HTTP/1.1",
        f"Host: {parts.netloc}",
        f"User-Agent: co-tui/{__version__}",
        "Accept: */*",
        "Accept-Encoding: identity",
    ]
    if want.offset > 0 or want.end is not None:
        lines.append(f"Range: bytes={want.offset}-{'' if want.end is None else want.end}")
        if want.if_range:
            lines.append(f"If-Range: {want.if_range}")
    if unsafe_target(target + parts.netloc) or (
        want.if_range is not None and _UNSAFE_IN_VALUE.search(want.if_range)
    ):
        raise ValueError("refusing a URL or validator with control characters or spaces")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def read_head(conn: Connection, request: bytes | None, buffer: bytearray, reused: bool,
              shown: str) -> tuple[Head, int, int]:
    """Send ``request`` (None: it was sent already) and read the answer's head into
    ``buffer`` (at least :data:`MAX_HEAD` bytes): (head, where the body starts, bytes read).
    Raises :class:`Stale` when a reused socket turns out closed before any byte came back."""
    sock = conn.sock
    view = memoryview(buffer)
    filled = 0
    try:
        if request is not None:
            sock.sendall(request)
        while True:  # the head: up to the blank line, at most MAX_HEAD bytes
            n = sock.recv_into(view[filled:MAX_HEAD])
            if n == 0:
                if reused and filled == 0:
                    raise Stale()
                raise ApiConnectionError("connection closed before a response", url=shown,
                                         operation="download_file")
            filled += n
            end = buffer.find(b"\r\n\r\n", 0, filled)
            if end >= 0:
                return parse_head(bytes(buffer[:end])), end + 4, filled
            if filled >= MAX_HEAD:
                raise ApiConnectionError("response headers too large", url=shown,
                                         operation="download_file")
    except (ConnectionResetError, BrokenPipeError) as exc:
        if reused and filled == 0:
            raise Stale() from exc
        raise
