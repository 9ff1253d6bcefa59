"""``/`` in the Files tab searches every path of the asset: the walk of its folders in the
background, progress, the match list, enter to the tree, escape back, cancellation, the session
cache, failing folders and hostile names (Pilot, in-process emulator)."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
import pytest
from textual.widgets import Static

from co_tui.emulator import Emulator
from co_tui.operations.file_crawl import FileCrawl, crawl, crawl_cache
from co_tui.widgets import files_pane
from co_tui.widgets.file_search import FileSearch
from co_tui.widgets.files_pane import FilesPane
from tests.conftest import RecordingTransport
from tests.ui.test_asset_detail_helpers import (
    HOSTILE_NAME,
    aid,
    has_raw_controls,
    hostile_emulator,
    make_app,
    open_detail,
    open_files,
    settle,
)
from tests.ui.ui_helpers import full_frame

RAW_661 = "ecephys_661398_2023-03-21_15-47-03 raw"
STITCHED = "SmartSPIM_695464 stitched"
FACE = "behavior/videos/face_camera.mp4"


@pytest.fixture(autouse=True)
def _no_preview_delay(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(files_pane, "PREVIEW_DELAY", 0.0)


def _id(demo_seed: Any, name: str) -> str:
    return str(next(a.id for a in demo_seed.assets if a.name == name))


class SlowTransport(httpx.AsyncBaseTransport):
    """Folder listings answer after ``delay`` seconds; ``fail`` maps a folder to a status."""

    def __init__(self, inner: httpx.AsyncBaseTransport, delay: float = 0.0,
                 fail: dict[str, int] | None = None) -> None:
        self.inner = inner
        self.delay = delay
        self.fail = fail or {}

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.method == "POST" and request.url.path.endswith("/files"):
            await request.aread()
            path = json.loads(request.content or b"{}").get("path", "")
            if self.delay:
                await asyncio.sleep(self.delay)
            if path in self.fail:
                return httpx.Response(self.fail[path], json={"message": "boom"})
        return await self.inner.handle_async_request(request)


def search_of(pane: FilesPane) -> FileSearch:
    return pane.query_one(FileSearch)


def status(pane: FilesPane) -> str:
    return str(pane.query_one("#file-search-status", Static).render())


def match_rows(pane: FilesPane) -> list[str]:
    found = search_of(pane).match_list
    return [found.row_text(i, 200).rstrip() for i in range(found.count)]


async def until(pilot: Any, check: Any, limit: float = 10.0) -> None:
    for _ in range(int(limit / 0.02)):
        if check():
            return
        await pilot.pause(0.02)
    raise AssertionError("the condition did not come true")


async def previewing(pilot: Any, pane: FilesPane, path: str) -> None:
    """Wait until the preview shows ``path``."""
    await until(pilot, lambda: pane.shown_preview is not None and pane.shown_preview.name == path)


async def searched(app: Any, pilot: Any, pane: FilesPane) -> None:
    """Wait until the walk is over and its last redraw happened."""
    search = search_of(pane)
    await until(pilot, lambda: search.state is not None and search.state.done
                and "searched" in status(pane))
    await settle(app, pilot)


async def test_finds_a_deep_file_not_yet_loaded_and_opens_it_in_the_tree(
    emulator: Emulator, demo_seed: Any
) -> None:
    app = make_app(emulator)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_detail(app, pilot, _id(demo_seed, RAW_661))
        pane = await open_files(app, pilot, screen)
        tree = pane.file_tree
        assert tree.folder_state("behavior") == "unloaded"
        await pilot.press("slash", *"FACE")
        await searched(app, pilot, pane)
        assert match_rows(pane)[0].startswith(FACE)
        assert "180 MiB" in match_rows(pane)[0]
        assert "1 match" in status(pane) and "could not" not in status(pane)
        assert tree.folder_state("behavior") == "unloaded"  # the tree did not list it itself
        await pilot.press("enter")  # box -> list
        assert search_of(pane).match_list.has_focus
        await pilot.press("enter")  # open it in the tree
        await settle(app, pilot)
        assert not pane.has_class("-searching") and tree.has_focus
        assert tree.highlighted is not None and tree.highlighted.path == FACE
        assert tree.folder_state("behavior/videos") == "loaded"
        await previewing(pilot, pane, FACE)
    assert app._exception is None


async def test_progress_shows_while_walking_then_done(emulator: Emulator, demo_seed: Any) -> None:
    transport = SlowTransport(emulator.transport())
    app = make_app(emulator, transport)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_detail(app, pilot, _id(demo_seed, STITCHED))
        pane = await open_files(app, pilot, screen)
        transport.delay = 1.0  # the walk outlasts the typing even on a loaded machine
        await pilot.press("slash", *"tile_0000")
        assert "searching… " in status(pane), status(pane)
        assert "folder" in status(pane)
        await searched(app, pilot, pane)
        assert "20,011 files in 8 folders searched · 10 matches" in status(pane)
        assert match_rows(pane)[:2] == [
            r for r in match_rows(pane) if r.startswith("tiles/tile_0000")][:2]
    assert app._exception is None


async def test_the_preview_follows_the_highlighted_match_and_the_tree_after(
    emulator: Emulator, demo_seed: Any
) -> None:
    app = make_app(emulator)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_detail(app, pilot, _id(demo_seed, RAW_661))
        pane = await open_files(app, pilot, screen)
        await pilot.press("slash", *"json")
        await searched(app, pilot, pane)
        rows = [row.split()[0] for row in match_rows(pane)]
        files = [row for row in rows if not row.endswith("/")]
        assert len(files) >= 2, rows
        await pilot.press("enter")  # to the list: the first match previews
        await previewing(pilot, pane, rows[0])
        await pilot.press("down")
        await previewing(pilot, pane, rows[1])
        await pilot.press("escape")  # back to the tree: its cursor's file previews again
        await settle(app, pilot)
        item = pane.file_tree.highlighted
        assert item is not None
        if not item.is_folder:
            await previewing(pilot, pane, item.path)
    assert app._exception is None


async def test_escape_goes_back_to_the_tree_where_it_was(emulator: Emulator,
                                                         demo_seed: Any) -> None:
    app = make_app(emulator)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_detail(app, pilot, _id(demo_seed, RAW_661))
        pane = await open_files(app, pilot, screen)
        tree = pane.file_tree
        before = tree.highlighted
        await pilot.press("slash", *"json")
        await searched(app, pilot, pane)
        await pilot.press("down")  # to the list
        assert search_of(pane).match_list.has_focus
        await pilot.press("escape")
        await settle(app, pilot)
        assert not pane.has_class("-searching") and tree.has_focus
        assert tree.highlighted == before
        assert app.screen is screen  # the first escape did not leave the screen
    assert app._exception is None


async def test_leaving_the_tab_or_the_screen_stops_the_walk(emulator: Emulator,
                                                            demo_seed: Any) -> None:
    # slow enough that the walk is still going when the keys to leave arrive, under load too
    recorder = RecordingTransport(SlowTransport(emulator.transport(), delay=0.3))
    app = make_app(emulator, recorder)
    async with app.run_test(size=(120, 36)) as pilot:
        asset_id = _id(demo_seed, RAW_661)
        screen = await open_detail(app, pilot, asset_id)
        pane = await open_files(app, pilot, screen)
        search = search_of(pane)
        await pilot.press("slash", *"face")
        await until(pilot, lambda: search.state is not None and search.state.folders >= 2)
        await pilot.press("escape", "1")  # leave the search, then the tab
        await pilot.pause(0.3)
        assert not search.crawling
        state = search.state
        assert state is not None and not state.done
        sent = len(recorder.sent("POST", "/files"))
        await pilot.pause(0.4)
        assert len(recorder.sent("POST", "/files")) == sent  # nothing more is listed
        await pilot.press("2", "slash")  # back: the walk goes on where it stopped
        await searched(app, pilot, pane)
        assert search.state is state and state.done
        # folders in flight when it stopped may be asked twice, nothing else
        assert len(recorder.sent("POST", "/files")) <= state.folders + 8 + 1
        # a new walk, then leaving the screen: its workers end with it
        crawl_cache(app.client).forget(asset_id)
        await pilot.press("escape")
        await pilot.press("slash")
        await until(pilot, lambda: search.crawling)
        await pilot.press("escape", "escape")  # out of the search, off the screen
        await pilot.pause(0.3)
        assert app.screen is not screen
        assert not any(w.group == "crawl" and not w.is_finished for w in app.workers)
    assert app._exception is None


async def test_a_second_search_of_the_same_asset_lists_nothing(
    emulator: Emulator, recorder: Any, demo_seed: Any
) -> None:
    app = make_app(emulator, recorder)
    async with app.run_test(size=(120, 36)) as pilot:
        asset_id = _id(demo_seed, RAW_661)
        screen = await open_detail(app, pilot, asset_id)
        pane = await open_files(app, pilot, screen)
        await pilot.press("slash", *"face")
        await searched(app, pilot, pane)
        sent = len(recorder.sent("POST", "/files"))
        await pilot.press("escape", "slash")
        await searched(app, pilot, pane)
        assert match_rows(pane)[0].startswith(FACE)  # the text typed is kept
        await pilot.press("escape", "escape")  # leave the screen, open it again
        await settle(app, pilot)
        screen = await open_detail(app, pilot, asset_id)
        pane = await open_files(app, pilot, screen)
        await pilot.press("slash", *"face")
        await searched(app, pilot, pane)
        # only the new screen's own root listing: the walk came from the session's cache
        assert len(recorder.sent("POST", "/files")) == sent + 1
        assert match_rows(pane)[0].startswith(FACE)
        await pilot.press("escape", "r")  # a refresh lists everything again
        await settle(app, pilot)
        await pilot.press("slash")
        await searched(app, pilot, pane)
        assert len(recorder.sent("POST", "/files")) > sent + 3
    assert app._exception is None


async def test_a_changed_asset_is_walked_afresh(emulator: Emulator, client: Any,
                                                demo_seed: Any) -> None:
    asset = await client.data_assets.get_data_asset(_id(demo_seed, RAW_661))
    cache = crawl_cache(client)
    first = cache.get(asset)
    await crawl(client, first)
    assert first.done and cache.get(asset) is first
    from msgspec.structs import replace
    assert cache.get(replace(asset, files=(asset.files or 0) + 1)) is not first


async def test_failing_folders_are_counted_not_fatal(emulator: Emulator, demo_seed: Any) -> None:
    transport = SlowTransport(emulator.transport(), fail={"behavior": 404, "logs": 503})
    app = make_app(emulator, transport)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_detail(app, pilot, _id(demo_seed, RAW_661))
        pane = await open_files(app, pilot, screen)
        await pilot.press("slash", *"json")
        await searched(app, pilot, pane)
        assert "2 folders could not be listed" in status(pane)
        state = search_of(pane).state
        assert state is not None and set(state.failed) == {"behavior", "logs"}
        assert any(r.startswith("data_description.json") for r in match_rows(pane))
    assert app._exception is None


async def test_walk_state_resumes_after_cancel(emulator: Emulator, client: Any,
                                               demo_seed: Any) -> None:
    """Cancelled in the middle, the walk goes on later and ends with each entry once."""
    state = FileCrawl(_id(demo_seed, RAW_661))
    task = asyncio.ensure_future(crawl(client, state, parallel=2))
    while state.folders < 3:  # noqa: ASYNC110 - polling the walk's counter is the point
        await asyncio.sleep(0)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert not state.done
    await crawl(client, state)
    whole = FileCrawl(state.asset_id)
    await crawl(client, whole)
    assert state.done and [i.path for i in state.items] == [i.path for i in whole.items]
    assert len(set(state.lower)) == len(state.lower)


async def test_hostile_names_are_shown_inert(clock: Any) -> None:
    emulator = hostile_emulator(clock)
    app = make_app(emulator)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_detail(app, pilot, aid(1))
        pane = await open_files(app, pilot, screen)
        await pilot.press("slash", *"evil")
        await searched(app, pilot, pane)
        rows = match_rows(pane)
        assert len(rows) >= 3 and not any(has_raw_controls(r) for r in rows)
        assert any("inner.txt" in r for r in rows)
        stream = full_frame(screen).render_segments(app.console)
        assert "\x1b]0;" not in stream and "\x1b]52" not in stream and "\x9b" not in stream
        assert "\u202e" not in stream
        assert HOSTILE_NAME not in "".join(rows)
    assert app._exception is None
