"""Snapshots of the help, the filters dialog and the first-run login screen."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tests.snapshots.snapshots_helpers import settle, then

if TYPE_CHECKING:
    from co_tui.app import CoTuiApp


def test_help_120x36(snap_compare, demo_app) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(demo_app(), terminal_size=(120, 36), run_before=then("question_mark"))


def test_filters_120x36(snap_compare, demo_app) -> None:  # type: ignore[no-untyped-def]
    keys = ["f", "right", "down", "right"]  # the type: dataset, ownership: created by me
    assert snap_compare(demo_app(), terminal_size=(120, 36), run_before=then(*keys))


def test_filters_80x24(snap_compare, demo_app) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(demo_app(), terminal_size=(80, 24), run_before=then("f"))


def _login_app() -> CoTuiApp:
    from co_tui.launch import build_app
    from co_tui.session.login_target import LoginSetup

    return build_app(None, login=LoginSetup(domain="https://codeocean.example.org", save=False))


def test_first_run_login_120x36(snap_compare) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(_login_app(), terminal_size=(120, 36), run_before=settle)


def test_first_run_login_80x24(snap_compare) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(_login_app(), terminal_size=(80, 24), run_before=settle)
