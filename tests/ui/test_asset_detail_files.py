"""The Files tab against the in-process emulator: lazy folders, windows of huge folders, the
filter, previews of every kind in the demo seed, stale previews, expired URLs, external and
draft assets, hostile names and contents (Pilot)."""

from __future__ import annotations

from typing import Any

import pytest
from textual.widgets import Static

from co_tui.emulator import Emulator
from co_tui.preview import PreviewKind
from co_tui.widgets import files_pane
from co_tui.widgets.file_search import FileSearch
from co_tui.widgets.file_tree import WINDOW
from co_tui.widgets.overview import FieldList
from tests.ui.test_asset_detail_helpers import (
    HOSTILE_NAME,
    aid,
    find_row,
    has_raw_controls,
    hostile_emulator,
    make_app,
    open_detail,
    open_files,
    open_path,
    preview_file,
    preview_text,
    settle,
    title_text,
    tree_rows,
)
from tests.ui.ui_helpers import full_frame


def _id(demo_seed: Any, name: str) -> str:
    return str(next(a.id for a in demo_seed.assets if a.name == name))


UNIT_QC = "unit QC ecephys_661398 (result)"
RAW_661 = "ecephys_661398_2023-03-21_15-47-03 raw"
STITCHED = "SmartSPIM_695464 stitched"
BEHAVIOR = "behavior_661398 dynamic foraging"


