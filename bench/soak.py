"""A long session stays small: RSS over 20 minutes of seeded random navigation over the demo.

The app runs headless (Textual's ``run_test``, 120x36) in this process against the demo
emulator served on loopback in a thread, as ``co-tui --demo`` runs it. The driver
(tests/soak_driver.py) moves around My Data, searches, sorts, opens assets, switches tabs,
previews files of every kind the demo holds (text, code, markdown, JSON and CSV tables, a
notebook, images, binary and hex, archives, gzip) and goes back, round after round. A task in
the app's event loop samples this process's RSS every 10 s. The figure is the least-squares
slope of RSS after the first 2 minutes (caches fill while everything is seen once).
Target (issue 10): slope < 0.5 MB/min.

Run: python bench/soak.py [--minutes 20] [--seed 1] [--name soak]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the driver is in tests/
from _common import write_results

from tests.soak_driver import demo_app, rss_mib

SAMPLE_EVERY = 10.0
SKIP_MINUTES = 2.0
TARGET_MB_PER_MIN = 0.5


def slope_per_minute(samples: list[tuple[float, float]]) -> float:
    """Least-squares slope of ``(seconds, MiB)`` samples, in MiB per minute."""
    n = len(samples)
    if n < 2:
        return 0.0
    mean_t = sum(t for t, _ in samples) / n
    mean_m = sum(m for _, m in samples) / n
    var = sum((t - mean_t) ** 2 for t, _ in samples)
    cov = sum((t - mean_t) * (m - mean_m) for t, m in samples)
    return cov / var * 60 if var else 0.0


async def soak(minutes: float, seed: int) -> dict[str, object]:
    samples: list[tuple[float, float]] = []
    async with demo_app(seed) as navigator:
        started = time.monotonic()

        async def sample() -> None:
            while True:
                samples.append((time.monotonic() - started, rss_mib()))
                await asyncio.sleep(SAMPLE_EVERY)

        sampler = asyncio.get_running_loop().create_task(sample())
        try:
            while time.monotonic() - started < minutes * 60:
                await navigator.round()
        finally:
            sampler.cancel()
        samples.append((time.monotonic() - started, rss_mib()))
        counts = navigator.counts
    late = [(t, m) for t, m in samples if t >= SKIP_MINUTES * 60]
    per_minute = {}
    for t, m in samples:
        per_minute[int(t // 60)] = m  # the last sample of each minute
    return {
        "minutes": minutes, "seed": seed, "sample_every_s": SAMPLE_EVERY,
        "samples": [[round(t, 1), round(m, 2)] for t, m in samples],
        "rss_by_minute_mib": {str(k): round(v, 2) for k, v in sorted(per_minute.items())},
        "rss_start_mib": round(samples[0][1], 2), "rss_end_mib": round(samples[-1][1], 2),
        "slope_after_2_min_mib_per_min": round(slope_per_minute(late), 3),
        "rounds": counts.rounds, "details_opened": counts.details,
        "previews": counts.previews, "searches": counts.searches, "waits_missed": counts.missed,
        "preview_kinds": sorted(counts.kinds),
        "target_mib_per_min": TARGET_MB_PER_MIN,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--minutes", type=float, default=20.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--name", default="soak",
                        help="results file name (bench/results/NAME.json), e.g. one per seed")
    args = parser.parse_args()
    result = asyncio.run(soak(args.minutes, args.seed))
    print(f"Random navigation over the demo for {args.minutes:g} min (seed {args.seed}): "
          f"{result['rounds']} rounds, {result['previews']} previews "
          f"({', '.join(result['preview_kinds'])})")  # type: ignore[arg-type]
    print(f"{'minute':>6} {'RSS MB':>8}")
    for minute, rss in result["rss_by_minute_mib"].items():  # type: ignore[attr-defined]
        print(f"{minute:>6} {rss:8.1f}")
    slope = result["slope_after_2_min_mib_per_min"]
    print(f"slope of RSS after the first {SKIP_MINUTES:g} min: {slope:+.2f} MB/min "
          f"(target < {TARGET_MB_PER_MIN}) -> "
          f"{'PASS' if slope < TARGET_MB_PER_MIN else 'FAIL'}")  # type: ignore[operator]
    write_results(args.name, result)


if __name__ == "__main__":
    main()
