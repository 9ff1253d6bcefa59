"""Small API reads over kept-alive plain sockets in threads: the quick path.

A whole-asset download asks the API for one signed URL per file. Through httpx each of those
small GETs cost 1.1-1.5 ms of client CPU on the bench machine (2.8 ms while eight transfer
threads compete for the GIL): most of a 1,000-file download's CPU. The same GET written on a
kept-alive socket and read with :func:`~co_tui.api.http1.read_head` costs about a tenth of
that, so the client sends the attempts of those requests this way first. Folder listings, one
per folder of a download, come this way too: a listing is a ``POST`` that only reads, sent with
its JSON body (``Content-Length`` framed), so sending it again through httpx after a failed
attempt here changes nothing on the server. A whole-asset download then needs no httpx request,
whose first one imports anyio's event-loop backend (about 30 ms).

It is a transport for one attempt, nothing more: the client's one request path
(:meth:`co_tui.api.client.CodeOceanClient.request`) still decides what a status means, retries
(after the wait the policy or ``Retry-After`` asks for), reports 404s and reachability, and
logs. Every answer whose body is framed by ``Content-Length`` or chunked, within the client's
cap, comes back whole, whatever its status. It asks for gzip, as httpx does (a large folder's
listing is megabytes of JSON, which compresses well), and decodes one gzip member within the
cap. Anything else (another framing or another coding, a gzip body it cannot decode, a body
over the cap, a socket error, a timeout, an unreadable head)
gives ``None``, and that attempt goes through httpx instead, which reads it or reports what went
wrong. A server whose answers this path cannot frame would have every request sent twice, so
after :data:`GIVE_UP_AFTER` such answers in a row the path turns itself off. Once more on a new
socket happens only when a kept-alive one turns out closed before any byte came back.

It is used only when the client talks to the API over its own sockets with no proxy in the
environment (httpx would route through the proxy). The ``Authorization`` header is built per
request and written only to the API's origin (the one origin this object knows), and no
exception carries the request bytes.
"""

from __future__ import annotations

import base64
import concurrent.futures
import functools
import socket
import threading
import urllib.parse
import urllib.request
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from co_tui import __version__
from co_tui.api.conn_pool import Connection, ConnectionPool, origin_of
from co_tui.api.errors import ApiError
from co_tui.api.http1 import (
    MAX_HEAD,
    ActiveConnection,
    HeadFields,
    Stale,
    keeps_alive,
    read_head,
    unsafe_target,
)
from co_tui.api.retry import Timeouts
from co_tui.redact import Secret

__all__ = ["GIVE_UP_AFTER", "QUICK_READ_SECONDS", "THREADS", "QuickAnswer", "QuickApi", "nothing",
           "proxied"]
QUICK_READ_SECONDS = 10.0
"""The longest wait for an answer's next bytes. Shorter than the API's read timeout: a slow
answer's attempt is sent again through httpx, and a thread blocked here is not left waiting
half a minute for a server that hangs."""
THREADS = 8
"""Quick requests that may run at once (the download engine keeps at most 8 URL requests in
flight); they have their own threads so that a slow API does not hold the default executor's
few threads, which open and publish the files."""

GIVE_UP_AFTER = 3
"""Answers in a row that this path could not frame (not a socket error) before it stops trying:
each one cost a request that httpx then sent again."""
_MAX_LINE = 1024
"""The longest chunk-size line read."""
_HEX = frozenset(b"0123456789abcdefABCDEF")


def nothing() -> None:
    """The read of a request that was never sent: what :meth:`QuickApi.start`, and each
    ``*_later`` call built on it (:meth:`CodeOceanClient.quick_read_later`,
    :meth:`DataAssets.file_urls_later`, a download lane's URL request), gives when no request
    went out. It answers ``None``: the caller goes the full way."""
    return None


def proxied(url: str) -> bool:
    """Whether the environment names a proxy that could apply to ``url`` (httpx honours
    ``HTTP(S)_PROXY`` / ``ALL_PROXY``): then only httpx may send the request."""
    scheme = urllib.parse.urlsplit(url).scheme
    found = urllib.request.getproxies()
    return bool(found.get(scheme) or found.get("all"))


@dataclass(frozen=True)
class QuickAnswer:
    """A whole answer: its status, headers and body."""

    status: int
    headers: HeadFields
    body: bytes


_thread_buffers = threading.local()


def _head_buffer() -> bytearray:
    """This thread's buffer for an answer's head (:data:`MAX_HEAD` bytes), made once: a fresh
    64 KiB for every signed-URL request was a zeroed allocation per file of a download. What
    an answer keeps is copied out of it before the thread's next request."""
    buffer: bytearray | None = getattr(_thread_buffers, "head", None)
    if buffer is None:
        buffer = _thread_buffers.head = bytearray(MAX_HEAD)
    return buffer


