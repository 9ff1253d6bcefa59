"""A capsule's runs (``GET /capsules/{id}/computations``) and a run's result files
(``POST /computations/{id}/results``): order, shapes, visibility and bad paths."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from tests.emulator.emulator_seed import C1, C2, C3, COMP1, COMP2, COMP3, COMP4, P1, P2


async def test_a_capsules_runs_newest_first_as_get_computation_answers_them(main: httpx.AsyncClient) -> None:
    response = await main.get(f"capsules/{C1}/computations")
    assert response.status_code == 200, response.text
    runs = response.json()
    assert [run["id"] for run in runs] == [COMP4, COMP2, COMP1]
    for run in runs:
        assert run == (await main.get(f"computations/{run['id']}")).json()
    assert runs[2]["has_results"] is True and runs[0]["has_results"] is False
    assert runs[0]["state"] == "running" and runs[1]["cloud_workstation"] is True


async def test_runs_of_capsules_and_pipelines_as_the_caller_may_see_them(
        http: Callable[..., httpx.AsyncClient]) -> None:
    main = http("main")
    assert (await main.get(f"capsules/{C2}/computations")).json() == []  # shared as viewer
    assert (await main.get(f"pipelines/{P1}/computations")).json() == []
    hidden = await main.get(f"capsules/{C3}/computations")  # grace's, not shared
    assert hidden.status_code == 403 and "permission" in hidden.json()["message"]
    assert (await main.get(f"capsules/{P1}/computations")).status_code == 404  # a pipeline
    unknown = await main.get("capsules/00000000-0000-4000-8000-000000000000/computations")
    assert unknown.status_code == 404
    assert (await http("grace").get(f"capsules/{C3}/computations")).json()[0]["id"] == COMP3
    assert (await http("admin").get(f"capsules/{C3}/computations")).status_code == 200
    assert (await http(None).get(f"capsules/{C1}/computations")).status_code == 401
    assert (await main.get(f"pipelines/{P2}/computations")).status_code == 200  # everyone viewer


async def test_a_runs_results_one_folder_at_a_time(main: httpx.AsyncClient) -> None:
    root = await main.post(f"computations/{COMP1}/results", json={"path": ""})
    assert root.status_code == 200, root.text
    assert root.json() == {"items": [
        {"name": "output", "path": "output", "type": "folder"},
        {"name": "log.txt", "path": "log.txt", "type": "file", "size": 5},
    ]}
    assert (await main.post(f"computations/{COMP1}/results", json={"path": None})).json() \
        == root.json()  # null is the SDK's "not set"
    output = (await main.post(f"computations/{COMP1}/results", json={"path": "/output/"})).json()
    assert output == {"items": [
        {"name": "plots", "path": "output/plots", "type": "folder"},
        {"name": "table.csv", "path": "output/table.csv", "type": "file", "size": 3000},
    ]}
    assert (await main.post(f"computations/{COMP4}/results", json={"path": ""})).json() \
        == {"items": []}  # a running run has no results yet


@pytest.mark.parametrize(("computation", "path", "status"), [
    (COMP1, "nope", 404),
    (COMP1, "log.txt", 404),   # a file is not a folder
    (COMP1, "output/../log.txt", 400),
    (COMP3, "", 404),          # grace's run in grace's private capsule
    ("00000000-0000-4000-8000-000000000000", "", 404),
])
async def test_results_of_what_cannot_be_listed(main: httpx.AsyncClient, computation: str,
                                                path: str, status: int) -> None:
    response = await main.post(f"computations/{computation}/results", json={"path": path})
    assert response.status_code == status, response.text


async def test_results_body_must_be_an_object(main: httpx.AsyncClient) -> None:
    response = await main.post(f"computations/{COMP1}/results", json=["output"])
    assert response.status_code == 400
    assert (await main.post(f"computations/{COMP2}/results", json={})).status_code == 200
