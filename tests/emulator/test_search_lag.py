"""--search-lag: writes reach search only after the lag; reads by id are immediate."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

import httpx
import pytest

from co_tui.emulator import Emulator
from tests.emulator.emulator_seed import API, TOKENS, Clock, aid, basic, search_all

LAG = 1.5


@pytest.fixture
def lagged(make_emulator: Callable[..., Emulator]) -> Emulator:
    return make_emulator(ready_delay=5.0, search_lag_ms=LAG * 1000)


@pytest.fixture
async def client(lagged: Emulator) -> AsyncIterator[httpx.AsyncClient]:
    headers = {"Content-Type": "application/json", **basic(TOKENS["main"])}
    async with httpx.AsyncClient(transport=lagged.transport(), base_url=f"{API}/api/v1/",
                                 headers=headers) as c:
        yield c


def by_id(rows: list[dict]) -> dict[str, dict]:
    return {row["id"]: row for row in rows}


async def test_rename_shows_in_search_only_after_the_lag(client: httpx.AsyncClient,
                                                         clock: Clock) -> None:
    response = await client.put(f"data_assets/{aid(1)}", json={"name": "Renamed thing",
                                                                 "tags": ["fresh"]})
    assert response.status_code == 200
    assert (await client.get(f"data_assets/{aid(1)}")).json()["name"] == "Renamed thing"
    stale = by_id(await search_all(client))[aid(1)]
    assert stale["name"] == "Alpha imaging dataset" and stale["tags"] == ["imaging", "mouse"]
    assert await search_all(client, query="renamed") == []
    assert aid(1) in by_id(await search_all(client, query="name:alpha"))
    clock.now += LAG - 0.01
    assert await search_all(client, query="renamed") == []
    clock.now += 0.02
    fresh = by_id(await search_all(client, query="renamed"))
    assert fresh[aid(1)]["tags"] == ["fresh"]
    assert await search_all(client, query="name:alpha") == []


async def test_archive_delete_and_create_lag(client: httpx.AsyncClient, clock: Clock) -> None:
    assert (await client.patch(f"data_assets/{aid(2)}/archive?archive=true")).status_code == 204
    assert aid(2) in by_id(await search_all(client))
    assert aid(2) not in by_id(await search_all(client, archived=True))
    clock.now += LAG
    assert aid(2) not in by_id(await search_all(client))
    assert aid(2) in by_id(await search_all(client, archived=True))

    assert (await client.delete(f"data_assets/{aid(2)}")).status_code == 204
    assert (await client.get(f"data_assets/{aid(2)}")).status_code == 404
    assert aid(2) in by_id(await search_all(client, archived=True))  # a deleted asset still listed
    clock.now += LAG
    assert aid(2) not in by_id(await search_all(client, archived=True))

    created = (await client.post("data_assets", json={
        "name": "Brand new", "tags": [], "mount": "new",
        "source": {"aws": {"bucket": "demo-bucket"}}})).json()
    assert (await client.get(f"data_assets/{created['id']}")).status_code == 200
    assert created["id"] not in by_id(await search_all(client))
    clock.now += LAG
    found = by_id(await search_all(client))[created["id"]]
    assert found["state"] == "draft"


async def test_draft_becoming_ready_lags_too(client: httpx.AsyncClient, clock: Clock) -> None:
    created = (await client.post("data_assets", json={
        "name": "Soon ready", "tags": [], "mount": "soon",
        "source": {"aws": {"bucket": "demo-bucket"}}})).json()
    clock.now += 5.0  # ready_delay: ready now; search shows the draft (indexed at 1.5 s)
    assert (await client.get(f"data_assets/{created['id']}")).json()["state"] == "ready"
    assert by_id(await search_all(client))[created["id"]]["state"] == "draft"
    clock.now += LAG
    assert by_id(await search_all(client))[created["id"]]["state"] == "ready"


async def test_permissions_lag(lagged: Emulator, client: httpx.AsyncClient, clock: Clock) -> None:
    alan = httpx.AsyncClient(transport=lagged.transport(), base_url=f"{API}/api/v1/",
                             headers={"Content-Type": "application/json", **basic(TOKENS["alan"])})
    async with alan:
        assert aid(1) not in by_id(await search_all(alan))
        response = await client.post(f"data_assets/{aid(1)}/permissions", json={
            "users": [{"email": "alan@example.org", "role": "viewer"}]})
        assert response.status_code == 204
        assert (await alan.get(f"data_assets/{aid(1)}")).status_code == 200
        assert aid(1) not in by_id(await search_all(alan))
        clock.now += LAG
        assert aid(1) in by_id(await search_all(alan))


async def test_two_writes_each_show_after_their_own_lag(client: httpx.AsyncClient,
                                                        clock: Clock) -> None:
    await client.put(f"data_assets/{aid(1)}", json={"name": "First name"})
    clock.now += 1.0
    await client.put(f"data_assets/{aid(1)}", json={"name": "Second name"})
    clock.now += 0.5
    assert by_id(await search_all(client))[aid(1)]["name"] == "First name"
    clock.now += 1.0
    assert by_id(await search_all(client))[aid(1)]["name"] == "Second name"


async def test_catch_up_makes_every_write_visible(lagged: Emulator,
                                                  client: httpx.AsyncClient) -> None:
    await client.put(f"data_assets/{aid(1)}", json={"name": "Caught up"})
    index = lagged.search_index
    assert index is not None and index.pending == 1
    lagged.search_catch_up()
    assert index.pending == 0
    assert aid(1) in by_id(await search_all(client, query="name:caught"))


async def test_paging_and_ordering_read_the_index(client: httpx.AsyncClient,
                                                  clock: Clock) -> None:
    order = {"sort_field": "name", "sort_order": "asc"}
    before = [row["id"] for row in await search_all(client, **order)]
    await client.put(f"data_assets/{aid(18)}", json={"name": "AAA first now"})
    assert [row["id"] for row in await search_all(client, limit=3, **order)] == before
    clock.now += LAG
    after = [row["id"] for row in await search_all(client, limit=3, **order)]
    assert after[0] == aid(18)


def test_no_lag_means_no_index(make_emulator: Callable[..., Emulator]) -> None:
    emu = make_emulator()
    assert emu.search_index is None
    emu.search_catch_up()  # harmless


def test_negative_lag_is_refused(make_emulator: Callable[..., Emulator]) -> None:
    with pytest.raises(ValueError, match="search_lag_ms"):
        make_emulator(search_lag_ms=-1)


async def test_pending_drops_once_the_lag_has_passed(lagged: Emulator, client: httpx.AsyncClient,
                                                     clock: Clock) -> None:
    await client.put(f"data_assets/{aid(1)}", json={"name": "Pending name"})
    index = lagged.search_index
    assert index is not None and index.pending == 1
    clock.now += LAG
    assert index.pending == 0  # no search needed to bring the index up to date
