"""Jupyter notebooks (nbformat 4, and the ``worksheets`` layout of nbformat 3) as cells.

A notebook whose JSON is complete is parsed with :mod:`json`. One cut off by the 256 KiB read is
salvaged: the cells that arrived whole are decoded one by one from the ``"cells"`` array, and
the rest is reported as missing. nbformat puts the kernel's language in ``metadata``, *after*
the cells, so a cut-off notebook's language is assumed to be Python (and says so).

Everything is validated defensively: a notebook is untrusted JSON, so a field of the wrong type
is treated as absent, never as an error.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from co_tui.formatting import format_size
from co_tui.preview.highlight import lexer_for_language
from co_tui.preview.limits import MARKDOWN_RENDER_CHARS, NOTEBOOK_OUTPUT_LINES
from co_tui.preview.markdown import render_markdown
from co_tui.preview.preview_model import NotebookCell, NotebookOutput
from co_tui.preview.text import cut_lines, display

__all__ = ["ParsedNotebook", "parse_notebook"]

_CELLS = re.compile(r'"cells"\s*:\s*\[')
_ANSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]")
_TEXT_MIMES = ("text/plain", "text/markdown", "application/json", "text")


@dataclass(frozen=True, slots=True)
class ParsedNotebook:
    """Cells plus what the notebook says about itself."""

    cells: tuple[NotebookCell, ...]
    language: str
    language_known: bool
    nbformat: str
    complete: bool


def parse_notebook(text: str) -> ParsedNotebook | None:
    """Parse notebook JSON ``text`` (possibly cut off); ``None`` if it is not a notebook."""
    try:
        document = json.loads(text)
    except (ValueError, RecursionError):
        return _salvage(text)
    if not isinstance(document, dict):
        return None
    raw_cells = document.get("cells")
    if raw_cells is None:
        sheets = document.get("worksheets")
        if isinstance(sheets, list) and sheets and isinstance(sheets[0], dict):
            raw_cells = sheets[0].get("cells")
    if not isinstance(raw_cells, list):
        return None
    language = _language(document.get("metadata"))
    version = f"{document.get('nbformat', '?')}.{document.get('nbformat_minor', '?')}"
    return ParsedNotebook(
        _cells(raw_cells), language or "python", language is not None, version, True
    )


def _salvage(text: str) -> ParsedNotebook | None:
    match = _CELLS.search(text, 0, 4096)
    if match is None:
        return None
    decoder = json.JSONDecoder()
    raw_cells: list[Any] = []
    pos = match.end()
    while True:
        while pos < len(text) and text[pos] in " \t\r\n,":
            pos += 1
        if pos >= len(text) or text[pos] == "]":
            break
        try:
            cell, pos = decoder.raw_decode(text, pos)
        except (ValueError, RecursionError):
            break
        raw_cells.append(cell)
    return ParsedNotebook(_cells(raw_cells), "python", False, "?", False)


def _language(metadata: Any) -> str | None:
    if not isinstance(metadata, dict):
        return None
    info = metadata.get("language_info")
    if isinstance(info, dict) and isinstance(info.get("name"), str) and info["name"]:
        return str(info["name"])
    spec = metadata.get("kernelspec")
    if isinstance(spec, dict) and isinstance(spec.get("language"), str) and spec["language"]:
        return str(spec["language"])
    return None


def notebook_lexer(language: str) -> str | None:
    """The lexer for a notebook's language (``ipython3`` and friends are Python)."""
    return lexer_for_language(language)


def _text(value: Any) -> str:
    """nbformat multiline strings are a string or a list of strings."""
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return "".join(v for v in value if isinstance(v, str))
    return ""


def _cap(text: str, lines: int = NOTEBOOK_OUTPUT_LINES) -> str:
    text = display(_ANSI.sub("", text))
    parts = text.split("\n")
    if len(parts) > lines:
        return "\n".join(parts[:lines]) + f"\n… [+{len(parts) - lines:,} lines]"
    return text


def _cells(raw_cells: list[Any]) -> tuple[NotebookCell, ...]:
    cells: list[NotebookCell] = []
    budget = MARKDOWN_RENDER_CHARS
    for raw in raw_cells:
        if not isinstance(raw, dict):
            continue
        cell_type = raw.get("cell_type")
        cell_type = cell_type if isinstance(cell_type, str) else "raw"
        source = _text(raw.get("source", raw.get("input")))
        blocks = None
        if cell_type == "markdown" and len(source) <= budget:
            budget -= len(source)
            blocks = render_markdown(source)
        lines, cut = cut_lines(display(source).split("\n"))
        count = raw.get("execution_count", raw.get("prompt_number"))
        outputs = raw.get("outputs")
        cells.append(
            NotebookCell(
                cell_type=cell_type,
                source=tuple(lines),
                execution_count=count if isinstance(count, int) else None,
                outputs=tuple(_outputs(outputs)) if isinstance(outputs, list) else (),
                blocks=blocks,
                cut=cut,
            )
        )
    return tuple(cells)


def _outputs(raw_outputs: list[Any]) -> list[NotebookOutput]:
    outputs: list[NotebookOutput] = []
    for raw in raw_outputs:
        if not isinstance(raw, dict):
            continue
        kind = raw.get("output_type")
        kind = kind if isinstance(kind, str) else "unknown"
        if kind == "stream":
            outputs.append(NotebookOutput(kind, _cap(_text(raw.get("text")))))
        elif kind == "error":
            head = f"{_text(raw.get('ename'))}: {_text(raw.get('evalue'))}"
            trace = raw.get("traceback")
            body = "\n".join(_text(t) for t in trace) if isinstance(trace, list) else ""
            outputs.append(NotebookOutput(kind, _cap(body or head), head))
        else:
            data = raw.get("data")
            if not isinstance(data, dict):  # nbformat 3 keeps representations at top level
                data = {k: v for k, v in raw.items() if k not in ("output_type", "metadata")}
            mimes = tuple(str(k) for k in data)
            text = next((_text(data[m]) for m in _TEXT_MIMES if m in data), "")
            others = [m for m in mimes if m not in _TEXT_MIMES]
            summary = ", ".join(_summary(m, data[m]) for m in others)
            outputs.append(NotebookOutput(kind, _cap(text), summary, mimes))
    return outputs


def _summary(mime: str, value: Any) -> str:
    if mime.startswith("image/") and mime != "image/svg+xml":
        size = len(_text(value)) * 3 // 4  # base64
        return f"{mime} output, {format_size(size)}"
    return f"{mime} output"
