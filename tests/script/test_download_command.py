"""``co-tui download`` as a user runs it: a subprocess against an emulator on loopback, the files
it writes checked by sha256 against the bytes the official SDK's signed URLs give."""

from __future__ import annotations

import hashlib
import re
import signal
import subprocess
import sys
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from co_tui.emulator import EmulatorConfig, serve_in_thread
from co_tui.emulator.faults import FaultSpec
from co_tui.emulator.seed_model import Content, SeedFile
from co_tui.emulator.server import ServedEmulator
from tests.e2e.pty_app import PtyApp
from tests.script.cli_helpers import (
    SORTED,
    SORTED_MOUNT,
    TOKEN,
    Cli,
    local_digests,
    sdk_digests,
    tree_state,
    walk,
)
from tests.transfer.transfer_helpers import ASSET, MOUNT, seed

ESCAPES = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


@pytest.fixture(scope="module")
def served() -> Iterator[ServedEmulator]:
    with serve_in_thread(EmulatorConfig(seed="demo")) as handle:
        yield handle


@pytest.fixture(scope="module")
def cli(served: ServedEmulator) -> Cli:
    return Cli(served)


@pytest.fixture(scope="module")
def expected(served: ServedEmulator) -> dict[str, str]:
    """The SORTED asset as the official SDK fetches it: path -> sha256."""
    digests = sdk_digests(served.domain, SORTED)
    assert len(digests) == 14
    return digests


def test_the_whole_asset_lands_under_its_mount_byte_for_byte(cli: Cli, expected: dict[str, str],
                                                             tmp_path: Path) -> None:
    done = cli.run("download", SORTED, "--to", str(tmp_path / "dest"), "--parallel", "3")
    assert done.returncode == 0, done.stderr
    root = tmp_path / "dest" / SORTED_MOUNT
    assert local_digests(root) == expected
    assert sorted(done.stdout.splitlines()) == sorted(str(root / p) for p in expected)
    assert re.search(r"14 files downloaded \(27\.\d MiB\) to .*/dest in \d", done.stderr)
    assert [p.name for p in walk(tmp_path) if p.name.startswith(".co-tui-")] == []


def test_paths_a_file_and_a_folder(cli: Cli, expected: dict[str, str], tmp_path: Path) -> None:
    done = cli.run("download", SORTED, "sorting_summary.json", "/kilosort4/ProbeA/", "--to",
                   str(tmp_path))
    assert done.returncode == 0, done.stderr
    got = local_digests(tmp_path)
    assert got["sorting_summary.json"] == expected["sorting_summary.json"]
    probe = {k: v for k, v in expected.items() if k.startswith("kilosort4/ProbeA/")}
    assert {"ProbeA/" + k.removeprefix("kilosort4/ProbeA/"): v for k, v in probe.items()} == \
        {k: v for k, v in got.items() if k.startswith("ProbeA/")}
    assert len(got) == len(probe) + 1


def test_existing_files_are_skipped_unless_overwrite_or_rename(cli: Cli, expected: dict[str, str],
                                                               tmp_path: Path) -> None:
    first = cli.run("download", SORTED, "sorting_summary.json", "code", "--to", str(tmp_path))
    assert first.returncode == 0, first.stderr
    mine = tmp_path / "sorting_summary.json"
    mine.write_text("my own notes")
    again = cli.run("download", SORTED, "sorting_summary.json", "code", "--to", str(tmp_path))
    assert again.returncode == 0, again.stderr
    assert mine.read_text() == "my own notes"
    assert "0 files downloaded" in again.stderr and "3 skipped" in again.stderr
    skipped = cli.run("download", SORTED, "sorting_summary.json", "--skip", "--to", str(tmp_path))
    assert skipped.returncode == 0 and mine.read_text() == "my own notes"
    renamed = cli.run("download", SORTED, "sorting_summary.json", "--rename", "--to",
                      str(tmp_path))
    assert renamed.returncode == 0, renamed.stderr
    assert mine.read_text() == "my own notes"
    copy = tmp_path / "sorting_summary (1).json"
    assert hashlib.sha256(copy.read_bytes()).hexdigest() == expected["sorting_summary.json"]
    assert renamed.stdout.strip() == str(copy)
    replaced = cli.run("download", SORTED, "sorting_summary.json", "--overwrite", "--to",
                       str(tmp_path))
    assert replaced.returncode == 0, replaced.stderr
    assert hashlib.sha256(mine.read_bytes()).hexdigest() == expected["sorting_summary.json"]
    both = cli.run("download", SORTED, "--skip", "--overwrite")
    assert both.returncode == 2 and "not allowed with" in both.stderr


