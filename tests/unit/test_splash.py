"""The skeleton frame painted before Textual starts (co_tui.splash)."""

from __future__ import annotations

import io
import os
import pty

import pyte
import pytest

from co_tui import splash


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_not_painted_when_output_is_not_a_terminal() -> None:
    out = io.StringIO()
    assert splash.paint(out, "https://co.example") is False
    assert out.getvalue() == ""


def test_not_painted_on_a_dumb_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TERM", "dumb")
    out = _Tty()
    assert splash.paint(out, "https://co.example") is False
    assert out.getvalue() == ""


def test_paints_the_title_bar_on_the_alternate_screen(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TERM", "xterm-256color")
    monkeypatch.setenv("COLUMNS", "80")
    out = _Tty()
    assert splash.paint(out, "https://co.example", demo=True) is True
    screen = pyte.Screen(80, 24)
    pyte.Stream(screen).feed(out.getvalue())
    assert screen.display[0].startswith(" co-tui  My Data  https://co.example  DEMO")
    assert "connecting" in screen.display[2]
    assert out.getvalue().startswith("\x1b[?1049h")
    splash.restore(out)
    assert out.getvalue().endswith("\x1b[?1049l")


def test_the_domain_cannot_carry_escape_sequences(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TERM", "xterm")
    out = _Tty()
    splash.paint(out, "https://evil.example\x1b]52;c;aGk=\x07\x9b2J")
    body = out.getvalue().split("\x1b[1;7m", 1)[1]
    assert "\x1b]" not in body and "\x07" not in body and "\x9b" not in body


def test_paints_on_a_real_pty(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TERM", "xterm")
    master, slave = pty.openpty()
    try:
        with os.fdopen(os.dup(slave), "w") as out:
            assert splash.paint(out, "https://co.example") is True
        data = os.read(master, 4096).decode()
        assert "co-tui  My Data  https://co.example" in data
    finally:
        os.close(master)
        os.close(slave)


HOSTILE_NAMES = [
    "evil\x1b]52;c;aGk=\x07name", "rlo \u202eexe.txt", "csi \x9b2J", "[@click=app.quit]markup[/]",
    "tab\tand\nnewline", "家族 👪 data " * 10,
]


def test_cached_rows_are_drawn_under_a_cached_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TERM", "xterm-256color")
    monkeypatch.setenv("COLUMNS", "100")
    monkeypatch.setenv("LINES", "30")
    rows = [{"name": f"asset {i}", "type": "dataset", "state": "ready", "size": 2048 * i,
             "created": 1_700_000_000} for i in range(60)]
    out = _Tty()
    assert splash.paint(out, "https://co.example", cached=rows)
    screen = pyte.Screen(100, 30)
    pyte.Stream(screen).feed(out.getvalue())
    assert "60 cached · refreshing" in screen.display[2]
    assert "connecting" not in "\n".join(screen.display)
    assert screen.display[4].split() == ["Name", "Type", "State", "Size", "Created"]
    assert screen.display[5].split()[:5] == ["asset", "0", "dataset", "✓", "ready"]  # as the app
    assert "2023-11-1" in screen.display[6] and "2 KiB" in screen.display[6]
    assert screen.display[-1].strip()  # the rows fill the screen and stop at its end
    assert all(len(line) == 100 for line in screen.display)


def test_cached_server_strings_cannot_reach_the_terminal_as_controls(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TERM", "xterm")
    monkeypatch.setenv("COLUMNS", "80")
    rows = [{"name": name, "type": name, "state": state, "size": "big", "created": "today"}
            for name in HOSTILE_NAMES for state in (None, name)]
    out = _Tty()
    assert splash.paint(out, "https://co.example", cached=rows)
    body = out.getvalue().split("refreshing", 1)[1]
    allowed_escapes = {"\x1b[0m", "\x1b[1m"}
    stripped = body
    for escape in allowed_escapes:
        stripped = stripped.replace(escape, "")
    assert "\x1b" not in stripped
    for forbidden in ("\x07", "\x9b", "\u202e", "\t", "\n"):
        assert forbidden not in stripped.replace("\r\n", "")
    screen = pyte.Screen(80, 24)
    pyte.Stream(screen).feed(out.getvalue())
    # one screen line per row: nothing wrapped (a wide character counts two cells)
    assert all(screen.display[5 + i].strip() for i in range(len(rows)))
    assert screen.display[5 + len(rows)].strip() == ""
    assert any("[@click=app.quit]markup" in line for line in screen.display)  # text, not markup


def test_the_live_first_page_replaces_what_is_under_the_title_bar(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TERM", "xterm-256color")
    monkeypatch.setenv("COLUMNS", "100")
    monkeypatch.setenv("LINES", "30")
    cached = [{"name": f"old {i}", "type": "dataset", "state": "ready", "size": 1,
               "created": 1_700_000_000} for i in range(40)]
    live = [{"name": f"asset {i}", "type": "result", "state": "ready", "size": 2048,
             "created": 1_700_000_000} for i in range(3)]
    out = _Tty()
    assert splash.paint(out, "https://co.example", cached=cached)
    splash.paint_live(out, live)
    screen = pyte.Screen(100, 30)
    pyte.Stream(screen).feed(out.getvalue())
    assert screen.display[0].startswith(" co-tui  My Data  https://co.example")
    assert "3 assets · starting…" in screen.display[2]
    assert "cached" not in "\n".join(screen.display)  # the cached rows are gone, all of them
    assert screen.display[4].split() == ["Name", "Type", "State", "Size", "Created"]
    assert screen.display[5].split()[:5] == ["asset", "0", "result", "✓", "ready"]
    assert screen.display[7].split()[:2] == ["asset", "2"]
    assert all(not line.strip() for line in screen.display[8:])


def test_live_server_strings_cannot_reach_the_terminal_as_controls(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TERM", "xterm")
    monkeypatch.setenv("COLUMNS", "80")
    rows = [{"name": name, "type": name, "state": name, "size": None, "created": 0}
            for name in HOSTILE_NAMES]
    out = _Tty()
    splash.paint_live(out, rows)
    body = out.getvalue().split("starting…", 1)[1]
    for escape in ("\x1b[0m", "\x1b[1m"):
        body = body.replace(escape, "")
    assert "\x1b" not in body
    for forbidden in ("\x07", "\x9b", "\u202e", "\t", "\n"):
        assert forbidden not in body.replace("\r\n", "")


def test_the_launch_draws_the_answer_only_before_textual_starts(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """co_tui.launch hands the live first page to the skeleton frame while the UI imports; once
    Textual has started (or when the request failed) it draws nothing."""
    import asyncio

    from co_tui import launch
    from co_tui.api.models import DataAsset, DataAssetSearchResults

    monkeypatch.setenv("TERM", "xterm")
    out = _Tty()
    monkeypatch.setattr("sys.stdout", out)

    async def futures() -> list[asyncio.Future[DataAssetSearchResults]]:
        loop = asyncio.get_running_loop()
        answered, failed = loop.create_future(), loop.create_future()
        answered.set_result(DataAssetSearchResults(results=[DataAsset(
            id="a1", name="live asset", type="dataset", state="ready", size=5, created=1)]))
        failed.set_exception(RuntimeError("no answer"))
        return [answered, failed]

    answered, failed = asyncio.run(futures())
    launch._paint_first_page(answered, started=[True])
    launch._paint_first_page(failed, started=[])
    assert out.getvalue() == ""
    launch._paint_first_page(answered, started=[])
    assert "1 asset · starting…" in out.getvalue() and "live asset" in out.getvalue()
