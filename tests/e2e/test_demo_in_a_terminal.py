"""`co-tui --demo` in a real terminal: assets appear, an asset opens, a Python file previews,
and the program quits with exit code 0 — with no title, link or clipboard sequence written."""

from __future__ import annotations

import re

import pytest

from tests.e2e.pty_app import PtyApp

ESCAPES = re.compile(rb"\x1b\](?:0|2|8|52);")
DOWN = b"\x1b[B"


def test_demo_browse_preview_quit() -> None:
    with PtyApp("--demo") as app:
        _browse_preview_quit(app)


def _preview_run_py(app: PtyApp) -> str:
    """From My Data: search the sorting result, open it, open code/ and preview run.py."""
    app.press("/")
    app.idle(0.5)  # the search bar takes focus before the typing starts
    app.press("spike sorting kilosort4 ecephys_661398\r")
    app.wait_for(lambda text: "all 1 loaded" in text)
    app.press("\r")
    app.wait_for("Created by")  # the overview (its Provenance heading may be below the fold)
    app.press_until("2", "code/")
    app.idle(0.3)  # the tree takes focus once the tab shows
    app.press("\r")
    app.wait_for("run.py")
    app.idle(0.3)
    app.press(DOWN + DOWN)
    return app.wait_for(lambda text: "code/run.py" in text and "from __future__ import" in text)


def _browse_preview_quit(app: PtyApp) -> None:
    screen = app.wait_for(lambda text: "DEMO" in text and "loaded" in text)
    assert "My Data" in screen and "ecephys" in screen
    screen = _preview_run_py(app)
    assert "Python" in screen
    app.press("\x1b")  # back out of the preview / tree focus
    app.idle(0.3)  # a lone ESC followed at once by "q" would read as alt+q
    app.press("q")
    assert app.finish() == 0
    assert not ESCAPES.search(bytes(app.raw)), "the app wrote a title/link/clipboard sequence"


def test_keys_typed_ahead_in_one_read_land_where_they_were_meant() -> None:
    """Over SSH, keys typed quickly arrive in one read: "/" then a query, tab then a value,
    enter then the next field's value. Each goes where the key before it moved the focus."""
    with PtyApp("--demo") as app:
        app.wait_for(lambda text: "DEMO" in text and "loaded" in text)
        app.press("/ecephys_661398\r")
        app.wait_for(lambda text: "ecephys_661398" in text.splitlines()[2] and "loaded" in text)
        app.press("\x15\r")  # ctrl+u: the whole list again
        app.wait_for(lambda text: "ecephys_661398" not in text.splitlines()[2])
        app.press("c")
        app.wait_for("Create data asset")
        app.idle(0.5)
        app.press("\ts3://demo-public-bucket/examples\t\t\t\t\ttyped ahead\rtyped_mount")
        screen = app.wait_for(lambda text: "typed_mount" in text)
        assert re.search(r"Bucket +s3://demo-public-bucket/examples", screen), screen
        assert re.search(r"Name +typed ahead", screen), screen
        assert re.search(r"Mount +typed_mount", screen), screen
        app.press("\x1b")
        app.wait_for(lambda text: "Create data asset" not in text)
        app.idle(0.3)
        app.press("q")
        assert app.finish() == 0


SGR = re.compile(rb"\x1b\[([0-9;]*)m")


def test_sixteen_colour_terminal_at_80x24() -> None:
    """TERM=xterm (16 colours): only the 16 ANSI colours are written, and the cursor row still
    stands out from the rows around it (not by a 256-colour shade the terminal cannot show)."""
    with PtyApp("--demo", cols=80, rows=24, env={"TERM": "xterm", "COLORTERM": ""}) as app:
        screen = app.wait_for(lambda text: "DEMO" in text and "loaded" in text)
        app.idle(0.3)
        assert "ecephys" in screen and "Filters" in screen
        params = [m.group(1) for m in SGR.finditer(bytes(app.raw))]
        extended = [p for p in params if re.search(rb"(^|;)[34]8;[25];", p)]
        assert not extended, f"256-colour or true-colour SGR written: {extended[:3]}"
        rows = app.screen.display
        cursor_row = next(i for i, line in enumerate(rows) if "Name" in line) + 1
        backgrounds = [{cell.bg for cell in app.screen.buffer[r].values()}
                       for r in (cursor_row, cursor_row + 1)]
        assert backgrounds[0] != backgrounds[1], "the cursor row is not distinguishable"
        app.press("q")
        assert app.finish() == 0


@pytest.mark.parametrize("mode", ["tidy", "real"])
def test_real_credentials_from_the_environment(tmp_path, mode: str) -> None:  # type: ignore[no-untyped-def]
    """`co-tui` with CODEOCEAN_DOMAIN / CODEOCEAN_TOKEN: the skeleton frame first, then My Data
    with the deployment's assets; the token never reaches the screen. Against a tidy emulator
    and one as odd as a real deployment (quirky shapes, search lagging writes by 1.5 s)."""
    from co_tui.emulator import EmulatorConfig, serve_in_thread
    from co_tui.emulator.settings import preset

    with serve_in_thread(EmulatorConfig(seed="demo", **preset(mode))) as served:
        token = served.emulator.main_token
        env = {"CODEOCEAN_DOMAIN": served.domain, "CODEOCEAN_TOKEN": token,
               "XDG_CONFIG_HOME": str(tmp_path), "XDG_STATE_HOME": str(tmp_path)}
        with PtyApp(env=env) as app:
            screen = app.wait_for(lambda text: "loaded" in text and "ecephys" in text)
            assert served.domain in screen and "DEMO" not in screen
            assert token.encode() not in bytes(app.raw)
            app.press("q")
            assert app.finish() == 0


PAGER = """
import sys, termios, tty
first = open(sys.argv[1], encoding="utf-8").read().splitlines()[0]
fd = sys.stdin.fileno()
saved = termios.tcgetattr(fd)
# raw before the line shows: setraw flushes pending input (TCSAFLUSH), so a key typed after the
# line appeared but before setraw would be thrown away and the pager would wait for ever
tty.setraw(fd)
sys.stdout.write("PAGER SAW: " + first + "\\r\\n")
sys.stdout.flush()
sys.stdin.read(1)
termios.tcsetattr(fd, termios.TCSADRAIN, saved)
"""


def test_o_hands_the_terminal_to_the_pager_and_takes_it_back(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A real suspend and resume: the pager (a small script that shows the file's first line and
    waits for a key) owns the terminal, then the app draws itself again and quits cleanly."""
    import shlex
    import sys

    pager = tmp_path / "pager.py"
    pager.write_text(PAGER, encoding="utf-8")
    env = {"PAGER": shlex.join([sys.executable, str(pager)])}
    with PtyApp("--demo", env=env) as app:
        app.wait_for(lambda text: "DEMO" in text and "loaded" in text)
        _preview_run_py(app)
        app.press("o")
        app.wait_for('PAGER SAW: """Spike sorting with Kilosort 4.')
        app.press("x")  # the pager quits
        screen = app.wait_for(lambda text: "code/run.py" in text and "Files" in text
                              and "PAGER SAW" not in text)
        assert "from __future__ import" in screen
        app.press("\x1b")
        app.idle(0.3)
        app.press("q")
        assert app.finish() == 0
