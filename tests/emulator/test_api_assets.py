"""Data-asset endpoints of the emulator: reads, writes, roles, wire details, auth and versions."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from co_tui.emulator import Emulator
from tests.emulator.emulator_seed import ALAN, API, MAIN, aid, basic, search_all

REQUIRED = {"id", "created", "name", "mount", "last_used", "owner", "state", "type"}
ALWAYS = REQUIRED | {"files", "size", "description", "tags", "source_bucket", "owner_email"}
ENUMS = {"state": {"draft", "ready", "failed"}, "type": {"dataset", "result", "combined", "model"}}


def check_wire(asset: dict) -> None:
    """The wire contract of a ``DataAsset``: every required key, only known enum values."""
    assert ALWAYS <= set(asset), ALWAYS - set(asset)
    for key, allowed in ENUMS.items():
        assert asset[key] in allowed
    assert asset["source_bucket"]["origin"] in {"aws", "local", "gcp"}
    for key in ("custom_metadata", "app_parameters", "nextflow_profile", "contained_data_assets",
                "last_transferred", "transfer_error", "failure_reason", "provenance"):
        if key in asset:
            assert asset[key], f"{key} is emitted although empty"


# -- reads and wire shape ---------------------------------------------------------------------


async def test_get_asset_has_every_required_key(main: httpx.AsyncClient) -> None:
    response = await main.get(f"data_assets/{aid(1)}")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    asset = response.json()
    check_wire(asset)
    assert asset["owner"] == MAIN and asset["owner_email"] == "main@example.org"
    assert asset["files"] == 5 + 2500 and asset["custom_metadata"] == {"species": "mouse",
                                                                       "sessions": 3}
    assert "provenance" not in asset and "failure_reason" not in asset


async def test_every_search_row_honours_the_wire_contract(main: httpx.AsyncClient) -> None:
    rows = await search_all(main, limit=1000) + await search_all(main, archived=True)
    assert len(rows) > 10
    for row in rows:
        check_wire(row)
    by_id = {row["id"]: row for row in rows}
    assert by_id[aid(3)]["provenance"]["run_script"] == "code/run.sh"
    assert by_id[aid(7)]["failure_reason"]
    assert by_id[aid(9)]["source_bucket"]["external"] is True
    combined = by_id[aid(4)]
    assert [c["id"] for c in combined["contained_data_assets"]] == [aid(1), aid(2)]
    assert combined["files"] == by_id[aid(1)]["files"] + by_id[aid(2)]["files"]


async def test_get_matches_search_row(main: httpx.AsyncClient) -> None:
    rows = await search_all(main, ownership="created")
    for row in rows[:5]:
        assert (await main.get(f"data_assets/{row['id']}")).json() == row


async def test_unknown_asset_is_404_with_message(main: httpx.AsyncClient) -> None:
    response = await main.get(f"data_assets/{aid(999)}")
    assert response.status_code == 404
    assert aid(999) in response.json()["message"]


async def test_unknown_route_and_wrong_method_are_json(main: httpx.AsyncClient) -> None:
    response = await main.get("no_such_thing")
    assert response.status_code == 404 and response.json() == {"message": "not found"}
    response = await main.patch(f"data_assets/{aid(1)}")
    assert response.status_code == 405 and "message" in response.json()
    outside = await main.get("http://emulator.test/elsewhere")
    assert outside.status_code == 404


# -- auth and headers -------------------------------------------------------------------------


@pytest.mark.parametrize("header", [None, "Basic bm9wZTo=", "Bearer tok-main", "Basic !!!"])
async def test_missing_or_unknown_token_is_401(http: Callable[..., httpx.AsyncClient],
                                              header: str | None) -> None:
    client = http(None)
    headers = {"Authorization": header} if header else {}
    response = await client.post("data_assets/search", json={}, headers=headers)
    assert response.status_code == 401 and response.json()["message"]


async def test_content_type_and_agent_id_are_ignored_on_bodiless_requests(
        main: httpx.AsyncClient) -> None:
    response = await main.get(f"data_assets/{aid(1)}", headers={"Agent-Id": "AI Agent"})
    assert response.status_code == 200
    response = await main.patch(f"data_assets/{aid(8)}/archive", params={"archive": "True"})
    assert response.status_code == 204


@pytest.mark.parametrize(("value", "status"), [("4.8.0", 200), ("4.9", 200), ("4", 200),
                                               ("4.9.1", 400), ("5.0.0", 400), ("abc", 400),
                                               ("", 400)])
async def test_min_server_version(main: httpx.AsyncClient, value: str, status: int) -> None:
    response = await main.get(f"data_assets/{aid(1)}", headers={"Min-Server-Version": value})
    assert response.status_code == status
    if status == 400:
        assert "version" in response.json()["message"].lower()


async def test_old_servers_lack_post_search_and_file_urls(
        make_emulator: Callable[..., Emulator], http: Callable[..., httpx.AsyncClient]) -> None:
    old = make_emulator(server_version="3.0.0")
    client = http("main", emulator=old)
    client.headers.pop("Min-Server-Version")
    assert (await client.post("data_assets/search", json={})).status_code == 405
    legacy = await client.get("data_assets", params={"limit": 3})
    assert legacy.status_code == 200 and len(legacy.json()["results"]) == 3
    urls = await client.get(f"data_assets/{aid(1)}/files/urls", params={"path": "README.md"})
    assert urls.status_code == 404
    old_url = await client.get(f"data_assets/{aid(1)}/files/download_url",
                               params={"path": "README.md"})
    assert old_url.status_code == 200 and "url" in old_url.json()
    mid = make_emulator(server_version="3.5.0")
    client = http("main", emulator=mid)
    client.headers.pop("Min-Server-Version")
    assert (await client.post("data_assets/search", json={})).status_code == 200
    urls = await client.get(f"data_assets/{aid(1)}/files/urls", params={"path": "README.md"})
    assert urls.status_code == 404


# -- update -----------------------------------------------------------------------------------


async def test_update_null_means_unchanged_and_metadata_replaces(
        main: httpx.AsyncClient, emu: Emulator) -> None:
    body = {"name": "Alpha renamed", "description": None, "tags": None, "mount": None,
            "custom_metadata": None}
    response = await main.put(f"data_assets/{aid(1)}", json=body)
    assert response.status_code == 200
    asset = response.json()
    assert asset["name"] == "Alpha renamed" and asset["tags"] == ["imaging", "mouse"]
    assert asset["description"] == "two-photon imaging of visual cortex"
    assert asset["custom_metadata"] == {"species": "mouse", "sessions": 3}
    response = await main.put(f"data_assets/{aid(1)}", json={"custom_metadata": {"sessions": 4}})
    assert response.json()["custom_metadata"] == {"sessions": 4}
    response = await main.put(f"data_assets/{aid(1)}", json={"custom_metadata": {}})
    assert "custom_metadata" not in response.json()
    assert (await main.get(f"data_assets/{aid(1)}")).json()["name"] == "Alpha renamed"
    assert [w for w in emu.write_log if w[0] == "PUT"] == [
        ("PUT", f"/api/v1/data_assets/{aid(1)}", 200)] * 3


async def test_update_that_changes_nothing_is_not_logged(main: httpx.AsyncClient,
                                                         emu: Emulator) -> None:
    current = (await main.get(f"data_assets/{aid(2)}")).json()
    body = {key: current.get(key) for key in ("name", "description", "tags", "mount",
                                              "custom_metadata")}
    response = await main.put(f"data_assets/{aid(2)}", json=body)
    assert response.status_code == 200 and response.json() == current
    assert emu.write_log == []


@pytest.mark.parametrize("body", [
    {"name": ""}, {"name": 3}, {"tags": "a"}, {"tags": ["a", ""]}, {"mount": "a/b"},
    {"mount": ".."}, {"custom_metadata": {"species": "dog"}},
    {"custom_metadata": {"sessions": "many"}}, {"custom_metadata": {"sessions": 10**6}},
    {"custom_metadata": []},
])
async def test_update_validation(main: httpx.AsyncClient, body: dict) -> None:
    response = await main.put(f"data_assets/{aid(1)}", json=body)
    assert response.status_code == 400 and response.json()["message"]


async def test_update_rejects_bad_json(main: httpx.AsyncClient) -> None:
    response = await main.put(f"data_assets/{aid(1)}", content=b"{nope")
    assert response.status_code == 400 and "JSON" in response.json()["message"]


# -- archive and delete -----------------------------------------------------------------------


@pytest.mark.parametrize(("yes", "no"), [("True", "False"), ("true", "false"), ("1", "0"),
                                         ("t", "f"), ("TRUE", "FALSE")])
async def test_archive_accepts_go_booleans(main: httpx.AsyncClient, yes: str, no: str) -> None:
    response = await main.patch(f"data_assets/{aid(2)}/archive", params={"archive": yes})
    assert response.status_code == 204 and response.content == b""
    assert aid(2) in {a["id"] for a in await search_all(main, archived=True)}
    assert aid(2) not in {a["id"] for a in await search_all(main)}
    response = await main.patch(f"data_assets/{aid(2)}/archive", params={"archive": no})
    assert response.status_code == 204
    assert aid(2) in {a["id"] for a in await search_all(main)}


@pytest.mark.parametrize("params", [{}, {"archive": "maybe"}])
async def test_archive_needs_a_boolean(main: httpx.AsyncClient, params: dict) -> None:
    response = await main.patch(f"data_assets/{aid(2)}/archive", params=params)
    assert response.status_code == 400


async def test_delete_requires_archive_first(main: httpx.AsyncClient, emu: Emulator) -> None:
    response = await main.delete(f"data_assets/{aid(2)}")
    assert response.status_code == 400
    assert response.json() == {"message": "data asset must be archived before it can be deleted"}
    assert (await main.patch(f"data_assets/{aid(2)}/archive?archive=true")).status_code == 204
    response = await main.delete(f"data_assets/{aid(2)}")
    assert response.status_code == 204 and response.content == b""
    assert (await main.get(f"data_assets/{aid(2)}")).status_code == 404
    assert (await main.delete(f"data_assets/{aid(2)}")).status_code == 404
    assert emu.write_log == [
        ("PATCH", f"/api/v1/data_assets/{aid(2)}/archive", 204),
        ("DELETE", f"/api/v1/data_assets/{aid(2)}", 204),
    ]
    # attachments of the deleted asset are gone too
    found = await main.post("capsules/search", json={"query": aid(2)})
    assert found.json()["results"] == []


async def test_archiving_twice_changes_state_once(main: httpx.AsyncClient, emu: Emulator) -> None:
    for _ in range(2):
        assert (await main.patch(f"data_assets/{aid(2)}/archive?archive=1")).status_code == 204
    assert len(emu.write_log) == 1


# -- permissions and roles --------------------------------------------------------------------


async def test_permissions_read(main: httpx.AsyncClient) -> None:
    perms = (await main.get(f"data_assets/{aid(2)}/permissions")).json()
    assert perms == {"users": [{"email": "main@example.org", "role": "owner"},
                               {"email": "alan@example.org", "role": "viewer"}],
                     "groups": [], "everyone": "none", "share_assets": False}


async def test_permissions_replace_given_parts_and_keep_the_owner(
        main: httpx.AsyncClient, emu: Emulator) -> None:
    body = {"users": [{"email": "grace@example.org", "role": "viewer"},
                      {"email": "main@example.org", "role": "viewer"}],
            "groups": None, "everyone": "discoverable", "share_assets": None}
    response = await main.post(f"data_assets/{aid(2)}/permissions", json=body)
    assert response.status_code == 204 and response.content == b""
    perms = (await main.get(f"data_assets/{aid(2)}/permissions")).json()
    assert perms["users"] == [{"email": "main@example.org", "role": "owner"},
                              {"email": "grace@example.org", "role": "viewer"}]
    assert perms["everyone"] == "discoverable" and perms["groups"] == []
    body = {"groups": [{"group": "imaging", "role": "viewer"}]}
    assert (await main.post(f"data_assets/{aid(2)}/permissions", json=body)).status_code == 204
    perms = (await main.get(f"data_assets/{aid(2)}/permissions")).json()
    assert perms["groups"] == [{"group": "imaging", "role": "viewer"}]
    assert len(perms["users"]) == 2
    # the same ACL again is not a change
    assert (await main.post(f"data_assets/{aid(2)}/permissions", json=body)).status_code == 204
    assert len([w for w in emu.write_log if w[1].endswith("/permissions")]) == 2


@pytest.mark.parametrize("body", [
    {"users": [{"email": "nobody@example.org", "role": "viewer"}]},
    {"users": [{"email": "alan@example.org", "role": "discoverable"}]},
    {"groups": [{"group": "no-such-group", "role": "viewer"}]},
    {"everyone": "editor"}, {"users": "alan"}, {"share_assets": "maybe"},
])
async def test_permissions_validation(main: httpx.AsyncClient, body: dict) -> None:
    response = await main.post(f"data_assets/{aid(2)}/permissions", json=body)
    assert response.status_code == 400 and response.json()["message"]


@pytest.mark.parametrize("body", [
    {"users": [{"email": "grace@example.org", "role": "editor"}]},
    {"users": [{"email": "alan@example.org", "role": "editor"}]},  # a viewer made editor
    {"groups": [{"group": "imaging", "role": "editor"}]},
])
async def test_editor_is_refused_on_a_data_asset(main: httpx.AsyncClient, emu: Emulator,
                                                 body: dict) -> None:
    before = (await main.get(f"data_assets/{aid(2)}/permissions")).json()
    response = await main.post(f"data_assets/{aid(2)}/permissions", json=body)
    assert response.status_code == 400
    message = response.json()["message"]
    assert "editor" in message and "data assets" in message
    assert "grace" in message or "alan" in message or "imaging" in message  # names the entry
    assert (await main.get(f"data_assets/{aid(2)}/permissions")).json() == before
    assert emu.write_log == []


async def test_an_editor_held_from_before_can_be_sent_back(
        http: Callable[..., httpx.AsyncClient]) -> None:
    """Asset 10 (Alan's) has main as editor from before: the whole list comes back unchanged
    with a new viewer, and the editor stays; promoting someone else to editor is refused."""
    alan = http("alan")
    perms = (await alan.get(f"data_assets/{aid(10)}/permissions")).json()
    assert {"email": "main@example.org", "role": "editor"} in perms["users"]
    users = [*perms["users"], {"email": "grace@example.org", "role": "viewer"}]
    response = await alan.post(f"data_assets/{aid(10)}/permissions", json={"users": users})
    assert response.status_code == 204
    after = (await alan.get(f"data_assets/{aid(10)}/permissions")).json()
    assert {"email": "main@example.org", "role": "editor"} in after["users"]
    assert {"email": "grace@example.org", "role": "viewer"} in after["users"]
    users[-1] = {"email": "grace@example.org", "role": "editor"}
    response = await alan.post(f"data_assets/{aid(10)}/permissions", json={"users": users})
    assert response.status_code == 400 and "grace@example.org" in response.json()["message"]
    # the editor still works as a role: main may edit the metadata (role enforcement)
    assert (await http("main").put(f"data_assets/{aid(10)}",
                                   json={"description": "x"})).status_code == 200


async def test_share_assets_is_stored_and_returned(main: httpx.AsyncClient, emu: Emulator) -> None:
    url = f"data_assets/{aid(2)}/permissions"
    assert (await main.get(url)).json()["share_assets"] is False
    assert (await main.post(url, json={"share_assets": True})).status_code == 204
    perms = (await main.get(url)).json()
    assert perms["share_assets"] is True and perms["everyone"] == "none"  # nothing else changed
    assert (await main.post(url, json={"share_assets": None, "everyone": "none"})
            ).status_code == 204
    assert (await main.get(url)).json()["share_assets"] is True  # null leaves it as it was
    assert (await main.post(url, json={"share_assets": False})).status_code == 204
    assert (await main.get(url)).json()["share_assets"] is False
    assert len([w for w in emu.write_log if w[1].endswith("/permissions")]) == 2


@pytest.mark.parametrize(("asset", "who", "get", "files", "put", "perms", "archive"), [
    (2, "alan", 200, 200, 403, 403, 403),      # viewer by user grant
    (10, "main", 200, 200, 200, 403, 403),     # editor by user grant
    (15, "main", 200, 200, 200, 204, 204),     # owner by user grant
    (11, "main", 200, 200, 403, 403, 403),     # viewer through the "lab" group
    (14, "main", 200, 200, 403, 403, 403),     # everyone: viewer
    (12, "main", 403, 403, 403, 403, 403),     # everyone: discoverable
    (16, "main", 403, 403, 403, 403, 403),     # group: discoverable
    (13, "main", 404, 404, 404, 404, 404),     # invisible
    (13, "admin", 200, 200, 200, 204, 204),    # admins own everything
    (1, "grace", 404, 404, 404, 404, 404),
])
async def test_roles(http: Callable[..., httpx.AsyncClient], asset: int, who: str, get: int,
                     files: int, put: int, perms: int, archive: int) -> None:
    client = http(who)
    response = await client.get(f"data_assets/{aid(asset)}")
    assert response.status_code == get
    response = await client.post(f"data_assets/{aid(asset)}/files", json={"path": ""})
    assert response.status_code == files
    response = await client.get(f"data_assets/{aid(asset)}/permissions")
    assert response.status_code == (files if files != 200 else 200)
    response = await client.put(f"data_assets/{aid(asset)}", json={"description": "edited"})
    assert response.status_code == put
    if put == 403:
        assert "permission" in response.json()["message"]
    response = await client.post(f"data_assets/{aid(asset)}/permissions",
                                 json={"everyone": "viewer"})
    assert response.status_code == perms
    response = await client.patch(f"data_assets/{aid(asset)}/archive?archive=true")
    assert response.status_code == archive


async def test_discoverable_shows_in_search_only(http: Callable[..., httpx.AsyncClient]) -> None:
    ids = {a["id"] for a in await search_all(http("alan"))}
    assert {aid(12), aid(14), aid(16), aid(11), aid(2)} <= ids
    assert aid(13) not in ids and aid(1) not in ids
    response = await http("alan").get(f"data_assets/{aid(12)}")
    assert response.status_code == 403 and "discoverable" in response.json()["message"]


async def test_delete_is_for_owners(http: Callable[..., httpx.AsyncClient]) -> None:
    editor = http("main")
    response = await editor.delete(f"data_assets/{aid(10)}")
    assert response.status_code == 403


# -- transfer ---------------------------------------------------------------------------------


async def test_transfer_is_admin_only_and_makes_the_asset_external(  # type: ignore[no-untyped-def]
        http: Callable[..., httpx.AsyncClient], clock) -> None:
    body = {"target": {"aws": {"bucket": "demo-bucket", "prefix": "moved", "endpoint_name": None}},
            "force": None}
    response = await http("main").post(f"data_assets/{aid(2)}/transfer", json=body)
    assert response.status_code == 403
    admin = http("admin")
    response = await admin.post(f"data_assets/{aid(2)}/transfer", json=body)
    assert response.status_code == 204 and response.content == b""
    asset = (await admin.get(f"data_assets/{aid(2)}")).json()
    assert asset["source_bucket"] == {"origin": "aws", "bucket": "demo-bucket",
                                      "prefix": "moved", "external": True}
    assert asset["last_transferred"] == int(clock.now) and asset["files"] == 1
    listing = await admin.post(f"data_assets/{aid(2)}/files", json={"path": ""})
    assert listing.status_code == 400 and "external" in listing.json()["message"]
    bad = {"target": {"aws": {"bucket": "nowhere"}}}
    assert (await admin.post(f"data_assets/{aid(1)}/transfer", json=bad)).status_code == 204
    assert "nowhere" in (await admin.get(f"data_assets/{aid(1)}")).json()["transfer_error"]


async def test_transfer_of_an_asset_used_by_a_release_pipeline_needs_force(
        http: Callable[..., httpx.AsyncClient]) -> None:
    admin = http("admin")
    body = {"target": {"aws": {"bucket": "demo-bucket"}}}
    response = await admin.post(f"data_assets/{aid(5)}/transfer", json=body)
    assert response.status_code == 400 and "force" in response.json()["message"]
    response = await admin.post(f"data_assets/{aid(5)}/transfer", json={**body, "force": True})
    assert response.status_code == 204


# -- misc -------------------------------------------------------------------------------------


async def test_custom_metadata_schema(main: httpx.AsyncClient) -> None:
    schema = (await main.get("custom_metadata")).json()
    assert [f["name"] for f in schema["fields"]] == ["species", "sessions", "recorded"]
    assert schema["categories"] == ["Subject"]


async def test_tokens_and_main_token(emu: Emulator) -> None:
    assert emu.main_token == "tok-main"
    assert emu.tokens == {"main@example.org": "tok-main", "alan@example.org": "tok-alan",
                          "grace@example.org": "tok-grace", "admin@example.org": "tok-admin"}


async def test_main_token_override(make_emulator: Callable[..., Emulator]) -> None:
    emu = make_emulator(main_token="cop_custom")
    assert emu.main_token == "cop_custom"
    async with httpx.AsyncClient(transport=emu.transport(), base_url=f"{API}/api/v1/") as client:
        assert (await client.get(f"data_assets/{aid(1)}",
                                 headers=basic("cop_custom"))).status_code == 200
        assert (await client.get(f"data_assets/{aid(1)}",
                                 headers=basic("tok-main"))).status_code == 401


async def test_owner_of_alan_assets(http: Callable[..., httpx.AsyncClient]) -> None:
    asset = (await http("alan").get(f"data_assets/{aid(10)}")).json()
    assert asset["owner"] == ALAN and asset["owner_email"] == "alan@example.org"
