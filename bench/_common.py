"""Helpers shared by the benchmark scripts: results files, medians, an emulator subprocess."""

from __future__ import annotations

import json
import os
import platform
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "results"


def write_results(name: str, data: dict[str, Any], directory: Path = RESULTS) -> Path:
    """Write ``<directory>/<name>.json`` (default ``bench/results/``) with machine facts, and
    return its path."""
    directory.mkdir(exist_ok=True)
    path = directory / f"{name}.json"
    payload = {
        "benchmark": name,
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "python": sys.version.split()[0],
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
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