class _Unframed(Exception):
    """An answer framed or encoded in a way this path does not read."""


class QuickApi:
    """Quick reads from the API at ``api_base`` (``https://host/api/v1/``) with ``token``: GETs,
    and POSTs that only read (a folder listing)."""

    def __init__(self, api_base: str, token: Secret, headers: Mapping[str, str],
                 timeouts: Timeouts, max_bytes: int) -> None:
        parts = urllib.parse.urlsplit(api_base)
        self._origin = origin_of(parts)
        self._host = parts.netloc
        self._base_path = parts.path if parts.path.endswith("/") else parts.path + "/"
        self._token = token
        self._fixed = "".join(f"{name}: {value}\r\n" for name, value in
                              {"User-Agent": f"co-tui/{__version__}", **headers,
                               "Accept-Encoding": "gzip"}.items())
        self._connect = timeouts.connect
        self._read = min(timeouts.read, QUICK_READ_SECONDS)
        self._max_bytes = max_bytes
        self.pool = ConnectionPool()
        """Idle sockets to the API (its own pool: nothing else sends credentials)."""
        self._busy: set[Connection] = set()
        self._lock = threading.Lock()
        self._closed = False
        self._executor = concurrent.futures.ThreadPoolExecutor(
            THREADS, thread_name_prefix="co-tui-api")
        self.answered = 0
        """Requests the quick path answered (tests and benchmarks read it)."""
        self._unframed = 0
        """Answers in a row it could not frame (see :data:`GIVE_UP_AFTER`)."""

    @property
    def executor(self) -> concurrent.futures.ThreadPoolExecutor:
        """Where :meth:`get` runs (``loop.run_in_executor(quick.executor, ...)``)."""
        return self._executor

    def _request(self, path: str, params: Mapping[str, str], body: bytes | None
                 ) -> bytes | None:
        target = self._base_path + path
        if params:
            target += "?" + urllib.parse.urlencode(params, quote_via=urllib.parse.quote)
        if unsafe_target(target):
            return None
        credentials = base64.b64encode(f"{self._token.get()}:".encode()).decode("ascii")
        if body is None:
            method, framing = "GET", ""
        else:
            method = "POST"
            framing = f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
        head = (f"{method} {target} HTTP/1.1\r\nHost: {self._host}\r\n{self._fixed}{framing}"
                f"Authorization: Basic {credentials}\r\n\r\n").encode("latin-1")
        return head if body is None else head + body

    def get(self, path: str, params: Mapping[str, str], body: bytes | None = None
            ) -> QuickAnswer | None:
        """``GET api_base/path?params`` (``POST`` with the JSON ``body`` when given): the whole
        answer, or ``None`` when this path cannot read it (blocking: run it on
        :attr:`executor`)."""
        return self.start(path, params, body=body)()

    def start(self, path: str, params: Mapping[str, str],
              active: ActiveConnection | None = None, *, body: bytes | None = None
              ) -> Callable[[], QuickAnswer | None]:
        """Send ``GET api_base/path?params`` now (``POST`` with the JSON ``body`` when given:
        only ever a read, such as a folder listing, since a failed attempt here is sent again
        through httpx), in the calling thread, and return the call that reads its answer there
        (blocking; call it once): what :meth:`get` gives. A download lane sends its next file's
        request before the current file's bytes and reads the answer after them, so the round
        trip overlaps the transfer with no other thread involved. ``active``: where the socket
        is recorded while the answer is read, so that cancelling it cuts the wait."""
        request = self._request(path, params, body)
        if request is None or self._closed or self._unframed >= GIVE_UP_AFTER:
            return nothing
        return functools.partial(self._answer, request, self._send(request), active)

    def _send(self, request: bytes) -> tuple[Connection, bool] | None:
        """A connection with ``request`` written on it and whether it was a kept one, or
        ``None``; a kept socket that turns out closed is replaced once by a new one."""
        for _ in range(2):
            try:
                conn, reused = self.pool.acquire(self._origin, self._connect)
            except OSError:
                return None
            with self._lock:
                self._busy.add(conn)
            try:
                conn.set_timeout(self._read)
                conn.sock.sendall(request)
            except (ConnectionResetError, BrokenPipeError):
                self._done(conn, False)
                if reused:
                    continue
                return None
            except OSError:
                self._done(conn, False)
                return None
            return conn, reused
        return None

    def _answer(self, request: bytes, sent: tuple[Connection, bool] | None,
                active: ActiveConnection | None) -> QuickAnswer | None:
        """Read the answer to ``request`` sent on ``sent``; when a kept socket turns out closed
        before any byte came back, send it once more on a new one."""
        for attempt in range(2):
            if sent is None:
                return None
            conn, reused = sent
            if active is not None:
                active.set(conn)
            try:
                answer, alive = self._exchange(conn, reused)
            except Stale:
                self._done(conn, False)
                sent = self._send(request) if attempt == 0 else None
                continue
            except _Unframed:
                self._done(conn, False)
                self._unframed += 1
                return None
            except (OSError, ApiError):  # cut, timed out, not HTTP: httpx will say
                self._done(conn, False)
                return None
            finally:
                if active is not None:
                    active.set(None)
            self._done(conn, alive)
            if answer is not None:
                self.answered += 1
                self._unframed = 0
            return answer
        return None

    def _done(self, conn: Connection, reusable: bool) -> None:
        with self._lock:
            self._busy.discard(conn)
        if self._closed:
            reusable = False
        self.pool.release(conn, reusable)

    def _exchange(self, conn: Connection, reused: bool) -> tuple[QuickAnswer | None, bool]:
        """Read the answer to the request sent on ``conn``: (the answer or None, socket
        reusable)."""
        sock = conn.sock
        buffer = _head_buffer()
        head, start, filled = read_head(conn, None, buffer, reused, "")
        headers = head.headers
        coding = headers.get("content-encoding", "identity").strip().lower()
        if head.status < 200 or coding not in ("identity", "gzip"):
            raise _Unframed()
        rest = buffer[start:filled]
        if "transfer-encoding" in headers:
            if headers["transfer-encoding"].strip().lower() != "chunked":
                raise _Unframed()
            read = self._read_chunked(sock, rest)
            if read is None:
                return None, False
            body, exact = read
        else:
            length_text = headers.get("content-length", "")
            if not (length_text.isascii() and length_text.isdigit()):
                raise _Unframed()
            length = int(length_text)
            if length > self._max_bytes:
                return None, False
            if len(rest) >= length:
                body, exact = bytes(rest[:length]), len(rest) == length
            else:
                whole = bytearray(length)  # a large listing is read into its place
                view = memoryview(whole)
                view[:len(rest)] = rest
                got = len(rest)
                while got < length:
                    n = sock.recv_into(view[got:])
                    if not n:
                        return None, False
                    got += n
                body, exact = bytes(whole), True
        if coding == "gzip":
            decoded = self._gunzip(body)
            if decoded is None:
                return None, False
            body = decoded
        # bytes past the body: not a server to keep talking to on this socket
        return QuickAnswer(head.status, headers, body), exact and keeps_alive(head)

    def _gunzip(self, data: bytes) -> bytes | None:
        """``data``, one gzip member, decoded; ``None`` when it is not exactly one whole member
        or decodes to more than the cap (httpx then reads the answer and says what is wrong)."""
        inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        try:
            out = inflater.decompress(data, self._max_bytes + 1)
        except zlib.error:
            return None
        if (len(out) > self._max_bytes or not inflater.eof or inflater.unused_data
                or inflater.unconsumed_tail):
            return None
        return out

    def _read_chunked(self, sock: socket.socket, data: bytearray) -> tuple[bytes, bool] | None:
        """A chunked body whose first bytes are ``data``: (the body, whether it ended exactly
        where the bytes read end), or ``None`` when it is malformed, cut or over the cap."""
        out = bytearray()
        pos = 0

        def line() -> bytes | None:
            nonlocal pos
            while (eol := data.find(b"\r\n", pos)) < 0:
                if len(data) - pos > _MAX_LINE:
                    return None
                chunk = sock.recv(65536)
                if not chunk:
                    return None
                data.extend(chunk)
            text, pos = bytes(data[pos:eol]), eol + 2
            return text

        while True:
            size_line = line()
            if size_line is None:
                return None
            digits = size_line.split(b";", 1)[0].strip()
            if not digits or len(digits) > 16 or not set(digits) <= _HEX:
                return None
            size = int(digits, 16)
            if size == 0:
                while (trailer := line()) != b"":  # trailer fields, then a blank line
                    if trailer is None:
                        return None
                return bytes(out), pos == len(data)
            if len(out) + size > self._max_bytes:
                return None
            while len(data) < pos + size + 2:
                chunk = sock.recv(65536)
                if not chunk:
                    return None
                data.extend(chunk)
            if data[pos + size:pos + size + 2] != b"\r\n":
                return None
            out += data[pos:pos + size]
            pos += size + 2

    def close(self) -> None:
        """Stop: idle sockets close, a request waiting on the network is cut (it gives
        ``None``), later calls give ``None``; the threads end once idle."""
        self._closed = True
        with self._lock:
            busy = list(self._busy)
        for conn in busy:
            conn.cut()  # their threads close them
        self.pool.close()
        self._executor.shutdown(wait=False)
