"""The fault matrix: seeded random key sequences through the app while the emulator misbehaves.

One *sequence* starts the app (Pilot, in process) against an emulator served on loopback whose
``--faults`` rates are the README's, presses a seeded random series of keys that search, open
assets, switch tabs, preview files, edit and save descriptions, add tags, archive, restore and
download, then turns the faults off and checks four things:

- **crash**: the app exits cleanly, and no worker met an unexpected exception (a bug the error
  funnel would only show as a toast is still counted);
- **stuck**: within 10 s of the faults stopping, no worker is still running and no screen says
  it is loading / saving / applying;
- **duplicate write**: each edit's unique marker (a word at the end of a description, or a new
  tag) is on the server at most once, and the emulator's write log holds no more changes of an
  asset than the driver asked for;
- **lost edit**: every edit the app reported as saved (its dialog closed after ctrl+s with the
  saved asset as its result) is on the server. A dialog that closed without it (the asset went
  away elsewhere) counts as "closed", not saved. An edit reported as failed or unknown may be absent or present once, never twice.

``tests/ui/test_fault_matrix.py`` runs a couple of minutes of it in CI; ``bench/fault_storm.py``
runs 1,000 sequences. Both use :func:`run_sequences`.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import random
import shutil
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from textual.widget import Widget
from textual.widgets import Input, Static, TextArea

from co_tui.api import CodeOceanClient
from co_tui.app import CoTuiApp
from co_tui.emulator import EmulatorConfig, serve_in_thread
from co_tui.emulator.faults import FaultSpec
from co_tui.emulator.server import ServedEmulator
from co_tui.launch import build_app
from co_tui.modals.confirm import ConfirmScreen, TypedNameConfirmScreen
from co_tui.modals.edit_metadata import EditMetadataScreen
from co_tui.modals.tags import TagsScreen
from co_tui.session.config import Config, Settings

README_FAULTS = ("429=0.1,500=0.05,502=0.05,503=0.05,504=0.02,reset=0.02,truncate=0.02,lost=0.01,"
                 "slow=0.05,drip=0.01,seed=7,retry_after=1,slow_ms=3000,scope=api")
"""The README's example ``--faults`` spec."""

MATRIX_FAULTS = README_FAULTS.replace("slow_ms=3000", "slow_ms=1")
"""The README's rates with ``slow_ms=1`` to keep time: ``slow_ms`` is both the ``slow`` delay and
ten times the gap between the bytes of a ``drip`` (0.3 s per byte at 3000: a 30 KB search page
would take hours, so every drip would end at the client's 45 s deadline and a sequence would
last minutes). ``retry_after`` stays 1 s; the client's backoff sleeps are shortened instead
(:data:`SLEEP_SCALE`)."""

SLEEP_SCALE = 0.05
"""The client's retry and backoff sleeps are this fraction of their real length (a 429's one
second becomes 50 ms), so a sequence takes about a second instead of a minute. The retry
decisions themselves are unchanged."""

QUIET_WITHIN = 10.0
"""After the faults stop, every loading indicator must clear within this many seconds."""

OUTCOME_WAIT = 60.0
"""How long the driver waits for a save's answer (more than the client's 45 s deadline)."""

DOWNLOAD_GROUPS = frozenset({"download-report"})
"""Workers that follow downloads (which may rightly take longer than the quiet check)."""

BUSY_WORDS = ("loading…", "Saving…", "Applying…", "connecting…", "Checking with")


@dataclass
class Edit:
    """One edit the driver made and what the app said about it."""

    asset_id: str
    kind: str  # "description" or "tag"
    marker: str
    outcome: str = "pending"  # saved / closed / failed / unknown / conflict / not_typed


@dataclass
class SequenceResult:
    """What one sequence did and found."""

    seed: int
    steps: list[str] = field(default_factory=list)
    step_seconds: list[float] = field(default_factory=list)
    seconds: float = 0.0
    crash: str | None = None
    stuck: str | None = None
    duplicates: list[str] = field(default_factory=list)
    lost: list[str] = field(default_factory=list)
    edits: list[Edit] = field(default_factory=list)
    faults: int = 0
    unchecked: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when the sequence found nothing wrong."""
        return not (self.crash or self.stuck or self.duplicates or self.lost)


class _Unexpected(logging.Handler):
    """Collects the records of workers that failed unexpectedly (bugs, not API errors)."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextmanager
