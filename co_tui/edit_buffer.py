"""Server text as editable text and back, losing nothing: a reversible codec with no UI.

An edit field must show a server string so that the user can change part of it, and hand back
exactly the characters the user did not delete. Most characters go into the widget as they are,
including those that are harmless on a terminal and needed by real text (zero-width joiner inside
an emoji, zero-width non-joiner in Persian, LRM/RLM/ALM, soft hyphen, variation selectors,
combining marks). The *dangerous* ones (C0 and C1 controls, ESC, DEL, bidi embeddings, overrides
and isolates U+202A-U+202E and U+2066-U+2069, line/paragraph separators and lone surrogates) must
never reach the terminal, so each becomes one *placeholder*: a single code point from a reserved
block of Plane 16's private use area. One code point for one character, so deleting the
placeholder deletes exactly the character it stands for, and the widget draws each placeholder
as a visible symbol (:func:`glyph`).

A real character that falls in the reserved block (very rare: Plane 16 private use) is written
as :data:`MARK` followed by itself, so ``decode(encode(s)) == s`` for every ``str``.
:func:`unit_bounds` tells a widget where such a two-code-point unit starts and ends, so that one
key press removes the whole unit. ``decode`` accepts any text (a lone ``MARK`` stands for itself).

In a multi-line field (``multiline=True``) newlines and tabs are kept as they are: the text area
splits lines on ``\\n`` only and draws a tab as spaces. Every other line break a text area would
split on (CR, VT, FF, FS/GS/RS, NEL, U+2028/U+2029) is a placeholder, so the text area never
rewrites line endings.
"""

from __future__ import annotations

import re
from typing import Final

__all__ = [
    "MARK",
    "RESERVED_END",
    "RESERVED_START",
    "decode",
    "encode",
    "glyph",
    "has_placeholders",
    "is_dangerous",
    "is_placeholder",
    "placeholder_name",
    "shield",
    "unit_bounds",
]

_DANGEROUS_RANGES: Final = (
    (0x0000, 0x001F),  # C0 controls, ESC, TAB, LF, CR
    (0x007F, 0x009F),  # DEL and C1 controls
    (0x202A, 0x202E),  # bidi embeddings and overrides
    (0x2066, 0x2069),  # bidi isolates
    (0x2028, 0x2029),  # line and paragraph separators
    (0xD800, 0xDFFF),  # lone surrogates
)
_DANGEROUS: Final[tuple[int, ...]] = tuple(
    code for low, high in _DANGEROUS_RANGES for code in range(low, high + 1)
)
_INDEX: Final[dict[int, int]] = {code: index for index, code in enumerate(_DANGEROUS)}

RESERVED_START: Final = 0x10F000
"""First placeholder code point (Supplementary Private Use Area-B)."""
MARK: Final = chr(RESERVED_START + len(_DANGEROUS))
"""Written before a real character of the reserved block, which then stands for itself."""
RESERVED_END: Final = ord(MARK)
"""Last reserved code point (the mark), inclusive."""

_MULTILINE_KEPT: Final = "\n\t"

_PLACEHOLDER: Final[dict[str, str]] = {
    chr(code): chr(RESERVED_START + index) for index, code in enumerate(_DANGEROUS)
}
_ORIGINAL: Final[dict[str, str]] = {value: key for key, value in _PLACEHOLDER.items()}


def _class(ranges: tuple[tuple[int, int], ...]) -> str:
    return "".join(f"\\U{low:08x}-\\U{high:08x}" for low, high in ranges)


_RESERVED_CLASS: Final = f"\\U{RESERVED_START:08x}-\\U{RESERVED_END:08x}"
_ENCODE_SINGLE: Final = re.compile(f"[{_class(_DANGEROUS_RANGES)}{_RESERVED_CLASS}]")
_ENCODE_MULTI: Final = re.compile(
    f"(?![{_MULTILINE_KEPT}])[{_class(_DANGEROUS_RANGES)}{_RESERVED_CLASS}]"
)
_DECODE: Final = re.compile(f"{re.escape(MARK)}[\\s\\S]|[{_RESERVED_CLASS}]")


def is_dangerous(char: str, *, multiline: bool = False) -> bool:
    """True when ``char`` (one code point) must not be drawn raw in an edit field."""
    if multiline and char in _MULTILINE_KEPT:
        return False
    return char in _PLACEHOLDER


