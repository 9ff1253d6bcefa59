"""Asset detail screen against the in-process emulator: opening and leaving, the overview with
provenance, lineage navigation, sharing, "attached to", errors (Pilot)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from textual.widgets import OptionList, Static

from co_tui.api.models import FolderItem
from co_tui.commands import palette_actions
from co_tui.emulator import Emulator
from co_tui.screens.asset_detail import AssetDetailScreen
from co_tui.screens.asset_list import AssetListScreen
from co_tui.widgets.asset_table import AssetTable
from co_tui.widgets.overview import FieldList
from tests.ui.test_asset_detail_helpers import (
    HOSTILE,
    OTHER_TOKEN,
    aid,
    has_raw_controls,
    hostile_emulator,
    make_app,
    open_detail,
    settle,
)
from tests.ui.ui_helpers import full_frame


def _asset_id(demo_seed: Any, name: str) -> str:
    return str(next(a.id for a in demo_seed.assets if a.name == name))


def _fields(screen: AssetDetailScreen, selector: str) -> str:
    return str(screen.query_one(selector, FieldList).render())


def _options(screen: AssetDetailScreen, selector: str) -> list[str]:
    links = screen.query_one(selector, OptionList)
    return [str(links.get_option_at_index(i).prompt) for i in range(links.option_count)]


UNIT_QC = "unit QC ecephys_661398 (result)"


async def test_enter_opens_the_detail_and_backspace_and_escape_go_back(
    emulator: Emulator,
) -> None:
    app = make_app(emulator)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        table = app.screen.query_one(AssetTable)
        await pilot.press("slash", *"unit QC", "enter")
        await settle(app, pilot)
        assert table.highlighted is not None and table.highlighted.name == UNIT_QC
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, AssetDetailScreen)
        assert UNIT_QC in str(app.screen.query_one("#detail-title", Static).render())
        await pilot.press("backspace")
        await settle(app, pilot)
        assert isinstance(app.screen, AssetListScreen)
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, AssetDetailScreen)
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, AssetListScreen)
    assert app._exception is None


async def test_overview_shows_every_field_of_a_result_with_provenance(
    emulator: Emulator, demo_seed: Any
) -> None:
    app = make_app(emulator)
    asset_id = _asset_id(demo_seed, UNIT_QC)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_detail(app, pilot, asset_id)
        overview = _fields(screen, "#overview-fields")
        for label in ("Name", "ID", "Type", "State", "Description", "Created", "Created by",
                      "Files", "Size", "Mount", "Tags", "Origin", "Last used",
                      "Custom metadata", "App parameters"):
            assert f"\n{label} " in f"\n{overview}", label
        assert asset_id in overview and UNIT_QC in overview
        assert "ada@example.org" in overview and "/data/ecephys_661398_qc" in overview
        assert "result" in overview and "ready" in overview and "internal" in overview
        assert "min_spikes = 100" in overview
        assert "temperature_c:" in overview and "°C" in overview  # schema units
        assert "Thresholds: ISI violations" in overview  # the description, multi-line
        provenance = _fields(screen, "#provenance-fields")
        assert "Unit QC and curation" in provenance  # the capsule's name, fetched
        for label in ("Capsule", "Commit", "Run script", "Docker image", "Input assets"):
            assert label in provenance
        assert "df44c74327eb62d97002cba1ca50de560af9097a" in provenance
        assert "registry.codeocean.com/capsule/" in provenance
        inputs = _options(screen, "#inputs")
        assert len(inputs) == 2
        assert any("spike sorting kilosort4 ecephys_661398 (result)" in i for i in inputs)
        assert any("ecephys_661398_2023-03-21_15-47-03 raw" in i for i in inputs)
        assert screen.has_class("-has-provenance") and screen.has_class("-has-inputs")
    assert app._exception is None


async def test_lineage_jump_to_an_input_and_back(emulator: Emulator, demo_seed: Any) -> None:
    app = make_app(emulator)
    asset_id = _asset_id(demo_seed, UNIT_QC)
    sorted_id = _asset_id(demo_seed, "spike sorting kilosort4 ecephys_661398 (result)")
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_detail(app, pilot, asset_id)
        links = screen.query_one("#inputs", OptionList)
        links.focus()
        index = next(i for i, text in enumerate(_options(screen, "#inputs")) if sorted_id in text)
        links.highlighted = index
        await pilot.press("enter")
        await settle(app, pilot)
        child = app.screen
        assert isinstance(child, AssetDetailScreen) and child.asset_id == sorted_id
        assert "spike sorting kilosort4" in str(child.query_one("#detail-title").render())
        # a computation as the source: its name is fetched too
        assert "Computation" in _fields(child, "#provenance-fields")
        await pilot.press("backspace")
        await settle(app, pilot)
        assert app.screen is screen
    assert app._exception is None


async def test_combined_asset_lists_its_parts_as_links(emulator: Emulator, demo_seed: Any) -> None:
    app = make_app(emulator)
    combined = next(a for a in demo_seed.assets if a.contained_data_assets)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_detail(app, pilot, combined.id)
        parts = _options(screen, "#contained")
        assert len(parts) == len(combined.contained_data_assets)
        assert all("/data/" in p for p in parts)
        assert "Contains" in _fields(screen, "#overview-fields")
    assert app._exception is None


async def test_missing_and_invisible_inputs_show_as_not_available(clock: Any) -> None:
    emulator = hostile_emulator(clock)
    app = make_app(emulator)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_detail(app, pilot, aid(2))
        inputs = _options(screen, "#inputs")
        assert sum("not available" in text for text in inputs) == 2  # 404 and invisible
        assert any("Hostile" in text for text in inputs)
        links = screen.query_one("#inputs", OptionList)
        assert [links.get_option_at_index(i).disabled for i in range(3)] == [True, True, False]
        provenance = _fields(screen, "#provenance-fields")
        assert "capsule not available" in provenance
        assert "computation not available" in provenance
    assert app._exception is None


async def test_asset_not_found_says_so_and_goes_back(emulator: Emulator) -> None:
    app = make_app(emulator)
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await settle(app, pilot)
        assert app.client is not None
        await app.push_screen(AssetDetailScreen(app.client, aid(12345)))
        await settle(app, pilot)
        assert isinstance(app.screen, AssetListScreen)
        assert any("not found" in str(n.message) for n in app._notifications)
    assert app._exception is None


async def test_load_failure_is_reported_and_retry_recovers(emulator: Emulator, demo_seed: Any) -> None:
    app = make_app(emulator)
    asset_id = _asset_id(demo_seed, UNIT_QC)
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await settle(app, pilot)
        emulator.faults.inject("503", times=20, path_contains=f"/data_assets/{asset_id}")
        assert app.client is not None
        screen = AssetDetailScreen(app.client, asset_id)
        await app.push_screen(screen)
        await settle(app, pilot)
        assert app.screen is screen
        assert "press r to retry" in _fields(screen, "#overview-fields")
        assert app._notifications
        emulator.faults.clear()
        await pilot.press("r")
        await settle(app, pilot)
        assert UNIT_QC in _fields(screen, "#overview-fields")
    assert app._exception is None


async def test_sharing_tab_lists_users_groups_and_everyone(
    emulator: Emulator, demo_seed: Any
) -> None:
    app = make_app(emulator)
    shared = next(a for a in demo_seed.assets
                  if a.owner == demo_seed.users[0].id and a.shared_users and a.shared_groups)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_detail(app, pilot, shared.id)
        await pilot.press("3")
        await settle(app, pilot)
        text = str(screen.query_one("#sharing-text", Static).render())
        assert "Users" in text and "Groups" in text and "Everyone" in text
        email, role = shared.shared_users[0]
        assert email in text and role in text
        assert shared.shared_groups[0][0] in text
    assert app._exception is None


class Forbid(httpx.AsyncBaseTransport):
    """Answers 403 to requests whose path contains ``path``; passes the rest through."""

    def __init__(self, inner: httpx.AsyncBaseTransport, path: str) -> None:
        self.inner = inner
        self.path = path

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self.path in request.url.path:
            return httpx.Response(403, json={"message": "forbidden"})
        return await self.inner.handle_async_request(request)


async def test_sharing_forbidden_says_only_owners_can_see_it(clock: Any) -> None:
    emulator = hostile_emulator(clock)
    app = make_app(emulator, Forbid(emulator.transport(), "/permissions"))
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_detail(app, pilot, aid(4))
        await pilot.press("3")
        await settle(app, pilot)
        assert "Only owners can see sharing" in str(screen.query_one("#sharing-text").render())
    assert app._exception is None


async def test_attached_tab_marks_this_capsule(
    clock: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CO_CAPSULE_ID", "c-1")
    emulator = hostile_emulator(clock)
    app = make_app(emulator)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_detail(app, pilot, aid(1))
        await pilot.press("4")
        await settle(app, pilot)
        text = str(screen.query_one("#attached-text", Static).render())
        assert "Capsules (1)" in text and "Pipelines (1)" in text
        assert "A pipeline" in text and "this capsule" in text
        assert "this asset is attached to it" in text
        assert not has_raw_controls(text)
    assert app._exception is None


async def test_hostile_overview_renders_inert(clock: Any) -> None:
    emulator = hostile_emulator(clock)
    app = make_app(emulator)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_detail(app, pilot, aid(1))
        overview = _fields(screen, "#overview-fields")
        title = str(screen.query_one("#detail-title").render())
        for text in (overview, title):
            assert "\\x1b]0;PWNED_TITLE" in text  # shown, escaped
            assert "[@click=app.quit]" in text  # shown as text, not run
            assert not has_raw_controls(text)
        update = full_frame(screen)
        stream = update.render_segments(app.console)
        assert "PWNED_TITLE\x07" not in stream and "\x1b]52" not in stream and "\x9b" not in stream
        for line in update.strips:
            for strip in line:
                for segment in strip:
                    style = segment.style
                    assert style is None or not style.link
                    assert style is None or "@click" not in (style.meta or {})
        assert HOSTILE not in stream
    assert app._exception is None


async def test_a_viewer_and_a_stranger_never_crash_the_app(clock: Any) -> None:
    emulator = hostile_emulator(clock)
    app = make_app(emulator, token=OTHER_TOKEN)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        screen = await open_detail(app, pilot, aid(2))  # not visible to this user: 404/403
        await settle(app, pilot)
        assert app.screen is not screen or "retry" in _fields(screen, "#overview-fields")
    assert app._exception is None


async def test_palette_lists_the_screen_actions(emulator: Emulator, demo_seed: Any) -> None:
    app = make_app(emulator)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_detail(app, pilot, _asset_id(demo_seed, UNIT_QC))
        names = [action.description for action in palette_actions(screen)]
        for expected in ("Back", "Files", "Refresh"):
            assert expected in names
        # the Files tab's keys are offered in the Files tab (Load more and Raw/rendered once a
        # preview can use them: see test_palette_detail.py)
        assert "Search paths" not in names
        await pilot.press("2")
        await settle(app, pilot)
        assert "Search paths" in [action.description for action in palette_actions(screen)]
        await pilot.press("4")
        await settle(app, pilot)
        assert screen.active_tab == "attached"
    assert app._exception is None


async def test_works_at_80_by_24(emulator: Emulator, demo_seed: Any) -> None:
    app = make_app(emulator)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_detail(app, pilot, _asset_id(demo_seed, UNIT_QC))
        overview = screen.query_one("#overview-fields", FieldList)
        assert overview.size.width <= 80
        lines = str(overview.render()).split("\n")
        # long values wrap under their own column
        description = next(i for i, line in enumerate(lines) if line.startswith("Description"))
        assert lines[description + 2].startswith(" " * 16)
        assert all(len(line) <= overview.size.width for line in lines)
    assert app._exception is None


async def test_a_lookup_that_finishes_after_the_screen_closed_changes_nothing(
        emulator: Emulator, demo_seed: Any) -> None:
    """Found by the fault matrix: a name lookup (or the asset, or the schema) answered while the
    detail screen was being removed, and filling the provenance raised NoMatches."""
    app = make_app(emulator)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_detail(app, pilot, _asset_id(demo_seed, "spike sorting kilosort4 ecephys_661398 (result)"))
        asset = screen.asset
        assert asset is not None
        await app.pop_screen()
        await settle(app, pilot)
        screen._show_asset(asset)  # what the workers do when their answer arrives
        screen._show_provenance()
        screen._show_links()
        await settle(app, pilot)
    assert app._exception is None


async def test_a_preview_that_finishes_after_the_screen_closed_changes_nothing(
        emulator: Emulator, demo_seed: Any) -> None:
    """Found by the fault matrix (seed 1100): a file preview (or its failure) answered while
    the detail screen was being removed, and updating the preview title raised NoMatches."""
    app = make_app(emulator)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_detail(app, pilot, _asset_id(demo_seed, UNIT_QC))
        await pilot.press("2")
        await settle(app, pilot)
        panel = screen.files.previewer
        item = FolderItem(name="a.txt", path="a.txt", type="file", size=3)
        await app.pop_screen()
        await settle(app, pilot)
        # what the preview worker does when its crash or its answer arrives
        panel._preview_raised(RuntimeError("late"), item, 0.0)
        await panel._load_preview.__wrapped__(panel, item, 0.0)  # type: ignore[attr-defined]
        await settle(app, pilot)
    assert app._exception is None
