"""Downloads never take more than the listing promised, whatever the file host sends.

The API is the in-process emulator; its signed URLs point at a misbehaving file host on a real
loopback port (``tests/bad_file_host.py``). Each test runs over both ways bytes are moved: the
worker-thread socket reader (``fast``) and httpx (``httpx``). An oracle wrapped around every
write checks that no write ever makes a file (or an archive member) larger than the listed size
of the file being fetched: not one byte past it, not even one buffer in flight.
"""

from __future__ import annotations

import os
import zipfile
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from co_tui.api import CodeOceanClient
from co_tui.api.retry import DownloadTimeouts
from co_tui.emulator import Emulator, EmulatorConfig
from co_tui.emulator.seed_model import Content, SeedFile
from co_tui.transfer import DownloadEngine, ItemState, TargetKind
from co_tui.transfer import fetch as fetch_module
from tests.bad_file_host import HONEST, BadFileHost, Reply, pattern
from tests.transfer.transfer_helpers import (
    ASSET,
    MiB,
    entries,
    on_file_writes,
    request,
    seed,
    temps,
)

READ_TIMEOUT = 0.2
SMALL = 100
BIG = 9 * MiB
"""Above the resume threshold: probed for an ETag, resumed with Range."""
HUGE = 17 * MiB
"""Above the zip staging threshold: streamed straight into the archive."""
TOO_MUCH = "the server sent more than the listed size"
STALLED = f"the server sent nothing for {READ_TIMEOUT:g} s"

EXTRA = [
    SeedFile("bad/small.bin", Content("random", SMALL, seed=11)),
    SeedFile("bad/big.bin", Content("random", BIG, seed=12)),
    SeedFile("mixed/ok.bin", Content("random", 1000, seed=13)),
    SeedFile("mixed/over.bin", Content("random", SMALL, seed=14)),
    SeedFile("mixed/chunky.bin", Content("random", SMALL, seed=15)),
    SeedFile("stream/huge.bin", Content("random", HUGE, seed=16)),
    SeedFile("stream/fine.bin", Content("random", 2000, seed=17)),
]


@dataclass
class WriteOracle:
    """Watches every write into a download sink against the listed size of its file."""

    limits: dict[Any, tuple[str, int]] = field(default_factory=dict)
    peak: dict[str, int] = field(default_factory=dict)
    violations: list[str] = field(default_factory=list)

    def saw(self, key: Any, now: int) -> None:
        path, limit = self.limits[key]
        self.peak[path] = max(self.peak.get(path, 0), now)
        if now > limit:
            self.violations.append(f"{path}: {now:,} bytes written, listed {limit:,}")


@pytest.fixture
def oracle(monkeypatch: pytest.MonkeyPatch) -> WriteOracle:
    seen = WriteOracle()
    real_transfer = fetch_module.Fetcher.transfer
    real_stream_write = fetch_module.StreamSink.write

    async def transfer(self: Any, remote: Any, url: str, sink: Any, **kwargs: Any) -> int:
        key = sink.fd if isinstance(sink, fetch_module.FdSink) else id(sink)
        if remote.size is not None:
            seen.limits[key] = (remote.path, remote.size)
        try:
            return await real_transfer(self, remote, url, sink, **kwargs)
        finally:
            seen.limits.pop(key, None)

    def after(fd: int) -> None:
        if fd in seen.limits:
            seen.saw(fd, os.fstat(fd).st_size)

    def stream_write(self: Any, data: Any) -> int:
        n = real_stream_write(self, data)
        if id(self) in seen.limits:
            seen.saw(id(self), self.count)
        return n

    monkeypatch.setattr(fetch_module.Fetcher, "transfer", transfer)
    on_file_writes(monkeypatch, lambda fd, count: None, after)
    monkeypatch.setattr(fetch_module.StreamSink, "write", stream_write)
    return seen


@pytest.fixture
async def host() -> AsyncIterator[BadFileHost]:
    served = BadFileHost()
    await served.start()
    yield served
    await served.close()


