"""The one way server- or file-derived text becomes something a widget may show.

Textual and Rich pass ESC, 8-bit C1 controls, NUL and bidi controls straight to the terminal, and
``Label``/``Static``/``notify``/``Tree``/``DataTable`` parse ``str`` as markup (``[@click=...]``
runs actions, ``[/]`` crashes). See docs/reliability.md, 'Terminal escape sequences',
'Markup' and 'Bidi and invisible characters'. So:

* every server or file string goes through :func:`display` (or :func:`escape_line` for preview
  lines) and the widget receives the returned :class:`~textual.content.Content`, which is never
  parsed as markup;
* forbidden code points are replaced by a *visible* escape (``ESC`` -> ``\\x1b``, RLO ->
  ``\\u202e``), drawn in :data:`ESCAPE_STYLE` so it stands apart from the real text.

Forbidden code points (:func:`is_safe` is False when any is present):

* C0 controls U+0000-U+001F (``\\n`` is kept when ``multiline=True``; ``\\t`` becomes spaces to
  the next :data:`TAB_SIZE` stop; in multi-line mode ``\\r\\n`` becomes ``\\n``), DEL U+007F and the
  C1 controls U+0080-U+009F;
* lone surrogates U+D800-U+DFFF (a JSON ``"\\ud800"`` decodes to one);
* every format character (category ``Cf``: bidi embeddings, overrides and isolates, ZWSP, word
  joiner, BOM, tag characters ...) except :data:`HARMLESS_FORMAT`, and U+2028/U+2029.

Deliberately kept as themselves: :data:`HARMLESS_FORMAT` (soft hyphen, ZWNJ, ZWJ, LRM, RLM,
ALM), which Persian, Hebrew and Arabic text and emoji sequences need and which are inert on a
terminal, so a family emoji displays as one emoji; variation selectors and combining marks (not
``Cf``).

Also kept: private-use (``Co``) code points, which terminals draw as ordinary glyphs (icon
fonts use them), and unassigned (``Cn``) code points, which a newer terminal may know as a real
character (new emoji) and none treats as a control; escaping them would depend on the Python's
Unicode version, not on any risk.

Escapes are ``\\xNN`` up to U+00FF, ``\\uNNNN`` up to U+FFFF and ``\\UNNNNNNNN`` above, lowercase.
A literal backslash stays a backslash, so the escaped text is for display only and is not
reversible (a name that really contains the six characters ``\\x1b`` looks like an escaped ESC,
except that the escape is dimmed). In exchange the mapping is idempotent: the output contains no
forbidden code point, so escaping it again changes nothing.

Length caps (docs/reliability.md, 'Length caps') always count the marker, so a capped result passes
through again unchanged: single-line text is cut to ``max_cells`` terminal cells (wide characters
count 2) with ``…``; multi-line text and preview lines are cut to ``max_chars`` characters with ``…
[+N chars]``, where N counts the input characters not shown. Escapes and tab runs are never cut in
half.

Handing the result to widgets (textual 8.2; checked by tests/security/test_render_safety.py):

* ``Static(display(s))``, ``Label(display(s))``, ``widget.update(display(s))``;
* ``DataTable.add_row(display(a), display(b))``: Content cells are drawn as they are;
* ``Tree.add_leaf(to_text(display(s)))``: Tree labels must be Rich ``Text``;
* ``app.notify(display(msg), title=plain(t))`` with ``markup`` left at its default: a Content
  message is then used unchanged, while ``markup=False`` calls ``Content(message)`` and raises
  on a Content. The title is used as plain text, so give it :func:`plain`;
* clipboard copies and read-only ``Input`` text: :func:`plain`. A field the user edits and
  that is sent back holds :mod:`co_tui.edit_buffer` text instead (``co_tui.widgets.edit_fields``),
  which is reversible: :func:`plain` is not.
"""

from __future__ import annotations

import re
import sys
from bisect import bisect_right
from typing import Final

from rich.cells import cell_len, split_graphemes
from rich.text import Span as RichSpan
from rich.text import Text
from textual.content import Content, Span

__all__ = [
    "DESCRIPTION_MAX_CHARS",
    "ESCAPE_STYLE",
    "HARMLESS_FORMAT",
    "NAME_MAX_CELLS",
    "PREVIEW_LINE_MAX_CHARS",
    "TAB_SIZE",
    "UNLIMITED",
    "display",
    "escape_line",
    "is_safe",
    "join",
    "plain",
    "to_text",
]

