"""``[settings]`` in config.toml reach the app: theme (and the theme picked is saved), page size,
parallel downloads, download folder, clipboard mode, preview size; a broken file or a bad value
is a warning on screen, never a crash (Pilot, in-process emulator, the real config file)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from co_tui.api import CodeOceanClient
from co_tui.api.models import DataAsset, FolderItem
from co_tui.app import CoTuiApp
from co_tui.emulator import Emulator
from co_tui.launch import build_app, load_config
from co_tui.modals.copy import CopyScreen
from co_tui.modals.download import DownloadDialog
from co_tui.operations.preview_io import fetch_preview
from co_tui.session import paths
from co_tui.session.toml_files import read_toml
from co_tui.transfer import local as local_mount
from co_tui.widgets.asset_table import AssetTable
from tests.conftest import RecordingTransport
from tests.ui.ui_helpers import _settle


def _write_config(text: str) -> Path:
    path = paths.config_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _app(emulator: Emulator, recorder: RecordingTransport) -> CoTuiApp:
    client = CodeOceanClient(emulator.config.api_origin, emulator.main_token,
                             transport=recorder, files_transport=recorder)
    return build_app(client, config=load_config())


def emulator_count(pages: list[dict[str, object]]) -> int:
    """Rows the table should hold after ``pages`` (37 per page, 52 demo assets in all)."""
    return min(52, 37 * len(pages))


def _notes(app: CoTuiApp) -> str:
    return " ".join(str(n.message) for n in app._notifications)


async def test_settings_from_config_toml_are_used(emulator: Emulator, recorder: RecordingTransport,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TERM", "xterm-kitty")  # "auto" would trust OSC 52 here
    _write_config('[settings]\ntheme = "nord"\npage_size = 37\nparallel_downloads = 2\n'
                  'clipboard = "dialog"\ndownload_dir = "~/co-downloads"\n')
    app = _app(emulator, recorder)
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await _settle(app, pilot)
        assert app.theme == "nord"
        pages = [json.loads(r.content) for r in recorder.sent("POST", "/data_assets/search")]
        pages = [p for p in pages if not p.get("favorite") and not p.get("ownership")]
        # 52 demo assets: a first page of 37, the rest paged in behind it 1,000 at a time
        assert len(pages) >= 2 and pages[0]["limit"] == 37
        assert {p["limit"] for p in pages[1:]} == {1000}
        assert len(app.screen.query_one(AssetTable).assets) == emulator_count(pages)
        assert app.downloads is not None and app.downloads.max_parallel == 2
        await pilot.press("y")  # copy the ID: the setting asks for the dialog every time
        await _settle(app, pilot)
        assert isinstance(app.screen, CopyScreen)
        await pilot.press("escape")
        await pilot.press("D")
        await _settle(app, pilot)
        dialog = app.screen
        assert isinstance(dialog, DownloadDialog)
        assert dialog.initial_destination == Path.home() / "co-downloads"
    assert app._exception is None


async def test_the_theme_picked_is_saved_and_nothing_else_is_written(
        emulator: Emulator, recorder: RecordingTransport) -> None:
    path = _write_config('default_profile = "lab"\n\n[settings]\npage_size = 50\n\n'
                         '[profiles.lab]\ndomain = "https://lab.example.org"\n')
    app = _app(emulator, recorder)
    async with app.run_test(size=(120, 36)) as pilot:
        await _settle(app, pilot)
        assert app.theme == "textual-dark"
        app.theme = "gruvbox"
        await _settle(app, pilot)
        await _settle(app, pilot)
    saved = read_toml(path)
    assert saved["settings"] == {"page_size": 50, "theme": "gruvbox"}  # no defaults written
    assert saved["default_profile"] == "lab" and saved["profiles"]["lab"]
    assert load_config().settings.theme == "gruvbox"


async def test_bad_settings_and_a_broken_file_are_warnings_on_screen(
        emulator: Emulator, recorder: RecordingTransport) -> None:
    _write_config('[settings]\ntheme = "no-such-theme"\npage_size = 0\nclipboard = "maybe"\n')
    app = _app(emulator, recorder)
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await _settle(app, pilot)
        notes = _notes(app)
        assert "no theme 'no-such-theme'" in notes and app.theme == "textual-dark"
        assert "settings.page_size must be between 1 and 1000" in notes
        assert "settings.clipboard must be one of auto, osc52, dialog" in notes
        assert len(app.screen.query_one(AssetTable).assets) > 0
    path = _write_config('[settings\ntheme = "nord"\n')  # does not parse
    config = load_config()
    assert config.path is None and "using the default settings" in config.warnings[0]
    app = _app(emulator, recorder)
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await _settle(app, pilot)
        assert "using the default settings" in _notes(app)
        app.theme = "gruvbox"  # a broken file is never rewritten
        await _settle(app, pilot)
    assert path.read_text(encoding="utf-8") == '[settings\ntheme = "nord"\n'
    assert app._exception is None


async def test_preview_reads_at_most_the_preview_max_bytes_setting(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, client: CodeOceanClient) -> None:
    monkeypatch.setenv("CO_CAPSULE_ID", "capsule-1")
    monkeypatch.setattr(local_mount, "DATA_ROOT", tmp_path)
    (tmp_path / "raw").mkdir()
    body = b"x = 1\n" * 5_000  # 30 KB
    (tmp_path / "raw" / "run.py").write_bytes(body)
    asset = DataAsset(id="a", name="a", mount="raw")
    item = FolderItem(name="run.py", path="run.py", size=len(body))
    preview, _ = await fetch_preview(client, asset.id, item, asset=asset, max_bytes=4096)
    assert preview.resume is not None and preview.resume.offset <= 4096
    assert preview.truncated
