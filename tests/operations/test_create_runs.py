"""The run picker's plain parts: rows newest first with the reason a run cannot be captured,
capsules and pipelines found by search or by ID, and what a marked path captures."""

from __future__ import annotations

import pytest

from co_tui.api import CodeOceanClient
from co_tui.api.errors import NotFoundError
from co_tui.api.models import Computation
from co_tui.emulator.seeds.demo_runs import capsule_id, computation_id
from co_tui.operations.create_runs import (
    RunSource,
    capture_label,
    find_sources,
    list_runs,
    resolve_source,
    run_rows,
)


def test_rows_are_newest_first_and_say_why_a_run_cannot_be_captured() -> None:
    rows = run_rows([
        Computation(id="old", created=100, run_time=60, state="completed", has_results=True),
        Computation(id="ws", created=300, state="running", cloud_workstation=True),
        Computation(id="done-ws", created=250, state="completed", has_results=True,
                    cloud_workstation=True),
        Computation(id="odd", created=200, state="paused"),
    ])
    assert [row.computation.id for row in rows] == ["ws", "done-ws", "odd", "old"]
    assert [row.selectable for row in rows] == [False, False, False, True]
    assert rows[0].problem == "the run is running: only completed runs can be captured"
    assert rows[1].problem is not None and "cloud workstation" in rows[1].problem
    assert rows[2].problem == "the run is paused: only completed runs can be captured"
    assert rows[3].ended == 160 and rows[3].when_text() == "ended 1970-01-01 00:02"
    assert rows[0].ended is None and rows[0].when_text().startswith("started ")
    assert rows[0].state_text() == "cloud workstation, running"
    assert [row.results_text() for row in rows] == ["?", "results", "?", "results"]


def test_what_a_path_captures() -> None:
    assert capture_label("") == "all of /results"
    assert capture_label("kilosort4/ProbeA") == "/results/kilosort4/ProbeA"


async def test_sources_by_search_and_by_id(client: CodeOceanClient) -> None:
    found = await find_sources(client, "ephys")
    assert RunSource(capsule_id("pipe-ephys"), "pipeline", "AIND ephys pipeline (Kilosort4)") \
        in found
    assert all(source.kind == "capsule" for source in found[:1])
    pipeline = await resolve_source(client, f"  {capsule_id('pipe-ephys')} ")
    assert pipeline.kind == "pipeline" and pipeline.name == "AIND ephys pipeline (Kilosort4)"
    listing = await list_runs(client, pipeline)
    assert [row.computation.id for row in listing.rows] == [
        computation_id("ephys-pipeline-661398")]
    with pytest.raises(NotFoundError):
        await resolve_source(client, "00000000-0000-4000-8000-000000000000")
    with pytest.raises(ValueError, match="no spaces"):
        await resolve_source(client, "two words")
