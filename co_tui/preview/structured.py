"""JSON and CSV/TSV.

JSON is pretty-printed by re-indenting its *tokens* (:func:`reindent_json`) rather than by
``json.loads`` + ``json.dumps``. For a valid document the output is exactly
``json.dumps(obj, indent=2, ensure_ascii=False)`` of compact input (a property test checks
this), but the re-indenter also

- works on a prefix: a 300 KB single-line minified file cut at 256 KiB still shows its first
  5,000 lines nicely indented, where ``json.loads`` would only fail;
- stops after :data:`~co_tui.preview.limits.MAX_LINES` output lines, so a 256 KiB array of
  numbers costs 5,000 lines of work, not 130,000;
- knows the byte offset it stopped at and its nesting depth, so "load more" continues the same
  indentation from the next chunk;
- keeps the file's own spelling of numbers and strings (``1.0E5`` stays ``1.0E5``), and never
  recurses (a 100,000-deep nest is fine).

A complete file that is not valid JSON is shown as it is, with the parser's message.

CSV/TSV: the delimiter comes from the name (``.tsv``/``.tab``: tab) or from the first lines
(``,``, ``;``, tab or ``|``, whichever splits them most consistently); the first row is the
header unless one of its cells is a number. Rows are parsed by :mod:`csv` (quoted fields,
embedded newlines), at most :data:`~co_tui.preview.limits.TABLE_ROWS` per chunk.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass

from co_tui.preview.limits import (
    MAX_LINES,
    TABLE_CELL_CHARS,
    TABLE_COLUMNS,
    TABLE_ROWS,
)
from co_tui.preview.preview_model import TableBody, TextBody
from co_tui.preview.text import cut_lines, display

__all__ = ["JsonLines", "TableChunk", "build_table", "reindent_json", "sniff_delimiter"]

_JSON_TOKEN = re.compile(
    r"""(?P<s>"[^"\\]*(?:\\.[^"\\]*)*")
      | (?P<o>[\[{])
      | (?P<c>[\]}])
      | (?P<k>,)
      | (?P<n>:)
      | (?P<u>")
      | (?P<b>[^\s\[\]{},:"]+)""",
    re.VERBOSE | re.DOTALL,
)
_SPACE = re.compile(r"\s*")
_STRING_REST = re.compile(r'[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_INDENT = "  "


@dataclass(frozen=True, slots=True)
class JsonLines:
    """Output of :func:`reindent_json`: the lines, how many characters of the input they cover,
    and the state to continue with (``depth``, ``in_string``)."""

    lines: list[str]
    consumed: int
    depth: int
    in_string: bool


def reindent_json(
    text: str,
    *,
    at_end: bool,
    depth: int = 0,
    in_string: bool = False,
    max_lines: int = MAX_LINES,
) -> JsonLines:
    """Re-indent JSON ``text`` with two spaces per level (see the module docstring).

    ``depth`` and ``in_string`` continue a previous chunk. When ``at_end`` is False, a token
    cut off by the end of ``text`` is left for the next chunk, except a string that is longer
    than the whole chunk: that is emitted as it is and continued with ``in_string``.
    """
    size = len(text)
    out: list[str] = []
    cur: list[str] = []
    pos = 0
    if in_string:
        match = _STRING_REST.match(text)
        if match is None:
            end = _string_cut(text, at_end)
            return JsonLines([text[:end]] if end else [], end, depth, not at_end)
        cur.append(match.group())
        pos = match.end()
    # Where the line being built starts, and the depth there: when a chunk stops early, the
    # unfinished line is left for the next chunk, which starts again from there.
    line_pos, line_depth = 0, depth
    pending_open = False  # an opener whose line break waits to see if the container is empty
    line_done = False  # a top-level value just ended: the next one starts a new line
    finished = False
    # Each token adds at most two lines, and the last partial line one more: stop in time.
    while len(out) < max_lines - 3:
        pos = _SPACE.match(text, pos).end()  # type: ignore[union-attr]  # \s* always matches
        if pos >= size:
            finished = True
            break
        match = _JSON_TOKEN.match(text, pos)
        if match is None:  # pragma: no cover - the alternatives cover every character
            break
        kind, token, after = match.lastgroup, match.group(), match.end()
        if kind == "b" and after == size and not at_end:
            break  # a number or literal that may go on in the next chunk
        if kind == "u":  # a string with no closing quote in this chunk
            if at_end:
                token, after = text[pos:], size
            elif out or pending_open or "".join(cur).strip():
                break  # start the next chunk at this string
            else:
                end = _string_cut(text, at_end)
                return JsonLines([_INDENT * depth + text[pos:end]], end, depth, True)
        if pending_open:
            pending_open = False
            if kind == "c":  # an empty container stays on one line: [] or {}
                cur.append(token)
                pos, line_done = after, depth == 0
                continue
            depth += 1
            out.append("".join(cur))
            cur = [_INDENT * depth]
            line_pos, line_depth = pos, depth
        if kind == "c":
            if "".join(cur).strip():
                out.append("".join(cur))
            line_pos, line_depth = pos, depth
            depth = max(0, depth - 1)
            cur = [_INDENT * depth, token]
            line_done = depth == 0
        elif kind == "k":
            cur.append(token)
            out.append("".join(cur))
            cur = [_INDENT * depth]
            line_pos, line_depth = after, depth
            line_done = False
        elif kind == "n":
            cur.append(": ")
        else:  # an opener, a string, a number, a literal, or any other run of characters
            if line_done and "".join(cur).strip():
                out.append("".join(cur))
                cur = []
                line_pos, line_depth = pos, depth
            if not cur:
                cur.append(_INDENT * depth)
            cur.append(token)
            pending_open = kind == "o"
            line_done = depth == 0 and kind != "o"
        pos = after
    if not (finished and at_end) and out and "".join(cur).strip():
        return JsonLines(out, line_pos, line_depth, False)  # leave the unfinished line
    if pending_open:
        depth += 1
    if "".join(cur).strip():
        out.append("".join(cur))
    return JsonLines(out, pos, depth, False)


def _string_cut(text: str, at_end: bool) -> int:
    """Where to cut a chunk that ends inside a string: not right after a backslash, whose
    escaped character is in the next chunk."""
    if at_end or not text.endswith("\\") or len(text) == 1:
        return len(text)
    return len(text) - 1


def json_error(text: str) -> str | None:
    """The parser's message when ``text`` is not valid JSON, else ``None``."""
    import json

    try:
        json.loads(text)
    except RecursionError:
        return None  # valid as far as anyone can tell; only too deep for the C parser
    except ValueError as exc:
        return str(exc)
    return None


# --------------------------------------------------------------------------------------------
# CSV / TSV


_DELIMITERS = (",", ";", "\t", "|")
_NUMBER = re.compile(r"\s*[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?\s*$")


def sniff_delimiter(lines: list[str], name: str) -> str:
    """``"\\t"`` for ``.tsv``/``.tab`` files; otherwise the candidate that splits the first
    lines into the same number (> 0) of fields most consistently (``","`` if none does)."""
    lower = name.lower()
    if lower.endswith((".tsv", ".tab", ".tsv.gz")):
        return "\t"
    sample = [line for line in lines[:20] if line.strip()]
    best = (0, 0, ",")
    for candidate in _DELIMITERS:
        counts = [line.count(candidate) for line in sample]
        if not counts or min(counts) == 0:
            continue
        consistent = sum(1 for c in counts if c == counts[0])
        score = (consistent, counts[0], candidate)
        if score[:2] > best[:2]:
            best = score
    return best[2]


@dataclass(frozen=True, slots=True)
class TableChunk:
    """A table and how many characters of the input text its rows cover."""

    table: TableBody
    consumed_chars: int
    more_rows: bool


def build_table(
    text: str,
    *,
    name: str,
    encoding: str,
    at_end: bool,
    delimiter: str | None = None,
    columns: tuple[str, ...] | None = None,
    first_row: int = 0,
    first_line: int = 1,
    max_rows: int = TABLE_ROWS,
) -> TableChunk:
    """Parse the complete lines ``text`` as CSV. ``columns``/``delimiter`` continue a previous
    chunk (no header row is expected then)."""
    lines_for_sniff = text[:65536].split("\n", 21)[:20]
    delim = delimiter or sniff_delimiter(lines_for_sniff, name)
    reader = csv.reader(io.StringIO(text, newline="\n"), delimiter=delim, strict=False)
    rows: list[list[str]] = []
    ends: list[int] = []  # physical lines read once each row was complete
    header: list[str] | None = None
    header_end = 0
    exhausted = True
    for row in reader:
        if columns is None and header is None:
            header, header_end = row, reader.line_num
            continue
        if len(rows) >= max_rows:
            exhausted = False
            break
        rows.append(row)
        ends.append(reader.line_num)
    if header is not None and any(_NUMBER.match(c) for c in header if c):
        rows.insert(0, header)  # the first row is data, not names
        ends.insert(0, header_end)
        header = None
    if exhausted and not at_end and len(rows) > 1:
        rows.pop()  # the last row may go on in the next chunk (a quoted newline)
        ends.pop()
        exhausted = False
    if exhausted:
        consumed = len(text)
    else:
        consumed = _after_lines(text, ends[-1] if ends else header_end)
    table = _shape(rows, header, columns, delim, first_row, text[:consumed], encoding, first_line)
    return TableChunk(table, consumed, not (exhausted and at_end))


def _after_lines(text: str, count: int) -> int:
    pos = -1
    for _ in range(count):
        pos = text.find("\n", pos + 1)
        if pos < 0:
            return len(text)
    return pos + 1


def _shape(
    rows: list[list[str]],
    header: list[str] | None,
    columns: tuple[str, ...] | None,
    delimiter: str,
    first_row: int,
    raw_text: str,
    encoding: str,
    first_line: int,
) -> TableBody:
    names = list(columns) if columns is not None else (header or [])
    expected = len(names) if names else (len(rows[0]) if rows else 0)
    width = max([len(names), *(len(r) for r in rows)]) if (rows or names) else 0
    # A continuation keeps the first chunk's columns, so its rows can be appended as they are.
    shown = len(columns) if columns is not None else min(width, TABLE_COLUMNS)
    if columns is None and header is None:
        names = [str(i + 1) for i in range(width)]
    names = [*names, *(f"column {i + 1}" for i in range(len(names), width))]
    cut = 0

    def cell(value: str) -> str:
        nonlocal cut
        if len(value) > TABLE_CELL_CHARS:
            cut += 1
            return display(value[:TABLE_CELL_CHARS]) + "…"
        return display(value)

    ragged = sum(1 for r in rows if len(r) != expected)
    table_rows = tuple(
        tuple(cell(v) for v in (*r[:shown], *([""] * (shown - len(r))))) for r in rows
    )
    raw_lines, raw_cut = cut_lines(display(raw_text).split("\n"))
    if raw_lines and raw_lines[-1] == "":
        raw_lines.pop()
    return TableBody(
        columns=columns if columns is not None else tuple(cell(n) for n in names[:shown]),
        rows=table_rows,
        delimiter=delimiter,
        has_header=header is not None,
        raw=TextBody(tuple(raw_lines), None, raw_cut, first_line, encoding),
        first_row=first_row,
        hidden_columns=width - shown,
        cut_cells=cut,
        ragged_rows=ragged,
    )
