"""Snapshots of the asset detail screen (overview, files with a preview) and the archive bin."""

from __future__ import annotations

from tests.snapshots.snapshots_helpers import then

OPEN_KILOSORT = ["slash", *"spike sorting kilosort4 ecephys_661398", "enter", "enter"]


def test_detail_overview_120x36(snap_compare, demo_app) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(demo_app(), terminal_size=(120, 36), run_before=then(*OPEN_KILOSORT))


def test_detail_overview_80x24(snap_compare, demo_app) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(demo_app(), terminal_size=(80, 24), run_before=then(*OPEN_KILOSORT))


def test_detail_python_preview_120x36(snap_compare, demo_app) -> None:  # type: ignore[no-untyped-def]
    keys = [*OPEN_KILOSORT, "2", "enter", "j", "j"]
    assert snap_compare(demo_app(), terminal_size=(120, 36), run_before=then(*keys))


def test_archive_bin_120x36(snap_compare, demo_app) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(demo_app(), terminal_size=(120, 36), run_before=then("A"))


def test_detail_file_search_matches_120x36(snap_compare, demo_app) -> None:  # type: ignore[no-untyped-def]
    """``/`` in the Files tab: every path of the asset containing "probea", the match underlined,
    and the walk's summary under the list."""
    keys = [*OPEN_KILOSORT, "2", "slash", *"probea"]
    assert snap_compare(demo_app(), terminal_size=(120, 36), run_before=then(*keys))
