"""Kept-alive sockets to signed-URL hosts, shared by every download of the process.

A whole-asset download makes one request per file to the same storage host. Opening a socket
(and, over HTTPS, a TLS handshake) per file costs more than a small file's bytes, so the socket
reader of :mod:`co_tui.api.fast_download` asks this pool for a connection to the URL's origin
and hands it back after a response whose end it knows (a ``Content-Length`` body read to its
last byte, no ``Connection: close``). Only idle sockets are kept, at most :data:`MAX_IDLE` per
origin and each for at most :data:`IDLE_SECONDS`; a socket the server closed meanwhile is
noticed on its next request, and that request is sent once more on a new connection.

How many connections are busy at once is bounded by the callers: the engine's transfer slots,
plus at most :data:`EXTRA_CONNECTIONS` more that ranged downloads borrow through
:meth:`ConnectionPool.borrow_extra`. Sockets carry no credentials; TLS uses the process's one
context (:func:`co_tui.api.tls.ssl_context`).
"""

from __future__ import annotations

import socket
import struct
import threading
import time
import urllib.parse
from collections import deque
from collections.abc import Callable

from co_tui.api.tls import ssl_context

__all__ = [
    "EXTRA_CONNECTIONS",
    "IDLE_SECONDS",
    "MAX_IDLE",
    "TIMED_OUT",
    "Connection",
    "ConnectionPool",
    "Origin",
    "origin_of",
]

MAX_IDLE = 16
"""Idle sockets kept per origin (more than the engine's slots plus a ranged download's parts)."""
IDLE_SECONDS = 20.0
"""An idle socket older than this is closed rather than reused (storage hosts drop them)."""
EXTRA_CONNECTIONS = 12
"""Connections ranged downloads may use on top of one per transfer slot, all files together."""

Origin = tuple[str, str, int]
"""(scheme, host, port) of a URL."""
TIMED_OUT = (TimeoutError, BlockingIOError)
"""What a read or write on a :class:`Connection`'s socket raises when its timeout passed: a
plain socket's timeout is the kernel's (``BlockingIOError``), a TLS socket's Python's."""


def origin_of(parts: urllib.parse.SplitResult) -> Origin:
    """The origin a signed URL's connection goes to (``ValueError`` if not http(s))."""
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError("a signed URL must be an http(s) URL")
    return parts.scheme, parts.hostname, parts.port or (443 if parts.scheme == "https" else 80)


class Connection:
    """One blocking socket to ``origin``, shut down from any thread when cancelled.

    A plain socket's timeout is the kernel's (``SO_RCVTIMEO`` / ``SO_SNDTIMEO``), not Python's:
    with a Python timeout every ``recv`` and ``send`` first polls the socket, a second system
    call, and in a transfer thread each system call gives the GIL up and waits to get it back
    (six of the nineteen calls of a small file's download were polls). A TLS socket keeps
    Python's timeout (its reads try first and poll only when nothing is there). Either way a
    read or write that waited out the timeout raises one of :data:`TIMED_OUT`."""

    def __init__(self, origin: Origin, connect_timeout: float) -> None:
        scheme, host, port = origin
        self.origin = origin
        sock = socket.create_connection((host, port), timeout=connect_timeout)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.kernel_timeouts = scheme != "https"
        """Whether the socket's timeout is the kernel's (see the class docstring)."""
        if self.kernel_timeouts:
            sock.settimeout(None)
            _set_kernel_timeout(sock, connect_timeout)
        else:
            sock = ssl_context().wrap_socket(sock, server_hostname=host)
        self.sock = sock
        self._timeout = connect_timeout
        self._lock = threading.Lock()
        self.closed = False
        self.cut_off = False
        """Set by :meth:`cut` (or :meth:`close`): the socket carries nothing more."""
        self.requests = 0
        """Requests sent on this socket so far."""
        self.idle_since = 0.0

    def set_timeout(self, seconds: float) -> None:
        """The socket's timeout, set only when it changes: each ``settimeout`` is a system
        call, and in a transfer thread every system call gives the GIL up and waits to get it
        back (behind the other transfer threads), which cost more than the call itself."""
        if seconds != self._timeout:
            if self.kernel_timeouts:
                _set_kernel_timeout(self.sock, seconds)
            else:
                self.sock.settimeout(seconds)
            self._timeout = seconds

    def cut(self) -> None:
        """Unblock a ``recv`` or ``send`` another thread is in (or about to start) on this
        socket: it is shut both ways, so that call returns at once, and never reused.

        The file descriptor stays open until the thread using the socket closes it
        (:meth:`close`, through the pool). Closing it here would free its number while that
        thread may be about to wait on it: a socket opened meanwhile by any thread could get
        the number, and the thread would then wait on (and read from) that other socket. Under
        CPU load this left a lane waiting out a 10 s read timeout on a stranger's connection."""
        with self._lock:
            if self.closed or self.cut_off:
                return
            self.cut_off = True
            try:
                self.sock.shutdown(socket.SHUT_RDWR)
            except OSError:  # not connected (any more): nothing is waiting on it
                pass

    def close(self) -> None:
        """Close the socket (by the thread that uses it, or the pool for an idle one)."""
        with self._lock:
            if self.closed:
                return
            self.closed = True
            self.cut_off = True
            try:
                self.sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            self.sock.close()