def unexpected_errors() -> Iterator[_Unexpected]:
    """Record ERROR log records from co-tui's loggers while the block runs."""
    handler = _Unexpected()
    logger = logging.getLogger("co_tui")
    logger.addHandler(handler)
    try:
        yield handler
    finally:
        logger.removeHandler(handler)


def _closed_outcome(dialog: EditMetadataScreen | TagsScreen, edit: Edit) -> str:
    """How a dialog that closed after a save key ended: "saved" when it closed with the
    saved asset (the app said so), "closed" when it closed without it (the asset went away
    elsewhere, or the user's escape won)."""
    if isinstance(dialog, EditMetadataScreen):
        saved = dialog.closed_with
        return "saved" if saved is not None and saved.id == edit.asset_id else "closed"
    tagged = dialog.closed_with or []
    return "saved" if any(asset.id == edit.asset_id for asset in tagged) else "closed"


class Driver:
    """Presses random keys in one running app and remembers the edits it made."""

    def __init__(self, app: CoTuiApp, pilot: Any, rng: random.Random, seed: int) -> None:
        self.app = app
        self.pilot = pilot
        self.rng = rng
        self.seed = seed
        self.edits: list[Edit] = []
        self.writes: Counter[str] = Counter()
        """Archive / restore / edit requests the driver confirmed, by asset id."""

    # --- helpers ---------------------------------------------------------------------------

    async def keys(self, *keys: str) -> None:
        for key in keys:
            await self.pilot.press(key)
        await self.pilot.pause(self.rng.choice((0.0, 0.0, 0.0, 0.05)))

    def _screen_name(self) -> str:
        return type(self.app.screen).__name__

    def _targets(self) -> list[str]:
        targets = getattr(self.app.screen, "targets", None)
        if targets is None:
            return []
        try:
            return [asset.id for asset in targets()]
        except Exception:  # a screen still loading has no target yet
            return []

    async def _wait(self, done: Callable[[], bool], within: float) -> bool:
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            if done():
                return True
            await self.pilot.pause(0.02)
        return done()

    async def _leave_dialog(self, kind: type) -> None:
        """Escape out of a dialog of ``kind``, confirming 'discard' when asked."""
        for _ in range(6):
            screen = self.app.screen
            if isinstance(screen, ConfirmScreen):
                await self.keys("y")
            elif isinstance(screen, kind):
                await self.keys("escape")
                await self.pilot.pause(0.05)
            else:
                return

    def _marker(self, kind: str) -> str:
        return f"fm{self.seed}{kind}{len(self.edits)}z"

    # --- actions ---------------------------------------------------------------------------

    async def back(self) -> None:
        await self.keys("escape")

    async def home(self) -> None:
        """Back to My Data (escape until the list screen is on top)."""
        for _ in range(5):
            if self._screen_name() == "AssetListScreen":
                return
            if isinstance(self.app.screen, ConfirmScreen | TypedNameConfirmScreen):
                await self.keys("n" if isinstance(self.app.screen, ConfirmScreen) else "escape")
            elif isinstance(self.app.screen, EditMetadataScreen):
                await self._leave_dialog(EditMetadataScreen)
            elif isinstance(self.app.screen, TagsScreen):
                await self._leave_dialog(TagsScreen)
            else:
                await self.keys("escape")

    async def move(self) -> None:
        await self.keys(*self.rng.choices(["j", "k", "j", "pagedown", "g", "G"],
                                          k=self.rng.randint(1, 4)))

    async def search(self) -> None:
        await self.home()
        word = self.rng.choice(["mouse", "ecephys", "raw", "tag:raw", "zzz", "sorted", "a"])
        await self.keys("slash", *word, "enter")
        if self.rng.random() < 0.5:
            await self.keys("escape")

    async def open(self) -> None:
        if self._screen_name() not in ("AssetListScreen", "ArchiveScreen"):
            await self.home()
        await self.move()
        await self.keys("enter")

    async def tab(self) -> None:
        if self._screen_name() != "AssetDetailScreen":
            await self.open()
        await self.keys(self.rng.choice("1234"))

    async def preview(self) -> None:
        if self._screen_name() != "AssetDetailScreen":
            await self.open()
        await self.keys("2")
        await self.pilot.pause(0.05)
        await self.keys(*self.rng.choices(["j", "j", "l", "enter"], k=self.rng.randint(1, 5)))

    async def refresh(self) -> None:
        await self.keys("r")

    async def downloads_panel(self) -> None:
        await self.keys("ctrl+d")
        await self.pilot.pause(0.05)
        await self.keys("escape")

    async def download(self) -> None:
        if self._screen_name() != "AssetDetailScreen":
            await self.open()
        await self.keys("2", *self.rng.choices(["j", "l"], k=self.rng.randint(1, 3)), "d")
        await self.pilot.pause(0.1)
        if type(self.app.screen).__name__ == "DownloadDialog":
            await self.keys("enter")

    async def archive(self) -> None:
        await self.home()
        await self.move()
        targets = self._targets()
        await self.keys("a")
        if isinstance(self.app.screen, ConfirmScreen):
            for asset_id in targets:
                self.writes[asset_id] += 1
            await self.keys("y")

    async def restore(self) -> None:
        await self.home()
        await self.keys("A")
        await self._wait(lambda: self._screen_name() == "ArchiveScreen", 2)
        await self.pilot.pause(0.1)
        await self.move()
        targets = self._targets()
        await self.keys("u")
        if isinstance(self.app.screen, ConfirmScreen):
            for asset_id in targets:
                self.writes[asset_id] += 1
            await self.keys("y")
        if self.rng.random() < 0.5:
            await self.keys("escape")

    async def edit(self) -> None:
        """Append a unique word to the description and save (ctrl+s), maybe twice."""
        if self._screen_name() not in ("AssetListScreen", "AssetDetailScreen"):
            await self.home()
        targets = self._targets()
        await self.keys("e")
        opened = await self._wait(lambda: isinstance(self.app.screen, EditMetadataScreen), 2)
        if not opened or len(targets) != 1:
            await self._leave_dialog(EditMetadataScreen)
            return
        dialog = self.app.screen
        assert isinstance(dialog, EditMetadataScreen)
        edit = Edit(dialog.asset.id, "description", self._marker("d"))
        self.edits.append(edit)
        await self.pilot.pause()  # the dialog focuses its name field when mounted
        area = dialog.query_one("#edit-description", TextArea)
        area.focus()
        area.move_cursor(area.document.end)
        await self.keys(*edit.marker)
        if not area.text.endswith(edit.marker) or self.app.focused is not area:
            # the keys went elsewhere (focus moved): not an edit of the description to judge
            edit.outcome = "not_typed"
            await self._leave_dialog(EditMetadataScreen)
            return
        await self._save(dialog, edit, "ctrl+s")
        await self._leave_dialog(EditMetadataScreen)

    async def _save(self, dialog: EditMetadataScreen | TagsScreen, edit: Edit, key: str) -> None:
        def busy() -> bool:
            return bool(dialog.saving if isinstance(dialog, EditMetadataScreen)
                        else dialog.applying)

        for attempt in range(2):
            self.writes[edit.asset_id] += 1
            await self.keys(key)
            await self._wait(lambda: self.app.screen is not dialog or not busy(), OUTCOME_WAIT)
            if self.app.screen is not dialog and not busy():
                edit.outcome = _closed_outcome(dialog, edit)
                return
            if busy():
                edit.outcome = "unknown"  # no answer in time
                return
            edit.outcome = self._failure(dialog)
            if edit.outcome == "conflict" or self.rng.random() < 0.5 or attempt:
                return
            # the user tries again once, as the dialog offers

    def _failure(self, dialog: EditMetadataScreen | TagsScreen) -> str:
        if isinstance(dialog, EditMetadataScreen):
            if dialog.conflict is not None:
                return "conflict"
            status = str(dialog.query_one("#edit-status", Static).render())
        else:
            status = str(dialog.query_one("#tags-status", Static).render())
        return "unknown" if "may or may not" in status or "reload" in status else "failed"

    async def tags(self) -> None:
        """Add a unique tag and apply it."""
        if self._screen_name() not in ("AssetListScreen", "AssetDetailScreen"):
            await self.home()
        targets = self._targets()
        await self.keys("t")
        opened = await self._wait(lambda: isinstance(self.app.screen, TagsScreen), 2)
        if not opened or len(targets) != 1:
            await self._leave_dialog(TagsScreen)
            return
        dialog = self.app.screen
        assert isinstance(dialog, TagsScreen)
        edit = Edit(dialog.assets[0].id, "tag", self._marker("t"))
        self.edits.append(edit)
        await self.pilot.pause()
        dialog.query_one("#tags-input", Input).focus()
        await self.keys(*edit.marker, "enter")
        if edit.marker not in dialog.chips.added:
            edit.outcome = "not_typed"
            await self._leave_dialog(TagsScreen)
            return
        await self._save(dialog, edit, "ctrl+s")
        await self._leave_dialog(TagsScreen)

    WEIGHTS: ClassVar[dict[str, float]] = {
        "move": 4, "open": 3, "back": 2, "tab": 2, "preview": 3, "search": 2, "edit": 3,
        "tags": 2, "archive": 1, "restore": 1, "download": 1.5, "refresh": 1,
        "downloads_panel": 0.5,
    }
    """The actions (method names) and how often each is picked."""

    async def step(self) -> str:
        """Pick one action at random and do it; its name."""
        names = list(self.WEIGHTS)
        name = self.rng.choices(names, weights=[self.WEIGHTS[n] for n in names])[0]
        action: Callable[[], Awaitable[None]] = getattr(self, name)
        await action()
        return name


