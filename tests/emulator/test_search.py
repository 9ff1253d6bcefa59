"""Search: query syntax, filters, sorting, keyset paging, tokens, the legacy GET form."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from co_tui.emulator.search_request import parse_query
from tests.emulator.emulator_seed import ALAN, GRACE, MAIN, aid, search_all


def ids(rows: list[dict]) -> list[str]:
    return [row["id"] for row in rows]


# -- the query language (pure) ---------------------------------------------------------------


@pytest.mark.parametrize(("text", "fields", "free"), [
    ("", {}, []),
    ("Alpha", {}, ["alpha"]),
    ("name:RNA-seq tag:genomics", {"name": ["rna-seq"], "tag": ["genomics"]}, []),
    ('name:"analysis pipeline"', {"name": ["analysis pipeline"]}, []),
    ("name:a name:b", {"name": ["a", "b"]}, []),
    ('"two words" more', {}, ["two words", "more"]),
    ("NAME:x TAG:Y", {"name": ["x"], "tag": ["y"]}, []),
    ("foo:bar", {}, ["foo:bar"]),
    ("name: alpha", {}, ["alpha"]),
    ('name:"unterminated phrase', {"name": ["unterminated phrase"]}, []),
    ("run_script:code/run commit_id:ABC contained_data_id:X",
     {"run_script": ["code/run"], "commit_id": ["abc"], "contained_data_id": ["x"]}, []),
])
def test_parse_query(text: str, fields: dict, free: list) -> None:
    parsed = parse_query(text)
    assert parsed.fields == fields and parsed.free == free


# -- query semantics --------------------------------------------------------------------------


@pytest.mark.parametrize(("query", "expected"), [
    ("name:alpha", {1}),
    ("name:ALPHA name:beta", {1, 2}),                      # same field: OR
    ("name:alpha tag:genomics", set()),                    # different fields: AND
    ("tag:rna-seq", {2}),                                  # whole tag, any case
    ("tag:rna", set()),                                    # no partial tags
    ("tag:analysis", {18}),
    ('name:"analysis pipeline"', {18}),                    # phrase
    ('name:"pipeline analysis"', set()),
    ("visual cortex", {1}),                                # free text: description, AND of words
    ("visual nothing", set()),
    ("human", {2}),                                        # custom metadata values
    ("genomics", {2}),                                     # tags in free text
    ("run_script:run.sh", {3}),
    ("commit_id:ABC123", {3}),
    (f"contained_data_id:{aid(1)}", {4}),
    (f"contained_data_id:{aid(1)[:-1]}", set()),
    ("name:zzz-none", set()),
    # words, not substrings: a prefix of a word matches, the middle of a word does not
    ("name:alp", {1}),
    ("name:lpha", set()),
    ("sequenc", {2}),
    ("quencing", set()),
    ("rna", {2}),                                          # "RNA-seq" is two words
    ("name:rna-seq", set()),                               # ... in the tags, not the name
    ("tag:RNA-seq", {2}),
    ('"visual cortex"', {1}),                              # a phrase: those words in that order
    ('"cortex visual"', set()),
    ('"visu"', set()),                                     # a quoted word is not a prefix
    ("two-photon", {1}),
    ("photon", {1}),                                       # a word of "two-photon"
    ("hoton", set()),
    ("name:SIGMA name:zzz", {18}),
    ("--", set()),                                         # no word at all matches nothing
    ('name:"a""b"', set()),                                # quotes are not FTS syntax
    ("run_script:code/run", {3}),
    ("run_script:sh", {3}),
    ("run_script:un.sh", set()),
    ("commit_id:abc", {3}),                                # a prefix of the hash
    ("commit_id:def456", set()),                           # not the middle of it
])
async def test_query(main: httpx.AsyncClient, query: str, expected: set[int]) -> None:
    found = set(ids(await search_all(main, query=query)))
    assert found == {aid(n) for n in expected}


async def test_default_order_is_created_desc(main: httpx.AsyncClient) -> None:
    rows = await search_all(main)
    created = [row["created"] for row in rows]
    assert created == sorted(created, reverse=True)


@pytest.mark.parametrize("field", ["created", "name", "size", "type"])
@pytest.mark.parametrize("order", ["asc", "desc"])
async def test_sorting_with_ties_broken_by_id(main: httpx.AsyncClient, field: str,
                                              order: str) -> None:
    rows = await search_all(main, sort_field=field, sort_order=order, limit=4)
    keys = [(row[field].lower() if field == "name" else row[field], row["id"]) for row in rows]
    assert keys == sorted(keys, reverse=order == "desc")


async def test_sort_order_without_field_is_ignored(main: httpx.AsyncClient) -> None:
    assert ids(await search_all(main, sort_order="asc")) == ids(await search_all(main))


async def test_sort_field_without_order_is_ascending(main: httpx.AsyncClient) -> None:
    assert ids(await search_all(main, sort_field="name")) == ids(
        await search_all(main, sort_field="name", sort_order="asc"))


# -- filters ----------------------------------------------------------------------------------


async def test_type_origin_archived_and_favorite(main: httpx.AsyncClient) -> None:
    everything = set(ids(await search_all(main)))
    assert aid(8) not in everything and aid(13) not in everything
    assert set(ids(await search_all(main, archived=True))) == {aid(8)}
    assert set(ids(await search_all(main, archived=False))) == everything
    assert set(ids(await search_all(main, type="result"))) == {aid(3)}
    assert set(ids(await search_all(main, type="model"))) == {aid(5)}
    assert set(ids(await search_all(main, origin="external"))) == {aid(9)}
    assert set(ids(await search_all(main, origin="internal"))) == everything - {aid(9)}
    assert set(ids(await search_all(main, favorite=True))) == {aid(1)}
    assert set(ids(await search_all(main, favorite=False))) == everything


async def test_ownership(http: Callable[..., httpx.AsyncClient]) -> None:
    main = http("main")
    mine = await search_all(main, ownership="created")
    shared = await search_all(main, ownership="shared")
    assert mine and all(row["owner"] == MAIN for row in mine)
    assert shared and all(row["owner"] in (ALAN, GRACE) for row in shared)
    assert set(ids(mine)) | set(ids(shared)) == set(ids(await search_all(main)))
    private = set(ids(await search_all(main, ownership="private")))
    assert aid(1) in private and aid(2) not in private  # aid(2) is shared with alan
    assert private <= set(ids(mine))


async def test_admin_sees_everything(http: Callable[..., httpx.AsyncClient]) -> None:
    rows = await search_all(http("admin"))
    assert len(rows) == 17 and aid(13) in ids(rows)


@pytest.mark.parametrize(("filters", "expected"), [
    ([{"key": "species", "value": "MOUSE"}], {1}),
    ([{"key": "species", "values": ["mouse", "human"]}], {1, 2}),
    ([{"key": "sessions", "range": {"min": 5, "max": None}}], {2}),
    ([{"key": "sessions", "range": {"min": 0, "max": 5}}], {1}),
    ([{"key": "sessions", "value": 12}], {2}),
    ([{"key": "species", "value": "mouse", "exclude": True}, {"key": "sessions", "range": {"min": 0}}],
     {2}),
    ([{"key": "tags", "value": "imaging"}], {1}),
    ([{"key": "name", "value": "ALPHA"}], {1}),
    ([{"key": "description", "value": "rna sequencing"}], {2}),
])
async def test_filters(main: httpx.AsyncClient, filters: list, expected: set[int]) -> None:
    found = set(ids(await search_all(main, filters=filters)))
    assert found == {aid(n) for n in expected}


@pytest.mark.parametrize("body", [
    {"type": "folder"}, {"ownership": "mine"}, {"origin": "s3"}, {"sort_field": "owner"},
    {"sort_field": "name", "sort_order": "up"}, {"limit": -1}, {"limit": "x"},
    {"filters": [{"key": "x"}]}, {"filters": [{"key": "x", "range": {}}]},
    {"filters": [{"key": "tags", "range": {"min": 1}}]}, {"filters": "x"}, {"favorite": 3},
])
async def test_invalid_search_bodies(main: httpx.AsyncClient, body: dict) -> None:
    response = await main.post("data_assets/search", json=body)
    assert response.status_code == 400 and response.json()["message"]


# -- paging -----------------------------------------------------------------------------------


async def test_null_fields_are_absent(main: httpx.AsyncClient) -> None:
    body = {"query": None, "next_token": None, "offset": None, "limit": None,
            "sort_field": None, "sort_order": None, "type": None, "ownership": None,
            "origin": None, "favorite": None, "archived": None, "filters": None}
    response = await main.post("data_assets/search", json=body)
    assert response.status_code == 200
    assert ids(response.json()["results"]) == ids(await search_all(main))


async def test_empty_body_is_a_plain_search(main: httpx.AsyncClient) -> None:
    response = await main.post("data_assets/search", content=b"")
    assert response.status_code == 200 and response.json()["has_more"] is False


async def test_paging_with_limit_7_equals_one_big_page(main: httpx.AsyncClient) -> None:
    big = (await main.post("data_assets/search", json={"limit": 1000})).json()
    assert big["has_more"] is False and "next_token" not in big
    pages = 0
    body: dict = {"limit": 7, "sort_field": "name", "sort_order": "desc"}
    collected: list[dict] = []
    while True:
        page = (await main.post("data_assets/search", json=body)).json()
        pages += 1
        assert len(page["results"]) <= 7
        collected += page["results"]
        if not page["has_more"]:
            break
        body["next_token"] = page["next_token"]
    by_name = (await main.post("data_assets/search", json={
        "limit": 1000, "sort_field": "name", "sort_order": "desc"})).json()["results"]
    assert collected == by_name and len(collected) == len(big["results"])
    assert pages == -(-len(collected) // 7)


async def test_limit_default_and_maximum(main: httpx.AsyncClient) -> None:
    for limit, expected in ((0, 16), (2, 2), (1000, 16)):
        page = (await main.post("data_assets/search", json={"limit": limit})).json()
        assert len(page["results"]) == expected


@pytest.mark.parametrize("limit", [1001, 5000])
async def test_limit_above_1000_is_400_not_clamped(main: httpx.AsyncClient, limit: int) -> None:
    response = await main.post("data_assets/search", json={"limit": limit})
    assert response.status_code == 400 and "1000" in response.json()["message"]
    legacy = await main.get("data_assets", params={"limit": str(limit)})
    assert legacy.status_code == 400


async def test_offset_and_from(main: httpx.AsyncClient) -> None:
    everything = ids(await search_all(main))
    page = (await main.post("data_assets/search", json={"offset": 3, "limit": 4})).json()
    assert ids(page["results"]) == everything[3:7] and page["has_more"]
    page = (await main.post("data_assets/search", json={"from": 3, "limit": 4})).json()
    assert ids(page["results"]) == everything[3:7]


async def test_paging_is_stable_across_creates_and_deletes(main: httpx.AsyncClient) -> None:
    order = {"sort_field": "name", "sort_order": "asc"}
    rows = await search_all(main, **order)
    before = ids(rows)
    first = (await main.post("data_assets/search", json={"limit": 5, **order})).json()
    assert ids(first["results"]) == before[:5]
    # Between pages: a row already seen is deleted, one not yet seen is deleted, one is added
    # before the cursor and one after it.
    seen = next(row["id"] for row in rows[:5] if row["owner"] == MAIN)
    unseen = next(row["id"] for row in rows[6:] if row["owner"] == MAIN)
    for victim in (seen, unseen):
        await main.patch(f"data_assets/{victim}/archive?archive=true")
        assert (await main.delete(f"data_assets/{victim}")).status_code == 204
    for name in ("AAA first", "zzz last"):
        response = await main.post("data_assets", json={
            "name": name, "tags": [], "mount": "x", "source": {"aws": {"bucket": "demo-bucket"}}})
        assert response.status_code == 200
    rest: list[dict] = []
    body = {"limit": 5, **order, "next_token": first["next_token"]}
    while True:
        page = (await main.post("data_assets/search", json=body)).json()
        rest += page["results"]
        if not page["has_more"]:
            break
        body["next_token"] = page["next_token"]
    names = [row["name"] for row in rest]
    assert "AAA first" not in names and names[-1] == "zzz last"
    assert ids(rest)[:-1] == [n for n in before[5:] if n != unseen]


async def test_token_of_another_query_is_400(http: Callable[..., httpx.AsyncClient]) -> None:
    main = http("main")
    page = (await main.post("data_assets/search", json={"limit": 2})).json()
    token = page["next_token"]
    assert (await main.post("data_assets/search", json={"limit": 5,
                                                        "next_token": token})).status_code == 200
    for body in ({"query": "alpha"}, {"sort_field": "name"}, {"archived": True},
                 {"type": "dataset"}):
        response = await main.post("data_assets/search", json={**body, "next_token": token})
        assert response.status_code == 400 and "next_token" in response.json()["message"]
    other = await http("alan").post("data_assets/search", json={"limit": 2, "next_token": token})
    assert other.status_code == 400
    garbage = await main.post("data_assets/search", json={"next_token": "not-a-token"})
    assert garbage.status_code == 400


async def test_next_token_ignores_offset(main: httpx.AsyncClient) -> None:
    first = (await main.post("data_assets/search", json={"limit": 3, "offset": 0})).json()
    again = (await main.post("data_assets/search", json={
        "limit": 3, "offset": 0, "next_token": first["next_token"]})).json()
    everything = ids(await search_all(main))
    assert ids(again["results"]) == everything[3:6]


# -- legacy GET -------------------------------------------------------------------------------


async def test_legacy_get_search(main: httpx.AsyncClient) -> None:
    everything = ids(await search_all(main, sort_field="name", sort_order="asc"))
    collected: list[str] = []
    start = 0
    while True:
        response = await main.get("data_assets", params={
            "start": start, "limit": 5, "sort_field": "name", "sort_order": "asc",
            "archived": "False", "favorite": "False"})
        page = response.json()
        assert response.status_code == 200 and "next_token" not in page
        collected += ids(page["results"])
        start += len(page["results"])
        if not page["has_more"]:
            break
    assert collected == everything
    archived = (await main.get("data_assets", params={"archived": "True"})).json()
    assert ids(archived["results"]) == [aid(8)]
    owner = (await main.get("data_assets", params={"ownership": "owner", "type": "result"})).json()
    assert ids(owner["results"]) == [aid(3)]
    query = (await main.get("data_assets", params={"query": "tag:genomics"})).json()
    assert ids(query["results"]) == [aid(2)]


async def test_a_store_saved_before_the_word_index_gets_one(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A data folder written by an emulator without ``asset_fts``: reopened, it is built (and
    kept in step with writes by its triggers)."""
    import sqlite3

    from co_tui.emulator import Emulator, EmulatorConfig
    from tests.emulator.emulator_seed import API, TOKENS, Clock, basic, build_seed

    config = EmulatorConfig(seed="test", data_dir=tmp_path, clock=Clock())
    Emulator(config, seed_data=build_seed()).close()
    conn = sqlite3.connect(tmp_path / "emulator.sqlite3")
    conn.executescript("DROP TABLE asset_fts; DROP TRIGGER assets_fts_insert; "
                       "DROP TRIGGER assets_fts_delete; DROP TRIGGER assets_fts_update;")
    conn.close()
    emu = Emulator(config)
    try:
        async with httpx.AsyncClient(transport=emu.transport(), base_url=f"{API}/api/v1/",
                                     headers=basic(TOKENS["main"])) as main:
            assert ids(await search_all(main, query="name:alpha")) == [aid(1)]
            await main.put(f"data_assets/{aid(1)}", json={"name": "Omega now"})
            assert ids(await search_all(main, query="name:omega")) == [aid(1)]
    finally:
        emu.close()
