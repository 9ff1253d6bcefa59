"""The long fault matrix: many seeded random key sequences through the app under injected faults.

Each sequence runs the app (Pilot, in process) against the demo emulator on loopback with the
README's ``--faults`` rates (``slow_ms`` shortened, see ``tests/ui/fault_matrix.py``), presses a
seeded random series of keys (search, open, tabs, previews, edit+save, tags, archive, restore,
downloads), turns the faults off and checks: no crash, nothing stuck loading 10 s later, no
duplicate write, no lost edit. Prints a table and writes ``bench/results/fault_storm.json``.

    python bench/fault_storm.py                      # 1,000 sequences
    python bench/fault_storm.py --sequences 200 --workers 2 --seed 1000

``--workers N`` runs N processes, each with its own emulator, over interleaved seeds. A failing
sequence is reproduced with ``--sequences 1 --seed SEED``.
"""

from __future__ import annotations

import argparse
import asyncio
import concurrent.futures
import dataclasses
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "ui"), str(ROOT / "bench")]

STEPS = 10
"""Actions per sequence (about 0.8 s each on a shared 2-core machine)."""


def _hermetic(folder: Path) -> None:
    """Keep the storm away from the user's config, credentials, crash reports and tokens."""
    for name in list(os.environ):
        if name.startswith("CODEOCEAN_") or name in ("API_TOKEN", "API_SECRET", "CUSTOM_KEY"):
            del os.environ[name]
    for var, sub in (("HOME", "home"), ("XDG_CONFIG_HOME", "config"),
                     ("XDG_STATE_HOME", "state"), ("XDG_CACHE_HOME", "cache"),
                     ("XDG_DATA_HOME", "data")):
        os.environ[var] = str(folder / sub)


def _run_chunk(seeds: list[int], steps: int, folder: str) -> list[dict[str, Any]]:
    """One worker process: its own emulator, the given seeds; results as plain dicts."""
    _hermetic(Path(folder))
    from tests.ui.fault_matrix import SequenceResult, run_sequences

    def show(result: SequenceResult) -> None:
        flag = "ok" if result.ok else "FOUND"
        print(f"seed {result.seed}: {flag} {result.seconds:.1f}s {len(result.steps)} steps "
              f"{result.faults} faults", flush=True)
        for problem in filter(None, [result.crash, result.stuck, *result.duplicates,
                                     *result.lost]):
            print(f"    {problem}", flush=True)

    results = asyncio.run(run_sequences(seeds, steps=steps, download_dir=Path(folder) / "dl",
                                        on_result=show))
    return [dataclasses.asdict(r) for r in results]


BATCH = 10
"""Sequences per task handed to a worker by default (each task starts its own emulator, ~1.5 s;
a run stopped early loses the batches in progress)."""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sequences", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1, help="first seed (default: 1)")
    parser.add_argument("--steps", type=int, default=STEPS, help="actions per sequence")
    parser.add_argument("--workers", type=int, default=1, help="parallel processes")
    parser.add_argument("--name", default="fault_storm", help="results file name")
    parser.add_argument("--minutes", type=float, default=None,
                        help="start no new batch after this long (the results say how many ran)")
    parser.add_argument("--batch", type=int, default=BATCH,
                        help="sequences per task handed to a worker")
    args = parser.parse_args(argv)

    seeds = list(range(args.seed, args.seed + args.sequences))
    batches = [seeds[i:i + args.batch] for i in range(0, len(seeds), args.batch)]
    started = time.monotonic()
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="fault-storm-") as tmp, \
            concurrent.futures.ProcessPoolExecutor(args.workers) as pool:
        pending: set[concurrent.futures.Future[list[dict[str, Any]]]] = set()
        queue = list(enumerate(batches))
        while queue or pending:
            late = args.minutes is not None and time.monotonic() - started > args.minutes * 60
            while queue and len(pending) < args.workers and not late:
                index, batch = queue.pop(0)
                pending.add(pool.submit(_run_chunk, batch, args.steps, str(Path(tmp) / f"b{index}")))
            if not pending:
                break
            done, pending = concurrent.futures.wait(pending, return_when="FIRST_COMPLETED")
            for future in done:
                rows += future.result()
            _report(rows, args, time.monotonic() - started, final=not (queue or pending))
    return 1 if any(not _ok(row) for row in rows) else 0


def _ok(row: dict[str, Any]) -> bool:
    return not (row["crash"] or row["stuck"] or row["duplicates"] or row["lost"])


def _report(rows: list[dict[str, Any]], args: argparse.Namespace, wall: float,
            *, final: bool) -> None:
    """Write the JSON after every batch (a run cut short keeps what it found); a table at the
    end."""
    from _common import write_results

    from tests.ui.fault_matrix import (
        MATRIX_FAULTS,
        QUIET_WITHIN,
        SLEEP_SCALE,
        Edit,
        SequenceResult,
        summarise,
    )

    rows = sorted(rows, key=lambda row: row["seed"])
    results = []
    for row in rows:
        result = SequenceResult(**{k: v for k, v in row.items() if k != "edits"})
        result.edits = [Edit(**edit) for edit in row["edits"]]
        results.append(result)
    counts = summarise(results)
    counts["wall_seconds"] = round(wall, 1)
    per = sorted(r.seconds for r in results)
    counts["seconds_per_sequence_median"] = round(per[len(per) // 2], 2) if per else 0
    problems = [{"seed": r.seed, "crash": r.crash, "stuck": r.stuck,
                 "duplicates": r.duplicates, "lost": r.lost, "steps": r.steps}
                for r in results if not r.ok]
    write_results(args.name, {
        "faults": MATRIX_FAULTS, "sleep_scale": SLEEP_SCALE, "quiet_within_s": QUIET_WITHIN,
        "steps_per_sequence": args.steps, "first_seed": args.seed, "workers": args.workers,
        "complete": final and len(results) == args.sequences, **counts, "problems": problems,
    })
    if not final:
        return
    print()
    print(f"{'sequences':<22}{counts['sequences']:>10}")
    for key in ("crashes", "stuck_screens", "duplicate_writes", "lost_edits", "steps",
                "faults_injected"):
        print(f"{key:<22}{counts[key]:>10}")
    print(f"{'edits':<22}{counts['edits']}")
    print(f"{'time (wall)':<22}{wall:>9.0f}s  ({args.workers} worker(s); "
          f"{counts['seconds_per_sequence_median']} s per sequence, median)")


if __name__ == "__main__":
    raise SystemExit(main())
