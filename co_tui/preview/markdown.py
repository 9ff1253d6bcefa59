"""Markdown → a list of plain blocks the UI can draw (headings, paragraphs, lists, code, quotes,
tables, rules).

Parsing is markdown-it-py's (CommonMark plus GitHub tables and strikethrough), the parser
Textual's own Markdown widget uses, so it is present wherever the UI is; it does not import Rich.
Raw HTML is not interpreted (``html=False``): it stays visible as text. Links keep their target
as plain data (:class:`~co_tui.preview.preview_model.Span` ``href``); nothing becomes a live
terminal hyperlink.

Rendering is capped at :data:`~co_tui.preview.limits.MARKDOWN_RENDER_CHARS` characters, cut at a
blank line, because markdown-it-py's time grows with the text (docs/product.md, 'Measurements behind
the design'): the raw view shows the rest.
"""

from __future__ import annotations

import functools
from typing import Any

from co_tui.preview.highlight import lexer_for_language
from co_tui.preview.limits import MARKDOWN_RENDER_CHARS
from co_tui.preview.preview_model import (
    Block,
    CodeBlock,
    Heading,
    ListBlock,
    Paragraph,
    Quote,
    Rule,
    Span,
    Table,
)

__all__ = ["render_cut", "render_markdown"]


@functools.cache
def _parser() -> Any:
    try:
        from markdown_it import MarkdownIt
    except ImportError:  # pragma: no cover - markdown-it-py comes with Textual
        return None
    return MarkdownIt("commonmark", {"html": False}).enable(["table", "strikethrough"])


def render_cut(text: str, budget: int = MARKDOWN_RENDER_CHARS) -> int:
    """How much of ``text`` to render: all of it if it fits ``budget``, else up to the last
    blank line before the budget (or the last line break, or the budget itself)."""
    if len(text) <= budget:
        return len(text)
    blank = text.rfind("\n\n", 0, budget)
    if blank > budget // 2:
        return blank + 1
    line = text.rfind("\n", 0, budget)
    return line + 1 if line > 0 else budget


def render_markdown(text: str) -> tuple[Block, ...] | None:
    """Blocks for Markdown ``text`` (all of it: callers cut with :func:`render_cut`), or
    ``None`` when no Markdown parser is available."""
    parser = _parser()
    if parser is None:  # pragma: no cover
        return None
    tokens = parser.parse(text)
    blocks, _ = _blocks(tokens, 0, "")
    return tuple(blocks)


def _blocks(tokens: list[Any], i: int, until: str) -> tuple[list[Block], int]:
    """Blocks from ``tokens[i:]`` up to the closing token ``until``; returns the index after it."""
    blocks: list[Block] = []
    while i < len(tokens):
        token = tokens[i]
        kind = token.type
        if kind == until:
            return blocks, i + 1
        if kind == "heading_open":
            level = int(token.tag[1:]) if token.tag[1:].isdigit() else 1
            blocks.append(Heading(level, _spans(tokens[i + 1])))
            i += 3
        elif kind == "paragraph_open":
            blocks.append(Paragraph(_spans(tokens[i + 1])))
            i += 3
        elif kind == "inline":
            blocks.append(Paragraph(_spans(token)))
            i += 1
        elif kind in ("bullet_list_open", "ordered_list_open"):
            ordered = kind == "ordered_list_open"
            start = token.attrs.get("start", 1) if ordered else 1
            close = kind.replace("_open", "_close")
            items: list[tuple[Block, ...]] = []
            i += 1
            while i < len(tokens) and tokens[i].type == "list_item_open":
                item, i = _blocks(tokens, i + 1, "list_item_close")
                items.append(tuple(item))
            if i < len(tokens) and tokens[i].type == close:
                i += 1
            first = int(start) if str(start).isdigit() else 1
            blocks.append(ListBlock(ordered, first, tuple(items)))
        elif kind == "blockquote_open":
            inner, i = _blocks(tokens, i + 1, "blockquote_close")
            blocks.append(Quote(tuple(inner)))
        elif kind in ("fence", "code_block"):
            info = token.info.strip() if kind == "fence" else ""
            code = token.content[:-1] if token.content.endswith("\n") else token.content
            lexer = lexer_for_language(info) if info else None
            blocks.append(CodeBlock(tuple(code.split("\n")), info, lexer))
            i += 1
        elif kind == "hr":
            blocks.append(Rule())
            i += 1
        elif kind == "table_open":
            table, i = _table(tokens, i + 1)
            blocks.append(table)
        elif kind in ("html_block", "text"):
            blocks.append(Paragraph((Span(token.content.rstrip("\n")),)))
            i += 1
        else:
            i += 1
    return blocks, i


def _table(tokens: list[Any], i: int) -> tuple[Table, int]:
    header: list[tuple[Span, ...]] = []
    rows: list[tuple[tuple[Span, ...], ...]] = []
    align: list[str] = []
    row: list[tuple[Span, ...]] = []
    in_head = False
    while i < len(tokens) and tokens[i].type != "table_close":
        token = tokens[i]
        if token.type == "thead_open":
            in_head = True
        elif token.type == "thead_close":
            in_head = False
        elif token.type == "tr_open":
            row = []
        elif token.type == "tr_close":
            if in_head:
                header = row
            else:
                rows.append(tuple(row))
        elif token.type in ("th_open", "td_open"):
            style = str(token.attrs.get("style", ""))
            if in_head:
                align.append(style.removeprefix("text-align:"))
        elif token.type == "inline":
            row.append(_spans(token))
        i += 1
    return Table(tuple(header), tuple(rows), tuple(align)), i + 1


def _spans(inline: Any) -> tuple[Span, ...]:
    """Inline tokens → merged spans."""
    spans: list[Span] = []
    styles: dict[str, int] = {}
    hrefs: list[str] = []

    def add(text: str, extra: str = "", href: str | None = None) -> None:
        if not text:
            return
        current = frozenset(s for s, n in styles.items() if n > 0) | (
            frozenset((extra,)) if extra else frozenset()
        )
        link = href if href is not None else (hrefs[-1] if hrefs else None)
        if spans and spans[-1].styles == current and spans[-1].href == link:
            spans[-1] = Span(spans[-1].text + text, current, link)
        else:
            spans.append(Span(text, current, link))

    for child in inline.children or ():
        kind = child.type
        if kind == "text" or kind == "html_inline":
            add(child.content)
        elif kind == "softbreak":
            add(" ")
        elif kind == "hardbreak":
            add("\n")
        elif kind == "code_inline":
            add(child.content, "code")
        elif kind.endswith("_open") and kind[:-5] in ("em", "strong", "s"):
            style = {"s": "strike"}.get(kind[:-5], kind[:-5])
            styles[style] = styles.get(style, 0) + 1
        elif kind.endswith("_close") and kind[:-6] in ("em", "strong", "s"):
            style = {"s": "strike"}.get(kind[:-6], kind[:-6])
            styles[style] = styles.get(style, 0) - 1
        elif kind == "link_open":
            hrefs.append(str(child.attrs.get("href", "")))
            styles["link"] = styles.get("link", 0) + 1
        elif kind == "link_close":
            if hrefs:
                hrefs.pop()
            styles["link"] = styles.get("link", 0) - 1
        elif kind == "image":
            alt = child.content or "image"
            add(f"[image: {alt}]", "image", str(child.attrs.get("src", "")))
    return tuple(spans)
