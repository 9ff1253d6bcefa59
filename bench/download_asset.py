"""Whole-asset and big-file downloads: co-tui's transfer engine against ``curl`` on the same files.

Cases (each served by ``co-tui emulator`` in a child process on loopback):

- ``small``: an asset of ``--files`` files of ``--file-kib`` KiB (1,000 x 1 MiB, in 10 folders)
  downloaded whole, against ``curl --parallel --parallel-max 4`` given every signed URL
  beforehand (``curl_par``) and one ``curl -K`` process fetching them one after the other over
  one reused connection (``curl_K``); and, as the floor a Python process sets (no target), a
  bare standard-library client with 8 threads given the same URLs (``py_bare``,
  bench/_bare_download.py), which shows how much of co-tui's time is its own work per file;
  and a bare client that does the work the API and a safe download ask of any client (listing,
  a signed-URL request per file, temp file + fsync + link), with 4 threads (``py_work``,
  bench/_bare_work_download.py): the floor for co-tui's work, and what that work alone costs
  against curl, which is handed the URLs;
- ``latency``: the same asset with every response of both origins delayed ``--latency`` ms
  (20), against ``curl --parallel --parallel-max 4``;
- ``big``: one file of ``--big-mib`` MiB (4 GiB) against ``curl -o``;
- ``rated``: one file of ``--rated-mib`` MiB (1 GiB) from an emulator started with
  ``--conn-rate`` MB/s per connection (50, as an object store caps a connection), against
  ``curl -o``.

co-tui runs as the app does, in a child process (bench/_download_asset_child.py): listing, a
signed URL per file, 8 transfers at once (the default), temp file + fsync + rename. Its time is
measured in the child from submitting the request to the batch's end, so it *includes* the
listing and every signed-URL request, which the curls get for free (fetched before their clock
starts); it leaves out the interpreter's start-up. Each run runs ours and the baseline back to
back, in alternating order, after one unmeasured warm-up run of every contender, into empty
folders (``/dev/shm`` when it has room), each run just after writing and deleting as many bytes
as it will write, plus 256 MiB, in the same folder (bench/_common.warm_memory: on a virtual
machine that hands freed memory back to its host, a run otherwise pays the host's faults or
not depending on how long ago the last run freed its bytes). Reported: medians of ``--runs`` runs (7), the ratio
ours / baseline per run and of the medians, peak RSS (the child's own ``ru_maxrss``; curl's
through GNU time), the connections co-tui opened to the file host, the emulator's CPU seconds
during each run (from /proc: on 2 cores the emulator is one of the two busy processes) and each
client's own CPU seconds (co-tui's from submitting the request to the end, as its time; curl's
through GNU time, its start-up included). The bare Python clients time themselves as co-tui's
child does, from the start of their work: a Python process's start-up (0.1-0.3 s on a machine
with many site packages) is left out of every Python client's figures. On a machine whose cores
are all busy, the time follows the CPU that client and emulator spend together, so the report
also gives that sum for co-tui against each baseline of the small-file case.

Targets: small <= 1.0x curl_par and <= 0.8x curl_K; latency <= 1.0x curl_par; big >= 1.0x
curl's throughput in every run; rated >= 3x faster than curl; co-tui's peak RSS <= 64 MiB.

Run: python bench/download_asset.py [--runs 7] [--cases small,latency,big,rated]
     python bench/download_asset.py --tiny --name /tmp/scratch   (seconds; a CI test runs it)
``--name NAME`` writes bench/results/NAME.json; a NAME with a ``/`` is a path instead.
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
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import (
    emulator_process,
    free_page_reporting,
    load_average,
    target_row,
    warm_memory,
    write_results,
)

KIB, MIB = 1024, 2**20
SMALL_ASSET = "b0000000-0000-4000-8000-000000001000"
BIG_ASSET = "b0000000-0000-4000-8000-000000002000"
RATED_ASSET = "b0000000-0000-4000-8000-000000003000"
FOLDERS = 10
WARM_MARGIN = 256 * MIB
"""Written beyond a run's own bytes by :func:`~_common.warm_memory` before the run."""
BIG_PATH, RATED_PATH = "big.bin", "rated.bin"
CASES = ("small", "latency", "big", "rated")
TARGETS = {
    "small_vs_curl_par": ("<=", 1.0), "small_vs_curl_K": ("<=", 0.8),
    "latency_vs_curl_par": ("<=", 1.0), "big_time_vs_curl_worst": ("<=", 1.0),
    "rated_time_vs_curl": ("<=", 1 / 3), "peak_rss_mib": ("<=", 64.0),
}
"""ours / baseline (time ratios: below 1 is faster), and co-tui's peak RSS."""


