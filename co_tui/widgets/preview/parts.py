"""The parts a preview document is made of, each drawing one line at a time.

- :class:`TextPart`: numbered lines, highlighted lazily with Pygments (only lines that are shown,
  and the lexer never runs far ahead of them: see :meth:`TextPart.line`);
- :class:`HexPart`: the hex view, each row formatted when shown;
- :class:`LinesPart` (and :class:`TablePart`): lines prepared up front;
- :class:`WrapPart`: paragraphs wrapped to the width (rendered Markdown);
- :class:`Document`: parts one after another, addressed by line number.

Every string from a file goes through :mod:`co_tui.safe_text` (``escape_line`` for file lines).
"""

from __future__ import annotations

import functools
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from textual.content import Content, Span

from co_tui.preview import (
    BinaryBody,
    Highlighter,
    TextBody,
    TokenLine,
    cut_marker,
    format_row,
    hex_rows,
)
from co_tui.safe_text import escape_line, is_safe

__all__ = [
    "GUTTER",
    "LEX_AHEAD",
    "MUTED",
    "Document",
    "HexPart",
    "LinesPart",
    "Para",
    "Part",
    "TablePart",
    "TextPart",
    "WrapPart",
    "highlighted_line",
    "token_style",
]

MUTED = "$foreground-muted"
"""Muted text in the Line-API panes: a translucent colour that blends with the background
(``$text-muted`` is "auto 60%", which only Textual's own widgets resolve)."""
GUTTER = "$foreground-muted"
LEX_AHEAD = 400
"""Lines the lexer may run ahead of what it has done to draw one line; further down, a line
is drawn plain and :meth:`TextPart.advance` catches up in the background."""

# Pygments token types to styles (a One Dark–like palette; Textual maps it down to 256 or 16
# colours). Looked up from the most specific type upwards.
_TOKEN_STYLES: dict[str, str] = {
    "Keyword": "bold #c678dd",
    "Keyword.Constant": "#d19a66",
    "Keyword.Type": "#e5c07b",
    "Keyword.Namespace": "bold #c678dd",
    "Name.Builtin": "#56b6c2",
    "Name.Builtin.Pseudo": "#e06c75",
    "Name.Function": "#61afef",
    "Name.Function.Magic": "#56b6c2",
    "Name.Class": "bold #e5c07b",
    "Name.Decorator": "#c678dd",
    "Name.Exception": "#e06c75",
    "Name.Namespace": "#e5c07b",
    "Name.Tag": "#e06c75",
    "Name.Attribute": "#d19a66",
    "Name.Variable": "#e06c75",
    "Name.Constant": "#d19a66",
    "Name.Label": "#61afef",
    "Name.Entity": "#d19a66",
    "String": "#98c379",
    "String.Doc": "italic #98c379",
    "String.Escape": "#56b6c2",
    "String.Interpol": "#56b6c2",
    "String.Regex": "#56b6c2",
    "String.Symbol": "#56b6c2",
    "Number": "#d19a66",
    "Literal": "#98c379",
    "Literal.Date": "#d19a66",
    "Operator": "#56b6c2",
    "Operator.Word": "bold #c678dd",
    "Comment": "italic #7f848e",
    "Comment.Preproc": "#c678dd",
    "Comment.PreprocFile": "#98c379",
    "Generic.Heading": "bold #61afef",
    "Generic.Subheading": "bold #61afef",
    "Generic.Deleted": "#e06c75",
    "Generic.Inserted": "#98c379",
    "Generic.Emph": "italic",
    "Generic.Strong": "bold",
    "Generic.Error": "#e06c75",
    "Generic.Traceback": "#e06c75",
    "Error": "#e06c75",
}


@functools.cache
def token_style(token_type: str) -> str:
    """The style for a Pygments token type name (``"Name.Function"``), ``""`` for none."""
    name = token_type
    while name:
        style = _TOKEN_STYLES.get(name)
        if style is not None:
            return style
        name = name.rpartition(".")[0]
    return ""


