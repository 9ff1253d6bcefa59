"""bench/download_asset.py runs end to end in its ``--tiny`` mode: every case, ours against the
curls, a JSON report where ``--name`` says. Timing targets are the benchmark's business; here
only what holds at any size: the files land whole (the bench checks every run), co-tui keeps to
a few connections and under the memory ceiling."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
@pytest.mark.timeout(120)
@pytest.mark.skipif(shutil.which("curl") is None or not Path("/usr/bin/time").exists(),
                    reason="needs curl and GNU time")
def test_the_download_bench_runs_tiny(tmp_path: Path) -> None:
    out = tmp_path / "report"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "download_asset.py"), "--tiny", "--name", str(out),
         "--dest", str(tmp_path)],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=110, check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    report = json.loads((tmp_path / "report.json").read_text())
    assert report["runs"] == 1 and report["tiny"]
    for key in ("small_ours", "small_curl_par", "small_curl_K", "small_py_bare",
                "small_py_work", "latency_ours",
                "latency_curl_par", "big_ours", "big_curl", "rated_ours", "rated_curl"):
        assert len(report["seconds"][key]) == 1, key
        # every client's own CPU seconds: co-tui's from its child, a baseline's from GNU time
        (cpu,) = report["client_cpu_seconds"][key]
        assert cpu >= 0, key
    assert report["client_cpu_seconds"]["small_ours"][0] > 0  # 40 files cannot take no CPU
    # kept alive, not one per file: at most one per transfer slot (8 by default), plus two
    # for sockets the server closed while they idled
    assert report["connections"]["small_ours"][0] <= 8 + 2
    # uncapped loopback: one connection is fast enough on its own (co_tui/api/ranged.py);
    # capped at 50 MB/s per connection, the other workers join in
    assert report["connections"]["big_ours"][0] == 1
    assert report["connections"]["rated_ours"][0] > 1
    assert report["ratios"]["peak_rss_mib"] <= 64
    assert "small_vs_curl_par" in report["ratios"] and "rated_time_vs_curl" in report["ratios"]
    # the bare client that does co-tui's work (listing, URL requests, safe publishing) ran
    assert {"small_vs_py_work", "py_work_vs_curl_par"} <= report["ratios"].keys()
    assert "target <=" in done.stdout
    rows = {row["target"]: row for row in report["table"]}
    assert len(rows) == 6 and all(isinstance(row["met"], bool) for row in rows.values())
    assert rows["downloads: co-tui peak RSS <= 64 MiB"]["ours"] == report["ratios"]["peak_rss_mib"]
