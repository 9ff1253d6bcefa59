"""Creating data assets: every source kind, draft -> ready / failed on a fake clock, errors."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import httpx
import pytest

from co_tui.emulator import Emulator, EmulatorConfig
from tests.emulator.emulator_seed import COMP1, COMP2, COMP3, COMP4, Clock, aid, build_seed


def sdk_body(**overrides: object) -> dict:
    """A create body shaped like the SDK's: every unset optional field is an explicit null."""
    body: dict = {"name": "new asset", "tags": ["t"], "mount": "new", "description": None,
                  "source": None, "target": None, "custom_metadata": None,
                  "data_asset_ids": None, "results_info": None}
    body.update(overrides)
    return body


def aws(bucket: str, prefix: str | None = None, keep: bool | None = None) -> dict:
    return {"aws": {"bucket": bucket, "endpoint_name": None, "prefix": prefix,
                    "keep_on_external_storage": keep, "public": None, "use_input_bucket": None},
            "gcp": None, "computation": None, "cloud_workstation": None}


async def create(client: httpx.AsyncClient, **overrides: object) -> dict:
    response = await client.post("data_assets", json=sdk_body(**overrides))
    assert response.status_code == 200, response.text
    asset: dict = response.json()
    assert asset["state"] == "draft"
    return asset


async def test_from_s3_draft_then_ready(main: httpx.AsyncClient, clock: Clock,
                                        emu: Emulator) -> None:
    asset = await create(main, source=aws("demo-bucket", "raw"), custom_metadata={"species": "rat"})
    assert asset["files"] == 0 and asset["size"] == 0
    assert asset["source_bucket"] == {"origin": "aws", "bucket": "demo-bucket", "prefix": "raw",
                                      "external": False}
    assert asset["custom_metadata"] == {"species": "rat"} and asset["tags"] == ["t"]
    clock.now += 4.9
    seen = (await main.get(f"data_assets/{asset['id']}")).json()
    assert seen["state"] == "draft"
    assert (await main.post(f"data_assets/{asset['id']}/files", json={"path": ""})).json() == {
        "items": []}
    clock.now += 0.2
    ready = (await main.get(f"data_assets/{asset['id']}")).json()
    assert ready["state"] == "ready" and ready["files"] == 2 and ready["size"] == 3 + 800
    listing = (await main.post(f"data_assets/{asset['id']}/files", json={"path": ""})).json()
    assert listing["items"] == [{"name": "two", "path": "two", "type": "folder"},
                                {"name": "one.txt", "path": "one.txt", "type": "file", "size": 3}]
    assert emu.write_log == [("POST", "/api/v1/data_assets", 200)]


async def test_ready_transition_is_visible_in_search(main: httpx.AsyncClient,
                                                     clock: Clock) -> None:
    asset = await create(main, source=aws("demo-bucket"))
    rows = (await main.post("data_assets/search", json={"query": "name:\"new asset\""})).json()
    assert [r["state"] for r in rows["results"]] == ["draft"]
    clock.now += 60
    rows = (await main.post("data_assets/search", json={"query": "name:\"new asset\""})).json()
    assert [r["state"] for r in rows["results"]] == ["ready"]
    assert rows["results"][0]["id"] == asset["id"] and rows["results"][0]["files"] == 3


@pytest.mark.parametrize(("source", "reason"), [
    (aws("no-such-bucket"), "bucket 'no-such-bucket' does not exist or is not accessible"),
    (aws("empty-bucket"), "no files found"),
    (aws("demo-bucket", "nothing/here"), "no files found"),
])
async def test_from_s3_failures_arrive_later(main: httpx.AsyncClient, clock: Clock,
                                             source: dict, reason: str) -> None:
    asset = await create(main, source=source)
    clock.now += 5
    failed = (await main.get(f"data_assets/{asset['id']}")).json()
    assert failed["state"] == "failed" and reason in failed["failure_reason"]
    assert failed["files"] == 0


