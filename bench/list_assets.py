"""Full listing of 10,000 assets: co-tui's async iterator vs the official SDK's iterator.

Both list every asset of a ``scale:10000:1`` emulator served by uvicorn in a child process on
loopback (the same server, the same run, alternating runs). The SDK runs with its defaults
(``search_data_assets_iterator(DataAssetSearchParams())``: the server's default page of 100).
Ours uses its defaults too (pages of 1,000, msgspec decoding); "ours, pages of 100" isolates
what page size alone buys. Target (issue 2): ours at least 2x faster than the SDK.

Run: python bench/list_assets.py [--assets 10000] [--runs 5]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import emulator_process, write_results


async def _ours(domain: str, token: str, limit: int | None) -> int:
    from co_tui.api import CodeOceanClient
    from co_tui.api.models import DataAssetSearchParams

    async with CodeOceanClient(domain, token) as client:
        count = 0
        async for _ in client.data_assets.search_data_assets_iterator(
            DataAssetSearchParams(limit=limit)
        ):
            count += 1
        return count


def ours(domain: str, token: str, limit: int | None = None) -> int:
    return asyncio.run(_ours(domain, token, limit))


def sdk(domain: str, token: str) -> int:
    from codeocean import CodeOcean
    from codeocean.data_asset import DataAssetSearchParams

    client = CodeOcean(domain=domain, token=token)
    return sum(1 for _ in client.data_assets.search_data_assets_iterator(DataAssetSearchParams()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--assets", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    contenders = {
        "official SDK iterator (defaults)": lambda d, t: sdk(d, t),
        "co-tui iterator (defaults)": lambda d, t: ours(d, t),
        "co-tui iterator, pages of 100": lambda d, t: ours(d, t, 100),
    }
    samples: dict[str, list[float]] = {name: [] for name in contenders}
    with emulator_process(f"scale:{args.assets}:1") as emu:
        # Warm-up (imports, server caches, connections). The main user sees the active assets
        # visible to them, not all of the seed's: every contender must list the same number.
        visible = {name: fn(emu.domain, emu.token) for name, fn in contenders.items()}
        assert len(set(visible.values())) == 1, visible
        listed = next(iter(visible.values()))
        for _ in range(args.runs):
            for name, fn in contenders.items():
                start = time.perf_counter()
                count = fn(emu.domain, emu.token)
                samples[name].append(time.perf_counter() - start)
                assert count == listed, (name, count)
    medians = {name: statistics.median(values) for name, values in samples.items()}
    sdk_median = medians["official SDK iterator (defaults)"]
    print(f"full listing of {listed:,} visible assets ({args.assets:,} seeded) over loopback, "
          f"median of {args.runs} runs")
    print(f"{'client':36} {'median s':>9} {'min s':>7} {'max s':>7} {'assets/s':>9} {'vs SDK':>7}")
    for name, values in samples.items():
        m = medians[name]
        print(f"{name:36} {m:9.3f} {min(values):7.3f} {max(values):7.3f} "
              f"{listed / m:9.0f} {sdk_median / m:6.2f}x")
    speedup = sdk_median / medians["co-tui iterator (defaults)"]
    print(f"target: co-tui >= 2.00x the SDK -> {speedup:.2f}x {'PASS' if speedup >= 2 else 'FAIL'}")
    write_results("list_assets", {
        "assets_seeded": args.assets, "assets_listed": listed, "runs": args.runs, "samples_seconds": samples,
        "median_seconds": medians, "speedup_vs_sdk": speedup, "target": 2.0,
    })


if __name__ == "__main__":
    main()
