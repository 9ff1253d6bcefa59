"""A hex view, one window of rows at a time (16 bytes per row, printable ASCII only).

Rows are formatted on demand: a scrolling view asks for the rows it shows, so a 256 KiB chunk
(16,384 rows) is never formatted all at once.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["ROW_BYTES", "HexRow", "format_row", "hex_row_count", "hex_rows"]

ROW_BYTES = 16

_PRINTABLE = bytes(b if 0x20 <= b < 0x7F else ord(".") for b in range(256))
_HEX_WIDTH = 2 * (8 * 3 - 1) + 2  # two halves of eight "xx" with single spaces, a double gap


@dataclass(frozen=True, slots=True)
class HexRow:
    """One row: its file ``offset``, the ``hex`` column (``"89 50 4e 47 …  …"``, padded to full
    width on a short last row) and the ``ascii`` column (non-printable bytes as ``.``)."""

    offset: int
    hex: str
    ascii: str


def hex_row_count(size: int) -> int:
    """Rows needed for ``size`` bytes."""
    return (size + ROW_BYTES - 1) // ROW_BYTES


def hex_rows(
    data: bytes, start: int = 0, stop: int | None = None, *, base: int = 0
) -> list[HexRow]:
    """Rows ``[start, stop)`` of the hex dump of ``data``, whose first byte is at file offset
    ``base``."""
    total = hex_row_count(len(data))
    stop = total if stop is None else max(0, min(stop, total))
    rows: list[HexRow] = []
    for row in range(max(0, start), stop):
        chunk = data[row * ROW_BYTES : (row + 1) * ROW_BYTES]
        left, right = chunk[:8].hex(" "), chunk[8:].hex(" ")
        text = f"{left}  {right}" if right else left
        rows.append(
            HexRow(
                base + row * ROW_BYTES,
                text.ljust(_HEX_WIDTH),
                chunk.translate(_PRINTABLE).decode("ascii"),
            )
        )
    return rows


def format_row(row: HexRow, offset_digits: int = 8) -> str:
    """``00000000  89 50 4e 47 0d 0a 1a 0a  00 00 00 0d 49 48 44 52  |.PNG........IHDR|``."""
    return f"{row.offset:0{offset_digits}x}  {row.hex}  |{row.ascii}|"
