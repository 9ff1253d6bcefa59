"""`co-tui emulator` as a user runs it: a real process, real sockets, Ctrl+C to stop."""

from __future__ import annotations

import re
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest


def _start(*args: str) -> tuple[subprocess.Popen[str], list[str]]:
    exe = shutil.which("co-tui")
    cmd = [exe] if exe else [sys.executable, "-m", "co_tui.cli"]
    process = subprocess.Popen(
        [*cmd, "emulator", "--port", "0", *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    assert process.stdout is not None
    lines: list[str] = []
    while not lines or not lines[-1].startswith("press Ctrl+C"):
        line = process.stdout.readline()
        if not line:
            process.kill()
            raise AssertionError(f"emulator exited early: {process.communicate()[1]}")
        lines.append(line.rstrip("\n"))
    return process, lines


def _stop(process: subprocess.Popen[str]) -> str:
    process.send_signal(signal.SIGINT)
    try:
        _, err = process.communicate(timeout=20)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, err
    return err


def test_emulator_command_serves_until_interrupted(tmp_path: Path) -> None:
    process, lines = _start("--seed", "demo", "--token", "cop_cli_token", "--data", str(tmp_path),
                            "--latency", "1", "--faults", "seed=3")
    try:
        domain = re.fullmatch(r"listening on (http://127\.0\.0\.1:\d+)", lines[0]).group(1)  # type: ignore[union-attr]
        files = re.fullmatch(r"signed file URLs on (http://127\.0\.0\.1:\d+)", lines[1]).group(1)  # type: ignore[union-attr]
        assert files != domain
        assert "  token for ada@example.org: cop_cli_token" in lines
        with httpx.Client(timeout=10) as client:
            page = client.post(f"{domain}/api/v1/data_assets/search", json={"limit": 3},
                               auth=("cop_cli_token", ""))
            assert page.status_code == 200 and len(page.json()["results"]) == 3
            assert client.get(f"{domain}/api/v1/custom_metadata").status_code == 401
    finally:
        err = _stop(process)
    assert "Traceback" not in err
    assert (tmp_path / "emulator.sqlite3").exists()


@pytest.mark.parametrize(("args", "message"), [
    (["--faults", "429=2"], "bad --faults"),
    (["--seed", "nonsense"], "seed"),
    (["--quirks", "wobbly"], "bad --quirks"),
    (["--search-lag", "-1"], "bad --search-lag"),
    (["--conn-rate", "-1"], "bad --conn-rate"),
])
def test_emulator_command_rejects_bad_options(args: list[str], message: str) -> None:
    exe = shutil.which("co-tui")
    cmd = [exe] if exe else [sys.executable, "-m", "co_tui.cli"]
    out = subprocess.run([*cmd, "emulator", "--port", "0", *args], capture_output=True,
                         text=True, timeout=60)
    assert out.returncode == 2
    assert message in out.stderr and "Traceback" not in out.stderr


def test_emulator_command_with_quirks_and_search_lag() -> None:
    """``--quirks=all,rate=1 --search-lag 400``: a numeric cursor and float timestamps come
    back, and a rename reaches search only after the lag while GET shows it at once."""
    import time

    process, lines = _start("--seed", "demo", "--quirks=all,rate=1", "--search-lag", "400")
    try:
        domain = lines[0].removeprefix("listening on ")
        token = lines[2].rpartition(": ")[2]
        with httpx.Client(base_url=f"{domain}/api/v1/", auth=(token, ""), timeout=10) as client:
            page = client.post("data_assets/search", json={"limit": 2, "archived": False}).json()
            assert isinstance(page["next_token"], int)
            assert isinstance(page["results"][0]["created"], float)
            second = client.post("data_assets/search", json={
                "limit": 2, "archived": False, "next_token": page["next_token"]})
            assert second.status_code == 200
            mine = client.post("data_assets/search", json={
                "ownership": "created", "limit": 1}).json()["results"][0]
            assert client.put(f"data_assets/{mine['id']}",
                              json={"name": "Lagging rename"}).status_code == 200
            assert client.get(f"data_assets/{mine['id']}").json()["name"] == "Lagging rename"
            query = {"query": 'name:"lagging rename"'}
            assert client.post("data_assets/search", json=query).json()["results"] is None
            time.sleep(0.5)
            found = client.post("data_assets/search", json=query).json()["results"]
            assert [row["id"] for row in found] == [mine["id"]]
    finally:
        err = _stop(process)
    assert "Traceback" not in err


def test_demo_serves_with_a_search_lag_and_the_benign_quirks(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """``co-tui --demo``'s emulator: a small search lag and the quirks no user can see."""
    import asyncio
    import contextlib

    import co_tui.emulator
    from co_tui import cli, launch
    from co_tui.emulator.quirks import BENIGN

    real = co_tui.emulator.serve_in_thread
    seen: dict[str, object] = {}

    @contextlib.contextmanager
    def spy(config, **kwargs):  # type: ignore[no-untyped-def]
        seen["config"] = config
        with real(config, **kwargs) as served:
            seen["served"] = served
            yield served

    def open_app(domain, build, config, **kwargs) -> int:  # type: ignore[no-untyped-def]
        client = build()
        served = seen["served"]
        seen["page"] = httpx.post(f"{served.domain}/api/v1/data_assets/search",  # type: ignore[attr-defined]
                                  json={"limit": 5}, timeout=10,
                                  auth=(served.emulator.main_token, "")).json()  # type: ignore[attr-defined]
        asyncio.run(client.aclose())
        return 0

    monkeypatch.setattr(co_tui.emulator, "serve_in_thread", spy)
    monkeypatch.setattr(launch, "open_app", open_app)
    assert cli._run_demo() == 0
    config = seen["config"]
    assert 500 <= config.search_lag_ms <= 1000  # type: ignore[attr-defined]
    assert config.quirks.quirks == frozenset(BENIGN)  # type: ignore[attr-defined]
    assert len(seen["page"]["results"]) == 5  # type: ignore[index]
