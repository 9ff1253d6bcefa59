"""AST lint (docs/reliability.md, 'Markup'): server or file text reaches widgets only as sanitised Content.

Every argument given to a text sink — widget constructors (``Label``, ``Static`` ...), ``update``,
``notify``, tree and table adders, ``title`` / ``sub_title`` assignments — must be visibly safe:
a literal of our own, a call to a sanitising builder (``display``, ``escape_line``, ``join`` ...),
or a local name assigned from one of those (or a parameter annotated ``Content``). A plain
variable, an f-string with values or a string concatenation is reported: it might carry a name,
a file line or an error message from the server into markup parsing or straight to the terminal.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

ROOT = Path(__file__).resolve().parents[2] / "co_tui"
UI_PATHS = [ROOT / "app.py", ROOT / "screens", ROOT / "widgets", ROOT / "modals", ROOT / "commands.py"]

SINK_CONSTRUCTORS = {"Label", "Static", "Button", "Markdown", "TextArea", "Log", "RichLog",
                     "Digits", "Pretty", "Link", "Rule", "Tab", "TabPane", "Collapsible",
                     "Checkbox", "RadioButton", "Option", "ListItem", "Header", "Input"}
SINK_METHODS = {"update", "notify", "add_leaf", "add_row", "add_rows", "add_column",
                "write", "write_line", "set_label", "add_option", "add_options"}
TREE_METHODS = {"add"}  # Tree/TreeNode.add: only on receivers that look like trees or nodes
TREE_RECEIVER_WORDS = ("tree", "node", "root")
SINK_KEYWORDS = {"renderable", "content", "label", "value", "placeholder", "title",
                 "message", "prompt"}
SINK_ATTRIBUTES = {"title", "sub_title", "border_title", "border_subtitle", "tooltip"}
# Receivers whose .add/.append/.update are not widgets (containers of our own data).
NON_WIDGET_METHOD_RECEIVERS = {"set", "list", "dict", "parts", "segments", "lines", "rows",
                               "items", "seen", "chunks", "_selected", "selected", "cells",
                               "names", "blocks", "pieces", "out", "result", "strips"}
SAFE_BUILDERS = {"display", "escape_line", "join", "to_text", "plain", "Content", "assemble",
                 "styled", "describe", "cast", "Text", "blank", "from_text"}
SAFE_NAME_SUFFIXES = ("_content", "_text_safe", "_safe")


@dataclass
class Finding:
    path: Path
    line: int
    source: str

    def __str__(self) -> str:
        return f"{self.path.relative_to(ROOT.parent)}:{self.line}: {self.source}"


def _call_name(node: ast.Call) -> str:
    func = node.func
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


def content_returning_functions(paths: list[Path]) -> set[str]:
    """Names of functions (anywhere in co_tui) annotated to return Content, Text or Strip."""
    names: set[str] = set()
    for path in ROOT.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.returns:
                returns = ast.unparse(node.returns)
                if returns.split("[")[0].split(".")[-1] in ("Content", "Text", "Strip") or (
                    returns.startswith(("list[Content", "tuple[Content"))
                ):
                    names.add(node.name)
    return names


class _Checker(ast.NodeVisitor):
    safe_functions: ClassVar[set[str]] = set()

    def __init__(self, path: Path, source: str) -> None:
        self.path = path
        self.source = source
        self.findings: list[Finding] = []
        self.safe_names: list[set[str]] = [set()]

    # --- scopes: names assigned from safe expressions, parameters annotated Content ----------

    def _visit_function(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        safe: set[str] = set()
        for arg in [*node.args.args, *node.args.kwonlyargs]:
            if arg.annotation is not None and any(
                word in ast.unparse(arg.annotation) for word in ("Content", "Text", "Strip")
            ):
                safe.add(arg.arg)
        self.safe_names.append(safe)
        self.generic_visit(node)
        self.safe_names.pop()

    visit_FunctionDef = _visit_function
    visit_AsyncFunctionDef = _visit_function

    def visit_Assign(self, node: ast.Assign) -> None:
        if self._is_safe(node.value):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    self.safe_names[-1].add(target.id)
        for target in node.targets:
            if isinstance(target, ast.Attribute) and target.attr in SINK_ATTRIBUTES:
                self._check(node.value)
        self.generic_visit(node)

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        if node.value is not None and isinstance(node.target, ast.Name) and (
            self._is_safe(node.value) or "Content" in ast.unparse(node.annotation)
        ):
            self.safe_names[-1].add(node.target.id)
        self.generic_visit(node)

    # --- sinks --------------------------------------------------------------------------------

    def visit_Call(self, node: ast.Call) -> None:
        name = _call_name(node)
        receiver = node.func.value if isinstance(node.func, ast.Attribute) else None
        receiver_name = receiver.id if isinstance(receiver, ast.Name) else (
            receiver.attr if isinstance(receiver, ast.Attribute) else ""
        )
        is_ctor = isinstance(node.func, ast.Name) and name in SINK_CONSTRUCTORS
        is_method = isinstance(node.func, ast.Attribute) and (
            (name in SINK_METHODS and receiver_name not in NON_WIDGET_METHOD_RECEIVERS)
            or (name in TREE_METHODS and any(w in receiver_name.lower() for w in TREE_RECEIVER_WORDS))
        )
        if name == "update" and node.args and isinstance(node.args[0], (ast.Dict, ast.Set)):
            is_method = False
        if is_ctor or is_method:
            args = list(node.args[:1]) if name not in ("add_row", "add_rows") else list(node.args)
            if name == "notify":
                args = list(node.args[:1])
            for arg in args:
                if not isinstance(arg, ast.Starred):
                    self._check(arg)
            for keyword in node.keywords:
                if keyword.arg in SINK_KEYWORDS:
                    self._check(keyword.value)
        self.generic_visit(node)

    # --- what counts as safe ------------------------------------------------------------------

    def _is_safe(self, node: ast.expr) -> bool:
        if isinstance(node, ast.Constant):
            return True
        if isinstance(node, ast.JoinedStr):
            return not any(isinstance(v, ast.FormattedValue) for v in node.values)
        if isinstance(node, ast.Call):
            called = _call_name(node)
            return (
                called in SAFE_BUILDERS
                or called in self.safe_functions
                or called.endswith(SAFE_NAME_SUFFIXES)
            )
        if isinstance(node, ast.Name):
            return any(node.id in scope for scope in self.safe_names) or node.id.endswith(
                SAFE_NAME_SUFFIXES
            )
        if isinstance(node, ast.Attribute):
            return node.attr.endswith(SAFE_NAME_SUFFIXES)
        if isinstance(node, ast.IfExp):
            return self._is_safe(node.body) and self._is_safe(node.orelse)
        if isinstance(node, (ast.Tuple, ast.List)):
            return all(self._is_safe(e) for e in node.elts)
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            return self._is_safe(node.left) and self._is_safe(node.right)
        return False

    def _check(self, node: ast.expr) -> None:
        if not self._is_safe(node):
            self.findings.append(Finding(self.path, node.lineno, ast.get_source_segment(
                self.source, node) or ast.unparse(node)))


def scan(paths: list[Path]) -> list[Finding]:
    _Checker.safe_functions = content_returning_functions(paths)
    findings: list[Finding] = []
    for base in paths:
        files = [base] if base.is_file() else sorted(base.rglob("*.py")) if base.exists() else []
        for path in files:
            source = path.read_text()
            checker = _Checker(path, source)
            checker.visit(ast.parse(source))
            findings.extend(checker.findings)
    return findings


def test_widgets_get_server_text_only_through_the_sanitiser() -> None:
    findings = scan(UI_PATHS)
    assert not findings, "raw text reaching a widget:\n" + "\n".join(map(str, findings))


def test_the_lint_catches_raw_text(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text(
        "def f(asset, label):\n"
        "    Label(asset.name)\n"
        "    Static(f'Asset: {asset.name}')\n"
        "    self.notify('failed: ' + error.message)\n"
        "    tree.add_leaf(asset.path)\n"
        "    self.title = asset.name\n"
        "    table.add_row(asset.name, display(asset.type))\n"
        "    Label(display(asset.name))\n"
        "    safe = display(asset.name)\n"
        "    Static(safe)\n"
        "    Label('Literal text is ours')\n"
    )
    findings = scan([bad])
    assert [f.line for f in findings] == [2, 3, 4, 5, 6, 7]
