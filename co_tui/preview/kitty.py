"""The Kitty graphics protocol with Unicode placeholders: escape sequences as plain strings.

A picture is sent to the terminal once (``a=T`` with a PNG payload, base64 in chunks of at most
4,096 bytes, quiet so the terminal never answers on stdin) together with a *virtual placement*
(``U=1``) of ``c`` columns by ``r`` rows. The picture then appears wherever the application
prints the placeholder character U+10EEEE in the image id's colour: each cell carries its row
and column as combining diacritics, so a line of placeholder cells is ordinary text that can
be drawn, scrolled and clipped line by line. A new size only replaces the virtual placement
(``a=p`` with the same placement id, no pixels sent again); ``a=d,d=I`` frees the image.

Everything here is pure string building: what is written where is the widget's business
(:mod:`co_tui.widgets.preview.kitty_part`). Nothing in these strings comes from the file but
the PNG payload, and that only as base64 (letters, digits, ``+/=``), which cannot end the
escape sequence or start another one.

Protocol reference: kitty's "Terminal graphics protocol", sections "Remote client" (chunking),
"Unicode placeholders" and "Deleting images"; the diacritics are its ``rowcolumn-diacritics.txt``.
"""

from __future__ import annotations

import base64
import io
import random
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PIL.Image import Image as PILImage

__all__ = [
    "CHUNK",
    "DIACRITICS",
    "MAX_CELLS",
    "PAYLOAD_SIDE",
    "PLACEHOLDER",
    "ImageIds",
    "checked_command",
    "delete_image",
    "id_colour",
    "place_image",
    "placeholder_row",
    "png_payload",
    "tmux_wrap",
    "transmit_image",
]

PLACEHOLDER = "\U0010eeee"
"""The character a virtual placement's cells are drawn with."""

CHUNK = 4096
"""Base64 bytes per escape sequence (the protocol's maximum)."""

PAYLOAD_SIDE = 1024
"""The picture is sent at most this many pixels a side; the terminal scales it to the cells.
A pane of 116 x 30 cells is about 1,000 x 540 pixels at a common font size, and every byte
goes through the terminal's input (over SSH too): a 1,024-pixel photo is about 1-2 MB of PNG."""

PLACEMENT = 1
"""The placement id of every virtual placement (one per image: a new size replaces it)."""

