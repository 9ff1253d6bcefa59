"""Streaming download of a 1 GiB file from a signed URL: co-tui's client vs ``curl -o``.

The emulator (demo seed, a child process) serves the file from its signed-URL origin on
loopback. Each contender writes the whole file to disk in a temp folder; runs alternate. Ours
runs in a child process (bench/_download_child.py) so its peak RSS is its own: memory must stay
flat whatever the file size. Target (issue 2): >= 90% of curl's throughput.

Run: python bench/download.py [--runs 5]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import emulator_process, write_results

SIZE = 1024**3


def _find_file() -> tuple[str, str]:
    from co_tui.emulator.seeds import load_seed

    seed = load_seed("demo")
    for asset in seed.assets:
        for f in asset.files:
            if f.content.size == SIZE:
                return asset.id, f.path
    raise SystemExit("the demo seed has no 1 GiB file")


async def _signed_url(domain: str, token: str, asset_id: str, path: str) -> str:
    from co_tui.api import CodeOceanClient

    async with CodeOceanClient(domain, token) as client:
        urls = await client.data_assets.get_data_asset_file_urls(asset_id, path)
        return urls.download_url


def run_curl(url: str, dest: Path) -> float:
    start = time.perf_counter()
    subprocess.run(["curl", "-s", "-f", "-o", str(dest), url], check=True)
    elapsed = time.perf_counter() - start
    assert dest.stat().st_size == SIZE
    return elapsed


def run_ours(url: str, dest: Path) -> tuple[float, int]:
    child = Path(__file__).resolve().parent / "_download_child.py"
    out = subprocess.run([sys.executable, str(child), url, str(dest)], check=True,
                         capture_output=True, text=True)
    result = json.loads(out.stdout)
    assert dest.stat().st_size == SIZE
    return result["seconds"], result["peak_rss_growth_kib"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--dest", type=Path, default=None,
        help="folder to write into (default: /dev/shm when it has room, so that disk write-back "
             "noise does not drown the clients' own cost; else the system temp folder)",
    )
    args = parser.parse_args()
    if shutil.which("curl") is None:
        raise SystemExit("curl is not installed (apt-get install curl)")
    asset_id, path = _find_file()
    base = args.dest
    if base is None and Path("/dev/shm").is_dir() and shutil.disk_usage("/dev/shm").free > 3 * SIZE:
        base = Path("/dev/shm")
    folder = Path(tempfile.mkdtemp(prefix="co-tui-bench-", dir=base))
    curl_s: list[float] = []
    ours_s: list[float] = []
    rss: list[int] = []
    try:
        with emulator_process("demo") as emu:
            url = asyncio.run(_signed_url(emu.domain, emu.token, asset_id, path))
            run_curl(url, folder / "warm")  # warm the server's block cache and the page cache
            os.remove(folder / "warm")
            for i in range(args.runs):
                curl_s.append(run_curl(url, folder / f"curl{i}"))
                os.remove(folder / f"curl{i}")
                seconds, growth = run_ours(url, folder / f"ours{i}")
                ours_s.append(seconds)
                rss.append(growth)
                os.remove(folder / f"ours{i}")
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    mib = SIZE / 2**20
    c, o = statistics.median(curl_s), statistics.median(ours_s)
    print(f"download of a 1 GiB file from a signed URL on loopback into {folder.parent}, "
          f"median of {args.runs} runs")
    print(f"{'client':28} {'median s':>9} {'MiB/s':>8} {'vs curl':>8} {'peak RSS growth':>16}")
    print(f"{'curl -o':28} {c:9.2f} {mib / c:8.0f} {1.0:7.2f}x {'-':>16}")
    print(f"{'co-tui files.download':28} {o:9.2f} {mib / o:8.0f} {c / o:7.2f}x "
          f"{statistics.median(rss) / 1024:13.1f} MiB")
    ratio = c / o
    print(f"target: >= 0.90 of curl's throughput -> {ratio:.2f} {'PASS' if ratio >= 0.9 else 'FAIL'}")
    write_results("download", {
        "bytes": SIZE, "runs": args.runs, "destination": str(folder.parent), "curl_seconds": curl_s, "ours_seconds": ours_s,
        "ours_peak_rss_growth_kib": rss, "throughput_ratio_vs_curl": ratio, "target": 0.9,
    })


if __name__ == "__main__":
    main()
