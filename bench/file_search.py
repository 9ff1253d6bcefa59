"""``/`` in the Files tab: walking a whole asset to search its paths, through the real UI.

The app runs headless (``run_test``, 120x36); the detail screen of an asset is opened on its
Files tab, ``/`` is pressed and ``face`` typed, and the clock runs until the walk has listed
every folder and the matches are complete ("fully searchable"). A sampler task sleeps 5 ms in a
loop on the app's event loop and records how late it wakes up: the longest event-loop stall
during the walk.

Subjects:
- the demo's 20,004-file asset (``SmartSPIM_695464 stitched``: ``tiles/`` holds 20,000), against
  the in-process emulator and against ``co-tui emulator`` served by uvicorn on loopback (a child
  process, so the server's work is not on the app's loop);
- a 100,000-file folder asset (seeded as in ``bench/folder_and_preview.py``), served on loopback
  by a child process of this script.
Baseline in the same run: the bare walk (:func:`co_tui.operations.file_crawl.crawl`, no UI).

The collector's full passes are recorded too (``full_passes_ms``, and how many fell inside a
measured walk): co-tui makes them when no key came for a while (:mod:`co_tui.heap`), so they
should land between the runs, not in them.

Targets (the brief of the search): the 20,004-file asset fully searchable in <= 3 s; no stall
over 50 ms while a 100,000-file asset is walked.

Run: python bench/file_search.py [--runs 3] [--write]
(``--write`` writes bench/results/file_search.json.)
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import emulator_process, print_table, target_row, write_results

BIG_ID = "00000000-0000-4000-8000-000000000001"
BIG_COUNT = 100_000
STITCHED = "SmartSPIM_695464 stitched"


def _big_seed() -> Any:
    from co_tui.emulator.seed_model import SeedAsset, SeedData, SeedFolderGenerator, SeedUser

    asset = SeedAsset(id=BIG_ID, name="bench: 100,000 files", owner="u1", created=1_700_000_000,
                      mount="bench",
                      generated_folders=[SeedFolderGenerator(path="big", count=BIG_COUNT,
                                                             size=1024)])
    return SeedData(users=[SeedUser("u1", "bench@example.org", "Bench", "tok-bench")],
                    assets=[asset])


def _serve_big() -> None:
    """Child process: serve the 100,000-file asset on loopback until terminated."""
    from co_tui.emulator import EmulatorConfig
    from co_tui.emulator.server import run_server

    def ready(domain: str, files_origin: str) -> None:
        print(f"listening on {domain}", flush=True)

    run_server(EmulatorConfig(seed="empty"), port=0, on_ready=ready, seed_data=_big_seed())


class FullPasses:
    """The garbage collector's full passes (generation 2): how long each took, and whether it
    fell in a measured window (co-tui makes them between keys: co_tui.heap)."""

    def __init__(self) -> None:
        self.passes: list[tuple[float, bool]] = []
        self.measuring = False
        self._start = 0.0

    def __call__(self, phase: str, info: dict[str, int]) -> None:
        if info["generation"] != 2:
            return
        if phase == "start":
            self._start = time.perf_counter()
        else:
            self.passes.append(((time.perf_counter() - self._start) * 1000, self.measuring))

    def summary(self) -> dict[str, Any]:
        return {"full_passes_ms": [round(ms, 1) for ms, _ in self.passes],
                "full_passes_in_walks": sum(1 for _, inside in self.passes if inside)}


class StallSampler:
    """How late a 5 ms sleep wakes up on the event loop, at worst."""

    def __init__(self) -> None:
        self.worst = 0.0
        self.samples = 0
        self._task: asyncio.Task[None] | None = None

    async def _run(self) -> None:
        while True:
            start = time.perf_counter()
            await asyncio.sleep(0.005)
            self.worst = max(self.worst, time.perf_counter() - start - 0.005)
            self.samples += 1

    def start(self) -> None:
        self.worst, self.samples = 0.0, 0
        self._task = asyncio.ensure_future(self._run())

    def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()


async def in_app(client: Any, asset_id: str, runs: int) -> dict[str, Any]:
    """Seconds from ``/`` to fully searchable, and the longest stall, ``runs`` times (a new
    session cache each run)."""
    from co_tui.launch import build_app
    from co_tui.operations import file_crawl
    from co_tui.screens.asset_detail import AssetDetailScreen
    from co_tui.widgets.file_search import FileSearch

    app = build_app(client)
    times: list[float] = []
    stalls: list[float] = []
    counts: tuple[int, int, int] = (0, 0, 0)
    passes = FullPasses()
    gc.callbacks.append(passes)
    async with app.run_test(size=(120, 36)) as pilot:
        await app.workers.wait_for_complete()
        for _ in range(runs):
            file_crawl.crawl_cache(client).forget(asset_id)
            screen = AssetDetailScreen(client, asset_id)
            await app.push_screen(screen)
            await app.workers.wait_for_complete()
            await pilot.press("2")
            await app.workers.wait_for_complete()
            await pilot.pause()
            search = screen.query_one(FileSearch)
            sampler = StallSampler()
            sampler.start()
            passes.measuring = True
            start = time.perf_counter()
            await pilot.press("slash", *"face")
            while True:
                state = search.state
                if (state is not None and state.done
                        and not search.matches.pending(len(state.lower))):
                    break
                await asyncio.sleep(0.002)
            times.append(time.perf_counter() - start)
            await pilot.pause(0.3)  # the last redraws count as well
            sampler.stop()
            passes.measuring = False
            stalls.append(sampler.worst)
            assert state is not None and not state.failed
            counts = (state.folders, state.files, len(search.matches.matches))
            await pilot.press("escape", "escape")
            await app.workers.wait_for_complete()
            await pilot.pause()
    gc.callbacks.remove(passes)
    return {**passes.summary(), "seconds": times, "median_s": statistics.median(times),
            "worst_stall_ms": max(stalls) * 1000, "stalls_ms": [s * 1000 for s in stalls],
            "folders": counts[0], "files": counts[1], "matches": counts[2]}


async def bare(client: Any, asset_id: str, runs: int) -> float:
    """The walk alone (no UI): median seconds."""
    from co_tui.operations.file_crawl import FileCrawl, crawl

    times = []
    for _ in range(runs):
        start = time.perf_counter()
        state = FileCrawl(asset_id)
        await crawl(client, state)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _client(origin: str, token: str, transport: Any = None) -> Any:
    from co_tui.api import CodeOceanClient

    if transport is None:
        return CodeOceanClient(origin, token)
    return CodeOceanClient(origin, token, transport=transport, files_transport=transport)


async def measure(label: str, client: Any, asset_id: str, runs: int) -> dict[str, Any]:
    base = await bare(client, asset_id, runs)
    result = await in_app(client, asset_id, runs)
    result["bare_walk_s"] = base
    await client.aclose()
    print(f"{label}: {result['folders']:,} folders, {result['files']:,} files, "
          f"{result['matches']} matches; fully searchable in {result['median_s']:.2f} s "
          f"(bare walk {base:.2f} s); longest stall {result['worst_stall_ms']:.1f} ms; "
          f"full GC passes {result['full_passes_ms']} ms, {result['full_passes_in_walks']} "
          f"of them during a walk")
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--write", action="store_true")
    parser.add_argument("--serve-big", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_big:
        _serve_big()
        return
    from co_tui.emulator import Emulator, EmulatorConfig
    from co_tui.emulator.seeds.demo_base import asset_id

    stitched = asset_id(STITCHED)
    results: dict[str, Any] = {}
    emulator = Emulator(EmulatorConfig(seed="demo"))
    results["demo_in_process"] = asyncio.run(measure(
        "demo 20k, in process", _client(emulator.config.api_origin, emulator.main_token,
                                        emulator.transport()), stitched, args.runs))
    with emulator_process("demo") as served:
        results["demo_loopback"] = asyncio.run(measure(
            "demo 20k, loopback", _client(served.domain, served.token), stitched, args.runs))
    child = subprocess.Popen([sys.executable, __file__, "--serve-big"], stdout=subprocess.PIPE,
                             text=True)
    try:
        assert child.stdout is not None
        domain = child.stdout.readline().split()[-1]
        results["big_loopback"] = asyncio.run(measure(
            "100k, loopback", _client(domain, "tok-bench"), BIG_ID, args.runs))
    finally:
        child.terminate()
        child.wait(timeout=10)
    table = [
        target_row("demo 20k asset fully searchable, in process (s)",
                   results["demo_in_process"]["median_s"],
                   results["demo_in_process"]["bare_walk_s"], "s", limit=3.0, ratio=False),
        target_row("demo 20k asset fully searchable, loopback (s)",
                   results["demo_loopback"]["median_s"],
                   results["demo_loopback"]["bare_walk_s"], "s", limit=3.0, ratio=False),
        target_row("100k-file asset walked: longest stall (ms)",
                   results["big_loopback"]["worst_stall_ms"], None, "ms", limit=50.0,
                   ratio=False),
    ]
    print_table(table)
    if args.write:
        write_results("file_search", {**results, "table": table})


if __name__ == "__main__":
    main()
