"""Listing assets: co-tui's async client against the floor, a bare httpx + json.loads loop.

Both talk to the same emulator (uvicorn in a child process, loopback), in the same run,
alternating. Two measures:

* full listing: every asset of a ``scale:N:1`` catalogue (100,000 by default) in pages of
  1,000 (the API's maximum; co-tui's iterator default), wall time. Target: co-tui <= 1.1x the
  bare loop.
* CPU per search request: the same first page (200 rows, My Data's default) requested again and
  again; the client process's CPU time (``time.process_time``: the server runs elsewhere)
  divided by the requests. Target: co-tui <= 1.2x the bare loop.

The bare loop is what a careful script would do: one ``httpx.AsyncClient``, POST the search,
``json.loads`` the body, follow ``next_token``. co-tui also validates every record
(msgspec, leniently), checks the origin and body size, and counts unreadable records.

``--sdk`` adds the official SDK's iterator (synchronous, its own decoder; ~40x slower: it is not
the baseline, the floor is).

Run: python bench/list_assets.py [--assets 100000] [--runs 7] [--requests 300] [--sdk] [--tiny]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import emulator_process, load_average, print_table, target_row, write_results

PAGE = 1000
FIRST_PAGE = {"limit": 200, "sort_field": "created", "sort_order": "desc", "archived": False}


async def ours_listing(domain: str, token: str) -> int:
    from co_tui.api import CodeOceanClient
    from co_tui.api.models import DataAssetSearchParams

    async with CodeOceanClient(domain, token, allow_http=True) as client:
        count = 0
        async for _ in client.data_assets.search_data_assets_iterator(
                DataAssetSearchParams(limit=PAGE)):
            count += 1
        return count


async def bare_listing(domain: str, token: str) -> int:
    import httpx

    async with httpx.AsyncClient(base_url=domain, auth=(token, "")) as client:
        body: dict[str, object] = {"limit": PAGE}
        count = 0
        while True:
            response = await client.post("/api/v1/data_assets/search", json=body)
            response.raise_for_status()
            page = json.loads(response.content)
            count += len(page["results"])
            if not page.get("has_more") or not page.get("next_token"):
                return count
            body = {"limit": PAGE, "next_token": page["next_token"]}


async def ours_requests(domain: str, token: str, n: int) -> float:
    from co_tui.api import CodeOceanClient
    from co_tui.api.models import DataAssetSearchParams

    params = DataAssetSearchParams(**FIRST_PAGE)  # type: ignore[arg-type]
    async with CodeOceanClient(domain, token, allow_http=True) as client:
        await client.data_assets.search_data_assets(params)  # connection, imports
        start = time.process_time()
        for _ in range(n):
            page = await client.data_assets.search_data_assets(params)
            assert page.results
        return (time.process_time() - start) / n


async def bare_requests(domain: str, token: str, n: int) -> float:
    import httpx

    async with httpx.AsyncClient(base_url=domain, auth=(token, "")) as client:
        await client.post("/api/v1/data_assets/search", json=FIRST_PAGE)
        start = time.process_time()
        for _ in range(n):
            response = await client.post("/api/v1/data_assets/search", json=FIRST_PAGE)
            response.raise_for_status()
            assert json.loads(response.content)["results"]
        return (time.process_time() - start) / n


def sdk_listing(domain: str, token: str) -> int:
    from codeocean import CodeOcean
    from codeocean.data_asset import DataAssetSearchParams

    client = CodeOcean(domain=domain, token=token)
    return sum(1 for _ in client.data_assets.search_data_assets_iterator(
        DataAssetSearchParams(limit=PAGE)))


def _timed(run: Callable[[], Awaitable[int]]) -> tuple[float, int]:
    start = time.perf_counter()
    count = asyncio.run(run())  # type: ignore[arg-type]
    return time.perf_counter() - start, count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--assets", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--requests", type=int, default=300, help="requests per CPU sample")
    parser.add_argument("--sdk", action="store_true", help="also time the official SDK")
    parser.add_argument("--tiny", action="store_true", help="2,000 assets, 2 runs (the CI test)")
    parser.add_argument("--name", default="list_assets")
    args = parser.parse_args()
    if args.tiny:
        args.assets, args.runs, args.requests = 2_000, 2, 20
    walls: dict[str, list[float]] = {"co-tui": [], "bare httpx": []}
    cpu: dict[str, list[float]] = {"co-tui": [], "bare httpx": []}
    if args.sdk:
        walls["official SDK"] = []
    with emulator_process(f"scale:{args.assets}:1") as emu:
        d, t = emu.domain, emu.token
        listers: dict[str, Callable[[], tuple[float, int]]] = {
            "co-tui": lambda: _timed(lambda: ours_listing(d, t)),
            "bare httpx": lambda: _timed(lambda: bare_listing(d, t)),
        }
        if args.sdk:
            listers["official SDK"] = lambda: (lambda s: (time.perf_counter() - s, sdk_listing(d, t)))(
                time.perf_counter())
        counts = {name: run()[1] for name, run in listers.items()}  # warm-up; same count for all
        assert len(set(counts.values())) == 1, counts
        listed = next(iter(counts.values()))
        for _ in range(args.runs):
            for name, run in listers.items():
                seconds, count = run()
                assert count == listed, (name, count)
                walls[name].append(seconds)
            cpu["co-tui"].append(asyncio.run(ours_requests(d, t, args.requests)))
            cpu["bare httpx"].append(asyncio.run(bare_requests(d, t, args.requests)))
    wall = {name: statistics.median(v) for name, v in walls.items()}
    per_request = {name: statistics.median(v) for name, v in cpu.items()}
    print(f"listing {listed:,} visible assets ({args.assets:,} seeded) over loopback, pages of "
          f"{PAGE}, median of {args.runs} alternating runs, load {load_average()}")
    print(f"{'client':16} {'listing s':>10} {'assets/s':>10} {'CPU ms/search':>14}")
    for name in walls:
        cpu_ms = f"{per_request[name] * 1000:14.2f}" if name in per_request else f"{'':14}"
        print(f"{name:16} {wall[name]:10.3f} {listed / wall[name]:10.0f} {cpu_ms}")
    table = [
        target_row(f"list {listed:,} assets: wall <= 1.1x bare httpx + json.loads",
                   wall["co-tui"], wall["bare httpx"], "s", limit=1.1),
        target_row("CPU per search request <= 1.2x bare httpx + json.loads",
                   per_request["co-tui"] * 1000, per_request["bare httpx"] * 1000, "ms",
                   limit=1.2),
    ]
    print_table(table)
    write_results(args.name, {
        "assets_seeded": args.assets, "assets_listed": listed, "runs": args.runs,
        "page_size": PAGE, "requests_per_cpu_sample": args.requests,
        "listing_seconds": walls, "cpu_seconds_per_request": cpu,
        "median_listing_seconds": wall, "median_cpu_seconds_per_request": per_request,
        "table": table,
    })


if __name__ == "__main__":
    main()
