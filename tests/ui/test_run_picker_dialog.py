"""Create from a run under Pilot, against the demo emulator: the run picker opened from the
create dialog, a run chosen from the capsule co-tui runs in (or one found by search), its results
browsed and one folder marked, the asset created from it; runs that cannot be captured refused
with the reason; unknown capsule and computation IDs reported."""

from __future__ import annotations

from typing import Any

import pytest
from textual.app import App
from textual.widgets import Input, OptionList

from co_tui.api import CodeOceanClient
from co_tui.api.models import DataAsset
from co_tui.emulator import Emulator, EmulatorConfig
from co_tui.emulator.seeds.demo_runs import capsule_id, computation_id
from co_tui.modals.create_asset import CreateScreen
from co_tui.modals.create_results import ResultsTree
from co_tui.modals.create_runs import RunPickerScreen
from tests.ui.test_create_dialog import Host, create_bodies, fill, settle, text_of

SORT_CAPSULE = capsule_id("sort")
SORTED_RUN = computation_id("sort-664484")
UNKNOWN = "00000000-0000-4000-8000-000000000000"


@pytest.fixture
def emulator(clock, demo_seed):  # type: ignore[no-untyped-def]
    """The demo emulator built from the session's seed records."""
    return Emulator(EmulatorConfig(seed="demo", clock=clock), seed_data=demo_seed)


@pytest.fixture
def in_sort_capsule(monkeypatch: pytest.MonkeyPatch) -> None:
    """co-tui runs inside the demo's spike-sorting capsule."""
    monkeypatch.setenv("CO_CAPSULE_ID", SORT_CAPSULE)


async def open_picker(app: App[Any], pilot: Any) -> RunPickerScreen:
    """From the create dialog: the computation source, then the button that opens the picker."""
    await settle(app, pilot)
    await pilot.press("right")  # source: computation results
    await pilot.press("tab")  # the "choose from a capsule's recent runs" button
    await pilot.press("enter")
    await settle(app, pilot)
    assert isinstance(app.screen, RunPickerScreen)
    return app.screen


def run_lines(app: App[Any]) -> list[str]:
    runs = app.screen.query_one("#runs-list", OptionList)
    return [str(runs.get_option_at_index(i).prompt) for i in range(runs.option_count)]


def tree_labels(tree: ResultsTree) -> list[str]:
    labels: list[str] = []

    def walk(node: Any, depth: int) -> None:
        labels.append("  " * depth + str(node.label))
        if node.is_expanded:
            for child in node.children:
                walk(child, depth + 1)

    walk(tree.root, 0)
    return labels


@pytest.mark.usefixtures("in_sort_capsule")
async def test_a_run_of_this_capsule_and_a_folder_of_its_results_make_the_asset(client: CodeOceanClient, recorder) -> None:  # type: ignore[no-untyped-def]
    app = Host(lambda: CreateScreen(client, []))
    async with app.run_test(size=(100, 36)) as pilot:
        picker = await open_picker(app, pilot)
        assert "Kilosort4 spike sorting" in text_of(app, "#runs-capsule-info")
        assert "the capsule co-tui runs in" in text_of(app, "#runs-capsule-info")
        lines = run_lines(app)  # newest first; the running and the stopped run say why not
        assert [line.splitlines()[0] for line in lines] == [
            "Run 14 - Kilosort4 spike sorting", "Run 13 - Kilosort4 spike sorting",
            "Run 12 - Kilosort4 spike sorting"]
        assert "running" in lines[0] and "only completed runs can be captured" in lines[0]
        assert "completed (stopped)" in lines[1] and "produced no results" in lines[1]
        assert "ended 2025-05-12" in lines[2] and "results" in lines[2] and "✗" not in lines[2]
        assert picker.query_one("#runs-list", OptionList).highlighted == 2  # the usable one
        assert app.focused is picker.query_one("#runs-list")
        await pilot.press("enter")  # its results: /results, listed one level
        await settle(app, pilot)
        tree = picker.query_one(ResultsTree)
        assert app.focused is tree
        assert tree_labels(tree) == [
            "[✓] /results  (every result file)", "  [ ] code/", "  [ ] environment/",
            "  [ ] kilosort4/", "  [ ] logs/", "  [ ] sorting_summary.json  194 B"]
        assert "Captures all of /results" in text_of(app, "#runs-status")
        await pilot.press("down", "down", "down", "enter")  # open kilosort4: listed now
        await settle(app, pilot)
        assert "    [ ] ProbeA/" in tree_labels(tree)
        await pilot.press("space")  # mark kilosort4: the mark moves off /results
        await settle(app, pilot)
        assert tree.ticked == "kilosort4"
        assert tree_labels(tree)[0].startswith("[ ]") and "  [✓] kilosort4/" in tree_labels(tree)
        assert "Captures /results/kilosort4" in text_of(app, "#runs-status")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, CreateScreen)
        assert app.screen.query_one("#create-computation_id", Input).value == SORTED_RUN
        assert app.screen.query_one("#create-path", Input).value == "kilosort4"
        assert "captures /results/kilosort4" in text_of(app, "#create-computation-info")
        assert app.screen.query_one("#create-name", Input).has_focus
        await pilot.press(*"sorted 664484")
        await fill(pilot, "#create-custom-0", "Spike sorting")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
    assert create_bodies(recorder) == [{
        "name": "sorted 664484", "tags": [], "mount": "sorted_664484",
        "source": {"computation": {"id": SORTED_RUN, "path": "kilosort4"}},
        "custom_metadata": {"project": "Spike sorting"},
    }]
    asset = app.dismissed[0]
    assert isinstance(asset, DataAsset) and asset.type == "result"
    assert asset.provenance is not None and asset.provenance.computation == SORTED_RUN
    settled = await client.data_assets.get_data_asset(asset.id)
    assert settled.source_bucket is None or settled.source_bucket.origin != "aws"
    assert settled.provenance is not None and settled.provenance.computation == SORTED_RUN


