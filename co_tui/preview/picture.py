"""Pictures: decoding an image preview's bytes with Pillow, and fitting it to a pane.

Pillow is imported on first use, never at start-up, and decoding runs in a worker thread (the
caller's job: :func:`decode_picture` is plain blocking code). The bytes are those the preview
read: at most the ``preview_max_bytes`` budget, or up to :data:`~co_tui.preview.limits.
IMAGE_BYTES` after "load more". A cut-off image that Pillow can still partly decode comes back
with ``partial=True``; anything else that goes wrong raises :class:`PictureError` with a one-line
message (the caller then shows the hex view as before).

Decompression bombs: the size in the header is checked against
:data:`~co_tui.preview.limits.IMAGE_PIXELS` before any pixel is decoded (a 16 MiB PNG can
describe a 100,000 x 100,000 picture), and Pillow's own bomb warning is made an error.
"""

from __future__ import annotations

import io
import struct
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from co_tui.preview.images import bmp, gif, jpeg, png, tiff, webp
from co_tui.preview.limits import IMAGE_PIXELS, IMAGE_WORK_SIDE
from co_tui.preview.preview_model import BinaryBody, Preview, PreviewKind

if TYPE_CHECKING:
    from PIL.Image import Image as PILImage

__all__ = [
    "PICTURE_LABELS",
    "Picture",
    "PictureError",
    "decode_picture",
    "fit_cells",
    "halfblock_cells",
    "is_picture",
]

_PROBES = {"png": png, "jpeg": jpeg, "gif": gif, "tiff": tiff, "webp": webp, "bmp": bmp}
PICTURE_LABELS = frozenset(_PROBES)
"""Image formats drawn as pictures (the ones Pillow reads without plugins)."""

BACKDROP = (24, 24, 24)
"""What transparent pixels are drawn over (close to the dark themes' surface)."""

RGB = tuple[int, int, int]


class PictureError(Exception):
    """The bytes could not be drawn as a picture; ``str(error)`` is one line for the user."""


@dataclass(frozen=True, slots=True)
class Picture:
    """A decoded picture: ``image`` is an RGB Pillow image no larger than
    :data:`~co_tui.preview.limits.IMAGE_WORK_SIDE` on either side; ``width`` and ``height``
    are the file's own size in pixels. ``partial`` is True when the bytes stopped before the
    end of the image data (the rest is blank); ``frames`` is the number of frames when more
    than one (only the first is shown)."""

    image: PILImage
    width: int
    height: int
    format: str
    partial: bool = False
    frames: int = 1


def is_picture(preview: Preview) -> bool:
    """True when ``preview`` is an image whose own bytes (not a compressed copy: a ``.png.gz``
    keeps the gzip bytes) start with a format :func:`decode_picture` draws."""
    body = preview.body
    if preview.kind != PreviewKind.IMAGE or not isinstance(body, BinaryBody):
        return False
    if body.offset != 0 or body.format is None or body.format.label not in _PROBES:
        return False
    return _PROBES[body.format.label](body.data[:64], "") is not None


def decode_picture(data: bytes, *, complete: bool, max_side: int = IMAGE_WORK_SIDE) -> Picture:
    """Decode the first frame of the image in ``data`` (``complete``: nothing of the file is
    missing) and shrink it to at most ``max_side`` pixels a side. Blocking and CPU-bound: call
    it in a thread. Raises :class:`PictureError`."""
    from PIL import Image, ImageFile, UnidentifiedImageError

    warnings.simplefilter("error", Image.DecompressionBombWarning)
    try:
        image: ImageFile.ImageFile = Image.open(io.BytesIO(data))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise PictureError(f"refused: {_bomb_size(exc)} is too many pixels to decode") from exc
    except UnidentifiedImageError as exc:
        raise PictureError("not a picture Pillow can read (corrupt or unsupported)") from exc
    except (OSError, ValueError, SyntaxError, struct.error) as exc:
        raise PictureError(f"the image header is damaged ({_reason(exc)})") from exc
    width, height = image.size
    if image.format == "JPEG":  # decode at 1/2, 1/4 or 1/8 scale straight away
        image.draft("RGB", (max_side, max_side))
    if image.size[0] * image.size[1] > IMAGE_PIXELS:
        raise PictureError(
            f"refused: {width:,}×{height:,} pixels is more than the "
            f"{IMAGE_PIXELS // 1_000_000} megapixels a preview decodes"
        )
    kind = image.format or "image"
    frames = _frames(image) if complete else 1
    partial = False
    try:
        image.load()
    except (OSError, ValueError, SyntaxError, EOFError, struct.error) as exc:
        if complete or getattr(image, "_im", None) is None:
            raise PictureError(f"the image data is damaged ({_reason(exc)})") from exc
        image.tile = []  # keep the rows decoded before the bytes ran out
        partial = True
        try:
            image.load()
        except Exception as again:
            raise PictureError(f"the image data is damaged ({_reason(again)})") from again
    try:
        shown = _flatten(image)
        if max(shown.size) > max_side:
            shown.thumbnail((max_side, max_side), Image.Resampling.LANCZOS, reducing_gap=2.0)
    except (OSError, ValueError) as exc:
        raise PictureError(f"the image could not be converted ({_reason(exc)})") from exc
    return Picture(shown, width, height, kind, partial, frames)