@pytest.fixture(params=["fast", "httpx"])
async def engine(request: pytest.FixtureRequest, host: BadFileHost, sleeps: list[float]
                 ) -> AsyncIterator[DownloadEngine]:
    async def fake_sleep(seconds: float) -> None:
        sleeps.append(seconds)

    emu = Emulator(EmulatorConfig(seed="test", files_origin=host.origin),
                   seed_data=seed(EXTRA, many=0))
    files = None if request.param == "fast" else httpx.AsyncHTTPTransport(retries=0)
    client = CodeOceanClient(emu.config.api_origin, emu.main_token, transport=emu.transport(),
                             files_transport=files, sleep=fake_sleep,
                             download_timeouts=DownloadTimeouts(read=READ_TIMEOUT))
    eng = DownloadEngine(client, env={}, sleep=fake_sleep)
    yield eng
    await eng.aclose()
    await client.aclose()
    emu.close()


def _tries(engine: DownloadEngine, reply: Reply, attempts: int, *, small: bool = False) -> int:
    """Requests made for ``attempts`` attempts: the socket reader hands a chunked body over to
    httpx, which asks again. A small file's first attempt is the socket reader's alone (the
    one-hop path), and once it found the body chunked the file's attempts all go to httpx."""
    if not engine.client.files.sockets or reply.framing != "chunked":
        return attempts
    return attempts + 1 if small else attempts * 2


# (replies, expected error)
SMALL_FAILURES: dict[str, tuple[tuple[Reply, ...], str]] = {
    "length-longer": ((Reply(extra=MiB),), TOO_MUCH),
    "length-endless": ((Reply(extra=None, declared=64 * MiB),), TOO_MUCH),
    "close-endless": ((Reply(extra=None, framing="close"),), TOO_MUCH),
    "close-longer": ((Reply(extra=1, framing="close"),), TOO_MUCH),
    "chunked-endless": ((Reply(extra=None, framing="chunked"),), TOO_MUCH),
    "chunked-longer": ((Reply(extra=5000, framing="chunked"),), TOO_MUCH),
    "length-announces-more": ((Reply(declared=MiB),), TOO_MUCH),
    "length-announces-less": ((Reply(extra=-40),),
                              "the server announced a file of 60 bytes, the listing says 100"),
    "chunked-shorter": ((Reply(extra=-40, framing="chunked"),),
                        "received 60 bytes, expected 100"),
    "close-shorter": ((Reply(extra=-40, framing="close"),), "connection closed after 60 of 100"),
    "cut-short": ((Reply(cut=60),), "closed"),
    "stalls": ((Reply(cut=40, stall=True),), STALLED),
    "stalls-chunked": ((Reply(cut=40, stall=True, framing="chunked"),), STALLED),
}


@pytest.mark.parametrize("case", list(SMALL_FAILURES))
async def test_a_single_file_fails_cleanly(engine: DownloadEngine, host: BadFileHost, oracle: WriteOracle, dest: Path, sleeps: list[float], case: str) -> None:
    replies, message = SMALL_FAILURES[case]
    host.add("small.bin", SMALL, *replies)
    summary = await engine.submit(
        request(dest, TargetKind.FILE, "bad/small.bin", size=SMALL)).wait()
    item = engine.view()[0]
    assert summary.failed == 1 and item.state is ItemState.FAILED
    assert message in item.error, item.error
    assert oracle.violations == []
    assert temps(dest) == [] and not (dest / "small.bin").exists()
    if message == TOO_MUCH:
        assert "100 bytes" in item.error
        if "announces" not in case:
            assert sum(s.sent for s in host.served("small.bin")) > SMALL
        assert len(host.served("small.bin")) == _tries(engine, replies[0], 1, small=True)
        assert sleeps == []  # never retried
    if message in (STALLED, "connection closed after 60 of 100") or case == "cut-short":
        assert len(host.served("small.bin")) == _tries(engine, replies[0], 4, small=True)
        assert len(sleeps) == 3  # the usual retries


@pytest.mark.parametrize("first", [Reply(cut=40, stall=True), Reply(cut=60),
                                   Reply(extra=-40, framing="close")],
                         ids=["stall", "cut", "close-short"])
async def test_a_broken_small_file_is_fetched_again_from_the_start(engine: DownloadEngine, host: BadFileHost, oracle: WriteOracle, dest: Path, first: Reply) -> None:
    host.add("small.bin", SMALL, first, HONEST)
    summary = await engine.submit(
        request(dest, TargetKind.FILE, "bad/small.bin", size=SMALL)).wait()
    assert summary.done == 1
    assert (dest / "small.bin").read_bytes() == pattern(0, SMALL)
    assert [s.range for s in host.served("small.bin")] == [None, None]
    assert oracle.violations == [] and temps(dest) == []


