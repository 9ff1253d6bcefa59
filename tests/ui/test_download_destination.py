"""The download dialog remembers a destination the user changed (the ``download_dir`` setting,
saved to config.toml) and marks the focused row (Pilot, the real app on the in-process demo)."""

from __future__ import annotations

from pathlib import Path

from co_tui.emulator import Emulator
from co_tui.launch import load_config
from co_tui.modals.download import DownloadDialog
from co_tui.session.toml_files import read_toml
from co_tui.transfer import DownloadRequest, DownloadTarget, TargetKind
from tests.conftest import RecordingTransport
from tests.ui.test_settings import _app, _write_config
from tests.ui.ui_helpers import _settle


class Plenty:
    free = 2**40


def _target() -> DownloadTarget:
    return DownloadTarget("e3b9d066-0000-4000-8000-000000000001", "raw", "raw",
                          TargetKind.FILE, "README.md", 4_201, None)


async def test_a_changed_destination_is_saved_and_offered_next_time(
        emulator: Emulator, recorder: RecordingTransport, tmp_path: Path) -> None:
    path = _write_config("[settings]\npage_size = 50\n")
    chosen: list[DownloadRequest | None] = []
    app = _app(emulator, recorder)
    async with app.run_test(size=(80, 24)) as pilot:
        await _settle(app, pilot)
        first = DownloadDialog(_target(), destination=app.download_dir, env={}, cwd=tmp_path,
                               disk_usage=lambda _: Plenty())
        app.push_screen(first, chosen.append)
        await _settle(app, pilot)
        assert first.initial_destination == tmp_path  # no setting yet: the current folder
        await pilot.press("ctrl+u", *"runs/out", "enter")  # relative to the current folder
        await _settle(app, pilot)
        await _settle(app, pilot)
        assert chosen and chosen[0] is not None
        assert chosen[0].destination == tmp_path / "runs" / "out"
        assert app.download_dir == tmp_path / "runs" / "out"
        second = DownloadDialog(_target(), destination=app.download_dir, env={}, cwd=tmp_path,
                                disk_usage=lambda _: Plenty())
        app.push_screen(second, chosen.append)
        await _settle(app, pilot)
        assert second.query_one("#download-dest").has_focus
        await pilot.press("enter")  # unchanged: nothing more is written
        await _settle(app, pilot)
    saved = read_toml(path)
    assert saved["settings"] == {"page_size": 50, "download_dir": str(tmp_path / "runs" / "out")}
    assert load_config().settings.download_dir == str(tmp_path / "runs" / "out")


async def test_a_cancelled_dialog_remembers_nothing(
        emulator: Emulator, recorder: RecordingTransport, tmp_path: Path) -> None:
    path = _write_config("[settings]\npage_size = 50\n")
    app = _app(emulator, recorder)
    async with app.run_test(size=(80, 24)) as pilot:
        await _settle(app, pilot)
        app.push_screen(DownloadDialog(_target(), env={}, cwd=tmp_path,
                                       disk_usage=lambda _: Plenty()))
        await _settle(app, pilot)
        await pilot.press("ctrl+u", *"elsewhere", "escape")
        await _settle(app, pilot)
        assert app.download_dir is None
    assert read_toml(path)["settings"] == {"page_size": 50}
