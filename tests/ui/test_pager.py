"""``o`` in the Files tab reads the whole file in $PAGER: the real bytes reach the pager, the
temporary copy is removed afterwards, and a missing pager or a huge file is a toast (Pilot; the
terminal hand-over, App.suspend, is not possible headless and is replaced by a no-op)."""

from __future__ import annotations

import contextlib
import shlex
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.app import App

from co_tui.api.models import FolderItem
from co_tui.emulator import Emulator
from co_tui.operations.pager import PAGER_MAX_BYTES, _local_name, pager_command
from tests.ui.test_asset_detail_helpers import find_row, make_app, open_detail, open_files, settle

UNIT_QC = "unit QC ecephys_661398 (result)"


@contextlib.contextmanager
def _no_suspend(self: App[Any]) -> Iterator[None]:
    yield


def _copying_pager(out: Path, seen: Path) -> str:
    """A $PAGER that copies the file it is given to ``out`` and writes its path to ``seen``."""
    code = (f"import shutil, sys; shutil.copy(sys.argv[1], {str(out)!r}); "
            f"open({str(seen)!r}, 'w').write(sys.argv[1])")
    return shlex.join([sys.executable, "-c", code])


async def _press_o_on_the_readme(app: Any, pilot: Any, asset_id: str) -> Any:
    """Open the asset's Files tab, highlight README.md and press o; returns the Files pane."""
    screen = await open_detail(app, pilot, asset_id)
    pane = await open_files(app, pilot, screen)
    pane.file_tree._move_to(find_row(pane.file_tree, "README.md"))
    pane.file_tree.focus()
    await settle(app, pilot)
    await pilot.press("o")
    await settle(app, pilot)
    return pane


async def test_o_hands_the_whole_file_to_the_pager(emulator: Emulator, demo_seed: Any,
                                                   tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    out, seen = tmp_path / "paged", tmp_path / "path"
    monkeypatch.setenv("PAGER", _copying_pager(out, seen))
    monkeypatch.setattr(App, "suspend", _no_suspend)
    app = make_app(emulator)
    asset_id = next(a.id for a in demo_seed.assets if a.name == UNIT_QC)
    async with app.run_test(size=(120, 36)) as pilot:
        pane = await _press_o_on_the_readme(app, pilot, asset_id)
        item = pane.file_tree.highlighted
        assert item is not None and app.client is not None
        urls = await app.client.data_assets.get_data_asset_file_urls(asset_id, item.path)
        expected = (await app.client.files.read_range(urls.download_url, 0, 1 << 20)).data
    assert out.read_bytes() == expected and len(expected) == item.size
    paged = Path(seen.read_text())
    assert paged.name == "README.md" and not paged.parent.exists()  # the copy is gone
    assert app._exception is None


async def test_no_pager_and_huge_files_are_explained(emulator: Emulator, demo_seed: Any,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PAGER", "no-such-pager-anywhere")
    app = make_app(emulator)
    asset_id = next(a.id for a in demo_seed.assets if a.name == UNIT_QC)
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await _press_o_on_the_readme(app, pilot, asset_id)
        notes = " ".join(str(n.message) for n in app._notifications)
        assert "No pager found: set $PAGER" in notes
    assert app._exception is None


def test_pager_command_and_safe_local_names(monkeypatch: pytest.MonkeyPatch) -> None:
    assert pager_command({"PAGER": "cat -v"}) == ["cat", "-v"]
    assert pager_command({"PAGER": "no-such-pager-anywhere"}) is None
    assert pager_command({"PAGER": "less 'unclosed"}) is None
    assert pager_command({}) in (["less"], ["more"], None)
    assert _local_name(FolderItem(name="run_2026.log", path="logs/run_2026.log")) == "run_2026.log"
    hostile = FolderItem(name="x", path="logs/x\x1b]0;t\x07.sh")
    assert _local_name(hostile) == "x_]0;t_.sh"  # controls replaced, one name, no folders
    assert _local_name(FolderItem(name="..", path="../..")) == "file"
    assert PAGER_MAX_BYTES >= 64 * 1024 * 1024