def test_zip_is_one_archive_of_the_same_bytes(cli: Cli, expected: dict[str, str],
                                              tmp_path: Path) -> None:
    archive = tmp_path / "out" / "sorted.zip"
    done = cli.run("download", SORTED, "--zip", str(archive))
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == str(archive)
    with zipfile.ZipFile(archive) as zf:
        members = {info.filename: hashlib.sha256(zf.read(info)).hexdigest()
                   for info in zf.infolist() if not info.is_dir()}
    assert members == {f"{SORTED_MOUNT}/{path}": digest for path, digest in expected.items()}
    assert sorted(p.name for p in archive.parent.iterdir()) == ["sorted.zip"]
    folder = cli.run("download", SORTED, "kilosort4", "--zip", str(tmp_path / "k.zip"))
    assert folder.returncode == 0, folder.stderr
    with zipfile.ZipFile(tmp_path / "k.zip") as zf:
        assert all(name.startswith("kilosort4/ProbeA/") for name in zf.namelist())
    two = cli.run("download", SORTED, "code", "logs", "--zip", str(tmp_path / "two.zip"))
    assert two.returncode == 2 and "one PATH" in two.stderr
    assert not (tmp_path / "two.zip").exists()


@pytest.mark.parametrize(("args", "token", "code", "words"), [
    (("download", "no-such-asset"), TOKEN, 4, "404"),
    (("download", SORTED, "no/such/file.txt", "code"), TOKEN, 4, "no/such/file.txt: no such"),
    (("download", SORTED), "cop_wrong_token_123456", 3, "refused"),
    (("download", SORTED, "--parallel", "0"), TOKEN, 2, "at least 1"),
])
def test_exit_codes(cli: Cli, tmp_path: Path, args: tuple[str, ...], token: str, code: int,
                    words: str) -> None:
    done = cli.run(*args, "--to", str(tmp_path / "dest"), token=token)
    assert done.returncode == code, done.stderr
    assert words in done.stderr
    assert not (tmp_path / "dest").exists() or list((tmp_path / "dest").iterdir()) == []


def test_faults_are_retried_and_resumed_to_the_same_bytes(expected: dict[str, str],
                                                          tmp_path: Path) -> None:
    # rates low enough that no request fails all 4 of its attempts in any order the requests
    # happen to take (at 10% + 5% + 10% one run in a full suite lost a file to four 503s in a
    # row: about one run in twenty); the seed still injects both kinds checked below
    faults = FaultSpec.parse("503=0.05,reset=0.02,truncate=0.05,seed=5,scope=all")
    with serve_in_thread(EmulatorConfig(seed="demo", faults=faults)) as faulty:
        done = Cli(faulty).run("download", SORTED, "--to", str(tmp_path))
        injected = list(faulty.emulator.faults.history)
    assert done.returncode == 0, done.stderr
    assert local_digests(tmp_path / SORTED_MOUNT) == expected
    kinds = {kind for kind, _, _ in injected}
    assert {"503", "truncate"} <= kinds, injected  # else the test proves nothing


