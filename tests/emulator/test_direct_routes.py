"""The routes ApiGate answers without the router (``DirectRoutes``) and the store's read cache.

``DirectRoutes`` must answer exactly what the Starlette router answers for the same request, and
``Store.cached`` must never serve a value read before a write (or from a rolled-back one).
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from co_tui.emulator import Emulator
from co_tui.emulator.api_app import ApiGate, DirectRoutes
from co_tui.emulator.faults import Message
from tests.emulator.emulator_seed import TOKENS, aid

ASSET = "/api/v1/data_assets/"
CASES: list[tuple[str, str, str, str]] = [
    ("GET", f"{ASSET}{aid(1)}/files/urls", "path=README.md", "main"),
    ("GET", f"{ASSET}{aid(1)}/files/urls", "path=/data/raw//sub%20dir/c%20d%2Be.txt", "main"),
    ("GET", f"{ASSET}{aid(1)}/files/urls", "path=data/raw/b.bin&path=README.md", "alan"),
    ("GET", f"{ASSET}{aid(1)}/files/urls", "path=data", "main"),
    ("GET", f"{ASSET}{aid(1)}/files/urls", "path=frames/frame_02499.tif", "main"),
    ("GET", f"{ASSET}{aid(1)}/files/urls", "path=frames/frame_02500.tif", "main"),
    ("GET", f"{ASSET}{aid(2)}/files/urls", "path=reads/r1.fastq", "alan"),
    ("GET", f"{ASSET}{aid(1)}/files/urls", "path=nope.txt", "main"),
    ("GET", f"{ASSET}{aid(1)}/files/urls", "path=../README.md", "main"),
    ("GET", f"{ASSET}{aid(1)}/files/urls", "", "main"),
    ("GET", f"{ASSET}{aid(1)}/files/urls", "path=README.md", "grace"),
    ("GET", f"{ASSET}{aid(9)}/files/urls", "path=x", "main"),
    ("GET", f"{ASSET}{aid(12)}/files/urls", "path=x", "main"),
    ("GET", f"{ASSET}{aid(13)}/files/urls", "path=x", "main"),
    ("GET", f"{ASSET}no-such-asset/files/urls", "path=x", "main"),
    ("GET", f"{ASSET}{aid(1)}/files/download_url", "path=README.md", "main"),
    ("GET", f"{ASSET}{aid(1)}", "", "main"),
    ("GET", f"{ASSET}{aid(13)}", "", "main"),
    ("GET", f"{ASSET}{aid(1)}/", "", "main"),
    ("GET", f"{ASSET}/files/urls", "path=x", "main"),
    ("GET", f"{ASSET}{aid(1)}/files/urls/", "path=README.md", "main"),
    ("GET", f"{ASSET}{aid(1)}/files/urls\n", "path=README.md", "main"),
    ("HEAD", f"{ASSET}{aid(1)}/files/urls", "path=README.md", "main"),
    ("POST", f"{ASSET}{aid(1)}/files/urls", "path=README.md", "main"),
    ("GET", f"{ASSET}search", "", "main"),
]


def _gate(emu: Emulator) -> ApiGate:
    gate = emu.api_app.app  # type: ignore[attr-defined]
    assert isinstance(gate, ApiGate)
    return gate


async def _ask(emu: Emulator, method: str, path: str, query: str, who: str,
               sent: list[Message] | None = None) -> list[Message]:
    """The messages the emulator sends for one request (into ``sent`` when given)."""
    token = base64.b64encode(f"{TOKENS[who]}:".encode())
    scope: dict[str, Any] = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method,
        "scheme": "http", "path": path, "raw_path": path.encode(), "root_path": "",
        "query_string": query.encode(), "headers": [
            (b"host", b"emulator.test"), (b"authorization", b"Basic " + token)],
        "client": ("127.0.0.1", 1), "server": ("emulator.test", 80)}
    sent = [] if sent is None else sent

    async def receive() -> Message:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Message) -> None:
        sent.append(message)

    await emu.app(scope, receive, send)
    return sent


@pytest.mark.parametrize(("method", "path", "query", "who"), CASES)
async def test_direct_answers_what_the_router_answers(
        emu: Emulator, method: str, path: str, query: str, who: str) -> None:
    gate = _gate(emu)
    direct = gate.direct
    by_direct = await _ask(emu, method, path, query, who)
    gate.direct = DirectRoutes({}, {})
    assert await _ask(emu, method, path, query, who) == by_direct
    gate.direct = direct


def test_direct_takes_only_the_get_routes_it_names(emu: Emulator) -> None:
    direct = _gate(emu).direct
    assert direct.match({"method": "GET", "path": f"{ASSET}x/files/urls"}) is not None
    assert direct.match({"method": "GET", "path": f"{ASSET}x"}) is not None
    for method, path in [("HEAD", f"{ASSET}x/files/urls"), ("GET", f"{ASSET}x/"),
                         ("GET", f"{ASSET}/files/urls"), ("GET", f"{ASSET}x/files"),
                         ("GET", f"{ASSET}x/files/urls\n"), ("PUT", f"{ASSET}x")]:
        assert direct.match({"method": method, "path": path}) is None, (method, path)
    assert direct.match({"method": "GET", "path": f"{ASSET}x", "root_path": "/r"}) is None


async def test_unexpected_error_is_a_500_then_raised_on_both_paths(emu: Emulator) -> None:
    def boom(*args: Any, **kwargs: Any) -> str:
        raise RuntimeError("boom")

    emu.signer.url = boom  # type: ignore[method-assign]
    gate = _gate(emu)
    answers: list[list[Message]] = []
    for direct in (gate.direct, DirectRoutes({}, {})):
        gate.direct = direct
        sent: list[Message] = []
        with pytest.raises(RuntimeError, match="boom"):
            await _ask(emu, "GET", f"{ASSET}{aid(1)}/files/urls", "path=README.md", "main",
                       sent)
        answers.append(sent)
    assert answers[0] == answers[1]
    assert answers[0][0]["status"] == 500


async def test_access_follows_permission_changes(
        http: Callable[..., httpx.AsyncClient]) -> None:
    main, alan = http("main"), http("alan")
    url, file = f"data_assets/{aid(2)}/files/urls", {"path": "reads/r1.fastq"}
    assert (await alan.get(url, params=file)).status_code == 200
    changed = await main.post(f"data_assets/{aid(2)}/permissions", json={"users": []})
    assert changed.status_code == 204
    assert (await alan.get(url, params=file)).status_code == 404
    changed = await main.post(f"data_assets/{aid(2)}/permissions",
                              json={"users": [{"email": "alan@example.org", "role": "viewer"}]})
    assert changed.status_code == 204
    assert (await alan.get(url, params=file)).status_code == 200


def test_cached_values_last_until_a_write(emu: Emulator) -> None:
    store = emu.store
    calls: list[int] = []

    def compute() -> int:
        calls.append(1)
        return len(calls)

    assert store.cached("k", compute) == 1
    assert store.cached("k", compute) == 1
    store.meta_set("something", "else")
    assert store.cached("k", compute) == 2


def test_nothing_read_inside_a_rolled_back_transaction_is_kept(emu: Emulator) -> None:
    store = emu.store

    def value() -> str | None:
        return store.meta_get("flag")

    with pytest.raises(KeyError), store.transaction():
        store.meta_set("flag", "uncommitted")
        assert store.cached("flag", value) == "uncommitted"
        raise KeyError("roll back")
    assert store.cached("flag", value) is None
