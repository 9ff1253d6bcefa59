"""Helpers for snapshot tests (kept out of conftest so tests can import them)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any


async def settle(pilot: Any) -> None:
    """Let every worker finish and the screen repaint; stop cursors blinking."""
    from textual.widgets import Input

    for _ in range(4):
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
    for widget in pilot.app.screen.query(Input):
        widget.cursor_blink = False
    await pilot.pause()


def then(*keys: str) -> Callable[[Any], Awaitable[None]]:
    """A run_before that settles, then presses ``keys``, settling after each named key (runs of
    plain characters are typed in one go)."""

    async def run_before(pilot: Any) -> None:
        await settle(pilot)
        typed: list[str] = []
        for key in [*keys, ""]:
            if len(key) == 1 and key not in "jk":  # type runs of characters in one go
                typed.append(key)
                continue
            if typed:
                await pilot.press(*typed)
                await settle(pilot)
                typed = []
            if key:
                await pilot.press(key)
                await settle(pilot)

    return run_before
