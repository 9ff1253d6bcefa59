"""The served emulator of the conformance suite, once per server behaviour.

``served`` is parametrized over :data:`MODES`, names of ``co_tui.emulator.settings.PRESETS``:
``tidy`` (writes reach search at once, tidy JSON) and ``real`` (the ``--quirks --search-lag
1500`` of a CI run: responses carry every odd shape the official SDK reads, and search lags 1.5 s
behind writes). Each test using ``served`` runs once per mode.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from co_tui.emulator import EmulatorConfig, serve_in_thread
from co_tui.emulator.server import ServedEmulator
from co_tui.emulator.settings import preset

MODES = ("tidy", "real")


@pytest.fixture(scope="module", params=MODES)
def served(request: pytest.FixtureRequest) -> Iterator[ServedEmulator]:
    config = EmulatorConfig(seed="demo", ready_delay=0.3, **preset(request.param))
    with serve_in_thread(config) as handle:
        yield handle
