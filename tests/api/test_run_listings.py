"""The client's run listings: ``capsules.list_computations`` and
``computations.list_computation_results``, tidy and odd answers alike."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest

from co_tui.api import CodeOceanClient
from co_tui.api.errors import NotFoundError, PermissionDeniedError
from co_tui.emulator.seeds.demo_runs import capsule_id, computation_id
from tests.conftest import make_client
from tests.reshape import Reshape

OWN_SHAPES = True
"""These tests reshape the tidy emulator's answers themselves (see tests/api/conftest.py)."""

SORT = capsule_id("sort")
SORTED_RUN = computation_id("sort-664484")


@pytest.fixture
async def shaped(emulator, sleeps) -> AsyncIterator[Callable[..., CodeOceanClient]]:  # type: ignore[no-untyped-def]
    made: list[CodeOceanClient] = []

    def factory(path: str, rewrite: Callable[[httpx.Request, Any], Any]) -> CodeOceanClient:
        client = make_client(emulator, Reshape(emulator.transport(), path, rewrite), sleeps)
        made.append(client)
        return client

    yield factory
    for client in made:
        await client.aclose()


async def test_a_capsules_runs_and_a_runs_results(client: CodeOceanClient) -> None:
    runs = await client.capsules.list_computations(SORT)
    assert [run.state for run in runs] == ["running", "completed", "completed"]
    assert runs.unreadable == 0 and runs[2].id == SORTED_RUN and runs[2].has_results
    root = await client.computations.list_computation_results(SORTED_RUN)
    folder = next(item for item in root.items if item.is_folder)
    inside = await client.computations.list_computation_results(SORTED_RUN, folder.path)
    assert inside.items and all(i.path.startswith(f"{folder.path}/") for i in inside.items)


async def test_unreadable_runs_are_left_out_and_counted(shaped: Callable[..., CodeOceanClient]) -> None:
    def odd(_: httpx.Request, runs: Any) -> Any:
        runs[0]["created"] = float(runs[0]["created"]) + 0.75  # read as whole seconds
        runs[1]["state"] = "paused"  # a state of a future server: kept
        del runs[2]["id"]  # cannot be read at all
        return [*runs, "not a run", None]

    runs = await shaped("/computations", odd).capsules.list_computations(SORT)
    assert len(runs) == 2 and runs.unreadable == 3
    assert isinstance(runs[0].created, int) and runs[1].state == "paused"


async def test_what_cannot_be_listed_raises_typed_errors(client: CodeOceanClient, client_for) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(NotFoundError):
        await client.capsules.list_computations("00000000-0000-4000-8000-000000000000")
    with pytest.raises(NotFoundError):
        await client.computations.list_computation_results(SORTED_RUN, "no/such/folder")
    with pytest.raises(PermissionDeniedError):
        await client_for("alan@example.org").capsules.list_computations(SORT)
