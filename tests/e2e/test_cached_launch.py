"""A second launch shows the last session's rows before the network answers, in a real terminal.

The emulator runs as its own process and delays every answer by 3 s (``--latency``), so what is
on screen before then can only have come from the cache (co_tui.session.page_cache): the
skeleton frame draws the cached rows, My Data shows them marked "cached · refreshing", and the
live page replaces them.
"""

from __future__ import annotations

import re
import signal
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.pty_app import PtyApp

TOKEN = "cop_demo_ada_lovelace"


@pytest.fixture
def slow_server() -> Iterator[str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "co_tui.cli", "emulator", "--port", "0", "--seed", "demo",
         "--latency", "3000"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    assert process.stdout is not None
    try:
        first = process.stdout.readline()
        match = re.fullmatch(r"listening on (http://127\.0\.0\.1:\d+)\n", first)
        assert match, first
        yield match.group(1)
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.communicate(timeout=20)
        finally:
            if process.poll() is None:
                process.kill()


def test_the_second_launch_shows_cached_rows_then_the_live_list(slow_server: str, tmp_path: Path) -> None:
    cache_home = tmp_path / "cache"
    env = {"CODEOCEAN_DOMAIN": slow_server, "CODEOCEAN_TOKEN": TOKEN,
           "XDG_CACHE_HOME": str(cache_home)}
    with PtyApp(env=env) as first:
        first.wait_for(lambda text: re.search(r"(all )?\d+ loaded", text) is not None, timeout=40)
        first.press("q")
        assert first.finish() == 0
    [saved] = (cache_home / "co-tui" / "pages").glob("*.json")
    assert stat.S_IMODE(saved.stat().st_mode) == 0o600
    assert TOKEN.encode() not in saved.read_bytes()

    started = time.monotonic()
    with PtyApp(env=env) as second:
        # the skeleton frame is one write, but a pty hands it over in pieces: wait for the row
        text = second.wait_for(lambda t: "cached · refreshing" in t
                               and "CCF QC figures (scratch)" in t, timeout=20)
        assert "✓ ready" in text  # the states as the app draws them
        seen_after = time.monotonic() - started
        # My Data itself shows the cached rows, not only the skeleton frame
        text = second.wait_for(lambda t: "cached · refreshing…" in t and "Filters" in t)
        assert "CCF QC figures (scratch)" in text
        second.press("e")  # no action on the cached copy: no edit dialog opens
        second.idle(0.3)
        assert "Save" not in second.text
        text = second.wait_for(lambda t: re.search(r"all \d+ loaded", t) is not None, timeout=30)
        assert "cached" not in text
        assert "CCF QC figures (scratch)" in text
        second.press("q")
        assert second.finish() == 0
    assert seen_after < 3.0, seen_after  # before the emulator's first answer could arrive
