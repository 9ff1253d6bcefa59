"""Inside a capsule: the default destination, and files copied from the ``/data`` mount when it
looks like the asset (same relative paths and sizes), downloaded otherwise."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from co_tui.transfer import DownloadTarget, ItemState, TargetKind, default_destination, local_file
from co_tui.transfer.local import mount_root
from tests.transfer.transfer_helpers import MOUNT, local_files, request, server_files, temps

CAPSULE = {"CO_CAPSULE_ID": "c-123"}


def test_default_destination(tmp_path: Path) -> None:
    cwd = tmp_path / "cwd"
    results, scratch = tmp_path / "results", tmp_path / "scratch"
    kw = {"results": results, "scratch": scratch}
    assert default_destination({}, cwd, **kw) == cwd
    assert default_destination(CAPSULE, cwd, **kw) == cwd  # neither exists
    scratch.mkdir()
    assert default_destination(CAPSULE, cwd, **kw) == scratch
    results.mkdir()
    assert default_destination(CAPSULE, cwd, **kw) == results
    assert default_destination({}, cwd, **kw) == cwd  # outside a capsule: always here
    assert default_destination({"CO_CAPSULE_ID": ""}, cwd, **kw) == cwd
    results.chmod(0o500)
    try:
        if not os.access(results, os.W_OK):  # root can write anywhere: nothing to check then
            assert default_destination(CAPSULE, cwd, **kw) == scratch
    finally:
        results.chmod(0o700)


@pytest.fixture
def data_root(tmp_path: Path, xfer_emu) -> Path:  # type: ignore[no-untyped-def]
    """A fake ``/data`` with the test asset mounted: three files copied with the server's sizes
    but different bytes (so a copy is told apart from a download), one with a wrong size."""
    root = tmp_path / "data"
    mount = root / MOUNT
    (mount / "data" / "raw").mkdir(parents=True)
    sizes = {path: size for path, (size, _) in server_files(xfer_emu).items()}
    for path in ("README.md", "data/a.csv", "data/raw/b.bin"):
        (mount / path).write_bytes(b"M" * sizes[path])
    (mount / "logs").mkdir()
    (mount / "logs" / "run.log").write_bytes(b"short")  # not what the listing says
    return root


def test_local_file_for_previews(data_root: Path, tmp_path: Path) -> None:
    asset = DownloadTarget("id", "name", MOUNT, TargetKind.ASSET)
    found = local_file(asset, "data/a.csv", env=CAPSULE, data_root=data_root)
    assert found == data_root / MOUNT / "data" / "a.csv"
    assert local_file(asset, "data/a.csv", size=50_000, env=CAPSULE, data_root=data_root) == found
    assert local_file(asset, "data/a.csv", size=7, env=CAPSULE, data_root=data_root) is None
    assert local_file(asset, "data/a.csv", env={}, data_root=data_root) is None  # not a capsule
    assert local_file(asset, "no/such.txt", env=CAPSULE, data_root=data_root) is None
    assert local_file(asset, "data", env=CAPSULE, data_root=data_root) is None  # a folder
    assert local_file(asset, "../../etc/passwd", env=CAPSULE, data_root=data_root) is None
    secret = tmp_path / "secret.txt"
    secret.write_text("outside the mount")
    (data_root / MOUNT / "link.txt").symlink_to(secret)
    assert local_file(asset, "link.txt", env=CAPSULE, data_root=data_root) is None
    (data_root / MOUNT / "inside.txt").symlink_to(data_root / MOUNT / "README.md")
    assert local_file(asset, "inside.txt", env=CAPSULE, data_root=data_root) is not None
    other = DownloadTarget("id", "name", "../" + MOUNT, TargetKind.ASSET)
    assert mount_root(other.mount, env=CAPSULE, data_root=data_root) is None


async def test_matching_files_are_copied_from_the_mount(make_engine, xfer_emu, probe, data_root: Path, dest: Path) -> None:  # type: ignore[no-untyped-def]
    engine = make_engine(env=CAPSULE, data_root=data_root)
    summary = await engine.submit(request(dest)).wait()
    server = server_files(xfer_emu)
    assert summary.failed == 0 and summary.done == len(server)
    got = local_files(dest / MOUNT)
    copied = {"README.md", "data/a.csv", "data/raw/b.bin"}
    for path, (size, digest) in got.items():
        if path in copied:
            assert (dest / MOUNT / path).read_bytes() == b"M" * size  # the mount's bytes
        else:
            assert (size, digest) == server[path]  # downloaded (incl. run.log: wrong size)
    from_mount = {v.label.removeprefix(f"{MOUNT}/") for v in engine.view() if v.from_mount}
    assert from_mount == copied
    fetched = {r.url.path.rpartition("/")[2] for r in probe.files_requests()}
    assert "run.log" in fetched and "large.bin" in fetched
    assert not fetched & {"README.md", "a.csv", "b.bin"}  # no network for what the mount had
    assert temps(dest) == []


async def test_an_archive_mixes_mount_copies_and_downloads(make_engine, xfer_emu, data_root: Path, dest: Path) -> None:  # type: ignore[no-untyped-def]
    import zipfile

    engine = make_engine(env=CAPSULE, data_root=data_root)
    summary = await engine.submit(request(dest, TargetKind.FOLDER, "data", as_zip=True)).wait()
    assert summary.done == 1
    with zipfile.ZipFile(dest / "data.zip") as archive:
        assert archive.read("data/a.csv") == b"M" * 50_000
        assert archive.read("data/raw/b.bin") == b"M" * 300_000
        assert len(archive.read("data/raw/sub dir/c d+e.txt")) == 14
    assert engine.view()[0].state is ItemState.DONE
