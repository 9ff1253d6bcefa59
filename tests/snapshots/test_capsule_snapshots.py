"""Snapshots inside a capsule (the demo's cloud workstation): My Data's header names the capsule
and the "attached" column marks what it has attached; ctrl+a then + asks before attaching."""

from __future__ import annotations

import pytest

from co_tui.emulator.seeds.demo_runs import capsule_id, computation_id
from tests.snapshots.snapshots_helpers import then


@pytest.fixture(autouse=True)
def _in_workstation(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CO_CAPSULE_ID", capsule_id("scanpy"))
    monkeypatch.setenv("CO_COMPUTATION_ID", computation_id("workstation"))


def test_my_data_in_a_capsule_80x24(snap_compare, demo_app) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(demo_app(), terminal_size=(80, 24), run_before=then("j"))


def test_attach_confirmation_80x24(snap_compare, demo_app) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(demo_app(), terminal_size=(80, 24), run_before=then("ctrl+a", "plus"))
