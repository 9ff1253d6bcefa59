"""``FilePreview`` and the preview document: what each kind of preview draws, lazily, inertly."""

from __future__ import annotations

import gzip
import io
import json
import zipfile

from textual.app import App, ComposeResult

from co_tui.preview import build_preview
from co_tui.widgets.preview.document import (
    LEX_AHEAD,
    Document,
    TextPart,
    build_document,
    continue_document,
    token_style,
)
from co_tui.widgets.preview.file_preview import FilePreview

HOSTILE = "\x1b]0;PWNED\x07\x1b]52;c;eA==\x07\x9b2J\u202e[@click=app.quit]x[/]\x00"


def doc(data: bytes, name: str, **kw: object) -> Document:
    preview = build_preview(data, name=name, total_size=kw.pop("total", len(data)),  # type: ignore[arg-type]
                            at_end=bool(kw.pop("at_end", True)))
    return build_document(preview, raw=bool(kw.pop("raw", False)))


def lines(document: Document, width: int = 100, limit: int = 500) -> list[str]:
    return [document.line(i, width).plain for i in range(min(limit, document.height(width)))]


def test_token_styles_fall_back_to_the_parent_type() -> None:
    assert token_style("Keyword") == token_style("Keyword.Reserved")
    assert token_style("Name.Function.Magic") != ""
    assert token_style("Literal.String.Double") == token_style("String")
    assert token_style("Text") == ""


def test_code_is_numbered_and_highlighted_only_where_shown() -> None:
    source = "\n".join(f"def f{i}(x):\n    return x + {i}  # n" for i in range(3000)).encode()
    document = doc(source, "big.py")
    part = document.parts[0]
    assert isinstance(part, TextPart) and part.body.lexer == "Python"
    first = document.line(0, 80)
    assert first.plain == "   1 │ def f0(x):"
    assert any(span.style == token_style("Keyword") for span in first.spans)
    assert part._lexed <= 2  # only what was drawn was lexed
    far = document.line(4001, 80)  # far ahead: plain for now
    assert far.plain.endswith("return x + 2000  # n") and part.pending
    assert not far.spans[1:]  # only the gutter is styled
    while part.advance():
        pass
    assert not part.pending and len(document.line(4001, 80).spans) > 1


def test_tabs_and_controls_in_code_stay_inert() -> None:
    source = f"x = 1\tcomment\nprint('{HOSTILE.replace(chr(0), '')}')\n".encode()
    text = lines(doc(source, "evil.py"))
    assert text[0] == "   1 │ x = 1   comment"
    assert "\\x1b]0;PWNED\\x07" in text[1] and "[@click=app.quit]" in text[1]
    assert not any(c in "".join(text) for c in "\x1b\x07\x9b\u202e\x00\t")


def test_long_lines_end_with_the_cut_marker() -> None:
    document = doc(b"a" * 5000 + b"\n", "long.txt")
    assert document.line(0, 80).plain.endswith("… [+3,000 chars]")
    assert document.max_width() > 2000


def test_json_is_pretty_and_csv_is_a_table_with_a_raw_view() -> None:
    text = lines(doc(json.dumps({"a": [1, 2], "b": {"c": "d"}}).encode(), "x.json"))
    assert text[:3] == ["   1 │ {", '   2 │   "a": [', "   3 │     1,"]
    csv = b"name,value\nalpha,1\nbeta,2\n"
    table = lines(doc(csv, "t.csv"))
    assert "name" in table[0] and "│" in table[0] and set(table[1]) <= set("─┼")
    assert table[2].split("│")[1].strip() == "alpha"
    assert lines(doc(csv, "t.csv", raw=True))[0] == "   1 │ name,value"


def test_markdown_renders_and_wraps_to_the_width() -> None:
    source = b"# Title\n\nSome *text* that goes on " + b"and on " * 20 + b"\n\n- one\n- two\n"
    document = doc(source, "README.md")
    narrow, wide = lines(document, 40), lines(document, 120)
    assert narrow[0] == "# Title" and len(narrow) > len(wide)
    assert all(len(line) <= 40 for line in narrow)
    assert "• one" in narrow and "• two" in narrow
    assert lines(doc(source, "README.md", raw=True))[0] == "   1 │ # Title"


