"""Whole assets, folders and files through the in-process emulator: real bytes, layout, modes,
the existing-file policy, bounded parallelism and signed-URL refresh."""

from __future__ import annotations

import asyncio
import hashlib
import os
import stat
from pathlib import Path

import pytest

from co_tui.transfer import ExistingPolicy, ItemState, TargetKind
from tests.transfer.transfer_helpers import (
    ASSET,
    MOUNT,
    ConcurrencyProbe,
    entries,
    local_files,
    request,
    server_files,
    temps,
    under,
)


async def test_whole_asset_lands_byte_for_byte(make_engine, xfer_emu, dest: Path) -> None:  # type: ignore[no-untyped-def]
    engine = make_engine()
    summary = await engine.submit(request(dest)).wait()
    expected = server_files(xfer_emu)
    assert summary.failed == 0 and summary.done == len(expected) > 30
    got = local_files(dest)
    assert got == {f"{MOUNT}/{path}": value for path, value in expected.items()}
    assert temps(dest) == []
    assert summary.bytes == sum(size for size, _ in expected.values())
    totals = engine.totals()
    assert totals.done_bytes == totals.total_bytes == summary.bytes
    assert not totals.active and totals.counts[ItemState.DONE] == summary.done


async def test_file_modes_follow_the_umask_and_are_never_executable(make_engine, dest: Path) -> None:  # type: ignore[no-untyped-def]
    old = os.umask(0o027)
    try:
        await make_engine().submit(request(dest, TargetKind.FOLDER, "data")).wait()
    finally:
        os.umask(old)
    files = [p for p in under(dest) if p.is_file()]
    assert files
    for path in files:
        assert stat.S_IMODE(path.stat().st_mode) == 0o640, path


async def test_a_file_and_a_folder_land_under_their_own_names(make_engine, xfer_emu, dest: Path) -> None:  # type: ignore[no-untyped-def]
    engine = make_engine()
    expected = server_files(xfer_emu)
    await engine.submit(request(dest, TargetKind.FILE, "data/raw/b.bin", size=300_000)).wait()
    await engine.submit(request(dest, TargetKind.FOLDER, "data/raw")).wait()
    got = local_files(dest)
    assert got["b.bin"] == expected["data/raw/b.bin"]
    assert got["raw/sub dir/c d+e.txt"] == expected["data/raw/sub dir/c d+e.txt"]
    assert got["raw/empty.dat"] == (0, hashlib.sha256(b"").hexdigest())
    assert set(got) == {"b.bin", "raw/b.bin", "raw/empty.dat", "raw/sub dir/c d+e.txt"}


@pytest.mark.parametrize("policy", list(ExistingPolicy))
async def test_existing_files_follow_the_policy(make_engine, xfer_emu, dest: Path, policy: ExistingPolicy) -> None:  # type: ignore[no-untyped-def]
    folder = dest / "raw"
    folder.mkdir()
    (folder / "b.bin").write_bytes(b"mine, not the server's")
    (folder / "empty.dat").write_bytes(b"also mine")
    before = local_files(dest)
    summary = await make_engine().submit(
        request(dest, TargetKind.FOLDER, "data/raw", policy=policy)).wait()
    after = local_files(dest)
    server = server_files(xfer_emu)
    assert temps(dest) == []
    if policy is ExistingPolicy.SKIP:
        assert (summary.done, summary.skipped) == (1, 2)
        assert after["raw/b.bin"] == before["raw/b.bin"]
        assert after["raw/empty.dat"] == before["raw/empty.dat"]
        assert "raw/b (1).bin" not in after
    elif policy is ExistingPolicy.RENAME:
        assert (summary.done, summary.skipped) == (3, 0)
        assert after["raw/b.bin"] == before["raw/b.bin"]
        assert after["raw/b (1).bin"] == server["data/raw/b.bin"]
        assert after["raw/empty (1).dat"] == server["data/raw/empty.dat"]
    else:
        assert (summary.done, summary.skipped) == (3, 0)
        assert after["raw/b.bin"] == server["data/raw/b.bin"]
        assert "raw/b (1).bin" not in after


async def test_rename_numbers_past_existing_copies(make_engine, xfer_emu, dest: Path) -> None:  # type: ignore[no-untyped-def]
    for name in ("b.bin", "b (1).bin", "b (2).bin"):
        (dest / name).write_bytes(name.encode())
    await make_engine().submit(request(dest, TargetKind.FILE, "data/raw/b.bin", size=300_000,
                                       policy=ExistingPolicy.RENAME)).wait()
    assert local_files(dest)["b (3).bin"] == server_files(xfer_emu)["data/raw/b.bin"]
    assert (dest / "b (1).bin").read_bytes() == b"b (1).bin"


async def test_at_most_four_transfers_run_at_once(make_engine, xfer_emu, probe: ConcurrencyProbe, dest: Path) -> None:  # type: ignore[no-untyped-def]
    xfer_emu.files_app.latency = 0.01  # so that transfers overlap visibly
    engine = make_engine(max_parallel=4)
    summary = await engine.submit(request(dest)).wait()
    assert summary.failed == 0 and summary.done > 30
    assert probe.peak == 4
    assert probe.open == 0


async def test_one_at_a_time_when_asked(make_engine, xfer_emu, probe: ConcurrencyProbe, dest: Path) -> None:  # type: ignore[no-untyped-def]
    xfer_emu.files_app.latency = 0.005
    summary = await make_engine(max_parallel=1).submit(request(dest, TargetKind.FOLDER, "many")).wait()
    assert summary.done == 24 and probe.peak == 1


