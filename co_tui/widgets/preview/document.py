"""A :class:`~co_tui.preview.Preview` turned into a :class:`Document` a scrolling widget draws
on demand (see :mod:`co_tui.widgets.preview.parts` for the parts and
:mod:`co_tui.widgets.preview.blocks` for tables, Markdown, notebooks and binary formats).

:func:`build_document` is pure and may run in a worker thread; :func:`continue_document` appends
the chunk that "load more" read.
"""

from __future__ import annotations

from textual.content import Content

from co_tui.preview import (
    BinaryBody,
    MarkdownBody,
    NotebookBody,
    Preview,
    PreviewKind,
    TableBody,
    TextBody,
)
from co_tui.preview.graphics_mode import PictureMode
from co_tui.widgets.preview.blocks import (
    binary_parts,
    markdown_paras,
    message_part,
    more_line,
    notebook_parts,
    table_part,
    text_part,
)
from co_tui.widgets.preview.parts import (
    LEX_AHEAD,
    Document,
    HexPart,
    LinesPart,
    Part,
    TablePart,
    TextPart,
    WrapPart,
    token_style,
)
from co_tui.widgets.preview.picture_part import picture_more_line, picture_parts

__all__ = [
    "LEX_AHEAD",
    "Document",
    "HexPart",
    "LinesPart",
    "Part",
    "TablePart",
    "TextPart",
    "WrapPart",
    "body_parts",
    "build_document",
    "continue_document",
    "has_raw_view",
    "token_style",
]


# --- entry points -----------------------------------------------------------------------------


def has_raw_view(preview: Preview) -> bool:
    """True when ``m`` (raw toggle) changes what is shown."""
    return isinstance(preview.body, (TableBody, MarkdownBody, NotebookBody))


def body_parts(preview: Preview, *, raw: bool = False) -> list[Part]:
    """The parts for ``preview``'s body (no closing "load more" line)."""
    body = preview.body
    if preview.kind == PreviewKind.EMPTY:
        return [message_part("(empty file)")]
    if preview.kind == PreviewKind.EXTERNAL:
        return [message_part("\n".join(preview.notes), "")]
    if preview.kind == PreviewKind.ERROR:
        return [message_part("\n".join(preview.notes) or "no preview", "$text-error")]
    if isinstance(body, TextBody):
        return [text_part(body)]
    if isinstance(body, TableBody):
        return [text_part(body.raw)] if raw else [table_part(body)]
    if isinstance(body, MarkdownBody):
        if raw or not body.blocks:
            return [text_part(body.raw)]
        return [WrapPart(markdown_paras(body.blocks, Content(""), Content("")))]
    if isinstance(body, NotebookBody):
        return [text_part(body.raw)] if raw else notebook_parts(body)
    if isinstance(body, BinaryBody):
        return binary_parts(body)
    return [message_part("(nothing to show)")]


def build_document(
    preview: Preview, *, raw: bool = False, images: PictureMode = "off"
) -> Document:
    """The whole document for the first chunk of a file. Pure: safe in a worker thread, where
    it must run for pictures (``images`` names the renderer): they are decoded here."""
    pictured = picture_parts(preview, images) if images != "off" else None
    if pictured is not None:
        more = picture_more_line(preview)
        return Document([*pictured, more] if more is not None else pictured)
    parts = body_parts(preview, raw=raw)
    more = more_line(preview)
    return Document([*parts, more] if more is not None else parts)


def continue_document(document: Document, previous: Preview, preview: Preview) -> None:
    """Append the chunk ``preview`` (read after ``previous``) to ``document``."""
    parts: list[Part]
    body = preview.body
    if isinstance(body, TableBody):
        widths = next((p.widths for p in reversed(document.parts) if isinstance(p, TablePart)),
                      None)
        parts = [table_part(body, widths)]
    elif isinstance(body, TextBody):
        gutter = next((p.gutter for p in reversed(document.parts) if isinstance(p, TextPart)),
                      None)
        last = body.first_line + len(body.lines)
        parts = [text_part(body, max(gutter or 0, len(str(last))))]
    elif isinstance(body, BinaryBody):
        parts = [HexPart(body)]
    else:
        parts = body_parts(preview)
    if previous.resume is not None:
        document.replace_last(None)  # the old "load more" line
    document.extend(parts)
    more = more_line(preview)
    if more is not None:
        document.extend([more])