# --- checks ----------------------------------------------------------------------------------


def busy_texts(app: CoTuiApp) -> list[str]:
    """Loading / saving words any open screen shows, and running workers."""
    found: list[str] = []
    for screen in app.screen_stack:
        for widget in screen.query(Static):
            if not _shown(widget):
                continue
            text = str(widget.render())
            found += [f"{type(screen).__name__} #{widget.id}: {text[:80]!r}"
                      for word in BUSY_WORDS if word in text]
        for node in screen.query("*"):
            if getattr(node, "loading", False) is True:
                found.append(f"{type(screen).__name__}: {node!r} is loading")
    # a download in progress is progress, not a screen stuck loading (the files are not faulted)
    found += [f"worker {w.name or w.group!r} ({w.state.name})" for w in app.workers
              if not w.is_finished and w.group not in DOWNLOAD_GROUPS]
    return found


def _shown(widget: Widget) -> bool:
    """True when ``widget`` and every container above it are displayed (not a hidden tab)."""
    node: Any = widget
    while isinstance(node, Widget):
        if not node.display:
            return False
        node = node.parent
    return True


async def wait_quiet(app: CoTuiApp, pilot: Any, within: float | None = None) -> str | None:
    """None once nothing is loading; what is still busy after ``within`` seconds otherwise."""
    within = QUIET_WITHIN if within is None else within
    deadline = time.monotonic() + within
    busy = busy_texts(app)
    while busy and time.monotonic() < deadline:
        await pilot.pause(0.05)
        busy = busy_texts(app)
    return "; ".join(sorted(set(busy))[:5]) if busy else None