async def test_external_s3_asset(main: httpx.AsyncClient, clock: Clock) -> None:
    asset = await create(main, source=aws("demo-bucket", "raw", keep=True))
    assert asset["source_bucket"]["external"] is True
    clock.now += 5
    ready = (await main.get(f"data_assets/{asset['id']}")).json()
    assert ready["state"] == "ready" and ready["files"] == 2 and ready["size"] == 803
    external = (await main.post("data_assets/search", json={"origin": "external"})).json()
    assert asset["id"] in {r["id"] for r in external["results"]}
    response = await main.post(f"data_assets/{asset['id']}/files", json={"path": ""})
    assert response.status_code == 400
    assert "external bucket s3://demo-bucket/raw" in response.json()["message"]


async def test_gcp_source(main: httpx.AsyncClient, clock: Clock) -> None:
    source = {"aws": None, "gcp": {"bucket": "demo-bucket", "client_id": None,
                                   "client_secret": None, "prefix": "other"},
              "computation": None, "cloud_workstation": None}
    asset = await create(main, source=source)
    assert asset["source_bucket"]["origin"] == "gcp"
    clock.now += 5
    assert (await main.get(f"data_assets/{asset['id']}")).json()["files"] == 1


async def test_from_computation(main: httpx.AsyncClient, clock: Clock) -> None:
    source = {"aws": None, "gcp": None, "computation": {"id": COMP1, "path": "output"},
              "cloud_workstation": None}
    asset = await create(main, source=source)
    assert asset["type"] == "result"
    provenance = asset["provenance"]
    assert provenance["computation"] == COMP1 and provenance["data_assets"] == [aid(1)]
    assert (provenance["commit"], provenance["run_script"], provenance["docker_image"]) == (
        "c0ffee0042", "code/main.py", "registry/img:2")
    assert asset["app_parameters"] == [{"name": "threshold", "value": "0.5"}]
    clock.now += 5
    ready = (await main.get(f"data_assets/{asset['id']}")).json()
    assert ready["state"] == "ready" and ready["files"] == 2
    listing = (await main.post(f"data_assets/{asset['id']}/files", json={"path": ""})).json()
    assert [i["name"] for i in listing["items"]] == ["plots", "table.csv"]
    by_commit = (await main.post("data_assets/search", json={
        "query": f"commit_id:{provenance['commit'][:8]}"})).json()
    assert asset["id"] in {r["id"] for r in by_commit["results"]}


async def test_from_computation_to_external_target(main: httpx.AsyncClient, clock: Clock) -> None:
    source = {"computation": {"id": COMP1}}
    asset = await create(main, source=source, target={"aws": {"bucket": "demo-bucket",
                                                              "prefix": "exports"}})
    assert asset["source_bucket"] == {"origin": "aws", "bucket": "demo-bucket",
                                      "prefix": "exports", "external": True}
    clock.now += 5
    ready = (await main.get(f"data_assets/{asset['id']}")).json()
    assert ready["state"] == "ready" and ready["files"] == 3


@pytest.mark.parametrize(("computation", "status"), [
    ("no-such-run", 400), (COMP3, 403), (COMP4, 400),
])
async def test_from_bad_computations(main: httpx.AsyncClient, computation: str,
                                     status: int) -> None:
    response = await main.post("data_assets", json=sdk_body(
        source={"computation": {"id": computation, "path": None}}))
    assert response.status_code == status and response.json()["message"]


async def test_from_cloud_workstation(main: httpx.AsyncClient, clock: Clock) -> None:
    plain = await create(main, source={"cloud_workstation": {"id": COMP2, "path": "/scratch"}})
    assert plain["type"] == "dataset"
    result = await create(main, name="ws result", source={"cloud_workstation": {
        "id": COMP2, "path": "/results/scratch", "run_script": "code/run"}})
    assert result["type"] == "result" and result["provenance"]["run_script"] == "code/run"
    assert len(result["provenance"]["commit"]) == 40   # derived when the seed gives none
    clock.now += 5
    for asset in (plain, result):
        ready = (await main.get(f"data_assets/{asset['id']}")).json()
        assert ready["state"] == "ready" and ready["files"] == 1
    not_ws = await main.post("data_assets", json=sdk_body(
        source={"cloud_workstation": {"id": COMP1, "path": "x"}}))
    assert not_ws.status_code == 400
    no_path = await main.post("data_assets", json=sdk_body(
        source={"cloud_workstation": {"id": COMP2, "path": ""}}))
    assert no_path.status_code == 400


