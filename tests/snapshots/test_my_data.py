"""Snapshots of My Data (review the SVGs in tests/snapshots/__snapshots__ when they change)."""

from __future__ import annotations

from tests.snapshots.snapshots_helpers import then


def test_my_data_120x36(snap_compare, demo_app) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(demo_app(), terminal_size=(120, 36), run_before=then("j", "j", "space"))


def test_my_data_80x24(snap_compare, demo_app) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(demo_app(), terminal_size=(80, 24), run_before=then())


def test_my_data_search_and_sort_120x36(snap_compare, demo_app) -> None:  # type: ignore[no-untyped-def]
    keys = ["slash", *"tag:raw", "enter", "s", "right", "enter"]  # sort menu: by name
    assert snap_compare(demo_app(), terminal_size=(120, 36), run_before=then(*keys))
