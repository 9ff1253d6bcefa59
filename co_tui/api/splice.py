"""A plain socket's body into a file without passing through Python: ``splice`` via a pipe.

Read with ``recv_into`` and written with ``write``, every byte of a download is copied twice
by the kernel: from the socket into the reader's buffer, and from there into the file. On
Linux ``splice`` moves a plain TCP socket's bytes into a pipe without a copy (the pipe takes
the received pages), and a second ``splice`` copies them from the pipe into the file, so a
download costs one copy instead of two. Measured with a bare client on loopback (1,000 x 1 MiB
into /dev/shm): 0.67-0.84 s of system CPU against 0.79-0.89 s with ``recv_into`` + ``write``.

Only for a socket whose bytes are the body as sent: a plain ``http`` connection with the
kernel's timeouts (:attr:`co_tui.api.conn_pool.Connection.kernel_timeouts`; a TLS socket's
bytes must be decrypted in the process), and only into a sink that can take bytes from a pipe
(one with a ``take_from_pipe(pipe, count)`` method: a temp file's sink, in the transfer
layer, which does the writing; see :func:`pipe_taker`). The socket's receive timeout applies to
``splice`` as to ``recv``: a read that waited it out raises ``BlockingIOError``. Where the
kernel or a sandbox refuses ``splice`` on a socket (gVisor, a seccomp filter), nothing is taken
from the socket: that body is read as before, and so is every later one (:func:`usable`).

Each transfer thread keeps one pipe (:func:`thread_pipe`). Bytes put into it are taken out
before the next read; a pipe left holding bytes (the file's write failed between the two) is
closed and a new one made, so no byte of one file reaches another.
"""

from __future__ import annotations

import errno
import os
import sys
import threading
from collections.abc import Callable

__all__ = ["AVAILABLE", "Pipe", "Refused", "pipe_taker", "thread_pipe", "usable"]

AVAILABLE = sys.platform == "linux" and hasattr(os, "splice")
"""Whether this system has ``splice`` (Linux); see also :func:`usable`."""
_REFUSALS = frozenset({errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP, errno.EPERM})
"""What ``splice`` from a socket raises where the kernel or a sandbox does not do it (gVisor,
a seccomp filter): the socket is untouched, and its bytes are read instead."""
_refused = False


class Refused(Exception):
    """``splice`` from a socket is refused here: read this body, and every later one, instead
    (nothing was taken from the socket)."""


def usable() -> bool:
    """Whether bodies may go by ``splice`` now (Linux, and not refused so far)."""
    return AVAILABLE and not _refused


PIPE_BYTES = 1 << 20
"""The pipe size asked for: one read moves up to this much (a pipe's default is 64 KiB; an
unprivileged process may grow one to ``/proc/sys/fs/pipe-max-size``, 1 MiB by default)."""


def pipe_taker(sink: object) -> Callable[[int, int], None] | None:
    """The sink's ``take_from_pipe(pipe, count)``, which takes exactly ``count`` bytes waiting
    in the read end ``pipe``, in order, after what the sink holds; or None when it has none (or
    says it has none, as a wrapper around a sink without one does)."""
    taker = getattr(sink, "take_from_pipe", None)
    return taker if callable(taker) else None


class Pipe:
    """One thread's pipe; :attr:`held` counts the bytes in it."""

    __slots__ = ("held", "read", "size", "write")

    def __init__(self) -> None:
        import fcntl  # Linux only, as splice is

        self.read = self.write = -1  # what __del__ finds if os.pipe() fails
        self.held = 0
        self.read, self.write = os.pipe()
        try:
            fcntl.fcntl(self.write, fcntl.F_SETPIPE_SZ, PIPE_BYTES)
        except OSError:  # above the system's limit: the default size does, in smaller steps
            pass
        self.size = fcntl.fcntl(self.write, fcntl.F_GETPIPE_SZ)

    def fill(self, sock: int, most: int) -> int:
        """Move up to ``most`` bytes from the socket ``sock`` into the (empty) pipe: how many
        (0: the peer closed). Waits as ``recv`` would, and raises what it would, or
        :class:`Refused`."""
        try:
            moved = os.splice(sock, self.write, min(most, self.size))
        except OSError as exc:
            if exc.errno not in _REFUSALS:
                raise
            global _refused
            _refused = True
            raise Refused() from exc
        self.held += moved
        return moved

    def drain(self, taker: Callable[[int, int], None], count: int) -> None:
        """Hand the ``count`` bytes in the pipe to ``taker`` (a sink's ``take_from_pipe``)."""
        taker(self.read, count)
        self.held -= count

    def close(self) -> None:
        """Close both ends."""
        for fd in (self.read, self.write):
            try:
                os.close(fd)
            except OSError:
                pass
        self.read = self.write = -1

    def __del__(self) -> None:
        if self.read >= 0:
            self.close()


_local = threading.local()


def thread_pipe() -> Pipe | None:
    """The calling thread's pipe, empty; None when no pipe can be made (no descriptors left)."""
    pipe: Pipe | None = getattr(_local, "pipe", None)
    if pipe is not None and pipe.held:
        pipe.close()  # bytes of an unfinished transfer: never let them reach another file
        pipe = None
    if pipe is None:
        try:
            pipe = Pipe()
        except OSError:
            return None
        _local.pipe = pipe
    return pipe
