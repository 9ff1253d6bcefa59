"""bench/emulator_search.py runs end to end in its tiny mode and writes a complete result.

It checks that the benchmark works (both servers start, every request is answered 200, the
table and the results file have every figure), not the figures themselves: those depend on the
machine and come from the full run.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "bench" / "emulator_search.py"


def test_tiny_run_writes_every_figure(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(BENCH), "--tiny", "--name", "tiny", "--results-dir", str(tmp_path)],
        capture_output=True, text=True, timeout=120, cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "search page req/s" in done.stdout and "free-text req/s" in done.stdout
    result = json.loads((tmp_path / "tiny.json").read_text())
    assert result["non_200"] == 0
    medians = result["median"]
    for key in ("page_rps", "trivial_rps", "free_text_rps", "clients_p50_ms", "clients_p99_ms"):
        assert medians[key] > 0, key
    assert set(result["met"]) == {"page_ratio", "free_text_rps", "clients_p99_ms"}