# The combining marks that number rows and columns, in order (0, 1, 2 ...), from kitty's
# rowcolumn-diacritics.txt: all of Unicode class Mn with combining class 230 and no
# decomposition, so no font or normaliser merges them with the placeholder.
_DIACRITIC_CODES = """
0305 030D 030E 0310 0312 033D 033E 033F 0346 034A 034B 034C 0350 0351 0352 0357 035B 0363
0364 0365 0366 0367 0368 0369 036A 036B 036C 036D 036E 036F 0483 0484 0485 0486 0487 0592
0593 0594 0595 0597 0598 0599 059C 059D 059E 059F 05A0 05A1 05A8 05A9 05AB 05AC 05AF 05C4
0610 0611 0612 0613 0614 0615 0616 0617 0657 0658 0659 065A 065B 065D 065E 06D6 06D7 06D8
06D9 06DA 06DB 06DC 06DF 06E0 06E1 06E2 06E4 06E7 06E8 06EB 06EC 0730 0732 0733 0735 0736
073A 073D 073F 0740 0741 0743 0745 0747 0749 074A 07EB 07EC 07ED 07EE 07EF 07F0 07F1 07F3
0816 0817 0818 0819 081B 081C 081D 081E 081F 0820 0821 0822 0823 0825 0826 0827 0829 082A
082B 082C 082D 0951 0953 0954 0F82 0F83 0F86 0F87 135D 135E 135F 17DD 193A 1A17 1A75 1A76
1A77 1A78 1A79 1A7A 1A7B 1A7C 1B6B 1B6D 1B6E 1B6F 1B70 1B71 1B72 1B73 1CD0 1CD1 1CD2 1CDA
1CDB 1CE0 1DC0 1DC1 1DC3 1DC4 1DC5 1DC6 1DC7 1DC8 1DC9 1DCB 1DCC 1DD1 1DD2 1DD3 1DD4 1DD5
1DD6 1DD7 1DD8 1DD9 1DDA 1DDB 1DDC 1DDD 1DDE 1DDF 1DE0 1DE1 1DE2 1DE3 1DE4 1DE5 1DE6 1DFE
20D0 20D1 20D4 20D5 20D6 20D7 20DB 20DC 20E1 20E7 20E9 20F0 2CEF 2CF0 2CF1 2DE0 2DE1 2DE2
2DE3 2DE4 2DE5 2DE6 2DE7 2DE8 2DE9 2DEA 2DEB 2DEC 2DED 2DEE 2DEF 2DF0 2DF1 2DF2 2DF3 2DF4
2DF5 2DF6 2DF7 2DF8 2DF9 2DFA 2DFB 2DFC 2DFD 2DFE 2DFF A66F A67C A67D A6F0 A6F1 A8E0 A8E1
A8E2 A8E3 A8E4 A8E5 A8E6 A8E7 A8E8 A8E9 A8EA A8EB A8EC A8ED A8EE A8EF A8F0 A8F1 AAB0 AAB2
AAB3 AAB7 AAB8 AABE AABF AAC1 FE20 FE21 FE22 FE23 FE24 FE25 FE26 10A0F 10A38 1D185 1D186
1D187 1D188 1D189 1D1AA 1D1AB 1D1AC 1D1AD 1D242 1D243 1D244
"""
DIACRITICS: tuple[str, ...] = tuple(chr(int(code, 16)) for code in _DIACRITIC_CODES.split())
"""``DIACRITICS[n]`` marks row or column ``n``."""

MAX_CELLS = len(DIACRITICS)
"""Rows and columns a placement can have (297): larger pictures are fitted within it."""

_ID_LIMIT = 1 << 24
"""Image ids stay below 2**24, so the foreground colour alone carries them."""


class ImageIds:
    """Image ids for one app: unique within it, starting at a random point so two programs in
    the same terminal window are unlikely to pick the same ids (the namespace is the window's).
    Never 0; 24 bits, so the placeholder's true-colour foreground encodes the whole id."""

    def __init__(self, start: int | None = None) -> None:
        first = random.randrange(1, _ID_LIMIT) if start is None else start
        self._next = max(1, first % _ID_LIMIT)

    def new(self) -> int:
        """The next unused id."""
        value = self._next
        self._next = value + 1 if value + 1 < _ID_LIMIT else 1
        return value


def id_colour(image_id: int) -> tuple[int, int, int]:
    """The foreground colour of an image's placeholder cells: the id's three bytes."""
    if not 0 < image_id < _ID_LIMIT:
        raise ValueError(f"image id {image_id} is not a 24-bit id")
    return (image_id >> 16) & 0xFF, (image_id >> 8) & 0xFF, image_id & 0xFF


def placeholder_row(row: int, cols: int) -> str:
    """Row ``row`` of a placement ``cols`` cells wide: each cell is U+10EEEE followed by its
    row and column diacritics. Both are written in every cell (not only the first, as the
    protocol would allow), so a line cut anywhere, or shown from any cell on, still says which
    part of the picture each cell is."""
    if not 0 <= row < MAX_CELLS or not 0 <= cols <= MAX_CELLS:
        raise ValueError(f"row {row} or width {cols} is past the {MAX_CELLS} diacritics")
    mark = DIACRITICS[row]
    return "".join(PLACEHOLDER + mark + DIACRITICS[col] for col in range(cols))