def _set_kernel_timeout(sock: socket.socket, seconds: float) -> None:
    """Make each ``recv`` and ``send`` on the blocking ``sock`` give up after ``seconds``."""
    whole = int(seconds)
    value = struct.pack("ll", whole, int((seconds - whole) * 1_000_000))
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVTIMEO, value)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDTIMEO, value)


class ConnectionPool:
    """Idle connections by origin (thread-safe); ``clock`` ages them."""

    def __init__(self, *, max_idle: int = MAX_IDLE, idle_seconds: float = IDLE_SECONDS,
                 extra: int = EXTRA_CONNECTIONS,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._max_idle = max_idle
        self._idle_seconds = idle_seconds
        self._clock = clock
        self._idle: dict[Origin, deque[Connection]] = {}
        self._lock = threading.Lock()
        self._extra_left = extra
        self.opened = 0
        """Connections opened over the pool's life (tests and benchmarks read it)."""

    def acquire(self, origin: Origin, connect_timeout: float) -> tuple[Connection, bool]:
        """An idle connection to ``origin`` (``(conn, True)``) or a new one (``(conn, False)``).

        Raises the ``OSError`` (``TimeoutError``) of a connection that could not be made.
        """
        now = self._clock()
        stale: list[Connection] = []
        found: Connection | None = None
        with self._lock:
            idle = self._idle.get(origin)
            while idle:
                conn = idle.pop()  # the most recently used: the least likely to be dropped
                if conn.cut_off or now - conn.idle_since > self._idle_seconds:
                    stale.append(conn)
                    continue
                found = conn
                break
        for conn in stale:
            conn.close()
        if found is not None:
            return found, True
        conn = Connection(origin, connect_timeout)
        with self._lock:
            self.opened += 1
        return conn, False

    def release(self, conn: Connection, reusable: bool) -> None:
        """Hand ``conn`` back: kept when ``reusable`` and there is room, else closed."""
        if not reusable or conn.cut_off:
            conn.close()
            return
        conn.idle_since = self._clock()
        evicted: Connection | None = None
        with self._lock:
            idle = self._idle.setdefault(conn.origin, deque())
            idle.append(conn)
            if len(idle) > self._max_idle:
                evicted = idle.popleft()
        if evicted is not None:
            evicted.close()

    def borrow_extra(self, wanted: int) -> int:
        """Take up to ``wanted`` extra connections for a ranged download; returns how many
        (possibly 0). Give them back with :meth:`return_extra`."""
        with self._lock:
            granted = max(0, min(wanted, self._extra_left))
            self._extra_left -= granted
            return granted

    def return_extra(self, count: int) -> None:
        """Give back connections taken with :meth:`borrow_extra`."""
        with self._lock:
            self._extra_left += count

    def idle_count(self) -> int:
        """Idle connections held now, all origins."""
        with self._lock:
            return sum(len(q) for q in self._idle.values())

    def close(self) -> None:
        """Close every idle connection."""
        with self._lock:
            conns = [c for q in self._idle.values() for c in q]
            self._idle.clear()
        for conn in conns:
            conn.close()