async def test_an_expired_link_is_fetched_again_once(make_engine, xfer_client, xfer_emu, clock, probe, dest: Path) -> None:  # type: ignore[no-untyped-def]
    """Each file gets a fresh URL just before it; a 403 (expired) costs one refetch."""
    real = xfer_client.data_assets.get_data_asset_file_urls
    calls: list[str] = []

    async def expiring(asset_id: str, path: str):  # type: ignore[no-untyped-def]
        urls = await real(asset_id, path)
        calls.append(path)
        if len(calls) == 1:
            clock.now += xfer_emu.config.url_ttl + 1  # the first link is dead on arrival
        return urls

    xfer_client.data_assets.get_data_asset_file_urls = expiring
    summary = await make_engine().submit(
        request(dest, TargetKind.FILE, "data/raw/b.bin", size=300_000)).wait()
    assert summary.done == 1
    assert calls == ["data/raw/b.bin", "data/raw/b.bin"]
    statuses = [r for r in probe.files_requests()]
    assert len(statuses) == 2
    assert all("authorization" not in r.headers for r in probe.files_requests())


async def test_a_link_that_keeps_failing_fails_the_item_cleanly(make_engine, xfer_client, xfer_emu, clock, dest: Path) -> None:  # type: ignore[no-untyped-def]
    real = xfer_client.data_assets.get_data_asset_file_urls
    calls: list[str] = []

    async def always_expired(asset_id: str, path: str):  # type: ignore[no-untyped-def]
        urls = await real(asset_id, path)
        calls.append(path)
        clock.now += xfer_emu.config.url_ttl + 1
        return urls

    xfer_client.data_assets.get_data_asset_file_urls = always_expired
    engine = make_engine()
    summary = await engine.submit(request(dest, TargetKind.FILE, "data/a.csv", size=50_000)).wait()
    assert summary.failed == 1 and len(calls) == 2
    view = engine.view()[0]
    assert view.state is ItemState.FAILED and "403" in view.error
    assert "X-Amz" not in view.error and xfer_emu.main_token not in view.error
    assert entries(dest) == []


async def test_listing_failure_fails_the_batch_not_the_app(make_engine, dest: Path) -> None:  # type: ignore[no-untyped-def]
    engine = make_engine()
    batch = engine.submit(request(dest, TargetKind.FOLDER, "no/such/folder"))
    summary = await batch.wait()
    assert batch.error and "404" in summary.error
    assert engine.totals().messages and not engine.busy
    assert len(engine) == 0


async def test_cancel_and_retry_a_queued_item(make_engine, xfer_emu, dest: Path) -> None:  # type: ignore[no-untyped-def]
    engine = make_engine(max_parallel=1)
    xfer_emu.files_app.latency = 0.01
    batch = engine.submit(request(dest, TargetKind.FOLDER, "many"))
    while len(engine) < 24:
        await engine._signal.wait()
    last = engine.view()[-1]
    assert last.state is ItemState.QUEUED
    assert engine.cancel(last.id) and not engine.cancel(last.id)
    summary = await batch.wait()
    assert (summary.done, summary.cancelled) == (23, 1)
    assert not (dest / "many" / "f_023.dat").exists()
    assert engine.retry(last.id)
    summary = await batch.wait()
    assert (summary.done, summary.cancelled) == (24, 0)
    assert (dest / "many" / "f_023.dat").stat().st_size == 4096
    assert not engine.retry(last.id)  # done items are not retried


async def test_urls_are_fetched_once_per_file_a_little_ahead(make_engine, xfer_client, dest: Path) -> None:  # type: ignore[no-untyped-def]
    real = xfer_client.data_assets.get_data_asset_file_urls
    calls: list[str] = []

    async def counting(asset_id: str, path: str):  # type: ignore[no-untyped-def]
        calls.append(path)
        return await real(asset_id, path)

    xfer_client.data_assets.get_data_asset_file_urls = counting
    engine = make_engine(max_parallel=2)
    summary = await engine.submit(request(dest, TargetKind.FOLDER, "many")).wait()
    assert summary.done == 24
    assert sorted(calls) == sorted(f"many/f_{i:03d}.dat" for i in range(24))  # none wasted
    assert len(engine._urls) == 0


async def test_a_stale_prefetched_url_is_fetched_again(xfer_client) -> None:  # type: ignore[no-untyped-def]
    from co_tui.transfer.download_model import RemoteFile
    from co_tui.transfer.fetch import Fetcher
    from co_tui.transfer.filejob import FileJob
    from co_tui.transfer.urls import MAX_AGE, UrlPrefetcher

    async def no_sleep(seconds: float) -> None:
        return None

    now = [0.0]
    fetcher = Fetcher(xfer_client, ASSET, sleep=no_sleep)
    calls: list[str] = []
    real = fetcher.signed_url

    async def signed_url(path: str) -> str:
        calls.append(path)
        return await real(path)

    fetcher.signed_url = signed_url  # type: ignore[method-assign]
    urls = UrlPrefetcher(lambda: now[0])
    job = FileJob(fetcher, RemoteFile("data/a.csv", 50_000, "a.csv"), "/unused", ("a.csv",),
                  ExistingPolicy.SKIP, lambda n: None)
    urls.want(job)
    urls.want(job)  # asked twice, fetched once
    first = await urls.take(job)
    assert len(calls) == 1 and "X-Amz-Signature" in first
    urls.want(job)
    await asyncio.sleep(0)
    now[0] += MAX_AGE + 1
    await urls.take(job)
    assert len(calls) == 3  # the stale one was dropped for a fresh fetch
    urls.want(job)
    urls.drop(job)
    assert len(urls) == 0
