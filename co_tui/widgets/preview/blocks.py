"""Parts for structured previews: tables, rendered Markdown, notebook cells, binary formats.

Pure: these run in a worker thread when a preview arrives. Every string from the file goes
through :mod:`co_tui.safe_text`; link targets are shown as text, never as live links
(docs/reliability.md, 'Copying and links').
"""

from __future__ import annotations

from collections.abc import Sequence

from textual.content import Content

from co_tui.preview import (
    BinaryBody,
    Block,
    CodeBlock,
    Heading,
    ListBlock,
    NotebookBody,
    NotebookCell,
    Paragraph,
    Preview,
    Quote,
    Rule,
    Table,
    TableBody,
    TextBody,
    cut_marker,
    highlight,
)
from co_tui.preview import Span as MdSpan
from co_tui.safe_text import display, escape_line
from co_tui.widgets.preview.parts import (
    MUTED,
    HexPart,
    LinesPart,
    Para,
    Part,
    TablePart,
    TextPart,
    WrapPart,
    highlighted_line,
)

__all__ = [
    "TABLE_COLUMN_CELLS",
    "binary_parts",
    "inline",
    "markdown_paras",
    "message_part",
    "more_line",
    "notebook_parts",
    "table_part",
    "text_part",
]

TABLE_COLUMN_CELLS = 28
"""Widest a table column is drawn (cells are cut with an ellipsis)."""


def message_part(text: str, style: str = MUTED) -> LinesPart:
    return LinesPart([display(line, style=style) for line in text.split("\n")])


def more_line(preview: Preview) -> LinesPart | None:
    """The closing "load more" line when the file goes on."""
    if preview.resume is None:
        return None
    note = next((n for n in preview.notes if n.startswith("showing")), "the file goes on")
    return LinesPart([
        Content(""),
        Content.assemble(("── ", MUTED), display(note, style="bold $warning"),
                         ("  ·  press L to load the next 256 KiB ──", MUTED)),
    ])


def text_part(body: TextBody, gutter: int | None = None) -> TextPart:
    return TextPart(body, gutter=gutter)


def _table_widths(columns: Sequence[str], rows: Sequence[Sequence[str]]) -> list[int]:
    widths = [min(TABLE_COLUMN_CELLS, max(1, display(c).cell_length)) for c in columns]
    for row in rows:
        for i, cell in enumerate(row[: len(widths)]):
            if widths[i] < TABLE_COLUMN_CELLS:
                widths[i] = min(TABLE_COLUMN_CELLS, max(widths[i], display(cell).cell_length))
    return widths


def _cell(text: str, width: int, style: str = "") -> Content:
    content = display(text, max_cells=width, style=style)
    return content.pad_right(max(0, width - content.cell_length))


def table_part(body: TableBody, widths: list[int] | None = None) -> TablePart:
    """Rows of a CSV/TSV table; ``widths`` continue an earlier chunk's columns."""
    header = widths is None
    widths = widths or _table_widths(body.columns, body.rows)
    number_width = len(f"{body.first_row + len(body.rows):,}")
    sep = Content.styled(" │ ", MUTED)
    lines: list[Content] = []
    if header:
        cells = [_cell(c, w, "bold") for c, w in zip(body.columns, widths, strict=False)]
        lines.append(Content.assemble(" " * number_width, sep, sep.join(cells)))
        rule = "─┼─".join("─" * w for w in widths)
        lines.append(Content.styled(f"{'─' * number_width}─┼─{rule}", MUTED))
    for index, row in enumerate(body.rows):
        cells = [_cell(c, w) for c, w in zip(row, widths, strict=False)]
        number = Content.styled(f"{body.first_row + index + 1:>{number_width},}", MUTED)
        lines.append(Content.assemble(number, sep, sep.join(cells)))
    return TablePart(lines, widths)


# --- Markdown ---------------------------------------------------------------------------------

_INLINE_STYLES = {
    "strong": "bold",
    "em": "italic",
    "code": "bold $text-accent",
    "strike": "strike",
    "link": "underline $text-primary",
    "image": "italic $text-primary",
}


def inline(spans: Sequence[MdSpan]) -> Content:
    """Inline Markdown spans as Content (link targets shown as text, never live links)."""
    pieces: list[Content] = []
    for span in spans:
        style = " ".join(_INLINE_STYLES[s] for s in sorted(span.styles) if s in _INLINE_STYLES)
        text = span.text
        if "image" in span.styles:
            text = f"[image: {text}]" if text else "[image]"
        pieces.append(display(text, multiline=True, style=style))
        if span.href and ("link" in span.styles or "image" in span.styles) and span.href != text:
            pieces.append(display(f" ({span.href})", style=MUTED))
    return Content.assemble(*pieces)


_HEADING_STYLES = {1: "bold underline $text-accent", 2: "bold $text-accent", 3: "bold"}


def _code_lines(lines: Sequence[str], lexer: str | None) -> list[Content]:
    tokens = highlight(lines, lexer) if lexer else [None] * len(lines)
    return [
        highlighted_line(line, tok) if tok is not None else escape_line(line)
        for line, tok in zip(lines, tokens, strict=False)
    ]


