"""``co-tui ls --limit 10`` from process start to exit, against a bare httpx script doing the
same search, alternating, in the same run (the emulator serves ``scale:10000:1`` in a child
process on loopback). Both print ten lines into a pipe. Target: co-tui <= 1.3x the bare script.

co-tui's package is byte-compiled first (as a wheel install does), like the baseline's httpx.

Run: python bench/cli_startup.py [--runs 15] [--tiny] [--name NAME]
"""

from __future__ import annotations

import argparse
import compileall
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import emulator_process, load_average, print_table, target_row, write_results

BARE = """
import json, sys, httpx
r = httpx.post(sys.argv[1] + "/api/v1/data_assets/search", auth=(sys.argv[2], ""),
               json={"limit": 10, "sort_field": "created", "sort_order": "desc", "archived": False})
r.raise_for_status()
for a in json.loads(r.content)["results"]:
    print(a["id"], a["name"], a["type"], a["state"], a.get("size"), a["created"], sep="\\t")
"""


def _time(cmd: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(cmd, env=env, capture_output=True, check=True)
    elapsed = time.perf_counter() - start
    assert len(done.stdout.splitlines()) == 10, done.stdout
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--tiny", action="store_true", help="2 runs over 300 assets (the CI test)")
    parser.add_argument("--name", default="cli_startup")
    args = parser.parse_args()
    runs, seed = (2, "scale:300:1") if args.tiny else (args.runs, "scale:10000:1")
    import co_tui

    compileall.compile_dir(str(Path(co_tui.__file__).parent), quiet=1)
    ours: list[float] = []
    bare: list[float] = []
    with emulator_process(seed) as emu:
        env = {**os.environ, "CODEOCEAN_DOMAIN": emu.domain, "CODEOCEAN_TOKEN": emu.token}
        ours_cmd = [sys.executable, "-m", "co_tui.cli", "ls", "--limit", "10"]
        bare_cmd = [sys.executable, "-c", BARE, emu.domain, emu.token]
        _time(ours_cmd, env), _time(bare_cmd, env)  # warm the OS file cache and the server
        for _ in range(runs):
            ours.append(_time(ours_cmd, env))
            bare.append(_time(bare_cmd, env))
    o, b = statistics.median(ours), statistics.median(bare)
    print(f"co-tui ls --limit 10 vs a bare httpx script, {seed}, median of {runs} alternating "
          f"runs, load {load_average()}")
    table = [target_row("co-tui ls --limit 10: start to exit <= 1.3x bare httpx script",
                        o * 1000, b * 1000, "ms", limit=1.3)]
    print_table(table)
    write_results(args.name, {"runs": runs, "seed": seed, "ours_seconds": ours,
                              "bare_seconds": bare, "table": table})


if __name__ == "__main__":
    main()
