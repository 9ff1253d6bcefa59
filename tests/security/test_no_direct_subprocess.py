"""Only :mod:`co_tui.children` starts programs: any other module that imports ``subprocess`` or
calls ``os.system``, ``os.popen``, ``os.exec*``, ``os.spawn*``, ``os.posix_spawn*``,
``asyncio.create_subprocess_*`` or ``pty.spawn`` would hand children the token in the
environment, so the source is walked and such a use fails the test."""

from __future__ import annotations

import ast
from pathlib import Path

import co_tui

ROOT = Path(co_tui.__file__).parent
ALLOWED = ROOT / "children.py"
FORBIDDEN_MODULES = {"subprocess", "pty", "multiprocessing", "webbrowser"}
FORBIDDEN_CALLS = {
    ("os", "system"), ("os", "popen"), ("os", "fork"), ("os", "forkpty"),
    ("asyncio", "create_subprocess_exec"), ("asyncio", "create_subprocess_shell"),
    ("pty", "spawn"),
}
FORBIDDEN_PREFIXES = {("os", "exec"), ("os", "spawn"), ("os", "posix_spawn")}


def direct_process_uses(source: str) -> list[str]:
    """Each place in ``source`` that starts a program other than through ``co_tui.children``."""
    found: list[str] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [f"import {a.name}" for a in node.names
                      if a.name.split(".")[0] in FORBIDDEN_MODULES]
        elif isinstance(node, ast.ImportFrom) and node.module:
            top = node.module.split(".")[0]
            if top in FORBIDDEN_MODULES:
                found.append(f"from {node.module} import ...")
            for alias in node.names:
                pair = (top, alias.name)
                if pair in FORBIDDEN_CALLS or any(
                        top == m and alias.name.startswith(p) for m, p in FORBIDDEN_PREFIXES):
                    found.append(f"from {node.module} import {alias.name}")
        elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            pair = (node.value.id, node.attr)
            if pair in FORBIDDEN_CALLS or any(
                    node.value.id == m and node.attr.startswith(p) for m, p in FORBIDDEN_PREFIXES):
                found.append(f"{node.value.id}.{node.attr} (line {node.lineno})")
    return found


def test_no_module_but_children_starts_a_program() -> None:
    offenders = {
        str(path.relative_to(ROOT)): uses
        for path in sorted(ROOT.rglob("*.py"))
        if path != ALLOWED and (uses := direct_process_uses(path.read_text(encoding="utf-8")))
    }
    assert offenders == {}, f"use co_tui.children.run_child instead: {offenders}"


def test_the_walker_sees_each_form() -> None:
    for source in ("import subprocess", "import subprocess as sp", "from subprocess import run",
                   "import os\nos.system('x')", "import os\nos.execvpe('x', [], {})",
                   "import os\nos.posix_spawnp('x', [], {})", "os.popen('x')",
                   "import asyncio\nasyncio.create_subprocess_exec('x')",
                   "from asyncio import create_subprocess_shell", "from os import spawnlp",
                   "import pty\npty.spawn('x')", "import webbrowser"):
        assert direct_process_uses(source), source
    assert direct_process_uses("from co_tui.children import run_child\nrun_child(['x'])") == []
    assert direct_process_uses("import os\nos.environ.get('X')\nos.path.join('a')") == []
