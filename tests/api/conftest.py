"""The client's tests run twice: against a tidy emulator, and against one that answers as oddly
as a real deployment may (``--quirks`` shapes, search lagging writes by 1.5 s).

Modules that build odd shapes of their own from the tidy answers (``OWN_SHAPES = True``) run
once, against the tidy emulator.
"""

from __future__ import annotations

import pytest

from tests.conftest import FakeClock

MODES = ("tidy", "real")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "emulator" in metafunc.fixturenames and not getattr(metafunc.module, "OWN_SHAPES", False):
        metafunc.parametrize("emulator_mode", MODES)


@pytest.fixture
def emulator_mode() -> str:
    """The emulator preset (see ``co_tui.emulator.settings.PRESETS``); tests run in each of MODES."""
    return "tidy"


@pytest.fixture
def emulator(emulator_mode: str, clock: FakeClock):  # type: ignore[no-untyped-def]
    """The demo deployment, in memory, with a settable clock, tidy or as odd as a real one."""
    from co_tui.emulator import Emulator, EmulatorConfig
    from co_tui.emulator.settings import preset

    return Emulator(EmulatorConfig(seed="demo", clock=clock, **preset(emulator_mode)))


@pytest.fixture
def index_catches_up(emulator, clock: FakeClock):  # type: ignore[no-untyped-def]
    """Call it after a write and before a search that must see it: the fake clock moves past the
    emulator's search lag, as time would for a client of a real deployment (no-op when tidy)."""

    def wait() -> None:
        clock.now += emulator.config.search_lag_ms / 1000 + 0.001

    return wait
