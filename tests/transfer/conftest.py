"""Fixtures for the download tests: the small test asset in process and on loopback sockets."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from co_tui.api import CodeOceanClient
from co_tui.emulator import Emulator, EmulatorConfig
from co_tui.transfer import DownloadEngine
from tests.transfer.loopback import (  # noqa: F401 - the loopback fixtures, by name
    api,
    client,
    engine,
    files,
    hops,
    served,
)
from tests.transfer.transfer_helpers import ConcurrencyProbe, seed


@pytest.fixture
def xfer_emu(clock: Any) -> Iterator[Emulator]:
    """The test asset in an in-process emulator with a settable clock."""
    emu = Emulator(EmulatorConfig(seed="test", clock=clock), seed_data=seed())
    yield emu
    emu.close()


@pytest.fixture
def probe(xfer_emu: Emulator) -> ConcurrencyProbe:
    """The in-process transport, counting concurrent signed-URL bodies and recording requests."""
    return ConcurrencyProbe(xfer_emu.transport(), "files.emulator.test")


@pytest.fixture
async def xfer_client(xfer_emu: Emulator, probe: ConcurrencyProbe,
                      sleeps: list[float]) -> AsyncIterator[CodeOceanClient]:
    """Ada's client on the in-process emulator; retry sleeps are recorded, not slept."""

    async def fake_sleep(seconds: float) -> None:
        sleeps.append(seconds)

    made = CodeOceanClient(xfer_emu.config.api_origin, xfer_emu.main_token, transport=probe,
                           files_transport=probe, sleep=fake_sleep)
    yield made
    await made.aclose()


@pytest.fixture
async def make_engine(xfer_client: CodeOceanClient, sleeps: list[float]
                      ) -> AsyncIterator[Callable[..., DownloadEngine]]:
    """Engines on the in-process client (keyword arguments go to DownloadEngine)."""
    made: list[DownloadEngine] = []

    async def fake_sleep(seconds: float) -> None:
        sleeps.append(seconds)

    def make(on: CodeOceanClient | None = None, **kwargs: Any) -> DownloadEngine:
        kwargs.setdefault("env", {})
        kwargs.setdefault("sleep", fake_sleep)
        made.append(DownloadEngine(on or xfer_client, **kwargs))
        return made[-1]

    yield make
    for each in made:
        await each.aclose()


@pytest.fixture
def dest(tmp_path: Path) -> Path:
    """An empty destination inside an ``outer`` folder (to check nothing lands beside it)."""
    path = tmp_path / "outer" / "dest"
    path.mkdir(parents=True)
    return path
