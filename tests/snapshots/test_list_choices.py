"""Snapshots of My Data's column chooser (``C``) and sort menu (``s``) at 80x24, and the list
with the role and owner columns chosen."""

from __future__ import annotations

from tests.snapshots.snapshots_helpers import then


def test_column_chooser_80x24(snap_compare, demo_app) -> None:  # type: ignore[no-untyped-def]
    # tick the owner column's neighbour, role (8 rows down), to show a ticked and a focused row
    keys = ["C", *["down"] * 8, "space"]
    assert snap_compare(demo_app(), terminal_size=(80, 24), run_before=then(*keys))


def test_sort_menu_80x24(snap_compare, demo_app) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(demo_app(), terminal_size=(80, 24), run_before=then("s", "right"))


def test_my_data_with_chosen_columns_80x24(snap_compare, demo_app) -> None:  # type: ignore[no-untyped-def]
    # keep only the name, owner and role: the chosen columns fit 80 columns
    keys = ["C", "x", *["space", "down"] * 7, "down", "space", "ctrl+s"]
    assert snap_compare(demo_app(), terminal_size=(80, 24), run_before=then(*keys))
