"""Bytes → lines, with exact byte accounting so "load more" continues at the right offset.

Decisions:

- Text is decoded with ``surrogateescape`` (UTF-8, Windows-1252) or ``surrogatepass``
  (UTF-16/32), so decoding is exactly reversible and a character position always maps back to a
  byte offset. Bytes that are not valid in the encoding are then shown as U+FFFD (one per byte),
  which is ``errors="replace"`` as far as the reader can tell.
- When the read stopped mid-file, the chunk ends after its last complete line; the cut-off tail
  (and with it any partial multibyte character) is left for the next chunk. A chunk with no
  newline at all (one enormous line) ends after its last complete character instead.
- Lines end at ``\\n`` only; a ``\\r`` before it is dropped (CRLF files). Other line-breaking
  characters (``\\r`` alone, form feed, U+2028...) stay in the line for the sanitiser to show,
  so that line numbers agree with ``wc -l`` and with the highlighter.
- At most :data:`~co_tui.preview.limits.MAX_LINES` lines per chunk; each cut at
  :data:`~co_tui.preview.limits.MAX_LINE_CHARS` characters, recording how many were removed.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from co_tui.preview.limits import MAX_LINE_CHARS, MAX_LINES

__all__ = [
    "DecodedLines",
    "byte_length",
    "complete_end",
    "cut_lines",
    "decode",
    "decode_lines",
    "decode_span",
    "display",
    "errors_for",
    "lines_end",
    "undecodable",
    "unit_of",
]

_SURROGATE = re.compile("[\ud800-\udfff]")
_UNITS_HANDLER = "co_tui.preview.text.replace_units"


def _replace_units(exc: UnicodeError) -> tuple[str, int]:
    """Codec error handler for UTF-16/32: one U+FFFD per bad code unit, so that a decoded
    text re-encodes to exactly as many bytes as it came from."""
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    unit = 4 if "32" in exc.encoding else 2
    return "\ufffd" * max(1, (exc.end - exc.start + unit - 1) // unit), exc.end


codecs.register_error(_UNITS_HANDLER, _replace_units)


def unit_of(encoding: str) -> int:
    """Bytes per code unit: 4 for UTF-32, 2 for UTF-16, else 1."""
    if encoding.startswith("utf-32"):
        return 4
    if encoding.startswith("utf-16"):
        return 2
    return 1


def errors_for(encoding: str) -> str:
    """The error handler for ``encoding`` that keeps byte offsets exact: bad bytes become lone
    surrogates (UTF-8, Windows-1252; :func:`display` shows them as U+FFFD), bad UTF-16/32 code
    units become U+FFFD, one per unit."""
    return _UNITS_HANDLER if unit_of(encoding) > 1 else "surrogateescape"


def decode(data: bytes, encoding: str) -> str:
    """Decode without ever raising; a trailing partial UTF-16/32 code unit (a file that ends
    mid-unit) is dropped."""
    unit = unit_of(encoding)
    if unit > 1 and len(data) % unit:
        data = data[: len(data) - len(data) % unit]
    return data.decode(encoding, errors_for(encoding))


def complete_end(data: bytes, encoding: str) -> int:
    """Length of the longest prefix of ``data`` that does not end inside a character."""
    n = len(data)
    unit = unit_of(encoding)
    if unit > 1:
        n -= n % unit
        if unit == 2 and n >= 2:
            last = data[n - 2 : n]
            high = last[1] if encoding.endswith("le") else last[0]
            if 0xD8 <= high <= 0xDB:  # a high surrogate whose partner is in the next chunk
                n -= 2
        return n
    if encoding != "utf-8":
        return n
    for back in range(1, min(4, n) + 1):
        byte = data[n - back]
        if byte & 0xC0 == 0x80:  # continuation byte: keep looking for the lead byte
            continue
        if byte >= 0xC0:
            need = 2 if byte < 0xE0 else 3 if byte < 0xF0 else 4
            return n - back if back < need else n
        return n
    return n


def byte_length(text: str, encoding: str) -> int:
    """How many bytes ``text`` (decoded by this module) took in the file."""
    if encoding == "utf-8" and text.isascii():
        return len(text)
    errors = "surrogatepass" if unit_of(encoding) > 1 else "surrogateescape"
    return len(text.encode(encoding, errors))


def undecodable(text: str, encoding: str) -> bool:
    """True when ``text`` (decoded by this module from ``encoding``) holds bytes that did not
    decode: lone surrogates for 8-bit encodings, U+FFFD for UTF-16/32 (where a genuine U+FFFD
    in the file is indistinguishable, and is reported too)."""
    if unit_of(encoding) > 1:
        return "\ufffd" in text
    return _SURROGATE.search(text) is not None


def display(text: str) -> str:
    """``text`` with the undecodable bytes (escaped as lone surrogates) shown as U+FFFD."""
    return _SURROGATE.sub("\ufffd", text)


def decode_span(data: bytes, encoding: str, *, at_end: bool) -> tuple[str, int]:
    """Decode ``data`` up to its last complete character (all of it when ``at_end``), and
    return the text (surrogate-escaped, see :func:`display`) and the bytes it covers."""
    end = len(data) if at_end else (complete_end(data, encoding) or len(data))
    return decode(data[:end], encoding), end


def lines_end(data: bytes, encoding: str, *, at_end: bool) -> int:
    """Where a chunk's complete lines end: after its last newline (all of it when ``at_end``;
    after the last complete character when the chunk holds no newline at all)."""
    if at_end:
        return len(data)
    end = _after_last_newline(data, "\n".encode(encoding), unit_of(encoding))
    # With no complete character at all (a 1-3 byte read), take the bytes anyway: every chunk
    # must move "load more" forward.
    return end or complete_end(data, encoding) or len(data)


@dataclass(frozen=True, slots=True)
class DecodedLines:
    """Lines of one chunk: already displayable (U+FFFD for bad bytes) and cut to length.

    ``consumed`` is the number of input bytes they cover, ``more`` is True when complete lines
    were left over because of the line cap, ``invalid`` when some bytes did not decode.
    """

    lines: tuple[str, ...]
    cut: dict[int, int]
    consumed: int
    more: bool
    invalid: bool


def decode_lines(
    data: bytes,
    encoding: str,
    *,
    at_end: bool,
    max_lines: int = MAX_LINES,
    max_chars: int = MAX_LINE_CHARS,
) -> DecodedLines:
    """Split a chunk (without BOM) into at most ``max_lines`` complete lines."""
    end = lines_end(data, encoding, at_end=at_end)
    text = decode(data[:end], encoding)
    more = False
    if text.count("\n", 0, len(text) - 1) >= max_lines:
        pos = -1
        for _ in range(max_lines):
            pos = text.find("\n", pos + 1)
        text = text[: pos + 1]
        end = byte_length(text, encoding)
        more = True
    invalid = undecodable(text, encoding)
    if invalid:
        text = display(text)
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()
    lines, cut = cut_lines(lines, max_chars)
    return DecodedLines(tuple(lines), cut, end, more, invalid)


def cut_lines(
    lines: list[str], max_chars: int = MAX_LINE_CHARS
) -> tuple[list[str], dict[int, int]]:
    """Drop each line's trailing ``\\r`` and cut it at ``max_chars``; returns the lines and the
    ``{index: characters removed}`` map."""
    cut: dict[int, int] = {}
    for i, line in enumerate(lines):
        if line.endswith("\r"):
            line = line[:-1]
            lines[i] = line
        if len(line) > max_chars:
            cut[i] = len(line) - max_chars
            lines[i] = line[:max_chars]
    return lines, cut


def _after_last_newline(data: bytes, newline: bytes, unit: int) -> int:
    """Offset just after the last newline that starts on a code-unit boundary (0 if none)."""
    pos = data.rfind(newline)
    while pos > 0 and pos % unit:
        pos = data.rfind(newline, 0, pos + len(newline) - 1)
    return pos + len(newline) if pos >= 0 else 0