NAME_MAX_CELLS: Final = 200
"""Single-line text (names, tags, paths) is cut to this many terminal cells by default."""
DESCRIPTION_MAX_CHARS: Final = 10_000
"""Multi-line text (descriptions) is cut to this many characters, marker included."""
PREVIEW_LINE_MAX_CHARS: Final = 2_000
"""One preview line is cut to this many characters, marker included."""
UNLIMITED: Final = sys.maxsize
"""Pass as ``max_cells``/``max_chars`` to get the full escaped value (shown on demand)."""
TAB_SIZE: Final = 4
"""Tabs become spaces up to the next multiple of this many cells."""
ESCAPE_STYLE: Final = "dim"
"""Style of escapes and cut markers. A plain Rich/Textual style so it also works in ``to_text``."""
MAX_CODE_POINTS_PER_CELL: Final = 4
"""Single-line output also stays under ``4 * max_cells`` code points, so a run of zero-width
combining marks cannot make a "200-cell" name megabytes long."""

ELLIPSIS: Final = "…"

# Format characters (category Cf) as of Unicode 14 (Python 3.11), plus U+13439-U+1343F, which
# Unicode 15 made Cf, minus HARMLESS_FORMAT. test_safe_text checks this list against the running
# Python's unicodedata.
_CF_RANGES: Final = (
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
``_CF_RANGES``."""
_OTHER_RANGES: Final = (
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


_MULTI_CLASS: Final = _char_class(_CF_RANGES + _OTHER_RANGES)
_FORBIDDEN_MULTI: Final = re.compile(f"[{_MULTI_CLASS}]")
"""Any forbidden code point when newlines are allowed."""
_FORBIDDEN_SINGLE: Final = re.compile(f"[\\n{_MULTI_CLASS}]")
"""Any forbidden code point in one-line text."""
_NOT_PRINTABLE_OR_TAB: Final = re.compile(r"[^\t\x20-\x7e]")
"""Used only on ASCII text: anything but a tab or a printable character."""

# Piece kinds in the slow path: text copied as is, an escape (dimmed, never split) and other
# replacements that are never split (tab -> spaces, CR LF -> LF).
_TEXT: Final = 0
_ESCAPE: Final = 1
_ATOM: Final = 2

_escape_cache: dict[str, str] = {}


def _escape_char(char: str) -> str:
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
_Piece = tuple[int, int, int, int, int]


def _escape(text: str, pattern: re.Pattern[str], multiline: bool) -> tuple[str, list[_Piece]]:
    """Escape every match of ``pattern`` in ``text``; also return where each piece came from."""
    out: list[str] = []
    pieces: list[_Piece] = []
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
            add(text[pos:start], pos, start, _TEXT)
        char = match.group()
        pos = start + 1
        if char == "\t":
            add(" " * (TAB_SIZE - column % TAB_SIZE), start, pos, _ATOM)
        elif multiline and char == "\r" and text.startswith("\n", pos):
            pos += 1
            add("\n", start, pos, _ATOM)
        else:
            add(_escape_char(char), start, pos, _ESCAPE)
    if pos < len(text):
        add(text[pos:], pos, len(text), _TEXT)
    return "".join(out), pieces


def _snap(cut: int, pieces: list[_Piece], starts: list[int]) -> tuple[int, int]:
    """Move ``cut`` back to the start of an escape or tab it would split; return (cut, input
    offset of the cut)."""
    index = bisect_right(starts, cut) - 1
    if index < 0:
        return 0, 0
    out_start, out_end, in_start, in_end, kind = pieces[index]
    if kind == _TEXT:
        return cut, in_start + (cut - out_start)
    if cut >= out_end:  # only past the very last piece
        return out_end, in_end
    return out_start, in_start


def _cell_cut(text: str, max_cells: int, max_chars: int) -> int:
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


def _build(
    text: str,
    style: str,
    escapes: list[tuple[int, int]],
    marker: str = "",
    cell_length: int | None = None,
) -> Content:
    """Assemble the final Content: ``style`` over everything, escapes and marker dimmed."""
    spans: list[Span] = []
    total = len(text) + len(marker)
    if style and total:
        spans.append(Span(0, total, style))
    spans.extend(Span(start, end, ESCAPE_STYLE) for start, end in escapes)
    if marker:
        spans.append(Span(len(text), total, ESCAPE_STYLE))
    # strip_control_codes=False: the text has no control codes left to strip, and it is faster.
    return Content(text + marker, spans or None, cell_length, strip_control_codes=False)


def _escape_spans(pieces: list[_Piece], cut: int) -> list[tuple[int, int]]:
    """Escape pieces inside ``[0, cut)``, neighbours merged into one span."""
    spans: list[tuple[int, int]] = []
    for out_start, out_end, _in_start, _in_end, kind in pieces:
        if out_start >= cut:
            break
        if kind != _ESCAPE:
            continue
        if spans and spans[-1][1] == out_start:
            spans[-1] = (spans[-1][0], out_end)
        else:
            spans.append((out_start, out_end))
    return spans


def _single_line(text: str, max_cells: int, style: str) -> Content:
    """The slow path of ``display(multiline=False)``: escape, then cut by cells."""
    max_chars = MAX_CODE_POINTS_PER_CELL * max_cells
    # Every input character gives at least one output character, so more input than
    # max_chars + 1 cannot change the result (it will be cut anyway).
    escaped, pieces = _escape(text[: max_chars + 1], _FORBIDDEN_SINGLE, False)
    width = cell_len(escaped)
    if width <= max_cells and len(escaped) <= max_chars:
        return _build(escaped, style, _escape_spans(pieces, len(escaped)), cell_length=width)
    starts = [piece[0] for piece in pieces]
    budget = max_cells - 1  # one cell for the ellipsis
    cut, _ = _snap(_cell_cut(escaped, budget, max_chars - 1), pieces, starts)
    while cut and cell_len(escaped[:cut]) > budget:  # belt and braces for odd grapheme widths
        cut, _ = _snap(cut - 1, pieces, starts)
    head = escaped[:cut]
    return _build(head, style, _escape_spans(pieces, cut), ELLIPSIS)


def _char_capped(
    text: str, pattern: re.Pattern[str], multiline: bool, max_chars: int, style: str
) -> Content:
    """The slow path of multi-line text and preview lines: escape, then cut by characters."""
    # Output >= input / 2 characters (CR LF -> LF is the only shrinking step).
    escaped, pieces = _escape(text[: 2 * max_chars + 2], pattern, multiline)
    if len(escaped) <= max_chars and len(text) <= 2 * max_chars + 2:
        return _build(escaped, style, _escape_spans(pieces, len(escaped)))
    # The marker for the largest possible N bounds the real marker, so the result fits.
    budget = max(0, max_chars - len(_chars_marker(len(text))))
    cut, consumed = _snap(budget, pieces, [piece[0] for piece in pieces])
    return _build(
        escaped[:cut], style, _escape_spans(pieces, cut), _chars_marker(len(text) - consumed)
    )


def _chars_marker(hidden: int) -> str:
    return f"{ELLIPSIS} [+{hidden} chars]"


def display(
    text: str,
    *,
    multiline: bool = False,
    max_cells: int | None = None,
    max_chars: int | None = None,
    style: str = "",
) -> Content:
    """Server- or file-derived ``text`` as inert, escaped :class:`Content` for any widget.

    Args:
        text: Untrusted text (a name, tag, description, path, error message ...).
        multiline: Keep ``\\n`` (descriptions). Otherwise newlines are escaped too.
        max_cells: Single-line only: cut to this many terminal cells, ``…`` included.
            ``None`` means :data:`NAME_MAX_CELLS`; :data:`UNLIMITED` shows everything. Below 1,
            the result is empty. Ignored when ``multiline`` is true.
        max_chars: Multi-line only: cut to this many characters, the ``… [+N chars]`` marker
            included (a limit shorter than the marker gives just the marker). ``None`` means
            :data:`DESCRIPTION_MAX_CHARS`. Ignored for single-line text.
        style: A style (from our code, never from the server) applied to the whole text.

    Returns:
        Content built without markup parsing; its plain text has no forbidden code point.
    """
    if multiline:
        limit = DESCRIPTION_MAX_CHARS if max_chars is None else max_chars
        if _FORBIDDEN_MULTI.search(text) is None and len(text) <= limit:
            return _build(text, style, [])
        return _char_capped(text, _FORBIDDEN_MULTI, True, max(0, limit), style)

    cells = NAME_MAX_CELLS if max_cells is None else max_cells
    if cells < 1:
        return Content("")
    if _FORBIDDEN_SINGLE.search(text) is None:
        # Fast path: nothing to escape. ASCII is one cell per character; anything else is at
        # most two cells per code point (a wide character followed by VS16 stays two).
        length = len(text)
        if text.isascii():
            if length <= cells:
                return _build(text, style, [], cell_length=length)
            return _build(text[: cells - 1], style, [], ELLIPSIS, cell_length=cells)
        elif length <= MAX_CODE_POINTS_PER_CELL * cells and (
            2 * length <= cells or cell_len(text) <= cells
        ):
            return _build(text, style, [])
    elif (
        text.isascii()
        and _NOT_PRINTABLE_OR_TAB.search(text) is None
        and len(expanded := text.expandtabs(TAB_SIZE)) <= cells
    ):
        return _build(expanded, style, [], cell_length=len(expanded))  # only tabs to expand
    return _single_line(text, cells, style)


def plain(text: str, *, multiline: bool = False) -> str:
    """The escaping of :func:`display` as a ``str``, never cut, for ``Input(value=...)`` or copy.

    The result is still untrusted: it may contain ``[``, ``]`` and ``\\``, so it must NOT be given
    to anything that parses markup (``Label(str)``, ``Static(str)``, ``notify(str)``,
    ``Content.from_markup``, ``Text.from_markup``, a ``str`` Tree label or DataTable cell).
    It is lossy (tabs become spaces, controls become ``\\xNN``): do not send it back to the
    server as if it were the original value.
    """
    pattern = _FORBIDDEN_MULTI if multiline else _FORBIDDEN_SINGLE
    if pattern.search(text) is None:
        return text
    return _escape(text, pattern, multiline)[0]


def is_safe(text: str, *, multiline: bool = False) -> bool:
    """True when ``text`` has no forbidden code point (``\\n`` is allowed if ``multiline``)."""
    return (_FORBIDDEN_MULTI if multiline else _FORBIDDEN_SINGLE).search(text) is None


def escape_line(line: str, max_chars: int = PREVIEW_LINE_MAX_CHARS, *, style: str = "") -> Content:
    """One line of a file preview as inert Content (docs/reliability.md, 'Preview limits').

    A single trailing line terminator (``\\n``, ``\\r\\n`` or ``\\r``) is dropped, so lines from
    ``readline()`` or ``splitlines(keepends=True)`` show without a stray ``\\x0d``. Everything
    else is escaped as in single-line :func:`display` (tabs expanded), and the line is cut to
    ``max_chars`` characters, the ``… [+N chars]`` marker included.
    """
    if line.endswith("\n"):
        line = line[:-2] if line.endswith("\r\n") else line[:-1]
    elif line.endswith("\r"):
        line = line[:-1]
    if _FORBIDDEN_SINGLE.search(line) is None and len(line) <= max_chars:
        return _build(line, style, [])
    if (
        line.isascii()
        and _NOT_PRINTABLE_OR_TAB.search(line) is None
        and len(expanded := line.expandtabs(TAB_SIZE)) <= max_chars
    ):
        return _build(expanded, style, [], cell_length=len(expanded))
    return _char_capped(line, _FORBIDDEN_SINGLE, False, max(0, max_chars), style)


def join(*parts: Content | str, separator: str = "") -> Content:
    """Concatenate Content from :func:`display` with labels from our own code.

    ``str`` parts (and ``separator``) are escaped as multi-line text, uncut: they should be
    trusted literals, but a server string passed here by mistake still cannot reach the terminal
    or be parsed as markup. ``Content`` parts are taken as they are, so build them with
    :func:`display` (or ``Content.from_markup`` on literals of our own).
    """
    pieces: list[Content] = []
    sep = display(separator, multiline=True, max_chars=UNLIMITED) if separator else None
    for index, part in enumerate(parts):
        if index and sep is not None:
            pieces.append(sep)
        pieces.append(
            display(part, multiline=True, max_chars=UNLIMITED) if isinstance(part, str) else part
        )
    return Content.assemble(*pieces, strip_control_codes=False)


def to_text(content: Content) -> Text:
    """A Rich :class:`~rich.text.Text` with the same characters and styles, for Rich-only APIs.

    ``Tree`` labels must be ``Text`` (a ``str`` label is parsed as markup). Build the Content with
    :func:`display` first; this builds the ``Text`` directly, with no markup parsing.
    """
    spans = [
        RichSpan(start, end, style if isinstance(style, str) else style.rich_style)
        for start, end, style in content.spans
    ]
    return Text(content.plain, spans=spans, end="")
