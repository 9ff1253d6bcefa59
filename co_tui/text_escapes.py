"""Which code points safe text may not hold, their visible escapes, and where each piece of an
escaped string came from (so that a cut never splits an escape or a tab run).

Pure string work on top of Rich's cell widths; :mod:`co_tui.safe_text` turns its results into
:class:`~textual.content.Content` and states the rules.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from typing import Final

from rich.cells import cell_len, split_graphemes

__all__ = [
    "ATOM",
    "CF_RANGES",
    "ESCAPE",
    "FORBIDDEN_MULTI",
    "FORBIDDEN_SINGLE",
    "HARMLESS_FORMAT",
    "NOT_PRINTABLE_OR_TAB",
    "OTHER_RANGES",
    "TAB_SIZE",
    "TEXT",
    "Piece",
    "cell_cut",
    "escape_char",
    "escape_spans",
    "escape_text",
    "snap_cut",
]

TAB_SIZE: Final = 4
"""Tabs become spaces up to the next multiple of this many cells."""

# Format characters (category Cf) as of Unicode 14 (Python 3.11), plus U+13439-U+1343F, which
# Unicode 15 made Cf, minus HARMLESS_FORMAT. test_safe_text checks this list against the running
# Python's unicodedata.
CF_RANGES: Final = (
    (0x0600, 0x0605), (0x06DD, 0x06DD), (0x070F, 0x070F),
    (0x0890, 0x0891), (0x08E2, 0x08E2), (0x180E, 0x180E), (0x200B, 0x200B), (0x202A, 0x202E),
    (0x2060, 0x2064), (0x2066, 0x206F), (0xFEFF, 0xFEFF), (0xFFF9, 0xFFFB), (0x110BD, 0x110BD),
    (0x110CD, 0x110CD), (0x13430, 0x1343F), (0x1BCA0, 0x1BCA3), (0x1D173, 0x1D17A),
    (0xE0001, 0xE0001), (0xE0020, 0xE007F),
)  # fmt: skip
HARMLESS_FORMAT: Final = frozenset("\u00ad\u061c\u200c\u200d\u200e\u200f")
"""Format characters that real text needs and that no terminal treats as a control, shown as
they are: soft hyphen, Arabic letter mark, zero-width non-joiner and joiner (Persian words, emoji
sequences such as the family emoji), left-to-right and right-to-left marks. They are left out of
``CF_RANGES``."""
OTHER_RANGES: Final = (
    (0x0000, 0x0009),  # C0 up to and including TAB
    (0x000B, 0x001F),  # the rest of C0 (LF, U+000A, is added for single-line text)
    (0x007F, 0x009F),  # DEL and C1
    (0xD800, 0xDFFF),  # surrogates (only ever lone ones in a Python str)
    (0x2028, 0x2029),  # LINE SEPARATOR, PARAGRAPH SEPARATOR
)


def _char_class(ranges: tuple[tuple[int, int], ...]) -> str:
    """A regex character class for ``ranges``, written with ``\\U`` escapes (ASCII source)."""
    return "".join(
        f"\\U{lo:08x}" if lo == hi else f"\\U{lo:08x}-\\U{hi:08x}" for lo, hi in sorted(ranges)
    )


_MULTI_CLASS: Final = _char_class(CF_RANGES + OTHER_RANGES)
FORBIDDEN_MULTI: Final = re.compile(f"[{_MULTI_CLASS}]")
"""Any forbidden code point when newlines are allowed."""
FORBIDDEN_SINGLE: Final = re.compile(f"[\\n{_MULTI_CLASS}]")
"""Any forbidden code point in one-line text."""
NOT_PRINTABLE_OR_TAB: Final = re.compile(r"[^\t\x20-\x7e]")
"""Used only on ASCII text: anything but a tab or a printable character."""

# Piece kinds in the slow path: text copied as is, an escape (dimmed, never split) and other
# replacements that are never split (tab -> spaces, CR LF -> LF).
TEXT: Final = 0
ESCAPE: Final = 1
ATOM: Final = 2

_escape_cache: dict[str, str] = {}


def escape_char(char: str) -> str:
    """``"\\x1b"`` -> the four characters ``\\x1b``; ``"\\u202e"`` -> ``\\u202e``."""
    escaped = _escape_cache.get(char)
    if escaped is None:
        code = ord(char)
        if code <= 0xFF:
            escaped = f"\\x{code:02x}"
        elif code <= 0xFFFF:
            escaped = f"\\u{code:04x}"
        else:
            escaped = f"\\U{code:08x}"
        if len(_escape_cache) < 4096:
            _escape_cache[char] = escaped
    return escaped


# A piece of the escaped output: (out_start, out_end, in_start, in_end, kind).
Piece = tuple[int, int, int, int, int]


def escape_text(text: str, pattern: re.Pattern[str], multiline: bool) -> tuple[str, list[Piece]]:
    """Escape every match of ``pattern`` in ``text``; also return where each piece came from."""
    out: list[str] = []
    pieces: list[Piece] = []
    has_tab = "\t" in text
    out_pos = pos = column = 0

    def add(chunk: str, in_start: int, in_end: int, kind: int) -> None:
        nonlocal out_pos, column
        out.append(chunk)
        pieces.append((out_pos, out_pos + len(chunk), in_start, in_end, kind))
        out_pos += len(chunk)
        if has_tab:  # the column only matters for tab stops
            if multiline and "\n" in chunk:
                column = cell_len(chunk[chunk.rfind("\n") + 1 :])
            else:
                column += cell_len(chunk)

    for match in pattern.finditer(text):
        start = match.start()
        if start < pos:  # the CR of a CR LF pair, already consumed
            continue
        if start > pos:
            add(text[pos:start], pos, start, TEXT)
        char = match.group()
        pos = start + 1
        if char == "\t":
            add(" " * (TAB_SIZE - column % TAB_SIZE), start, pos, ATOM)
        elif multiline and char == "\r" and text.startswith("\n", pos):
            pos += 1
            add("\n", start, pos, ATOM)
        else:
            add(escape_char(char), start, pos, ESCAPE)
    if pos < len(text):
        add(text[pos:], pos, len(text), TEXT)
    return "".join(out), pieces


def snap_cut(cut: int, pieces: list[Piece], starts: list[int]) -> tuple[int, int]:
    """Move ``cut`` back to the start of an escape or tab it would split; return (cut, input
    offset of the cut)."""
    index = bisect_right(starts, cut) - 1
    if index < 0:
        return 0, 0
    out_start, out_end, in_start, in_end, kind = pieces[index]
    if kind == TEXT:
        return cut, in_start + (cut - out_start)
    if cut >= out_end:  # only past the very last piece
        return out_end, in_end
    return out_start, in_start


def cell_cut(text: str, max_cells: int, max_chars: int) -> int:
    """Largest grapheme boundary ``i <= max_chars`` with ``cell_len(text[:i]) <= max_cells``."""
    if text.isascii():
        return min(max_cells, max_chars, len(text))
    spans, _total = split_graphemes(text)
    cells = cut = 0
    for _start, end, width in spans:
        if end > max_chars or cells + width > max_cells:
            break
        cells += width
        cut = end
    return cut


def escape_spans(pieces: list[Piece], cut: int) -> list[tuple[int, int]]:
    """Escape pieces inside ``[0, cut)``, neighbours merged into one span."""
    spans: list[tuple[int, int]] = []
    for out_start, out_end, _in_start, _in_end, kind in pieces:
        if out_start >= cut:
            break
        if kind != ESCAPE:
            continue
        if spans and spans[-1][1] == out_start:
            spans[-1] = (spans[-1][0], out_end)
        else:
            spans.append((out_start, out_end))
    return spans
