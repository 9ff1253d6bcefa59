"""A connection cut from another thread keeps its file descriptor until its own thread closes
it: closing it at once could give its number to a socket opened meanwhile, and the thread about
to wait on the old socket would wait on (and read from) that other one."""

from __future__ import annotations

import socket
import struct
import threading
import time
from collections.abc import Iterator

import pytest

from co_tui.api.conn_pool import TIMED_OUT, Connection, ConnectionPool
from co_tui.api.http1 import ActiveConnection


@pytest.fixture
def listener() -> Iterator[tuple[str, int]]:
    """A loopback server that accepts connections and never answers."""
    server = socket.create_server(("127.0.0.1", 0))
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.1)
        while not stop.is_set():
            try:
                accepted.append(server.accept()[0])
            except TimeoutError:
                continue
            except OSError:
                return

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield server.getsockname()[:2]
    stop.set()
    thread.join()
    for conn in accepted:
        conn.close()
    server.close()


def _connect(where: tuple[str, int]) -> Connection:
    conn = Connection(("http", where[0], where[1]), 5.0)
    conn.set_timeout(5.0)
    return conn


def test_a_cut_ends_a_wait_but_leaves_the_descriptor_to_its_thread(
        listener: tuple[str, int]) -> None:
    """``cut`` makes the waiting read return at once; the descriptor stays open (its number
    is not free for another socket) until the pool closes the socket for its thread, and a cut
    socket is never kept for reuse."""
    conn = _connect(listener)
    fd = conn.sock.fileno()
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(conn.sock.recv(10)))
    reader.start()
    time.sleep(0.1)  # the reader waits in recv
    started = time.monotonic()
    conn.cut()
    reader.join(2.0)
    assert not reader.is_alive() and got == [b""]
    assert time.monotonic() - started < 1.0
    assert conn.sock.fileno() == fd and not conn.closed  # still its thread's to close
    assert conn.sock.recv(10) == b""  # a read about to start returns at once too
    pool = ConnectionPool()
    pool.release(conn, True)
    assert conn.closed and conn.sock.fileno() == -1
    assert pool.idle_count() == 0


def test_a_cancel_never_frees_the_number_of_a_socket_in_use(listener: tuple[str, int]) -> None:
    """Cancelling an :class:`ActiveConnection` cuts its socket without closing it: sockets
    opened right after never get the number of the one the transfer thread still holds."""
    conn = _connect(listener)
    fd = conn.sock.fileno()
    active = ActiveConnection()
    active.set(conn)
    active.cancel()
    others = [_connect(listener) for _ in range(4)]
    late = _connect(listener)
    try:
        assert fd not in {other.sock.fileno() for other in [*others, late]}
        assert conn.sock.fileno() == fd
        active.set(late)  # set after the cancel: cut at once, still open
        assert late.cut_off and not late.closed
        assert late.sock.recv(1) == b""
    finally:
        for other in [*others, conn, late]:
            other.close()
    assert conn.sock.fileno() == -1


def test_closing_twice_or_cutting_a_closed_socket_is_harmless(
        listener: tuple[str, int]) -> None:
    conn = _connect(listener)
    conn.close()
    conn.close()
    conn.cut()
    assert conn.closed and conn.cut_off and conn.sock.fileno() == -1


def test_a_plain_socket_waits_in_the_kernel_and_times_out_there(
        listener: tuple[str, int]) -> None:
    """A plain connection's socket is blocking, with the kernel's receive and send timeouts
    set (no poll before every read): a read with nothing coming gives up after the timeout,
    raising one of ``TIMED_OUT``, and a new timeout is set in the kernel too."""
    conn = _connect(listener)
    assert conn.kernel_timeouts and conn.sock.gettimeout() is None
    conn.set_timeout(0.25)
    timeval = struct.calcsize("ll")
    for option in (socket.SO_RCVTIMEO, socket.SO_SNDTIMEO):
        raw = conn.sock.getsockopt(socket.SOL_SOCKET, option, timeval)
        seconds, micros = struct.unpack("ll", raw)  # the kernel rounds up to its tick
        assert seconds == 0 and 250_000 <= micros <= 260_000
    started = time.monotonic()
    with pytest.raises(TIMED_OUT):
        conn.sock.recv(10)
    assert 0.2 <= time.monotonic() - started < 2.0
    conn.close()
