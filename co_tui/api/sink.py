"""Where a download's bytes go: anything with a ``write`` that takes all of them.

The signed-file service hands bytes to a sink and never opens or writes a file itself; the
transfer layer's sinks (a temp file's descriptor, a zip entry) and any binary file object fit.
"""

from __future__ import annotations

from typing import Protocol

__all__ = ["ByteSink"]


class ByteSink(Protocol):
    """Receives a download's bytes in order.

    ``write`` must take the whole of ``data`` (a buffered file's ``write`` does; a raw
    descriptor needs a loop) and may be called from a worker thread. ``data`` is only valid
    during the call: the reader reuses its buffer.
    """

    def write(self, data: bytes | memoryview, /) -> object:
        """Take all of ``data``."""
        ...
