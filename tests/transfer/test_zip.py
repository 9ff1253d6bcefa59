"""One zip archive built while streaming: contents equal the asset, big members stream in and
resume, a cancel or a failure leaves nothing behind."""

from __future__ import annotations

import hashlib
import os
import zipfile
from pathlib import Path

import pytest

from co_tui.emulator import FaultSpec
from co_tui.transfer import ExistingPolicy, ItemState, TargetKind, zipjob
from tests.transfer.transfer_helpers import BIG, MOUNT, entries, request, server_files, until


def _zip_contents(path: Path) -> dict[str, tuple[int, str]]:
    out: dict[str, tuple[int, str]] = {}
    with zipfile.ZipFile(path) as archive:
        assert archive.testzip() is None  # every CRC checks out
        for info in archive.infolist():
            digest = hashlib.sha256()
            with archive.open(info) as member:
                while chunk := member.read(1 << 20):
                    digest.update(chunk)
            out[info.filename] = (info.file_size, digest.hexdigest())
            assert info.external_attr >> 16 == 0o100644
    return out


async def test_the_archive_holds_the_asset(make_engine, xfer_emu, probe, dest: Path) -> None:  # type: ignore[no-untyped-def]
    engine = make_engine()
    summary = await engine.submit(request(dest, as_zip=True)).wait()
    assert summary.done == 1 and summary.failed == 0
    archive = dest / f"{MOUNT}.zip"
    assert entries(dest) == [archive.name]  # no temp, no staging
    expected = {f"{MOUNT}/{path}": value for path, value in server_files(xfer_emu).items()}
    assert _zip_contents(archive) == expected
    view = engine.view()[0]
    assert view.is_zip and view.done == view.total == sum(s for s, _ in expected.values())
    assert view.detail == f"{len(expected)} files"
    assert probe.peak <= engine.max_parallel


async def test_a_broken_big_member_resumes_inside_the_archive(make_engine, xfer_client, xfer_emu, probe, dest: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(zipjob, "STAGE_MAX_BYTES", 1024 * 1024)  # 12 MiB is "big" here
    xfer_emu.faults.inject("truncate", times=1, method="GET", path_contains=BIG)
    summary = await make_engine().submit(request(dest, TargetKind.FOLDER, "big", as_zip=True)).wait()
    assert summary.done == 1
    assert _zip_contents(dest / "big.zip") == {"big/large.bin": server_files(xfer_emu)[BIG]}
    ranges = [r.headers.get("range") for r in probe.files_requests()]
    assert ranges == [None, f"bytes={1024 * 1024}-"]  # no probe: the first answer's ETag


async def test_a_file_changed_mid_archive_fails_it_cleanly(make_engine, xfer_client, xfer_emu, dest: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(zipjob, "STAGE_MAX_BYTES", 1024 * 1024)
    xfer_emu.faults.inject("truncate", times=1, method="GET", path_contains=BIG)
    real = xfer_client.files.download

    async def download(*args, **kwargs):  # type: ignore[no-untyped-def]
        try:
            return await real(*args, **kwargs)
        finally:  # the first body broke: the file changes before the resume
            with xfer_emu.store.lock:
                xfer_emu.store.conn.execute("UPDATE files SET seed = 5 WHERE name = 'large.bin'")

    xfer_client.files.download = download
    engine = make_engine()
    summary = await engine.submit(request(dest, TargetKind.FOLDER, "big", as_zip=True)).wait()
    assert summary.failed == 1 and "changed on the server" in engine.view()[0].error
    assert entries(dest) == []


@pytest.mark.parametrize("policy", [ExistingPolicy.SKIP, ExistingPolicy.RENAME])
async def test_an_existing_archive_is_not_clobbered(make_engine, dest: Path, policy: ExistingPolicy) -> None:  # type: ignore[no-untyped-def]
    (dest / "raw.zip").write_bytes(b"not a zip, and mine")
    summary = await make_engine().submit(
        request(dest, TargetKind.FOLDER, "data/raw", as_zip=True, policy=policy)).wait()
    assert (dest / "raw.zip").read_bytes() == b"not a zip, and mine"
    if policy is ExistingPolicy.SKIP:
        assert summary.skipped == 1 and entries(dest) == ["raw.zip"]
    else:
        assert summary.done == 1 and zipfile.ZipFile(dest / "raw (1).zip").namelist()


async def test_cancelling_an_archive_removes_every_temp_file(make_engine, xfer_emu, dest: Path) -> None:  # type: ignore[no-untyped-def]
    xfer_emu.faults.spec = FaultSpec(slow_ms=1)
    xfer_emu.faults.inject("drip", times=50, method="GET", path_contains="/many/")
    engine = make_engine()
    batch = engine.submit(request(dest, as_zip=True))
    await until(lambda: bool(engine.view()) and engine.view()[0].done >= 400_000)
    view = engine.view()[0]
    assert view.state is ItemState.RUNNING and view.detail.startswith("file ")
    assert engine.cancel(view.id)
    summary = await batch.wait()
    assert summary.cancelled == 1 and summary.kept_partial == 0
    assert entries(dest) == []  # no archive, no temp archive, no staged member


@pytest.mark.parametrize(("size", "zip64"), [(5 * 2**30, True), (None, True), (1000, False)])
def test_members_that_may_pass_2_gib_get_zip64_headers(tmp_path: Path, size: int | None, zip64: bool) -> None:
    """The archive writer picks ZIP64 from the listed size (or when the size is unknown), so a
    4 GiB member streams in without "File size too large"; small members stay plain."""
    from co_tui.transfer.download_model import RemoteFile
    from co_tui.transfer.localfs import open_folder

    member = zipjob.ZipMember(RemoteFile("big.bin", size, "big.bin"), "asset/big.bin")
    with open_folder(str(tmp_path), ()) as folder:
        archive = zipjob._Archive(folder, "out.zip")
        with archive.open_entry(member) as entry:
            entry.write(b"0123456789")
        archive.close()
        os.close(archive.fd)
    raw = (tmp_path / "out.zip").read_bytes()
    extra_length = int.from_bytes(raw[28:30], "little")
    name_length = int.from_bytes(raw[26:28], "little")
    extra = raw[30 + name_length: 30 + name_length + extra_length]
    assert (extra[:2] == b"\x01\x00") is zip64  # the ZIP64 extended-information field
    with zipfile.ZipFile(tmp_path / "out.zip") as check:
        assert check.read("asset/big.bin") == b"0123456789"
