"""Seeded random navigation over the demo deployment, for the memory soak (bench/soak.py and
tests/perf/test_soak.py).

One *round* is what a user browsing the demo does: move around My Data, sometimes search, sort
or clear the search, open an asset (with ``enter`` on its row), look at its tabs, preview files
in the Files tab (every kind the demo holds: text, code, markdown, JSON and CSV tables, a
notebook, images, binary and hex, archives, gzip, an empty file), toggle raw/rendered, and go
back to the list. Keys go through Textual's Pilot; where reaching a row by keys would only cost
time (a file deep in a folder), the driver moves the cursor the way the widget's own keys do.

The app runs in this process against the demo emulator served by uvicorn on loopback in a
thread, as ``co-tui --demo`` runs it, so the memory measured is what a user's process holds.
"""

from __future__ import annotations

import asyncio
import functools
import random
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import Input

from co_tui.api import CodeOceanClient
from co_tui.app import CoTuiApp
from co_tui.emulator import EmulatorConfig, serve_in_thread
from co_tui.emulator.settings import preset
from co_tui.launch import build_app
from co_tui.screens.asset_detail import AssetDetailScreen
from co_tui.screens.asset_list import AssetListScreen
from co_tui.widgets.asset_table import AssetTable
from co_tui.widgets.file_tree import FileTree

SIZE = (120, 36)
"""The terminal size the app runs at."""

PREVIEWS: dict[str, list[str]] = {
    "unit QC ecephys_661398 (result)": [
        "code/analysis.R", "data/unit_metrics.tsv", "notebooks/explore.ipynb",
        "figures/drift_map.png", "README.md",
    ],
    "ecephys_661398 preprocessed (result)": ["code/run.py"],
    "ecephys_661398_2023-03-21_15-47-03 raw": ["data_description.json", "raw/recording_1GiB.bin"],
    "spike sorting kilosort4 ecephys_661398 (result)": ["kilosort4/ProbeA/spike_times.npy"],
    "behavior_661398 dynamic foraging": [
        "exports/bonsai_workflows.zip", "notes/protocole_souris_latin1.txt", "sessions/.incomplete",
    ],
    "scRNA-seq PBMC 10k counts": ["outs/filtered_feature_bc_matrix/barcodes.tsv.gz"],
    "SmartSPIM_695464 stitched": ["metadata/tile_positions.min.json"],
}
"""Files of every preview kind the demo holds, by asset name."""

SEARCHES = ("ecephys", "SmartSPIM", "scRNA", "behavior", "result", "raw", "tag:qc", "fMRI",
            "zzz-nothing")
"""Search texts typed into My Data (the last one matches nothing)."""


def rss_mib() -> float:
    """This process's resident set size in MiB (from ``/proc/self/statm``)."""
    import os

    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / (1024 * 1024)


@dataclass
class Counts:
    """What the driver did, to show the rounds were real navigation."""

    rounds: int = 0
    details: int = 0
    previews: int = 0
    searches: int = 0
    missed: int = 0
    """Waits that timed out (a preview or a screen that did not arrive in time)."""
    kinds: set[str] = field(default_factory=set)


def _loaded(tree: FileTree, folder: str) -> bool:
    """Whether ``folder``'s listing has arrived in ``tree``."""
    return tree.folder_state(folder) == "loaded"


