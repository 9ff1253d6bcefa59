"""Previews, "load more" and the pager read the signed ``download_url`` (the raw file); only
copy-link hands out the ``view_url``. The emulator's file origin serves a browser viewer page
for a ``view_url`` here (as a real deployment's viewer does), and redirects every signed URL
twice: a preview that read ``view_url`` would show that HTML page."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from co_tui.api import CodeOceanClient
from co_tui.api.models import FolderItem
from co_tui.emulator import Emulator
from co_tui.emulator.content import read_content
from co_tui.emulator.files_app import FileOriginQuirks
from co_tui.operations.clipboard import file_share_link
from co_tui.operations.pager import fetch_for_pager
from co_tui.operations.preview_io import fetch_preview
from co_tui.preview.preview_model import MarkdownBody
from tests.ui.test_asset_detail_helpers import (
    make_app,
    open_detail,
    open_files,
    preview_file,
    preview_text,
    settle,
    title_text,
)

UNIT_QC = "unit QC ecephys_661398 (result)"
RAW_661 = "ecephys_661398_2023-03-21_15-47-03 raw"
VIEWER = "File viewer"


@pytest.fixture(autouse=True)
def viewer(emulator: Emulator) -> FileOriginQuirks:
    quirks = FileOriginQuirks(redirects=2, viewer_page=True)
    emulator.file_origin.quirks = quirks
    return quirks


def _asset(demo_seed: Any, name: str) -> Any:
    return next(a for a in demo_seed.assets if a.name == name)


def _readme(demo_seed: Any) -> tuple[Any, Any, bytes]:
    asset = _asset(demo_seed, UNIT_QC)
    f = next(f for f in asset.files if f.path == "README.md")
    return asset, f, read_content(f.content, 0, f.content.size, salt=f"{asset.id}/{f.path}")


async def test_the_view_url_is_a_viewer_page_here(client: CodeOceanClient, demo_seed: Any) -> None:
    """The premise of this module: reading the view_url would not give the file."""
    asset, f, data = _readme(demo_seed)
    urls = await client.data_assets.get_data_asset_file_urls(asset.id, f.path)
    viewed = await client.files.read_range(urls.view_url, 0, 1 << 20)
    assert VIEWER in viewed.data.decode() and viewed.data != data
    raw = await client.files.read_range(urls.download_url, 0, 1 << 20)
    assert raw.data == data


async def test_fetch_preview_and_the_pager_read_the_download_url(
    client: CodeOceanClient, recorder: Any, demo_seed: Any, tmp_path: Path,
) -> None:
    asset, f, data = _readme(demo_seed)
    item = FolderItem(name="README.md", path=f.path, size=f.content.size)
    preview, urls = await fetch_preview(client, asset.id, item)
    first_line = data.decode().splitlines()[0]
    assert urls is not None
    assert isinstance(preview.body, MarkdownBody)
    shown = "\n".join(preview.body.raw.lines)
    assert first_line in shown and VIEWER not in shown
    reads = [r for r in recorder.requests if "range" in r.headers]
    assert reads and all("attachment" in r.url.params["response-content-disposition"]
                         for r in reads)
    paged = await fetch_for_pager(client, await client.data_assets.get_data_asset(asset.id),
                                  item, tmp_path)
    assert paged.read_bytes() == data
    # copy-link is the one place that hands out the view_url
    link = await file_share_link(client, asset.id, f.path)
    assert link.url == urls.view_url != urls.download_url


async def test_files_tab_preview_and_load_more_show_the_raw_file(
    emulator: Emulator, recorder: Any, demo_seed: Any,
) -> None:
    app = make_app(emulator, recorder)
    asset = _asset(demo_seed, RAW_661)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_detail(app, pilot, asset.id)
        pane = await open_files(app, pilot, screen)
        preview = await preview_file(app, pilot, pane, "raw/acquisition_4GiB.log")
        text = preview_text(preview, 100_000)
        assert VIEWER not in text and "showing the first 256 KiB of 4 GiB" in title_text(pane)
        first = preview.document.height(100)
        await pilot.press("L")  # load more: the next range, through the same redirects
        await settle(app, pilot)
        assert preview.document.height(100) > first
        assert VIEWER not in preview_text(preview, 100_000)
        assert "showing bytes" in title_text(pane)
    ranged = [r for r in recorder.requests if "range" in r.headers]
    assert len(ranged) == 2 * 3  # two reads, each through two redirects
    assert all("attachment" in r.url.params["response-content-disposition"] for r in ranged)
    assert app._exception is None
