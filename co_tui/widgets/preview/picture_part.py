"""The picture in an image preview: decoded in the document's thread, drawn in half blocks
(or, in a terminal with the Kitty graphics protocol, as Unicode placeholders:
:mod:`co_tui.widgets.preview.kitty_part`).

:func:`picture_parts` runs inside :func:`~co_tui.widgets.preview.document.build_document`,
which the preview panel calls in a worker thread, so Pillow's decoding never blocks the event
loop. :class:`PicturePart` is fitted to the pane (width, and the height the view tells it
through :meth:`PicturePart.fit_view`) with the picture's aspect ratio, and re-fitted when the
pane changes size; each fit costs a few milliseconds (a resize of the already-shrunk picture).

A picture that cannot be decoded shows the reason on one line and the hex view as before.
"""

from __future__ import annotations

from textual.color import Color
from textual.content import Content, Span
from textual.style import Style as VisualStyle

from co_tui.formatting import format_size
from co_tui.preview import BinaryBody, Preview
from co_tui.preview.graphics_mode import PictureMode
from co_tui.preview.limits import IMAGE_BYTES
from co_tui.preview.picture import (
    Picture,
    PictureError,
    decode_picture,
    fit_cells,
    halfblock_cells,
    is_picture,
)
from co_tui.safe_text import display
from co_tui.widgets.preview.parts import MUTED, LinesPart, Part

__all__ = ["PicturePart", "picture_more_line", "picture_parts"]

HALF_BLOCK = "▀"
RESERVED_ROWS = 2
"""Rows of the pane left under the picture, so the line describing it shows too."""


class PicturePart:
    """A decoded picture drawn as half-block cells, fitted to the width and to the view's
    height (:meth:`fit_view`)."""

    def __init__(self, picture: Picture) -> None:
        self.picture = picture
        self._view_rows = 24
        self._key: tuple[int, int] = (-1, -1)
        self._lines: list[Content] = []

    def fit_view(self, rows: int) -> None:
        """The pane is ``rows`` lines tall: the picture takes all but :data:`RESERVED_ROWS`."""
        self._view_rows = max(2, rows - RESERVED_ROWS)

    def _layout(self, width: int) -> list[Content]:
        key = (width, self._view_rows)
        if key != self._key:
            cols, rows = fit_cells(self.picture.image.width, self.picture.image.height,
                                   max(1, width), self._view_rows)
            self._lines = [_cells_line(row) for row in halfblock_cells(self.picture, cols, rows)]
            self._key = key
        return self._lines

    def height(self, width: int) -> int:
        return len(self._layout(width))

    def max_width(self) -> int:
        return 0  # fitted to the width: never scrolls sideways

    def line(self, index: int, width: int) -> Content:
        return self._layout(width)[index]


def _cells_line(row: list[tuple[tuple[int, int, int], tuple[int, int, int]]]) -> Content:
    """One row of half-block cells, one span per run of identical cells."""
    spans: list[Span] = []
    start = 0
    for index in range(1, len(row) + 1):
        if index == len(row) or row[index] != row[start]:
            (ur, ug, ub), (lr, lg, lb) = row[start]
            style = VisualStyle(foreground=Color(ur, ug, ub), background=Color(lr, lg, lb))
            spans.append(Span(start, index, style))
            start = index
    return Content(HALF_BLOCK * len(row), spans)


def picture_parts(preview: Preview, mode: PictureMode) -> list[Part] | None:
    """The picture and a line about it, or ``None`` when ``preview`` is not a picture (or
    pictures are off). When decoding fails: the reason, then the hex view. Blocking: call in a
    thread."""
    from co_tui.widgets.preview.blocks import binary_parts

    if mode == "off" or not is_picture(preview):
        return None
    body = preview.body
    assert isinstance(body, BinaryBody)
    complete = not preview.truncated
    try:
        picture = decode_picture(body.data, complete=complete)
    except PictureError as error:
        message = Content.assemble(("could not draw the picture: ", "bold $text-error"),
                                   display(str(error), style="$text-error"))
        return [LinesPart([message, Content("")]), *binary_parts(body)]
    return [_drawn(picture, mode), LinesPart([Content(""), _about(picture, preview)])]


def _drawn(picture: Picture, mode: PictureMode) -> PicturePart:
    """The part that draws ``picture``: Kitty placeholders (its PNG made here, in the thread)
    or half blocks (also for ``sixel``: see :mod:`co_tui.preview.graphics_mode`)."""
    if mode == "kitty":
        from co_tui.preview.kitty import png_payload
        from co_tui.widgets.preview.kitty_part import KittyPicturePart

        try:
            return KittyPicturePart(picture, png_payload(picture.image))
        except (OSError, ValueError):
            pass  # the PNG could not be made: half blocks still can
    return PicturePart(picture)


def _about(picture: Picture, preview: Preview) -> Content:
    """``PNG · 1,600×1,200 px`` and what is missing or not shown."""
    facts = [f"{picture.format} · {picture.width:,}×{picture.height:,} px"]
    if picture.frames > 1:
        facts.append(f"first of {picture.frames:,} frames")
    if picture.partial:
        read = format_size(len(preview.body.data)) if isinstance(preview.body, BinaryBody) else ""
        facts.append(f"partial: the picture goes on past the {read} read")
    elif preview.truncated:
        facts.append("drawn from the bytes read")
    return Content.styled(" · ".join(facts), MUTED)


def picture_more_line(preview: Preview) -> LinesPart | None:
    """The closing line of a picture larger than what was read: what ``L`` does."""
    if preview.resume is None:
        return None
    total = preview.total_size
    if total is not None and total > IMAGE_BYTES:
        what = f"L loads its first {format_size(IMAGE_BYTES)}"
    else:
        what = "L loads the whole image"
    size = format_size(total) if total is not None else "of unknown size"
    read = format_size(preview.bytes_consumed)
    return LinesPart([Content.assemble(
        ("── ", MUTED),
        (f"the image ({size}) is larger than the {read} preview budget", "bold $warning"),
        (f"  ·  {what} ──", MUTED),
    )])