async def external(main: httpx.AsyncClient, clock: Clock, **overrides: object) -> dict:
    """A new external asset (kept in demo-bucket/raw), ready."""
    overrides.setdefault("name", "kept outside")
    overrides.setdefault("mount", "kept")
    asset = await create(main, source=aws("demo-bucket", "raw", keep=True), **overrides)
    clock.now += 5
    ready: dict = (await main.get(f"data_assets/{asset['id']}")).json()
    assert ready["state"] == "ready" and ready["source_bucket"]["external"] is True
    return ready


async def test_combined_of_external_assets(main: httpx.AsyncClient, clock: Clock) -> None:
    kept = await external(main, clock)
    asset = await create(main, data_asset_ids=[kept["id"], aid(9)])
    assert asset["type"] == "combined"
    assert asset["contained_data_assets"] == [
        {"id": kept["id"], "mount": "kept", "size": 803},
        {"id": aid(9), "mount": "m9", "size": 10**12}]
    assert asset["source_bucket"]["external"] is True
    clock.now += 5
    ready = (await main.get(f"data_assets/{asset['id']}")).json()
    assert ready["state"] == "ready" and ready["files"] == 2 + 1000
    assert ready["size"] == 803 + 10**12
    found = (await main.post("data_assets/search", json={
        "query": f"contained_data_id:{aid(9)}"})).json()
    assert asset["id"] in {r["id"] for r in found["results"]}


async def test_combined_refuses_internal_parts_by_name(main: httpx.AsyncClient,
                                                       clock: Clock, emu: Emulator) -> None:
    kept = await external(main, clock)
    response = await main.post("data_assets", json=sdk_body(
        data_asset_ids=[aid(1), kept["id"], aid(2)]))
    assert response.status_code == 400
    message = response.json()["message"]
    assert "made of external data assets" in message
    assert f"'Alpha imaging dataset' ({aid(1)})" in message
    assert f"'Beta sequencing' ({aid(2)})" in message and kept["id"] not in message
    assert emu.write_log == [("POST", "/api/v1/data_assets", 200)]  # the refusal wrote nothing


async def test_combined_of_a_not_ready_asset_fails_later(main: httpx.AsyncClient,
                                                         clock: Clock) -> None:
    draft = await create(main, name="still copying", mount="kept",
                         source=aws("demo-bucket", "raw", keep=True))
    asset = await create(main, data_asset_ids=[draft["id"], aid(9)])
    clock.now += 5
    failed = (await main.get(f"data_assets/{asset['id']}")).json()
    assert failed["state"] == "failed" and draft["id"] in failed["failure_reason"]


@pytest.mark.parametrize("overrides", [
    {"name": None}, {"name": ""}, {"mount": None}, {"mount": "a/b"}, {"tags": "x"},
    {"source": None}, {"source": {"aws": {"bucket": "b"}, "gcp": {"bucket": "b"}}},
    {"source": {"aws": {"prefix": "p"}}},
    {"source": aws("demo-bucket"), "data_asset_ids": [aid(1), aid(2)]},
    {"data_asset_ids": [aid(1)]},
    {"data_asset_ids": [aid(9), aid(9)]},     # two parts on the same mount
    {"data_asset_ids": [aid(1), aid(9)]},     # an internal part
    {"custom_metadata": {"species": "dog"}, "source": aws("demo-bucket")},
    {"results_info": {"commit": "x"}, "source": aws("demo-bucket")},
])
async def test_create_validation(main: httpx.AsyncClient, overrides: dict) -> None:
    response = await main.post("data_assets", json=sdk_body(**overrides))
    assert response.status_code == 400, response.text
    assert response.json()["message"]


