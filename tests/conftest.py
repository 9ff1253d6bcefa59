"""Suite-wide hermetic set-up (docs/architecture.md, 'Hermetic tests')."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from hypothesis import settings

if TYPE_CHECKING:
    from co_tui.api import CodeOceanClient

settings.register_profile("ci", max_examples=300, deadline=None)
settings.register_profile("dev", max_examples=100, deadline=None)
settings.load_profile("ci" if os.environ.get("CI") else "dev")

_ENV_PREFIXES = ("CODEOCEAN_", "CO_CAPSULE", "CO_COMPUTATION", "CO_PIPELINE")
_ENV_NAMES = ("API_TOKEN", "API_SECRET", "CUSTOM_KEY")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run the tests marked ``slow`` first, the rest in their usual order. pytest-xdist hands
    the tests to its workers in this order: a minute-long test collected near the end (the
    fault matrix, mypy) kept one worker busy while the other had nothing left to run."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)


@pytest.fixture(autouse=True)
def _hermetic_env(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No test sees the developer's credentials, config or home folder."""
    for name in list(os.environ):
        if name.startswith(_ENV_PREFIXES) or name in _ENV_NAMES:
            monkeypatch.delenv(name, raising=False)
    home: Path = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local" / "share"))
    monkeypatch.setenv("XDG_STATE_HOME", str(home / ".local" / "state"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / ".cache"))
    yield


# --- the emulator and a client wired to it in-process ---------------------------------------

import httpx  # noqa: E402


class RecordingTransport(httpx.AsyncBaseTransport):
    """Passes every request to a real transport (the emulator) and records what was sent."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.requests: list[httpx.Request] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        await request.aread()
        self.requests.append(request)
        return await self.inner.handle_async_request(request)

    def sent(self, method: str, path_contains: str) -> list[httpx.Request]:
        """Requests with ``method`` whose path contains ``path_contains``."""
        return [r for r in self.requests if r.method == method and path_contains in r.url.path]


class FakeClock:
    """A settable clock for the emulator (draft -> ready, URL expiry)."""

    def __init__(self, now: float = 1_760_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def emulator(clock: FakeClock):  # type: ignore[no-untyped-def]
    """The demo deployment, in memory, with a settable clock."""
    from co_tui.emulator import Emulator, EmulatorConfig

    return Emulator(EmulatorConfig(seed="demo", clock=clock))


@pytest.fixture
def recorder(emulator) -> RecordingTransport:  # type: ignore[no-untyped-def]
    return RecordingTransport(emulator.transport())


@pytest.fixture
def sleeps() -> list[float]:
    return []


def make_client(emulator, transport, sleeps: list[float], token: str | None = None, **kwargs) -> CodeOceanClient:  # type: ignore[no-untyped-def]
    """A CodeOceanClient on the in-process emulator whose backoff sleeps are recorded, not slept."""
    from co_tui.api import CodeOceanClient

    async def fake_sleep(seconds: float) -> None:
        sleeps.append(seconds)

    return CodeOceanClient(
        emulator.config.api_origin,
        token or emulator.main_token,
        transport=transport,
        files_transport=transport,
        sleep=fake_sleep,
        **kwargs,
    )


@pytest.fixture
async def client(emulator, recorder, sleeps):  # type: ignore[no-untyped-def]
    """The main demo user's client, recording requests and backoff sleeps."""
    c = make_client(emulator, recorder, sleeps)
    yield c
    await c.aclose()


@pytest.fixture
async def client_for(emulator, recorder, sleeps):  # type: ignore[no-untyped-def]
    """A factory of clients for other demo users (by e-mail, or any token), closed at teardown."""
    made = []

    def factory(email: str | None = None, *, token: str | None = None, **kwargs):  # type: ignore[no-untyped-def]
        if email is not None:
            token = emulator.tokens[email]
        c = make_client(emulator, recorder, sleeps, token=token, **kwargs)
        made.append(c)
        return c

    yield factory
    for c in made:
        await c.aclose()


@pytest.fixture(scope="session")
def demo_seed():  # type: ignore[no-untyped-def]
    """The demo seed's records, to pick test subjects by their seeded properties."""
    from co_tui.emulator.seeds import load_seed

    return load_seed("demo")
