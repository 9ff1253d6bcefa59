"""Syntax highlighting with Pygments, one window of lines at a time.

Choosing a lexer (:func:`choose_lexer`):

1. By file name, over Pygments' *built-in* lexer table only. ``pygments.lexers.
   get_lexer_for_filename`` also loads every plugin lexer through entry points on its first call
   (with IPython installed that imports IPython), so this module matches the
   built-in patterns itself, the same way Pygments does (explicit names beat globs; ties go to
   ``analyse_text`` on the text, or to the lexer priority).
2. A few data-science names Pygments does not know (``.zattrs``, ``.oebin``, ``.nf``, ``.Rmd``...).
3. By content, cheaply: a ``#!`` line names the interpreter; ``<?xml``, ``<!DOCTYPE html`` and
   a leading ``{``/``[`` that parses as JSON are recognised. ``guess_lexer`` is not used: it
   runs every lexer's ``analyse_text`` (slow when cold) and calls a plain log file
   "CBM BASIC V2".
4. Otherwise plain text (``None``).

The costs avoided: docs/product.md, 'Measurements behind the design'.

Highlighting (:func:`highlight`, :class:`Highlighter`): Pygments lexes from the start of the text,
but lazily, so asking for the lines ``[start, stop)`` costs lexing ``stop`` lines, not the whole
chunk: the first screen of a 256 KiB file costs the same as that of a 2 KiB one. Lexing goes
through ``get_tokens_unprocessed`` so that Pygments' input preprocessing (which turns a lone
``\\r`` into a newline) cannot shift line numbers.
"""

from __future__ import annotations

import fnmatch
import functools
import re
from collections.abc import Iterator, Sequence
from typing import Any

from co_tui.preview.preview_model import TokenLine

__all__ = [
    "Highlighter",
    "choose_lexer",
    "display_name",
    "highlight",
    "lexer_for_language",
    "plain",
]

_TEXT = "Text"

_EXTRA_NAMES: dict[str, str] = {
    ".zattrs": "JSON",
    ".zarray": "JSON",
    ".zgroup": "JSON",
    ".zmetadata": "JSON",
    ".oebin": "JSON",
    ".ipynb": "JSON",
    ".geojson": "JSON",
    ".jsonld": "JSON",
    ".nf": "Groovy",
    "nextflow.config": "Groovy",
    ".rmd": "Markdown",
    ".qmd": "Markdown",
    ".gtf": "",
    ".log": "",
}
"""Names Pygments does not map, or maps unhelpfully (``""`` means plain text)."""

_INTERPRETERS: dict[str, str] = {
    "python": "python",
    "bash": "bash",
    "sh": "bash",
    "zsh": "bash",
    "ksh": "bash",
    "dash": "bash",
    "rscript": "r",
    "r": "r",
    "perl": "perl",
    "ruby": "ruby",
    "node": "javascript",
    "julia": "julia",
    "nextflow": "groovy",
    "awk": "awk",
    "make": "make",
}


@functools.cache
def _lexer_table() -> dict[str, tuple[str, str, tuple[str, ...], tuple[str, ...], tuple[str, ...]]]:
    """Pygments' built-in lexer table, imported on first use (``pygments.lexers`` pulls in
    ``importlib.metadata``, a cost a plain ``import co_tui.preview`` should not pay)."""
    from pygments.lexers._mapping import LEXERS  # type: ignore[import-untyped, unused-ignore]

    return dict(LEXERS)


_DISPLAY_NAMES = {"S": "R", "Text only": "plain text", "Docker": "Dockerfile"}


def display_name(lexer: str | None) -> str:
    """A title for a lexer name (``"S"``, Pygments' name for its R lexer, is ``"R"``)."""
    if lexer is None:
        return "plain text"
    return _DISPLAY_NAMES.get(lexer, lexer)


