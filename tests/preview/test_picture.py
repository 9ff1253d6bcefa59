"""Decoding pictures for the preview (co_tui.preview.picture): formats, partial images, corrupt
ones, decompression bombs, fitting and the renderer choice."""

from __future__ import annotations

import pytest

from co_tui.preview import build_preview
from co_tui.preview.graphics_mode import picture_mode
from co_tui.preview.limits import IMAGE_PIXELS
from co_tui.preview.picture import (
    PictureError,
    decode_picture,
    fit_cells,
    halfblock_cells,
    is_picture,
)
from tests.preview.picture_samples import animated_gif, bomb_png, encode, noisy_png, scene

RED, BLUE, WHITE = (220, 30, 30), (30, 60, 220), (250, 250, 250)


def _close(a: tuple[int, ...], b: tuple[int, ...], tolerance: int = 24) -> bool:
    return all(abs(x - y) <= tolerance for x, y in zip(a, b, strict=True))


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "TIFF", "BMP", "WEBP"])
def test_formats_decode_to_the_same_picture(fmt: str) -> None:
    data = encode(scene(), fmt)
    preview = build_preview(data, name=f"x.{fmt.lower()}", total_size=len(data), at_end=True)
    assert is_picture(preview), preview.title
    picture = decode_picture(data, complete=True)
    assert (picture.width, picture.height, picture.partial) == (160, 100, False)
    image = picture.image
    assert image.mode == "RGB"
    assert _close(image.getpixel((10, 10)), RED)  # type: ignore[arg-type]
    assert _close(image.getpixel((150, 90)), BLUE)  # type: ignore[arg-type]
    assert _close(image.getpixel((80, 50)), WHITE)  # type: ignore[arg-type]


def test_a_gif_shows_its_first_frame_and_counts_the_rest() -> None:
    picture = decode_picture(animated_gif(), complete=True)
    assert picture.frames == 3
    assert _close(picture.image.getpixel((5, 5)), (230, 20, 20))  # type: ignore[arg-type]


def test_a_cut_off_png_decodes_partially() -> None:
    data = noisy_png()
    cut = data[: len(data) // 3]
    picture = decode_picture(cut, complete=False)
    assert picture.partial and (picture.width, picture.height) == (1200, 900)
    # the top rows arrived; the bottom ones did not (blank)
    assert picture.image.getpixel((10, 5)) != (0, 0, 0)
    assert picture.image.getpixel((10, 895)) == (0, 0, 0)


def test_a_complete_file_that_stops_early_is_damaged() -> None:
    data = noisy_png()
    with pytest.raises(PictureError, match="damaged"):
        decode_picture(data[: len(data) // 3], complete=True)


@pytest.mark.parametrize("data", [
    b"\x89PNG\r\n\x1a\n" + b"\x00" * 200,  # a signature and nothing sensible
    encode(scene(), "JPEG")[:30] + b"\xff" * 500,  # a JPEG header gone to garbage
    b"GIF89a\x10\x00\x10\x00" + bytes(range(256)),
])
def test_corrupt_pictures_raise_a_one_line_error(data: bytes) -> None:
    with pytest.raises(PictureError) as caught:
        decode_picture(data, complete=True)
    assert "\n" not in str(caught.value) and str(caught.value)


def test_decompression_bombs_are_refused_before_decoding() -> None:
    data = bomb_png()
    assert len(data) < 100_000
    with pytest.raises(PictureError, match="refused"):
        decode_picture(data, complete=True)
    side = int(IMAGE_PIXELS**0.5) + 10  # over our cap, under Pillow's
    with pytest.raises(PictureError, match="megapixels"):
        decode_picture(bomb_png(side), complete=True)


def test_big_pictures_are_shrunk_in_the_decoding_thread() -> None:
    picture = decode_picture(encode(scene(4000, 1000), "PNG"), complete=True, max_side=1000)
    assert picture.image.size == (1000, 250) and picture.width == 4000


def test_fit_keeps_the_aspect_ratio() -> None:
    # 160x100 px into 100x30 cells of 1:2: height binds (30 rows = 60 px -> 96 cells wide)
    assert fit_cells(160, 100, 100, 30) == (96, 30)
    # width binds for a wide picture
    assert fit_cells(1000, 100, 50, 30) == (50, 2)
    # a small icon is not blown up past 4x
    assert fit_cells(16, 16, 200, 60) == (64, 32)
    assert fit_cells(10, 10, 0, 5) == (0, 1)


def test_halfblock_cells_pair_rows() -> None:
    picture = decode_picture(encode(scene(), "PNG"), complete=True)
    rows = list(halfblock_cells(picture, 16, 5))
    assert len(rows) == 5 and all(len(row) == 16 for row in rows)
    upper, lower = rows[0][0]
    assert _close(upper, RED) and _close(lower, RED)
    assert _close(rows[0][15][0], BLUE)
    assert _close(rows[2][4][0], WHITE)


def test_the_renderer_choice() -> None:
    assert picture_mode({}, headless=True) == "halfblock"
    assert picture_mode({"TERM": "xterm-kitty"}, headless=True) == "halfblock"
    assert picture_mode({"TERM": "xterm-kitty"}) == "kitty"
    assert picture_mode({"TERM": "xterm-kitty", "TMUX": "/tmp/x"}) == "halfblock"
    assert picture_mode({"CO_TUI_IMAGES": "off"}) == "off"
    assert picture_mode({"CO_TUI_IMAGES": "Sixel"}, headless=True) == "sixel"
    assert picture_mode({"CO_TUI_IMAGES": "bogus"}) == "halfblock"


def test_16_bit_greyscale_is_stretched_to_8_bits() -> None:
    from PIL import Image

    image = Image.linear_gradient("L").resize((64, 64)).convert("I")
    image = image.point(lambda v: v * 16).convert("I;16")  # 12-bit data in a 16-bit file
    picture = decode_picture(encode(image, "PNG"), complete=True)
    assert picture.image.getpixel((0, 0)) == (0, 0, 0)
    assert picture.image.getpixel((0, 63))[0] > 240  # type: ignore[index]
