"""The client reports when the API stops and starts answering (the app's network-loss banner).

A connection that is refused is a fault the emulator cannot produce on demand, so a transport
wrapper refuses while ``down`` is set; everything else is the in-process emulator."""

from __future__ import annotations

import httpx
import pytest

from co_tui.api import ApiConnectionError, NotFoundError
from co_tui.api.models import DataAssetSearchParams
from co_tui.emulator import Emulator
from tests.conftest import make_client


class Switch(httpx.AsyncBaseTransport):
    """The emulator, or a refused connection while ``down``."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.down = False

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self.down:
            raise httpx.ConnectError("connection refused", request=request)
        return await self.inner.handle_async_request(request)


async def test_changes_are_reported_once_and_any_answer_counts(emulator: Emulator) -> None:
    switch = Switch(emulator.transport())
    client = make_client(emulator, switch, [])
    seen: list[tuple[bool, str | None]] = []
    client.on_reachability(lambda ok, error: seen.append((ok, error.message if error else None)))
    search = DataAssetSearchParams(limit=1)
    assert client.reachable is None
    await client.data_assets.search_data_assets(search)
    await client.data_assets.search_data_assets(search)
    assert seen == [(True, None)] and client.reachable is True
    switch.down = True
    for _ in range(2):
        with pytest.raises(ApiConnectionError):
            await client.data_assets.search_data_assets(search)
    assert seen[1:] == [(False, "connection failed: connection refused")]  # reported once
    switch.down = False
    with pytest.raises(NotFoundError):  # a 404 is an answer: the API is back
        await client.data_assets.get_data_asset("no-such-asset")
    assert seen[2:] == [(True, None)] and client.reachable is True
    await client.aclose()