@pytest.mark.parametrize("reply", [Reply(extra=None, declared=SMALL),
                                   Reply(extra=MiB, declared=SMALL)],
                         ids=["endless", "longer"])
async def test_a_length_shorter_than_the_body_ends_the_body(engine: DownloadEngine, host: BadFileHost, oracle: WriteOracle, dest: Path, reply: Reply) -> None:
    """``Content-Length`` ends an HTTP body: what follows it is not part of the answer."""
    host.add("small.bin", SMALL, reply)
    summary = await engine.submit(
        request(dest, TargetKind.FILE, "bad/small.bin", size=SMALL)).wait()
    assert summary.done == 1
    assert (dest / "small.bin").read_bytes() == pattern(0, SMALL)
    assert oracle.violations == [] and temps(dest) == []


RESUME_FAILURES: dict[str, tuple[Reply, str]] = {
    "close-endless": (Reply(extra=None, framing="close"), TOO_MUCH),
    "chunked-endless": (Reply(extra=None, framing="chunked"), TOO_MUCH),
    "length-longer": (Reply(extra=MiB), TOO_MUCH),
    "range-total-larger": (Reply(total=BIG + 1), TOO_MUCH),
    "range-total-smaller": (Reply(total=BIG - 1),
                            f"the server announced a file of {BIG - 1:,} bytes"),
}


@pytest.mark.parametrize("case", list(RESUME_FAILURES))
async def test_a_resumed_body_is_bounded_too(engine: DownloadEngine, host: BadFileHost, oracle: WriteOracle, dest: Path, case: str) -> None:
    """The first body breaks at 1 MiB; the resumed one (Range, partial file on disk) runs on."""
    resumed, message = RESUME_FAILURES[case]
    host.add("big.bin", BIG, Reply(cut=MiB), resumed)
    summary = await engine.submit(request(dest, TargetKind.FILE, "bad/big.bin", size=BIG)).wait()
    item = engine.view()[0]
    assert summary.failed == 1 and message in item.error, item.error
    served = host.served("big.bin")
    resumes = _tries(engine, resumed, 1)
    assert [s.range for s in served] == [None, *[f"bytes={MiB}-"] * resumes]
    assert served[1].if_range == '"v1"' and served[1].status == 206
    assert oracle.violations == []
    # the resumed body's honest part may land (up to the listed size); announced lies: none
    assert MiB <= oracle.peak["bad/big.bin"] <= BIG
    if resumed.framing == "length":
        assert oracle.peak["bad/big.bin"] == MiB
    assert temps(dest) == [] and not (dest / "big.bin").exists()
    assert summary.kept_partial == 0


async def test_a_stalled_big_file_resumes(engine: DownloadEngine, host: BadFileHost, oracle: WriteOracle, dest: Path) -> None:
    host.add("big.bin", BIG, Reply(cut=MiB, stall=True), HONEST)
    summary = await engine.submit(request(dest, TargetKind.FILE, "bad/big.bin", size=BIG)).wait()
    assert summary.done == 1
    assert (dest / "big.bin").read_bytes() == pattern(0, BIG)
    assert [s.range for s in host.served("big.bin")] == [None, f"bytes={MiB}-"]
    assert oracle.violations == [] and temps(dest) == []


async def test_a_partial_file_from_an_earlier_run_resumes_into_a_bound(engine: DownloadEngine, host: BadFileHost, oracle: WriteOracle, dest: Path) -> None:
    """A stalled download keeps its partial file; the retry resumes from it (Range), and the
    host then sends without end: cut at the listed size, partial file removed."""
    host.add("big.bin", BIG, Reply(cut=MiB, stall=True), Reply(cut=0, stall=True),
             Reply(cut=0, stall=True), Reply(cut=0, stall=True),
             HONEST, Reply(extra=None, framing="close"))
    batch = engine.submit(request(dest, TargetKind.FILE, "bad/big.bin", size=BIG))
    first = await batch.wait()
    item = engine.view()[0]
    assert first.failed == 1 and first.kept_partial == 1 and STALLED in item.error
    assert len(temps(dest)) == 2  # the partial file and its sidecar
    assert engine.retry(item.id)
    second = await batch.wait()
    item = engine.view()[0]
    assert second.failed == 1 and TOO_MUCH in item.error
    served = host.served("big.bin")
    assert [s.range for s in served[-2:]] == [f"bytes={MiB - 1}-{MiB - 1}", f"bytes={MiB}-"]
    assert oracle.violations == [] and MiB <= oracle.peak["bad/big.bin"] <= BIG
    assert temps(dest) == [] and not (dest / "big.bin").exists()


