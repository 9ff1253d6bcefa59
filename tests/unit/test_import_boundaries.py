"""Imports run one way (docs/architecture.md, 'Import rules').

- The back-end packages (and ``co_tui.operations``, ``co_tui.session``, ``co_tui.cli``) never pull in
  Textual: checked by importing every module in a fresh interpreter.
- The session package imports nothing from ``co_tui.api``; ``co_tui.redact`` and ``co_tui.domain``,
  which both use, import nothing from co-tui.
- Widgets import no screen and no dialog; dialogs import no screen; nothing in ``co_tui`` but
  ``co_tui/cli.py`` and the emulator package itself imports ``co_tui.emulator``: checked on the
  source, every ``import`` statement counted, including those inside functions and
  ``TYPE_CHECKING`` blocks (a lazy import is still a dependency).
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "co_tui"

BACKEND = [
    "co_tui.api", "co_tui.emulator", "co_tui.preview", "co_tui.transfer", "co_tui.operations",
    "co_tui.session", "co_tui.redact", "co_tui.domain", "co_tui.formatting", "co_tui.report",
    "co_tui.cli", "co_tui.script",
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
        "import sys, co_tui.cli, co_tui.app, co_tui.session.credentials, co_tui.splash, "
        "co_tui.screens.asset_list; "
        "print(','.join(m for m in ('httpx', 'httpcore', 'co_tui.api.client') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def imported_modules(source: str, module: str) -> set[str]:
    """Every module ``source`` (the text of ``module``) imports, as absolute dotted names.

    ``from a import b`` counts as both ``a`` and ``a.b`` (``b`` may be a submodule)."""
    found: set[str] = set()
    package = module.rsplit(".", 1)[0]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                parts = parts[: len(parts) - node.level + 1]
                base = ".".join([*parts, base] if base else parts)
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _under(name: str, package: str) -> bool:
    return name == package or name.startswith(package + ".")


def violations(importer: str, forbidden: tuple[str, ...], *,
               exempt: tuple[str, ...] = ()) -> list[str]:
    """``module -> imported`` for each module under ``importer`` (a package or module name) that
    imports something under one of ``forbidden``; modules under ``exempt`` are not checked."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        name = _module_name(path)
        if not _under(name, importer) or any(_under(name, e) for e in exempt):
            continue
        for imported in sorted(imported_modules(path.read_text(encoding="utf-8"), name)):
            if any(_under(imported, f) for f in forbidden):
                found.append(f"{name} -> {imported}")
    return found


ALLOWED: dict[str, set[str]] = {
    # Known violations, each to be fixed by the issue named next to it; none today.
    "widgets": set(),
    "modals": set(),
    "emulator": set(),
}


def test_widgets_import_no_screens_or_modals() -> None:
    """A widget tells its owner what happened with a message; it never reaches for a screen."""
    found = violations("co_tui.widgets", ("co_tui.screens", "co_tui.modals"))
    assert set(found) == ALLOWED["widgets"], found


def test_modals_import_no_screens() -> None:
    """A dialog is given what it shows and dismisses with a result; it never imports a screen."""
    found = violations("co_tui.modals", ("co_tui.screens",))
    assert set(found) == ALLOWED["modals"], found


def test_my_data_does_not_import_the_archive_bin() -> None:
    """The archive bin is a kind of My Data (it imports it); My Data asks the app to open it,
    so the two modules do not import each other."""
    assert violations("co_tui.screens.asset_list", ("co_tui.screens.archive",)) == []


def test_only_the_cli_imports_the_emulator() -> None:
    """The app talks to the emulator over HTTP like to any deployment; only the command line
    (cli.py and the scripting commands' --demo) starts one (tests and bench/ may import it: they are outside ``co_tui``)."""
    found = violations("co_tui", ("co_tui.emulator",),
                       exempt=("co_tui.emulator", "co_tui.cli", "co_tui.script"))
    assert set(found) == ALLOWED["emulator"], found


def test_session_imports_no_api() -> None:
    """The user's settings and stored logins are read before a client exists, and without one:
    checking a token with the server is an action (``co_tui.operations.verify_login``)."""
    assert violations("co_tui.session", ("co_tui.api",)) == []


@pytest.mark.parametrize("module", ["co_tui.redact", "co_tui.domain"])
def test_token_and_domain_primitives_are_leaves(module: str) -> None:
    """The API client and the session both build on these, so they import nothing of co-tui."""
    assert violations(module, ("co_tui",)) == []


@pytest.mark.parametrize(("module", "source", "forbidden", "expected"), [
    ("co_tui.widgets.x", "from co_tui.screens.asset_list import AssetListScreen",
     "co_tui.screens", True),
    ("co_tui.widgets.x", "def f():\n    import co_tui.modals.confirm\n", "co_tui.modals", True),
    ("co_tui.widgets.x", "from co_tui import screens", "co_tui.screens", True),
    ("co_tui.widgets.x", "from ..screens import gone", "co_tui.screens", True),
    ("co_tui.widgets.x", "if TYPE_CHECKING:\n    from co_tui.screens import gone\n",
     "co_tui.screens", True),
    ("co_tui.app", "from co_tui.emulator.settings import preset", "co_tui.emulator", True),
    ("co_tui.widgets.x", "from co_tui.widgets.keys import CURSOR_KEYS", "co_tui.screens", False),
    ("co_tui.widgets.x", "from co_tui.screensaver import x", "co_tui.screens", False),
])
def test_the_import_check_sees_every_form(module: str, source: str, forbidden: str,
                                          expected: bool) -> None:
    """The check finds absolute, relative, lazy and type-only imports, and nothing else."""
    found = any(_under(name, forbidden) for name in imported_modules(source, module))
    assert found is expected
