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
    """A run_before that settles, presses ``keys`` one by one (settling after each)."""

    async def run_before(pilot: Any) -> None:
        await settle(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)

    return run_before
