"""The engine's idle report is exact: an item taken off the queue counts as busy until its run
has finished, even in the moment before that run starts."""

from __future__ import annotations

import asyncio
from pathlib import Path

from co_tui.transfer import ItemState, TargetKind
from co_tui.transfer.batch import TransferItem
from tests.transfer.transfer_helpers import request


async def test_an_item_between_queue_and_start_keeps_the_engine_busy(make_engine, dest: Path) -> None:  # type: ignore[no-untyped-def]
    engine = make_engine(max_parallel=1)
    real = engine._run_item
    gate = asyncio.Event()
    reached = asyncio.Event()
    busy_at_start: list[bool] = []

    async def paused(item: TransferItem) -> None:
        # The first step of the item's run: it is off the queue and not running yet.
        busy_at_start.append(engine.busy)
        reached.set()
        await gate.wait()
        await real(item)

    engine._run_item = paused
    engine.submit(request(dest, TargetKind.FILE, "README.md", size=22))
    await reached.wait()
    assert busy_at_start == [True] and engine.busy
    assert engine.view()[0].state is ItemState.QUEUED
    assert engine.totals().active

    waiter = asyncio.ensure_future(engine.wait_idle())
    engine._touch()  # any other change (another batch's progress) makes waiters look again
    for _ in range(5):
        await asyncio.sleep(0)
    assert not waiter.done()

    gate.set()
    await asyncio.wait_for(waiter, 20)
    assert not engine.busy
    assert engine.view()[0].state is ItemState.DONE
    assert (dest / "README.md").read_bytes() == b"# transfer test asset\n"


async def test_an_item_cancelled_before_its_run_starts_leaves_the_engine_idle(make_engine, dest: Path) -> None:  # type: ignore[no-untyped-def]
    engine = make_engine(max_parallel=1)
    real = engine._run_item
    gate = asyncio.Event()
    reached = asyncio.Event()

    async def paused(item: TransferItem) -> None:
        reached.set()
        await gate.wait()
        await real(item)

    engine._run_item = paused
    batch = engine.submit(request(dest, TargetKind.FILE, "README.md", size=22))
    await reached.wait()
    item = engine.view()[0]
    assert engine.cancel(item.id)  # still QUEUED: cancelled without a run
    assert engine.busy  # its run has not returned yet
    gate.set()
    await asyncio.wait_for(engine.wait_idle(), 20)
    assert not engine.busy
    assert (await batch.wait()).cancelled == 1
    assert not (dest / "README.md").exists()
