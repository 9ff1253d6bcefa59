"""The plain data a preview is made of.

A :class:`Preview` says *what* to show; the UI decides *how*. Every string here is raw file or
server text: the UI passes each one through the sanitiser (``co_tui.safe_text``) before it reaches
a widget. Nothing here is Textual or Rich.

Kinds and their bodies:

===========  ==========================  ==================================================
kind         body                        what the UI draws
===========  ==========================  ==================================================
text, code   :class:`TextBody`           numbered lines, highlighted with ``body.lexer``
json         :class:`TextBody`           re-indented JSON (or JSON Lines as they are)
csv          :class:`TableBody`          a table; ``body.raw`` for the raw toggle
markdown     :class:`MarkdownBody`       rendered blocks; ``body.raw`` for the raw toggle
notebook     :class:`NotebookBody`       cells; ``body.raw`` for the raw toggle
image        :class:`BinaryBody`         the picture (decoded by the UI with
                                         :mod:`co_tui.preview.picture`), else a hex view
archive      :class:`BinaryBody`         ``title``, the members listed, a hex view
binary       :class:`BinaryBody`         "binary file, N bytes" and a hex view
empty        ``None``                    "empty file"
external     ``None``                    where the files live instead (``notes``)
error        ``None``                    what went wrong (``notes``)
===========  ==========================  ==================================================

Continuing ("load more"): when ``preview.resume`` is set, read the next bytes from
``resume.offset`` and call ``build_preview(..., start=resume.offset, resume=preview.resume)``.
The new preview's body continues the old one (more lines, more rows, more hex rows) and can be
appended to it. Because ``build_preview`` is pure, the UI may also feed it the unused tail of a
read it already has (``data[preview.bytes_consumed:]``) instead of fetching again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Literal

TokenLine = list[tuple[str, str]]
"""One highlighted line: ``(token type, text)`` pairs such as ``("Keyword", "def")`` or
``("Name.Function", "main")``; token types are Pygments' names without the ``Token.`` prefix."""


class PreviewKind(StrEnum):
    """What a preview shows (see the module docstring for each kind's body)."""

    TEXT = "text"
    CODE = "code"
    JSON = "json"
    CSV = "csv"
    MARKDOWN = "markdown"
    NOTEBOOK = "notebook"
    BINARY = "binary"
    IMAGE = "image"
    ARCHIVE = "archive"
    EMPTY = "empty"
    EXTERNAL = "external"
    ERROR = "error"


# --------------------------------------------------------------------------------------------
# Text


@dataclass(frozen=True, slots=True)
class TextBody:
    """Lines of text, each already cut to :data:`~co_tui.preview.limits.MAX_LINE_CHARS`.

    ``cut`` maps a line's index in ``lines`` to the number of characters removed from it; show
    :func:`cut_marker` after such a line. ``first_line`` is the 1-based line number of
    ``lines[0]`` in the file (line numbers continue across "load more"). ``lexer`` is a Pygments
    lexer name (``"Python"``) for :func:`co_tui.preview.highlight.highlight`, or ``None`` for
    plain text. Lines never contain ``\\n``; any other control character is still there for the
    sanitiser to show.
    """

    lines: tuple[str, ...]
    lexer: str | None = None
    cut: dict[int, int] = field(default_factory=dict)
    first_line: int = 1
    encoding: str = "utf-8"


def cut_marker(chars: int) -> str:
    """The marker shown after a line that lost ``chars`` characters: ``… [+1,234 chars]``."""
    return f"… [+{chars:,} chars]"


# --------------------------------------------------------------------------------------------
# Tables