def test_inside_a_capsule_a_mounted_asset_is_copied_from_data(cli: Cli, expected: dict[str, str],
                                                              tmp_path: Path) -> None:
    data = tmp_path / "data"
    mounted = data / SORTED_MOUNT
    sizes = {"sorting_summary.json": 194, "code/run": 357, "code/run.py": 2205}
    for path, size in sizes.items():  # the mount's copy: the listed size, recognisable bytes
        (mounted / path).parent.mkdir(parents=True, exist_ok=True)
        (mounted / path).write_bytes(b"M" * size)
    (mounted / "logs").mkdir()
    (mounted / "logs" / "run_2025-04-14.log").write_bytes(b"wrong size")
    prelude = f"import co_tui.transfer.local as local, pathlib\nlocal.DATA_ROOT = pathlib.Path({str(data)!r})"
    done = cli.run("download", SORTED, "--to", str(tmp_path / "out"), prelude=prelude,
                   env={"CO_CAPSULE_ID": "13c2017c-271c-5bc1-b358-5a3becb8c05a"})
    assert done.returncode == 0, done.stderr
    got = local_digests(tmp_path / "out" / SORTED_MOUNT)
    for path, size in sizes.items():
        assert got.pop(path) == hashlib.sha256(b"M" * size).hexdigest()
    assert got == {p: d for p, d in expected.items() if p not in sizes}  # the rest downloaded
    assert "3 copied from the capsule's /data" in done.stderr
    outside = cli.run("download", SORTED, "sorting_summary.json", "--to", str(tmp_path / "o2"),
                      prelude=prelude)
    assert outside.returncode == 0
    assert (hashlib.sha256((tmp_path / "o2" / "sorting_summary.json").read_bytes()).hexdigest()
            == expected["sorting_summary.json"])  # no CO_CAPSULE_ID: never read from /data


HOSTILE_STORED = ["..\\..\\evil.txt", "ansi\x1b[2J\x1b]0;title\x07.txt", "rlo\u202egpj.exe",
                  "new\nline.txt", "C:\\Windows\\system.ini"]
CLIMBING = [("../../escape.txt", 0), ("a/../../../escape2.txt", 0), ("/../escape3.txt", 0),
            ("../up", 1)]
"""Rows written straight into the emulator's tree: its API refuses such paths, a hostile server
would not."""


@pytest.fixture
def hostile() -> Iterator[ServedEmulator]:
    files = [SeedFile(name, Content.of(f"content of {name!r}")) for name in HOSTILE_STORED]
    with serve_in_thread(EmulatorConfig(seed="test"), seed_data=seed(files, many=0)) as handle:
        store = handle.emulator.store
        with store.transaction() as conn:
            pk = conn.execute("SELECT pk FROM assets WHERE id = ?", (ASSET,)).fetchone()[0]
            for name, is_dir in CLIMBING:
                conn.execute("INSERT INTO files (asset, parent, name, is_dir, size, kind, seed, "
                             "data, salt) VALUES (?, '', ?, ?, ?, 'bytes', 0, ?, ?)",
                             (pk, name, is_dir, 0 if is_dir else 5, b"" if is_dir else b"owned",
                              f"x/{name}"))
        yield handle


@pytest.mark.parametrize("as_zip", [False, True])
def test_hostile_names_never_write_outside_the_destination(hostile: ServedEmulator,
                                                           tmp_path: Path, as_zip: bool) -> None:
    outer = tmp_path / "outer"
    dest = outer / "dest"
    dest.mkdir(parents=True)
    (outer / "sentinel.txt").write_text("do not touch")
    (tmp_path / "escape.txt").write_text("mine")
    before = tree_state(tmp_path, skip=dest)
    where = ["--zip", str(dest / "all.zip")] if as_zip else ["--to", str(dest)]
    done = Cli(hostile).run("download", ASSET, *where)
    assert done.returncode == 1, done.stderr
    assert tree_state(tmp_path, skip=dest) == before
    for path in walk(dest):
        assert path.resolve().is_relative_to(dest.resolve()) and not path.is_symlink()
    refused = [line for line in done.stderr.splitlines() if "climbs out" in line]
    assert len(refused) == len(CLIMBING), done.stderr
    assert all(line.startswith("co-tui download: ") for line in refused)
    assert not ESCAPES.search(done.stderr.replace("\n", "") + done.stdout.replace("\n", ""))
    if as_zip:
        with zipfile.ZipFile(dest / "all.zip") as zf:
            names = zf.namelist()
    else:
        names = [p.relative_to(dest / MOUNT).as_posix() for p in walk(dest / MOUNT)]
    assert not any(".." in name.split("/") for name in names)
    flat = {name.rpartition("/")[2] for name in names}
    assert {".._.._evil.txt", "C:_Windows_system.ini", "ansi_[2J_]0;title_.txt",
            "rlo_gpj.exe"} <= flat