def highlighted_line(line: str, tokens: TokenLine) -> Content:
    """``line`` with ``tokens``' styles, inert: the fast path keeps the colours when the line
    has nothing to escape but tabs; anything else falls back to :func:`escape_line`."""
    if "".join(text for _, text in tokens) != line:
        return escape_line(line)
    if is_safe(line):
        spans: list[Span] = []
        position = 0
        for kind, text in tokens:
            end = position + len(text)
            style = token_style(kind)
            if style:
                spans.append(Span(position, end, style))
            position = end
        return Content(line, spans, strip_control_codes=False)
    if "\t" in line and is_safe(line.replace("\t", "")):
        parts: list[str] = []
        spans = []
        column = 0
        position = 0
        for kind, text in tokens:
            if "\t" in text:
                pieces = []
                for char in text:
                    if char == "\t":
                        pad = 4 - column % 4
                        pieces.append(" " * pad)
                        column += pad
                    else:
                        pieces.append(char)
                        column += 1
                text = "".join(pieces)
            else:
                column += len(text)
            end = position + len(text)
            style = token_style(kind)
            if style:
                spans.append(Span(position, end, style))
            parts.append(text)
            position = end
        return Content("".join(parts), spans, strip_control_codes=False)
    return escape_line(line)


class Part(Protocol):
    """A run of document lines."""

    def height(self, width: int) -> int:
        """Lines this part takes at ``width`` cells."""

    def line(self, index: int, width: int) -> Content:
        """Line ``index`` (0-based within the part)."""

    def max_width(self) -> int:
        """Widest line in cells (for horizontal scrolling); 0 when lines fit any width."""


class TextPart:
    """Numbered lines of a :class:`TextBody`, highlighted as they are shown."""

    def __init__(self, body: TextBody, *, gutter: int | None = None, numbers: bool = True) -> None:
        self.body = body
        self.lines = body.lines
        last = body.first_line + len(body.lines)
        self.gutter = gutter if gutter is not None else max(4, len(str(last)))
        self.numbers = numbers
        self._highlighter: Highlighter | None = None
        self._lexed = 0
        self._max_width: int | None = None

    @property
    def pending(self) -> bool:
        """True while lines exist that the lexer has not reached."""
        return self.body.lexer is not None and self._lexed < len(self.lines)

    def height(self, width: int) -> int:
        return len(self.lines)

    def max_width(self) -> int:
        if self._max_width is None:
            longest = max((len(line) for line in self.lines), default=0)
            cut = 24 if self.body.cut else 0
            self._max_width = (self.gutter + 3 if self.numbers else 0) + longest + cut
        return self._max_width

    def _tokens(self, index: int) -> TokenLine | None:
        if self.body.lexer is None:
            return None
        if index >= self._lexed + LEX_AHEAD:
            return None  # too far ahead: plain for now, advance() catches up
        if self._highlighter is None:
            self._highlighter = Highlighter(self.lines, self.body.lexer)
        tokens = self._highlighter.window(index, index + 1)
        self._lexed = max(self._lexed, index + 1)
        return tokens[0] if tokens else None

    def advance(self, lines: int = LEX_AHEAD) -> bool:
        """Lex ``lines`` more lines ahead; True when that changed anything."""
        if not self.pending:
            return False
        if self._highlighter is None:
            self._highlighter = Highlighter(self.lines, self.body.lexer)
        stop = min(len(self.lines), self._lexed + lines)
        self._highlighter.window(self._lexed, stop)
        self._lexed = stop
        return True

    def line(self, index: int, width: int) -> Content:
        text = self.lines[index]
        tokens = self._tokens(index)
        body = highlighted_line(text, tokens) if tokens is not None else escape_line(text)
        pieces: list[Content | str | tuple[str, str]] = []
        if self.numbers:
            number = self.body.first_line + index
            pieces.append((f"{number:>{self.gutter}} │ ", GUTTER))
        pieces.append(body)
        cut = self.body.cut.get(index)
        if cut:
            pieces.append((f" {cut_marker(cut)}", MUTED))
        return Content.assemble(*pieces)


class HexPart:
    """The hex view of a :class:`BinaryBody`, one row formatted per line shown."""

    def __init__(self, body: BinaryBody) -> None:
        self.body = body
        self.rows = (len(body.data) + 15) // 16
        self.digits = max(8, len(f"{body.offset + len(body.data):x}"))

    def height(self, width: int) -> int:
        return self.rows

    def max_width(self) -> int:
        return self.digits + 2 + 49 + 2 + 18

    def line(self, index: int, width: int) -> Content:
        row = hex_rows(self.body.data, index, index + 1, base=self.body.offset)
        if not row:
            return Content("")
        return escape_line(format_row(row[0], self.digits))


