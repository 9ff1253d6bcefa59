"""Each signed-file concern has one owner: checked on the source, so a second copy cannot creep
back in (the behaviour itself is tested in tests/api and tests/transfer)."""

from __future__ import annotations

import ast
from pathlib import Path

import co_tui

ROOT = Path(co_tui.__file__).parent


def _modules(folder: str = "") -> list[Path]:
    return sorted((ROOT / folder).rglob("*.py"))


def _calls(tree: ast.AST) -> list[str]:
    """Dotted names of every call in ``tree`` (``os.write``, ``ssl.create_default_context``)."""
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            parts = []
            func: ast.expr = node.func
            while isinstance(func, ast.Attribute):
                parts.append(func.attr)
                func = func.value
            if isinstance(func, ast.Name):
                parts.append(func.id)
            names.append(".".join(reversed(parts)))
    return names


def test_api_modules_import_each_other_only_at_module_level() -> None:
    """No ``from co_tui.api... import`` inside a function: that is how a cycle hides."""
    hidden = []
    for path in _modules("api"):
        tree = ast.parse(path.read_text())
        for func in ast.walk(tree):
            if not isinstance(func, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            for node in ast.walk(func):
                if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("co_tui."):
                    hidden.append(f"{path.name}:{node.lineno} {node.module}")
    assert hidden == []


def test_one_tls_context_is_built_in_one_place() -> None:
    """Only api/tls.py builds a TLS context; the socket reader and httpx share it."""
    builders = {"ssl.create_default_context", "httpx.create_ssl_context", "ssl.SSLContext"}
    found = [
        f"{path.relative_to(ROOT)}: {name}"
        for path in _modules()
        for name in _calls(ast.parse(path.read_text()))
        if name in builders
    ]
    assert found == ["api/tls.py: httpx.create_ssl_context"]
    from co_tui.api.tls import ssl_context

    assert ssl_context() is ssl_context()


def test_api_never_writes_files() -> None:
    """api/ hands bytes to a sink; the transfer layer writes them."""
    writers = {"os.write", "open", "os.open", "os.pwrite"}
    found = [
        f"{path.name}: {name}"
        for path in _modules("api")
        for name in _calls(ast.parse(path.read_text()))
        if name in writers
    ]
    assert found == []


def test_data_root_is_defined_once() -> None:
    """One place says where a capsule mounts its data assets."""
    defined = [
        str(path.relative_to(ROOT))
        for path in _modules()
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, (ast.Assign, ast.AnnAssign))
        for target in (node.targets if isinstance(node, ast.Assign) else [node.target])
        if isinstance(target, ast.Name) and target.id == "DATA_ROOT"
    ]
    assert defined == ["transfer/local.py"]


def test_only_the_client_and_the_service_use_the_retry_policy() -> None:
    """Retries are decided by api/retry.py's Retrier and the service's download loops (one
    stream in api/files.py, byte ranges in api/ranged.py), not by callers of the client (the
    transfer layer, screens)."""
    users = [
        str(path.relative_to(ROOT))
        for path in _modules()
        if "delay_for(" in path.read_text() or "backoff_or_raise(" in path.read_text()
    ]
    assert sorted(users) == ["api/client.py", "api/files.py", "api/ranged.py", "api/retry.py"]
