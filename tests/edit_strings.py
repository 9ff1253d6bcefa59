"""Hypothesis strategies for text an edit field must keep exactly: full Unicode, biased toward
the characters that used to be lost (joiners, bidi marks and controls, C0/C1, tabs, soft
hyphens, variation selectors, combining marks) and toward the codec's own reserved code points."""

from __future__ import annotations

from hypothesis import strategies as st

from co_tui.edit_buffer import MARK, RESERVED_END, RESERVED_START

SPECIAL = (
    "\u200d\u200c\u200e\u200f\u061c\u00ad\ufe0e\ufe0f\u0301\u0308\u05b7\u064b"  # harmless
    "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"  # bidi controls
    "\x00\x01\x07\x08\t\n\x0b\x0c\r\x1b\x1f\x7f\x80\x85\x9b\x9c\x9d\x9f"  # C0 / C1 / DEL
    "\u2028\u2029\ufeff\u200b\ud800\udfff"  # separators, BOM, ZWSP, lone surrogates
    "👨👩👧🏳🌈\U000e0067\U000e007f[]\\ "  # emoji parts, tag characters, markup
    + MARK + chr(RESERVED_START) + chr(RESERVED_START + 27) + chr(RESERVED_END - 1)
)

special_chars = st.sampled_from(SPECIAL)
any_char = st.characters(codec=None, min_codepoint=0, max_codepoint=0x10FFFF)
reserved_chars = st.integers(RESERVED_START, RESERVED_END).map(chr)
biased_char = st.one_of(special_chars, special_chars, any_char, reserved_chars)

hostile_text = st.text(biased_char, max_size=40)
"""Server text: anything at all, often hostile."""

HOSTILE_SAMPLES = [
    "The family 👨\u200d👩\u200d👧\u200d👦 and the flag 🏳\ufe0f\u200d🌈",
    "داده\u200cهای پژوهشی\u200c ما",  # Persian with ZWNJ
    "\u05e0\u05ea\u05d5\u05e0\u05d9\u05dd\u200f (v2)",  # Hebrew with RLM
    "col1\tcol2\tcol3",
    "evil\x1b]0;title\x07 and \x1b[2J",
    "file\u202egnp.exe",
    "hyphen\u00adated",
]
"""Representative hostile strings for tests that drive the real dialogs."""
