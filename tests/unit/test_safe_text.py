"""The sanitiser at unit level: fixed cases, the exact code-point set, caps and Hypothesis
properties (docs/reliability.md, 'Terminal escape sequences' to 'Length caps')."""

from __future__ import annotations

import sys
import unicodedata

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from rich.cells import cell_len
from rich.text import Text
from textual.content import Content
from textual.style import Style

from co_tui import text_escapes
from co_tui.safe_text import (
    DESCRIPTION_MAX_CHARS,
    ELLIPSIS,
    ESCAPE_STYLE,
    NAME_MAX_CELLS,
    PREVIEW_LINE_MAX_CHARS,
    UNLIMITED,
    display,
    escape_line,
    is_safe,
    join,
    plain,
    to_text,
)

# ---------------------------------------------------------------------------------------------
# Fixed cases: input -> plain text shown. Every escape must also be dimmed (checked below).

ESCAPE_CASES: list[tuple[str, str]] = [
    ("", ""),
    ("report.csv", "report.csv"),
    ("\x1b", "\\x1b"),
    # OSC 0 / 2 (title), 8 (hyperlink), 52 (clipboard), BEL- and ST-terminated, unterminated
    ("\x1b]0;PWNED\x07name", "\\x1b]0;PWNED\\x07name"),
    ("\x1b]2;PWNED\x1b\\name", "\\x1b]2;PWNED\\x1b\\name"),
    (
        "\x1b]8;;https://evil/\x1b\\docs\x1b]8;;\x1b\\",
        "\\x1b]8;;https://evil/\\x1b\\docs\\x1b]8;;\\x1b\\",
    ),
    ("\x1b]52;c;cm0gLXJmIH4K\x07", "\\x1b]52;c;cm0gLXJmIH4K\\x07"),
    ("\x1b]0;never ends", "\\x1b]0;never ends"),
    # CSI, including the one that makes the terminal answer on stdin
    ("\x1b[2J\x1b[H", "\\x1b[2J\\x1b[H"),
    ("\x1b[6n", "\\x1b[6n"),
    ("\x1b[31mred\x1b[0m", "\\x1b[31mred\\x1b[0m"),
    # DCS (tmux passthrough), APC (kitty graphics), PM, SOS, full reset
    ("\x1bPtmux;\x1b\x1b]0;x\x07\x1b\\", "\\x1bPtmux;\\x1b\\x1b]0;x\\x07\\x1b\\"),
    ("\x1b_Gf=100;AAAA\x1b\\", "\\x1b_Gf=100;AAAA\\x1b\\"),
    ("\x1b^pm\x1b\\", "\\x1b^pm\\x1b\\"),
    ("\x1bXsos\x1b\\", "\\x1bXsos\\x1b\\"),
    ("\x1bc", "\\x1bc"),
    # 8-bit C1: CSI, OSC, DCS, ST, NEL
    ("\x9b2J", "\\x9b2J"),
    ("\x9d0;PWNED\x9c", "\\x9d0;PWNED\\x9c"),
    ("\x90q\x9c", "\\x90q\\x9c"),
    ("a\x85b", "a\\x85b"),
    # C0 odds and ends, DEL
    ("a\x00b", "a\\x00b"),
    ("a\x07b\x08c", "a\\x07b\\x08c"),
    ("a\rb", "a\\x0db"),
    ("a\nb", "a\\x0ab"),
    ("a\x0bb\x0cc", "a\\x0bb\\x0cc"),
    ("a\x7fb", "a\\x7fb"),
    ("\x1f", "\\x1f"),
    # lone surrogates (json.loads('"\\ud800"') gives one)
    ("\ud800", "\\ud800"),
    ("x\udfffy", "x\\udfffy"),
    # bidi, zero-width, BOM, separators, soft hyphen, Arabic letter mark, tags
    ("evil\u202etxt.exe", "evil\\u202etxt.exe"),
    ("a\u2066b\u2069c", "a\\u2066b\\u2069c"),
    ("a\u202ab\u202cc", "a\\u202ab\\u202cc"),
    ("zero\u200bwidth", "zero\\u200bwidth"),
    ("\u200b\u2060", "\\u200b\\u2060"),
    ("\ufeffbom", "\\ufeffbom"),
    ("line\u2028sep\u2029", "line\\u2028sep\\u2029"),
    ("flag\U000e0067", "flag\\U000e0067"),
    # a literal backslash stays one; so does a bracket
    ("C:\\data\\x1b", "C:\\data\\x1b"),
    # tabs become spaces to the next stop of 4
    ("a\tb", "a   b"),
    ("\tx", "    x"),
    ("abcd\te", "abcd    e"),
    ("\x1b\tz", "\\x1b    z"),
    # kept: joiners and marks real text needs (family emoji, Persian ZWNJ, Hebrew RLM, ALM,
    # soft hyphen)
    ("\U0001f468\u200d\U0001f469\u200d\U0001f467", "\U0001f468\u200d\U0001f469\u200d\U0001f467"),
    ("\u0645\u06cc\u200c\u0634\u0648\u062f", "\u0645\u06cc\u200c\u0634\u0648\u062f"),
    ("\u05e9\u05dc\u05d5\u05dd\u200f 42", "\u05e9\u05dc\u05d5\u05dd\u200f 42"),
    ("a\u200eb\u061cc", "a\u200eb\u061cc"),
    ("soft\u00adhyphen", "soft\u00adhyphen"),
    # kept: printable non-ASCII, private use, unassigned, variation selectors, combining marks
    ("données 数据 📊", "données 数据 📊"),
    ("\ue0b0\U000f0000", "\ue0b0\U000f0000"),
    ("\U000e0080\u0378", "\U000e0080\u0378"),
    ("\u2764\ufe0f e\u0301", "\u2764\ufe0f e\u0301"),
]

