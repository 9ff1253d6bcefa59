"""One table of every performance target: target, co-tui, baseline, ratio, met or not.

Reads the results each bench wrote (bench/results/*.json, or ``--results DIR``); with ``--run``
runs the benches first, one after another (full size: about an hour on 2 cores; ``--tiny`` for
a smoke run). Every figure comes from a bench that measured its baseline in the same run,
alternating; the table notes when each ran and the machine's load average then, since the
machines are shared and noisy.

A bench's results carry a ``table`` of target rows (bench/_common.py, ``target_row``); older
result files without one are read by the small adapters below.

Run: python bench/run_all.py [--run] [--tiny] [--results DIR] [--json OUT]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import format_row, results_dir, target_row

BENCH = Path(__file__).resolve().parent
ORDER = ["app_launch", "cli_startup", "app_scale", "file_search", "list_assets", "emulator_search", "download_asset",
         "download", "folder_and_preview", "preview", "decode_models", "soak", "fault_storm"]
"""The benches ``--run`` runs, in this order (results files not listed are still read)."""
TINY_ARGS = {"soak": ["--minutes", "0.15"], "fault_storm": ["--sequences", "2", "--steps", "4"]}


def _preview(data: dict[str, Any]) -> list[dict[str, Any]]:
    worst = max(data["samples"], key=lambda s: s["first_screen_ms"])
    worst_mem = max(s["peak_mib"] for s in data["samples"])
    return [target_row(f"preview first screen <= 150 ms (worst: {worst['sample']})",
                       worst["first_screen_ms"], worst["baseline_ms"], "ms", limit=150,
                       ratio=False),
            target_row("preview memory <= 20 MB (worst sample)", worst_mem,
                       max(s["baseline_peak_mib"] for s in data["samples"]), "MiB", limit=20,
                       ratio=False)]


def _folder_and_preview(data: dict[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for label, r in data["results"].items():
        if r.get("target_ms") is not None:
            rows.append(target_row(f"{label} <= {r['target_ms']:.0f} ms", r["ours_ms"],
                                   r["baseline_ms"], "ms", limit=r["target_ms"], ratio=False))
        elif r.get("target_mb") is not None:
            rows.append(target_row(f"{label} <= {r['target_mb']:.0f} MB", r["ours_mb"],
                                   r["baseline_mb"], "MB", limit=r["target_mb"], ratio=False))
    return rows


def _download(data: dict[str, Any]) -> list[dict[str, Any]]:
    import statistics

    curl, ours = statistics.median(data["curl_seconds"]), statistics.median(data["ours_seconds"])
    return [target_row("1 GiB file: throughput >= 1.0x curl -o", (1 / ours), (1 / curl),
                       "1/s", limit=1.0, higher_is_better=True)]


def _soak(data: dict[str, Any]) -> list[dict[str, Any]]:
    return [target_row(f"soak seed {data['seed']}, {data['minutes']:g} min: RSS slope < 0.5 MB/min",
                       data["slope_after_2_min_mib_per_min"], None, "MB/min",
                       limit=data.get("target_mib_per_min", 0.5), ratio=False)]


def _fault_storm(data: dict[str, Any]) -> list[dict[str, Any]]:
    bad = sum(data.get(k, 0) for k in ("crashes", "stuck_screens", "duplicate_writes",
                                        "lost_edits"))
    return [target_row(f"fault storm, {data.get('sequences', '?')} sequences: crashes + stuck "
                       "+ duplicate + lost = 0", bad, None, "", limit=0, ratio=False)]


def _emulator_search(data: dict[str, Any]) -> list[dict[str, Any]]:
    med, targets = data["median"], data["targets"]
    return [
        target_row("emulator: search page >= 0.5x a trivial Starlette app", med["page_rps"],
                   med["trivial_rps"], "req/s", limit=targets["page_ratio"],
                   higher_is_better=True),
        target_row(f"emulator: free-text search at {data['assets']:,} assets >= "
                   f"{targets['free_text_rps']:.0f} req/s", med["free_text_rps"], None, "req/s",
                   limit=targets["free_text_rps"], ratio=False, higher_is_better=True),
        target_row(f"emulator: {data['clients']} concurrent clients p99 <= "
                   f"{targets['clients_p99_ms']:.0f} ms", med["clients_p99_ms"], None, "ms",
                   limit=targets["clients_p99_ms"], ratio=False),
    ]


def _app_scale(data: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"target": f"My Data {data['assets']:,}: {r['measure']} {r['target']}",
             "ours": r["ours"], "baseline": r.get("baseline"), "unit": "",
             "ratio": r.get("ratio"), "met": bool(r["met"])} for r in data["rows"]
            if r["target"] != "info"]


ADAPTERS: dict[str, Callable[[dict[str, Any]], list[dict[str, Any]]]] = {
    "preview": _preview, "folder_and_preview": _folder_and_preview, "download": _download,
    "soak": _soak, "fault_storm": _fault_storm, "emulator_search": _emulator_search,
    "app_scale": _app_scale,
}


def rows_of(data: dict[str, Any]) -> list[dict[str, Any]]:
    """The target rows of one results file (none for a bench without targets)."""
    if "table" in data:
        return list(data["table"])
    name = str(data.get("benchmark", ""))
    adapter = ADAPTERS.get(name) or ADAPTERS.get(name.split("-")[0])
    try:
        return adapter(data) if adapter else []
    except (KeyError, ValueError, ZeroDivisionError, TypeError):
        return []


def run_benches(tiny: bool) -> None:
    """Run every bench in :data:`ORDER` that exists, one at a time."""
    for name in ORDER:
        script = BENCH / f"{name}.py"
        if not script.exists():
            continue
        args = TINY_ARGS.get(name, ["--tiny"]) if tiny else []
        print(f"--- {name} {' '.join(args)}", flush=True)
        subprocess.run([sys.executable, str(script), *args], check=True,
                       env={**os.environ, "PYTHONPATH": str(BENCH.parent)})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--run", action="store_true", help="run every bench first")
    parser.add_argument("--tiny", action="store_true", help="with --run: tiny sizes")
    parser.add_argument("--results", type=Path, default=None, help="results folder to read")
    parser.add_argument("--json", type=Path, default=None, help="also write the table here")
    args = parser.parse_args()
    if args.results:
        os.environ["CO_TUI_BENCH_RESULTS"] = str(args.results)
    if args.run:
        run_benches(args.tiny)
    folder = results_dir()
    all_rows: list[dict[str, Any]] = []
    print(f"{'target':62} {'co-tui':>10} {'':5}{'baseline':>10} {'ratio':>7} result")
    for path in sorted(folder.glob("*.json"), key=lambda p: (
            ORDER.index(p.stem.split("-")[0]) if p.stem.split("-")[0] in ORDER else 99, p.stem)):
        data = json.loads(path.read_text())
        rows = rows_of(data)
        if not rows:
            continue
        print(f"-- {path.stem}  ({data.get('when', '?')}, load {data.get('load_average', 'not recorded')})")
        for row in rows:
            print(format_row(row))
            all_rows.append({"results": path.stem, **row})
    met = sum(1 for r in all_rows if r["met"])
    print(f"{met} of {len(all_rows)} targets met")
    if args.json:
        args.json.write_text(json.dumps(all_rows, indent=2) + "\n")


if __name__ == "__main__":
    main()
