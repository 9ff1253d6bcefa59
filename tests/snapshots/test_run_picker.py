"""Snapshot of the create dialog's run picker: the runs of the capsule co-tui runs in (a running
and a stopped run dimmed with their reasons), and the chosen run's results with a folder opened
and marked."""

from __future__ import annotations

from typing import Any

import pytest
from textual.app import App

from co_tui.api import CodeOceanClient
from co_tui.emulator import Emulator, EmulatorConfig
from co_tui.emulator.seeds.demo_runs import capsule_id
from tests.snapshots.snapshots_helpers import then


class PickerHost(App[None]):
    """Pushes the run picker at the demo's spike-sorting capsule."""

    def __init__(self, client: CodeOceanClient) -> None:
        super().__init__()
        self.client = client

    async def on_mount(self) -> None:
        from co_tui.modals.create_runs import RunPickerScreen

        await self.push_screen(RunPickerScreen(self.client, capsule_id("sort")))

    async def on_unmount(self) -> None:
        await self.client.aclose()


@pytest.fixture
def picker(clock, demo_seed) -> Any:  # type: ignore[no-untyped-def]
    emulator = Emulator(EmulatorConfig(seed="demo", clock=clock), seed_data=demo_seed)
    transport = emulator.transport()
    client = CodeOceanClient(emulator.config.api_origin, emulator.main_token,
                             transport=transport, files_transport=transport)
    return PickerHost(client)


def test_run_picker_120x36(snap_compare, picker) -> None:  # type: ignore[no-untyped-def]
    # open Run 12's results, then open kilosort4/ and mark it
    assert snap_compare(picker, terminal_size=(120, 36),
                        run_before=then("enter", "down", "down", "down", "enter", "space"))


def test_run_picker_80x24(snap_compare, picker) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(picker, terminal_size=(80, 24), run_before=then("enter"))
