"""The edit codec: server text -> editable text -> server text loses nothing, and the editable
text never holds a character that must not reach the terminal."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from co_tui.edit_buffer import (
    MARK,
    RESERVED_START,
    decode,
    encode,
    glyph,
    is_dangerous,
    placeholder_name,
    unit_bounds,
)
from tests.edit_strings import HOSTILE_SAMPLES, hostile_text

MANY = settings(max_examples=600, deadline=None)


def units(editable: str) -> list[str]:
    """The editable text cut into the units one key press deletes."""
    out, index = [], 0
    while index < len(editable):
        start, end = unit_bounds(editable, index)
        assert start == index
        out.append(editable[start:end])
        index = end
    return out


@MANY
@given(hostile_text, st.booleans())
def test_decode_inverts_encode(text: str, multiline: bool) -> None:
    assert decode(encode(text, multiline=multiline)) == text


@MANY
@given(hostile_text, st.booleans())
def test_editable_text_holds_nothing_dangerous(text: str, multiline: bool) -> None:
    editable = encode(text, multiline=multiline)
    assert not any(is_dangerous(char, multiline=multiline) for char in editable)


@MANY
@given(hostile_text, hostile_text, st.booleans())
def test_append(text: str, typed: str, multiline: bool) -> None:
    editable = encode(text, multiline=multiline) + encode(typed, multiline=multiline)
    assert decode(editable) == text + typed


@MANY
@given(hostile_text.filter(bool), st.booleans())
def test_delete_last_unit_deletes_the_last_character(text: str, multiline: bool) -> None:
    editable = encode(text, multiline=multiline)
    start, _ = unit_bounds(editable, len(editable) - 1)
    assert decode(editable[:start]) == text[:-1]


@MANY
@given(hostile_text, st.booleans())
def test_one_unit_per_character(text: str, multiline: bool) -> None:
    pieces = units(encode(text, multiline=multiline))
    assert [decode(piece) for piece in pieces] == list(text)


@settings(max_examples=300, deadline=None)
@given(hostile_text)
def test_decode_accepts_any_text(text: str) -> None:
    decode(text)  # never raises, whatever was pasted or typed between units
    assert decode(text + MARK) == decode(text) + MARK or text.endswith(MARK)


def test_harmless_characters_stay_as_they_are() -> None:
    for sample in [*HOSTILE_SAMPLES[:3], HOSTILE_SAMPLES[6], "a\u0301 \ufe0f"]:
        assert encode(sample) == sample
    assert encode("col1\tcol2\nrow", multiline=True) == "col1\tcol2\nrow"


def test_dangerous_characters_become_one_visible_placeholder_each() -> None:
    editable = encode("a\x1b[2J\u202eb\x9b\t\r\n")
    assert len(editable) == len("a\x1b[2J\u202eb\x9b\t\r\n")
    assert [glyph(c) for c in editable if ord(c) >= RESERVED_START] == list("␛⇄⍰␉␍␊")
    assert [placeholder_name(c) for c in editable if ord(c) >= RESERVED_START] == [
        "ESC", "RLO", "U+009B", "TAB", "CR", "LF"]
    assert encode("x\r\ny", multiline=True)[1] != "\r"  # the text area never sees a CR
