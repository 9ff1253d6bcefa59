"""The text-like previews: plain text and code, JSON, CSV/TSV, Markdown, notebooks.

Each function takes a :class:`Chunk` (the bytes and what is known about them) and returns a
finished :class:`~co_tui.preview.preview_model.Preview`, including the byte accounting
(``bytes_consumed``) and the :class:`~co_tui.preview.preview_model.Resume` state for "load more".
"""

from __future__ import annotations

import csv
from dataclasses import dataclass

from co_tui.formatting import format_size, plural
from co_tui.preview.highlight import display_name, lexer_for_language
from co_tui.preview.limits import MAX_LINE_CHARS, MAX_LINES, TABLE_CELL_CHARS
from co_tui.preview.markdown import render_cut, render_markdown
from co_tui.preview.notebook import parse_notebook
from co_tui.preview.preview_model import (
    MarkdownBody,
    NotebookBody,
    Preview,
    PreviewKind,
    Resume,
    ResumeMode,
    TextBody,
)
from co_tui.preview.structured import build_table, json_error, reindent_json
from co_tui.preview.text import (
    byte_length,
    cut_lines,
    decode,
    decode_lines,
    decode_span,
    display,
    lines_end,
    undecodable,
)

__all__ = [
    "Chunk",
    "csv_preview",
    "extent_notes",
    "json_preview",
    "markdown_preview",
    "notebook_preview",
    "text_preview",
]

_ENCODING_NAMES = {
    "cp1252": "Windows-1252 (the bytes are not valid UTF-8)",
    "utf-16-le": "UTF-16 little-endian (byte-order mark)",
    "utf-16-be": "UTF-16 big-endian (byte-order mark)",
    "utf-32-le": "UTF-32 little-endian (byte-order mark)",
    "utf-32-be": "UTF-32 big-endian (byte-order mark)",
}
_JSON_TITLES = {
    ".zarray": "Zarr array metadata (JSON)",
    ".zattrs": "Zarr attributes (JSON)",
    ".zgroup": "Zarr group metadata (JSON)",
    ".zmetadata": "Zarr consolidated metadata (JSON)",
    ".oebin": "Open Ephys structure file (JSON)",
    ".geojson": "GeoJSON",
}
_DELIMITER_NAMES = {",": "CSV", "\t": "TSV", ";": "semicolon-separated", "|": "pipe-separated"}


@dataclass(frozen=True, slots=True)
class Chunk:
    """The input of one preview: ``data`` (byte-order mark included, ``bom`` bytes long) of
    file ``name`` from offset ``start``; ``total`` is the file size if known, ``at_end`` True
    when nothing follows ``data``."""

    data: bytes
    name: str
    start: int
    total: int | None
    at_end: bool
    encoding: str = "utf-8"
    bom: int = 0

    @property
    def payload(self) -> bytes:
        """The bytes after the byte-order mark."""
        return self.data[self.bom :] if self.bom else self.data


def extent_notes(start: int, consumed: int, total: int | None, more: bool) -> list[str]:
    """The "showing the first 256 KiB of 4 GiB" note (nothing when the whole file is shown)."""
    if start == 0 and not more:
        return []
    of = f" of {format_size(total)}" if total is not None else " (file size unknown)"
    if start == 0:
        return [f"showing the first {format_size(consumed)}{of}"]
    last = start + max(consumed, 1) - 1
    return [f"showing bytes {start:,}–{last:,}{of}"]


def _encoding_notes(encoding: str, invalid: bool) -> list[str]:
    notes = []
    if encoding in _ENCODING_NAMES:
        notes.append(f"decoded as {_ENCODING_NAMES[encoding]}")
    if invalid:
        notes.append("bytes that could not be decoded are shown as \ufffd")
    return notes


def _cut_note(cut: dict[int, int]) -> list[str]:
    if not cut:
        return []
    return [f"{plural(len(cut), 'line')} cut at {MAX_LINE_CHARS:,} characters"]


def _bytes_of(text: str, chars: int, end: int, encoding: str) -> int:
    """Bytes covered by ``text[:chars]``, where all of ``text`` came from ``end`` bytes (which
    may end with a partial code unit that decoded to nothing)."""
    return end if chars >= len(text) else byte_length(text[:chars], encoding)


