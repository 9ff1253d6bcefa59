"""The create dialog (c) under Pilot, against the demo emulator: the deployment's custom metadata
in the form, combined assets made of external assets only, S3 endpoints and legacy bucket names,
external results, and the exact request each one sends."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any

import pytest
from textual.app import App
from textual.screen import Screen
from textual.widgets import Checkbox, Input, Select, Static

from co_tui.api import CodeOceanClient
from co_tui.api.models import DataAsset
from co_tui.emulator import Emulator, EmulatorConfig
from co_tui.emulator.seeds.demo_base import asset_id
from co_tui.emulator.seeds.demo_runs import computation_id
from co_tui.modals.create_asset import CreateScreen
from co_tui.widgets.choice import Choice

SPIM_RAW = asset_id("SmartSPIM_695464_2023-10-18_20-52-55 raw")  # external
EXA_RAW = asset_id("exaSPIM_653158_2023-06-01_21-08-12 raw")  # external
BEHAVIOR = asset_id("behavior_661398 dynamic foraging")  # internal
SORT_RUN = computation_id("sort-664484")


@pytest.fixture
def emulator(clock, demo_seed):  # type: ignore[no-untyped-def]
    """The demo emulator built from the session's seed records."""
    return Emulator(EmulatorConfig(seed="demo", clock=clock), seed_data=demo_seed)


class Host(App[None]):
    """Pushes the dialog on start and records what it dismisses with."""

    def __init__(self, make: Callable[[], Screen[Any]]) -> None:
        super().__init__()
        self.make = make
        self.dismissed: list[object] = []

    def on_mount(self) -> None:
        self.push_screen(self.make(), self.dismissed.append)


async def settle(app: App[Any], pilot: Any) -> None:
    for _ in range(3):
        await pilot.pause()
        await app.workers.wait_for_complete()
    await pilot.pause()


async def fill(pilot: Any, selector: str, value: str) -> None:
    """Put ``value`` in an Input as a paste would."""
    widget = pilot.app.screen.query_one(selector, Input)
    widget.focus()
    widget.value = value
    await pilot.pause()


