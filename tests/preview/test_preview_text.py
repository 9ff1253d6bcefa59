"""Decoding, line cutting and the byte accounting behind "load more"."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from co_tui.preview import (
    MAX_LINE_CHARS,
    MAX_LINES,
    Preview,
    PreviewKind,
    TextBody,
    build_preview,
    cut_marker,
)
from co_tui.preview.text import complete_end


def _text_body(preview: Preview) -> TextBody:
    assert isinstance(preview.body, TextBody), preview
    return preview.body


def read_all(data: bytes, name: str, chunk: int) -> tuple[list[str], list[Preview]]:
    """Preview ``data`` chunk by chunk through ``resume``, like the UI's "load more"."""
    previews = [
        build_preview(data[:chunk], name=name, total_size=len(data), at_end=chunk >= len(data))
    ]
    lines = list(_text_body(previews[0]).lines)
    while previews[-1].resume is not None:
        resume = previews[-1].resume
        part = data[resume.offset : resume.offset + chunk]
        previews.append(
            build_preview(
                part, name=name, start=resume.offset, total_size=len(data),
                at_end=resume.offset + chunk >= len(data), resume=resume,
            )
        )
        body = _text_body(previews[-1])
        assert body.first_line == len(lines) + 1
        lines += body.lines
        assert len(previews) < 10_000
    return lines, previews


def test_long_line_is_cut_with_a_marker() -> None:
    data = ("x" * 5000 + "\nshort\n").encode()
    preview = build_preview(data, name="a.txt", total_size=len(data), at_end=True)
    body = _text_body(preview)
    assert body.lines == ("x" * MAX_LINE_CHARS, "short")
    assert body.cut == {0: 3000}
    assert cut_marker(body.cut[0]) == "… [+3,000 chars]"
    assert "1 line cut at 2,000 characters" in preview.notes


def test_partial_multibyte_sequence_at_the_end_of_a_prefix() -> None:
    text = "é" * 10 + "\n" + "ü" * 3
    data = text.encode()[:-1]  # the read stopped inside the last "ü"
    preview = build_preview(data, name="a.txt", total_size=len(data) + 100, at_end=False)
    body = _text_body(preview)
    assert body.lines == ("é" * 10,)  # the unfinished last line waits for the next chunk
    assert preview.bytes_consumed == len(("é" * 10 + "\n").encode())
    assert preview.next_offset == preview.bytes_consumed

    one_line = ("é" * 100).encode()[:-1]  # no newline at all: keep the complete characters
    preview = build_preview(one_line, name="a.txt", total_size=1000, at_end=False)
    assert _text_body(preview).lines == ("é" * 99,)
    assert preview.bytes_consumed == len(one_line) - 1
    assert "\ufffd" not in _text_body(preview).lines[0]


def test_complete_end_in_every_encoding() -> None:
    assert complete_end("aé".encode()[:-1], "utf-8") == 1
    assert complete_end("a€".encode()[:-1], "utf-8") == 1
    assert complete_end("a𝄞".encode()[:-2], "utf-8") == 1
    assert complete_end("a𝄞".encode(), "utf-8") == 5
    assert complete_end("ab".encode("utf-16-le")[:-1], "utf-16-le") == 2
    assert complete_end("a𝄞".encode("utf-16-le")[:-2], "utf-16-le") == 2  # lone high surrogate
    assert complete_end("a𝄞".encode("utf-16-be")[:-2], "utf-16-be") == 2
    assert complete_end("ab".encode("utf-32-le")[:-3], "utf-32-le") == 4
    assert complete_end(b"caf\xe9", "cp1252") == 4


def test_crlf_and_other_line_breaks() -> None:
    data = b"one\r\ntwo\r\nthree\rstill three\x0cand this\n"
    body = _text_body(build_preview(data, name="a.txt", total_size=len(data), at_end=True))
    assert body.lines == ("one", "two", "three\rstill three\x0cand this")