@pytest.mark.usefixtures("in_sort_capsule")
async def test_running_and_stopped_runs_are_refused_with_the_reason(client: CodeOceanClient) -> None:
    app = Host(lambda: CreateScreen(client, []))
    async with app.run_test(size=(80, 24)) as pilot:
        picker = await open_picker(app, pilot)
        await pilot.press("up", "up", "enter")  # Run 14, running
        await settle(app, pilot)
        status = text_of(app, "#runs-status")
        assert "Run 14 - Kilosort4 spike sorting cannot be captured" in status
        assert "the run is running: only completed runs can be captured" in status
        assert not picker.query_one(ResultsTree).display
        await pilot.press("down", "ctrl+s")  # Run 13: stopped without results
        await settle(app, pilot)
        assert app.screen is picker
        assert "the run produced no results" in text_of(app, "#runs-status")
        await pilot.press("escape")  # back to the form, nothing filled in
        await settle(app, pilot)
        assert isinstance(app.screen, CreateScreen)
        assert app.screen.query_one("#create-computation_id", Input).value == ""


async def test_a_capsule_found_by_search_and_its_failed_run(client: CodeOceanClient) -> None:
    app = Host(lambda: CreateScreen(client, []))
    async with app.run_test(size=(80, 24)) as pilot:
        picker = await open_picker(app, pilot)  # outside a capsule: choose one first
        assert app.focused is picker.query_one("#runs-capsule", Input)
        assert picker.query_one("#runs-sources", OptionList).option_count > 3
        await pilot.press(*"fusion")
        await pilot.pause(0.5)
        await settle(app, pilot)
        sources = picker.query_one("#runs-sources", OptionList)
        assert sources.option_count == 1
        await pilot.press("enter")
        await settle(app, pilot)
        assert "Light-sheet fusion and CCF registration" in text_of(app, "#runs-capsule-info")
        lines = run_lines(app)
        assert len(lines) == 1 and "failed  ·  ended 2025-06-21" in lines[0]
        assert "0 with results to capture" in text_of(app, "#runs-status")
        await pilot.press("enter")
        await settle(app, pilot)
        assert "the run failed: only completed runs can be captured" in text_of(
            app, "#runs-status")


async def test_unknown_capsule_and_computation_ids_are_reported(client: CodeOceanClient, recorder) -> None:  # type: ignore[no-untyped-def]
    app = Host(lambda: CreateScreen(client, []))
    async with app.run_test(size=(80, 24)) as pilot:
        picker = await open_picker(app, pilot)
        picker.query_one("#runs-capsule", Input).value = UNKNOWN
        await pilot.pause(0.5)
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        assert "No capsule or pipeline with this ID is visible to you" in text_of(
            app, "#runs-capsule-info")
        assert run_lines(app) == []
        await pilot.press("escape")
        await settle(app, pilot)
        # typed by hand: looked up, reported, and nothing is sent
        await fill(pilot, "#create-computation_id", UNKNOWN)
        await pilot.pause(0.5)
        await settle(app, pilot)
        assert text_of(app, "#create-computation-info") == \
            "no computation with this ID is visible to you"
        await fill(pilot, "#create-name", "from nowhere")
        await fill(pilot, "#create-custom-0", "Nowhere")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert text_of(app, "#create-computation_id-error") == \
            "no computation with this ID is visible to you"
    assert create_bodies(recorder) == []


async def test_a_capsule_that_is_not_shared_says_so(client_for, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("CO_CAPSULE_ID", SORT_CAPSULE)
    alan = client_for("alan@example.org")  # the sorting capsule is not shared with Alan
    app = Host(lambda: CreateScreen(alan, []))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_picker(app, pilot)
        assert "No capsule or pipeline with this ID is visible to you" in text_of(
            app, "#runs-capsule-info")