def _finish(
    chunk: Chunk,
    kind: PreviewKind,
    title: str,
    body: TextBody | MarkdownBody | NotebookBody,
    consumed: int,
    resume: Resume,
    notes: list[str],
) -> Preview:
    more = not (chunk.at_end and consumed >= len(chunk.data))
    return Preview(
        kind,
        chunk.name,
        title,
        body,
        start=chunk.start,
        bytes_consumed=consumed,
        total_size=chunk.total,
        truncated=more,
        resume=resume if more else None,
        notes=tuple(extent_notes(chunk.start, consumed, chunk.total, more) + notes),
    )


def text_preview(
    chunk: Chunk,
    lexer: str | None,
    first_line: int = 1,
    *,
    mode: ResumeMode = "text",
    title: str | None = None,
    notes: tuple[str, ...] = (),
) -> Preview:
    """Plain or highlighted lines. ``mode="jsonl"`` is JSON shown as written (JSON Lines, or
    a JSON file that does not parse): kind ``json``, no re-indenting."""
    decoded = decode_lines(chunk.payload, chunk.encoding, at_end=chunk.at_end)
    consumed = chunk.bom + decoded.consumed
    body = TextBody(decoded.lines, lexer, decoded.cut, first_line, chunk.encoding)
    json_lines = mode == "jsonl"
    kind = PreviewKind.JSON if json_lines else (PreviewKind.CODE if lexer else PreviewKind.TEXT)
    resume = Resume(
        chunk.start + consumed,
        "jsonl" if json_lines else "text",
        chunk.encoding,
        first_line + len(decoded.lines),
        lexer,
    )
    extra = [*notes, *_encoding_notes(chunk.encoding, decoded.invalid), *_cut_note(decoded.cut)]
    if decoded.more:
        extra.append(f"stopped after {MAX_LINES:,} lines")
    title = title or ("JSON Lines" if json_lines else display_name(lexer))
    return _finish(chunk, kind, title, body, consumed, resume, extra)


def json_preview(
    chunk: Chunk, depth: int = 0, in_string: bool = False, first_line: int = 1
) -> Preview:
    """JSON re-indented (:func:`~co_tui.preview.structured.reindent_json`); a complete file
    that does not parse is shown as written, with the parser's message."""
    text, end = decode_span(chunk.payload, chunk.encoding, at_end=chunk.at_end)
    if chunk.start == 0 and chunk.at_end:
        error = json_error(text)
        if error is not None:
            note = f"not valid JSON ({error}): shown as it is"
            return text_preview(chunk, "JSON", mode="jsonl", title="JSON", notes=(note,))
    result = reindent_json(text, at_end=chunk.at_end, depth=depth, in_string=in_string)
    if result.consumed == 0 and text:  # a single token longer than the chunk
        return text_preview(chunk, "JSON", first_line, mode="jsonl", title="JSON")
    # A string with a raw newline in it (not valid JSON, but it happens) spans two lines.
    lines, cut = cut_lines(display("\n".join(result.lines)).split("\n") if result.lines else [])
    consumed = chunk.bom + _bytes_of(text, result.consumed, end, chunk.encoding)
    base = chunk.name.rsplit("/", 1)[-1].lower()
    title = next((t for s, t in _JSON_TITLES.items() if base.endswith(s)), "JSON")
    body = TextBody(tuple(lines), "JSON", cut, first_line, chunk.encoding)
    resume = Resume(
        chunk.start + consumed, "json", chunk.encoding, first_line + len(lines), "JSON",
        depth=result.depth, in_string=result.in_string,
    )
    notes = _encoding_notes(chunk.encoding, undecodable(text, chunk.encoding)) + _cut_note(cut)
    if not chunk.at_end and chunk.start == 0:
        notes.append("the JSON goes on past what was read: re-indented as far as it goes")
    return _finish(chunk, PreviewKind.JSON, title, body, consumed, resume, notes)


