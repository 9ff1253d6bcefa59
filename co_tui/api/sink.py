"""Where a download's bytes go: anything with a ``write`` that takes all of them.

The signed-file service hands bytes to a sink and never opens or writes a file itself; the
transfer layer's sinks (a temp file's descriptor, a zip entry) and any binary file object fit.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from co_tui.api.splice import pipe_taker

__all__ = ["ByteSink", "GuardedSink", "ResumableSink"]


class ByteSink(Protocol):
    """Receives a download's bytes in order.

    ``write`` must take the whole of ``data`` (a buffered file's ``write`` does; a raw
    descriptor needs a loop) and may be called from a worker thread. ``data`` is only valid
    during the call: the reader reuses its buffer.
    """

    def write(self, data: bytes | memoryview, /) -> object:
        """Take all of ``data``."""
        ...


class ResumableSink(ByteSink, Protocol):
    """A sink that can say how much it holds and go back to an offset (to resume or restart)."""

    def position(self) -> int:
        """Bytes safely held now."""
        ...

    def rewind(self, offset: int) -> None:
        """Drop everything after ``offset`` and take bytes from there (or raise if it cannot)."""
        ...


class GuardedSink:
    """Passes bytes on, remembering the sink's own failure: a local write error (a full disk)
    must not be mistaken for a broken connection and retried."""

    def __init__(self, sink: ByteSink) -> None:
        self._sink = sink
        self.failure: OSError | None = None

    def write(self, data: bytes | memoryview, /) -> object:
        """Hand ``data`` to the wrapped sink; note its ``OSError`` before passing it on."""
        try:
            return self._sink.write(data)
        except OSError as exc:
            self.failure = exc
            raise

    @property
    def take_from_pipe(self) -> Callable[[int, int], None] | None:
        """The wrapped sink's way to take bytes from a pipe (:mod:`co_tui.api.splice`),
        guarded as :meth:`write` is; None when it has none."""
        taker = pipe_taker(self._sink)
        if taker is None:
            return None

        def take(pipe: int, count: int, /) -> None:
            try:
                taker(pipe, count)
            except OSError as exc:
                self.failure = exc
                raise

        return take