def test_notebook_cells_and_outputs() -> None:
    notebook = {
        "nbformat": 4, "nbformat_minor": 5,
        "metadata": {"kernelspec": {"language": "python", "name": "python3"}},
        "cells": [
            {"cell_type": "markdown", "metadata": {}, "source": ["# Notes\n", "hello"]},
            {"cell_type": "code", "execution_count": 3, "metadata": {}, "source": ["1 + 1"],
             "outputs": [{"output_type": "execute_result", "execution_count": 3,
                          "data": {"text/plain": ["2"]}, "metadata": {}}]},
        ],
    }
    text = lines(doc(json.dumps(notebook).encode(), "n.ipynb"))
    assert "  # Notes" in text and "  hello" in text
    assert any(line.startswith("── In [3]") for line in text)
    assert "  1 + 1" in text and "  Out:" in text and "    2" in text


def test_binary_archives_and_images_are_described_with_a_hex_view() -> None:
    data = bytes(range(256)) * 4
    text = lines(doc(data, "blob.bin"))
    assert text[0] == "hex view"
    assert text[1].startswith("00000000  00 01 02 03") and text[1].endswith("|................|")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(f"a{HOSTILE}.txt", "x")
    text = lines(doc(buffer.getvalue(), "z.zip"))
    assert text[0] == "1 members:" and "\\x1b]0;PWNED" in text[1]
    assert not any(c in "".join(text) for c in "\x1b\x07\x9b\u202e\x00")
    gz = gzip.compress(b"col1\tcol2\n1\t2\n")
    assert "col1" in lines(doc(gz, "t.tsv.gz"))[0]


def test_empty_and_external_and_more_line() -> None:
    assert lines(doc(b"", "e.txt")) == ["(empty file)"]
    chunk = b"line\n" * 60_000
    preview = build_preview(chunk[:262144], name="big.log", total_size=4 * 2**30, at_end=False)
    document = build_document(preview)
    text = lines(document, limit=100_000)
    assert "showing the first" in text[-1] and "press L" in text[-1]
    start = preview.resume.offset  # type: ignore[union-attr]
    following = build_preview(chunk[start : start + 1000], name="big.log", start=start,
                              total_size=4 * 2**30, at_end=False, resume=preview.resume)
    before = document.height(100)
    continue_document(document, preview, following)
    text = lines(document, limit=100_000)
    assert document.height(100) > before
    assert sum("press L" in line for line in text) == 1  # the old "more" line was replaced
    numbers = [int(line.split("│")[0]) for line in text if "│" in line]
    assert numbers == list(range(1, len(numbers) + 1))  # line numbers continue


class PreviewApp(App[None]):
    def compose(self) -> ComposeResult:
        yield FilePreview()


async def test_widget_draws_visible_lines_and_scrolls_sideways() -> None:
    app = PreviewApp()
    async with app.run_test(size=(60, 10)) as pilot:
        view = app.query_one(FilePreview)
        assert "No file selected" in view.visible_text()[0]
        source = "\n".join(f"value_{i} = {i}  # " + "x" * 100 for i in range(2000)).encode()
        view.show_document(doc(source, "v.py"))
        await pilot.pause()
        shown = view.visible_text()
        assert shown[0].startswith("   1 │ value_0 = 0") and len(shown) == 10
        view.focus()
        await pilot.press("G")
        await pilot.pause()
        assert any("2000 │ value_1999" in line for line in view.visible_text())
        # the lines far below were drawn plain first; colours catch up between frames
        part = view.document.parts[0]
        assert isinstance(part, TextPart)
        for _ in range(100):
            if not part.pending:
                break
            await pilot.pause(0.02)
        assert not part.pending
        await pilot.press("g", "l", "l", "l")
        await pilot.pause()
        assert not view.visible_text()[0].startswith("   1 │")  # scrolled right


async def test_lex_ahead_bound_is_respected_by_the_widget() -> None:
    assert LEX_AHEAD >= 100
