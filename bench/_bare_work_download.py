"""A bare Python client that does the work co-tui must do for a whole-asset download, and nothing
more: the floor for that work, beside bench/_bare_download.py (the floor for the bytes alone).

Usage: _bare_work_download.py DOMAIN TOKEN ASSET_ID DEST THREADS

What the API and a safe download ask of any client, as co-tui does it on loopback:

- list the asset's folders (``POST /api/v1/data_assets/{id}/files``, one folder level a call);
- ask for each file's signed URL (``GET .../files/urls?path=``), one request a file on a
  kept-alive API socket per thread, sent one file ahead so that its answer comes while the file
  before it moves (as co-tui's download lanes do);
- write each file to a temp file next to it, ``fsync`` it, give it its name with ``link`` +
  ``unlink`` (never clobbering) and ``fsync`` the folder.

THREADS threads (4: co-tui's lane count on loopback) each keep one API socket and one file-host
socket. Only the standard library, plain HTTP/1.1 with Content-Length (the emulator's answers),
no redirects, retries, cancel, progress, name checks or sanitising: any unexpected answer makes
it exit non-zero. It times itself from before the listing, where co-tui's clock also starts,
and prints its figures as JSON (``_bare_download.timed``).
"""

from __future__ import annotations

import base64
import json
import os
import sys
import threading
import urllib.parse
from typing import Any

from _bare_download import BUFFER, connect, copy_body, read_head, run_threads, timed


class Http:
    """One kept-alive HTTP/1.1 socket to ``host:port``."""

    def __init__(self, host: str, port: int) -> None:
        self.sock = connect(host, port)
        self.view = memoryview(bytearray(BUFFER))

    def send(self, request: bytes) -> None:
        """Send a whole request."""
        self.sock.sendall(request)

    def body(self) -> bytes:
        """The whole body of a ``200`` answer."""
        length, data = read_head(self.sock)
        while len(data) < length:
            chunk = self.sock.recv(length - len(data))
            if not chunk:
                raise ConnectionError("closed in the body")
            data += chunk
        return data

    def body_into(self, fd: int) -> None:
        """Write the body of a ``200`` answer to ``fd``."""
        length, data = read_head(self.sock)
        copy_body(self.sock, self.view, fd, length, data)


class Api:
    """Requests to the API with the token."""

    def __init__(self, domain: str, token: str, asset: str) -> None:
        self.parts = urllib.parse.urlsplit(domain)
        self.auth = base64.b64encode(f"{token}:".encode()).decode("ascii")
        self.base = f"/api/v1/data_assets/{asset}/files"

    def connect(self) -> Http:
        return Http(self.parts.hostname or "", self.parts.port or 80)

    def _head(self, method: str, target: str) -> str:
        return (f"{method} {target} HTTP/1.1\r\nHost: {self.parts.netloc}\r\n"
                f"Accept: application/json\r\nAuthorization: Basic {self.auth}\r\n")

    def listing(self, path: str) -> bytes:
        body = json.dumps({"path": path}).encode()
        return (self._head("POST", self.base) + "Content-Type: application/json\r\n"
                f"Content-Length: {len(body)}\r\n\r\n").encode("latin-1") + body

    def urls(self, path: str) -> bytes:
        query = urllib.parse.quote(path, safe="")
        return (self._head("GET", f"{self.base}/urls?path={query}") + "\r\n").encode("latin-1")


def list_files(api: Api) -> list[str]:
    """Every file's path, folder by folder."""
    http = api.connect()
    files: list[str] = []
    folders = [""]
    while folders:
        http.send(api.listing(folders.pop()))
        items: list[dict[str, Any]] = json.loads(http.body())["items"]
        for item in items:
            (folders if item["type"] == "folder" else files).append(item["path"])
    http.sock.close()
    return files


def worker(api: Api, dest: str, todo: list[str], lock: threading.Lock) -> None:
    def take() -> str | None:
        with lock:
            return todo.pop() if todo else None

    http = api.connect()
    host: Http | None = None
    folders: dict[str, int] = {}
    path = take()
    if path is not None:
        http.send(api.urls(path))
    while path is not None:
        url = json.loads(http.body())["download_url"]
        after = take()
        if after is not None:
            http.send(api.urls(after))  # its answer comes while this file moves
        parts = urllib.parse.urlsplit(url)
        if host is None:
            host = Http(parts.hostname or "", parts.port or 80)
        host.send(f"GET {parts.path}?{parts.query} HTTP/1.1\r\nHost: {parts.netloc}\r\n\r\n"
                  .encode("latin-1"))
        folder, name = os.path.split(path)
        if folder not in folders:
            os.makedirs(os.path.join(dest, folder), exist_ok=True)
            folders[folder] = os.open(os.path.join(dest, folder), os.O_RDONLY | os.O_DIRECTORY)
        dir_fd = folders[folder]
        temp = f".part-{name}"
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644, dir_fd=dir_fd)
        try:
            host.body_into(fd)
            os.fsync(fd)
        finally:
            os.close(fd)
        os.link(temp, name, src_dir_fd=dir_fd, dst_dir_fd=dir_fd)
        os.unlink(temp, dir_fd=dir_fd)
        os.fsync(dir_fd)
        path = after
    for fd in folders.values():
        os.close(fd)


def main() -> None:
    domain, token, asset, dest, threads = sys.argv[1:6]
    api = Api(domain, token, asset)
    timed(lambda: download(api, dest, int(threads)))


def download(api: Api, dest: str, threads: int) -> None:
    """List the asset, then download every file in ``threads`` threads."""
    todo = list_files(api)
    todo.reverse()
    lock = threading.Lock()
    run_threads(threads, lambda: worker(api, dest, todo, lock))


if __name__ == "__main__":
    main()