@functools.cache
def _name_index() -> tuple[dict[str, list[str]], dict[str, list[str]], list[tuple[str, str]]]:
    """Built-in lexer patterns: exact names, ``*.ext`` suffixes, and other globs."""
    exact: dict[str, list[str]] = {}
    suffix: dict[str, list[str]] = {}
    other: list[tuple[str, str]] = []
    for _module, name, _aliases, patterns, _mimes in _lexer_table().values():
        for pattern in patterns:
            if not any(c in pattern for c in "*?["):
                exact.setdefault(pattern, []).append(name)
            elif pattern.startswith("*.") and not any(c in pattern[2:] for c in "*?["):
                suffix.setdefault(pattern[1:], []).append(name)
            else:
                other.append((pattern, name))
    return exact, suffix, other


@functools.cache
def _aliases() -> dict[str, str]:
    table: dict[str, str] = {}
    for _module, name, aliases, _patterns, _mimes in _lexer_table().values():
        for alias in aliases:
            table.setdefault(alias.lower(), name)
        table.setdefault(name.lower(), name)
    return table


def lexer_for_language(language: str) -> str | None:
    """The built-in lexer for a language or alias (``"python"``, ``"R"``, ``"ipython3"``,
    a Markdown fence's info string), or ``None``."""
    key = language.strip().lower().split()[0] if language.strip() else ""
    if key.startswith("ipython"):
        key = "python"
    name = _aliases().get(key)
    return None if name in (None, "Text only") else name


def _candidates(base: str) -> list[tuple[str, bool]]:
    """``(lexer name, explicit match)`` for every built-in pattern matching ``base``."""
    exact, suffix, other = _name_index()
    found = [(name, True) for name in exact.get(base, [])]
    dot = base.find(".")
    while dot >= 0:
        found += [(name, False) for name in suffix.get(base[dot:], [])]
        dot = base.find(".", dot + 1)
    found += [(name, False) for pattern, name in other if fnmatch.fnmatchcase(base, pattern)]
    return found


def choose_lexer(name: str, text: str = "") -> str | None:
    """The Pygments lexer name for a file (``"Python"``), or ``None`` for plain text.

    ``text`` is the start of the file, used to break ties and to sniff names Pygments does not
    know; only its first 4 KiB are looked at.
    """
    base = name.rsplit("/", 1)[-1]
    lower = base.lower()
    for suffix, lexer in _EXTRA_NAMES.items():
        if lower.endswith(suffix):
            return lexer or None
    head = text[:4096]
    candidates = _candidates(base)
    if candidates:
        chosen = _best(candidates, head)
        if chosen is not None:
            return None if chosen == "Text only" else chosen
    return _sniff(head)


def _best(candidates: list[tuple[str, bool]], head: str) -> str | None:
    if len({name for name, _ in candidates}) == 1:
        return candidates[0][0]
    best: tuple[float, str] | None = None
    for name, explicit in candidates:
        cls = _lexer_class(name)
        if cls is None:
            continue
        try:
            score = float(cls.analyse_text(head) if head else cls.priority)
        except Exception:  # a third-party analyse_text must not break a preview
            score = 0.0
        score += 0.5 if explicit else 0.0
        if best is None or (score, name) > best:
            best = (score, name)
    return best[1] if best else None


_SHEBANG = re.compile(r"#!\s*(\S+)(?:[ \t]+(?:-\S+[ \t]+)*([^\s-]\S*))?")


def _sniff(head: str) -> str | None:
    stripped = head.lstrip("\ufeff")
    if stripped.startswith("#!"):
        match = _SHEBANG.match(stripped)
        if match:
            program = match.group(1).rsplit("/", 1)[-1]
            if program == "env" and match.group(2):
                program = match.group(2).rsplit("/", 1)[-1]
            program = re.sub(r"[\d.]+$", "", program.lower())
            alias = _INTERPRETERS.get(program)
            return lexer_for_language(alias) if alias else None
        return None
    start = stripped.lstrip()[:64].lower()
    if start.startswith("<?xml"):
        return "XML"
    if start.startswith(("<!doctype html", "<html")):
        return "HTML"
    if start[:1] in ("{", "[") and _json_like(stripped):
        return "JSON"
    return None


_JSON_START = re.compile(r'\s*(?:\{\s*(?:"|\}|$)|\[\s*(?:[\[\{"\]\d-]|true|false|null|$))')


def _json_like(head: str) -> bool:
    """A leading ``{"``/``[{``/``[1``... that looks like the start of a JSON document."""
    return _JSON_START.match(head) is not None


