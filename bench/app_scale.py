"""100,000 assets paged into My Data: event-loop stalls, key-press latency, memory per asset.

The app runs headless (Textual's ``run_test``, 120x36) against a ``scale:100000:1`` emulator
served by uvicorn in a child process, and pages through every asset by pressing ``G`` (each
press near the end fetches the next page). A monitor task in the app's own event loop records
how late a 5 ms sleep wakes up (the longest stall). Key latency is the time for ``j`` to be
handled and the screen refreshed. Memory per asset is the RSS growth divided by the assets
loaded, compared with the same pages kept as plain ``json.loads`` dicts.
Targets (issue 3): longest stall <= 50 ms; keys within one frame; < 2 KiB per asset.

Run: python bench/app_scale.py [--assets 100000]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import emulator_process, write_results


def rss_kib() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS")


class StallMonitor:
    """Measures how late the event loop wakes a 5 ms sleep (the longest stall)."""

    def __init__(self) -> None:
        self.worst = 0.0
        self.samples = 0
        self._task: asyncio.Task[None] | None = None

    async def _run(self) -> None:
        while True:
            start = time.perf_counter()
            await asyncio.sleep(0.005)
            late = time.perf_counter() - start - 0.005
            self.worst = max(self.worst, late)
            self.samples += 1

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run())

    def stop(self) -> None:
        if self._task:
            self._task.cancel()


async def page_everything(domain: str, token: str, expected: int) -> dict[str, float]:
    from co_tui.api import CodeOceanClient
    from co_tui.launch import build_app
    from co_tui.widgets.asset_table import AssetTable

    gc.collect()
    before = rss_kib()
    app = build_app(CodeOceanClient(domain, token))
    monitor = StallMonitor()
    started = time.perf_counter()
    async with app.run_test(size=(120, 36)) as pilot:
        monitor.start()
        table = app.screen.query_one(AssetTable)
        while not table.assets:
            await pilot.pause(0.01)
        first_page = time.perf_counter() - started
        while len(table.assets) < expected:
            await pilot.press("G")
            await pilot.pause(0.02)
        loaded = time.perf_counter() - started
        keys: list[float] = []
        cpu: list[float] = []
        for _ in range(40):
            t, c = time.perf_counter(), time.process_time()
            await pilot.press("k")
            keys.append(time.perf_counter() - t)
            cpu.append(time.process_time() - c)
        monitor.stop()
        gc.collect()
        after = rss_kib()
        count = len(table.assets)
    return {
        "assets": count, "first_page_seconds": first_page, "all_loaded_seconds": loaded,
        "worst_stall_ms": monitor.worst * 1000, "stall_samples": monitor.samples,
        "key_median_ms": statistics.median(keys) * 1000, "key_max_ms": max(keys) * 1000,
        "key_cpu_median_ms": statistics.median(cpu) * 1000,
        "rss_growth_kib": after - before, "bytes_per_asset": (after - before) * 1024 / count,
    }


def baseline_dicts(domain: str, token: str) -> float:
    """Bytes per asset when the same pages are kept as json.loads dicts, in a fresh process."""
    import subprocess

    out = subprocess.run([sys.executable, __file__, "--baseline", domain, token],
                         capture_output=True, text=True, check=True)
    return float(out.stdout.strip())


def _baseline_in_this_process(domain: str, token: str) -> float:
    import httpx

    gc.collect()
    before = rss_kib()
    rows: list[dict[str, object]] = []
    body: dict[str, object] = {"limit": 1000, "archived": False}
    with httpx.Client(auth=(token, "")) as client:
        while True:
            page = json.loads(client.post(f"{domain}/api/v1/data_assets/search", json=body).content)
            rows.extend(page["results"])
            if not page["has_more"]:
                break
            body["next_token"] = page["next_token"]
    gc.collect()
    return (rss_kib() - before) * 1024 / len(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--assets", type=int, default=100_000)
    parser.add_argument("--baseline", nargs=2, metavar=("DOMAIN", "TOKEN"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.baseline:
        print(_baseline_in_this_process(*args.baseline))
        return
    with emulator_process(f"scale:{args.assets}:1", timeout=600) as emu:
        import httpx

        with httpx.Client(auth=(emu.token, "")) as client:  # how many the main user can see
            expected = 0
            body: dict[str, object] = {"limit": 1000, "archived": False}
            while True:
                page = client.post(f"{emu.domain}/api/v1/data_assets/search", json=body).json()
                expected += len(page["results"])
                if not page["has_more"]:
                    break
                body["next_token"] = page["next_token"]
        result = asyncio.run(page_everything(emu.domain, emu.token, expected))
        plain = baseline_dicts(emu.domain, emu.token)
    print(f"My Data paged through {result['assets']:,.0f} assets (headless 120x36, pages of 200)")
    print(f"{'measure':44} {'value':>12}")
    for label, key, unit in (
        ("first page on screen", "first_page_seconds", "s"),
        ("all pages loaded", "all_loaded_seconds", "s"),
        ("longest event-loop stall", "worst_stall_ms", "ms"),
        ("key press, wall incl. Pilot's waits (median)", "key_median_ms", "ms"),
        ("key press, wall incl. Pilot's waits (max)", "key_max_ms", "ms"),
        ("key press, CPU time (median)", "key_cpu_median_ms", "ms"),
        ("memory per asset (RSS growth / assets)", "bytes_per_asset", "B"),
    ):
        print(f"{label:44} {result[key]:10.1f} {unit}")
    print(f"{'baseline: json.loads dicts per asset':44} {plain:10.1f} B")
    print(f"target: stall <= 50 ms -> {'PASS' if result['worst_stall_ms'] <= 50 else 'FAIL'}; "
          f"memory < 2048 B/asset -> {'PASS' if result['bytes_per_asset'] < 2048 else 'FAIL'}")
    write_results("app_scale", {**result, "baseline_dict_bytes_per_asset": plain,
                                "targets": {"worst_stall_ms": 50, "bytes_per_asset": 2048}})


if __name__ == "__main__":
    main()