def text_of(app: App[Any], selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


def create_bodies(recorder) -> list[dict[str, Any]]:  # type: ignore[no-untyped-def]
    return [json.loads(r.content) for r in recorder.requests
            if r.method == "POST" and r.url.path == "/api/v1/data_assets"]


def custom_index(app: App[Any], name: str) -> int:
    screen = app.screen
    assert isinstance(screen, CreateScreen)
    return screen.custom_names.index(name)


async def test_a_required_custom_field_is_refused_before_any_request(client: CodeOceanClient, recorder) -> None:  # type: ignore[no-untyped-def]
    app = Host(lambda: CreateScreen(client, []))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert str(app.screen.query_one("#create-custom-0", Input).placeholder) == "text"
        labels = [str(s.render()) for s in app.screen.query(".create-label")]
        assert "project *" in labels and "data_level" in labels  # only required ones marked
        await fill(pilot, "#create-bucket", "demo-public-bucket")
        await fill(pilot, "#create-name", "iris")
        temperature = custom_index(app, "temperature_c")
        await fill(pilot, f"#create-custom-{temperature}", "55")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert text_of(app, "#create-custom-0-error") == "required"
        assert text_of(app, f"#create-custom-{temperature}-error") == "must be at most 40"
        assert "Fix the fields" in text_of(app, "#create-status")
        assert app.focused is app.screen.query_one("#create-custom-0", Input)
        # fixing them clears the messages as they are typed, and then it is sent
        await pilot.press(*"Iris")
        await fill(pilot, f"#create-custom-{temperature}", "21.5")
        await settle(app, pilot)
        assert text_of(app, "#create-custom-0-error") == ""
        assert text_of(app, f"#create-custom-{temperature}-error") == ""
        assert create_bodies(recorder) == []
        level = app.screen.query_one(f"#create-custom-{custom_index(app, 'data_level')}", Select)
        level.value = "raw"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
    assert create_bodies(recorder) == [{
        "name": "iris", "tags": [], "mount": "iris",
        "source": {"aws": {"bucket": "demo-public-bucket", "prefix": "",
                           "keep_on_external_storage": False, "public": False}},
        "custom_metadata": {"project": "Iris", "data_level": "raw", "temperature_c": 21.5},
    }]
    asset = app.dismissed[0]
    assert isinstance(asset, DataAsset) and asset.custom_metadata == {
        "project": "Iris", "data_level": "raw", "temperature_c": 21.5}


async def test_combined_offers_only_the_external_assets_and_says_why(client: CodeOceanClient, recorder) -> None:  # type: ignore[no-untyped-def]
    selection = [await client.data_assets.get_data_asset(i) for i in (SPIM_RAW, BEHAVIOR, EXA_RAW)]
    app = Host(lambda: CreateScreen(client, selection))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        options = [label for _, label in app.screen.query_one("#create-source", Choice).options]
        assert options == ["S3 bucket", "computation results", "combine 2 selected"]
        assert text_of(app, "#create-combine-note") == (
            "1 of 3 selected is not external and left out: combined assets are made of two or "
            "more external assets.")
        await pilot.press("left")
        await settle(app, pilot)
        parts = text_of(app, "#create-parts")
        assert "SmartSPIM_695464" in parts and "exaSPIM_653158" in parts
        assert "behavior_661398" not in parts
        await fill(pilot, "#create-name", "light-sheet pair")
        await fill(pilot, "#create-custom-0", "Thalamus in the middle")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
    assert create_bodies(recorder) == [{
        "name": "light-sheet pair", "tags": [], "mount": "light-sheet_pair",
        "custom_metadata": {"project": "Thalamus in the middle"},
        "data_asset_ids": [SPIM_RAW, EXA_RAW],
    }]
    asset = app.dismissed[0]
    assert isinstance(asset, DataAsset) and asset.type == "combined"


async def test_an_external_result_sends_its_target(client: CodeOceanClient, recorder) -> None:  # type: ignore[no-untyped-def]
    app = Host(lambda: CreateScreen(client, []))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("right")  # computation results
        assert not app.screen.query_one("#create-target").display
        await fill(pilot, "#create-computation_id", SORT_RUN)
        await pilot.press("tab", "tab", "space")  # path, then the external-result checkbox
        await settle(app, pilot)
        assert app.screen.query_one("#create-external_result", Checkbox).value
        assert app.screen.query_one("#create-target").display
        await fill(pilot, "#create-name", "sorting in S3")
        await fill(pilot, "#create-custom-0", "Brain Computer Interface")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert "enter a bucket name" in text_of(app, "#create-target_bucket-error")
        assert create_bodies(recorder) == []
        await fill(pilot, "#create-target_bucket", "s3://Legacy_Exports/sorting")
        await fill(pilot, "#create-target_endpoint", "minio-lab")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
    assert create_bodies(recorder) == [{
        "name": "sorting in S3", "tags": [], "mount": "sorting_in_S3",
        "source": {"computation": {"id": SORT_RUN}},
        "target": {"aws": {"bucket": "Legacy_Exports", "endpoint_name": "minio-lab",
                           "prefix": "sorting"}},
        "custom_metadata": {"project": "Brain Computer Interface"},
    }]
    asset = app.dismissed[0]
    assert isinstance(asset, DataAsset) and asset.type == "result"


async def test_s3_with_a_custom_endpoint_and_a_legacy_bucket(client: CodeOceanClient, recorder) -> None:  # type: ignore[no-untyped-def]
    app = Host(lambda: CreateScreen(client, []))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await fill(pilot, "#create-bucket", "Lab_Archive.2016")
        await fill(pilot, "#create-prefix", "/runs/7/")
        await fill(pilot, "#create-endpoint_name", "ceph-east")
        await pilot.press("tab", "space")  # keep on external storage
        await fill(pilot, "#create-name", "archive run 7")
        await fill(pilot, "#create-tags", "archive")
        await fill(pilot, "#create-custom-0", "Resting-state cohort A")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
    assert create_bodies(recorder) == [{
        "name": "archive run 7", "tags": ["archive"], "mount": "archive_run_7",
        "source": {"aws": {"bucket": "Lab_Archive.2016", "endpoint_name": "ceph-east",
                           "prefix": "runs/7", "keep_on_external_storage": True,
                           "public": False}},
        "custom_metadata": {"project": "Resting-state cohort A"},
    }]


async def test_without_the_schema_the_server_names_the_missing_field(client: CodeOceanClient, emulator: Emulator, recorder) -> None:  # type: ignore[no-untyped-def]
    emulator.faults.inject("500", 10, "GET", "/custom_metadata")
    app = Host(lambda: CreateScreen(client, []))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        note = str(app.screen.query_one("#create-custom .create-note", Static).render())
        assert "could not be loaded" in note and "created without custom metadata" in note
        await fill(pilot, "#create-bucket", "demo-public-bucket")
        await fill(pilot, "#create-name", "iris")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        status = text_of(app, "#create-status")
        assert "required custom metadata missing: 'project'" in status
        assert "Everything you typed is kept" in status
        assert isinstance(app.screen, CreateScreen)
    assert len(create_bodies(recorder)) == 1 and app.dismissed == []


async def test_nothing_is_sent_while_the_schema_is_loading(client: CodeOceanClient, recorder, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    answer = asyncio.Event()
    original = client.custom_metadata.get_custom_metadata

    async def slow() -> Any:
        await answer.wait()
        return await original()

    monkeypatch.setattr(client.custom_metadata, "get_custom_metadata", slow)
    app = Host(lambda: CreateScreen(client, []))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert "Loading the custom metadata" in str(
            app.screen.query_one("#create-custom .create-note", Static).render())
        await fill(pilot, "#create-bucket", "demo-public-bucket")
        await fill(pilot, "#create-name", "iris")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "still loading" in text_of(app, "#create-status")
        assert create_bodies(recorder) == []
        answer.set()
        await settle(app, pilot)
        assert app.screen.query_one("#create-custom-0", Input)
        await pilot.press("ctrl+s")  # now checked against the schema: project is required
        await settle(app, pilot)
        assert text_of(app, "#create-custom-0-error") == "required"
    assert create_bodies(recorder) == []
