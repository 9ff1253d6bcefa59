"""A progress bar on stderr for ``co-tui download`` at a terminal (rich, which Textual brings).

It polls the engine's totals five times a second, as the app's downloads panel does; no server
text is drawn (only counts and bytes), so nothing needs sanitising here.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from co_tui.transfer import DownloadEngine

__all__ = ["follow_with_bar"]

POLL_SECONDS = 0.2


async def follow_with_bar(engine: DownloadEngine, waiting: asyncio.Future[Any]) -> None:
    """Draw the engine's progress until ``waiting`` is done (the bar stays as the last line)."""
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        DownloadColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
        TransferSpeedColumn,
    )

    from co_tui.transfer import ItemState

    console = Console(stderr=True)
    columns = (TextColumn("{task.description}", markup=False), BarColumn(),
               DownloadColumn(binary_units=True),
               TransferSpeedColumn(), TimeRemainingColumn())
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task("listing", total=None)
        while True:
            totals = engine.totals()
            finished = sum(totals.counts.get(s, 0) for s in ItemState if s.finished)
            description = ("listing" if totals.planning and not totals.items
                           else f"{finished:,}/{totals.items:,} files")
            progress.update(task, description=description, completed=totals.done_bytes,
                            total=totals.total_bytes or None)
            if waiting.done():
                return
            await asyncio.wait({waiting}, timeout=POLL_SECONDS)