def check_writes(served: ServedEmulator, result: SequenceResult, driver: Driver,
                 log_start: int) -> None:
    """Compare the edits and the write log with the server's final state."""
    store = served.emulator
    finals: dict[str, Any] = {}
    for edit in driver.edits:
        if edit.asset_id not in finals:
            finals[edit.asset_id] = _server_asset(served, edit.asset_id)
        asset = finals[edit.asset_id]
        if asset is not None and "_unreadable" in asset:
            result.unchecked.append(f"{edit.marker}: reading the asset back gave "
                                    f"{asset['_unreadable']}")
            continue
        if asset is None:
            if edit.outcome == "saved":
                result.lost.append(f"{edit.marker}: asset {edit.asset_id} is gone")
            continue
        if edit.kind == "description":
            count = (asset.get("description") or "").count(edit.marker)
        else:
            count = list(asset.get("tags") or []).count(edit.marker)
        if count > 1:
            result.duplicates.append(f"{edit.marker} ({edit.kind}, {edit.outcome}) x{count}")
        elif count == 0 and edit.outcome == "saved":
            result.lost.append(f"{edit.marker} ({edit.kind}) reported saved, not on the server")
    changes: Counter[str] = Counter()
    for method, path, _status in list(store.write_log)[log_start:]:
        parts = path.strip("/").split("/")
        if method in ("PUT", "PATCH") and len(parts) >= 4 and parts[2] == "data_assets":
            changes[parts[3]] += 1
    for asset_id, count in changes.items():
        if count > driver.writes[asset_id]:
            result.duplicates.append(f"write log: {count} changes of {asset_id}, "
                                     f"{driver.writes[asset_id]} asked for")


