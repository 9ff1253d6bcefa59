"""Asset states differ by glyph as well as colour (16 colours drew draft and failed alike)."""

from __future__ import annotations

from rich.cells import cell_len

from co_tui.widgets.asset_state import STATE_GLYPHS, STATE_WIDTH, state_content, state_glyph


def test_every_state_has_its_own_one_cell_glyph() -> None:
    glyphs = [state_glyph(state) for state in ("draft", "ready", "failed", "weird", None)]
    assert len(set(glyphs[:3])) == 3 and "?" not in glyphs[:3]
    assert glyphs[3] == glyphs[4] == "?"
    assert all(cell_len(glyph) == 1 for glyph in STATE_GLYPHS.values())


def test_state_content_names_the_state_after_its_glyph_and_fits_the_column() -> None:
    assert state_content("failed").plain == "✗ failed"
    assert state_content("draft").plain == "◔ draft"
    assert state_content(None).plain == "? unknown"
    assert max(state_content(s).cell_length for s in STATE_GLYPHS) == STATE_WIDTH


def test_state_text_from_the_server_is_made_inert() -> None:
    hostile = state_content("\x1b[31mred\x07")
    assert "\x1b" not in hostile.plain and "\x07" not in hostile.plain
    assert hostile.plain.startswith("? ")


def test_ready_can_be_left_uncoloured_for_the_table() -> None:
    assert state_content("ready", plain_ready=True).spans == []
    assert state_content("ready").spans and state_content("draft", plain_ready=True).spans
