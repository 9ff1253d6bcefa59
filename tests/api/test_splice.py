"""Bodies moved by ``splice`` (co_tui.api.splice): from a plain loopback socket into a file
through a pipe, with a fall-back for file systems that refuse it, and never a byte of one
file in another after a failed write."""

from __future__ import annotations

import errno
import hashlib
import io
import os
import socket
import stat
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest

from co_tui.api import CodeOceanClient
from co_tui.api import splice as splice_module
from co_tui.api.fast_download import CancelFlag, DownloadResult
from co_tui.api.files import FirstAttemptFailed
from co_tui.api.http1 import ActiveConnection
from co_tui.api.sink import GuardedSink
from co_tui.emulator.content import read_content
from co_tui.transfer.fetch import FdSink

pytestmark = pytest.mark.skipif(not splice_module.AVAILABLE, reason="splice is Linux's")


@pytest.fixture(scope="module")
def served():  # type: ignore[no-untyped-def]
    from co_tui.emulator import EmulatorConfig, serve_in_thread

    with serve_in_thread(EmulatorConfig(seed="demo"), host="127.0.0.1") as handle:
        yield handle


@pytest.fixture
async def sock_client(served: Any) -> AsyncIterator[CodeOceanClient]:
    client = CodeOceanClient(served.domain, served.emulator.main_token)
    yield client
    await client.aclose()


async def _a_file(client: CodeOceanClient, demo_seed: Any) -> tuple[str, bytes]:
    """A signed URL of a demo file of a few MB, and its bytes."""
    main = demo_seed.users[0].id
    for asset in demo_seed.assets:
        if asset.owner != main or asset.archived or asset.state != "ready":
            continue
        for f in asset.files:
            if 3_000_000 <= f.content.size <= 20_000_000:
                urls = await client.data_assets.get_data_asset_file_urls(asset.id, f.path)
                expected = read_content(f.content, 0, f.content.size,
                                        salt=f"{asset.id}/{f.path}")
                return urls.download_url, expected
    raise AssertionError("no such file in the demo seed")


SpliceCall = tuple[int, int, int]
"""(source, destination, bytes moved) of one ``os.splice``."""


def _watch_splices(monkeypatch: pytest.MonkeyPatch,
                   into_file: Callable[[int, int, int], int] | None = None) -> list[SpliceCall]:
    """Record every ``os.splice``; ``into_file(src, dst, count)``, when given, replaces the
    ones whose destination is a regular file."""
    calls: list[SpliceCall] = []
    real = os.splice

    def watched(src: int, dst: int, count: int, *args: Any, **kwargs: Any) -> int:
        if into_file is not None and stat.S_ISREG(os.fstat(dst).st_mode):
            moved = into_file(src, dst, count)
        else:
            moved = real(src, dst, count, *args, **kwargs)
        calls.append((src, dst, moved))
        return moved

    monkeypatch.setattr(os, "splice", watched)
    return calls


def _fetch(client: CodeOceanClient, url: str, sink: Any, size: int
           ) -> DownloadResult | FirstAttemptFailed:
    """One attempt in the calling thread, as a download lane makes it."""
    return client.files.fetch_once_blocking(url, sink, size=size, progress=None,
                                            cancel=CancelFlag(), active=ActiveConnection())


def _into_file(client: CodeOceanClient, url: str, dest: Path, size: int
               ) -> tuple[DownloadResult | FirstAttemptFailed, int]:
    """One attempt into a new file ``dest`` through an ``FdSink``: the result, and the number
    of the descriptor it wrote to (closed again)."""
    fd = os.open(dest, os.O_WRONLY | os.O_CREAT, 0o644)
    try:
        return _fetch(client, url, FdSink(fd), size), fd
    finally:
        os.close(fd)


def _assert_exact(result: DownloadResult | FirstAttemptFailed, data: bytes, expected: bytes
                  ) -> None:
    assert isinstance(result, DownloadResult)
    assert hashlib.sha256(data).hexdigest() == hashlib.sha256(expected).hexdigest()


