"""Deterministic snapshots: UTC dates, the in-process demo emulator, workers awaited, no blink."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from typing import Any

import pytest


@pytest.fixture(autouse=True)
def _utc(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.delenv("TZ")
    time.tzset()


@pytest.fixture
def demo_app(clock):  # type: ignore[no-untyped-def]
    """A factory of CoTuiApp instances on the in-process demo emulator (fixed clock)."""
    from co_tui.api import CodeOceanClient
    from co_tui.app import CoTuiApp
    from co_tui.emulator import Emulator, EmulatorConfig
    from co_tui.launch import build_app

    def make(**config: Any) -> CoTuiApp:
        emulator = Emulator(EmulatorConfig(seed="demo", clock=clock, **config))
        transport = emulator.transport()
        client = CodeOceanClient(emulator.config.api_origin, emulator.main_token,
                                 transport=transport, files_transport=transport)
        return build_app(client, demo=True)

    return make


os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")