def test_a_terminal_gets_a_progress_bar_and_a_summary(served: ServedEmulator,
                                                      tmp_path: Path) -> None:
    cli = Cli(served)
    with PtyApp("download", SORTED, "--to", str(tmp_path), env=cli.env()) as app:
        assert app.finish(timeout=60) == 0
        raw = bytes(app.raw)
        text = app.text
    assert "━" in raw.decode(errors="replace")  # the bar was drawn
    assert re.search(r"14 files downloaded \(27\.\d MiB\)", text), text
    assert str(tmp_path / SORTED_MOUNT) not in text  # no path list on a terminal


def test_ctrl_c_keeps_the_partial_file_and_a_rerun_resumes_it(expected: dict[str, str],
                                                              tmp_path: Path) -> None:
    big = "kilosort4/ProbeA/templates.npy"  # 22 MiB: above the resume threshold
    with serve_in_thread(EmulatorConfig(seed="demo", conn_rate_mbps=4.0)) as slow:
        cli = Cli(slow)
        process = subprocess.Popen([sys.executable, "-m", "co_tui.cli", "download", SORTED, big,
                                    "--to", str(tmp_path)], env=cli.env(), text=True,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        # interrupt as soon as a first MiB is in the temp file (the ETag sidecar is written
        # before any byte): at 4 MB/s the rest takes seconds, so a loaded machine that is
        # slow to notice still interrupts it half-way (a fixed extra wait once let it finish)
        started = time.monotonic()
        while _partial_bytes(tmp_path) < 2**20 and time.monotonic() - started < 30:
            time.sleep(0.05)
        seen = _partial_bytes(tmp_path)
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=30)
        assert process.returncode == 130, (f"{seen:,} bytes seen after "
                                           f"{time.monotonic() - started:.1f} s; {err}")
        assert "run the same command again to resume" in err and out == ""
        kept = _partial_bytes(tmp_path)
        assert 0 < kept < 22 * 1024 * 1024
        assert not (tmp_path / "templates.npy").exists()
        ranges = _record_ranges(slow)
        again = cli.run("download", SORTED, big, "--to", str(tmp_path))
    assert again.returncode == 0, again.stderr
    assert ranges[-1] == f"bytes={kept}-"  # only the rest was asked for (after a probe)
    assert all(r and not r.startswith("bytes=0-") for r in ranges), ranges
    assert hashlib.sha256((tmp_path / "templates.npy").read_bytes()).hexdigest() == expected[big]
    assert [p.name for p in tmp_path.iterdir()] == ["templates.npy"]  # the temp files are gone


def _partial_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.glob(".co-tui-*.part"))


def _record_ranges(served: ServedEmulator) -> list[str]:
    """From now on, the Range header of each request to the file origin, in order."""
    seen: list[str] = []
    inner = served.emulator.files_app

    async def recording(scope: Any, receive: Any, send: Any) -> None:
        headers = dict(scope.get("headers") or [])
        seen.append(headers.get(b"range", b"").decode())
        await inner(scope, receive, send)

    served.emulator.files_app = recording
    return seen
