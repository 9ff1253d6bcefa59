"""The Kitty graphics protocol's escape sequences (co_tui.preview.kitty): chunking, ids, the
placeholder cells' diacritics and colour, deletion, tmux passthrough, and which terminals get
them (co_tui.preview.graphics_mode)."""

from __future__ import annotations

import base64
import io
import re
import unicodedata

import pytest

from co_tui.preview.graphics_mode import in_tmux, picture_mode
from co_tui.preview.kitty import (
    CHUNK,
    DIACRITICS,
    MAX_CELLS,
    PAYLOAD_SIDE,
    PLACEHOLDER,
    ImageIds,
    delete_image,
    id_colour,
    place_image,
    placeholder_row,
    png_payload,
    tmux_wrap,
    transmit_image,
)
from tests.preview.picture_samples import scene

COMMAND = re.compile(
    r"\x1b_G([A-Za-z]=[A-Za-z0-9]+(?:,[A-Za-z]=[A-Za-z0-9]+)*)(?:;([A-Za-z0-9+/=]*))?\x1b\\")


def _parse(command: str) -> tuple[dict[str, str], str]:
    match = COMMAND.fullmatch(command)
    assert match is not None, repr(command[:80])
    keys = dict(pair.split("=", 1) for pair in match.group(1).split(","))
    return keys, match.group(2) or ""


def test_a_payload_is_sent_in_chunks_of_4096_base64_bytes() -> None:
    data = bytes(range(256)) * 40  # 10,240 bytes -> 13,656 base64 characters: 4 chunks
    commands = transmit_image(42, data, 30, 10)
    parsed = [_parse(c) for c in commands]
    assert len(parsed) == 4
    first, _ = parsed[0]
    assert first == {"a": "T", "U": "1", "f": "100", "t": "d", "i": "42", "p": "1", "c": "30",
                     "r": "10", "C": "1", "q": "2", "m": "1"}
    # later chunks carry only m: 1 on all but the last
    assert [keys for keys, _ in parsed[1:]] == [{"m": "1"}, {"m": "1"}, {"m": "0"}]
    chunks = [payload for _, payload in parsed]
    assert all(len(c) == CHUNK for c in chunks[:-1]) and 0 < len(chunks[-1]) <= CHUNK
    assert base64.standard_b64decode("".join(chunks)) == data


def test_a_small_payload_is_one_command() -> None:
    (command,) = transmit_image(7, b"\x89PNG tiny", 1, 1)
    keys, payload = _parse(command)
    assert keys["m"] == "0" and keys["a"] == "T" and keys["U"] == "1"
    assert base64.standard_b64decode(payload) == b"\x89PNG tiny"


def test_a_new_size_is_a_new_placement_and_deletion_frees_the_image() -> None:
    assert place_image(42, 12, 5) == "\x1b_Ga=p,U=1,i=42,p=1,c=12,r=5,C=1,q=2\x1b\\"
    assert delete_image(42) == "\x1b_Ga=d,d=I,i=42,q=2\x1b\\"
    with pytest.raises(ValueError):
        place_image(42, 0, 5)
    with pytest.raises(ValueError):
        transmit_image(42, b"x", MAX_CELLS + 1, 5)


def test_ids_are_24_bit_unique_and_never_zero() -> None:
    ids = ImageIds(start=5)
    assert [ids.new() for _ in range(3)] == [5, 6, 7]
    wrap = ImageIds(start=(1 << 24) - 2)
    assert [wrap.new() for _ in range(3)] == [(1 << 24) - 2, (1 << 24) - 1, 1]
    assert ImageIds(start=0).new() == 1
    randoms = {ImageIds().new() for _ in range(50)}
    assert len(randoms) > 40 and all(0 < i < 1 << 24 for i in randoms)


def test_the_id_is_the_foreground_colour() -> None:
    assert id_colour(0x123456) == (0x12, 0x34, 0x56)
    assert id_colour(42) == (0, 0, 42)
    for bad in (0, 1 << 24, -1):
        with pytest.raises(ValueError):
            id_colour(bad)


def test_the_diacritics_are_kittys_table() -> None:
    assert len(DIACRITICS) == MAX_CELLS == 297 and len(set(DIACRITICS)) == 297
    # the protocol's examples: U+0305 is 0, U+030D is 1, U+030E is 2
    assert [ord(d) for d in DIACRITICS[:3]] == [0x305, 0x30D, 0x30E]
    assert ord(DIACRITICS[-1]) == 0x1D244
    for mark in DIACRITICS:
        assert unicodedata.category(mark) == "Mn" and unicodedata.combining(mark) == 230
        assert unicodedata.decomposition(mark) == ""