def _reason(exc: BaseException) -> str:
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return text[:120]


def _bomb_size(exc: BaseException) -> str:
    """The pixel count from Pillow's bomb message ("Image size (N pixels) exceeds ...")."""
    text = str(exc)
    if "(" in text and " pixels)" in text:
        number = text.split("(", 1)[1].split(" pixels)", 1)[0]
        if number.isdigit():
            return f"{int(number):,} pixels"
    return "the image size"


def _frames(image: PILImage) -> int:
    try:
        return int(getattr(image, "n_frames", 1))
    except Exception:  # a damaged later frame: the first one is still shown
        return 1


def _flatten(image: PILImage) -> PILImage:
    """RGB, with transparency laid over :data:`BACKDROP` and 16-bit data scaled down."""
    from PIL import Image

    if image.mode in ("I;16", "I;16B", "I;16L", "I", "F"):
        image = image.convert("F") if image.mode != "F" else image
        extrema = image.getextrema()
        low, high = (float(v) for v in extrema) if isinstance(extrema[0], (int, float)) else (
            0.0, 65535.0)
        span = high - low or 1.0
        image = image.point(lambda v: (v - low) * 255.0 / span).convert("L")
    if image.mode == "P" and "transparency" in image.info:
        image = image.convert("RGBA")
    if image.mode in ("RGBA", "LA", "PA", "La", "RGBa"):
        rgba = image.convert("RGBA")
        backdrop = Image.new("RGBA", rgba.size, (*BACKDROP, 255))
        return Image.alpha_composite(backdrop, rgba).convert("RGB")
    return image.convert("RGB") if image.mode != "RGB" else image.copy()


def fit_cells(width: int, height: int, cols: int, rows: int, cell_ratio: float = 2.0) -> tuple[
    int, int
]:
    """The largest ``(columns, rows)`` box within ``cols`` x ``rows`` cells that shows a
    ``width`` x ``height`` picture with its aspect ratio, for cells ``cell_ratio`` times as tall
    as they are wide. Never smaller than one cell; never larger than the picture would be at
    one pixel per half cell for a small picture (icons are not blown up past 4x)."""
    if width <= 0 or height <= 0 or cols <= 0 or rows <= 0:
        return (max(0, min(cols, 1)), max(0, min(rows, 1)))
    scale = min(cols / width, rows * cell_ratio / height, 4.0)
    fitted_cols = max(1, min(cols, round(width * scale)))
    fitted_rows = max(1, min(rows, round(height * scale / cell_ratio)))
    return fitted_cols, fitted_rows


def halfblock_cells(picture: Picture, cols: int, rows: int) -> Iterator[list[tuple[RGB, RGB]]]:
    """Rows of ``cols`` cells, each ``(upper pixel, lower pixel)``, of ``picture`` scaled to
    ``cols`` x ``2 * rows`` pixels (drawn as ``▀`` with the upper colour in front)."""
    from PIL import Image

    source = picture.image
    target = (max(1, cols), max(1, 2 * rows))
    smaller = target[0] <= source.width and target[1] <= source.height
    method = Image.Resampling.BOX if smaller else Image.Resampling.NEAREST
    scaled = source.resize(target, method)
    raw = scaled.tobytes()
    stride = target[0] * 3
    for row in range(rows):
        upper = raw[2 * row * stride : (2 * row + 1) * stride]
        lower = raw[(2 * row + 1) * stride : (2 * row + 2) * stride]
        yield [
            ((upper[i], upper[i + 1], upper[i + 2]), (lower[i], lower[i + 1], lower[i + 2]))
            for i in range(0, stride, 3)
        ]
