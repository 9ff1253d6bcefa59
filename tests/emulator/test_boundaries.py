"""Import rules of the emulator package: no Textual anywhere, httpx only in transport.py."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import co_tui.emulator

PACKAGE = Path(co_tui.emulator.__file__).parent


def _runtime_nodes(node: ast.AST) -> list[ast.AST]:
    """Every node, except those under ``if TYPE_CHECKING:`` (never imported at run time)."""
    out: list[ast.AST] = [node]
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.If) and isinstance(child.test, ast.Name) \
                and child.test.id == "TYPE_CHECKING":
            for other in child.orelse:
                out += _runtime_nodes(other)
            continue
        out += _runtime_nodes(child)
    return out


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in _runtime_nodes(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_no_textual_and_httpx_only_in_transport() -> None:
    files = sorted(PACKAGE.rglob("*.py"))
    assert len(files) > 10
    for path in files:
        imported = _imports(path)
        assert "textual" not in imported, path
        if path.name != "transport.py":
            assert "httpx" not in imported, path


def test_seed_model_import_stays_light() -> None:
    code = ("import sys, co_tui.emulator.seed_model\n"
            "print(','.join(m for m in ('starlette', 'uvicorn', 'httpx', 'sqlite3') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
