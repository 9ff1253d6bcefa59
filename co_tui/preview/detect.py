"""Is it text or binary, and in which encoding? (docs/reliability.md, 'Preview limits'.)

The rules, in order, for a chunk that starts at offset 0:

1. A known format recognised by its magic bytes (:mod:`co_tui.preview.formats`) is binary, even
   when it starts with text (PDF, NRRD, MATLAB headers).
2. A UTF-32 or UTF-16 byte-order mark means text in that encoding, NULs and all (unless the
   decoded text is mostly control characters).
3. A NUL byte in the first 8 KiB means binary.
4. Otherwise count the *non-text* bytes of the first 8 KiB: C0 control characters other than
   tab, newline, vertical tab, form feed, carriage return and escape (ANSI-coloured logs are
   text), DEL, and, unless the prefix is valid UTF-8, high bytes that are not part of a valid
   UTF-8 sequence. More than 30% means binary, except that a prefix with (almost) no control
   characters is taken as text in a legacy 8-bit encoding (Cyrillic or Greek Windows code pages
   are mostly high bytes).

Text encoding: a BOM decides; else UTF-8 if the bytes are valid UTF-8 (a multibyte sequence cut
off by the end of the read does not count against it); else UTF-8 with the bad bytes replaced
when the valid multibyte sequences outnumber the stray high bytes (a UTF-8 file with a few
corrupt bytes); else Windows-1252, the superset of Latin-1 that browsers use for "latin-1" (so
``0x80``-``0x9F`` become printable quotes and dashes rather than C1 controls).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from co_tui.preview.formats import identify
from co_tui.preview.limits import BINARY_RATIO, SNIFF_BYTES
from co_tui.preview.preview_model import FormatInfo

__all__ = ["BOMS", "Detection", "classify", "sniff_encoding", "utf8_prefix_valid"]

BOMS: tuple[tuple[bytes, str], ...] = (
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)
"""Byte-order marks, longest first (the UTF-32-LE mark starts with the UTF-16-LE one)."""

_CONTROLS = bytes(b for b in range(32) if b not in b"\t\n\x0b\x0c\r\x1b") + b"\x7f"
_ASCII = bytes(range(128))
_UTF8_SEQUENCE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]"
    rb"|\xe0[\xa0-\xbf][\x80-\xbf]|[\xe1-\xec\xee\xef][\x80-\xbf]{2}|\xed[\x80-\x9f][\x80-\xbf]"
    rb"|\xf0[\x90-\xbf][\x80-\xbf]{2}|[\xf1-\xf3][\x80-\xbf]{3}|\xf4[\x80-\x8f][\x80-\xbf]{2}"
)
_ENCODING_SAMPLE = 64 * 1024
_LEGACY_CONTROL_RATIO = 0.01


@dataclass(frozen=True, slots=True)
class Detection:
    """What :func:`classify` found.

    ``binary`` with an optional recognised ``format``; for text, the ``encoding`` and the length
    of its byte-order mark (``bom``). ``reason`` says why (``"NUL byte at offset 12"``).
    """

    binary: bool
    format: FormatInfo | None = None
    encoding: str = "utf-8"
    bom: int = 0
    reason: str = ""


def classify(
    data: bytes, name: str = "", *, at_start: bool = True, at_end: bool = False
) -> Detection:
    """Classify a chunk of a file. ``at_start`` is False for a chunk read from the middle of a
    file, where magic numbers and byte-order marks mean nothing; ``at_end`` is True when the
    chunk ends the file (so a multibyte sequence cut off at its end is really broken)."""
    if at_start:
        info = identify(data, name)
        if info is not None:
            return Detection(binary=True, format=info, reason=f"recognised as {info.label}")
        for bom, encoding in BOMS:
            if data.startswith(bom):
                if encoding != "utf-8" and _mostly_controls(data[len(bom) : SNIFF_BYTES], encoding):
                    break
                return Detection(binary=False, encoding=encoding, bom=len(bom), reason="BOM")
    sample = data[:SNIFF_BYTES]
    nul = sample.find(b"\x00")
    if nul >= 0:
        return Detection(binary=True, reason=f"NUL byte at offset {nul:,}")
    if sample:
        controls = len(sample) - len(sample.translate(None, _CONTROLS))
        odd = controls
        if not utf8_prefix_valid(sample):
            odd += _stray_high_bytes(sample)
        ratio = odd / len(sample)
        if ratio > BINARY_RATIO and (
            odd == controls or controls / len(sample) > _LEGACY_CONTROL_RATIO
        ):
            return Detection(binary=True, reason=f"{ratio:.0%} non-text bytes")
    return Detection(binary=False, encoding=sniff_encoding(data, at_end=at_end), reason="text")


def sniff_encoding(data: bytes, *, at_end: bool = False) -> str:
    """The encoding of BOM-less text: ``"utf-8"`` or ``"cp1252"`` (see the module docstring)."""
    sample = data[:_ENCODING_SAMPLE]
    if utf8_prefix_valid(sample):
        if not (at_end and len(sample) == len(data)):
            return "utf-8"
        try:
            sample.decode("utf-8")
        except UnicodeDecodeError:
            pass  # a sequence cut off by the end of the file: broken, weigh it below
        else:
            return "utf-8"
    stray = _stray_high_bytes(sample)
    valid = len(sample.translate(None, _ASCII)) - stray
    return "utf-8" if valid >= stray else "cp1252"


def utf8_prefix_valid(data: bytes) -> bool:
    """True when ``data`` is valid UTF-8, allowing one sequence cut off at the very end."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc.end == len(data) and exc.reason == "unexpected end of data"
    return True


def _stray_high_bytes(data: bytes) -> int:
    """High bytes that are not part of a valid UTF-8 sequence."""
    high = len(data.translate(None, _ASCII))
    if not high:
        return 0
    in_sequences = sum(len(match) for match in _UTF8_SEQUENCE.findall(data))
    return high - in_sequences


def _mostly_controls(data: bytes, encoding: str) -> bool:
    """A BOM followed by something that does not decode to text (random bytes after FF FE)."""
    unit = 4 if "32" in encoding else 2
    data = data[: len(data) - len(data) % unit]
    if not data:
        return False
    try:
        text = data.decode(encoding, "surrogatepass")
    except UnicodeDecodeError:  # UTF-32 code units above U+10FFFF
        return True
    odd = sum(1 for ch in text if (ch < " " and ch not in "\t\n\r\x0b\x0c\x1b") or ch == "\x7f")
    return odd / len(text) > BINARY_RATIO
