"""File previews: the bytes of a file in, a plain description of what to show out.

No I/O and no UI here (no Textual, no Rich): ``co_tui.operations.preview_io`` reads at most
256 KiB of the file (through ``client.files`` or the local mount) and calls
:func:`build_preview` in a thread; the screen draws the :class:`Preview`, passing every string
through ``co_tui.safe_text``.

- :func:`build_preview`, :func:`external_preview`, :func:`error_preview`: the entry points;
- :mod:`.model`: ``Preview`` and the bodies (text, table, Markdown blocks, notebook cells, bytes);
- :func:`highlight` / :class:`Highlighter`: Pygments tokens for a window of lines;
- :func:`hex_rows`: a window of the hex view;
- :func:`classify` / :func:`identify`: text-or-binary and known formats, on their own.
"""

from __future__ import annotations

from co_tui.preview.build import build_preview, error_preview, external_preview
from co_tui.preview.detect import Detection, classify
from co_tui.preview.formats import extension_hint, identify
from co_tui.preview.hexview import HexRow, format_row, hex_row_count, hex_rows
from co_tui.preview.highlight import Highlighter, choose_lexer, highlight, lexer_for_language
from co_tui.preview.limits import MAX_LINE_CHARS, MAX_LINES, PREVIEW_BYTES
from co_tui.preview.preview_model import (
    ArchiveMember,
    BinaryBody,
    Block,
    Body,
    CodeBlock,
    FormatInfo,
    Heading,
    ListBlock,
    MarkdownBody,
    NotebookBody,
    NotebookCell,
    NotebookOutput,
    Paragraph,
    Preview,
    PreviewKind,
    Quote,
    Resume,
    Rule,
    Span,
    Table,
    TableBody,
    TextBody,
    TokenLine,
    cut_marker,
)

__all__ = [
    "MAX_LINES",
    "MAX_LINE_CHARS",
    "PREVIEW_BYTES",
    "ArchiveMember",
    "BinaryBody",
    "Block",
    "Body",
    "CodeBlock",
    "Detection",
    "FormatInfo",
    "Heading",
    "HexRow",
    "Highlighter",
    "ListBlock",
    "MarkdownBody",
    "NotebookBody",
    "NotebookCell",
    "NotebookOutput",
    "Paragraph",
    "Preview",
    "PreviewKind",
    "Quote",
    "Resume",
    "Rule",
    "Span",
    "Table",
    "TableBody",
    "TextBody",
    "TokenLine",
    "build_preview",
    "choose_lexer",
    "classify",
    "cut_marker",
    "error_preview",
    "extension_hint",
    "external_preview",
    "format_row",
    "hex_row_count",
    "hex_rows",
    "highlight",
    "identify",
    "lexer_for_language",
]