def _server_asset(served: ServedEmulator, asset_id: str) -> dict[str, Any] | None:
    """The asset as the server holds it now (faults are off by then); None once it is gone."""
    import httpx

    response = httpx.get(f"{served.domain}/api/v1/data_assets/{asset_id}",
                         auth=(served.emulator.main_token, ""), timeout=30)
    if response.status_code == 404:
        return None
    if response.status_code != 200:  # e.g. no longer visible: nothing to compare, say so
        return {"description": "", "tags": [], "_unreadable": response.status_code}
    decoded: dict[str, Any] = response.json()
    return decoded


# --- running ---------------------------------------------------------------------------------


def _client(served: ServedEmulator) -> CodeOceanClient:
    async def short_sleep(seconds: float) -> None:
        await asyncio.sleep(seconds * SLEEP_SCALE)

    return CodeOceanClient(served.domain, served.emulator.main_token, sleep=short_sleep)


async def run_sequence(served: ServedEmulator, seed: int, steps: int, download_dir: Path,
                       spec: FaultSpec) -> SequenceResult:
    """One seeded sequence of ``steps`` actions; see the module docstring for the checks."""
    result = SequenceResult(seed)
    emulator = served.emulator
    rng = random.Random(seed)
    started = time.monotonic()
    log_start = len(emulator.write_log)
    faults_start = len(emulator.faults.history)
    emulator.faults.spec = dataclasses.replace(spec, seed=seed)
    client = _client(served)
    config = Config(settings=Settings(download_dir=str(download_dir)))
    app = build_app(client, config=config)
    driver: Driver | None = None
    with unexpected_errors() as unexpected:
        try:
            async with app.run_test(size=(120, 36)) as pilot:
                driver = Driver(app, pilot, rng, seed)
                await pilot.pause(0.05)
                for _ in range(steps):
                    if app._exception is not None or not app.is_running:
                        break
                    began = time.monotonic()
                    result.steps.append(await driver.step())
                    result.step_seconds.append(round(time.monotonic() - began, 2))
                emulator.faults.stop()  # ends responses still dripping, too
                result.stuck = await wait_quiet(app, pilot)
                app.exit()
        except Exception as error:  # the app crashed (run_test re-raises it) or the driver did
            result.crash = f"{type(error).__name__}: {error}"[:300]
        finally:
            emulator.faults.stop()
            await client.aclose()
        if result.crash is None and app._exception is not None:
            result.crash = f"{type(app._exception).__name__}: {app._exception}"[:300]
        if result.crash is None and unexpected.messages:
            result.crash = "unexpected: " + "; ".join(unexpected.messages)[:300]
    if driver is not None:
        result.edits = driver.edits
        check_writes(served, result, driver, log_start)
    result.faults = len(emulator.faults.history) - faults_start
    result.seconds = time.monotonic() - started
    return result


@contextmanager
def served_emulator() -> Iterator[ServedEmulator]:
    """The demo deployment on loopback, faults off until a sequence turns them on."""
    with serve_in_thread(EmulatorConfig(seed="demo", ready_delay=0.5)) as served:
        yield served


async def run_sequences(seeds: list[int], *, steps: int, download_dir: Path,
                        spec: FaultSpec | None = None,
                        on_result: Callable[[SequenceResult], None] | None = None,
                        ) -> list[SequenceResult]:
    """Run one sequence per seed against one emulator; results in order."""
    spec = spec or FaultSpec.parse(MATRIX_FAULTS)
    results: list[SequenceResult] = []
    with served_emulator() as served:
        for seed in seeds:
            folder = download_dir / f"seq-{seed}"
            folder.mkdir(parents=True, exist_ok=True)
            result = await run_sequence(served, seed, steps, folder, spec)
            shutil.rmtree(folder, ignore_errors=True)  # a storm's downloads would fill the disk
            results.append(result)
            if on_result is not None:
                on_result(result)
    return results


def summarise(results: list[SequenceResult]) -> dict[str, Any]:
    """The counts a run reports."""
    edits = [e for r in results for e in r.edits]
    return {
        "sequences": len(results),
        "crashes": sum(1 for r in results if r.crash),
        "stuck_screens": sum(1 for r in results if r.stuck),
        "duplicate_writes": sum(len(r.duplicates) for r in results),
        "lost_edits": sum(len(r.lost) for r in results),
        "unchecked_edits": sum(len(r.unchecked) for r in results),
        "steps": sum(len(r.steps) for r in results),
        "faults_injected": sum(r.faults for r in results),
        "edits": dict(Counter(e.outcome for e in edits)),
        "seconds": round(sum(r.seconds for r in results), 1),
    }