def _prepare_state(folder: Path, files: int, file_bytes: int, big: int, rated: int) -> None:
    """The emulator's SQLite state: the users and the three assets of the cases."""
    from co_tui.emulator import Emulator, EmulatorConfig
    from co_tui.emulator.seed_model import (
        Content,
        SeedAsset,
        SeedData,
        SeedFile,
        SeedFolderGenerator,
    )
    from co_tui.emulator.seeds.common import ADA, NOW, users

    per = -(-files // FOLDERS)
    folders = [SeedFolderGenerator(f"part_{k:02d}", min(per, files - k * per), file_bytes,
                                   "file_{i:04d}.bin") for k in range(FOLDERS) if k * per < files]
    assets = [
        SeedAsset(id=SMALL_ASSET, name="bench small files", owner=ADA, created=NOW,
                  mount="bench_small", generated_folders=folders),
        SeedAsset(id=BIG_ASSET, name="bench big file", owner=ADA, created=NOW, mount="bench_big",
                  files=[SeedFile(BIG_PATH, Content("random", big, seed=1))]),
        SeedAsset(id=RATED_ASSET, name="bench rated file", owner=ADA, created=NOW,
                  mount="bench_rated", files=[SeedFile(RATED_PATH, Content("random", rated,
                                                                            seed=2))]),
    ]
    Emulator(EmulatorConfig(data_dir=folder), seed_data=SeedData(users=users(), assets=assets)
             ).close()


async def _signed_urls(domain: str, token: str, asset_id: str, paths: list[str]) -> list[str]:
    from co_tui.api import CodeOceanClient

    async with CodeOceanClient(domain, token) as client:
        return [await client.files.signed_url(asset_id, path) for path in paths]


Timed = tuple[float, int, float]
"""A baseline's run: wall seconds, its peak RSS in KiB and its CPU seconds (user + system)."""


def _timed_rss(cmd: list[str]) -> Timed:
    """Run ``cmd`` under GNU time: wall seconds, the command's own peak RSS (KiB) and CPU
    seconds (user + system, its start-up included)."""
    timed, _ = _under_time(cmd)
    return timed


def _under_time(cmd: list[str]) -> tuple[Timed, str]:
    """:func:`_timed_rss`, and what ``cmd`` printed."""
    with tempfile.NamedTemporaryFile("r") as report:
        start = time.perf_counter()
        out = subprocess.run(["/usr/bin/time", "-f", "%M %U %S", "-o", report.name, *cmd],
                             check=True, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                             text=True)
        elapsed = time.perf_counter() - start
        rss, user, system = report.read().split()[-3:]
        return (elapsed, int(rss), float(user) + float(system)), out.stdout


def _curl_config(urls: list[str], dest: Path) -> Path:
    config = dest.parent / f"{dest.name}.curlrc"
    config.write_text("".join(f'url = "{u}"\noutput = "{dest}/f{i:04d}"\n'
                              for i, u in enumerate(urls)))
    return config


def curl_parallel(urls: list[str], dest: Path) -> Timed:
    """``curl --parallel --parallel-max 4`` over every URL (kept-alive connections)."""
    config = _curl_config(urls, dest)
    try:
        return _timed_rss(["curl", "-s", "-f", "--parallel", "--parallel-max", "4",
                           "-K", str(config)])
    finally:
        config.unlink()


def curl_k(urls: list[str], dest: Path) -> Timed:
    """One ``curl -K`` process: the URLs one after the other over one reused connection."""
    config = _curl_config(urls, dest)
    try:
        return _timed_rss(["curl", "-s", "-f", "-K", str(config)])
    finally:
        config.unlink()


def _self_timed(cmd: list[str]) -> Timed:
    """Run a bare Python client that times itself (``_bare_download.timed``): its seconds and
    CPU seconds from the start of its work, as co-tui's child reports them (a Python process's
    start-up, 0.1-0.3 s here with this interpreter's site packages, is left out on both
    sides), and its peak RSS through GNU time."""
    (_, rss, _), printed = _under_time(cmd)
    result: dict[str, Any] = json.loads(printed)
    return result["seconds"], rss, result["cpu_seconds"]


def py_bare(urls: list[str], dest: Path) -> Timed:
    """The bare Python client (bench/_bare_download.py): 8 threads, as co-tui runs 8 transfers."""
    config = _curl_config(urls, dest)
    try:
        return _self_timed([sys.executable, str(Path(__file__).resolve().parent
                                                / "_bare_download.py"), str(config), "8"])
    finally:
        config.unlink()


def py_work(emu: Any, asset_id: str, dest: Path) -> Timed:
    """The bare Python client that does co-tui's work (bench/_bare_work_download.py): listing,
    a signed URL per file, temp file + fsync + link; 4 threads, as co-tui runs 4 lanes here."""
    return _self_timed([sys.executable, str(Path(__file__).resolve().parent
                                            / "_bare_work_download.py"),
                        emu.domain, emu.token, asset_id, str(dest), "4"])


def curl_o(url: str, dest: Path) -> Timed:
    """``curl -o`` of one URL."""
    return _timed_rss(["curl", "-s", "-f", "-o", str(dest / "f"), url])


def ours(emu: Any, asset_id: str, dest: Path, *file: str) -> tuple[float, int, int, float]:
    """co-tui's engine in a child process: (seconds, peak RSS KiB, connections opened, CPU
    seconds: the client's own, timed like its seconds)."""
    child = Path(__file__).resolve().parent / "_download_asset_child.py"
    out = subprocess.run([sys.executable, str(child), emu.domain, emu.token, asset_id,
                          str(dest), *file], check=True, capture_output=True, text=True)
    result: dict[str, Any] = json.loads(out.stdout)
    return (result["seconds"], result["peak_rss_kib"], result["connections"],
            result["cpu_seconds"])


def _cpu_of(pid: int | None) -> float:
    """CPU seconds (user + system) process ``pid`` has used so far; 0 without /proc."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError, TypeError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _fresh(base: Path, name: str) -> Path:
    path = base / name
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir()
    return path


def _size_of(folder: Path) -> tuple[int, int]:
    files = [p for p in folder.rglob("*") if p.is_file()]
    return len(files), sum(p.stat().st_size for p in files)


class Recorder:
    """Seconds and peak RSS per (case, client) over the runs."""

    def __init__(self) -> None:
        self.seconds: dict[str, list[float]] = {}
        self.rss_kib: dict[str, list[int]] = {}
        self.connections: dict[str, list[int]] = {}
        self.server_cpu: dict[str, list[float]] = {}
        """The emulator's CPU seconds during each run of a client."""
        self.client_cpu: dict[str, list[float]] = {}
        """Each client's own CPU seconds: co-tui's and the bare Python clients' from the start
        of their work (as their seconds), curl's through GNU time (its start-up included)."""
        self.warm_seconds: list[float] = []
        """How long each run's :func:`~_common.warm_memory` took (a long one met cold memory)."""

    def add(self, key: str, seconds: float, rss: int, connections: int | None = None) -> None:
        self.seconds.setdefault(key, []).append(seconds)
        self.rss_kib.setdefault(key, []).append(rss)
        if connections is not None:
            self.connections.setdefault(key, []).append(connections)


def _round(rec: Recorder, case: str, run: int, work: Path, expect: tuple[int, int],
           mine: Callable[[Path], tuple[float, int, int, float]],
           baselines: dict[str, Callable[[Path], Timed]],
           server: int | None = None) -> None:
    """One run of a case: ours and each baseline, ours first on even runs, last on odd;
    ``server``: the emulator's pid, whose CPU time each run is recorded.

    Run -1 is a warm-up whose figures are dropped: a case's first round paid cold costs on
    both sides (the 4 GiB case's took 5.4-5.7 s for co-tui and curl alike, 4.4 s later)."""
    if run < 0:
        print(f"{case} warm-up", flush=True)
        _round(Recorder(), case, 0, work, expect, mine, baselines, server)
        return
    print(f"{case} run {run + 1}", flush=True)
    def run_ours() -> None:
        dest = _fresh(work, "ours")
        rec.warm_seconds.append(warm_memory(work, expect[1] + WARM_MARGIN))
        before = _cpu_of(server)
        seconds, rss, conns, cpu = mine(dest)
        rec.server_cpu.setdefault(f"{case}_ours", []).append(_cpu_of(server) - before)
        rec.client_cpu.setdefault(f"{case}_ours", []).append(cpu)
        assert _size_of(dest) == expect, (case, _size_of(dest), expect)
        shutil.rmtree(dest)
        rec.add(f"{case}_ours", seconds, rss, conns)

    def run_base(name: str, call: Callable[[Path], Timed]) -> None:
        dest = _fresh(work, "base")
        rec.warm_seconds.append(warm_memory(work, expect[1] + WARM_MARGIN))
        before = _cpu_of(server)
        seconds, rss, cpu = call(dest)
        rec.server_cpu.setdefault(f"{case}_{name}", []).append(_cpu_of(server) - before)
        rec.client_cpu.setdefault(f"{case}_{name}", []).append(cpu)
        assert _size_of(dest) == expect, (case, name, _size_of(dest), expect)
        shutil.rmtree(dest)
        rec.add(f"{case}_{name}", seconds, rss)

    if run % 2 == 0:
        run_ours()
    for name, call in baselines.items():
        run_base(name, call)
    if run % 2 == 1:
        run_ours()


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--cases", default=",".join(CASES), help="comma-separated subset")
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--file-kib", type=int, default=1024)
    parser.add_argument("--big-mib", type=int, default=4096)
    parser.add_argument("--rated-mib", type=int, default=1024)
    parser.add_argument("--latency", type=float, default=20.0, help="ms per response (latency)")
    parser.add_argument("--conn-rate", type=float, default=50.0, help="MB/s per connection")
    parser.add_argument("--tiny", action="store_true",
                        help="a few seconds: 1 run, 40 x 64 KiB, 64 MiB big and rated files")
    parser.add_argument("--dest", type=Path, default=None, help="folder to write into")
    parser.add_argument("--name", default="download_asset")
    args = parser.parse_args(argv)
    if args.tiny:
        args.runs, args.files, args.file_kib, args.big_mib, args.rated_mib = 1, 40, 64, 64, 64
    cases = [c for c in args.cases.split(",") if c]
    if unknown := set(cases) - set(CASES):
        parser.error(f"unknown cases: {', '.join(sorted(unknown))}")
    if shutil.which("curl") is None or not Path("/usr/bin/time").exists():
        raise SystemExit("needs curl and GNU time (apt-get install curl time)")
    small_bytes = args.files * args.file_kib * KIB
    need = (2 * max(small_bytes, args.big_mib * MIB, args.rated_mib * MIB) + WARM_MARGIN
            + 64 * MIB)
    base = args.dest
    if base is None and Path("/dev/shm").is_dir() and shutil.disk_usage("/dev/shm").free > need:
        base = Path("/dev/shm")
    if shutil.disk_usage(base or tempfile.gettempdir()).free < need:
        raise SystemExit(f"need {need / MIB:,.0f} MiB free at the destination")
    if (reporting := free_page_reporting()) is not None:
        print(f"note: free page reporting is {reporting}: each run's freed memory may go back "
              "to the host; each run first writes and frees as much as it will write "
              "(see bench/_common.warm_memory)")
    work = Path(tempfile.mkdtemp(prefix="co-tui-bench-asset-", dir=base))
    state = Path(tempfile.mkdtemp(prefix="co-tui-bench-state-"))
    rec = Recorder()
    per = -(-args.files // FOLDERS)
    paths = [f"part_{k:02d}/file_{i:04d}.bin" for k in range(FOLDERS)
             for i in range(min(per, args.files - k * per)) if k * per < args.files]
    small = (args.files, small_bytes)
    try:
        _prepare_state(state, args.files, args.file_kib * KIB, args.big_mib * MIB,
                       args.rated_mib * MIB)
        data = ("--data", str(state))
        if {"small", "big"} & set(cases):
            with emulator_process("empty", *data) as emu:
                if "small" in cases:
                    urls = asyncio.run(_signed_urls(emu.domain, emu.token, SMALL_ASSET, paths))
                    for run in range(-1, args.runs):
                        _round(rec, "small", run, work, small,
                               lambda d: ours(emu, SMALL_ASSET, d),
                               {"curl_par": lambda d: curl_parallel(urls, d),
                                "curl_K": lambda d: curl_k(urls, d),
                                "py_bare": lambda d: py_bare(urls, d),
                                "py_work": lambda d: py_work(emu, SMALL_ASSET, d)},
                               emu.process.pid)
                if "big" in cases:
                    size = args.big_mib * MIB
                    url = asyncio.run(_signed_urls(emu.domain, emu.token, BIG_ASSET,
                                                   [BIG_PATH]))[0]
                    for run in range(-1, args.runs):
                        _round(rec, "big", run, work, (1, size),
                               lambda d: ours(emu, BIG_ASSET, d, BIG_PATH, str(size)),
                               {"curl": lambda d: curl_o(url, d)}, emu.process.pid)
        if "latency" in cases:
            with emulator_process("empty", *data, "--latency", str(args.latency)) as emu:
                urls = asyncio.run(_signed_urls(emu.domain, emu.token, SMALL_ASSET, paths))
                for run in range(-1, args.runs):
                    _round(rec, "latency", run, work, small,
                           lambda d: ours(emu, SMALL_ASSET, d),
                           {"curl_par": lambda d: curl_parallel(urls, d)}, emu.process.pid)
        if "rated" in cases:
            with emulator_process("empty", *data, "--conn-rate", str(args.conn_rate)) as emu:
                size = args.rated_mib * MIB
                url = asyncio.run(_signed_urls(emu.domain, emu.token, RATED_ASSET,
                                               [RATED_PATH]))[0]
                for run in range(-1, args.runs):
                    _round(rec, "rated", run, work, (1, size),
                           lambda d: ours(emu, RATED_ASSET, d, RATED_PATH, str(size)),
                           {"curl": lambda d: curl_o(url, d)}, emu.process.pid)
    finally:
        shutil.rmtree(work, ignore_errors=True)
        shutil.rmtree(state, ignore_errors=True)
    return _report(rec, args, work.parent)


def _ratio(rec: Recorder, case: str, base: str, client: str = "ours"
           ) -> tuple[float, list[float]] | None:
    """``client``'s median time in ``case`` over ``base``'s, and the ratio of each run."""
    mine, theirs = rec.seconds.get(f"{case}_{client}"), rec.seconds.get(f"{case}_{base}")
    if not mine or not theirs:
        return None
    return (statistics.median(mine) / statistics.median(theirs),
            [a / b for a, b in zip(mine, theirs, strict=True)])


def _cpu_ratio(rec: Recorder, case: str, base: str) -> float | None:
    """The median CPU seconds client and emulator spent together in ``case``, ours / ``base``."""
    def total(key: str) -> float | None:
        client, server = rec.client_cpu.get(key), rec.server_cpu.get(key)
        if not client or not server:
            return None
        return statistics.median(a + b for a, b in zip(client, server, strict=True))

    mine, theirs = total(f"{case}_ours"), total(f"{case}_{base}")
    return None if mine is None or not theirs else mine / theirs


def _report(rec: Recorder, args: argparse.Namespace, where: Path) -> dict[str, Any]:
    sizes = {"small": args.files * args.file_kib * KIB, "latency": args.files * args.file_kib
             * KIB, "big": args.big_mib * MIB, "rated": args.rated_mib * MIB}
    print(f"\ndownloads on loopback into {where}, median of {args.runs} run(s)")
    print(f"{'case / client':28} {'median s':>9} {'MB/s':>8} {'peak RSS':>9} {'conns':>6}"
          f" {'server CPU s':>12} {'client CPU s':>12}")

    def cpu(table: dict[str, list[float]], key: str) -> str:
        values = table.get(key)
        return f"{statistics.median(values):12.2f}" if values else f"{'-':>12}"

    for key, values in rec.seconds.items():
        case = key.split("_")[0]
        med = statistics.median(values)
        conns = rec.connections.get(key)
        shown = f"{statistics.median(conns):6.0f}" if conns else f"{'-':>6}"
        print(f"{key:28} {med:9.3f} {sizes[case] / med / 1e6:8.0f}"
              f" {statistics.median(rec.rss_kib[key]) / 1024:8.1f}M {shown}"
              f" {cpu(rec.server_cpu, key)} {cpu(rec.client_cpu, key)}")
    ratios: dict[str, Any] = {}
    for name, case, base in (("small_vs_curl_par", "small", "curl_par"),
                             ("small_vs_curl_K", "small", "curl_K"),
                             ("small_vs_py_bare", "small", "py_bare"),
                             ("small_vs_py_work", "small", "py_work"),
                             ("latency_vs_curl_par", "latency", "curl_par"),
                             ("big_time_vs_curl", "big", "curl"),
                             ("rated_time_vs_curl", "rated", "curl")):
        found = _ratio(rec, case, base)
        if found is not None:
            ratios[name] = found[0]
            ratios[f"{name}_per_run"] = found[1]
    if (found := _ratio(rec, "small", "curl_par", client="py_work")) is not None:
        ratios["py_work_vs_curl_par"] = found[0]
    if "big_time_vs_curl_per_run" in ratios:
        ratios["big_time_vs_curl_worst"] = max(ratios["big_time_vs_curl_per_run"])
    ours_rss = [v for k, vs in rec.rss_kib.items() if k.endswith("_ours") for v in vs]
    if ours_rss:
        ratios["peak_rss_mib"] = max(ours_rss) / 1024
    verdicts: dict[str, bool] = {}
    print("\ntime ratios are ours / baseline (below 1: co-tui is faster)")
    for name, (_, limit) in TARGETS.items():
        if name in ratios:
            verdicts[name] = ratios[name] <= limit
            print(f"  {name:26} {ratios[name]:7.3f}  target <= {limit:.3f}  "
                  f"{'PASS' if verdicts[name] else 'FAIL'}")
    for base in ("curl_par", "curl_K", "py_bare", "py_work"):
        share = _cpu_ratio(rec, "small", base)
        if share is not None:
            ratios[f"small_cpu_vs_{base}"] = share
            print(f"  {'small_cpu_vs_' + base:26} {share:7.3f}  (client + emulator CPU seconds, "
                  "medians: no target)")
    for name, what in (("small_vs_py_bare", "the floor a bare Python client sets"),
                       ("small_vs_py_work", "the floor of co-tui's work, in bare Python"),
                       ("py_work_vs_curl_par", "that floor against curl --parallel")):
        if name in ratios:
            print(f"  {name:26} {ratios[name]:7.3f}  ({what}: no target)")
    payload = {
        "load": load_average(), "table": _table(rec, ratios),
        "runs": args.runs, "destination": str(where), "latency_ms": args.latency,
        "conn_rate_mbps": args.conn_rate, "tiny": args.tiny,
        "sizes": {"files": args.files, "file_kib": args.file_kib, "big_mib": args.big_mib,
                  "rated_mib": args.rated_mib},
        "seconds": rec.seconds, "peak_rss_kib": rec.rss_kib, "connections": rec.connections,
        "server_cpu_seconds": rec.server_cpu, "client_cpu_seconds": rec.client_cpu,
        "warm_memory_seconds": rec.warm_seconds,
        "median_seconds": {k: statistics.median(v) for k, v in rec.seconds.items()},
        "ratios": ratios, "targets": {k: f"{op} {v:g}" for k, (op, v) in TARGETS.items()},
        "pass": verdicts,
    }
    _write(args.name, payload)
    return payload


_ROWS = (
    ("small_vs_curl_par", "small", "curl_par", "1,000 x 1 MiB: time <= 1.0x curl --parallel"),
    ("small_vs_curl_K", "small", "curl_K", "1,000 x 1 MiB: time <= 0.8x one curl -K"),
    ("latency_vs_curl_par", "latency", "curl_par", "same, 20 ms per response: <= 1.0x curl"),
    ("rated_time_vs_curl", "rated", "curl", "1 GiB at 50 MB/s per connection: <= 1/3 curl"),
)
"""Target rows for bench/run_all.py: (ratio name, case, baseline, label)."""


def _table(rec: Recorder, ratios: dict[str, Any]) -> list[dict[str, Any]]:
    """The targets as bench/run_all.py's rows (medians in seconds, and the worst big-file run)."""
    rows = []
    for name, case, base, label in _ROWS:
        mine, theirs = rec.seconds.get(f"{case}_ours"), rec.seconds.get(f"{case}_{base}")
        if mine and theirs:
            rows.append(target_row(label, statistics.median(mine), statistics.median(theirs),
                                   "s", limit=TARGETS[name][1]))
    if "big_time_vs_curl_worst" in ratios:
        rows.append(target_row("4 GiB file: time <= 1.0x curl -o in every run (worst run)",
                               ratios["big_time_vs_curl_worst"], None, "x",
                               limit=1.0, ratio=False))
    if "peak_rss_mib" in ratios:
        rows.append(target_row("downloads: co-tui peak RSS <= 64 MiB", ratios["peak_rss_mib"],
                               None, "MiB", limit=64.0, ratio=False))
    return rows


def _write(name: str, payload: dict[str, Any]) -> None:
    """bench/results/NAME.json, or NAME(.json) itself when it is a path."""
    if "/" not in name:
        write_results(name, payload)
        return
    path = Path(name if name.endswith(".json") else f"{name}.json")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"benchmark": "download_asset", **payload}, indent=2) + "\n")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
