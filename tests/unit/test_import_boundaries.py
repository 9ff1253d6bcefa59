"""Imports run one way: the back-end packages never pull in Textual (docs/architecture.md, 'Import rules')."""

from __future__ import annotations

import subprocess
import sys

import pytest

BACKEND = [
    "co_tui.api", "co_tui.emulator", "co_tui.preview", "co_tui.transfer", "co_tui.actions",
    "co_tui.cli",
]


@pytest.mark.parametrize("module", BACKEND)
def test_backend_imports_without_textual(module: str) -> None:
    """Every module of the package (not just its lazy ``__init__``) imports without Textual."""
    code = (
        "import sys, importlib, pkgutil\n"
        f"root = importlib.import_module({module!r})\n"
        "for info in pkgutil.walk_packages(getattr(root, '__path__', []), root.__name__ + '.'):\n"
        "    importlib.import_module(info.name)\n"
        "bad = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.'))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_cli_import_stays_light() -> None:
    """`co-tui --help` must not pay for the emulator's web stack."""
    code = (
        "import sys, co_tui.cli; "
        "print(','.join(m for m in ('starlette', 'uvicorn', 'co_tui.emulator') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_first_frame_needs_no_httpx() -> None:
    """What My Data's first frame imports leaves httpx (and the CA bundle) for later."""
    code = (
        "import sys, co_tui.cli, co_tui.app, co_tui.credentials, co_tui.splash, "
        "co_tui.screens.asset_list; "
        "print(','.join(m for m in ('httpx', 'httpcore', 'co_tui.api.client') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
