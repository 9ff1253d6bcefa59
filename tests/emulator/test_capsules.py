"""Capsules, pipelines and computations: get, search (by asset id), attach and detach."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from co_tui.emulator import Emulator
from tests.emulator.emulator_seed import C1, C2, C3, COMP1, COMP2, COMP3, MAIN, P1, P2, aid


async def capsule_ids(client: httpx.AsyncClient, kind: str = "capsules", **body: object) -> list[str]:
    response = await client.post(f"{kind}/search", json=body)
    assert response.status_code == 200, response.text
    page = response.json()
    assert "has_more" in page
    return [c["id"] for c in page["results"]]


async def test_get_capsule_and_pipeline(main: httpx.AsyncClient) -> None:
    capsule = (await main.get(f"capsules/{C1}")).json()
    assert capsule == {"id": C1, "created": 1_700_000_000, "name": "Alpha analysis capsule",
                       "status": "non_release", "owner": MAIN, "slug": "1111111",
                       "owner_email": "main@example.org", "tags": ["imaging"]}
    pipeline = (await main.get(f"pipelines/{P1}")).json()
    assert pipeline["status"] == "release"
    assert (await main.get(f"capsules/{P1}")).status_code == 404   # a pipeline is not a capsule
    assert (await main.get(f"capsules/{C3}")).status_code == 404   # private to grace
    assert (await main.get(f"capsules/{C2}")).status_code == 200   # shared as viewer


async def test_search_capsules(main: httpx.AsyncClient) -> None:
    assert await capsule_ids(main) == [C1, C2]            # by name; C3 is invisible
    assert await capsule_ids(main, kind="pipelines") == [P2, P1]
    assert await capsule_ids(main, query="name:alpha") == [C1]
    assert await capsule_ids(main, query="tag:imaging") == [C1]
    assert await capsule_ids(main, query=f"id:{C2}") == [C2]
    assert await capsule_ids(main, query="shared") == [C2]
    assert await capsule_ids(main, ownership="created") == [C1]
    assert await capsule_ids(main, ownership="shared") == [C2]
    assert await capsule_ids(main, kind="pipelines", status="release") == [P1]
    assert await capsule_ids(main, sort_field="created", sort_order="desc") == [C2, C1]
    assert await capsule_ids(main, archived=True) == []
    assert await capsule_ids(main, query="doi:10.1/x") == []


async def test_search_by_attached_asset_id(main: httpx.AsyncClient,
                                           http: Callable[..., httpx.AsyncClient]) -> None:
    assert await capsule_ids(main, query=aid(1)) == [C1]   # C3 also has it, but is invisible
    assert await capsule_ids(http("admin"), query=aid(1)) == [C1, C3]
    assert await capsule_ids(main, query=aid(2)) == [C2]
    assert await capsule_ids(main, kind="pipelines", query=aid(5)) == [P1]
    assert await capsule_ids(main, query=aid(5)) == []


async def test_capsule_search_paging(http: Callable[..., httpx.AsyncClient]) -> None:
    admin = http("admin")
    first = (await admin.post("capsules/search", json={"limit": 2})).json()
    assert first["has_more"] and len(first["results"]) == 2
    second = (await admin.post("capsules/search", json={"limit": 2,
                                                         "next_token": first["next_token"]})).json()
    assert not second["has_more"] and "next_token" not in second
    assert len(second["results"]) == 1
    bad = await admin.post("capsules/search", json={"limit": 2, "query": "x",
                                                      "next_token": first["next_token"]})
    assert bad.status_code == 400


@pytest.mark.parametrize("suffix", ["", "/"])
@pytest.mark.parametrize("kind", ["capsules", "pipelines"])
async def test_attach_and_detach(main: httpx.AsyncClient, emu: Emulator, kind: str,
                                 suffix: str) -> None:
    target = C1 if kind == "capsules" else P1
    response = await main.post(f"{kind}/{target}/data_assets",
                               json=[{"id": aid(2), "mount": "beta"}, {"id": aid(6)}])
    assert response.status_code == 200
    assert response.json() == [
        {"id": aid(2), "mount": "beta", "mount_state": "mounted", "external": False, "ready": True},
        {"id": aid(6), "mount": "m6", "mount_state": "pending", "external": False, "ready": False},
    ]
    assert target in await capsule_ids(main, kind=kind, query=aid(2))
    response = await main.request("DELETE", f"{kind}/{target}/data_assets{suffix}",
                                  json=[aid(2), aid(6), aid(13)])
    assert response.status_code == 204 and response.content == b""
    assert target not in await capsule_ids(main, kind=kind, query=aid(2))
    assert [w[0] for w in emu.write_log] == ["POST", "DELETE"]


async def test_attach_errors(main: httpx.AsyncClient) -> None:
    taken = await main.post(f"capsules/{C1}/data_assets", json=[{"id": aid(2), "mount": "alpha"}])
    assert taken.status_code == 400 and "alpha" in taken.json()["message"]
    remount = await main.post(f"capsules/{C1}/data_assets", json=[{"id": aid(1), "mount": "a2"}])
    assert remount.status_code == 200
    assert (await main.post(f"capsules/{C2}/data_assets",
                            json=[{"id": aid(1)}])).status_code == 403   # viewer of C2
    assert (await main.post(f"capsules/{C3}/data_assets",
                            json=[{"id": aid(1)}])).status_code == 404
    assert (await main.post(f"capsules/{C1}/data_assets",
                            json=[{"id": aid(13)}])).status_code == 404
    assert (await main.post(f"capsules/{C1}/data_assets",
                            json=[{"id": aid(12)}])).status_code == 403  # only discoverable
    assert (await main.post(f"capsules/{C1}/data_assets",
                            json={"id": aid(1)})).status_code == 400
    assert (await main.request("DELETE", f"capsules/{C1}/data_assets",
                               json=[{"id": aid(1)}])).status_code == 400


async def test_computation_attach_for_workstations(main: httpx.AsyncClient) -> None:
    response = await main.post(f"computations/{COMP2}/data_assets", json=[{"id": aid(2)}])
    assert response.status_code == 200
    computation = (await main.get(f"computations/{COMP2}")).json()
    assert computation["data_assets"] == [{"id": aid(2), "mount": "m2"}]
    assert computation["cloud_workstation"] is True and computation["state"] == "running"
    assert "exit_code" not in computation and "end_status" not in computation
    response = await main.request("DELETE", f"computations/{COMP2}/data_assets",
                                  json=[aid(2)])
    assert response.status_code == 204
    assert "data_assets" not in (await main.get(f"computations/{COMP2}")).json()
    not_ws = await main.post(f"computations/{COMP1}/data_assets", json=[{"id": aid(2)}])
    assert not_ws.status_code == 400


async def test_get_computation(main: httpx.AsyncClient, http: Callable[..., httpx.AsyncClient]) -> None:
    computation = (await main.get(f"computations/{COMP1}")).json()
    assert computation == {
        "id": COMP1, "created": 1_700_000_010, "name": "Run 1", "owner": MAIN, "run_time": 120,
        "state": "completed", "owner_email": "main@example.org",
        "parameters": [{"name": "threshold", "param_name": "t", "value": "0.5"}],
        "end_status": "succeeded", "exit_code": 0, "has_results": True,
        "data_assets": [{"id": aid(1), "mount": "alpha"}],
    }
    assert (await main.get(f"computations/{COMP3}")).status_code == 404
    assert (await main.get("computations/nope")).status_code == 404
    assert (await http("admin").get(f"computations/{COMP3}")).status_code == 200
    # alan cannot see C1, so not its runs either
    assert (await http("alan").get(f"computations/{COMP1}")).status_code == 404
