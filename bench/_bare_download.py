"""A bare Python download client: the floor a Python process sets for bench/download_asset.py.

Usage: _bare_download.py CONFIG THREADS

CONFIG is the ``curl -K`` file the curl baselines read (``url = "..."`` and ``output = "..."``
lines, in pairs). THREADS threads take the files one after the other, each over its own kept-alive
plain HTTP/1.1 socket, reading each body into one reused 1 MiB buffer and writing it to its output
file: the work ``curl --parallel`` does, and nothing that co-tui adds (no listing, no signed-URL
requests, no temp file, fsync or rename, no redirects, statuses or errors handled beyond failing).
It uses only the standard library, so its time is the interpreter's and the kernel's, not a
library's. A failed or short download makes it exit non-zero, and the bench checks the files' sizes.
"""

from __future__ import annotations

import os
import socket
import sys
import threading
import urllib.parse
from pathlib import Path

BUFFER = 1 << 20


def _pairs(config: Path) -> list[tuple[str, str]]:
    values = [line.split("=", 1)[1].strip().strip('"') for line in
              config.read_text().splitlines() if "=" in line]
    return list(zip(values[0::2], values[1::2], strict=True))


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
            sock = socket.create_connection((parts.hostname, parts.port or 80), timeout=60)
        sock.sendall(f"GET {parts.path}?{parts.query} HTTP/1.1\r\nHost: {parts.netloc}\r\n"
                     "\r\n".encode("latin-1"))
        head = b""
        while (end := head.find(b"\r\n\r\n")) < 0:
            chunk = sock.recv(65536)
            if not chunk:
                raise ConnectionError("closed before the head")
            head += chunk
        lines = head[:end].decode("latin-1").split("\r\n")
        if lines[0].split(" ")[1] != "200":
            raise ConnectionError(lines[0])
        length = next(int(v) for n, _, v in (h.partition(":") for h in lines[1:])
                      if n.lower() == "content-length")
        fd = os.open(output, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        try:
            body = head[end + 4:]
            os.write(fd, body)
            left = length - len(body)
            while left:
                n = sock.recv_into(view[:min(left, BUFFER)])
                if not n:
                    raise ConnectionError("closed in the body")
                os.write(fd, view[:n])
                left -= n
        finally:
            os.close(fd)
    if sock is not None:
        sock.close()


def main() -> None:
    todo = _pairs(Path(sys.argv[1]))
    todo.reverse()
    lock = threading.Lock()
    failed: list[BaseException] = []

    def run() -> None:
        try:
            _worker(todo, lock)
        except BaseException as exc:
            failed.append(exc)

    threads = [threading.Thread(target=run) for _ in range(int(sys.argv[2]))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failed:
        raise SystemExit(f"bare download failed: {failed[0]!r}")


if __name__ == "__main__":
    main()