MARKUP_PAYLOADS = [
    "[bold]x[/]",
    "[/]",
    "[/bold]",
    "[@click=app.quit]x[/]",
    "[@click=app.exit]report.csv[/]",
    "[link=https://evil.example]x[/link]",
    "[link='https://evil.example']docs[/]",
    "trailing\\",
    "\\[not a tag]",
    "\\\\[b]x",
    "[red on blue]x",
    "[$accent]x",
    "[b][i][u]x",
    "$variable [$x]",
    "[[double]]",
    "[",
    "]",
    "[]",
]


def _escaped_segments(content: Content) -> list[str]:
    """The texts covered by ESCAPE_STYLE spans."""
    return [content.plain[s.start : s.end] for s in content.spans if s.style == ESCAPE_STYLE]


@pytest.mark.parametrize(("raw", "shown"), ESCAPE_CASES)
def test_fixed_cases(raw: str, shown: str) -> None:
    content = display(raw)
    assert isinstance(content, Content)
    assert content.plain == shown
    assert plain(raw) == shown
    assert is_safe(raw) == (raw == shown)
    assert is_safe(content.plain)
    content.plain.encode("utf-8")  # no surrogates left: always encodable
    # every escape (and nothing else) is dimmed
    dimmed = "".join(_escaped_segments(content))
    expected = "".join(text_escapes.escape_char(c) for c in raw if c != "\t" and not is_safe(c))
    assert dimmed == expected


def test_escapes_are_whole_and_dimmed() -> None:
    content = display("a\x1b\x1b[31mb\u202e")
    assert content.plain == "a\\x1b\\x1b[31mb\\u202e"
    assert _escaped_segments(content) == ["\\x1b\\x1b", "\\u202e"]  # neighbours merged


def test_style_applies_to_everything_and_escapes_stay_dim() -> None:
    content = display("x\x1by", style="bold")
    spans = [(s.start, s.end, s.style) for s in content.spans]
    assert spans == [(0, 6, "bold"), (1, 5, ESCAPE_STYLE)]
    styles = {text: style for text, style in content.render(Style())}
    assert styles["\\x1b"].dim and styles["\\x1b"].bold
    assert not styles["x"].dim


@pytest.mark.parametrize("payload", MARKUP_PAYLOADS)
def test_markup_is_inert(payload: str) -> None:
    for content in (display(payload), display(payload, multiline=True), escape_line(payload)):
        assert content.plain == payload
        assert not content.spans
        for segment in content.render_segments(Style()):
            style = segment.style
            assert style is None or (not style.link and "@click" not in (style.meta or {}))
    assert to_text(display(payload)).plain == payload