def is_placeholder(char: str) -> bool:
    """True when ``char`` is a placeholder (a reserved code point other than :data:`MARK`)."""
    return char in _ORIGINAL


def _encode_one(match: re.Match[str]) -> str:
    char = match.group()
    placeholder = _PLACEHOLDER.get(char)
    return placeholder if placeholder is not None else MARK + char


def encode(text: str, *, multiline: bool = False) -> str:
    """``text`` (from the server) as editable text: no dangerous character left in it."""
    pattern = _ENCODE_MULTI if multiline else _ENCODE_SINGLE
    if pattern.search(text) is None:
        return text
    return pattern.sub(_encode_one, text)


def _shield_one(match: re.Match[str]) -> str:
    return _PLACEHOLDER.get(match.group(), match.group())


def shield(text: str, *, multiline: bool = False) -> str:
    """Replace any dangerous character left in editable ``text`` by its placeholder.

    Unlike :func:`encode` it leaves reserved code points alone, so it changes nothing in text
    that is already editable: a widget applies it to every value it is given, as a safety net.
    """
    pattern = _ENCODE_MULTI if multiline else _ENCODE_SINGLE
    if pattern.search(text) is None:
        return text
    return pattern.sub(_shield_one, text)


def _decode_one(match: re.Match[str]) -> str:
    found = match.group()
    if len(found) == 2:
        return found[1]
    return _ORIGINAL.get(found, found)  # a lone MARK stands for itself


def decode(text: str) -> str:
    """Editable text back to the string to send: each placeholder becomes its character."""
    if _DECODE.search(text) is None:
        return text
    return _DECODE.sub(_decode_one, text)


_RESERVED: Final = re.compile(f"[{_RESERVED_CLASS}]")


def has_placeholders(editable: str) -> bool:
    """True when ``editable`` shows a placeholder (or an escaped reserved character)."""
    return _RESERVED.search(editable) is not None


def unit_bounds(text: str, index: int) -> tuple[int, int]:
    """The ``(start, end)`` of the editable unit holding ``text[index]``: two code points for an
    escaped reserved character (:data:`MARK` and the character), else one."""
    if MARK not in text:
        return index, index + 1
    position = 0
    while position < len(text):
        size = 2 if text[position] == MARK and position + 1 < len(text) else 1
        if position + size > index:
            return position, position + size
        position += size
    return index, index + 1


_NAMES: Final[dict[int, str]] = {
    0x202A: "LRE", 0x202B: "RLE", 0x202C: "PDF", 0x202D: "LRO", 0x202E: "RLO",
    0x2066: "LRI", 0x2067: "RLI", 0x2068: "FSI", 0x2069: "PDI", 0x2028: "LS", 0x2029: "PS",
}  # fmt: skip


def placeholder_name(char: str) -> str:
    """A short name for what placeholder ``char`` stands for (``ESC``, ``RLO``, ``U+0085``)."""
    original = _ORIGINAL.get(char)
    if original is None:
        return f"U+{ord(char):04X}"
    code = ord(original)
    c0 = ("NUL SOH STX ETX EOT ENQ ACK BEL BS TAB LF VT FF CR SO SI DLE DC1 DC2 DC3 DC4 NAK "
          "SYN ETB CAN EM SUB ESC FS GS RS US").split()
    if code < 0x20:
        return c0[code]
    if code == 0x7F:
        return "DEL"
    return _NAMES.get(code, f"U+{code:04X}")


def glyph(char: str) -> str:
    """The one-cell symbol a widget draws for reserved code point ``char``.

    C0 controls and DEL use the Unicode control pictures (``␛`` for ESC, ``␉`` for a tab); bidi
    controls ``⇄``; other C1 controls, separators and surrogates ``⍰``; :data:`MARK` ``⁑``.
    """
    original = _ORIGINAL.get(char)
    if original is None:
        return "⁑" if char == MARK else "⍰"
    code = ord(original)
    if code < 0x20:
        return chr(0x2400 + code)
    if code == 0x7F:
        return "␡"
    if 0x202A <= code <= 0x202E or 0x2066 <= code <= 0x2069:
        return "⇄"
    return "⍰"