def _command(keys: str, payload: str = "") -> str:
    """One graphics command: ``ESC _ G keys ; payload ESC \\``."""
    return f"\x1b_G{keys};{payload}\x1b\\" if payload else f"\x1b_G{keys}\x1b\\"


def _chunks(data: bytes) -> Iterator[str]:
    encoded = base64.standard_b64encode(data).decode("ascii")
    for start in range(0, len(encoded), CHUNK):
        yield encoded[start : start + CHUNK]


def transmit_image(image_id: int, png: bytes, cols: int, rows: int) -> list[str]:
    """The commands that send ``png`` as image ``image_id`` and create its virtual placement of
    ``cols`` x ``rows`` cells: the first carries all the keys, the others only ``m`` (``m=1``
    on every chunk but the last). Quiet (``q=2``): the terminal sends no answer."""
    _check(image_id, cols, rows)
    pieces = list(_chunks(png)) or [""]
    commands = []
    for index, chunk in enumerate(pieces):
        more = 1 if index < len(pieces) - 1 else 0
        if index == 0:
            keys = (f"a=T,U=1,f=100,t=d,i={image_id},p={PLACEMENT},c={cols},r={rows},"
                    f"C=1,q=2,m={more}")
        else:
            keys = f"m={more}"
        commands.append(_command(keys, chunk))
    return commands


def place_image(image_id: int, cols: int, rows: int) -> str:
    """A new virtual placement of ``cols`` x ``rows`` cells for an image already sent: it
    replaces the old one (same placement id), so a resize sends no pixels."""
    _check(image_id, cols, rows)
    return _command(f"a=p,U=1,i={image_id},p={PLACEMENT},c={cols},r={rows},C=1,q=2")


def delete_image(image_id: int) -> str:
    """Free image ``image_id``: its placements and its data (``d=I``)."""
    id_colour(image_id)
    return _command(f"a=d,d=I,i={image_id},q=2")


def _check(image_id: int, cols: int, rows: int) -> None:
    id_colour(image_id)
    if not (0 < cols <= MAX_CELLS and 0 < rows <= MAX_CELLS):
        raise ValueError(f"{cols}x{rows} cells is not a placement size")


def tmux_wrap(command: str) -> str:
    """``command`` for the terminal outside tmux: a DCS passthrough (``ESC P tmux; ... ESC \\``)
    with every ESC inside doubled. tmux forwards it only with ``allow-passthrough on``."""
    return "\x1bPtmux;" + command.replace("\x1b", "\x1b\x1b") + "\x1b\\"


_COMMAND = re.compile(
    r"\x1b_G[A-Za-z]=[A-Za-z0-9]+(?:,[A-Za-z]=[A-Za-z0-9]+)*(?:;[A-Za-z0-9+/=]*)?\x1b\\")
_TMUX_START = "\x1bPtmux;"


def checked_command(data: str) -> str:
    """``data`` if it is one graphics command as built here (keys, then base64 at most), on its
    own or in tmux's passthrough; else ``ValueError``. The last check before the terminal: no
    other escape sequence, and no byte of a file but base64, can go out this way."""
    inner = data
    if data.startswith(_TMUX_START):
        inner = data[len(_TMUX_START) : -2].replace("\x1b\x1b", "\x1b")
        if tmux_wrap(inner) != data:
            raise ValueError("not a tmux passthrough of one graphics command")
    if _COMMAND.fullmatch(inner) is None:
        raise ValueError("not a graphics command")
    return data


def png_payload(image: PILImage, side: int = PAYLOAD_SIDE) -> bytes:
    """``image`` as PNG bytes, shrunk to at most ``side`` pixels a side. Blocking and
    CPU-bound (tens of milliseconds for a large picture): call it in a thread."""
    from PIL import Image

    if max(image.size) > side:
        image = image.copy()
        image.thumbnail((side, side), Image.Resampling.BILINEAR)
    out = io.BytesIO()
    image.save(out, format="PNG", compress_level=1)
    return out.getvalue()
