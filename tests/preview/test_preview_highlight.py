"""Lexer choice and windowed highlighting."""

from __future__ import annotations

import importlib
import json
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from co_tui.preview import Highlighter, choose_lexer, highlight, lexer_for_language
from tests.preview.preview_samples import C_SOURCE, MARKDOWN, PYTHON, R_SOURCE, YAML, json_document

# The package re-exports the function ``highlight``, which hides the module of the same name.
highlight_module = importlib.import_module("co_tui.preview.highlight")


@pytest.mark.parametrize(
    ("name", "text", "lexer"),
    [
        ("code/run.py", "", "Python"),
        ("analysis.R", "", "S"),
        ("environment/Dockerfile", "", "Docker"),
        ("config.yaml", "", "YAML"),
        ("settings.xml", "", "XML"),
        ("data.json", "", "JSON"),
        ("events.jsonl", "", "JSON"),
        ("x.zarr/.zattrs", "", "JSON"),
        ("structure.oebin", "", "JSON"),
        ("main.nf", "", "Groovy"),
        ("nextflow.config", "", "Groovy"),
        ("README.md", "", "Markdown"),
        ("report.Rmd", "", "Markdown"),
        ("lib.h", "#include <stdio.h>\nint f(void);\n", "C"),
        ("code/run", "#!/usr/bin/env bash\nset -e\n", "Bash"),
        ("postInstall", "#!/bin/sh\necho hi\n", "Bash"),
        ("figures.script", "#!/usr/bin/env Rscript\nlibrary(x)\n", "S"),
        ("tool", "#!/usr/bin/python3.11\nprint(1)\n", "Python"),
        ("noext", '{"a": [1, 2]}', "JSON"),
        ("noext", "<?xml version='1.0'?><a/>", "XML"),
        ("page", "<!DOCTYPE html><html></html>", "HTML"),
        ("acquisition.log", "2023-03-21 INFO hello\n", None),
        ("notes.txt", "", None),
        ("README", "Resting-state cohort A\n", None),
        ("genes.gtf", "chr1\tHAVANA\tgene\n", None),
        ("ini", "[section]\nkey = 1\n", None),
    ],
)
def test_choose_lexer(name: str, text: str, lexer: str | None) -> None:
    assert choose_lexer(name, text) == lexer


def test_lexer_for_language() -> None:
    assert lexer_for_language("python") == "Python"
    assert lexer_for_language("ipython3") == "Python"
    assert lexer_for_language("R") == "S"
    assert lexer_for_language("julia") == "Julia"
    assert lexer_for_language("python {.numberLines}") == "Python"
    assert lexer_for_language("no-such-language") is None
    assert lexer_for_language("") is None


def test_plugin_lexers_are_never_loaded(monkeypatch: pytest.MonkeyPatch) -> None:
    """Pygments' plugin scan imports every entry point (IPython: ~0.4 s); we never trigger it."""
    import pygments.lexers  # type: ignore[import-untyped, unused-ignore]
    import pygments.plugin  # type: ignore[import-untyped, unused-ignore]

    def boom() -> None:
        raise AssertionError("plugin lexers were searched")

    monkeypatch.setattr(pygments.plugin, "find_plugin_lexers", boom)
    monkeypatch.setattr(pygments.lexers, "find_plugin_lexers", boom)
    highlight_module._lexer_class.cache_clear()
    highlight_module._lexer.cache_clear()
    for name in ("a.py", "a.R", "a.h", "Dockerfile", "a.m", "a.sql", "x.unknown"):
        lexer = choose_lexer(name, "int x;\n")
        highlight(["x = 1"], lexer)


SOURCES = [
    (PYTHON * 8, "Python"),
    (R_SOURCE * 5, "S"),
    (C_SOURCE * 5, "C"),
    (YAML * 5, "YAML"),
    (MARKDOWN * 3, "Markdown"),
    (json.dumps([json_document()] * 5, indent=2), "JSON"),
]


@pytest.mark.parametrize(("text", "lexer"), SOURCES, ids=[s[1] for s in SOURCES])
def test_windows_equal_slices_of_the_whole(text: str, lexer: str) -> None:
    lines = text.split("\n")
    whole = highlight(lines, lexer)
    assert len(whole) == len(lines)
    # Every token line reassembles its source line, and token types are short names.
    for tokens, line in zip(whole, lines, strict=True):
        assert "".join(t for _, t in tokens) == line
        assert all(not kind.startswith("Token") or kind == "Token" for kind, _ in tokens)
    assert any(kind != "Text" for tokens in whole for kind, _ in tokens)
    rng = random.Random(lexer)
    windows = [(0, 5), (0, len(lines)), (len(lines) - 3, len(lines) + 10), (7, 7)]
    for _ in range(10):
        a, b = sorted(rng.sample(range(len(lines) + 1), 2))
        windows.append((a, b))
    highlighter = Highlighter(lines, lexer)
    for start, stop in windows:
        assert highlight(lines, lexer, start, stop) == whole[start:stop]
        assert highlighter.window(start, stop) == whole[start:stop]


def test_token_names() -> None:
    tokens = highlight(["def main():  # entry"], "Python")[0]
    assert ("Keyword", "def") in tokens
    assert ("Name.Function", "main") in tokens
    assert ("Comment.Single", "# entry") in tokens


def test_carriage_returns_do_not_shift_lines() -> None:
    """Pygments' own preprocessing turns a lone \\r into a newline; we bypass it."""
    lines = ["x = 1\r# still line one", "y = 2"]
    result = highlight(lines, "Python")
    assert len(result) == 2
    assert "".join(t for _, t in result[1]) == "y = 2"


def test_plain_text_and_unknown_lexers() -> None:
    assert highlight(["a", "", "b"], None) == [[("Text", "a")], [], [("Text", "b")]]
    assert highlight(["a"], "No Such Lexer") == [[("Text", "a")]]
    assert Highlighter(["a", "b"], None).window(1, 5) == [[("Text", "b")]]
    assert highlight([], "Python") == []


def test_a_failing_lexer_leaves_the_rest_plain(monkeypatch: pytest.MonkeyPatch) -> None:
    lexer = highlight_module._lexer("Python")

    def broken(text: str):  # type: ignore[no-untyped-def]
        yield 0, lexer_token("Keyword"), "def"
        yield 3, lexer_token("Text"), " f\n"
        raise RuntimeError("lexer bug")

    monkeypatch.setattr(lexer, "get_tokens_unprocessed", broken)
    assert highlight(["def f", "x = 1", "y"], "Python") == [
        [("Keyword", "def"), ("Text", " f")],
        [("Text", "x = 1")],
        [("Text", "y")],
    ]


def lexer_token(name: str) -> object:
    from pygments import token  # type: ignore[import-untyped, unused-ignore]

    return getattr(token, name)


@settings(max_examples=80, deadline=None)
@given(
    text=st.text(st.sampled_from(list("ab1 \t\n\r\\'\"#/*<>{}[]:-`~$\x1b\u202eé😀")), max_size=400),
    lexer=st.sampled_from(["Python", "JSON", "Markdown", "S", "C", "YAML", "XML", "Bash", None]),
)
def test_highlight_reassembles_any_text(text: str, lexer: str | None) -> None:
    lines = text.split("\n")
    result = highlight(lines, lexer)
    assert ["".join(t for _, t in tokens) for tokens in result] == lines
