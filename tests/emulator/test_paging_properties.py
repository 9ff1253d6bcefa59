"""Keyset paging under many ties, random page sizes and every sort; the real seeds load cleanly."""

from __future__ import annotations

import asyncio

import httpx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from co_tui.emulator import Emulator, EmulatorConfig
from co_tui.emulator.seed_model import Content, SeedAsset, SeedData, SeedFile, SeedUser
from tests.emulator.emulator_seed import API, basic

USER = SeedUser("u", "u@example.org", "U", "tok-u")


def _seed(rows: list[tuple[int, int, int, int]]) -> SeedData:
    """Assets whose created / name / size / type come from tiny ranges, so ties are common."""
    names = ["alpha", "Alpha", "beta", "gamma"]
    types = ["dataset", "result", "model", "combined"]
    assets = [
        SeedAsset(id=f"{index:08d}-0000-4000-8000-000000000000", name=names[name], owner="u",
                  created=1_700_000_000 + created, type=types[kind], mount=f"m{index}",
                  files=[SeedFile("f", Content("zeros", size))] if size else [])
        for index, (created, name, size, kind) in enumerate(rows)
    ]
    return SeedData(users=[USER], assets=assets)


async def _pages(client: httpx.AsyncClient, body: dict) -> list[str]:
    out: list[str] = []
    while True:
        page = (await client.post("data_assets/search", json=body)).json()
        assert len(page["results"]) <= body["limit"]
        out += [row["id"] for row in page["results"]]
        if not page["has_more"]:
            return out
        body = {**body, "next_token": page["next_token"]}


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rows=st.lists(st.tuples(st.integers(0, 3), st.integers(0, 3), st.integers(0, 2),
                            st.integers(0, 3)), min_size=0, max_size=60),
    limit=st.integers(1, 9),
    sort=st.sampled_from([None, "created", "name", "size", "type"]),
    order=st.sampled_from(["asc", "desc"]),
)
def test_small_pages_equal_one_big_page(rows: list[tuple[int, int, int, int]], limit: int,
                                        sort: str | None, order: str) -> None:
    emu = Emulator(EmulatorConfig(seed="prop"), seed_data=_seed(rows))

    async def run() -> tuple[list[str], list[str]]:
        async with httpx.AsyncClient(transport=emu.transport(), base_url=f"{API}/api/v1/",
                                     headers=basic("tok-u")) as client:
            body: dict = {"sort_field": sort, "sort_order": order}
            big = await _pages(client, {**body, "limit": 1000})
            small = await _pages(client, {**body, "limit": limit})
            return big, small

    try:
        big, small = asyncio.run(run())
    finally:
        emu.close()
    assert small == big and sorted(big) == sorted(f"{i:08d}-0000-4000-8000-000000000000"
                                                  for i in range(len(rows)))


def test_real_seeds_load_and_page() -> None:
    """The demo and a scale seed load through the same code path the CLI uses."""
    for name in ("demo", "empty", "scale:3000:2"):
        emu = Emulator(EmulatorConfig(seed=name))

        async def run(emu: Emulator = emu) -> int:
            async with httpx.AsyncClient(transport=emu.transport(), base_url=f"{API}/api/v1/",
                                         headers=basic(emu.main_token)) as client:
                big = await _pages(client, {"limit": 1000})
                small = await _pages(client, {"limit": 97, "sort_field": "size",
                                              "sort_order": "desc"})
                assert sorted(big) == sorted(small)
                return len(big)

        try:
            count = asyncio.run(run())
        finally:
            emu.close()
        assert count > 0 or name == "empty"