def test_display_never_parses_markup(monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(*args: object, **kwargs: object) -> Content:
        raise AssertionError("markup parsed")

    monkeypatch.setattr(Content, "from_markup", boom)
    monkeypatch.setattr(Text, "from_markup", boom)
    for payload in MARKUP_PAYLOADS:
        display(payload)
        display(payload + "\x1b", multiline=True)
        escape_line(payload + "\t")
        join("Asset: ", display(payload))
        to_text(display(payload))


# ---------------------------------------------------------------------------------------------
# The exact set of forbidden code points.


def _should_be_forbidden(code: int) -> bool:
    category = unicodedata.category(chr(code))
    if code in (0x00AD, 0x061C, 0x200C, 0x200D, 0x200E, 0x200F):  # inert; real text needs them
        return False
    return category in {"Cc", "Cf", "Cs", "Zl", "Zp"} or 0x13439 <= code <= 0x1343F


def test_forbidden_set_is_exactly_cc_cf_cs_zl_zp_but_the_harmless_marks() -> None:
    """Every code point, against the running Python's Unicode database (catches a Cf added by a
    newer Unicode: extend ``co_tui.text_escapes.CF_RANGES`` then)."""
    wrong = [
        hex(code)
        for code in range(sys.maxunicode + 1)
        if is_safe(chr(code)) == _should_be_forbidden(code)
    ]
    assert wrong == []


def test_newline_only_allowed_in_multiline() -> None:
    assert not is_safe("a\nb")
    assert is_safe("a\nb", multiline=True)
    assert not is_safe("a\rb", multiline=True)
    assert not is_safe("a\u2028b", multiline=True)


@pytest.mark.parametrize(
    ("code", "escaped"),
    [(0x00, "\\x00"), (0xFF, "\\xff"), (0x100, "\\u0100"), (0xFFFF, "\\uffff"),
     (0x10000, "\\U00010000"), (0x1D173, "\\U0001d173")],
)  # fmt: skip
def test_escape_forms(code: int, escaped: str) -> None:
    assert text_escapes.escape_char(chr(code)) == escaped


# ---------------------------------------------------------------------------------------------
# Single-line caps (docs/reliability.md, 'Length caps').


def test_long_name_is_cut_to_200_cells_with_ellipsis() -> None:
    content = display("a" * 1000)
    assert content.plain == "a" * (NAME_MAX_CELLS - 1) + ELLIPSIS
    assert content.cell_length == cell_len(content.plain) == NAME_MAX_CELLS
    assert _escaped_segments(content) == [ELLIPSIS]  # the marker is dimmed too
    assert display("a" * NAME_MAX_CELLS).plain == "a" * NAME_MAX_CELLS  # exactly fits: no cut


def test_full_value_on_demand() -> None:
    name = "x" * 5000 + "\x1b"
    assert display(name, max_cells=UNLIMITED).plain == "x" * 5000 + "\\x1b"
    assert plain(name) == "x" * 5000 + "\\x1b"


@pytest.mark.parametrize(
    ("raw", "max_cells", "shown"),
    [
        ("中" * 10, 10, "中" * 4 + ELLIPSIS),  # 8 cells + 1: a wide char never straddles
        ("a" + "中" * 10, 10, "a" + "中" * 4 + ELLIPSIS),  # exactly 10
        ("中" * 5, 10, "中" * 5),  # exactly fits
        ("ab📊📊📊", 5, "ab📊" + ELLIPSIS),
        ("abc\x1bdef", 6, "abc" + ELLIPSIS),  # an escape is never split
        ("abc\x1bdef", 8, "abc\\x1b" + ELLIPSIS),
        ("ab\tcdef", 4, "ab" + ELLIPSIS),  # nor is a tab's run of spaces
        ("e\u0301" * 10, 4, "e\u0301" * 3 + ELLIPSIS),  # combining marks stay on their base
        ("abc", 1, ELLIPSIS),
        ("a", 1, "a"),
        ("abc", 0, ""),
        ("abc", -5, ""),
    ],
)
def test_cut_by_cells(raw: str, max_cells: int, shown: str) -> None:
    content = display(raw, max_cells=max_cells)
    assert content.plain == shown
    assert cell_len(content.plain) <= max(0, max_cells)


def test_zero_width_flood_is_bounded() -> None:
    """A 200-cell limit also bounds code points: a million combining marks is not 200 cells."""
    content = display("a" + "\u0301" * 1_000_000)
    assert len(content.plain) <= 4 * NAME_MAX_CELLS
    assert content.plain.endswith(ELLIPSIS)


# ---------------------------------------------------------------------------------------------
# Multi-line (descriptions) and preview lines (docs/reliability.md, 'Length caps').


def test_multiline_keeps_newlines_and_normalises_crlf() -> None:
    content = display("one\r\ntwo\nthree\rfour\x1b[2J\n\tindented", multiline=True)
    assert content.plain == "one\ntwo\nthree\\x0dfour\\x1b[2J\n    indented"
    assert _escaped_segments(content) == ["\\x0d", "\\x1b"]


def test_multiline_tab_stops_restart_each_line() -> None:
    assert display("ab\tc\nabcde\tf", multiline=True).plain == "ab  c\nabcde   f"


def test_description_cap_with_marker() -> None:
    text = "d" * (DESCRIPTION_MAX_CHARS * 3)
    content = display(text, multiline=True)
    assert len(content.plain) <= DESCRIPTION_MAX_CHARS
    head, marker = content.plain.split(ELLIPSIS)
    assert marker == f" [+{len(text) - len(head)} chars]"
    assert head == "d" * len(head) and len(head) > DESCRIPTION_MAX_CHARS - 20
    assert _escaped_segments(content)[-1] == ELLIPSIS + marker
    # short enough: untouched; the cap counts the marker, so a capped text passes again unchanged
    assert display("d" * DESCRIPTION_MAX_CHARS, multiline=True).plain == "d" * DESCRIPTION_MAX_CHARS
    assert display(content.plain, multiline=True).plain == content.plain


def test_description_cap_counts_hidden_input_characters() -> None:
    text = "\x1b" * 5000  # 4 output characters each
    content = display(text, multiline=True, max_chars=100)
    head, marker = content.plain.split(ELLIPSIS)
    assert head == "\\x1b" * (len(head) // 4)  # no escape cut in half
    assert marker == f" [+{5000 - len(head) // 4} chars]"
    crlf = display("ab\r\n" * 100, multiline=True, max_chars=50)
    head, marker = crlf.plain.split(ELLIPSIS)
    assert marker == f" [+{400 - head.count('ab') * 4} chars]" and head.endswith("\n")


def test_preview_line() -> None:
    assert escape_line("x = 1\n").plain == "x = 1"
    assert escape_line("x = 1\r\n").plain == "x = 1"
    assert escape_line("x = 1\r").plain == "x = 1"
    assert escape_line("a\rb\n").plain == "a\\x0db"
    assert escape_line("\tif x:\x1b[2J").plain == "    if x:\\x1b[2J"
    long = "y" * 10_000
    content = escape_line(long)
    assert len(content.plain) <= PREVIEW_LINE_MAX_CHARS
    head, marker = content.plain.split(ELLIPSIS)
    assert marker == f" [+{10_000 - len(head)} chars]"
    assert escape_line("z" * PREVIEW_LINE_MAX_CHARS).plain == "z" * PREVIEW_LINE_MAX_CHARS
    assert escape_line("[b]x[/]", max_chars=100).plain == "[b]x[/]"


# ---------------------------------------------------------------------------------------------
# Helpers.


def test_join_escapes_str_parts_and_keeps_content() -> None:
    joined = join("Asset: ", display("n\x1b"), " \x07", separator=" | ")
    assert joined.plain == "Asset:  | n\\x1b |  \\x07"
    assert _escaped_segments(joined) == ["\\x1b", "\\x07"]


def test_to_text_keeps_characters_and_styles() -> None:
    text = to_text(display("a\x1bb", style="bold"))
    assert isinstance(text, Text)
    assert text.plain == "a\\x1bb"
    assert [(s.start, s.end, str(s.style)) for s in text.spans] == [
        (0, 6, "bold"),
        (1, 5, ESCAPE_STYLE),
    ]


# ---------------------------------------------------------------------------------------------
# Properties. The example count follows the suite's profile (tests/conftest.py), times 10.

_MANY = settings().max_examples * 10

HOSTILE_ATOMS = [
    "\x1b]0;T\x07", "\x1b]2;T\x1b\\", "\x1b]8;;https://e/\x1b\\", "\x1b]52;c;QQ==\x07", "\x1b[6n",
    "\x1b[2J", "\x1bP", "\x1b_G", "\x9b", "\x9d", "\x90", "\u202e", "\u2066", "\x00", "\x07",
    "\x08", "\r", "\n", "\r\n", "\t", "\ud800", "\u200b", "\ufeff", "\u2028", "\u00ad", "[b]",
    "[/]", "[@click=app.quit]x[/]", "[link=https://e]x[/link]", "\\", "\\x1b", "中", "📊",
    "e\u0301", "\u2764\ufe0f", "…", " [+3 chars]",
]  # fmt: skip

any_text = st.one_of(
    st.text(st.characters(exclude_categories=())),  # includes lone surrogates
    st.binary().map(lambda b: b.decode("utf-8", "surrogateescape")),
    st.binary().map(lambda b: b.decode("latin-1")),  # C1 controls
    st.lists(st.one_of(st.sampled_from(HOSTILE_ATOMS), st.text(max_size=5))).map("".join),
)


@settings(max_examples=_MANY)
@given(text=any_text, multiline=st.booleans())
@example(text="\x1b" * 3000, multiline=True)
@example(text="a\tb" * 300, multiline=False)
def test_property_safe_idempotent_and_faithful(text: str, multiline: bool) -> None:
    content = display(text, multiline=multiline)
    shown = content.plain
    # no forbidden code point reaches a widget; always encodable
    assert is_safe(shown, multiline=multiline)
    shown.encode("utf-8")
    # idempotent: escaping the escaped text again changes nothing
    assert display(shown, multiline=multiline).plain == shown
    assert plain(plain(text, multiline=multiline), multiline=multiline) == plain(
        text, multiline=multiline
    )
    # spans stay inside the text and only dim (or the caller's style)
    assert all(
        0 <= s.start < s.end <= len(shown) and s.style == ESCAPE_STYLE for s in content.spans
    )
    # changes the text iff the text had something to escape (when nothing is cut)
    full = display(text, multiline=multiline, max_cells=UNLIMITED, max_chars=UNLIMITED)
    assert (full.plain != text) == (not is_safe(text, multiline=multiline))
    assert full.plain == plain(text, multiline=multiline)
    if not multiline:
        assert cell_len(shown) <= NAME_MAX_CELLS
    else:
        assert len(shown) <= DESCRIPTION_MAX_CHARS


@settings(max_examples=_MANY)
@given(text=any_text, max_cells=st.integers(min_value=-2, max_value=120))
def test_property_single_line_fits(text: str, max_cells: int) -> None:
    content = display(text, max_cells=max_cells)
    assert cell_len(content.plain) <= max(0, max_cells)
    assert "\n" not in content.plain
    assert display(content.plain, max_cells=max_cells).plain == content.plain
    if cell_len(plain(text)) <= max_cells and len(plain(text)) <= 4 * max_cells:
        assert content.plain == plain(text)  # nothing cut when it fits
    else:
        assert content.plain.endswith(ELLIPSIS) or max_cells < 1


@settings(max_examples=_MANY)
@given(text=any_text, max_chars=st.integers(min_value=20, max_value=400))
def test_property_char_caps(text: str, max_chars: int) -> None:
    for content in (
        display(text, multiline=True, max_chars=max_chars),
        escape_line(text, max_chars=max_chars),
    ):
        assert len(content.plain) <= max_chars
        assert is_safe(content.plain, multiline=True)
    capped = display(text, multiline=True, max_chars=max_chars).plain
    assert display(capped, multiline=True, max_chars=max_chars).plain == capped
