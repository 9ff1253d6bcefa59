"""A small hand-made deployment for the download tests, and helpers to check what landed."""

from __future__ import annotations

import asyncio
import errno
import hashlib
import os
import stat
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import httpx

from co_tui.emulator.content import iter_content
from co_tui.emulator.seed_model import (
    Content,
    SeedAsset,
    SeedData,
    SeedFile,
    SeedFolderGenerator,
)
from co_tui.emulator.seeds.common import ADA, NOW, users
from co_tui.transfer import DownloadRequest, DownloadTarget, ExistingPolicy, TargetKind

MiB = 1024 * 1024
ASSET = "7e57a55e-0000-4000-8000-000000000001"
MOUNT = "xfer_data"
BIG = "big/large.bin"
"""A file above the resume threshold (8 MiB)."""
BIG_SIZE = 12 * MiB

BASE_FILES = [
    SeedFile("README.md", Content.of("# transfer test asset\n")),
    SeedFile("data/a.csv", Content("text", 50_000, seed=1)),
    SeedFile("data/raw/b.bin", Content("random", 300_000, seed=2)),
    SeedFile("data/raw/empty.dat", Content.of(b"")),
    SeedFile("data/raw/sub dir/c d+e.txt", Content.of("plus and space")),
    SeedFile(BIG, Content("random", BIG_SIZE, seed=3)),
    SeedFile("logs/run.log", Content("text", 2_000_000, seed=4)),
]


def seed(extra: Iterable[SeedFile] = (), *, many: int = 24) -> SeedData:
    """One ready asset of Ada's: the files above, ``extra`` ones and a generated folder."""
    gens = [SeedFolderGenerator("many", many, 4096, "f_{i:03d}.dat")] if many else []
    asset = SeedAsset(id=ASSET, name="Transfer test asset", owner=ADA, created=NOW,
                      mount=MOUNT, files=[*BASE_FILES, *extra], generated_folders=gens)
    return SeedData(users=users(), assets=[asset])


def target(kind: TargetKind = TargetKind.ASSET, path: str = "", size: int | None = None,
           asset_id: str = ASSET, mount: str = MOUNT) -> DownloadTarget:
    """A download target on the test asset."""
    return DownloadTarget(asset_id, "Transfer test asset", mount, kind, path, size)


def request(dest: Path, kind: TargetKind = TargetKind.ASSET, path: str = "", *,
            size: int | None = None, as_zip: bool = False,
            policy: ExistingPolicy = ExistingPolicy.SKIP) -> DownloadRequest:
    """A download request on the test asset."""
    return DownloadRequest(target(kind, path, size), dest, as_zip=as_zip, policy=policy)


def server_files(emu: Any, asset_id: str = ASSET) -> dict[str, tuple[int, str]]:
    """Every file of an asset on the emulator: path -> (size, sha256), from its own content."""
    from co_tui.emulator import tree

    with emu.store.lock:
        pk = emu.store.query_one("SELECT pk FROM assets WHERE id = ?", (asset_id,))["pk"]
        out: dict[str, tuple[int, str]] = {}
        pending = [""]
        while pending:
            folder = pending.pop()
            for item in tree.list_folder(emu.store.conn, pk, folder) or []:
                if item.type == "folder":
                    pending.append(item.path)
                    continue
                ref = tree.find_file(emu.store.conn, pk, item.path)
                assert ref is not None
                digest = hashlib.sha256()
                for chunk in iter_content(ref.content, salt=ref.salt):
                    digest.update(chunk)
                out[item.path] = (ref.content.size, digest.hexdigest())
    return out


def local_files(root: Path) -> dict[str, tuple[int, str]]:
    """Every regular file under ``root``: relative path -> (size, sha256)."""
    out: dict[str, tuple[int, str]] = {}
    for folder, _, names in os.walk(root):
        for name in names:
            path = Path(folder, name)
            if path.is_symlink():
                continue
            out[path.relative_to(root).as_posix()] = (
                path.stat().st_size, hashlib.sha256(path.read_bytes()).hexdigest())
    return out


