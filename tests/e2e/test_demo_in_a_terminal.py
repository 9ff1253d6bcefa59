"""`co-tui --demo` in a real terminal: the demo starts, shows assets, and quits cleanly."""

from __future__ import annotations

import re

from pty_app import PtyApp  # type: ignore[import-not-found]

ESCAPES = re.compile(rb"\x1b\](?:0|2|8|52);")


def test_demo_starts_shows_assets_and_quits() -> None:
    app = PtyApp("--demo")
    screen = app.wait_for(lambda text: "DEMO" in text and "loaded" in text)
    assert "My Data" in screen and "ecephys" in screen
    app.press("j")
    app.press("q")
    assert app.finish() == 0
    assert not ESCAPES.search(bytes(app.raw)), "the app wrote a title/link/clipboard sequence"