def test_invalid_utf8_bytes_become_replacement_characters() -> None:
    data = "température µV ✓\n".encode() * 20 + b"bad \xff\xfe byte\n"
    preview = build_preview(data, name="a.txt", total_size=len(data), at_end=True)
    body = _text_body(preview)
    assert body.encoding == "utf-8"
    assert body.lines[-1] == "bad \ufffd\ufffd byte"
    assert any("\ufffd" in note for note in preview.notes)


def test_latin1_is_decoded_as_windows_1252() -> None:
    data = "Température: 37 °C – café\n".encode("cp1252") * 3
    preview = build_preview(data, name="notes.txt", total_size=len(data), at_end=True)
    body = _text_body(preview)
    assert body.encoding == "cp1252"
    assert body.lines[0] == "Température: 37 °C – café"
    assert any("Windows-1252" in note for note in preview.notes)


def test_utf16_with_bom_and_its_second_chunk() -> None:
    text = "".join(f"ligne {i}: température ✓ 𝄞\r\n" for i in range(3000))
    data = text.encode("utf-16")  # with BOM
    assert data[:2] == b"\xff\xfe"
    lines, previews = read_all(data, "a.txt", 10_001)  # odd chunk size: cut code units
    assert lines == text.split("\r\n")[:-1]
    assert all(_text_body(p).encoding == "utf-16-le" for p in previews)
    assert previews[0].kind is PreviewKind.TEXT
    assert any("UTF-16" in n for n in previews[0].notes)


def test_line_cap_and_load_more_cover_every_line_exactly_once() -> None:
    text = "".join(f"{i:05d} INFO something happened\n" for i in range(12_345))
    data = text.encode()
    first = build_preview(data, name="big.log", total_size=len(data), at_end=True)
    assert len(_text_body(first).lines) == MAX_LINES
    assert first.truncated and first.resume is not None
    assert "stopped after 5,000 lines" in first.notes
    lines, previews = read_all(data, "big.log", 256 * 1024)
    assert lines == text.split("\n")[:-1]
    assert [_text_body(p).first_line for p in previews] == [1, 5001, 10001]
    assert previews[-1].resume is None and not previews[-1].truncated


def test_a_4gib_file_prefix() -> None:
    data = b"2023-03-21T15:00:00.000Z INFO [acquisition] wrote 30000 samples\n" * 5000
    data = data[: 256 * 1024]
    preview = build_preview(data, name="raw/acquisition_4GiB.log", total_size=4 << 30, at_end=False)
    assert preview.kind is PreviewKind.TEXT
    assert preview.truncated
    assert preview.notes[0] == "showing the first 256 KiB of 4 GiB"
    assert data[: preview.bytes_consumed].endswith(b"\n")
    assert preview.bytes_consumed > len(data) - 100


ALPHABET = st.sampled_from(list("ab \tµé€😀\r\n\n\n"))


@settings(max_examples=60, deadline=None)
@given(
    text=st.text(ALPHABET, max_size=3000),
    chunk=st.integers(min_value=64, max_value=2000),
    encoding=st.sampled_from(["utf-8", "utf-16", "utf-32", "cp1252"]),
)
def test_chunks_join_up_to_the_whole_file(text: str, chunk: int, encoding: str) -> None:
    """Whatever the chunk size, the lines of all chunks are the lines of the whole file."""
    if encoding == "cp1252":
        # Only "é" outside ASCII (never valid UTF-8), and one in the first chunk: the encoding
        # is decided on the first chunk.
        text = "é" + "".join(c if c.isascii() else "é" for c in text)
    data = text.encode(encoding)
    if len(text) > 0 and max((len(x) for x in text.split("\n")), default=0) * 4 >= chunk:
        return  # a line longer than a chunk is split across chunks by design
    if not data:
        return
    lines, _ = read_all(data, "a.txt", chunk)
    expected = text.split("\n")
    if expected[-1] == "":
        expected.pop()  # the newline that ends the last line does not start another
    assert lines == [line.removesuffix("\r") for line in expected]