def test_placeholder_cells_carry_their_row_and_column() -> None:
    d = DIACRITICS
    # the protocol's 2x2 example: rows (0,0) (0,1) / (1,0) (1,1)
    assert placeholder_row(0, 2) == f"{PLACEHOLDER}{d[0]}{d[0]}{PLACEHOLDER}{d[0]}{d[1]}"
    assert placeholder_row(1, 2) == f"{PLACEHOLDER}{d[1]}{d[0]}{PLACEHOLDER}{d[1]}{d[1]}"
    row = placeholder_row(7, MAX_CELLS)
    cells = [row[i : i + 3] for i in range(0, len(row), 3)]
    assert len(cells) == MAX_CELLS
    assert all(c[0] == PLACEHOLDER and c[1] == d[7] and c[2] == d[n] for n, c in enumerate(cells))
    with pytest.raises(ValueError):
        placeholder_row(MAX_CELLS, 1)


def test_tmux_passthrough_doubles_every_escape() -> None:
    command = delete_image(9)
    wrapped = tmux_wrap(command)
    assert wrapped.startswith("\x1bPtmux;") and wrapped.endswith("\x1b\\")
    inner = wrapped[len("\x1bPtmux;") : -2]
    assert inner.replace("\x1b\x1b", "") == command.replace("\x1b", "")
    assert "\x1b" not in inner.replace("\x1b\x1b", "")


def test_the_payload_is_a_png_no_larger_than_the_cap() -> None:
    from PIL import Image

    data = png_payload(scene(3000, 1500).convert("RGB"))
    with Image.open(io.BytesIO(data)) as image:
        assert image.format == "PNG" and image.size == (PAYLOAD_SIDE, PAYLOAD_SIDE // 2)
    small = png_payload(scene().convert("RGB"))
    with Image.open(io.BytesIO(small)) as image:
        assert image.size == (160, 100)


@pytest.mark.parametrize(("environ", "mode"), [
    ({"TERM": "xterm-kitty"}, "kitty"),
    ({"KITTY_WINDOW_ID": "3"}, "kitty"),
    ({"TERM_PROGRAM": "ghostty"}, "kitty"),
    ({"TERM": "xterm-ghostty"}, "kitty"),
    ({"TERM_PROGRAM": "WezTerm"}, "halfblock"),  # no placeholders in its releases
    ({"TERM": "xterm-256color"}, "halfblock"),
    ({"TERM": "xterm-kitty", "TMUX": "/tmp/tmux-0/default,1,0"}, "halfblock"),
    ({"TERM_PROGRAM": "ghostty", "STY": "1.pts"}, "halfblock"),
    ({"CO_TUI_IMAGES": "kitty", "TMUX": "/tmp/tmux-0/default,1,0"}, "kitty"),
    ({"CO_TUI_IMAGES": "halfblock", "TERM": "xterm-kitty"}, "halfblock"),
])
def test_which_terminals_get_kitty_graphics(environ: dict[str, str], mode: str) -> None:
    assert picture_mode(environ) == mode
    assert picture_mode(environ, headless=True) == (
        mode if "CO_TUI_IMAGES" in environ else "halfblock")


def test_inside_tmux_commands_go_through_passthrough() -> None:
    assert in_tmux({"TMUX": "/tmp/tmux-0/default,1,0"})
    assert not in_tmux({"TERM": "xterm-kitty"})


def test_only_well_formed_commands_pass_the_last_check() -> None:
    from co_tui.preview.kitty import checked_command

    good = [*transmit_image(3, bytes(5000), 4, 2), place_image(3, 5, 5), delete_image(3)]
    for command in good:
        assert checked_command(command) == command
        assert checked_command(tmux_wrap(command)) == tmux_wrap(command)
    for bad in [
        "\x1b]52;c;aGVsbG8=\a",  # the clipboard
        "\x1b_Ga=T;abc\x1b\\\x1b]0;title\a",  # a second sequence after ours
        "\x1b_Ga=T;ab\x1bc\x1b\\",  # an escape inside the payload
        "\x1b_Ga=T;a\nb\x1b\\",
        "\x1b_Ga=T,i=1",  # unterminated
        "\x1bPtmux;\x1b_Ga=d\x1b\\\x1b\\",  # passthrough whose escapes are not doubled
        "plain text",
    ]:
        with pytest.raises(ValueError):
            checked_command(bad)
