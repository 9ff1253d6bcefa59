"""Pictures drawn with the Kitty graphics protocol: Unicode placeholder cells in the document's
lines, and the graphics commands written to the terminal beside Textual's frames.

:class:`KittyPicturePart` is a :class:`~co_tui.widgets.preview.picture_part.PicturePart` whose
lines are placeholder cells (U+10EEEE with row and column diacritics, in the image id's colour:
:mod:`co_tui.preview.kitty`). They are ordinary text to Textual, so the picture scrolls, is cut
at the pane's edges and is covered by dialogs like any line. The pixels go to the terminal once
per picture, when the part is first laid out; a new size (a resized pane) sends a new virtual
placement of a few dozen bytes, never the pixels again, and repaints send nothing.
:meth:`KittyPicturePart.close` frees the image; the preview widget calls it when it shows
another document and when it goes away.

The commands are written with the app driver's ``write`` (Textual 8.2 has no public call for
raw output; its own clipboard and pointer-shape sequences go the same way). The driver's writer
thread keeps them in order with the frames, outside the compositor, which never sees them.
Until :meth:`KittyPicturePart.attach` gives the part a :class:`KittyOutput` (or when the app
cannot draw placeholders: no true colour, ``NO_COLOR``), it draws half blocks.

While a dialog is open over the preview, Textual tints the screen below it, which changes the
placeholders' colour and so their image id: the picture is hidden until the dialog closes.
"""

from __future__ import annotations

import os
import weakref
from collections.abc import Callable, Iterable
from typing import Any

from textual.app import App
from textual.color import Color
from textual.content import Content, Span
from textual.style import Style as VisualStyle

from co_tui.preview.graphics_mode import in_tmux
from co_tui.preview.kitty import (
    MAX_CELLS,
    ImageIds,
    checked_command,
    delete_image,
    id_colour,
    place_image,
    placeholder_row,
    tmux_wrap,
    transmit_image,
)
from co_tui.preview.picture import Picture, fit_cells
from co_tui.widgets.preview.picture_part import PicturePart

__all__ = ["KittyOutput", "KittyPicturePart", "attach_pictures", "close_pictures", "kitty_output"]


class KittyOutput:
    """Where one app's graphics commands go: ``write`` takes raw terminal output; ``tmux``
    wraps each command in tmux's passthrough. Hands out the app's image ids."""

    def __init__(self, write: Callable[[str], None], *, tmux: bool = False,
                 ids: ImageIds | None = None) -> None:
        self._write = write
        self.tmux = tmux
        self._ids = ids if ids is not None else ImageIds()

    def new_id(self) -> int:
        """An image id no other picture of this app uses."""
        return self._ids.new()

    def send(self, commands: Iterable[str]) -> None:
        """Write ``commands`` (built by :mod:`co_tui.preview.kitty`) to the terminal."""
        for command in commands:
            self._write(tmux_wrap(command) if self.tmux else command)


_OUTPUTS: weakref.WeakKeyDictionary[App[Any], KittyOutput] = weakref.WeakKeyDictionary()


def kitty_output(app: App[Any]) -> KittyOutput | None:
    """The app's :class:`KittyOutput`, or ``None`` when its placeholders would not reach the
    terminal in their exact colour (no true colour, or ``NO_COLOR``)."""
    if app.no_color or app.console.color_system != "truecolor":
        return None
    output = _OUTPUTS.get(app)
    if output is None:
        output = KittyOutput(_driver_writer(app), tmux=in_tmux(os.environ))
        _OUTPUTS[app] = output
    return output


def _driver_writer(app: App[Any]) -> Callable[[str], None]:
    owner = weakref.ref(app)  # the output must not keep the app alive

    def write(data: str) -> None:
        current = owner()
        driver = current._driver if current is not None else None
        if driver is not None:
            command_safe = checked_command(data)  # one graphics command of ours, or raises
            driver.write(command_safe)

    return write


class KittyPicturePart(PicturePart):
    """A picture drawn as Kitty Unicode placeholders (half blocks until attached to an output).
    ``payload`` is the picture as PNG (:func:`co_tui.preview.kitty.png_payload`, made in the
    document's thread)."""

    def __init__(self, picture: Picture, payload: bytes) -> None:
        super().__init__(picture)
        self.payload = payload
        self._output: KittyOutput | None = None
        self._image_id: int | None = None
        self._placed: tuple[int, int] | None = None

    @property
    def image_id(self) -> int | None:
        """The id of the image in the terminal, once sent."""
        return self._image_id

    def attach(self, output: KittyOutput | None) -> None:
        """Draw through ``output`` from now on (``None``: half blocks)."""
        if output is self._output:
            return
        self.close()
        self._output = output
        self._key = (-1, -1)

    def close(self) -> None:
        """Free the image in the terminal (the part may be laid out again: it is re-sent)."""
        if self._output is not None and self._image_id is not None:
            self._output.send([delete_image(self._image_id)])
        self._image_id = None
        self._placed = None
        self._key = (-1, -1)

    def _layout(self, width: int) -> list[Content]:
        output = self._output
        if output is None:
            return super()._layout(width)
        key = (width, self._view_rows)
        if key != self._key:
            cols, rows = fit_cells(self.picture.image.width, self.picture.image.height,
                                   min(max(1, width), MAX_CELLS),
                                   min(self._view_rows, MAX_CELLS))
            image_id = self._place(output, cols, rows)
            style = VisualStyle(foreground=Color(*id_colour(image_id)))
            self._lines = [_placeholder_line(row, cols, style) for row in range(rows)]
            self._key = key
        return self._lines

    def _place(self, output: KittyOutput, cols: int, rows: int) -> int:
        """Send the picture (first time) or a new placement (new size); the image id."""
        if self._image_id is None:
            self._image_id = output.new_id()
            output.send(transmit_image(self._image_id, self.payload, cols, rows))
        elif self._placed != (cols, rows):
            output.send([place_image(self._image_id, cols, rows)])
        self._placed = (cols, rows)
        return self._image_id


def _placeholder_line(row: int, cols: int, style: VisualStyle) -> Content:
    text = placeholder_row(row, cols)
    return Content(text, [Span(0, len(text), style)], cell_length=cols)


def attach_pictures(parts: Iterable[object], output: KittyOutput | None) -> None:
    """Let the Kitty pictures among a document's ``parts`` draw through ``output``."""
    for part in parts:
        if isinstance(part, KittyPicturePart):
            part.attach(output)


def close_pictures(parts: Iterable[object]) -> None:
    """Free the Kitty pictures among a document's ``parts`` (it is no longer shown)."""
    for part in parts:
        if isinstance(part, KittyPicturePart):
            part.close()
