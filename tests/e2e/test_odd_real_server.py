"""co-tui in a real terminal against `co-tui emulator --quirks --search-lag 3000`: a deployment
whose responses carry odd-but-valid shapes (float timestamps, nulls, unknown keys, numeric
cursors) and whose search shows a write only 3 s later, as a real search index does.

One session lists, opens and previews, archives, restores, archives again and deletes, and
creates an asset, with refreshes in between, and must never show a stale-state error ("not
archived") or hang on a screen.
"""

from __future__ import annotations

import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.pty_app import PtyApp
from tests.e2e.test_demo_in_a_terminal import _preview_run_py

SCRATCH = "CCF QC figures (scratch)"
"""An asset the demo's main user owns, so archive, restore and delete are theirs to do."""
STALE = re.compile(r"not archived|could not confirm|unexpected", re.IGNORECASE)


@pytest.fixture(params=[["--quirks"], ["--quirks", "all"]], ids=["quirks", "quirks-all"])
def odd_server(request: pytest.FixtureRequest) -> Iterator[str]:
    """`co-tui emulator --quirks [all] --search-lag 3000` as its own process; yields its domain.

    ``--quirks`` gives the shapes the official SDK reads too; ``all`` adds those only a lenient
    client survives (unknown enum values, null lists, a null owner)."""
    process = subprocess.Popen(
        [sys.executable, "-m", "co_tui.cli", "emulator", "--port", "0", "--seed", "demo",
         *request.param, "--search-lag", "3000", "--ready-delay", "2"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    assert process.stdout is not None
    try:
        first = process.stdout.readline()
        match = re.fullmatch(r"listening on (http://127\.0\.0\.1:\d+)\n", first)
        assert match, f"unexpected first line {first!r}: {process.stderr.read() if process.stderr else ''}"
        yield match.group(1)
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.communicate(timeout=20)
        finally:
            if process.poll() is None:
                process.kill()


def _no_stale_error(app: PtyApp) -> None:
    found = STALE.search(app.text)
    assert found is None, f"{found.group(0)!r} on screen:\n{app.text}"


def _keys(app: PtyApp, *chunks: str) -> None:
    """Type each chunk with a pause after it, as a person does (keys that arrive in one read
    are tested on their own in test_demo_in_a_terminal's type-ahead test)."""
    for chunk in chunks:
        app.press(chunk)
        app.idle(0.25)


def _search(app: PtyApp, query: str, shown: str) -> None:
    """Search for ``query`` in the list on screen and wait until only ``shown`` is listed."""
    _keys(app, "/", "\x15", query + "\r")  # ctrl+u clears what the bar held
    app.wait_for(lambda text: shown in text and "all 1 loaded" in text)


def _act(app: PtyApp, key: str, done: str) -> str:
    """Press ``key`` on the highlighted asset, answer its confirmation with y, wait for ``done``."""
    app.press(key)
    app.wait_for("(y)")
    app.press("y")
    return app.wait_for(done)


def _in_the_bin(text: str) -> bool:
    """The archive bin is the screen (its title line) and lists the scratch asset. The words
    alone are not enough: My Data's footer says "Archive bin" and its search box holds the
    name, so under load the wait ended before the key opened the bin."""
    lines = text.splitlines()
    return bool(lines) and "Archive bin" in lines[0] and SCRATCH in "\n".join(lines[4:])


@pytest.mark.slow
def test_list_open_preview_archive_restore_delete_create(odd_server: str, tmp_path: Path) -> None:
    env = {"CODEOCEAN_DOMAIN": odd_server, "CODEOCEAN_TOKEN": "cop_demo_ada_lovelace",
           "XDG_CONFIG_HOME": str(tmp_path), "XDG_STATE_HOME": str(tmp_path),
           "XDG_CACHE_HOME": str(tmp_path)}
    with PtyApp(env=env) as app:
        app.wait_for(lambda text: "loaded" in text and "ecephys" in text, timeout=30)
        # list, open, preview (float timestamps and nulls read like any other answer)
        _preview_run_py(app)
        _keys(app, "\x1b")  # back to My Data
        app.wait_for(lambda text: "My Data" in text.splitlines()[0])

        # archive: the row leaves My Data and stays gone on a refresh while search lags
        _search(app, f'name:"{SCRATCH}"', SCRATCH)
        _act(app, "a", "1 archived")
        _keys(app, "r")
        app.wait_for("no data assets match")
        assert SCRATCH not in app.text.split("Name", 1)[1]
        _no_stale_error(app)

        # the archive bin shows it at once (search does not yet), and restore works from there
        _keys(app, "A")
        app.wait_for(_in_the_bin)
        _act(app, "u", "1 restored")
        _no_stale_error(app)
        _keys(app, "\x1b", "r")  # back in My Data, refreshed while search still lags
        app.wait_for(lambda text: "My Data" in text.splitlines()[0] and "all 1 loaded" in text)
        assert SCRATCH in app.text

        # archive again, and delete it from the bin at once: co-tui waits for the index
        _act(app, "a", "1 archived")
        _keys(app, "A")
        app.wait_for(_in_the_bin)
        _keys(app, "g")  # search does not list it yet: co-tui shows it first
        _keys(app, "D")
        app.wait_for("type here")
        _keys(app, SCRATCH, "\r")
        app.wait_for("1 deleted", timeout=30)
        _no_stale_error(app)
        _keys(app, "r")
        app.idle(1.0)
        assert SCRATCH not in app.text.split("Name", 1)[1]
        _keys(app, "\x1b")
        app.wait_for(lambda text: "My Data" in text.splitlines()[0])

        # create: the draft shows in My Data at once and is followed until ready
        _keys(app, "/", "\x15", "\r")
        app.wait_for(lambda text: "all" in text and "loaded" in text and "CCF" not in text)
        _keys(app, "c")
        # the form takes focus as it mounts, before it asks for the custom metadata fields: once
        # those show, a key goes to the form (a fixed pause was not always enough on a loaded
        # machine, where the keys went nowhere)
        app.wait_for(lambda text: "Create data asset" in text
                     and "Loading the custom metadata" not in text, timeout=60)
        _keys(app, "\t", "s3://demo-public-bucket/examples")
        app.wait_for("s3://demo-public-bucket/examples")
        _keys(app, *["\t"] * 5, "odd server iris", "\t", "\t", "\t", "\r", "Iris atlas",
              "\x13")  # bucket … name, project; ctrl+s
        app.wait_for(lambda text: "Create data asset" not in text and "odd server iris" in text,
                     timeout=30)
        _keys(app, "r")  # search does not have it yet: it stays, as a draft
        app.wait_for(lambda text: "odd server iris" in text and "draft" in text)
        app.wait_for(lambda text: "odd server iris" in text and "ready" in text, timeout=60)
        _no_stale_error(app)

        _keys(app, "q")
        assert app.finish() == 0