async def test_a_folder_keeps_its_good_files_and_drops_the_bad(engine: DownloadEngine, host: BadFileHost, oracle: WriteOracle, dest: Path) -> None:
    host.add("ok.bin", 1000)
    host.add("over.bin", SMALL, Reply(extra=None, framing="close"))
    host.add("chunky.bin", SMALL, Reply(extra=None, framing="chunked"))
    summary = await engine.submit(request(dest, TargetKind.FOLDER, "mixed")).wait()
    assert (summary.done, summary.failed) == (1, 2)
    errors = {v.label: v.error for v in engine.view()}
    assert all(TOO_MUCH in errors[f"mixed/{name}"] for name in ("over.bin", "chunky.bin"))
    assert sorted(p.name for p in (dest / "mixed").iterdir()) == ["ok.bin"]
    assert (dest / "mixed" / "ok.bin").read_bytes() == pattern(0, 1000)
    assert oracle.violations == [] and temps(dest) == []


@pytest.mark.parametrize("bad", ["staged", "streamed"])
async def test_an_archive_with_a_bad_member_fails_and_leaves_nothing(engine: DownloadEngine, host: BadFileHost, oracle: WriteOracle, dest: Path, bad: str) -> None:
    """Small members are fetched ahead into temp files, big ones stream into the archive."""
    endless = Reply(extra=None, framing="close")
    host.add("fine.bin", 2000, *((endless,) if bad == "staged" else ()))
    host.add("huge.bin", HUGE, *((endless,) if bad == "streamed" else ()))
    summary = await engine.submit(
        request(dest, TargetKind.FOLDER, "stream", as_zip=True)).wait()
    item = engine.view()[0]
    name = "fine.bin" if bad == "staged" else "huge.bin"
    assert summary.failed == 1 and TOO_MUCH in item.error and name in item.error, item.error
    assert sum(s.sent for s in host.served(name)) > (2000 if bad == "staged" else HUGE)
    assert oracle.violations == []
    assert entries(dest) == []  # no archive, no temp archive, no staged member


async def test_an_archive_of_honest_members_is_whole(engine: DownloadEngine, host: BadFileHost, oracle: WriteOracle, dest: Path) -> None:
    host.add("fine.bin", 2000)
    host.add("huge.bin", HUGE)
    summary = await engine.submit(
        request(dest, TargetKind.FOLDER, "stream", as_zip=True)).wait()
    assert summary.done == 1
    with zipfile.ZipFile(dest / "stream.zip") as archive:
        assert archive.read("stream/fine.bin") == pattern(0, 2000)
        assert archive.read("stream/huge.bin") == pattern(0, HUGE)
    assert oracle.violations == [] and oracle.peak["stream/huge.bin"] == HUGE


async def test_the_pager_copy_is_bounded_too(engine: DownloadEngine, host: BadFileHost, dest: Path, tmp_path: Path) -> None:
    """``o`` fetches a whole file for ``$PAGER``: a host sending on is cut at the listed size."""
    from co_tui.api.files import BodySizeError
    from co_tui.api.models import FolderItem
    from co_tui.operations.pager import fetch_for_pager

    host.add("small.bin", SMALL, Reply(extra=None, framing="close"))
    client = engine.client
    asset = await client.data_assets.get_data_asset(ASSET)
    item = FolderItem(name="small.bin", path="bad/small.bin", size=SMALL)
    with pytest.raises(BodySizeError) as info:
        await fetch_for_pager(client, asset, item, dest, data_root=tmp_path / "no-mount")
    assert TOO_MUCH in info.value.message
    assert (dest / "small.bin").stat().st_size <= SMALL