# --------------------------------------------------------------------------------------------
# Lexing


@functools.cache
def _lexer_class(name: str) -> Any:
    """The built-in lexer class called ``name`` (``None`` if there is none: plugin lexers are
    never searched)."""
    from pygments.lexers import find_lexer_class  # type: ignore[import-untyped, unused-ignore]

    if not any(entry[1] == name for entry in _lexer_table().values()):
        return None
    return find_lexer_class(name)


@functools.lru_cache(maxsize=64)
def _lexer(name: str) -> Any:
    cls = _lexer_class(name)
    if cls is None:
        return None
    return cls(stripnl=False, stripall=False, ensurenl=True, tabsize=0)


@functools.cache
def _type_name(token_type: Any) -> str:
    text = str(token_type)
    return text[6:] if text.startswith("Token.") else text


def plain(lines: Sequence[str], start: int = 0, stop: int | None = None) -> list[TokenLine]:
    """Lines as unhighlighted ``("Text", line)`` token lines."""
    return [[(_TEXT, line)] if line else [] for line in lines[start:stop]]


def _token_lines(lexer: Any, lines: Sequence[str]) -> Iterator[TokenLine]:
    """Yield highlighted lines one by one, lexing only as far as the consumer reads.

    A lexer that fails (a Pygments bug on odd input) leaves the rest of the lines plain
    rather than breaking the view.
    """
    text = "\n".join(lines) + "\n"
    current: TokenLine = []
    done = 0
    try:
        for _, token_type, value in lexer.get_tokens_unprocessed(text):
            if not value:
                continue
            kind = _type_name(token_type)
            parts = value.split("\n")
            for i, part in enumerate(parts):
                if i:
                    yield current
                    done += 1
                    current = []
                if part:
                    if current and current[-1][0] == kind:
                        current[-1] = (kind, current[-1][1] + part)
                    else:
                        current.append((kind, part))
    except Exception:
        yield from plain(lines, done)
        return
    if current:
        yield current


def highlight(
    lines: Sequence[str], lexer: str | None, start: int = 0, stop: int | None = None
) -> list[TokenLine]:
    """Highlight ``lines[start:stop]`` as part of the whole text of ``lines``.

    Lexing runs from the first line (Pygments has no random access) and stops once line
    ``stop`` is done; the lexer still sees the text after it, so the result equals the same
    slice of highlighting every line. ``lexer`` is a Pygments lexer name
    from :func:`choose_lexer`; ``None`` (or an unknown name) gives plain text.
    """
    stop = len(lines) if stop is None else max(0, min(stop, len(lines)))
    start = max(0, start)
    instance = _lexer(lexer) if lexer else None
    if instance is None or start >= stop:
        return plain(lines, start, stop)
    out: list[TokenLine] = []
    # The lexer sees all the lines (a Markdown fence or a C comment may need to see its end to
    # be recognised) but the generator is only driven up to ``stop``.
    for index, token_line in enumerate(_token_lines(instance, lines)):
        if index >= stop:
            break
        if index >= start:
            out.append(token_line)
    while len(out) < stop - start:  # lines the lexer folded away (never expected)
        out.append([])
    return out


class Highlighter:
    """Incremental highlighting of one body of lines, for a scrolling view.

    Keeps the lexer's generator and the lines highlighted so far, so scrolling down costs only
    the new lines, and scrolling back costs nothing. Use it from one thread at a time.
    """

    def __init__(self, lines: Sequence[str], lexer: str | None) -> None:
        self._lines = lines
        instance = _lexer(lexer) if lexer else None
        self._stream: Iterator[TokenLine] | None = (
            _token_lines(instance, lines) if instance is not None else None
        )
        self._done: list[TokenLine] = []

    def window(self, start: int, stop: int) -> list[TokenLine]:
        """Token lines for ``lines[start:stop]``."""
        stop = max(0, min(stop, len(self._lines)))
        start = max(0, start)
        if self._stream is None:
            return plain(self._lines, start, stop)
        while len(self._done) < stop:
            line = next(self._stream, None)
            if line is None:
                self._done += [[] for _ in range(stop - len(self._done))]
                break
            self._done.append(line)
        return self._done[start:stop]
