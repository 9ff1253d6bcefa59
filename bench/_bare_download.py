"""A bare Python download client: the floor a Python process sets for bench/download_asset.py.

Usage: _bare_download.py CONFIG THREADS

CONFIG is the ``curl -K`` file the curl baselines read (``url = "..."`` and ``output = "..."``
lines, in pairs). THREADS threads take the files one after the other, each over its own kept-alive
plain HTTP/1.1 socket, moving each body into its output file (by ``splice`` on Linux, as co-tui
does from a plain socket; else through one reused 1 MiB buffer): the work ``curl --parallel``
does, and nothing that co-tui adds (no listing, no signed-URL requests, no temp file, fsync or
rename, no redirects, statuses or errors handled beyond failing).
It uses only the standard library, so its time is the interpreter's and the kernel's, not a
library's. A failed or short download makes it exit non-zero, and the bench checks the files' sizes.
It prints its own figures as JSON (:func:`timed`): from the start of its work, after the
interpreter's start-up and imports, as co-tui's child times itself.
"""

from __future__ import annotations

import fcntl
import json
import os
import socket
import struct
import sys
import threading
import time
import urllib.parse
from collections.abc import Callable
from pathlib import Path

BUFFER = 1 << 20
SPLICE = sys.platform == "linux" and hasattr(os, "splice")


def _pairs(config: Path) -> list[tuple[str, str]]:
    values = [line.split("=", 1)[1].strip().strip('"') for line in
              config.read_text().splitlines() if "=" in line]
    return list(zip(values[0::2], values[1::2], strict=True))


def read_head(sock: socket.socket) -> tuple[int, bytes]:
    """Read a ``200`` answer's head: its Content-Length and the body bytes that came with it."""
    data = b""
    while (end := data.find(b"\r\n\r\n")) < 0:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("closed before the head")
        data += chunk
    lines = data[:end].decode("latin-1").split("\r\n")
    if lines[0].split(" ")[1] != "200":
        raise ConnectionError(lines[0])
    length = next(int(v) for n, _, v in (h.partition(":") for h in lines[1:])
                  if n.strip().lower() == "content-length")
    return length, data[end + 4:]


def connect(host: str, port: int) -> socket.socket:
    """A blocking plain socket to ``host:port`` whose reads give up after 60 s in the kernel
    (``SO_RCVTIMEO``), as co-tui's are: a Python timeout would poll before every read."""
    sock = socket.create_connection((host, port), timeout=60)
    sock.settimeout(None)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVTIMEO, struct.pack("ll", 60, 0))
    return sock


_pipes = threading.local()


def _pipe() -> tuple[int, int]:
    """This thread's pipe for ``splice`` (made once, 1 MiB when the system allows it)."""
    pipe: tuple[int, int] | None = getattr(_pipes, "pipe", None)
    if pipe is None:
        pipe = os.pipe()
        try:
            fcntl.fcntl(pipe[1], fcntl.F_SETPIPE_SZ, BUFFER)
        except OSError:
            pass
        _pipes.pipe = pipe
    return pipe


def copy_body(sock: socket.socket, view: memoryview, fd: int, length: int, first: bytes) -> None:
    """Write a body of ``length`` bytes to ``fd``: ``first`` (what came with the head), then
    the rest, moved by ``splice`` through a pipe on Linux (one kernel copy, as co-tui moves a
    plain socket's body), else read into ``view`` and written."""
    os.write(fd, first)
    left = length - len(first)
    if SPLICE:
        read, write = _pipe()
        while left:
            n = os.splice(sock.fileno(), write, min(left, BUFFER))
            if not n:
                raise ConnectionError("closed in the body")
            moved = 0
            while moved < n:
                moved += os.splice(read, fd, n - moved)
            left -= n
        return
    while left:
        n = sock.recv_into(view[:min(left, len(view))])
        if not n:
            raise ConnectionError("closed in the body")
        os.write(fd, view[:n])
        left -= n


def _worker(todo: list[tuple[str, str]], lock: threading.Lock) -> None:
    sock: socket.socket | None = None
    view = memoryview(bytearray(BUFFER))
    while True:
        with lock:
            if not todo:
                break
            url, output = todo.pop()
        parts = urllib.parse.urlsplit(url)
        if sock is None:
            sock = connect(parts.hostname or "", parts.port or 80)
        sock.sendall(f"GET {parts.path}?{parts.query} HTTP/1.1\r\nHost: {parts.netloc}\r\n"
                     "\r\n".encode("latin-1"))
        length, body = read_head(sock)
        fd = os.open(output, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        try:
            copy_body(sock, view, fd, length, body)
        finally:
            os.close(fd)
    if sock is not None:
        sock.close()


def timed(work: Callable[[], None]) -> None:
    """Run ``work`` and print its wall and CPU seconds as JSON, as
    bench/_download_asset_child.py does for co-tui."""
    start, cpu = time.perf_counter(), time.process_time()
    work()
    print(json.dumps({"seconds": time.perf_counter() - start,
                      "cpu_seconds": time.process_time() - cpu}))


def run_threads(count: int, work: Callable[[], None]) -> None:
    """Run ``work`` in ``count`` threads at once; exit non-zero if any of them failed."""
    failed: list[BaseException] = []

    def run() -> None:
        try:
            work()
        except BaseException as exc:
            failed.append(exc)

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failed:
        raise SystemExit(f"bare download failed: {failed[0]!r}")


def main() -> None:
    todo = _pairs(Path(sys.argv[1]))
    todo.reverse()
    lock = threading.Lock()
    timed(lambda: run_threads(int(sys.argv[2]), lambda: _worker(todo, lock)))


if __name__ == "__main__":
    main()