class Navigator:
    """Drives one running app through random rounds; see the module docstring."""

    def __init__(self, app: CoTuiApp, pilot: Pilot[None], seed: int) -> None:
        self.app = app
        self.pilot = pilot
        self.rng = random.Random(seed)
        self.counts = Counts()

    async def settle(self, rounds: int = 3) -> None:
        """Let workers finish and messages drain."""
        for _ in range(rounds):
            await self.pilot.pause()
            await self.app.workers.wait_for_complete()
        await self.pilot.pause()

    async def wait_for(self, ready: Callable[[], bool], within: float = 10.0) -> bool:
        """Pause until ``ready()`` holds (``False`` after ``within`` seconds)."""
        deadline = time.monotonic() + within
        while not ready():
            if time.monotonic() > deadline:
                self.counts.missed += 1
                return False
            await self.pilot.pause(0.01)
            await self.app.workers.wait_for_complete()
        return True

    @property
    def table(self) -> AssetTable:
        return self.app.screen.query_one(AssetTable)

    async def start(self) -> None:
        """Wait for My Data's first page."""
        await self.wait_for(lambda: isinstance(self.app.screen, AssetListScreen)
                            and bool(self.table.assets), within=30)

    async def round(self) -> None:
        """One round: the list, one asset's detail screen, back."""
        rng = self.rng
        if not self.app.is_running:
            raise RuntimeError("the app stopped")
        await self._back_to_list()
        for _ in range(rng.randint(1, 3)):
            await self._list_step()
        await self._open_detail()
        if isinstance(self.app.screen, AssetDetailScreen):
            await self._detail_steps(self.app.screen)
            await self._back_to_list()
        self.counts.rounds += 1

    async def _list_step(self) -> None:
        rng = self.rng
        choice = rng.random()
        if choice < 0.3:
            await self._search(rng.choice(SEARCHES))
        elif choice < 0.45:
            sort = rng.choice([("S",), ("s", "right", "enter")])  # flip, or the sort menu
            await self.pilot.press(*sort)
            await self.settle()
        else:
            await self.pilot.press(*rng.choices(["j", "k", "down", "up", "pagedown", "home"],
                                                k=rng.randint(1, 8)))
            await self.settle(1)

    async def _search(self, text: str) -> None:
        if not isinstance(self.app.screen, AssetListScreen):
            return
        await self.pilot.press("slash")
        search = self.app.screen.query_one("#search", Input)
        if not search.has_focus:  # typed elsewhere, "q" would quit
            self.counts.missed += 1
            return
        search.value = ""
        await self.pilot.press(*text)
        await self.pilot.press("enter")
        await self.pilot.pause(0.3)  # the search box's debounce
        await self.settle()
        self.counts.searches += 1

    async def _open_detail(self) -> None:
        rng = self.rng
        names = list(PREVIEWS) if rng.random() < 0.7 else []
        target = rng.choice(names) if names else None
        if target is not None or not self.table.assets:
            await self._search("")  # every asset back in the list
            await self.pilot.press("escape")
            await self.settle()
        table = self.table
        if not table.assets:
            return
        index = rng.randrange(len(table.assets))
        if target is not None:
            index = next((i for i, a in enumerate(table.assets) if a.name == target), index)
        table.focus()
        table._move_to(index)
        await self.pilot.press("enter")
        await self.wait_for(lambda: isinstance(self.app.screen, AssetDetailScreen))
        await self.settle()
        self.counts.details += 1

    async def _detail_steps(self, screen: AssetDetailScreen) -> None:
        rng = self.rng
        for tab in rng.sample("1234", k=rng.randint(1, 4)):
            await self.pilot.press(tab)
            await self.settle()
        await self.pilot.press("2")
        await self.settle()
        await self.wait_for(lambda: screen.files.file_tree.row_count > 0, within=5)
        asset = screen.asset
        paths = PREVIEWS.get(asset.name if asset is not None else "", [])
        for path in rng.sample(paths, k=len(paths)):
            await self._preview(screen, path)
            if rng.random() < 0.3:
                await self.pilot.press("m")
                await self.settle()
        tree = screen.files.file_tree
        tree.focus()
        for _ in range(rng.randint(0, 6)):  # wander: each row highlighted starts a preview
            await self.pilot.press(rng.choice(["j", "j", "k", "right", "left", "enter"]))
            await self.pilot.pause(0.05)
        await self.settle()

    async def _preview(self, screen: AssetDetailScreen, path: str) -> None:
        pane = screen.files
        tree: FileTree = pane.file_tree
        folder = path.rpartition("/")[0]
        parts = folder.split("/") if folder else []
        for depth in range(len(parts)):
            sub = "/".join(parts[: depth + 1])
            if tree.folder_state(sub) != "loaded":
                tree.expand_path(sub)
                await self.wait_for(functools.partial(_loaded, tree, sub), 5)
        index = next((i for i in range(tree.row_count)
                      if (item := tree.row_item(i)) is not None and item.path == path), None)
        if index is None:
            self.counts.missed += 1
            return
        tree.focus()
        tree._move_to(index)
        if await self.wait_for(lambda: pane.shown_preview is not None
                               and pane.shown_preview.name == path):
            shown = pane.shown_preview
            assert shown is not None
            self.counts.kinds.add(str(shown.kind))
            self.counts.previews += 1
        await self.pilot.pause()

    async def _back_to_list(self) -> None:
        for _ in range(6):
            if isinstance(self.app.screen, AssetListScreen):
                break
            await self.pilot.press("escape")
            await self.settle(1)
        await self.settle()


@asynccontextmanager
async def demo_app(seed: int) -> AsyncIterator[Navigator]:
    """The app on the demo emulator (loopback, in a thread), with a navigator started on it."""
    config = EmulatorConfig(seed="demo", **preset("demo"))
    with serve_in_thread(config) as served:
        client = CodeOceanClient(served.domain, served.emulator.main_token)
        app = build_app(client, demo=True)
        async with app.run_test(size=SIZE) as pilot:
            navigator = Navigator(app, pilot, seed)
            await navigator.start()
            yield navigator
        await asyncio.sleep(0)