@dataclass(frozen=True, slots=True)
class TableBody:
    """The first rows of a CSV/TSV file.

    Every row has ``len(columns)`` cells (short rows are padded with ``""``); cells longer than
    :data:`~co_tui.preview.limits.TABLE_CELL_CHARS` end with ``…``. ``has_header`` is False when
    the first row looked like data, in which case ``columns`` are ``"1"``, ``"2"``... and
    ``rows[0]`` is the file's first row. ``first_row`` is the 0-based index of ``rows[0]`` among
    the file's data rows. ``raw`` holds the same bytes as plain lines for the raw toggle.
    """

    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    delimiter: str
    has_header: bool
    raw: TextBody
    first_row: int = 0
    hidden_columns: int = 0
    cut_cells: int = 0
    ragged_rows: int = 0


# --------------------------------------------------------------------------------------------
# Markdown


@dataclass(frozen=True, slots=True)
class Span:
    """A run of inline text with a set of styles: ``strong``, ``em``, ``code``, ``strike``,
    ``link``, ``image``. ``href`` is a link's or image's target (show it as text; never make it
    a live terminal hyperlink: docs/reliability.md, 'Copying and links')."""

    text: str
    styles: frozenset[str] = frozenset()
    href: str | None = None


@dataclass(frozen=True, slots=True)
class Heading:
    """``# Title`` (``level`` 1-6)."""

    level: int
    spans: tuple[Span, ...]


@dataclass(frozen=True, slots=True)
class Paragraph:
    """A paragraph; soft line breaks are spaces, hard breaks are ``"\\n"`` spans."""

    spans: tuple[Span, ...]


@dataclass(frozen=True, slots=True)
class CodeBlock:
    """A fenced or indented code block; ``lexer`` from its info string (``python``), if known."""

    lines: tuple[str, ...]
    info: str = ""
    lexer: str | None = None


@dataclass(frozen=True, slots=True)
class ListBlock:
    """A bullet (``ordered=False``) or numbered list; each item is a sequence of blocks."""

    ordered: bool
    start: int
    items: tuple[tuple[Block, ...], ...]


@dataclass(frozen=True, slots=True)
class Quote:
    """A block quote."""

    blocks: tuple[Block, ...]


@dataclass(frozen=True, slots=True)
class Table:
    """A GitHub-style table; ``align`` per column is ``"left"``, ``"right"``, ``"center"`` or
    ``""``."""

    header: tuple[tuple[Span, ...], ...]
    rows: tuple[tuple[tuple[Span, ...], ...], ...]
    align: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Rule:
    """A thematic break (``---``)."""


Block = Heading | Paragraph | CodeBlock | ListBlock | Quote | Table | Rule
"""One rendered Markdown block."""


@dataclass(frozen=True, slots=True)
class MarkdownBody:
    """Rendered Markdown plus the raw text. ``complete`` is False when only the first
    :data:`~co_tui.preview.limits.MARKDOWN_RENDER_CHARS` characters (or none, when no Markdown
    parser is available) were rendered: the raw view has the rest."""

    blocks: tuple[Block, ...]
    raw: TextBody
    complete: bool = True


# --------------------------------------------------------------------------------------------
# Notebooks