@pytest.fixture(autouse=True)
def _no_preview_delay(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(files_pane, "PREVIEW_DELAY", 0.0)


async def test_one_files_call_per_opened_folder(emulator: Emulator, recorder: Any, demo_seed: Any) -> None:
    app = make_app(emulator, recorder)
    asset_id = _id(demo_seed, UNIT_QC)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_detail(app, pilot, asset_id)
        assert recorder.sent("POST", "/files") == []  # nothing listed before the tab opens
        pane = await open_files(app, pilot, screen)
        tree = pane.file_tree
        assert len(recorder.sent("POST", "/files")) == 1
        assert [r.strip("▸ ").split()[0] for r in tree_rows(tree)][:3] == ["code/", "data/",
                                                                          "environment/"]
        await pilot.press("enter")  # open code/
        await settle(app, pilot)
        assert tree.folder_state("code") == "loaded"
        await pilot.press("enter")  # close it: no new request
        await pilot.press("enter")  # open again: still cached
        await settle(app, pilot)
        assert len(recorder.sent("POST", "/files")) == 2
        await move_and_open(app, pilot, tree, "data/")
        assert len(recorder.sent("POST", "/files")) == 3
        bodies = [r.content for r in recorder.sent("POST", "/files")]
        assert bodies == [b'{"path":""}', b'{"path":"code"}', b'{"path":"data"}']
        assert any("KiB" in row or " B" in row for row in tree_rows(tree))  # sizes shown
    assert app._exception is None


async def move_and_open(app: Any, pilot: Any, tree: Any, name: str) -> None:
    tree._move_to(find_row(tree, name))
    await pilot.press("right")
    await settle(app, pilot)


async def test_huge_folder_shows_a_window_and_more(emulator: Emulator, demo_seed: Any) -> None:
    app = make_app(emulator)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_detail(app, pilot, _id(demo_seed, STITCHED))
        pane = await open_files(app, pilot, screen)
        tree = pane.file_tree
        await open_path(app, pilot, tree, "tiles")
        assert tree.loaded_count("tiles") == 20_000
        rows = tree_rows(tree)
        more = [r for r in rows if "more" in r]
        assert more and f"{20_000 - WINDOW:,} more" in more[0]
        assert len(rows) < WINDOW + 50
        tree.focus()
        tree._move_to(find_row(tree, "…"))
        await pilot.press("enter")
        await settle(app, pilot)
        assert f"{20_000 - 2 * WINDOW:,} more" in " ".join(tree_rows(tree))
        assert tree.highlighted is not None and tree.highlighted.name == f"tile_{WINDOW:05d}.tif"
        # "/" searches every path: the 10 of 20,000 names, as full paths
        await pilot.press("slash", *"tile_1999")
        await settle(app, pilot)
        matches = pane.query_one(FileSearch).match_list
        assert matches.count == 10  # tile_19990 .. tile_19999
        assert all(matches.row_text(i).startswith("tiles/tile_1999") for i in range(10))
        status = str(pane.query_one("#file-search-status", Static).render())
        assert "20,011 files in 8 folders searched · 10 matches" in status, status
        await pilot.press("escape")  # back to the tree, where it was
        await settle(app, pilot)
        assert tree.has_focus and not pane.has_class("-searching")
        assert tree.highlighted is not None and tree.highlighted.name == f"tile_{WINDOW:05d}.tif"
        assert app.screen is screen
    assert app._exception is None


KINDS = [
    (UNIT_QC, "code/analysis.R", PreviewKind.CODE, ["R", "library(tidyverse)"]),
    (UNIT_QC, "data/unit_metrics.tsv", PreviewKind.CSV, ["TSV table", "firing_rate", "│"]),
    (UNIT_QC, "notebooks/explore.ipynb", PreviewKind.NOTEBOOK,
     ["Jupyter notebook", "In [1]", "import pandas as pd", "Out"]),
    (UNIT_QC, "figures/drift_map.png", PreviewKind.IMAGE, ["PNG image, 128×96",
                                                          "PNG · 128×96 px", "▀▀▀▀"]),
    (UNIT_QC, "README.md", PreviewKind.MARKDOWN, ["# Unit QC", "• "]),
    ("ecephys_661398 preprocessed (result)", "code/run.py", PreviewKind.CODE,
     ["Python", "import"]),
    (RAW_661, "data_description.json", PreviewKind.JSON, ["JSON", '"schema_version": "1.0.0"']),
    ("spike sorting kilosort4 ecephys_661398 (result)", "kilosort4/ProbeA/spike_times.npy",
     PreviewKind.BINARY, ["NumPy array", "hex view"]),
    (BEHAVIOR, "exports/bonsai_workflows.zip", PreviewKind.ARCHIVE,
     ["Zip archive", "foraging.bonsai"]),
    (BEHAVIOR, "notes/protocole_souris_latin1.txt", PreviewKind.TEXT, ["Windows-1252"]),
    (BEHAVIOR, "sessions/.incomplete", PreviewKind.EMPTY, ["empty file"]),
    ("scRNA-seq PBMC 10k counts", "outs/filtered_feature_bc_matrix/barcodes.tsv.gz",
     PreviewKind.CSV, ["gzip", "decompressed on the fly"]),
    (STITCHED, "metadata/tile_positions.min.json", PreviewKind.JSON, ["JSON", "showing the first"]),
    (RAW_661, "raw/recording_1GiB.bin", PreviewKind.BINARY,
     ["binary file, 1,073,741,824 bytes", "hex view", "showing the first 256 KiB"]),
]


@pytest.mark.slow
async def test_preview_of_each_kind(emulator: Emulator, demo_seed: Any) -> None:
    """Every kind of file in the demo seed, in one session (an asset's screen per group)."""
    app = make_app(emulator)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        for asset in dict.fromkeys(kind[0] for kind in KINDS):
            screen = await open_detail(app, pilot, _id(demo_seed, asset))
            pane = await open_files(app, pilot, screen)
            for _asset, path, kind, expected in (k for k in KINDS if k[0] == asset):
                preview = await preview_file(app, pilot, pane, path)
                shown = pane.shown_preview
                assert shown is not None and shown.kind == kind, (path, shown)
                text = "\n".join([title_text(pane), preview_text(preview),
                                  *preview.visible_text()])
                for snippet in expected:
                    assert snippet in text, (path, snippet, text[:2000])
                assert not has_raw_controls(text), path
            await pilot.press("escape")
            await settle(app, pilot)
    assert app._exception is None


async def test_markdown_raw_toggle(emulator: Emulator, demo_seed: Any) -> None:
    app = make_app(emulator)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_detail(app, pilot, _id(demo_seed, UNIT_QC))
        pane = await open_files(app, pilot, screen)
        preview = await preview_file(app, pilot, pane, "README.md")
        rendered = preview_text(preview)
        assert "• " in rendered and "- **" not in rendered
        await pilot.press("m")
        await settle(app, pilot)
        raw = preview_text(preview)
        assert "   1 │ # Unit QC" in raw and "- **" in raw
        assert "m shows rendered" in title_text(pane)
        await pilot.press("m")
        assert preview_text(preview) == rendered
    assert app._exception is None


async def test_single_line_file_is_cut_with_a_marker(emulator: Emulator, demo_seed: Any) -> None:
    app = make_app(emulator)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_detail(app, pilot, _id(demo_seed, STITCHED))
        pane = await open_files(app, pilot, screen)
        preview = await preview_file(app, pilot, pane, "metadata/tile_positions.min.json")
        # re-indented: many short lines instead of one of 250 KB
        lines = preview.document_text(50)
        assert len(lines) == 50 and all(len(line) < 300 for line in lines)
        assert "L loads more" in title_text(pane)
    assert app._exception is None


async def test_4_gib_file_reads_256_kib_and_loads_more(
    emulator: Emulator, recorder: Any, demo_seed: Any, clock: Any
) -> None:
    app = make_app(emulator, recorder)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_detail(app, pilot, _id(demo_seed, RAW_661))
        pane = await open_files(app, pilot, screen)
        preview = await preview_file(app, pilot, pane, "raw/acquisition_4GiB.log")
        reads = [r for r in recorder.requests if "range" in r.headers]
        assert [r.headers["range"] for r in reads] == ["bytes=0-262143"]
        assert "showing the first 256 KiB of 4 GiB" in title_text(pane)
        text = preview_text(preview, 100_000)
        assert "press L to load the next 256 KiB" in text
        first_count = preview.document.height(100)
        last_line = pane.shown_preview.body.lines  # type: ignore[union-attr]
        # the signed URL has expired by the time the reader asks for more: fetched again once
        clock.now += 10 * 24 * 3600
        urls_before = len(recorder.sent("GET", "/files/urls"))
        await pilot.press("L")
        await settle(app, pilot)
        assert len(recorder.sent("GET", "/files/urls")) == urls_before + 1
        reads = [r.headers["range"] for r in recorder.requests if "range" in r.headers]
        assert reads[-1].startswith("bytes=26") and reads[-1] != "bytes=0-262143"
        assert preview.document.height(100) > first_count
        more = preview_text(preview, 100_000)
        assert f"{len(last_line) + 1:>4} │ " in more  # line numbers continue
        assert "showing bytes" in title_text(pane)
    assert app._exception is None


async def test_stale_previews_are_dropped_when_moving_quickly(
    emulator: Emulator, recorder: Any, demo_seed: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(files_pane, "PREVIEW_DELAY", 0.05)
    app = make_app(emulator, recorder)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_detail(app, pilot, _id(demo_seed, UNIT_QC))
        pane = await open_files(app, pilot, screen)
        tree = pane.file_tree
        await open_path(app, pilot, tree, "figures")
        await open_path(app, pilot, tree, "code")
        before = len(recorder.sent("GET", "/files/urls"))
        tree.focus()
        tree._move_to(find_row(tree, "analysis.R"))
        for _ in range(6):  # down through several files without waiting
            tree.action_cursor(1)
        await pilot.pause(0.3)
        await settle(app, pilot)
        final = tree.highlighted
        assert final is not None
        assert pane.shown_preview is not None and pane.shown_preview.name == final.path
        # only the file the cursor stopped on was fetched
        assert len(recorder.sent("GET", "/files/urls")) - before <= 1
        # a slow preview that completes after the cursor moved on is dropped
        item_a = tree.row_item(find_row(tree, "analysis.R"))
        assert item_a is not None
        pane._start_preview(item_a, delay=0)
        pane._start_preview(final, delay=0)
        await settle(app, pilot)
        assert pane.shown_preview.name == final.path
    assert app._exception is None


async def test_external_asset_is_explained(emulator: Emulator, recorder: Any, demo_seed: Any) -> None:
    app = make_app(emulator, recorder)
    external = next(a for a in demo_seed.assets
                    if a.source_bucket and a.source_bucket.get("external"))
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_detail(app, pilot, external.id)
        pane = await open_files(app, pilot, screen)
        note = str(pane.query_one("#files-note", Static).render())
        bucket = external.source_bucket["bucket"]
        assert f"s3://{bucket}/" in note and "outside Code Ocean" in note
        assert recorder.sent("POST", "/files") == []
        origin = dict(screen.query_one("#overview-fields", FieldList).rows)["Origin"]
        assert origin.plain.startswith("external: s3://")
    assert app._exception is None


async def test_draft_and_failed_assets_have_no_files_yet(
    emulator: Emulator, demo_seed: Any
) -> None:
    app = make_app(emulator)
    draft = next(a for a in demo_seed.assets if a.state == "draft")
    failed = next(a for a in demo_seed.assets if a.state == "failed")
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_detail(app, pilot, draft.id)
        pane = await open_files(app, pilot, screen)
        assert "no files yet" in str(pane.query_one("#files-note", Static).render())
        await pilot.press("escape")
        screen = await open_detail(app, pilot, failed.id)
        pane = await open_files(app, pilot, screen)
        note = str(pane.query_one("#files-note", Static).render())
        assert "failed" in note and "no files" in note
        assert "Failure reason" in dict(screen.query_one("#overview-fields", FieldList).rows)
    assert app._exception is None


async def test_listing_errors_show_a_retry_row_and_never_end_the_app(
    emulator: Emulator, demo_seed: Any
) -> None:
    app = make_app(emulator)
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        screen = await open_detail(app, pilot, _id(demo_seed, UNIT_QC))
        emulator.faults.inject("503", times=30, path_contains="/files")
        pane = await open_files(app, pilot, screen)
        tree = pane.file_tree
        assert tree.folder_state("") == "error"
        assert "enter to retry" in tree_rows(tree)[0]
        assert app._notifications
        emulator.faults.clear()
        tree.focus()
        await pilot.press("enter")
        await settle(app, pilot)
        assert tree.folder_state("") == "loaded"
        # a preview whose read fails says so in the pane
        emulator.faults.inject("503", times=30, path_contains="README")
        await preview_file(app, pilot, pane, "README.md")
        assert pane.shown_preview is not None and pane.shown_preview.kind == PreviewKind.ERROR
        assert "could not read" in preview_text(pane.preview)
    assert app._exception is None


async def test_hostile_file_names_and_contents_render_inert(clock: Any) -> None:
    emulator = hostile_emulator(clock)
    app = make_app(emulator)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_detail(app, pilot, aid(1))
        pane = await open_files(app, pilot, screen)
        tree = pane.file_tree
        rows = tree_rows(tree)
        assert any("\\x1b]0;PWNED_TITLE" in r for r in rows)
        for path in (f"{HOSTILE_NAME}.txt", "table.csv", "notes.md", "code/evil.py"):
            preview = await preview_file(app, pilot, pane, path)
            text = preview_text(preview) + title_text(pane) + "\n".join(preview.visible_text())
            assert "PWNED_TITLE" in text and not has_raw_controls(text), path
            stream = full_frame(screen).render_segments(app.console)
            assert "\x1b]0;" not in stream and "\x1b]52" not in stream and "\x9b" not in stream
            assert "\u202e" not in stream
            update = full_frame(screen)
            for line in update.strips:
                for strip in line:
                    for segment in strip:
                        style = segment.style
                        assert style is None or not style.link
                        assert style is None or "@click" not in (style.meta or {})
        await open_path(app, pilot, tree, f"dir {HOSTILE_NAME}")
        assert any("inner.txt" in r for r in tree_rows(tree))
    assert app._exception is None


async def test_narrow_terminal_swaps_tree_and_preview(emulator: Emulator, demo_seed: Any) -> None:
    app = make_app(emulator)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_detail(app, pilot, _id(demo_seed, UNIT_QC))
        pane = await open_files(app, pilot, screen)
        assert pane.narrow
        tree = pane.file_tree
        assert not pane.query_one("#preview-pane").display
        tree._move_to(find_row(tree, "README.md"))
        await pilot.press("enter")
        await settle(app, pilot)
        assert pane.query_one("#preview-pane").display
        assert not pane.query_one("#tree-pane").display
        assert any("Unit QC" in line for line in pane.preview.visible_text())
        await pilot.press("escape")  # back to the tree, not out of the screen
        await settle(app, pilot)
        assert app.screen is screen and tree.has_focus
        assert pane.query_one("#tree-pane").display
        await pilot.press("escape")
        await settle(app, pilot)
        assert app.screen is not screen
    assert app._exception is None


def _offered(screen: Any) -> set[str]:
    """The Files-tab actions the footer offers now (check_action not False)."""
    actions = {b.binding.action for b in screen.active_bindings.values()}
    return actions & {"filter", "load_more", "toggle_raw"}


async def test_footer_offers_only_the_preview_keys_that_apply(emulator: Emulator,
                                                              demo_seed: Any) -> None:
    app = make_app(emulator)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_detail(app, pilot, _id(demo_seed, STITCHED))
        pane = await open_files(app, pilot, screen)
        assert _offered(screen) == {"filter"}  # a folder is highlighted: nothing to load or flip
        await preview_file(app, pilot, pane, "metadata/tile_positions.min.json")
        await settle(app, pilot)
        assert _offered(screen) == {"filter", "load_more"}  # 250 KB on one line: more to read
        pane.file_tree._move_to(find_row(pane.file_tree, "metadata/"))
        await settle(app, pilot)
        assert _offered(screen) == {"filter"}
    app = make_app(emulator)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_detail(app, pilot, _id(demo_seed, UNIT_QC))
        pane = await open_files(app, pilot, screen)
        pane.file_tree._move_to(find_row(pane.file_tree, "README.md"))
        await settle(app, pilot)
        assert _offered(screen) == {"filter"}  # narrow: the tree alone is on screen
        await pilot.press("enter")
        await settle(app, pilot)
        assert _offered(screen) == {"toggle_raw"}  # the Markdown preview replaced the tree
        await pilot.press("escape")
        await settle(app, pilot)
        assert _offered(screen) == {"filter"}
    assert app._exception is None
