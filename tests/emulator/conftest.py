"""Fixtures for the emulator tests: emulators on the hand-made seed and in-process clients."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import httpx
import pytest

from co_tui.emulator import Emulator, EmulatorConfig
from tests.emulator.emulator_seed import API, TOKENS, Clock, basic, build_seed


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def make_emulator(clock: Clock) -> Iterator[Callable[..., Emulator]]:
    """Build emulators on the hand-made seed (keyword arguments go to EmulatorConfig)."""
    made: list[Emulator] = []

    def make(**kwargs: Any) -> Emulator:
        kwargs.setdefault("clock", clock)
        emu = Emulator(EmulatorConfig(seed="test", **kwargs), seed_data=build_seed())
        made.append(emu)
        return emu

    yield make
    for emu in made:
        emu.close()


@pytest.fixture
def emu(make_emulator: Callable[..., Emulator]) -> Emulator:
    return make_emulator(ready_delay=5.0)


@pytest.fixture
async def http(emu: Emulator) -> AsyncIterator[Callable[..., httpx.AsyncClient]]:
    """``http("main")`` -> an httpx client on the in-process API as that user (``None``: no auth)."""
    clients: list[httpx.AsyncClient] = []

    def make(who: str | None = "main", *, emulator: Emulator | None = None) -> httpx.AsyncClient:
        target = emulator or emu
        headers = {"Content-Type": "application/json", "Min-Server-Version": "4.8.0"}
        if who is not None:
            headers.update(basic(TOKENS.get(who, who)))
        client = httpx.AsyncClient(transport=target.transport(), base_url=f"{API}/api/v1/",
                                   headers=headers)
        clients.append(client)
        return client

    yield make
    for client in clients:
        await client.aclose()


@pytest.fixture
async def main(http: Callable[..., httpx.AsyncClient]) -> httpx.AsyncClient:
    return http("main")


@pytest.fixture
async def files_client(emu: Emulator) -> AsyncIterator[httpx.AsyncClient]:
    """A client with no auth for signed URLs."""
    client = httpx.AsyncClient(transport=emu.transport())
    yield client
    await client.aclose()


