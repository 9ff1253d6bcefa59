"""Helpers shared by the benchmark scripts: results files, medians, an emulator subprocess."""

from __future__ import annotations

import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "results"


def results_dir() -> Path:
    """``bench/results``, or ``$CO_TUI_BENCH_RESULTS`` (the CI test of the benches writes its
    tiny runs there, never over the real figures)."""
    return Path(os.environ.get("CO_TUI_BENCH_RESULTS") or RESULTS)


def load_average() -> str:
    """The machine's 1, 5 and 15 minute load averages, for the results (the machines are shared)."""
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "unknown"


PAGE_REPORTING = Path("/sys/module/page_reporting/parameters")
"""Where a Linux guest shows its free page reporting (virtio-balloon) settings."""


def free_page_reporting(folder: Path = PAGE_REPORTING) -> str | None:
    """How this virtual machine hands freed memory back to its host, or ``None`` when it does not.

    With free page reporting, memory a benchmark frees (a deleted 1 GiB download) is returned
    to the host after ``min_free_ms``, and touching it again costs the host a fault per page:
    the same run's system time then varies by 50% or more (seen on the bench machine: curl's
    1,000-file run took 0.89-3.0 s). Raising ``min_free_ms`` and ``page_reporting_order``
    (root) keeps freed memory in the guest between runs; where the kernel also has
    ``max_waiting_mib``, freeing more than that much at once is reported at once whatever the
    wait (a deleted 4 GiB download was: ``dd`` writing 4 GiB into /dev/shm took 1.6-6.5 s with
    1024, 1.6-2.3 s with 16384).
    """
    try:
        order = int((folder / "page_reporting_order").read_text())
        wait_ms = int((folder / "min_free_ms").read_text())
    except (OSError, ValueError):
        return None
    try:
        most = f", at most {int((folder / 'max_waiting_mib').read_text())} MiB waiting"
    except (OSError, ValueError):
        most = ""
    return f"on: blocks of 2^{order} pages, freed {wait_ms} ms before{most}"


def warm_memory(folder: Path, nbytes: int) -> float:
    """Write ``nbytes`` of zeros to a file in ``folder`` and delete it; the seconds it took.

    Called just before a timed run that writes ``nbytes`` or less into ``folder``. Under free
    page reporting, memory freed a few seconds earlier (the last run's download) may already
    have gone back to the host, and how much of it has decides how many of the next run's
    pages fault in the host: writing 4 GiB into /dev/shm took 1.6-3.9 s in runs seconds apart
    on the bench machine, with ``dd`` as the writer. Pages freed just now are handed out again
    first and have not been reported yet, so after this the next run's writes land on memory
    the guest holds (the same ``dd`` then took 1.7-2.2 s), whichever client runs.
    """
    chunk = bytes(1 << 20)
    started = time.perf_counter()
    fd, name = tempfile.mkstemp(prefix="warm-", dir=folder)
    try:
        left = nbytes
        while left > 0:
            left -= os.write(fd, chunk[:left] if left < len(chunk) else chunk)
    finally:
        os.close(fd)
        os.unlink(name)
    return time.perf_counter() - started


def write_results(name: str, data: dict[str, Any], directory: Path | None = None) -> Path:
    """Write ``<directory>/<name>.json`` (default :func:`results_dir`) with machine facts, and
    return its path."""
    folder = directory or results_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.json"
    payload = {
        "benchmark": name,
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "python": sys.version.split()[0],
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
        "load_average": load_average(),
        "free_page_reporting": free_page_reporting(),
        **data,
    }
    path.write_text(json.dumps(payload, indent=2) + "\n")
    print(f"wrote {path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path}")
    return path


@dataclass
class EmulatorProcess:
    """A ``co-tui emulator`` child process on loopback."""

    domain: str
    files_origin: str
    token: str
    process: subprocess.Popen[str]


@contextmanager
def emulator_process(seed: str, *extra: str, timeout: float = 300.0) -> Iterator[EmulatorProcess]:
    """Start ``co-tui emulator --port 0`` with ``seed`` in a child process; stop it afterwards.

    A separate process keeps the server's CPU work off the measuring process's GIL.
    """
    cmd = [sys.executable, "-m", "co_tui.cli", "emulator", "--port", "0", "--seed", seed, *extra]
    process = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True, bufsize=1)
    domain = files = token = ""
    deadline = time.monotonic() + timeout
    try:
        assert process.stdout is not None
        while time.monotonic() < deadline:
            line = process.stdout.readline()
            if not line:
                raise RuntimeError("emulator exited before it was ready")
            if match := re.match(r"listening on (\S+)", line):
                domain = match.group(1)
            elif match := re.match(r"signed file URLs on (\S+)", line):
                files = match.group(1)
            elif (match := re.match(r"\s+token for (\S+): (\S+)", line)) and not token:
                token = match.group(2)
            elif line.startswith("press Ctrl+C"):
                break
        if not (domain and token):
            raise RuntimeError("emulator did not report its address and token")
        yield EmulatorProcess(domain, files, token, process)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


def target_row(target: str, ours: float, baseline: float | None, unit: str, *,
               limit: float, ratio: bool = True, higher_is_better: bool = False) -> dict[str, Any]:
    """One row of a bench's ``table`` (what bench/run_all.py prints): ``ours`` against
    ``baseline`` measured in the same run. With ``ratio`` the target is on ours / baseline
    (``limit`` is a ratio, e.g. 1.3); without, on ours itself (``limit`` in ``unit``).
    ``higher_is_better`` for throughputs and request rates."""
    value_ratio = ours / baseline if baseline else None
    judged = value_ratio if ratio else ours
    met = judged is not None and (judged >= limit if higher_is_better else judged <= limit)
    return {"target": target, "ours": ours, "baseline": baseline, "unit": unit,
            "ratio": value_ratio, "limit": limit, "on": "ratio" if ratio else "value",
            "higher_is_better": higher_is_better, "met": met}


def format_row(row: dict[str, Any]) -> str:
    """One target row as a line: target, co-tui, baseline, ratio, met."""
    unit = row.get("unit", "")
    base = row.get("baseline")
    ratio = row.get("ratio")
    return (f"{row['target'][:62]:62} {row['ours']:>10.2f} {unit:<5}"
            f"{(f'{base:10.2f}' if base is not None else f'{chr(45):>10}')} "
            f"{(f'{ratio:6.2f}x' if ratio is not None else f'{chr(45):>7}')} "
            f"{'met' if row['met'] else 'NOT MET'}")


def print_table(table: list[dict[str, Any]]) -> None:
    """Print a bench's target rows under a header."""
    print(f"{'target':62} {'co-tui':>10} {'':5}{'baseline':>10} {'ratio':>7} result")
    for row in table:
        print(format_row(row))
