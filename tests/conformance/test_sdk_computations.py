"""The official SDK's run listings against the emulator: ``capsules.list_computations``,
``pipelines.list_computations`` and ``computations.list_computation_results``, read by the SDK's
own models (which raise on a missing required key or an unknown enum value)."""

from __future__ import annotations

import pytest
from codeocean import CodeOcean
from codeocean.computation import ComputationState
from codeocean.error import Error

from co_tui.emulator.seeds import load_seed
from co_tui.emulator.seeds.demo_runs import capsule_id, computation_id
from co_tui.emulator.server import ServedEmulator

pytestmark = pytest.mark.filterwarnings("ignore:.*non-optional type:RuntimeWarning")


def _client(served: ServedEmulator, token: str | None = None) -> CodeOcean:
    return CodeOcean(domain=served.domain, token=token or served.emulator.main_token,
                     agent_id="co-tui conformance")


def test_list_computations_of_a_capsule_and_a_pipeline(served: ServedEmulator) -> None:
    co = _client(served)
    runs = co.capsules.list_computations(capsule_id("sort"))
    seeded = {c.id for c in load_seed("demo").computations if c.capsule_id == capsule_id("sort")}
    assert {run.id for run in runs} == seeded
    assert [run.created for run in runs] == sorted((run.created for run in runs), reverse=True)
    states = {run.id: run.state for run in runs}
    assert states[computation_id("sort-664484")] is ComputationState.Completed
    assert states[computation_id("sort-running")] is ComputationState.Running
    done = next(run for run in runs if run.id == computation_id("sort-664484"))
    assert done.has_results and done.end_status and done.data_assets
    single = co.computations.get_computation(done.id)  # (quirks may null its optional fields)
    assert (single.id, single.state, single.created) == (done.id, done.state, done.created)
    pipeline_runs = co.pipelines.list_computations(capsule_id("pipe-ephys"))
    assert [run.id for run in pipeline_runs] == [computation_id("ephys-pipeline-661398")]


def test_list_computation_results_folder_by_folder(served: ServedEmulator) -> None:
    co = _client(served)
    run = computation_id("sort-664484")
    root = co.computations.list_computation_results(run)
    assert root.items and {item.type for item in root.items} == {"folder", "file"}
    folder = next(item for item in root.items if item.type == "folder")
    inside = co.computations.list_computation_results(run, folder.path)
    assert inside.items and all(item.path.startswith(folder.path + "/") for item in inside.items)
    assert all(item.size is not None for item in inside.items if item.type == "file")
    running = co.computations.list_computation_results(computation_id("sort-running"))
    assert running.items == []


def test_run_listings_refuse_what_the_caller_cannot_see(served: ServedEmulator) -> None:
    co = _client(served)
    with pytest.raises(Error) as unknown:
        co.capsules.list_computations("00000000-0000-4000-8000-000000000000")
    assert unknown.value.status_code == 404
    with pytest.raises(Error) as no_run:
        co.computations.list_computation_results("00000000-0000-4000-8000-000000000000")
    assert no_run.value.status_code == 404
    with pytest.raises(Error) as no_folder:
        co.computations.list_computation_results(computation_id("sort-664484"), "no/such")
    assert no_folder.value.status_code == 404
    alan = next(user for user in served.emulator.store.users
                if user.email.startswith("alan") and user.token)
    assert alan.token
    with pytest.raises(Error) as hidden:  # Grace's sorting capsule is not shared with Alan
        _client(served, alan.token).capsules.list_computations(capsule_id("sort"))
    assert hidden.value.status_code == 403
