"""Re-used search pages: the same answer while nothing changed, a fresh one after any write."""

from __future__ import annotations

from collections.abc import Callable

import httpx

from co_tui.emulator import Emulator
from co_tui.emulator.page_cache import PageCache
from tests.emulator.emulator_seed import MAIN, Clock


def names(page: httpx.Response) -> list[str]:
    assert page.status_code == 200, page.text
    return [row["name"] for row in page.json()["results"]]


async def test_same_request_same_bytes(main: httpx.AsyncClient) -> None:
    first = await main.post("data_assets/search", json={"limit": 3})
    second = await main.post("data_assets/search", json={"limit": 3})
    assert first.content == second.content
    legacy = [await main.get("data_assets", params={"limit": 3}) for _ in range(2)]
    assert legacy[0].content == legacy[1].content
    assert "next_token" not in legacy[0].json()


async def test_a_write_through_the_api_shows_at_once(main: httpx.AsyncClient) -> None:
    before = (await main.post("data_assets/search", json={"limit": 100})).json()["results"]
    mine = next(row for row in before if row["owner"] == MAIN)
    renamed = await main.put(f"data_assets/{mine['id']}", json={
        "name": "Renamed by the cache test", "description": mine.get("description", ""),
        "tags": mine.get("tags", []), "mount": mine["mount"]})
    assert renamed.status_code == 200, renamed.text
    after = await main.post("data_assets/search", json={"limit": 100})
    assert "Renamed by the cache test" in names(after)
    found = await main.post("data_assets/search", json={"query": "renamed cache"})
    assert names(found) == ["Renamed by the cache test"]


async def test_a_direct_sql_write_shows_at_once(emu: Emulator, main: httpx.AsyncClient) -> None:
    before = names(await main.post("data_assets/search", json={"limit": 100}))
    with emu.store.transaction() as conn:
        conn.execute("UPDATE assets SET archived = 1 WHERE pk = "
                     "(SELECT pk FROM assets WHERE owner = ? AND archived = 0 LIMIT 1)", (MAIN,))
    after = names(await main.post("data_assets/search", json={"limit": 100}))
    assert len(after) == len(before) - 1


async def test_callers_do_not_share_pages(http: Callable[..., httpx.AsyncClient]) -> None:
    main, alan = http("main"), http("alan")
    mine = await main.post("data_assets/search", json={"limit": 100})
    theirs = await alan.post("data_assets/search", json={"limit": 100})
    assert mine.status_code == theirs.status_code == 200
    assert mine.content != theirs.content


async def test_errors_are_not_kept(main: httpx.AsyncClient) -> None:
    for _ in range(2):
        bad = await main.post("data_assets/search", json={"limit": 5000})
        assert bad.status_code == 400
        assert (await main.post("data_assets/search", content=b"{not json")).status_code == 400


async def test_a_lagging_index_catching_up_shows(make_emulator: Callable[..., Emulator],
                                                 http: Callable[..., httpx.AsyncClient],
                                                 clock: Clock) -> None:
    emu = make_emulator(search_lag_ms=1000)
    main = http("main", emulator=emu)
    before = (await main.post("data_assets/search", json={"limit": 100})).json()["results"]
    mine = next(row for row in before if row["owner"] == MAIN)
    await main.patch(f"data_assets/{mine['id']}/archive?archive=true")
    still = (await main.post("data_assets/search", json={"limit": 100})).json()["results"]
    assert mine["id"] in [row["id"] for row in still]  # search lags behind the write
    clock.now += 1.5
    later = (await main.post("data_assets/search", json={"limit": 100})).json()["results"]
    assert mine["id"] not in [row["id"] for row in later]


def test_page_cache_is_bounded_and_versioned() -> None:
    cache = PageCache(max_bytes=10)
    cache.put(1, "a", b"12345")
    cache.put(1, "b", b"12345")
    assert cache.get(1, "a") == b"12345"
    cache.put(1, "c", b"123")  # over the bound: the least recently used ("b") goes
    assert cache.get(1, "b") is None and cache.get(1, "a") == b"12345"
    assert cache.get(2, "a") is None and len(cache) == 0  # another data version: all gone
    cache.put(2, "big", b"x" * 11)
    assert cache.get(2, "big") is None
