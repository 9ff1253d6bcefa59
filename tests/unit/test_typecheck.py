"""The package and its tests type-check under the strict settings in pyproject.toml, and pass
ruff's lint (the rules there too) with bench/.

mypy runs in a child process from the repository root (module names under ``tests/`` come from
there) with its cache in ``tmp_path``, so the check starts cold and writes nothing into the
repository.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_mypy_strict_over_the_package_and_the_tests(tmp_path: Path) -> None:
    out = subprocess.run(
        [sys.executable, "-m", "mypy", "--cache-dir", str(tmp_path / "mypy"), "--no-color-output",
         "co_tui", "tests"],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )
    assert out.returncode == 0, out.stdout + out.stderr


def test_ruff_over_the_package_the_tests_and_the_benches() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--no-cache", "--output-format", "concise",
         "co_tui", "tests", "bench"],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )
    assert out.returncode == 0, out.stdout + out.stderr
