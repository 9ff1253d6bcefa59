"""The scripting commands as a user runs them: ``co-tui CMD`` in a subprocess against the
emulator served by uvicorn in its own process, reading real stdout, stderr and exit codes."""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import re
import signal
import subprocess
import sys
from collections.abc import Iterator

import pytest

from tests.e2e.pty_app import PtyApp

TOKEN = "cop_demo_ada_lovelace"
SCRATCH = "c6d9b9a7-c6c7-5ec3-9e30-14fe8826fa6b"  # "CCF QC figures (scratch)", owned by ada
LFP = "c643c3d2-3a03-537a-8f12-7deeef2ffea1"  # "ecephys_661398 LFP power spectra (result)"
ESCAPES = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


class Server:
    def __init__(self, domain: str, process: subprocess.Popen[str]) -> None:
        self.domain = domain
        self.process = process

    def env(self, token: str = TOKEN) -> dict[str, str]:
        return {**os.environ, "CODEOCEAN_DOMAIN": self.domain, "CODEOCEAN_TOKEN": token}

    def run(self, *args: str, token: str = TOKEN, stdin: str | None = None,
            timeout: float = 60) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "co_tui.cli", *args], env=self.env(token),
                              input=stdin, capture_output=True, text=True, timeout=timeout)


def _serve() -> Iterator[Server]:
    process = subprocess.Popen(
        [sys.executable, "-m", "co_tui.cli", "emulator", "--port", "0", "--seed", "demo",
         "--ready-delay", "1"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert process.stdout is not None
    try:
        first = process.stdout.readline()
        match = re.fullmatch(r"listening on (http://127\.0\.0\.1:\d+)\n", first)
        assert match, first
        yield Server(match.group(1), process)
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.communicate(timeout=20)
        finally:
            if process.poll() is None:
                process.kill()


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    """One emulator for the read-only tests."""
    yield from _serve()


@pytest.fixture
def fresh_server() -> Iterator[Server]:
    """An emulator of its own, for a test that changes assets."""
    yield from _serve()


def test_ls_in_a_pipe_prints_one_asset_per_line(server: Server) -> None:
    done = server.run("ls", "tag:ecephys", "--limit", "5")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert len(lines) == 5
    fields = [line.split("\t") for line in lines]
    assert all(len(f) == 6 for f in fields)
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", f[5]) for f in fields)
    created = [f[5] for f in fields]
    assert created == sorted(created, reverse=True)  # newest first by default


def test_ls_json_lines_carry_the_api_fields_with_iso_times(server: Server) -> None:
    done = server.run("ls", "--json", "--sort", "name:asc", "--limit", "3")
    assert done.returncode == 0, done.stderr
    records = [json.loads(line) for line in done.stdout.splitlines()]
    assert len(records) == 3
    assert [r["name"].lower() for r in records] == sorted(r["name"].lower() for r in records)
    assert {"id", "name", "type", "state", "created", "tags", "mount"} <= records[0].keys()
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", records[0]["created"])
    assert "unreadable" not in records[0]


def test_ls_filters_and_ids(server: Server) -> None:
    done = server.run("ls", "--type", "model", "--ids")
    assert done.returncode == 0, done.stderr
    ids = done.stdout.split()
    assert ids and all(re.fullmatch(r"[0-9a-f-]{36}", i) for i in ids)
    for asset_id in ids[:2]:
        shown = json.loads(server.run("show", asset_id, "--json").stdout)
        assert shown["type"] == "model"
    archived = server.run("ls", "--archived", "--ids").stdout.split()
    assert set(archived).isdisjoint(server.run("ls", "--ids").stdout.split())


def test_ls_on_a_terminal_is_a_table_with_human_sizes(server: Server) -> None:
    with PtyApp("ls", "tag:lfp", env={"CODEOCEAN_DOMAIN": server.domain,
                                      "CODEOCEAN_TOKEN": TOKEN}) as app:
        assert app.finish(timeout=30) == 0
        text = app.text
    assert re.search(r"ID\s+NAME\s+TYPE\s+STATE\s+SIZE\s+CREATED", text), text
    assert "ecephys_661398 LFP power spectra (result)" in text
    assert re.search(r"\d+(\.\d)? KiB", text)


def test_show_and_files(server: Server) -> None:
    done = server.run("show", LFP)
    assert done.returncode == 0
    assert "name\tecephys_661398 LFP power spectra (result)" in done.stdout.splitlines()
    top = server.run("files", LFP)
    everything = server.run("files", LFP, "--recursive", "--json")
    assert top.returncode == everything.returncode == 0
    items = [json.loads(line) for line in everything.stdout.splitlines()]
    files = [i for i in items if i["type"] == "file"]
    assert len(files) == 13  # the asset's "files" count
    assert len(top.stdout.splitlines()) < len(items)


def test_cat_streams_the_exact_bytes_and_url_prints_a_signed_url(server: Server) -> None:
    files = [json.loads(line) for line in server.run("files", LFP, "-r", "--json").stdout.splitlines()]
    target = next(i for i in files if i["type"] == "file" and i["size"])
    done = subprocess.run([sys.executable, "-m", "co_tui.cli", "cat", LFP, target["path"]],
                          env=server.env(), capture_output=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert len(done.stdout) == target["size"]
    link = server.run("url", LFP, target["path"]).stdout.strip()
    assert link.startswith("http://127.0.0.1:") and TOKEN not in link
    import httpx

    assert hashlib.sha256(httpx.get(link).content).digest() == hashlib.sha256(done.stdout).digest()


def test_cat_into_head_stops_early_without_an_error(server: Server) -> None:
    big = "e3b9d066-0c91-5413-83e3-cf8e2af543f0"  # holds raw/acquisition_4GiB.log
    pipeline = subprocess.run(
        f"{sys.executable} -m co_tui.cli cat {big} raw/acquisition_4GiB.log | head -c 10",
        shell=True, env=server.env(), capture_output=True, timeout=60)
    assert pipeline.returncode == 0
    assert len(pipeline.stdout) == 10
    assert pipeline.stderr == b"", pipeline.stderr


@pytest.mark.parametrize(("args", "token", "code", "words"), [
    (("show", "no-such-asset"), TOKEN, 4, "404"),
    (("ls",), "cop_wrong_token_123456", 3, "refused"),
    (("ls", "--sort", "colour"), TOKEN, 2, "--sort"),
    (("ls", "--limit", "0"), TOKEN, 2, "at least 1"),
])
def test_exit_codes(server: Server, args: tuple[str, ...], token: str, code: int, words: str) -> None:
    done = server.run(*args, token=token)
    assert done.returncode == code, (done.stdout, done.stderr)
    assert words in done.stderr
    assert token not in done.stderr + done.stdout


def test_no_credentials_and_no_network() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CODEOCEAN_")}
    done = subprocess.run([sys.executable, "-m", "co_tui.cli", "ls"], env=env,
                          capture_output=True, text=True, timeout=30)
    assert done.returncode == 2 and "co-tui login" in done.stderr
    env.update(CODEOCEAN_DOMAIN="https://127.0.0.1:9", CODEOCEAN_TOKEN=TOKEN)
    done = subprocess.run([sys.executable, "-m", "co_tui.cli", "ls"], env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 5 and "no answer" in done.stderr


def _rename(server: Server, asset_id: str, name: str) -> None:
    from co_tui.api import CodeOceanClient
    from co_tui.api.models import DataAssetUpdateParams

    async def rename() -> None:
        async with CodeOceanClient(server.domain, TOKEN, allow_http=True) as client:
            asset = await client.data_assets.get_data_asset(asset_id)
            await client.data_assets.update_metadata(asset_id, DataAssetUpdateParams(
                name=name, description=asset.description, tags=list(asset.tags or ()),
                mount=asset.mount))

    asyncio.run(rename())


def test_hostile_names_reach_no_terminal_and_json_keeps_them_exact(fresh_server: Server) -> None:
    hostile = "evil\x1b]0;pwned\x07 \x1b[2J\u202eexe.txt\x9b31m\tname\nnext"
    _rename(fresh_server, SCRATCH, hostile)
    line = fresh_server.run("show", SCRATCH)
    assert line.returncode == 0
    assert not ESCAPES.search(line.stdout.replace("\t", "").replace("\n", ""))
    assert "name\tevil\\x1b]0;pwned\\x07 \\x1b[2J\\u202eexe.txt\\x9b31m\\x09name\\x0anext" in line.stdout
    record = json.loads(fresh_server.run("show", SCRATCH, "--json").stdout)
    assert record["name"] == hostile
    raw = fresh_server.run("ls", "--json").stdout
    assert not ESCAPES.search(raw.replace("\n", ""))
    with PtyApp("ls", env={"CODEOCEAN_DOMAIN": fresh_server.domain, "CODEOCEAN_TOKEN": TOKEN},
                rows=60, cols=200) as app:
        assert app.finish(timeout=30) == 0
        assert b"\x1b]0;pwned" not in app.raw and b"\x1b[2J" not in app.raw
        assert "evil\\x1b]0;pwned" in app.text


def test_a_pipeline_of_ls_ids_into_archive_then_restore(fresh_server: Server) -> None:
    ids = fresh_server.run("ls", "tag:scratch", "--ids").stdout
    assert SCRATCH in ids.split()
    archived = fresh_server.run("archive", "-", stdin=ids)
    assert archived.returncode == 0, archived.stderr
    assert archived.stdout.split() == ids.split()
    assert "archived: " in archived.stderr
    assert json.loads(fresh_server.run("show", SCRATCH, "--json").stdout).get("archived") is True \
        or SCRATCH in fresh_server.run("ls", "--archived", "--ids").stdout
    restored = fresh_server.run("restore", SCRATCH)
    assert restored.returncode == 0, restored.stderr


def test_delete_asks_refuses_active_assets_and_names_each_failure(fresh_server: Server) -> None:
    refused = fresh_server.run("delete", SCRATCH)  # no terminal to ask on, no --yes
    assert refused.returncode == 2 and "--yes" in refused.stderr
    active = fresh_server.run("delete", SCRATCH, LFP, "--yes")
    assert active.returncode == 1
    assert "not archived" in active.stderr and SCRATCH in active.stderr and LFP in active.stderr
    assert fresh_server.run("archive", SCRATCH).returncode == 0
    deleted = fresh_server.run("delete", SCRATCH, "--yes", timeout=90)
    assert deleted.returncode == 0, deleted.stderr
    assert fresh_server.run("show", SCRATCH).returncode == 4


def test_edit_changes_only_what_was_asked_and_validates_first(fresh_server: Server) -> None:
    before = json.loads(fresh_server.run("show", SCRATCH, "--json").stdout)
    done = fresh_server.run("edit", SCRATCH, "--name", "Renamed by a script", "--tag", "from-cli",
                            "--json")
    assert done.returncode == 0, done.stderr
    assert "saved name, tags" in done.stderr
    after = json.loads(done.stdout)
    assert after["name"] == "Renamed by a script"
    assert after["tags"] == [*before["tags"], "from-cli"]
    assert after["description"] == before["description"] and after["mount"] == before["mount"]
    untag = fresh_server.run("edit", SCRATCH, "--untag", "FROM-CLI")
    assert untag.returncode == 0 and json.loads(
        fresh_server.run("show", SCRATCH, "--json").stdout)["tags"] == before["tags"]
    same = fresh_server.run("edit", SCRATCH, "--name", "Renamed by a script")
    assert same.returncode == 0 and "nothing to change" in same.stderr
    for bad, words in ((["--name", "  "], "name must not be empty"),
                       (["--mount", "a/b"], "mount"),
                       (["--meta", "no_such_field=1"], "not a custom metadata field"),
                       (["--meta", "cell_count=many"], "cell_count")):
        refused = fresh_server.run("edit", SCRATCH, *bad)
        assert refused.returncode == 2, (bad, refused.stderr)
        assert words in refused.stderr
    assert json.loads(fresh_server.run("show", SCRATCH, "--json").stdout)["name"] == \
        "Renamed by a script"


def test_share_prints_the_diff_asks_and_applies_once(fresh_server: Server) -> None:
    asked = fresh_server.run("share", SCRATCH, "--owner", "alan@example.org")
    assert asked.returncode == 2 and "--yes" in asked.stderr
    assert "alan@example.org" in asked.stderr and "-> owner" in asked.stderr
    done = fresh_server.run("share", SCRATCH, "--viewer", "grace@example.org",
                            "--everyone", "discoverable", "--yes")
    assert done.returncode == 0, done.stderr
    assert "grace@example.org" in done.stderr and "Saved" in done.stderr
    again = fresh_server.run("share", SCRATCH, "--viewer", "grace@example.org", "--yes")
    assert again.returncode == 0 and "nothing to change" in again.stderr
    bad = fresh_server.run("share", SCRATCH, "--viewer", "not-an-email", "--yes")
    assert bad.returncode == 2
    removed = fresh_server.run("share", SCRATCH, "--remove", "grace@example.org", "--yes")
    assert removed.returncode == 0 and "(removed)" in removed.stderr