def csv_preview(
    chunk: Chunk,
    delimiter: str | None = None,
    columns: tuple[str, ...] | None = None,
    row: int = 0,
    first_line: int = 1,
) -> Preview:
    """The first rows of a CSV/TSV file as a table (``delimiter``, ``columns`` and ``row``
    continue a previous chunk)."""
    payload = chunk.payload
    end = lines_end(payload, chunk.encoding, at_end=chunk.at_end)
    text = decode(payload[:end], chunk.encoding)
    try:
        parsed = build_table(
            text, name=chunk.name, encoding=chunk.encoding, at_end=chunk.at_end,
            delimiter=delimiter, columns=columns, first_row=row, first_line=first_line,
        )
    except csv.Error as exc:
        return text_preview(chunk, None, first_line, notes=(f"not shown as a table ({exc})",))
    if parsed.consumed_chars == 0 and text:  # one row longer than the chunk
        return text_preview(chunk, None, first_line)
    table = parsed.table
    consumed = chunk.bom + _bytes_of(text, parsed.consumed_chars, end, chunk.encoding)
    resume = Resume(
        chunk.start + consumed, "csv", chunk.encoding,
        first_line + text.count("\n", 0, parsed.consumed_chars), None,
        delimiter=table.delimiter, columns=table.columns, row=row + len(table.rows),
    )
    more = parsed.more_rows or consumed < len(chunk.data)
    notes = extent_notes(chunk.start, consumed, chunk.total, more)
    if more or row:
        notes.append(f"rows {row + 1:,}–{row + len(table.rows):,}")
    if table.hidden_columns:
        notes.append(f"{plural(table.hidden_columns, 'more column')} not shown")
    if table.cut_cells:
        notes.append(f"{plural(table.cut_cells, 'cell')} cut at {TABLE_CELL_CHARS} characters")
    if table.ragged_rows:
        notes.append(f"{plural(table.ragged_rows, 'row')} with a different number of fields")
    notes += _encoding_notes(chunk.encoding, undecodable(text, chunk.encoding))
    return Preview(
        PreviewKind.CSV,
        chunk.name,
        f"{_DELIMITER_NAMES.get(table.delimiter, 'delimited')} table",
        table,
        start=chunk.start,
        bytes_consumed=consumed,
        total_size=chunk.total,
        truncated=more,
        resume=resume if more else None,
        notes=tuple(notes),
    )


def markdown_preview(chunk: Chunk) -> Preview:
    """Rendered Markdown (the first :data:`~co_tui.preview.limits.MARKDOWN_RENDER_CHARS`) plus
    the raw lines; "load more" continues the raw view."""
    decoded = decode_lines(chunk.payload, chunk.encoding, at_end=chunk.at_end)
    consumed = chunk.bom + decoded.consumed
    raw = TextBody(decoded.lines, "Markdown", decoded.cut, 1, chunk.encoding)
    text = display(decode(chunk.data[chunk.bom : consumed], chunk.encoding))
    cut = render_cut(text)
    blocks = render_markdown(text[:cut])
    notes = _encoding_notes(chunk.encoding, decoded.invalid)
    if blocks is None:  # pragma: no cover - markdown-it-py comes with Textual
        blocks, cut = (), 0
        notes.append("no Markdown parser available: showing the raw text")
    elif cut < len(text):
        notes.append(f"rendered the first {format_size(cut)}; the raw view shows the rest")
    body = MarkdownBody(blocks, raw, cut >= len(text))
    resume = Resume(consumed, "text", chunk.encoding, 1 + len(decoded.lines), "Markdown")
    return _finish(chunk, PreviewKind.MARKDOWN, "Markdown", body, consumed, resume, notes)


def notebook_preview(chunk: Chunk) -> Preview:
    """A Jupyter notebook as cells (a cut-off one as the cells that arrived whole); JSON that
    is not a notebook is shown as JSON."""
    text, _ = decode_span(chunk.payload, chunk.encoding, at_end=chunk.at_end)
    parsed = parse_notebook(text)
    if parsed is None:
        return json_preview(chunk)
    decoded = decode_lines(chunk.payload, chunk.encoding, at_end=chunk.at_end)
    consumed = chunk.bom + decoded.consumed
    raw = TextBody(decoded.lines, "JSON", decoded.cut, 1, chunk.encoding)
    lexer = lexer_for_language(parsed.language)
    if not parsed.language_known:
        language = "Python"
    else:
        language = display_name(lexer) if lexer else parsed.language
    complete = parsed.complete and chunk.at_end
    body = NotebookBody(parsed.cells, language, lexer, parsed.nbformat, complete, raw)
    notes = _encoding_notes(chunk.encoding, decoded.invalid)
    cells = plural(len(parsed.cells), "cell")
    if not parsed.complete:
        notes.append(
            f"the notebook goes on past what was read: showing the {cells} that arrived "
            "whole; language assumed Python"
        )
    resume = Resume(consumed, "text", chunk.encoding, 1 + len(decoded.lines), "JSON")
    title = f"Jupyter notebook ({language}), {cells}"
    return _finish(chunk, PreviewKind.NOTEBOOK, title, body, consumed, resume, notes)