class LinesPart:
    """Lines prepared up front."""

    def __init__(self, lines: Sequence[Content]) -> None:
        self.lines = list(lines)
        self._max = max((line.cell_length for line in self.lines), default=0)

    def height(self, width: int) -> int:
        return len(self.lines)

    def max_width(self) -> int:
        return self._max

    def line(self, index: int, width: int) -> Content:
        return self.lines[index]


@dataclass(frozen=True)
class Para:
    """A paragraph of a :class:`WrapPart`: ``content`` wrapped to the width after ``first``
    (first line) or ``rest`` (other lines); ``wrap=False`` keeps each line as is (code);
    ``rule`` draws a horizontal rule across the width."""

    content: Content
    first: Content = field(default_factory=Content)
    rest: Content = field(default_factory=Content)
    wrap: bool = True
    rule: bool = False


class WrapPart:
    """Paragraphs wrapped to the widget's width (re-wrapped when the width changes)."""

    def __init__(self, paras: Sequence[Para]) -> None:
        self.paras = list(paras)
        self._width = -1
        self._lines: list[Content] = []

    def _layout(self, width: int) -> list[Content]:
        if width == self._width:
            return self._lines
        lines: list[Content] = []
        for para in self.paras:
            indent = max(para.first.cell_length, para.rest.cell_length)
            room = max(8, width - indent)
            if para.rule:
                lines.append(Content.assemble(para.first, ("─" * room, MUTED)))
                continue
            if para.wrap:
                wrapped: list[Content] = []
                for piece in para.content.split("\n", allow_blank=True):
                    wrapped.extend(piece.wrap(room) if piece.cell_length > room else [piece])
            else:
                wrapped = para.content.split("\n", allow_blank=True)
            for number, piece in enumerate(wrapped or [Content("")]):
                lines.append(Content.assemble(para.first if number == 0 else para.rest, piece))
        self._width, self._lines = width, lines
        return lines

    def height(self, width: int) -> int:
        return len(self._layout(width))

    def max_width(self) -> int:
        return 0

    def line(self, index: int, width: int) -> Content:
        return self._layout(width)[index]


class Document:
    """Parts one after another, addressed by global line number."""

    def __init__(self, parts: Sequence[Part] = ()) -> None:
        self.parts: list[Part] = list(parts)
        self._width = -1
        self._starts: list[int] = []
        self._height = 0

    def extend(self, parts: Sequence[Part]) -> None:
        """Add parts at the end (load more)."""
        self.parts.extend(parts)
        self._width = -1

    def replace_last(self, part: Part | None) -> None:
        """Drop the last part (the "load more" line) and add ``part`` if given."""
        if self.parts:
            self.parts.pop()
        if part is not None:
            self.parts.append(part)
        self._width = -1

    def _layout(self, width: int) -> None:
        if width == self._width:
            return
        starts: list[int] = []
        total = 0
        for part in self.parts:
            starts.append(total)
            total += part.height(width)
        self._width, self._starts, self._height = width, starts, total

    def fit_view(self, rows: int) -> None:
        """The view is ``rows`` lines tall: parts fitted to the pane (pictures) re-fit."""
        for part in self.parts:
            fit = getattr(part, "fit_view", None)
            if fit is not None:
                fit(rows)
        self._width = -1

    def height(self, width: int) -> int:
        """Total lines at ``width``."""
        self._layout(width)
        return self._height

    def max_width(self) -> int:
        """The widest line (0 when everything wraps)."""
        return max((part.max_width() for part in self.parts), default=0)

    def line(self, index: int, width: int) -> Content:
        """Line ``index`` of the whole document."""
        self._layout(width)
        if not 0 <= index < self._height:
            return Content("")
        which = bisect_right(self._starts, index) - 1
        return self.parts[which].line(index - self._starts[which], width)

    def text_parts(self) -> list[TextPart]:
        """The parts whose highlighting may still be catching up."""
        return [part for part in self.parts if isinstance(part, TextPart)]


class TablePart(LinesPart):
    """Rows of a table, with the column ``widths`` a later chunk continues with."""

    def __init__(self, lines: Sequence[Content], widths: list[int]) -> None:
        super().__init__(lines)
        self.widths = widths