def entries(folder: Path) -> list[str]:
    """Names directly in ``folder``, sorted."""
    return sorted(p.name for p in folder.iterdir())


def resolved(path: Path) -> str:
    """``path`` with every symlink resolved."""
    return str(path.resolve())


def under(root: Path) -> list[Path]:
    """Every path below ``root``."""
    return sorted(root.rglob("*"))


async def until(condition: Callable[[], bool]) -> None:
    """Poll ``condition`` the way the UI polls the engine: on a short timer (20 s at most)."""
    async with asyncio.timeout(20):
        while not condition():  # noqa: ASYNC110 - polling counters is the engine's contract
            await asyncio.sleep(0.005)


def temps(root: Path) -> list[str]:
    """Leftover temp files and sidecars (``.co-tui-*``) anywhere under ``root``."""
    return sorted(str(p.relative_to(root)) for p in root.rglob(".co-tui-*"))


class ConcurrencyProbe(httpx.AsyncBaseTransport):
    """Counts signed-URL requests in flight at once (from sending until the body is closed)."""

    def __init__(self, inner: httpx.AsyncBaseTransport, files_host: str) -> None:
        self.inner = inner
        self.files_host = files_host
        self.open = 0
        self.peak = 0
        self.requests: list[httpx.Request] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if request.url.host != self.files_host:
            return await self.inner.handle_async_request(request)
        self.open += 1
        self.peak = max(self.peak, self.open)
        try:
            response = await self.inner.handle_async_request(request)
        except BaseException:
            self.open -= 1
            raise
        inner_stream = response.stream
        probe = self

        class Counted(httpx.AsyncByteStream):
            closed = False

            async def __aiter__(self):  # type: ignore[no-untyped-def]
                async for chunk in inner_stream:  # type: ignore[union-attr]
                    yield chunk

            async def aclose(self) -> None:
                if not self.closed:
                    self.closed = True
                    probe.open -= 1
                await inner_stream.aclose()  # type: ignore[union-attr]

        response.stream = Counted()
        return response

    def files_requests(self) -> list[httpx.Request]:
        """Requests sent to the signed-URL origin."""
        return [r for r in self.requests if r.url.host == self.files_host]


def on_file_writes(monkeypatch: Any, before: Callable[[int, int], None],
                   after: Callable[[int], None] | None = None) -> None:
    """Call ``before(fd, count)`` ahead of every write of ``count`` bytes into a file (it may
    raise, as a full disk does) and ``after(fd)`` once it is done. A download writes with
    ``os.write``, or, from a plain socket, with ``os.splice`` from a pipe
    (co_tui.api.splice): both are watched, so a test sees every byte whichever way it came."""
    real_write, real_splice = os.write, os.splice

    def write(fd: int, data: Any) -> int:
        before(fd, len(data))
        n = real_write(fd, data)
        if after is not None:
            after(fd)
        return n

    def splice(src: int, dst: int, count: int, *args: Any, **kwargs: Any) -> int:
        if not _is_pipe_or_socket(dst):
            before(dst, count)
        n = real_splice(src, dst, count, *args, **kwargs)
        if after is not None and not _is_pipe_or_socket(dst):
            after(dst)
        return n

    monkeypatch.setattr(os, "write", write)
    monkeypatch.setattr(os, "splice", splice)


def _is_pipe_or_socket(fd: int) -> bool:
    mode = os.fstat(fd).st_mode
    return stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode)


def is_temp_file(fd: int) -> bool:
    """Whether ``fd`` is one of co-tui's temp files (``.co-tui-…``)."""
    try:
        return ".co-tui-" in os.readlink(f"/proc/self/fd/{fd}")
    except OSError:
        return False


def disk_full_after(monkeypatch: Any, writes: int) -> None:
    """A write into a co-tui temp file fails with ENOSPC after ``writes`` such writes."""
    done = [0]

    def before(fd: int, count: int) -> None:
        if is_temp_file(fd):
            if done[0] >= writes:
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
            done[0] += 1

    on_file_writes(monkeypatch, before)
