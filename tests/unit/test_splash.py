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
