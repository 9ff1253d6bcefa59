"""Fault injection and latency, through the in-process transport."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable, MutableMapping
from typing import Any

import httpx
import pytest

from co_tui.emulator import Emulator, FaultSpec
from co_tui.emulator.faults import FaultInjector
from tests.emulator.emulator_seed import aid

# -- FaultSpec --------------------------------------------------------------------------------


def test_parse_everything() -> None:
    spec = FaultSpec.parse("429=0.1,500=0.05,502=0.05,503=0.05,reset=0.02,truncate=0.02,"
                           "lost=0.02,slow=0.05,seed=7,retry_after=1,slow_ms=3000,scope=api")
    assert spec.rates == {"429": 0.1, "500": 0.05, "502": 0.05, "503": 0.05, "reset": 0.02,
                          "truncate": 0.02, "lost": 0.02, "slow": 0.05}
    assert (spec.seed, spec.retry_after, spec.slow_ms, spec.scope) == (7, 1, 3000.0, "api")


def test_parse_defaults_and_options() -> None:
    assert FaultSpec.parse("") == FaultSpec()
    spec = FaultSpec.parse(" drip=0.5 , retry_after=none, scope=ALL,504=0.1 ")
    assert spec.rates == {"drip": 0.5, "504": 0.1}
    assert spec.retry_after is None and spec.scope == "all"


@pytest.mark.parametrize("text", ["nope=0.1", "429=x", "429", "429=1.5", "429=0.6,500=0.6",
                                  "scope=mars", "seed=x", "retry_after=soon", "slow_ms=-1"])
def test_parse_errors(text: str) -> None:
    with pytest.raises(ValueError):
        FaultSpec.parse(text)


def test_random_faults_are_reproducible() -> None:
    spec = FaultSpec.parse("503=0.3,reset=0.2,seed=42")
    runs = []
    for _ in range(2):
        injector = FaultInjector(spec)
        runs.append([injector.pick("api", "GET", "/x") for _ in range(200)])
    assert runs[0] == runs[1]
    counts = {kind: runs[0].count(kind) for kind in ("503", "reset", None)}
    assert 40 <= counts["503"] <= 80 and 20 <= counts["reset"] <= 60
    files_only = FaultInjector(FaultSpec(rates={"503": 1.0}, scope="files"))
    assert files_only.pick("api", "GET", "/x") is None
    assert files_only.pick("files", "GET", "/x") == "503"


def test_forced_faults_match_method_and_path() -> None:
    injector = FaultInjector()
    injector.inject("500", times=2, method="post", path_contains="/search")
    assert injector.pick("api", "GET", "/api/v1/data_assets/search") is None
    assert injector.pick("api", "POST", "/api/v1/data_assets/x") is None
    assert injector.pick("api", "POST", "/api/v1/data_assets/search") == "500"
    assert injector.pick("files", "POST", "/search") == "500"
    assert injector.pick("api", "POST", "/search") is None
    assert injector.history == [("500", "POST", "/api/v1/data_assets/search"),
                                ("500", "POST", "/search")]
    with pytest.raises(ValueError):
        injector.inject("teapot")


# -- each kind, in process --------------------------------------------------------------------


@pytest.mark.parametrize("status", ["500", "502", "503", "504"])
async def test_status_faults(main: httpx.AsyncClient, emu: Emulator, status: str) -> None:
    emu.faults.inject(status)
    response = await main.get(f"data_assets/{aid(1)}")
    assert response.status_code == int(status) and "injected" in response.json()["message"]
    assert (await main.get(f"data_assets/{aid(1)}")).status_code == 200


async def test_429_with_and_without_retry_after(main: httpx.AsyncClient, emu: Emulator) -> None:
    emu.faults.inject("429")
    response = await main.get(f"data_assets/{aid(1)}")
    assert response.status_code == 429 and response.headers["retry-after"] == "1"
    emu.faults.spec = FaultSpec(retry_after=None)
    emu.faults.inject("429")
    response = await main.get(f"data_assets/{aid(1)}")
    assert response.status_code == 429 and "retry-after" not in response.headers


async def test_reset_drops_before_any_response(main: httpx.AsyncClient, emu: Emulator) -> None:
    emu.faults.inject("reset", method="PATCH")
    with pytest.raises(httpx.RemoteProtocolError):
        await main.patch(f"data_assets/{aid(2)}/archive?archive=true")
    assert emu.write_log == []   # a reset request never reaches the app
    assert (await main.get(f"data_assets/{aid(2)}")).status_code == 200


async def test_truncate_sends_headers_then_part_of_the_body(main: httpx.AsyncClient,
                                                            emu: Emulator) -> None:
    emu.faults.inject("truncate")
    async with main.stream("GET", f"data_assets/{aid(1)}") as response:
        assert response.status_code == 200
        total = int(response.headers["content-length"])
        received = b""
        with pytest.raises(httpx.RemoteProtocolError):
            async for chunk in response.aiter_raw():
                received += chunk
    assert 0 < len(received) == total // 2


async def test_truncated_download(main: httpx.AsyncClient, emu: Emulator,
                                  files_client: httpx.AsyncClient) -> None:
    urls = (await main.get(f"data_assets/{aid(17)}/files/urls", params={"path": "big.bin"})).json()
    emu.faults.inject("truncate", path_contains="big.bin")
    received = 0
    async with files_client.stream("GET", urls["download_url"]) as response:
        size = int(response.headers["content-length"])
        with pytest.raises(httpx.RemoteProtocolError):
            async for chunk in response.aiter_raw():
                received += len(chunk)
    assert received == 1 << 20 and size > received   # capped at 1 MiB


async def test_lost_applies_the_write_but_drops_the_answer(main: httpx.AsyncClient,
                                                           emu: Emulator) -> None:
    emu.faults.inject("lost", method="PUT")
    with pytest.raises(httpx.RemoteProtocolError):
        await main.put(f"data_assets/{aid(1)}", json={"name": "renamed in the dark"})
    assert (await main.get(f"data_assets/{aid(1)}")).json()["name"] == "renamed in the dark"
    assert emu.write_log == [("PUT", f"/api/v1/data_assets/{aid(1)}", 200)]
    emu.faults.inject("lost", method="POST", path_contains="/data_assets")
    with pytest.raises(httpx.RemoteProtocolError):
        await main.post("data_assets", json={"name": "ghost", "tags": [], "mount": "g",
                                             "source": {"aws": {"bucket": "demo-bucket"}}})
    found = (await main.post("data_assets/search", json={"query": "name:ghost"})).json()
    assert len(found["results"]) == 1


async def test_slow_and_latency(make_emulator: Callable[..., Emulator],
                                http: Callable[..., httpx.AsyncClient]) -> None:
    emu = make_emulator(latency_ms=50, faults=FaultSpec(slow_ms=200))
    client = http("main", emulator=emu)
    started = time.monotonic()
    assert (await client.get(f"data_assets/{aid(1)}")).status_code == 200
    assert 0.05 <= time.monotonic() - started < 1.0
    emu.faults.inject("slow")
    started = time.monotonic()
    assert (await client.get(f"data_assets/{aid(1)}")).status_code == 200
    assert 0.25 <= time.monotonic() - started < 2.0


async def test_slow_request_can_be_abandoned(main: httpx.AsyncClient, emu: Emulator) -> None:
    emu.faults.spec = FaultSpec(slow_ms=30_000)
    emu.faults.inject("slow", method="PATCH")
    with pytest.raises(TimeoutError):
        async with asyncio.timeout(0.2):
            await main.patch(f"data_assets/{aid(2)}/archive?archive=true")
    assert emu.write_log == []   # cancelled before the app ran
    assert (await main.get(f"data_assets/{aid(2)}")).status_code == 200


async def test_drip_sends_one_byte_at_a_time(main: httpx.AsyncClient, emu: Emulator) -> None:
    emu.faults.spec = FaultSpec(slow_ms=10)   # 1 ms between bytes
    emu.faults.inject("drip")
    chunks = []
    async with main.stream("GET", "custom_metadata") as response:
        async for chunk in response.aiter_raw():
            chunks.append(chunk)
    body = b"".join(chunks)
    assert len(chunks) == len(body) > 50 and all(len(c) == 1 for c in chunks)
    assert body.startswith(b'{"fields"')


async def test_random_faults_on_the_files_origin_only(
        make_emulator: Callable[..., Emulator], http: Callable[..., httpx.AsyncClient]) -> None:
    emu = make_emulator(faults=FaultSpec(rates={"503": 1.0}, scope="files"))
    client = http("main", emulator=emu)
    urls = (await client.get(f"data_assets/{aid(1)}/files/urls",
                             params={"path": "README.md"})).json()
    async with httpx.AsyncClient(transport=emu.transport()) as files:
        assert (await files.get(urls["view_url"])).status_code == 503


def test_assigning_a_spec_changes_rates_and_reseeds() -> None:
    injector = FaultInjector()
    assert injector.pick("api", "GET", "/x") is None
    injector.spec = FaultSpec(rates={"503": 1.0}, seed=3)
    assert injector.pick("api", "GET", "/x") == "503"
    injector.spec = FaultSpec(rates={"503": 0.5, "reset": 0.5}, seed=9)
    first = [injector.pick("api", "GET", "/x") for _ in range(20)]
    injector.spec = FaultSpec(rates={"503": 0.5, "reset": 0.5}, seed=10)
    injector.spec = FaultSpec(rates={"503": 0.5, "reset": 0.5}, seed=9)
    assert [injector.pick("api", "GET", "/x") for _ in range(20)] == first


async def test_stopping_the_faults_ends_a_drip_in_flight(main: httpx.AsyncClient,
                                                        emu: Emulator) -> None:
    """Faults off means off: a response still dripping sends the rest of its body at once (the
    old switch-off - an empty spec and no forced faults - left it dripping for a minute)."""
    emu.faults.spec = FaultSpec(slow_ms=3000)   # 0.3 s between bytes: ~20 s for this body
    emu.faults.inject("drip")
    started = time.monotonic()
    chunks = []
    async with main.stream("GET", "custom_metadata") as response:
        async for chunk in response.aiter_raw():
            chunks.append(chunk)
            if len(chunks) == 2:
                emu.faults.stop()
    body = b"".join(chunks)
    assert body.startswith(b'{"fields"') and len(body) > 60
    assert json.loads(body)["fields"] is not None
    assert time.monotonic() - started < 2.0
    assert emu.faults.spec.rates == {} and emu.faults.spec.slow_ms == 3000
    assert emu.faults.pick("api", "GET", "/api/v1/custom_metadata") is None


async def test_a_drip_ends_when_the_client_has_gone() -> None:
    """No more bytes once the connection is gone (it used to write the whole body, byte by
    byte, into a closed socket). A fake uvicorn request cycle: a real client's disconnect
    cannot be timed against the drip's bytes."""
    from co_tui.emulator.faults import FaultMiddleware

    async def app(scope: object, receive: object, send: Callable[..., object]) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": []})  # type: ignore[misc]
        await send({"type": "http.response.body", "body": b"x" * 200})  # type: ignore[misc]

    class Cycle:
        disconnected = False
        sent = 0

        async def send(self, message: MutableMapping[str, Any]) -> None:
            self.sent += 1
            self.disconnected = self.sent >= 5   # the client hangs up after a few bytes

    cycle = Cycle()
    injector = FaultInjector(FaultSpec(slow_ms=0))
    injector.inject("drip")
    middleware = FaultMiddleware(app, injector, "api")

    async def receive() -> dict[str, object]:
        return {"type": "http.request", "body": b""}

    await middleware({"type": "http", "method": "GET", "path": "/x"}, receive, cycle.send)
    assert cycle.sent <= 6
