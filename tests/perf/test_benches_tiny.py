"""Every benchmark in bench/ runs at a tiny size, so none of them rots between the runs that
produce the figures in bench/results. The figures here are not judged (a shared CI machine is
too noisy for that, and a tiny size measures start-up more than work); each script must run to
the end and write its results file with the fields bench/run_all.py reads."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]

BENCHES: dict[str, list[str]] = {
    "app_launch": ["--tiny"],
    "cli_startup": ["--tiny"],
    "list_assets": ["--tiny"],
    "decode_models": ["--tiny"],
    "preview": ["--tiny"],
    "folder_and_preview": ["--tiny"],
    "soak": ["--minutes", "0.15"],
    "fault_storm": ["--sequences", "2", "--steps", "4"],
}


def _run(name: str, args: list[str], results: Path) -> dict[str, Any]:
    env = {**os.environ, "CO_TUI_BENCH_RESULTS": str(results), "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, str(ROOT / "bench" / f"{name}.py"), *args],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=240)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-4000:]
    path = results / f"{name}.json"
    assert path.exists(), done.stdout[-2000:]
    data: dict[str, Any] = json.loads(path.read_text())
    assert data["benchmark"] == name and data["load_average"]
    return data


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(BENCHES))
def test_the_bench_runs_at_a_tiny_size(name: str, tmp_path: Path) -> None:
    data = _run(name, BENCHES[name], tmp_path)
    assert (tmp_path / f"{name}.json").resolve().parent != (ROOT / "bench" / "results").resolve()
    for row in data.get("table", []):
        assert {"target", "ours", "baseline", "ratio", "met"} <= row.keys(), row
        assert row["ours"] > 0 and row["baseline"] > 0, row
