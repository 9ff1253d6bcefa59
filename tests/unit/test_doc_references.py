"""Comments and docstrings point only at documents the repository holds.

A reference a newcomer cannot follow is worse than none: the code's comments and docstrings may
name ``docs/<file>.md`` (the file must exist) and a section of it in quotes (the heading must
exist), but not design notes kept outside the repository, nor the short IDs and bare section
numbers those notes used. The rule is stated in docs/architecture.md, 'Where things are' and
the sections the code points at live in docs/.

Only comments and string statements (docstrings, attribute docstrings) are read, so test data
such as an asset named "cortex section 12" is not a reference.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
SCANNED = ("co_tui", "tests", "bench", "scripts")

OUTSIDE = re.compile(
    r"\.\./shared|shared/reference|reliability-anchors|codeocean-api\.md|tui-anchors"
    r"|textual-app-anchors|\breference/|\breference section|\bchecklist item|\barchitecture rule"
)
"""Names of documents kept outside the repository, and ways of citing them."""

ID = re.compile(r"\b(?:TS|NET|CR|DL)-\d+\b|\b[RT][1-9]\d*\b|\bS[124-9]\b")
"""Short IDs of rules kept outside the repository (``S3`` is Amazon's, so it is left alone)."""

NUMBERED = re.compile(
    r"\b(?:product|architecture|reliability)(?:\.md)?,? (?:section |§ ?)?\d"
    r"|\bsections? \d+(?:\.\d+)*|§ ?\d|\((?:\d+\.)+\d+\)"
)
"""Sections cited by number (``product section 5``, ``(6.1)``): docs/ sections are cited by name."""

BARE_DOC = re.compile(r"(?<![\w/])(?:product|architecture|reliability|api-notes)\.md")
"""A docs/ file named without its folder (``product.md``) is ambiguous: say ``docs/product.md``."""

DOC_REF = re.compile(
    r"""docs/([\w.-]+?\.md)(?:,?\s+(?:section\s+)?(?:'([^']+)'|"([^"]+)"|‘([^’]+)’|“([^”]+)”))?"""
)
"""``docs/<file>.md`` with, optionally, a quoted section name after it."""


@dataclass(frozen=True)
class Chunk:
    """A comment run or a string statement of one file, with the line it starts on."""

    path: Path
    line: int
    text: str


def _chunks(path: Path) -> list[Chunk]:
    """Every comment run (consecutive comment lines joined) and string statement of ``path``."""
    source = path.read_text(encoding="utf-8")
    found: list[Chunk] = []
    run: list[str] = []
    start = prev = 0
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type != tokenize.COMMENT:
            continue
        line = token.start[0]
        if run and line != prev + 1:
            found.append(Chunk(path, start, " ".join(run)))
            run = []
        if not run:
            start = line
        run.append(token.string.lstrip("#").strip())
        prev = line
    if run:
        found.append(Chunk(path, start, " ".join(run)))
    for node in ast.walk(ast.parse(source)):
        if (isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
                and isinstance(node.value.value, str)):
            found.append(Chunk(path, node.lineno, node.value.value))
    return found


def _files() -> list[Path]:
    me = Path(__file__).resolve()
    return sorted(p for folder in SCANNED for p in (ROOT / folder).rglob("*.py") if p != me)


def _headings() -> dict[str, set[str]]:
    """The headings of each docs/ file, without their ``#`` marks."""
    return {
        doc.name: {line.lstrip("#").strip() for line in doc.read_text(encoding="utf-8").splitlines()
                   if line.startswith("#")}
        for doc in DOCS.glob("*.md")
    }


def _problems(chunks: list[Chunk], headings: dict[str, set[str]]) -> list[str]:
    """What is wrong with the references in ``chunks``, one line each."""
    every_heading = set().union(*headings.values()) if headings else set()
    problems: list[str] = []
    for chunk in chunks:
        where = f"{chunk.path.relative_to(ROOT)}:{chunk.line}"
        text = " ".join(chunk.text.split())
        for pattern, why in ((OUTSIDE, "a document outside the repository"),
                             (NUMBERED, "a section cited by number"),
                             (BARE_DOC, "a docs/ file named without docs/")):
            for match in pattern.finditer(text):
                problems.append(f"{where}: {match.group(0)!r} is {why}")
        for match in ID.finditer(text):
            if not any(match.group(0) in heading.split() for heading in every_heading):
                problems.append(f"{where}: {match.group(0)!r} is an ID no docs/ heading has")
        for match in DOC_REF.finditer(text):
            name = match.group(1)
            section = next((g for g in match.groups()[1:] if g is not None), None)
            if name not in headings:
                problems.append(f"{where}: docs/{name} does not exist")
            elif section is not None and section not in headings[name]:
                problems.append(f"{where}: docs/{name} has no heading {section!r}")
    return problems


def test_docs_exist() -> None:
    assert {"product.md", "architecture.md", "api-notes.md", "reliability.md"} <= set(_headings())


DOCS_REF = re.compile(r"""\b([\w-]+\.md)\)?,?\s+(?:'([^']+)'|"([^"]+)")""")
"""Inside docs/: ``product.md, 'Keys'`` or ``[product.md](product.md), "Keys"``."""


def test_docs_cite_their_own_sections_by_existing_headings() -> None:
    headings = _headings()
    problems = []
    for doc in sorted(DOCS.glob("*.md")):
        text = " ".join(doc.read_text(encoding="utf-8").split())
        for match in DOCS_REF.finditer(text):
            name, section = match.group(1), match.group(2) or match.group(3)
            if name in headings and section not in headings[name]:
                problems.append(f"docs/{doc.name}: {name} has no heading {section!r}")
    assert not problems, "\n".join(problems)


def test_every_reference_in_code_points_into_docs() -> None:
    headings = _headings()
    problems = [p for path in _files() for p in _problems(_chunks(path), headings)]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(("text", "complaint"), [
    ("See ../shared/product.md.", "outside the repository"),
    ("(reliability-anchors 4.3)", "outside the repository"),
    ("as reference/codeocean-api.md says", "outside the repository"),
    ("Binary detection (TS-4).", "an ID no docs/ heading has"),
    ("The token stays home (NET-2).", "an ID no docs/ heading has"),
    ("No duplicates (R3).", "an ID no docs/ heading has"),
    ("network loss (product section 5)", "cited by number"),
    ("the hostile corpus (6.1)", "cited by number"),
    ("as product.md says", "without docs/"),
    ("see docs/nowhere.md", "does not exist"),
    ("see docs/reliability.md, 'No such section'", "has no heading"),
])
def test_the_check_finds_bad_references(text: str, complaint: str) -> None:
    path = ROOT / "co_tui" / "example.py"
    problems = _problems([Chunk(path, 1, text)], _headings())
    assert any(complaint in p for p in problems), problems


@pytest.mark.parametrize("text", [
    "Names are cut (docs/reliability.md, 'Length caps').",
    'see docs/architecture.md "Where things are"',
    "an S3 bucket, 256 KiB, version 3.1 of the platform",
])
def test_the_check_accepts_good_references(text: str) -> None:
    path = ROOT / "co_tui" / "example.py"
    assert _problems([Chunk(path, 1, text)], _headings()) == []
