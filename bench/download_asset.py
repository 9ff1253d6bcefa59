"""Whole-asset downloads: co-tui's transfer engine vs ``curl`` fetching the same signed URLs.

Three cases, served by the emulator in a child process on loopback:

(a) an asset of 1,000 files of 1 MiB (10 folders of 100), downloaded whole;
(b) the demo's 4 GiB generated file (``raw/acquisition_4GiB.log``);
(c) case (a) again with every response delayed by ``--latency`` ms (20 by default: the round
    trip to a real API or S3 bucket, which bare loopback does not have).

Contenders, one after the other in each run, each writing into an empty folder (``/dev/shm``
when it has room, so disk write-back noise does not drown the clients' own cost):

- co-tui: ``DownloadEngine`` in a child process (bench/_download_asset_child.py), exactly as the
  app runs it: listing, a fresh signed URL per file, up to 4 transfers at once, temp file +
  fsync + rename. Its time *includes* listing and fetching the 1,000 signed URLs (2 requests
  per file against curl's 1);
- ``curl`` once per URL, one after the other (a shell loop: ``for url in urls: curl -o``);
- ``curl -K``: one curl given every URL, fetching them one after the other over one reused
  connection (the strongest sequential curl);
  both curls get the signed URLs for free (fetched before the clock starts).

Peak memory: the child's peak RSS and its growth during the download (ours); curl's own peak
RSS (GNU time). Targets (issue): faster than sequential curl for many small files, >= 90% of
curl's throughput for the big file, memory flat (growth does not follow the size).

The emulator's state is prepared once in a temp folder (demo seed plus the 1,000-file asset) and
served with ``co-tui emulator --data DIR``; nothing in the emulator changes for the benchmark.

Run: python bench/download_asset.py [--runs 3] [--latency 20] [--dest DIR]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import emulator_process, write_results

MIB = 2**20
GIB = 2**30
BENCH_ASSET = "b0000000-0000-4000-8000-000000001000"
FOLDERS, PER_FOLDER = 10, 100
BIG_PATH = "raw/acquisition_4GiB.log"


def _prepare_state(folder: Path) -> str:
    """Write the emulator's SQLite state (demo + the 1,000-file asset); return the 4 GiB asset's id."""
    from co_tui.emulator import Emulator, EmulatorConfig
    from co_tui.emulator.seed_model import SeedAsset, SeedFolderGenerator
    from co_tui.emulator.seeds import load_seed
    from co_tui.emulator.seeds.common import ADA, NOW

    seed = load_seed("demo")
    big_asset = next(a.id for a in seed.assets for f in a.files
                     if f.path == BIG_PATH and f.content.size == 4 * GIB)
    seed.assets.append(SeedAsset(
        id=BENCH_ASSET, name="bench 1000 x 1 MiB", owner=ADA, created=NOW, mount="bench_1000",
        generated_folders=[SeedFolderGenerator(f"part_{k:02d}", PER_FOLDER, MIB, "file_{i:03d}.bin")
                           for k in range(FOLDERS)],
    ))
    Emulator(EmulatorConfig(data_dir=folder), seed_data=seed).close()
    return big_asset


async def _signed_urls(domain: str, token: str, asset_id: str, paths: list[str]) -> list[str]:
    from co_tui.api import CodeOceanClient

    async with CodeOceanClient(domain, token) as client:
        out = []
        for path in paths:
            urls = await client.data_assets.get_data_asset_file_urls(asset_id, path)
            out.append(urls.download_url)
        return out


def _timed_rss(cmd: list[str]) -> tuple[float, int]:
    """Run ``cmd`` under GNU time: (wall seconds, the command's own peak RSS in KiB).

    ``wait4`` on a child forked from this process would report this process's RSS (the
    high-water mark survives ``exec``); GNU time forks the command from a small process.
    """
    with tempfile.NamedTemporaryFile("r") as report:
        start = time.perf_counter()
        subprocess.run(["/usr/bin/time", "-f", "%M", "-o", report.name, *cmd], check=True)
        elapsed = time.perf_counter() - start
        return elapsed, int(report.read().split()[-1])


def curl_each(urls: list[str], dest: Path) -> float:
    """One curl per URL, one after the other (what a shell loop does): wall seconds."""
    start = time.perf_counter()
    for index, url in enumerate(urls):
        subprocess.run(["curl", "-s", "-f", "-o", str(dest / f"f{index:04d}"), url], check=True)
    return time.perf_counter() - start


def curl_config(urls: list[str], dest: Path) -> tuple[float, int]:
    """One curl given every URL (``-K``): sequential transfers over a reused connection."""
    config = dest.parent / f"{dest.name}.curlrc"
    config.write_text("".join(f'url = "{u}"\noutput = "{dest}/f{i:04d}"\n'
                              for i, u in enumerate(urls)))
    try:
        return _timed_rss(["curl", "-s", "-f", "-K", str(config)])
    finally:
        config.unlink()


def ours(domain: str, token: str, asset_id: str, dest: Path, *file: str) -> dict[str, Any]:
    child = Path(__file__).resolve().parent / "_download_asset_child.py"
    out = subprocess.run([sys.executable, str(child), domain, token, asset_id, str(dest), *file],
                         check=True, capture_output=True, text=True)
    result: dict[str, Any] = json.loads(out.stdout)
    return result


def _size_of(folder: Path) -> tuple[int, int]:
    files = [p for p in folder.rglob("*") if p.is_file()]
    return len(files), sum(p.stat().st_size for p in files)


def _fresh(base: Path, name: str) -> Path:
    path = base / name
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir()
    return path


def _small_round(emu: Any, urls: list[str], work: Path, times: dict[str, list[float]],
                 rss: dict[str, list[int]], key: str, *, per_url: bool) -> None:
    """One run of each contender on the 1,000-file asset."""
    result = ours(emu.domain, emu.token, BENCH_ASSET, _fresh(work, "ours"))
    assert _size_of(work / "ours") == (1000, 1000 * MIB)
    times[f"{key}_ours"].append(result["seconds"])
    rss[f"ours_{key}_peak"].append(result["peak_rss_kib"])
    rss[f"ours_{key}_growth"].append(result["peak_rss_growth_kib"])
    if per_url:
        times[f"{key}_curl_each"].append(curl_each(urls, _fresh(work, "curl")))
        assert _size_of(work / "curl") == (1000, 1000 * MIB)
    seconds, peak = curl_config(urls, _fresh(work, "curl"))
    assert _size_of(work / "curl") == (1000, 1000 * MIB)
    times[f"{key}_curl_K"].append(seconds)
    rss[f"curl_{key}_peak"].append(peak)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--latency", type=float, default=20.0,
                        help="per-response delay (ms) of the third case (default: 20)")
    parser.add_argument("--dest", type=Path, default=None, help="folder to write into")
    args = parser.parse_args()
    if shutil.which("curl") is None or not Path("/usr/bin/time").exists():
        raise SystemExit("needs curl and GNU time (apt-get install curl time)")
    base = args.dest
    if base is None and Path("/dev/shm").is_dir() and shutil.disk_usage("/dev/shm").free > 10 * GIB:
        base = Path("/dev/shm")
    if shutil.disk_usage(base or tempfile.gettempdir()).free < 10 * GIB:
        raise SystemExit("need 10 GiB free at the destination (two 4 GiB copies at most)")
    work = Path(tempfile.mkdtemp(prefix="co-tui-bench-asset-", dir=base))
    state = Path(tempfile.mkdtemp(prefix="co-tui-bench-state-"))
    times: dict[str, list[float]] = {k: [] for k in (
        "small_ours", "small_curl_each", "small_curl_K", "big_ours", "big_curl",
        "latency_ours", "latency_curl_K")}
    rss: dict[str, list[int]] = {k: [] for k in (
        "ours_small_peak", "ours_small_growth", "curl_small_peak", "ours_big_peak",
        "ours_big_growth", "curl_big_peak", "ours_latency_peak", "ours_latency_growth",
        "curl_latency_peak")}
    small_paths = [f"part_{k:02d}/file_{i:03d}.bin"
                   for k in range(FOLDERS) for i in range(PER_FOLDER)]
    try:
        big_asset = _prepare_state(state)
        with emulator_process("demo", "--data", str(state)) as emu:
            small_urls = asyncio.run(_signed_urls(emu.domain, emu.token, BENCH_ASSET, small_paths))
            big_url = asyncio.run(_signed_urls(emu.domain, emu.token, big_asset, [BIG_PATH]))[0]
            curl_config(small_urls, _fresh(work, "warm"))  # warm caches on both sides
            shutil.rmtree(work / "warm")
            _, one_curl = _timed_rss(["curl", "-s", "-f", "-o", str(work / "one"), small_urls[0]])
            for run in range(args.runs):
                print(f"run {run + 1}/{args.runs}: 1,000 x 1 MiB", flush=True)
                _small_round(emu, small_urls, work, times, rss, "small", per_url=True)
            shutil.rmtree(work / "ours")
            shutil.rmtree(work / "curl")
            for run in range(args.runs):
                print(f"run {run + 1}/{args.runs}: 4 GiB", flush=True)
                seconds, peak = curl_config([big_url], _fresh(work, "curl"))
                assert _size_of(work / "curl") == (1, 4 * GIB)
                shutil.rmtree(work / "curl")
                times["big_curl"].append(seconds)
                rss["curl_big_peak"].append(peak)
                result = ours(emu.domain, emu.token, big_asset, _fresh(work, "ours"),
                              BIG_PATH, str(4 * GIB))
                assert _size_of(work / "ours") == (1, 4 * GIB)
                shutil.rmtree(work / "ours")
                times["big_ours"].append(result["seconds"])
                rss["ours_big_peak"].append(result["peak_rss_kib"])
                rss["ours_big_growth"].append(result["peak_rss_growth_kib"])
        with emulator_process("demo", "--data", str(state),
                              "--latency", str(args.latency)) as emu:
            small_urls = asyncio.run(_signed_urls(emu.domain, emu.token, BENCH_ASSET, small_paths))
            for run in range(args.runs):
                print(f"run {run + 1}/{args.runs}: 1,000 x 1 MiB, {args.latency:g} ms latency",
                      flush=True)
                _small_round(emu, small_urls, work, times, rss, "latency", per_url=False)
    finally:
        shutil.rmtree(work, ignore_errors=True)
        shutil.rmtree(state, ignore_errors=True)
    rss["curl_one_url_peak"] = [one_curl]
    _report(times, rss, args.runs, args.latency, work.parent)


def _report(times: dict[str, list[float]], rss: dict[str, list[int]], runs: int,
            latency: float, where: Path) -> None:
    med = {k: statistics.median(v) for k, v in times.items()}
    mem = {k: statistics.median(v) / 1024 for k, v in rss.items()}
    print(f"\nwhole-asset downloads on loopback into {where}, median of {runs} runs")
    print(f"{'case':22} {'client':38} {'median s':>9} {'MiB/s':>7} {'vs':>6} {'peak RSS':>9}"
          f" {'growth':>7}")
    lat = f"1000 x 1 MiB, {latency:g} ms"
    rows = [
        ("1000 x 1 MiB", "co-tui engine (listing + URLs incl.)", "small_ours", 1000,
         mem["ours_small_peak"], mem["ours_small_growth"]),
        ("", "curl per URL, one after the other", "small_curl_each", 1000,
         mem["curl_one_url_peak"], None),
        ("", "curl -K: all URLs, one connection", "small_curl_K", 1000,
         mem["curl_small_peak"], None),
        ("4 GiB file", "co-tui engine", "big_ours", 4096, mem["ours_big_peak"],
         mem["ours_big_growth"]),
        ("", "curl -o", "big_curl", 4096, mem["curl_big_peak"], None),
        (lat, "co-tui engine (listing + URLs incl.)", "latency_ours", 1000,
         mem["ours_latency_peak"], mem["ours_latency_growth"]),
        ("", "curl -K: all URLs, one connection", "latency_curl_K", 1000,
         mem["curl_latency_peak"], None),
    ]
    for case, who, key, mib, peak, growth in rows:
        ours_key = key.split("_")[0] + "_ours"
        grown = "-" if growth is None else f"{growth:5.1f}M"
        print(f"{case:22} {who:38} {med[key]:9.2f} {mib / med[key]:7.0f}"
              f" {med[key] / med[ours_key]:5.2f}x {peak:8.1f}M {grown:>7}")
    print("('vs' = that client's time / co-tui's time: above 1 means co-tui is faster)")
    ratios = {
        "small_vs_curl_per_url": med["small_curl_each"] / med["small_ours"],
        "small_vs_curl_K": med["small_curl_K"] / med["small_ours"],
        "big_throughput_vs_curl": med["big_curl"] / med["big_ours"],
        "latency_vs_curl_K": med["latency_curl_K"] / med["latency_ours"],
    }
    flat = mem["ours_big_growth"] <= mem["ours_small_growth"] + 16
    print(f"target: faster than sequential curl for 1,000 files -> "
          f"{ratios['small_vs_curl_per_url']:.2f}x vs curl per URL "
          f"{'PASS' if ratios['small_vs_curl_per_url'] > 1 else 'FAIL'}; "
          f"vs curl -K {ratios['small_vs_curl_K']:.2f}x on bare loopback, "
          f"{ratios['latency_vs_curl_K']:.2f}x with {latency:g} ms per response")
    print(f"target: >= 0.90 of curl's throughput for 4 GiB -> "
          f"{ratios['big_throughput_vs_curl']:.2f} "
          f"{'PASS' if ratios['big_throughput_vs_curl'] >= 0.9 else 'FAIL'}")
    print(f"target: memory flat -> growth {mem['ours_small_growth']:.1f} MiB (1,000 files),"
          f" {mem['ours_big_growth']:.1f} MiB (4 GiB) {'PASS' if flat else 'FAIL'}")
    write_results("download_asset", {
        "runs": runs, "destination": str(where), "latency_ms": latency,
        "files": {"small": "1000 x 1 MiB in 10 folders", "big": f"4 GiB ({BIG_PATH})"},
        "seconds": times, "median_seconds": med, "ratios": ratios, "peak_rss_kib": rss,
        "targets": {"small_vs_sequential_curl": "> 1", "big_throughput_vs_curl": ">= 0.9",
                    "memory": "growth does not follow the download size"},
    })


if __name__ == "__main__":
    main()
