"""JSON, CSV/TSV, Markdown and notebooks."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from co_tui.preview import (
    CodeBlock,
    Heading,
    ListBlock,
    MarkdownBody,
    NotebookBody,
    Paragraph,
    Preview,
    PreviewKind,
    Quote,
    Resume,
    Rule,
    Table,
    TableBody,
    TextBody,
    build_preview,
)
from co_tui.preview.limits import MARKDOWN_RENDER_CHARS, MAX_LINES
from co_tui.preview.structured import reindent_json, sniff_delimiter
from tests.preview.preview_samples import (
    CSV_QUOTED,
    MARKDOWN,
    TSV,
    json_document,
    minified_json,
    notebook_bytes,
)


def preview_of(data: bytes, name: str, *, at_end: bool = True, total: int | None = None) -> Preview:
    return build_preview(data, name=name, total_size=total, at_end=at_end)


# --------------------------------------------------------------------------------------------
# JSON


def test_valid_json_is_pretty_printed_like_json_dumps() -> None:
    document = json_document()
    data = json.dumps(document, separators=(",", ":"), ensure_ascii=False).encode()
    preview = preview_of(data, "data_description.json")
    assert preview.kind is PreviewKind.JSON
    assert isinstance(preview.body, TextBody)
    assert "\n".join(preview.body.lines) == json.dumps(document, indent=2, ensure_ascii=False)
    assert preview.body.lexer == "JSON"
    assert not preview.truncated and preview.resume is None


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.text(max_size=5), children, max_size=4),
    max_leaves=20,
)


@settings(max_examples=150, deadline=None)
@given(json_values)
def test_reindent_matches_json_dumps(value: Any) -> None:
    compact = json.dumps(value, ensure_ascii=False)
    lines = reindent_json(compact, at_end=True, max_lines=10**9).lines
    assert "\n".join(lines) == json.dumps(value, indent=2, ensure_ascii=False)


def test_truncated_minified_json_is_reindented_and_continues() -> None:
    data = minified_json(300_000)
    assert len(data) > 256 * 1024 and data.count(b"\n") == 0
    prefix = data[: 256 * 1024]
    preview = preview_of(prefix, "records.json", at_end=False, total=len(data))
    assert preview.kind is PreviewKind.JSON
    assert isinstance(preview.body, TextBody)
    assert len(preview.body.lines) <= MAX_LINES
    assert preview.body.lines[:3] == ("[", "  {", '    "id": 0,')
    assert preview.resume is not None and preview.resume.mode == "json"
    assert preview.resume.depth >= 1
    # Load more until the end: the chunks join up to the re-indented whole document.
    lines = list(preview.body.lines)
    resume: Resume | None = preview.resume
    while resume is not None:
        part = data[resume.offset : resume.offset + 256 * 1024]
        at_end = resume.offset + len(part) >= len(data)
        more = build_preview(
            part, name="records.json", start=resume.offset, total_size=len(data),
            at_end=at_end, resume=resume,
        )
        assert isinstance(more.body, TextBody) and more.body.first_line == len(lines) + 1
        lines += more.body.lines
        resume = more.resume
    expected = json.dumps(json.loads(data), indent=2).split("\n")
    assert lines == expected


def test_invalid_json_is_shown_as_it_is() -> None:
    data = b'{"a": 1,\n "b": [1, 2,, 3]\n}\n'
    preview = preview_of(data, "broken.json")
    assert preview.kind is PreviewKind.JSON
    assert isinstance(preview.body, TextBody)
    assert preview.body.lines == ('{"a": 1,', ' "b": [1, 2,, 3]', "}")
    assert any(note.startswith("not valid JSON (Expecting value: line 2") for note in preview.notes)


def test_deeply_nested_json_does_not_recurse() -> None:
    data = b"[" * 100_000 + b"]" * 100_000
    preview = preview_of(data, "deep.json")
    assert preview.kind is PreviewKind.JSON
    assert isinstance(preview.body, TextBody)
    assert len(preview.body.lines) <= MAX_LINES


def test_json_lines_stay_one_record_per_line() -> None:
    records = [{"ts": i, "event": "lick"} for i in range(10)]
    data = "".join(json.dumps(r) + "\n" for r in records).encode()
    preview = preview_of(data, "events.jsonl")
    assert preview.kind is PreviewKind.JSON and preview.title == "JSON Lines"
    assert isinstance(preview.body, TextBody)
    assert preview.body.lines == tuple(json.dumps(r) for r in records)


# --------------------------------------------------------------------------------------------
# CSV / TSV


def test_csv_with_quotes_newlines_and_ragged_rows() -> None:
    preview = preview_of(CSV_QUOTED.encode(), "unit_metrics.csv")
    assert preview.kind is PreviewKind.CSV
    table = preview.body
    assert isinstance(table, TableBody)
    assert table.has_header and table.delimiter == ","
    assert table.columns[:4] == ("unit_id", "region", "note", "firing_rate")
    assert len(table.columns) == 6  # the long row adds two unnamed columns
    assert table.rows[0][:4] == ("1", "VISp", "contains, a comma", "4.5")
    assert table.rows[1][2] == 'has "quotes"'
    assert table.rows[2][2] == "spans\ntwo lines"
    assert table.rows[3] == ("4", "LP", "", "", "", "")
    assert table.rows[4] == ("5", "MOs", "plain", "3.0", "extra", "fields")
    assert all(len(row) == len(table.columns) for row in table.rows)
    assert table.ragged_rows == 2
    assert table.raw.lines[0] == "unit_id,region,note,firing_rate"
    assert not preview.truncated


def test_tsv_rows_come_200_at_a_time() -> None:
    data = TSV.encode()
    preview = preview_of(data, "cluster_KSLabel.tsv", total=len(data))
    table = preview.body
    assert isinstance(table, TableBody)
    assert table.delimiter == "\t" and table.columns == ("cluster_id", "KSLabel", "amplitude")
    assert len(table.rows) == 200 and table.rows[0] == ("0", "mua", "0.0")
    assert preview.title == "TSV table" and "rows 1–200" in preview.notes
    rows = list(table.rows)
    resume = preview.resume
    while resume is not None:
        more = build_preview(
            data[resume.offset :], name="cluster_KSLabel.tsv", start=resume.offset,
            total_size=len(data), at_end=True, resume=resume,
        )
        assert isinstance(more.body, TableBody)
        assert more.body.columns == table.columns and more.body.first_row == len(rows)
        rows += more.body.rows
        resume = more.resume
    assert len(rows) == 500 and rows[-1] == ("499", "good", "748.5")


def test_csv_without_header_wide_and_long_cells() -> None:
    row = ",".join(str(i) for i in range(60))
    data = (row + "\n" + row + "\n").encode()
    table = preview_of(data, "m.csv").body
    assert isinstance(table, TableBody)
    assert not table.has_header and table.columns[:3] == ("1", "2", "3")
    assert len(table.rows) == 2 and table.hidden_columns == 10 and len(table.columns) == 50
    long = preview_of(b"a,b\n" + b"x" * 500 + b",y\n", "l.csv").body
    assert isinstance(long, TableBody)
    assert long.rows[0][0] == "x" * 200 + "…" and long.cut_cells == 1


def test_delimiter_sniffing() -> None:
    assert sniff_delimiter(["a;b;c", "1;2;3"], "x.csv") == ";"
    assert sniff_delimiter(["a|b", "1|2"], "x.csv") == "|"
    assert sniff_delimiter(["a,b;c", "1,2;3,4"], "x.csv") == ";"
    assert sniff_delimiter(["a,b"], "x.tsv") == "\t"
    assert sniff_delimiter(["just text"], "x.csv") == ","


def test_csv_row_cut_by_the_chunk_is_left_for_the_next() -> None:
    data = b'id,note\n1,"first"\n2,"multi\nline"\n3,"third"\n'
    cut = data.index(b"line") + 2  # inside the quoted field of row 2
    preview = preview_of(data[:cut], "n.csv", at_end=False, total=len(data))
    table = preview.body
    assert isinstance(table, TableBody) and preview.resume is not None
    assert table.rows == (("1", "first"),)
    assert data[preview.resume.offset :].startswith(b'2,"multi')


# --------------------------------------------------------------------------------------------
# Markdown


def test_markdown_blocks() -> None:
    preview = preview_of(MARKDOWN.encode(), "README.md")
    assert preview.kind is PreviewKind.MARKDOWN
    body = preview.body
    assert isinstance(body, MarkdownBody) and body.complete
    kinds = [type(b).__name__ for b in body.blocks]
    assert kinds == [
        "Heading", "Paragraph", "Heading", "ListBlock", "ListBlock", "CodeBlock", "Quote",
        "Table", "Rule", "Paragraph",
    ]
    heading = body.blocks[0]
    assert isinstance(heading, Heading) and heading.level == 1
    paragraph = body.blocks[1]
    assert isinstance(paragraph, Paragraph)
    styled = {span.text: (span.styles, span.href) for span in paragraph.spans}
    assert styled["emphasis"][0] == {"em"} and styled["strong"][0] == {"strong"}
    assert styled["code"][0] == {"code"} and styled["gone"][0] == {"strike"}
    assert styled["link"] == (frozenset({"link"}), "https://example.org/x")
    numbered = body.blocks[3]
    assert isinstance(numbered, ListBlock) and numbered.ordered and len(numbered.items) == 2
    assert isinstance(numbered.items[1][1], ListBlock)  # the nested bullet
    code = body.blocks[5]
    assert isinstance(code, CodeBlock) and code.lexer == "Python"
    assert code.lines == ("def f(x):", "    return x * 2")
    assert isinstance(body.blocks[6], Quote)
    table = body.blocks[7]
    assert isinstance(table, Table) and table.align == ("left", "right") and len(table.rows) == 2
    assert isinstance(body.blocks[8], Rule)
    last = body.blocks[9]
    assert isinstance(last, Paragraph)
    assert any(s.styles == {"image"} and s.href == "figures/drift_map.png" for s in last.spans)
    assert any("\n" in s.text for s in last.spans)  # the hard break
    assert body.raw.lines[0] == "# Preprocessed ecephys"


def test_raw_html_in_markdown_stays_text() -> None:
    body = preview_of(b"<script>alert(1)</script>\n\nx <b>y</b>\n", "a.md").body
    assert isinstance(body, MarkdownBody)
    texts = [s.text for b in body.blocks if isinstance(b, Paragraph) for s in b.spans]
    assert "<script>alert(1)</script>" in "".join(texts)


def test_large_markdown_is_rendered_in_part() -> None:
    data = (MARKDOWN * 200).encode()
    assert len(data) > MARKDOWN_RENDER_CHARS
    preview = preview_of(data, "big.md")
    body = preview.body
    assert isinstance(body, MarkdownBody) and not body.complete
    assert any(note.startswith("rendered the first") for note in preview.notes)
    assert len(body.raw.lines) == MAX_LINES  # the raw view goes on with "load more"
    assert preview.resume is not None and preview.resume.lexer == "Markdown"


# --------------------------------------------------------------------------------------------
# Notebooks


def test_notebook_cells_and_outputs() -> None:
    preview = preview_of(notebook_bytes(), "explore.ipynb")
    assert preview.kind is PreviewKind.NOTEBOOK
    body = preview.body
    assert isinstance(body, NotebookBody)
    assert body.complete and body.language == "Python" and body.lexer == "Python"
    assert body.nbformat == "4.5"
    assert [c.cell_type for c in body.cells] == ["markdown"] + ["code"] * 5
    markdown = body.cells[0]
    assert markdown.blocks is not None and isinstance(markdown.blocks[0], Heading)
    code = body.cells[1]
    assert code.source == ("x0 = 0 * 2", "print(x0)") and code.execution_count == 1
    stream, result = code.outputs
    assert (stream.output_type, stream.text) == ("stream", "0\n")
    assert result.text == "<Figure 0>" and result.summary.startswith("image/png output")
    error = body.cells[-1].outputs[0]
    assert error.output_type == "error" and error.summary == "ZeroDivisionError: division by zero"
    assert "\x1b" not in error.text  # ANSI colours removed
    assert preview.title == "Jupyter notebook (Python), 6 cells"


def test_r_notebook() -> None:
    body = preview_of(notebook_bytes("R"), "qc.ipynb").body
    assert isinstance(body, NotebookBody) and body.language == "R" and body.lexer == "S"


def test_truncated_notebook_shows_the_cells_that_arrived() -> None:
    data = notebook_bytes(cells=40)
    prefix = data[: len(data) // 2]
    preview = preview_of(prefix, "long.ipynb", at_end=False, total=len(data))
    body = preview.body
    assert isinstance(body, NotebookBody) and not body.complete
    assert 10 < len(body.cells) < 41
    whole = json.loads(data)["cells"]
    assert [c.source for c in body.cells] == [
        tuple("".join(c["source"]).split("\n")) for c in whole[: len(body.cells)]
    ]
    assert any("language assumed Python" in n for n in preview.notes)
    assert preview.resume is not None and preview.resume.mode == "text"


def test_json_that_is_not_a_notebook() -> None:
    preview = preview_of(b'{"not": "a notebook"}', "x.ipynb")
    assert preview.kind is PreviewKind.JSON
    garbage = preview_of(b"hello, not json at all\n", "y.ipynb")
    assert garbage.kind is PreviewKind.JSON  # shown as text with the JSON lexer and a note
