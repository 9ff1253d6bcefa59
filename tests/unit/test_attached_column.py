"""The "attached" column's cells and place, and the attach confirmation's body (no app)."""

from __future__ import annotations

from co_tui.api.models import DataAsset
from co_tui.modals.attach_confirm import LINE_CELLS, plan_body
from co_tui.operations.capsule_attached import plan_attach, plan_detach
from co_tui.widgets.asset_columns import (
    ATTACHED_COLUMN,
    ATTACHED_MARK,
    COLUMNS,
    RowContext,
    attached_cell,
    cell_content,
    columns_from_keys,
    layout_columns,
)


def _asset(asset_id: str, state: str = "ready", name: str = "") -> DataAsset:
    return DataAsset(id=asset_id, name=name or f"asset {asset_id}", state=state, size=2048)


def test_the_cell_is_a_glyph_blank_or_unknown() -> None:
    asset = _asset("a")
    assert attached_cell(asset, frozenset({"a"})).plain.strip() == ATTACHED_MARK
    assert attached_cell(asset, frozenset({"b"})).plain.strip() == ""
    assert attached_cell(asset, None).plain.strip() == "?"
    context = RowContext(attached=frozenset({"a"}))
    assert cell_content(asset, "attached", context).plain.strip() == "✓"
    assert cell_content(asset, "attached", RowContext()).plain.strip() == "?"


def test_the_column_follows_the_star_and_stays_at_80_columns() -> None:
    usual = [c.key for c in COLUMNS]
    columns = columns_from_keys([*usual, "attached"])
    assert [c.key for c in columns[:3]] == ["favorite", "attached", "name"]
    assert columns_from_keys([*usual, "attached", "attached"]) == columns  # never twice
    assert ATTACHED_COLUMN in [c for c, _ in layout_columns(78, columns)]
    assert next(c.key for c in columns_from_keys([*usual[1:], "attached"])) == "attached"


def test_the_body_names_what_is_skipped_within_the_dialog_and_escapes_names() -> None:
    hostile = "\x1b[31mred\x07 " + "x" * 200
    assets = [_asset("a", name=hostile), _asset("b"),
              *[_asset(f"d{i}", "draft", name=hostile) for i in range(5)],
              _asset("f", "failed")]
    body = plan_body(plan_attach(assets, frozenset({"b"})))
    lines = body.plain.split("\n")
    assert all(len(line) <= LINE_CELLS for line in lines)
    assert "\x1b" not in body.plain and "\x07" not in body.plain
    assert any(line.startswith("  – 5 draft or still in progress: ") and line.endswith("+4")
               for line in lines)
    assert "  – 1 failed: asset f" in lines and "  – 1 already attached: asset b" in lines
    assert "Skipped, not sent (7):" in lines
    detach = plan_body(plan_detach(assets[:2], frozenset({"b"})))
    assert "  – 1 not attached: " in detach.plain