async def test_a_body_goes_into_the_file_by_splice(sock_client: CodeOceanClient, demo_seed: Any,
                                                   tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    url, expected = await _a_file(sock_client, demo_seed)
    calls = _watch_splices(monkeypatch)
    dest = tmp_path / "out.bin"
    result, fd = _into_file(sock_client, url, dest, len(expected))
    _assert_exact(result, dest.read_bytes(), expected)
    into_file = sum(moved for _, dst, moved in calls if dst == fd)
    # what came with the answer's head is written as usual; the rest came through the pipe
    assert 0.9 * len(expected) < into_file <= len(expected)


async def test_a_sink_without_a_descriptor_gets_the_bytes_written(
        sock_client: CodeOceanClient, demo_seed: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    url, expected = await _a_file(sock_client, demo_seed)
    calls = _watch_splices(monkeypatch)
    stream = io.BytesIO()
    result = _fetch(sock_client, url, stream, len(expected))
    _assert_exact(result, stream.getvalue(), expected)
    assert calls == []


async def test_a_file_system_that_refuses_splice_gets_the_bytes_written(
        sock_client: CodeOceanClient, demo_seed: Any, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    url, expected = await _a_file(sock_client, demo_seed)

    def refuse(src: int, dst: int, count: int) -> int:
        raise OSError(errno.EINVAL, os.strerror(errno.EINVAL))

    _watch_splices(monkeypatch, refuse)
    dest = tmp_path / "out.bin"
    result, _ = _into_file(sock_client, url, dest, len(expected))
    _assert_exact(result, dest.read_bytes(), expected)


async def test_a_sandbox_that_refuses_splice_from_a_socket_gets_the_body_read(
        sock_client: CodeOceanClient, demo_seed: Any, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """gVisor or a seccomp filter may refuse ``splice`` on a socket: the body is read as
    before, and no later transfer tries again."""
    url, expected = await _a_file(sock_client, demo_seed)
    monkeypatch.setattr(splice_module, "_refused", False)
    real = os.splice
    tried: list[int] = []

    def refuse_sockets(src: int, dst: int, count: int, *args: Any, **kwargs: Any) -> int:
        if stat.S_ISSOCK(os.fstat(src).st_mode):
            tried.append(src)
            raise OSError(errno.ENOSYS, os.strerror(errno.ENOSYS))
        return real(src, dst, count, *args, **kwargs)

    monkeypatch.setattr(os, "splice", refuse_sockets)
    for name in ("first.bin", "second.bin"):
        dest = tmp_path / name
        result, _ = _into_file(sock_client, url, dest, len(expected))
        _assert_exact(result, dest.read_bytes(), expected)
    assert len(tried) == 1 and not splice_module.usable()


async def test_a_failed_write_leaves_no_byte_for_the_next_file(
        sock_client: CodeOceanClient, demo_seed: Any, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The disk fills up while the pipe holds a piece of the body: the write fails as the
    disk's (not the connection's) error, and the thread's next file starts on an empty pipe."""
    url, expected = await _a_file(sock_client, demo_seed)
    real = os.splice
    failed: list[int] = []

    def full_once(src: int, dst: int, count: int) -> int:
        if not failed:
            failed.append(count)
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real(src, dst, count)

    _watch_splices(monkeypatch, full_once)
    with pytest.raises(OSError) as raised:
        _into_file(sock_client, url, tmp_path / "first.bin", len(expected))
    assert raised.value.errno == errno.ENOSPC and failed and failed[0] > 0
    dest = tmp_path / "second.bin"
    result, _ = _into_file(sock_client, url, dest, len(expected))
    _assert_exact(result, dest.read_bytes(), expected)


def test_a_guard_offers_the_pipe_only_when_its_sink_takes_one(tmp_path: Path) -> None:
    assert GuardedSink(io.BytesIO()).take_from_pipe is None
    fd = os.open(tmp_path / "x", os.O_WRONLY | os.O_CREAT, 0o644)
    read, write = os.pipe()
    try:
        guarded = GuardedSink(FdSink(fd))
        take = guarded.take_from_pipe
        assert take is not None
        os.write(write, b"abc")
        take(read, 3)
        assert (tmp_path / "x").read_bytes() == b"abc" and guarded.failure is None
        os.close(fd)
        os.write(write, b"d")
        with pytest.raises(OSError):
            take(read, 1)  # a closed descriptor: the sink's own failure, remembered
        assert guarded.failure is not None
    finally:
        for end in (read, write):
            os.close(end)


def test_a_thread_gets_a_fresh_pipe_after_one_left_holding_bytes() -> None:
    pipe = splice_module.thread_pipe()
    assert pipe is not None and pipe.held == 0
    assert splice_module.thread_pipe() is pipe  # kept while empty
    left, right = socket.socketpair()
    try:
        right.sendall(b"x" * 10)
        assert pipe.fill(left.fileno(), 100) == 10 and pipe.held == 10
        fresh = splice_module.thread_pipe()
        assert fresh is not None and fresh is not pipe and fresh.held == 0
        assert pipe.read == -1  # the old one is closed
    finally:
        left.close()
        right.close()