async def test_combined_needs_visible_assets(main: httpx.AsyncClient) -> None:
    response = await main.post("data_assets", json=sdk_body(data_asset_ids=[aid(9), aid(13)]))
    assert response.status_code == 404
    response = await main.post("data_assets", json=sdk_body(data_asset_ids=[aid(9), aid(12)]))
    assert response.status_code == 403


@pytest.fixture
def required_schema(clock: Clock) -> Iterator[Emulator]:
    """The hand-made deployment, with ``species`` required and ``sessions`` a number."""
    seed = build_seed()
    seed.custom_metadata["fields"][0]["required"] = True
    emulator = Emulator(EmulatorConfig(seed="test", clock=clock), seed_data=seed)
    yield emulator
    emulator.close()


@pytest.mark.parametrize("custom", [None, {}, {"sessions": 3}, {"species": ""},
                                    {"species": None, "sessions": 1}])
async def test_required_custom_metadata_is_enforced_on_create(
    required_schema: Emulator, http: Callable[..., httpx.AsyncClient], custom: dict | None
) -> None:
    client = http("main", emulator=required_schema)
    response = await client.post("data_assets", json=sdk_body(source=aws("demo-bucket"),
                                                              custom_metadata=custom))
    assert response.status_code == 400, response.text
    assert response.json()["message"] == "required custom metadata missing: 'species'"
    assert required_schema.write_log == []
    search = (await client.post("data_assets/search", json={"query": 'name:"new asset"'})).json()
    assert search["results"] == []


async def test_required_custom_metadata_given_is_accepted_and_still_type_checked(
    required_schema: Emulator, http: Callable[..., httpx.AsyncClient]
) -> None:
    client = http("main", emulator=required_schema)
    ok = await client.post("data_assets", json=sdk_body(
        source=aws("demo-bucket"), custom_metadata={"species": "rat", "sessions": 2}))
    assert ok.status_code == 200 and ok.json()["custom_metadata"] == {"species": "rat",
                                                                      "sessions": 2}
    for bad, words in (({"species": "dog"}, "not an allowed value"),
                       ({"species": "rat", "sessions": "two"}, "must be a number"),
                       ({"species": "rat", "sessions": 1001}, "must be <= 1000")):
        response = await client.post("data_assets", json=sdk_body(source=aws("demo-bucket"),
                                                                  custom_metadata=bad))
        assert response.status_code == 400 and words in response.json()["message"], bad
    # a required field is a create rule: an update may leave it as it is
    updated = await client.put(f"data_assets/{aid(3)}", json={"name": "Gamma renamed"})
    assert updated.status_code == 200


async def test_results_info_makes_a_result(main: httpx.AsyncClient) -> None:
    asset = await create(main, source=aws("demo-bucket"), results_info={
        "capsule_id": "c-1", "pipeline_id": None, "version": 2, "commit": "feed",
        "run_script": "code/main.py", "data_assets": [aid(1)], "parameters": None,
        "nextflow_profile": None, "processes": None})
    assert asset["type"] == "result"
    assert asset["provenance"] == {"capsule": "c-1", "commit": "feed",
                                   "run_script": "code/main.py", "data_assets": [aid(1)]}


async def test_input_bucket_is_for_admins(http: Callable[..., httpx.AsyncClient]) -> None:
    body = sdk_body(source={"aws": {"bucket": "demo-bucket", "use_input_bucket": True}})
    assert (await http("main").post("data_assets", json=body)).status_code == 403
    assert (await http("admin").post("data_assets", json=body)).status_code == 200


async def test_zero_ready_delay(make_emulator: Callable[..., Emulator],
                                http: Callable[..., httpx.AsyncClient]) -> None:
    fast = make_emulator(ready_delay=0)
    client = http("main", emulator=fast)
    response = await client.post("data_assets", json=sdk_body(source=aws("demo-bucket")))
    assert response.json()["state"] == "draft"
    asset_id = response.json()["id"]
    assert (await client.get(f"data_assets/{asset_id}")).json()["state"] == "ready"
