"""The download dialog and the downloads panel in a minimal host app (Pilot), the panel fed by a
real engine on the in-process emulator."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.app import App, ComposeResult
from textual.widgets import Footer, Input, Static

from co_tui.api import CodeOceanClient
from co_tui.emulator import Emulator, EmulatorConfig
from co_tui.emulator.seed_model import Content, SeedAsset, SeedData, SeedFile, SeedFolderGenerator
from co_tui.emulator.seeds.common import ADA, NOW, users
from co_tui.modals.confirm import ConfirmScreen
from co_tui.modals.download import DownloadDialog
from co_tui.transfer import (
    DownloadEngine,
    DownloadRequest,
    DownloadTarget,
    ExistingPolicy,
    ItemState,
    ItemView,
    TargetKind,
    TotalsView,
)
from co_tui.widgets.downloads_panel import DownloadsPanel, format_eta

ASSET = "d0000000-0000-4000-8000-00000000d1a1"
HOSTILE = "evil\x1b]0;owned\x07[@click=app.quit]x[b].txt"


class Usage:
    def __init__(self, free: int) -> None:
        self.free = free


class DialogHost(App[None]):
    """Pushes one dialog and keeps what it dismissed with."""

    def __init__(self, dialog: DownloadDialog) -> None:
        super().__init__()
        self.dialog = dialog
        self.result: Any = "still open"

    def on_mount(self) -> None:
        self.push_screen(self.dialog, self._done)

    def _done(self, result: DownloadRequest | None) -> None:
        self.result = result


class PanelHost(App[None]):
    def __init__(self, source: Any, refresh_rate: float = 20.0) -> None:
        super().__init__()
        self.source = source
        self.refresh_rate = refresh_rate

    def compose(self) -> ComposeResult:
        yield DownloadsPanel(self.source, refresh_rate=self.refresh_rate, id="downloads")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(DownloadsPanel).focus()


def _target(kind: TargetKind = TargetKind.FOLDER, path: str = "data", size: int | None = 5000,
            name: str = "Test asset") -> DownloadTarget:
    return DownloadTarget(ASSET, name, "test_asset", kind, path, size, 3)


def _text(app: App[None], selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


async def _settle(pilot: Any) -> None:
    for _ in range(3):
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
    await pilot.pause()


# --- the dialog ----------------------------------------------------------------------------


async def test_enter_dismisses_with_the_request_as_chosen(tmp_path: Path) -> None:
    dialog = DownloadDialog(_target(), env={}, cwd=tmp_path, disk_usage=lambda p: Usage(2**40))
    app = DialogHost(dialog)
    async with app.run_test(size=(80, 24)) as pilot:
        await _settle(pilot)
        assert app.screen.query_one("#download-dest", Input).value == str(tmp_path)
        assert "1 TiB free" in _text(app, "#download-space")
        await pilot.press("ctrl+a", "ctrl+k", *"sub/dir", "down", "right", "down", "right")
        await _settle(pilot)
        await pilot.press("enter")
        await _settle(pilot)
    assert app.result == DownloadRequest(_target(), tmp_path / "sub" / "dir", as_zip=True,
                                         policy=ExistingPolicy.RENAME)


async def test_escape_cancels(tmp_path: Path) -> None:
    app = DialogHost(DownloadDialog(_target(), env={}, cwd=tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await _settle(pilot)
        await pilot.press("escape")
        await _settle(pilot)
    assert app.result is None


async def test_overwrite_needs_a_second_confirmation(tmp_path: Path) -> None:
    app = DialogHost(DownloadDialog(_target(), destination=tmp_path, env={}))
    async with app.run_test(size=(80, 24)) as pilot:
        await _settle(pilot)
        await pilot.press("down", "down", "left")  # existing: overwrite
        await pilot.press("enter")
        await _settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        assert app.result == "still open"
        await pilot.press("n")  # not now: back in the dialog, nothing chosen
        await _settle(pilot)
        assert isinstance(app.screen, DownloadDialog) and app.result == "still open"
        await pilot.press("enter")
        await _settle(pilot)
        await pilot.press("enter")  # enter on a dangerous confirmation means Cancel
        await _settle(pilot)
        assert isinstance(app.screen, DownloadDialog) and app.result == "still open"
        await pilot.press("enter")
        await _settle(pilot)
        await pilot.press("y")
        await _settle(pilot)
    assert isinstance(app.result, DownloadRequest)
    assert app.result.policy is ExistingPolicy.OVERWRITE and not app.result.as_zip


async def test_not_enough_space_keeps_the_dialog_open(tmp_path: Path) -> None:
    dialog = DownloadDialog(_target(size=10 * 2**30), destination=tmp_path, env={},
                            disk_usage=lambda p: Usage(2**30))
    app = DialogHost(dialog)
    async with app.run_test(size=(80, 24)) as pilot:
        await _settle(pilot)
        assert "not enough" in _text(app, "#download-space")
        await pilot.press("enter")
        await _settle(pilot)
        assert app.result == "still open"
        assert "not enough free space" in _text(app, "#download-error")


async def test_an_empty_or_file_destination_is_refused(tmp_path: Path) -> None:
    a_file = tmp_path / "a-file"
    a_file.write_text("x")
    app = DialogHost(DownloadDialog(_target(), destination=a_file, env={}))
    async with app.run_test(size=(80, 24)) as pilot:
        await _settle(pilot)
        await pilot.press("enter")
        await _settle(pilot)
        assert "is a file" in _text(app, "#download-error") and app.result == "still open"
        await pilot.press("ctrl+a", "ctrl+k")
        await _settle(pilot)
        await pilot.press("enter")
        await _settle(pilot)
        assert "type a destination" in _text(app, "#download-error")
        assert app.result == "still open"


async def test_server_text_is_shown_inert(tmp_path: Path) -> None:
    target = _target(TargetKind.FILE, f"data/{HOSTILE}", name="[bold]asset[/] \x1b[2J")
    app = DialogHost(DownloadDialog(target, destination=tmp_path, env={}))
    async with app.run_test(size=(120, 36)) as pilot:
        await _settle(pilot)
        what, asset = _text(app, "#download-what"), _text(app, "#download-asset")
        assert "\x1b" not in what + asset and "\\x1b" in what and "\\x07" in what
        assert "[@click=app.quit]" in what and "[bold]asset[/]" in asset
    assert app._exception is None


async def test_the_capsule_mount_is_announced(tmp_path: Path) -> None:
    (tmp_path / "data" / "test_asset").mkdir(parents=True)
    dialog = DownloadDialog(_target(), destination=tmp_path, env={"CO_CAPSULE_ID": "c"},
                            data_root=tmp_path / "data")
    app = DialogHost(dialog)
    async with app.run_test(size=(80, 24)) as pilot:
        await _settle(pilot)
        assert "/data mount" in _text(app, "#download-space") and dialog.from_mount


# --- the panel on a real engine ----------------------------------------------------------------


@pytest.fixture
def small_emulator(clock: Any) -> Iterator[Emulator]:
    files = [SeedFile("data/a.csv", Content("text", 40_000, seed=1)),
             SeedFile("data/b.bin", Content("random", 200_000, seed=2)),
             SeedFile(f"data/{HOSTILE}", Content.of("hostile name"))]
    asset = SeedAsset(id=ASSET, name="Test asset", owner=ADA, created=NOW, mount="test_asset",
                      files=files, generated_folders=[SeedFolderGenerator("many", 30, 2048)])
    emu = Emulator(EmulatorConfig(seed="test", clock=clock),
                   seed_data=SeedData(users=users(), assets=[asset]))
    yield emu
    emu.close()


@pytest.fixture
async def engine(small_emulator: Emulator) -> AsyncIterator[DownloadEngine]:
    transport = small_emulator.transport()
    async with CodeOceanClient(small_emulator.config.api_origin, small_emulator.main_token,
                               transport=transport, files_transport=transport) as client:
        eng = DownloadEngine(client, env={}, max_parallel=1)
        yield eng
        await eng.aclose()


def _lines(app: App[None]) -> list[str]:
    return app.query_one(DownloadsPanel).render().plain.split("\n")


async def test_the_panel_follows_the_engine_on_its_timer(engine: DownloadEngine, tmp_path: Path) -> None:
    app = PanelHost(engine, refresh_rate=20)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert "nothing yet" in _lines(app)[0]
        batch = engine.submit(DownloadRequest(_target(path="data"), tmp_path))
        await batch.wait()
        await pilot.pause(0.15)  # no explicit refresh: the timer redraws
        lines = _lines(app)
        assert lines[0].startswith("Downloads  3 done")
        assert "100%" in lines[1]
        assert any("data/a.csv" in line and "done" in line for line in lines)
        # the local name lost its control characters; the markup in it stays literal text
        assert any("evil_]0;owned_[@click=app.quit]x[b].txt" in line for line in lines)
        assert all(len(line) <= 78 for line in lines)  # 80 columns minus the padding
    assert app._exception is None


async def test_keys_cancel_and_retry_the_highlighted_item(engine: DownloadEngine, small_emulator: Emulator, tmp_path: Path) -> None:
    gate = asyncio.Event()  # the storage answers nothing until the test opens the gate
    files_app = small_emulator.files_app

    async def gated(scope: Any, receive: Any, send: Any) -> None:
        await gate.wait()
        await files_app(scope, receive, send)

    small_emulator.files_app = gated
    app = PanelHost(engine, refresh_rate=20)
    async with app.run_test(size=(80, 24)) as pilot:
        batch = engine.submit(DownloadRequest(_target(path="many", size=None), tmp_path))
        while len(engine) < 30:
            await pilot.pause(0.01)
        await pilot.press("end")
        panel = app.query_one(DownloadsPanel)
        last = engine.view(29, 1)[0]
        assert panel.cursor == 29 and last.state is ItemState.QUEUED
        await pilot.press("x")
        await pilot.pause()
        assert engine.view(29, 1)[0].state is ItemState.CANCELLED
        gate.set()
        summary = await batch.wait()
        assert (summary.done, summary.cancelled) == (29, 1)
        await pilot.pause(0.1)
        assert "cancelled" in _lines(app)[-1] or any("cancelled" in x for x in _lines(app))
        await pilot.press("r")
        summary = await batch.wait()
        assert (summary.done, summary.cancelled) == (30, 0)
        await pilot.press("home", "down", "down")
        assert panel.cursor == 2
        await pilot.press("up")
        assert panel.cursor == 1
    assert (tmp_path / "many" / "file_000029.dat").stat().st_size == 2048


class Stub:
    """A source with a fixed queue; records which rows the panel asked for."""

    def __init__(self, count: int) -> None:
        self.count = count
        self.asked: list[tuple[int, int | None]] = []
        self.cancelled: list[int] = []

    def __len__(self) -> int:
        return self.count

    def view(self, start: int = 0, count: int | None = None) -> list[ItemView]:
        self.asked.append((start, count))
        stop = self.count if count is None else min(self.count, start + count)
        return [ItemView(i, f"folder/file_{i:05d}.dat", ItemState.QUEUED, 0, 1024, None, None)
                for i in range(start, stop)]

    def totals(self) -> TotalsView:
        return TotalsView(self.count, {ItemState.QUEUED: self.count}, 0, 1024 * self.count)

    def cancel(self, item_id: int) -> bool:
        self.cancelled.append(item_id)
        return True

    def retry(self, item_id: int) -> bool:
        return False

    def cancel_all(self) -> int:
        return self.count


async def test_a_huge_queue_draws_only_the_rows_on_screen() -> None:
    stub = Stub(20_000)
    app = PanelHost(stub, refresh_rate=0)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("pagedown", "pagedown")
        await pilot.pause()
        panel = app.query_one(DownloadsPanel)
        assert panel.cursor == 2 * panel.rows_height
        assert all(count is not None and count <= 24 for _, count in stub.asked)
        await pilot.press("end", "x")
        await pilot.pause()
        assert stub.cancelled == [19_999]
        assert _lines(app)[-1].startswith("· folder/file_19999.dat")
        await pilot.click(DownloadsPanel, offset=(5, 4))
        await pilot.pause()
        assert panel.cursor == panel._top + 2
        await pilot.press("g")  # the vim keys of every list (widgets/keys.py)
        assert panel.cursor == 0
        await pilot.press("G", "k")
        assert panel.cursor == 19_998


def test_eta_format() -> None:
    assert [format_eta(s) for s in (None, 0, 59.4, 75, 3725, 400_000)] == [
        "", "0s", "59s", "1m15s", "1h02m", "> 4 days"]
