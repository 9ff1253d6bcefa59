"""Small API reads over kept-alive plain sockets in threads: the quick path.

A whole-asset download asks the API for one signed URL per file. Through httpx each of those
small GETs cost 1.1-1.5 ms of client CPU on the bench machine (2.8 ms while eight transfer
threads compete for the GIL): most of a 1,000-file download's CPU. The same GET written on a
kept-alive socket and read with :func:`~co_tui.api.http1.parse_head` costs about a tenth of
that, so the client sends the attempts of those requests this way first.

It is a transport for one attempt, nothing more: the client's one request path
(:meth:`co_tui.api.client.CodeOceanClient.request`) still decides what a status means, retries
(after the wait the policy or ``Retry-After`` asks for), reports 404s and reachability, and
logs. Every answer with a ``Content-Length`` body within the client's cap and no transfer or
content coding comes back whole, whatever its status. Anything else (a chunked or encoded body,
a body over the cap, a socket error, a timeout, an unreadable head) gives ``None``, and that
attempt goes through httpx instead, which reads it or reports what went wrong. Once more on a
new socket happens only when a kept-alive one turns out closed before any byte came back.

It is used only when the client talks to the API over its own sockets with no proxy in the
environment (httpx would route through the proxy). The ``Authorization`` header is built per
request and written only to the API's origin (the one origin this object knows), and no
exception carries the request bytes.
"""

from __future__ import annotations

import base64
import concurrent.futures
import threading
import urllib.parse
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass

import httpx

from co_tui import __version__
from co_tui.api.conn_pool import Connection, ConnectionPool, origin_of
from co_tui.api.errors import ApiError
from co_tui.api.http1 import keeps_alive, parse_head
from co_tui.api.retry import Timeouts
from co_tui.redact import Secret

__all__ = ["MAX_HEAD", "QUICK_READ_SECONDS", "THREADS", "QuickAnswer", "QuickApi", "proxied"]

MAX_HEAD = 64 * 1024
"""The largest response head read (a bigger one is left to the regular path)."""
QUICK_READ_SECONDS = 10.0
"""The longest wait for an answer's next bytes. Shorter than the API's read timeout: a slow
answer's attempt is sent again through httpx, and a thread blocked here is not left waiting
half a minute for a server that hangs."""
THREADS = 8
"""Quick requests that may run at once (the download engine keeps at most 8 URL requests in
flight); they have their own threads so that a slow API does not hold the default executor's
few threads, which open and publish the files."""

_UNSAFE = frozenset(range(0x21)) | {0x7F}


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
    headers: httpx.Headers
    body: bytes


class _Stale(Exception):
    """A kept-alive socket the server had closed: nothing was answered, send once more."""


class QuickApi:
    """Quick GETs to the API at ``api_base`` (``https://host/api/v1/``) with ``token``."""

    def __init__(self, api_base: str, token: Secret, headers: Mapping[str, str],
                 timeouts: Timeouts, max_bytes: int) -> None:
        parts = urllib.parse.urlsplit(api_base)
        self._origin = origin_of(parts)
        self._host = parts.netloc
        self._base_path = parts.path if parts.path.endswith("/") else parts.path + "/"
        self._base = api_base
        self._token = token
        self._fixed = "".join(f"{name}: {value}\r\n" for name, value in
                              {"User-Agent": f"co-tui/{__version__}", **headers,
                               "Accept-Encoding": "identity"}.items())
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

    @property
    def executor(self) -> concurrent.futures.ThreadPoolExecutor:
        """Where :meth:`get` runs (``loop.run_in_executor(quick.executor, ...)``)."""
        return self._executor

    def _request(self, path: str, params: Mapping[str, str]) -> bytes | None:
        target = self._base_path + path
        if params:
            target += "?" + urllib.parse.urlencode(params, quote_via=urllib.parse.quote)
        if any(ord(c) in _UNSAFE or ord(c) > 0x7E for c in target):
            return None
        credentials = base64.b64encode(f"{self._token.get()}:".encode()).decode("ascii")
        return (f"GET {target} HTTP/1.1\r\nHost: {self._host}\r\n{self._fixed}"
                f"Authorization: Basic {credentials}\r\n\r\n").encode("latin-1")

    def get(self, path: str, params: Mapping[str, str]) -> QuickAnswer | None:
        """``GET api_base/path?params``: the whole answer, or ``None`` when this path cannot
        read it (blocking: run it on :attr:`executor`)."""
        request = self._request(path, params)
        if request is None or self._closed:
            return None
        for _ in range(2):
            try:
                conn, reused = self.pool.acquire(self._origin, self._connect)
            except OSError:
                return None
            with self._lock:
                self._busy.add(conn)
            try:
                answer, alive = self._exchange(conn, request, reused)
            except _Stale:
                self._done(conn, False)
                continue
            except (OSError, ApiError):  # cut, timed out, not HTTP: httpx will say
                self._done(conn, False)
                return None
            self._done(conn, alive)
            if answer is not None:
                self.answered += 1
            return answer
        return None

    def _done(self, conn: Connection, reusable: bool) -> None:
        with self._lock:
            self._busy.discard(conn)
        if self._closed:
            reusable = False
        self.pool.release(conn, reusable)

    def _exchange(self, conn: Connection, request: bytes, reused: bool
                  ) -> tuple[QuickAnswer | None, bool]:
        """Send ``request`` and read the answer: (the answer or None, socket reusable)."""
        sock = conn.sock
        sock.settimeout(self._read)
        buffer = bytearray()
        try:
            sock.sendall(request)
            while (end := buffer.find(b"\r\n\r\n")) < 0:
                if len(buffer) >= MAX_HEAD:
                    return None, False
                chunk = sock.recv(65536)
                if not chunk:
                    if reused and not buffer:
                        raise _Stale()
                    return None, False
                buffer += chunk
        except (ConnectionResetError, BrokenPipeError) as exc:
            if reused and not buffer:
                raise _Stale() from exc
            raise
        head = parse_head(bytes(buffer[:end]))
        headers = head.headers
        length_text = headers.get("content-length", "")
        if (not (length_text.isascii() and length_text.isdigit()) or head.status < 200
                or "transfer-encoding" in headers or "content-encoding" in headers
                or int(length_text) > self._max_bytes):
            return None, False
        length = int(length_text)
        body = buffer[end + 4:]
        while len(body) < length:
            chunk = sock.recv(max(65536, length - len(body)))
            if not chunk:
                return None, False
            body += chunk
        if len(body) != length:  # bytes past the body: not a server to keep talking to
            return None, False
        return QuickAnswer(head.status, headers, bytes(body)), keeps_alive(head)

    def close(self) -> None:
        """Stop: idle sockets close, a request waiting on the network is cut (it gives
        ``None``), later calls give ``None``; the threads end once idle."""
        self._closed = True
        with self._lock:
            busy = list(self._busy)
        for conn in busy:
            conn.shutdown()
        self.pool.close()
        self._executor.shutdown(wait=False)
