"""Snapshots of actions the user's role does not allow: dimmed in the footer and in the help,
with the reason (screens/rights_screen.py)."""

from __future__ import annotations

from tests.snapshots.snapshots_helpers import then

OPEN_MERFISH = ["slash", *"MERFISH mouse cortex", "enter", "enter"]
"""The demo user is a viewer of this asset: e is dimmed, D is not."""


def test_viewer_detail_footer_80x24(snap_compare, demo_app) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(demo_app(), terminal_size=(80, 24), run_before=then(*OPEN_MERFISH))


def test_viewer_help_80x24(snap_compare, demo_app) -> None:  # type: ignore[no-untyped-def]
    keys = [*OPEN_MERFISH, "question_mark"]
    assert snap_compare(demo_app(), terminal_size=(80, 24), run_before=then(*keys))


def test_discoverable_detail_80x24(snap_compare, demo_app) -> None:  # type: ignore[no-untyped-def]
    """An asset only discoverable to the demo user: what search shows, the note that the rest
    needs access, D dimmed."""
    keys = ["slash", *"exaSPIM tile overlap", "enter", "enter"]
    assert snap_compare(demo_app(), terminal_size=(80, 24), run_before=then(*keys))
