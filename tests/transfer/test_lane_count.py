"""How many download lanes run: a few, or one per transfer slot when that moves files faster
(:mod:`co_tui.transfer.lane_count`), fed with made-up end times, then on real loopback
sockets with a slow file host."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from co_tui.transfer import DownloadEngine, TargetKind, lane_count
from co_tui.transfer.lane_count import (
    BETTER_BY,
    FEW_LANES,
    HOLD_WINDOWS,
    TRIAL_WINDOWS,
    WINDOW_FILES,
    LaneCount,
)
from tests.transfer.loopback import MANY, Watch, client, engine, files, served
from tests.transfer.transfer_helpers import request

__all__ = ["client", "engine", "files", "served"]


def run(count: LaneCount, rate_at: Callable[[int], float], files: int) -> list[int]:
    """End ``files`` files one after the other, each ``1 / rate_at(lanes now)`` seconds after
    the one before; the count of lanes after each file."""
    at = 0.0
    seen = []
    for _ in range(files):
        at += 1.0 / rate_at(count.now)
        count.ended(at)
        seen.append(count.now)
    return seen


def first_trial_files() -> int:
    """Files until the first trial has ended: the first (it marks the start), the windows at a
    few lanes, the files in flight when the count changed, and the trial's windows."""
    return 1 + (TRIAL_WINDOWS + 1) * WINDOW_FILES + 8 + TRIAL_WINDOWS * WINDOW_FILES


def test_it_starts_with_a_few_lanes_and_never_more_than_the_slots() -> None:
    assert LaneCount(8).now == FEW_LANES
    two = LaneCount(2)
    assert two.now == 2
    assert set(run(two, lambda lanes: 100.0 * lanes, 500)) == {2}  # nothing to choose from


def test_lanes_waiting_on_the_network_get_every_slot() -> None:
    """Files per second grow with the lanes (each waits on the host): after the first trial
    every slot runs, and a later trial of a few confirms it."""
    count = LaneCount(8)
    seen = run(count, lambda lanes: 50.0 * lanes, 1500)
    assert seen[0] == FEW_LANES
    assert seen[first_trial_files()] == 8
    assert seen[-1] == 8
    assert seen.count(8) > 0.8 * len(seen)


def test_lanes_bound_by_cpu_stay_few() -> None:
    """More lanes move no more files (or fewer): the trial goes back to a few, and so does
    every later one."""
    count = LaneCount(8)
    seen = run(count, lambda lanes: 600.0 if lanes == FEW_LANES else 500.0, 1500)
    assert seen[first_trial_files()] == FEW_LANES
    assert seen[-1] == FEW_LANES
    assert 8 in seen  # it did try
    assert seen.count(FEW_LANES) > 0.8 * len(seen)


def test_a_gain_within_the_noise_keeps_a_few() -> None:
    count = LaneCount(8)
    seen = run(count, lambda lanes: 100.0 * (BETTER_BY - 0.1 if lanes == 8 else 1.0), 400)
    assert seen[first_trial_files()] == FEW_LANES


def test_a_confirmed_choice_is_held_twice_as_long_each_time() -> None:
    count = LaneCount(8)
    seen = run(count, lambda lanes: 600.0 if lanes == FEW_LANES else 500.0, 4000)
    trials = [i for i in range(1, len(seen)) if seen[i] == 8 and seen[i - 1] == FEW_LANES]
    trial = 8 + TRIAL_WINDOWS * WINDOW_FILES + 8  # in flight, measured, in flight again
    held = [(b - a - trial) / WINDOW_FILES for a, b in itertools.pairwise(trials)]
    assert held[:3] == [HOLD_WINDOWS, 2 * HOLD_WINDOWS, 4 * HOLD_WINDOWS]


def test_the_files_in_flight_at_a_change_are_left_out() -> None:
    """Right after the count changes, the next ends belong to files begun before: they are not
    measured (here they are made to look very slow, which would make every slot lose)."""
    count = LaneCount(8)
    at = 0.0
    for _ in range(1 + (TRIAL_WINDOWS + 1) * WINDOW_FILES):  # a few lanes, 100 files a second
        at += 0.01
        count.ended(at)
    assert count.now == 8
    for _ in range(8):  # the files begun under the old count, slow to end
        at += 1.0
        count.ended(at)
    for _ in range(TRIAL_WINDOWS * WINDOW_FILES):  # every slot: 200 files per second
        at += 0.005
        count.ended(at)
    assert count.now == 8


async def test_a_slow_file_host_gets_every_lane(engine: DownloadEngine, served: Any, files: Watch, dest: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each file waits 60 ms for the host to answer: the lanes, a few at first, move files
    about twice as fast with one per slot (even on a loaded machine, where each file's own CPU
    time grows with the lanes: 60 ms keeps the wait what counts), so that many run by the end
    of the download and as many requests reach the host at once. (Short windows and trials:
    the folder has 50 files.)"""
    monkeypatch.setattr(lane_count, "WINDOW_FILES", 8)
    monkeypatch.setattr(lane_count, "TRIAL_WINDOWS", 1)
    inner = files.app

    async def slow(scope: Any, receive: Any, send: Any) -> None:
        await asyncio.sleep(0.06)
        await inner(scope, receive, send)

    files.app = slow
    files.busy = "/"
    engine._lanes.count = LaneCount(engine.max_parallel)  # made after the patch above
    summary = await engine.submit(request(dest, TargetKind.FOLDER, "many")).wait()
    assert summary.done == MANY and summary.failed == 0
    assert engine.max_parallel == 8
    assert engine._lanes.count.now == 8
    assert files.peak == 8


async def test_lanes_the_count_no_longer_wants_end_after_their_file(engine: DownloadEngine, served: Any, files: Watch, dest: Path) -> None:
    """The count drops from 8 lanes to 2 after 16 files: each lane over it ends after at most
    two more files (the one moving, and the next one, whose URL it had asked for), so from then
    on at most 2 file requests are in flight, and every file arrives."""
    class Dropping:
        now = 8

        def __init__(self) -> None:
            self.ended_files = 0

        def ended(self, at: float) -> None:
            self.ended_files += 1
            if self.ended_files == 16:
                self.now = 2

    count = Dropping()
    inner = files.app
    arrivals: list[tuple[int, int]] = []  # (files ended then, requests in flight with it)

    async def slow(scope: Any, receive: Any, send: Any) -> None:
        arrivals.append((count.ended_files, files.open))
        await asyncio.sleep(0.02)
        await inner(scope, receive, send)

    files.app = slow
    files.busy = "/"
    engine._lanes.count = count  # type: ignore[assignment]
    summary = await engine.submit(request(dest, TargetKind.FOLDER, "many")).wait()
    assert summary.done == MANY and summary.failed == 0
    assert max(open_ for ended, open_ in arrivals if ended < 16) == 8
    late = [open_ for ended, open_ in arrivals if ended >= 16 + 2 * 8]
    assert late and max(late) <= 2