@dataclass(frozen=True, slots=True)
class NotebookOutput:
    """One output of a code cell, summarised as text.

    ``output_type`` is nbformat's (``stream``, ``execute_result``, ``display_data``, ``error``).
    ``text`` is the stream text, the ``text/plain`` form, or ``ename: evalue`` plus the traceback
    (ANSI colour codes removed), capped at
    :data:`~co_tui.preview.limits.NOTEBOOK_OUTPUT_LINES` lines. ``summary`` names what is not
    shown as text (``"image/png output, 12.3 KiB"``).
    """

    output_type: str
    text: str = ""
    summary: str = ""
    mime_types: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class NotebookCell:
    """A notebook cell. ``source`` lines are cut like any text line (``cut`` as in
    :class:`TextBody`); markdown cells also carry rendered ``blocks`` while the render budget
    lasts (``None`` afterwards: show the source)."""

    cell_type: str
    source: tuple[str, ...]
    execution_count: int | None = None
    outputs: tuple[NotebookOutput, ...] = ()
    blocks: tuple[Block, ...] | None = None
    cut: dict[int, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class NotebookBody:
    """A Jupyter notebook as cells. ``lexer`` highlights code cells (from the kernel's
    language); ``complete`` is False when the notebook was cut off and only the cells that
    arrived whole are shown. ``raw`` is the JSON text for the raw toggle."""

    cells: tuple[NotebookCell, ...]
    language: str
    lexer: str | None
    nbformat: str
    complete: bool
    raw: TextBody


# --------------------------------------------------------------------------------------------
# Binary


@dataclass(frozen=True, slots=True)
class ArchiveMember:
    """A member of a zip or tar archive, as far as the bytes at hand tell (``size`` is the
    uncompressed size when known)."""

    name: str
    size: int | None = None
    is_dir: bool = False


@dataclass(frozen=True, slots=True)
class FormatInfo:
    """A recognised binary format.

    ``label`` is a short identifier (``"png"``, ``"gzip"``, ``"npy"``); ``category`` one of
    ``image``, ``archive``, ``compressed``, ``data``, ``document``, ``media``, ``executable``;
    ``description`` a short human sentence (``"PNG image, 640×480, 8-bit RGBA"``). ``details``
    are extra facts as ``(name, value)`` pairs. ``members`` lists archive members found in the
    bytes at hand; ``members_complete`` is False when the list stops early (more members follow
    beyond the bytes read).
    """

    label: str
    category: str
    description: str
    details: tuple[tuple[str, str], ...] = ()
    members: tuple[ArchiveMember, ...] = ()
    members_complete: bool = True


@dataclass(frozen=True, slots=True)
class BinaryBody:
    """Bytes to show as a hex view (:func:`co_tui.preview.hexview.hex_rows`), starting at file
    offset ``offset``, plus the format when it was recognised."""

    data: bytes
    offset: int = 0
    format: FormatInfo | None = None


Body = TextBody | TableBody | MarkdownBody | NotebookBody | BinaryBody


# --------------------------------------------------------------------------------------------
# The preview


ResumeMode = Literal["text", "json", "jsonl", "csv", "hex"]


@dataclass(frozen=True, slots=True)
class Resume:
    """Where and how "load more" continues. Opaque to the UI: pass it back to ``build_preview``.

    ``offset`` is the file offset to read from. The rest is the state the next chunk needs:
    the text ``encoding`` (a UTF-16 file's second chunk has no BOM), the next ``line`` number,
    the ``lexer``, the JSON nesting ``depth`` (and ``in_string`` when a chunk ended inside one
    huge string), and for tables the ``delimiter``, ``columns`` and next ``row`` index.
    """

    offset: int
    mode: ResumeMode
    encoding: str = "utf-8"
    line: int = 1
    lexer: str | None = None
    depth: int = 0
    in_string: bool = False
    delimiter: str = ","
    columns: tuple[str, ...] = ()
    row: int = 0


@dataclass(frozen=True, slots=True)
class Preview:
    """What to show for (a chunk of) one file.

    ``title`` is a one-line description (``"Python"``, ``"binary file, 1,024 bytes"``, ``"PNG
    image, 640×480, 8-bit RGBA"``); ``notes`` are short sentences about what is and is not shown
    (``"showing the first 256 KiB of 4.0 GiB"``). ``start`` is the file offset of the chunk,
    ``bytes_consumed`` how many of its bytes the body covers (a cut-off last line or character is
    left for the next chunk). ``truncated`` is True when the file goes on past what is shown.
    """

    kind: PreviewKind
    name: str
    title: str
    body: Body | None = None
    start: int = 0
    bytes_consumed: int = 0
    total_size: int | None = None
    truncated: bool = False
    resume: Resume | None = None
    notes: tuple[str, ...] = ()

    @property
    def next_offset(self) -> int | None:
        """Where "load more" reads from, or ``None`` when there is nothing more to load."""
        return self.resume.offset if self.resume is not None else None
