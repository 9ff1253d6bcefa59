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
from typing import Final

from rich.cells import cell_len
from rich.text import Span as RichSpan
from rich.text import Text
from textual.content import Content, Span

from co_tui.text_escapes import (
    FORBIDDEN_MULTI,
    FORBIDDEN_SINGLE,
    HARMLESS_FORMAT,
    NOT_PRINTABLE_OR_TAB,
    TAB_SIZE,
    cell_cut,
    escape_spans,
    escape_text,
    snap_cut,
)

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
ESCAPE_STYLE: Final = "dim"
"""Style of escapes and cut markers. A plain Rich/Textual style so it also works in ``to_text``."""
MAX_CODE_POINTS_PER_CELL: Final = 4
"""Single-line output also stays under ``4 * max_cells`` code points, so a run of zero-width
combining marks cannot make a "200-cell" name megabytes long."""

ELLIPSIS: Final = "…"

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


def _single_line(text: str, max_cells: int, style: str) -> Content:
    """The slow path of ``display(multiline=False)``: escape, then cut by cells."""
    max_chars = MAX_CODE_POINTS_PER_CELL * max_cells
    # Every input character gives at least one output character, so more input than
    # max_chars + 1 cannot change the result (it will be cut anyway).
    escaped, pieces = escape_text(text[: max_chars + 1], FORBIDDEN_SINGLE, False)
    width = cell_len(escaped)
    if width <= max_cells and len(escaped) <= max_chars:
        return _build(escaped, style, escape_spans(pieces, len(escaped)), cell_length=width)
    starts = [piece[0] for piece in pieces]
    budget = max_cells - 1  # one cell for the ellipsis
    cut, _ = snap_cut(cell_cut(escaped, budget, max_chars - 1), pieces, starts)
    while cut and cell_len(escaped[:cut]) > budget:  # belt and braces for odd grapheme widths
        cut, _ = snap_cut(cut - 1, pieces, starts)
    head = escaped[:cut]
    return _build(head, style, escape_spans(pieces, cut), ELLIPSIS)


def _char_capped(
    text: str, pattern: re.Pattern[str], multiline: bool, max_chars: int, style: str
) -> Content:
    """The slow path of multi-line text and preview lines: escape, then cut by characters."""
    # Output >= input / 2 characters (CR LF -> LF is the only shrinking step).
    escaped, pieces = escape_text(text[: 2 * max_chars + 2], pattern, multiline)
    if len(escaped) <= max_chars and len(text) <= 2 * max_chars + 2:
        return _build(escaped, style, escape_spans(pieces, len(escaped)))
    # The marker for the largest possible N bounds the real marker, so the result fits.
    budget = max(0, max_chars - len(_chars_marker(len(text))))
    cut, consumed = snap_cut(budget, pieces, [piece[0] for piece in pieces])
    return _build(
        escaped[:cut], style, escape_spans(pieces, cut), _chars_marker(len(text) - consumed)
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
        if FORBIDDEN_MULTI.search(text) is None and len(text) <= limit:
            return _build(text, style, [])
        return _char_capped(text, FORBIDDEN_MULTI, True, max(0, limit), style)

    cells = NAME_MAX_CELLS if max_cells is None else max_cells
    if cells < 1:
        return Content("")
    if FORBIDDEN_SINGLE.search(text) is None:
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
        and NOT_PRINTABLE_OR_TAB.search(text) is None
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
    pattern = FORBIDDEN_MULTI if multiline else FORBIDDEN_SINGLE
    if pattern.search(text) is None:
        return text
    return escape_text(text, pattern, multiline)[0]


def is_safe(text: str, *, multiline: bool = False) -> bool:
    """True when ``text`` has no forbidden code point (``\\n`` is allowed if ``multiline``)."""
    return (FORBIDDEN_MULTI if multiline else FORBIDDEN_SINGLE).search(text) is None


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
    if FORBIDDEN_SINGLE.search(line) is None and len(line) <= max_chars:
        return _build(line, style, [])
    if (
        line.isascii()
        and NOT_PRINTABLE_OR_TAB.search(line) is None
        and len(expanded := line.expandtabs(TAB_SIZE)) <= max_chars
    ):
        return _build(expanded, style, [], cell_length=len(expanded))
    return _char_capped(line, FORBIDDEN_SINGLE, False, max(0, max_chars), style)


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