def _md_table(table: Table) -> list[Content]:
    columns = len(table.header)
    rendered = [[inline(cell) for cell in table.header]]
    rendered += [[inline(cell) for cell in row[:columns]] for row in table.rows]
    widths = [0] * columns
    for row in rendered:
        for i, cell in enumerate(row):
            widths[i] = min(TABLE_COLUMN_CELLS, max(widths[i], cell.cell_length))
    sep = Content.styled(" │ ", MUTED)
    lines = []
    for number, row in enumerate(rendered):
        cells = []
        for i in range(columns):
            cell = row[i] if i < len(row) else Content("")
            cell = cell.truncate(widths[i], ellipsis=True)
            cell = cell.pad_right(max(0, widths[i] - cell.cell_length))
            cells.append(cell.stylize_before("bold") if number == 0 else cell)
        lines.append(sep.join(cells))
        if number == 0:
            lines.append(Content.styled("─┼─".join("─" * w for w in widths), MUTED))
    return lines


def markdown_paras(blocks: Sequence[Block], first: Content, rest: Content) -> list[Para]:
    """Blocks as paragraphs with a blank line between blocks; the very first line starts with
    ``first``, every other with ``rest`` (list bullets and quote bars nest this way)."""
    paras: list[Para] = []

    def prefix() -> Content:
        return first if not paras else rest

    for number, block in enumerate(blocks):
        if number:
            paras.append(Para(Content(""), rest, rest))
        if isinstance(block, Heading):
            style = _HEADING_STYLES.get(block.level, "bold")
            marks = Content.styled("#" * block.level + " ", MUTED)
            paras.append(Para(inline(block.spans).stylize_before(style), Content.assemble(
                prefix(), marks), rest))
        elif isinstance(block, Paragraph):
            paras.append(Para(inline(block.spans), prefix(), rest))
        elif isinstance(block, CodeBlock):
            bar = Content.styled("▏ ", MUTED)
            code = _code_lines(block.lines, block.lexer)
            head = Content.assemble(prefix(), bar)
            paras.append(Para(Content("\n").join(code) if code else Content(""),
                              head, Content.assemble(rest, bar), wrap=False))
        elif isinstance(block, ListBlock):
            for index, item in enumerate(block.items, block.start):
                bullet = f"{index}. " if block.ordered else "• "
                lead = Content.assemble(prefix(), (bullet, "bold"))
                pad = Content.assemble(rest, " " * len(bullet))
                paras.extend(markdown_paras(item, lead, pad) or [Para(Content(""), lead, pad)])
        elif isinstance(block, Quote):
            bar = Content.styled("▌ ", MUTED)
            paras.extend(markdown_paras(block.blocks, Content.assemble(prefix(), bar),
                                        Content.assemble(rest, bar)))
        elif isinstance(block, Table):
            lines = _md_table(block)
            paras.append(Para(Content("\n").join(lines), prefix(), rest, wrap=False))
        elif isinstance(block, Rule):
            paras.append(Para(Content(""), prefix(), rest, rule=True))
    return paras


# --- notebooks --------------------------------------------------------------------------------


def _cell_header(cell: NotebookCell) -> Content:
    if cell.cell_type == "code":
        count = cell.execution_count
        label = f"In [{count if count is not None else ' '}]"
        return Content.styled(f"── {label} ", "bold $text-success")
    # the cell type comes from the file: shown through the sanitiser like any file text
    return Content.assemble(("── ", "bold $text-secondary"),
                            display(cell.cell_type, max_cells=30, style="bold $text-secondary"),
                            " ")


def notebook_parts(body: NotebookBody) -> list[Part]:
    """Cells: a header line, the source (highlighted code, rendered Markdown) and outputs."""
    parts: list[Part] = []
    for cell in body.cells:
        lines: list[Content] = [_cell_header(cell)]
        if cell.cell_type == "markdown" and cell.blocks is not None:
            parts.append(LinesPart(lines))
            parts.append(WrapPart(markdown_paras(cell.blocks, Content("  "), Content("  "))))
            parts.append(LinesPart([Content("")]))
            continue
        lexer = body.lexer if cell.cell_type == "code" else None
        for index, line in enumerate(_code_lines(cell.source, lexer)):
            cut = cell.cut.get(index)
            marker = Content.styled(f" {cut_marker(cut)}", MUTED) if cut else Content("")
            lines.append(Content.assemble("  ", line, marker))
        for output in cell.outputs:
            label = "Out" if output.output_type == "execute_result" else output.output_type
            lines.append(Content.assemble("  ", display(f"{label}:", max_cells=40,
                                                        style="italic $foreground-muted")))
            for text in output.text.split("\n") if output.text else []:
                style = "$text-error" if output.output_type == "error" else ""
                lines.append(Content.assemble("    ", escape_line(text, style=style)))
            if output.summary:
                lines.append(Content.assemble("    ", display(f"[{output.summary}]",
                                                                style="italic $foreground-muted")))
        lines.append(Content(""))
        parts.append(LinesPart(lines))
    if not body.cells:
        parts.append(message_part("(no cells)"))
    return parts


# --- binary -----------------------------------------------------------------------------------


def binary_parts(body: BinaryBody) -> list[Part]:
    """What is known of the format (details, archive members), then the hex view."""
    lines: list[Content] = []
    info = body.format
    if info is not None:
        for name, value in info.details:
            lines.append(Content.assemble(display(f"{name}: ", style="bold"), display(value)))
        if info.members:
            lines.append(Content.styled(f"{len(info.members):,} members:", "bold"))
            for member in info.members:
                size = f"{member.size:>14,}" if member.size is not None else " " * 14
                shown = display(member.name + ("/" if member.is_dir else ""))
                lines.append(Content.assemble(("  " + size + "  ", MUTED), shown))
            if not info.members_complete:
                lines.append(Content.styled("  … more members beyond the bytes read", MUTED))
        if lines:
            lines.append(Content(""))
    lines.append(Content.styled("hex view", "bold"))
    return [LinesPart(lines), HexPart(body)]


