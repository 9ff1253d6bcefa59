"""co_tui.operations.role_lookup: one permission read per asset and session, shared, bounded,
dropped once the cursor has left; its answers agree with the emulator's access rules."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import httpx

from co_tui.api import CodeOceanClient
from co_tui.api.models import DataAsset, DataAssetSearchParams
from co_tui.emulator import Emulator
from co_tui.operations.rights import Rights, learn_identity
from co_tui.operations.role_lookup import RoleLookup, lookup_for
from tests.conftest import RecordingTransport


async def _by_name(client: CodeOceanClient) -> dict[str, DataAsset]:
    params = DataAssetSearchParams(archived=False)
    return {a.name: a async for a in client.data_assets.search_data_assets_iterator(params)}


def _reads(recorder: RecordingTransport) -> int:
    return len(recorder.sent("GET", "/permissions"))


async def test_roles_are_read_once_and_agree_with_the_server(
        client: CodeOceanClient, recorder: RecordingTransport) -> None:
    assets = await _by_name(client)
    rights = Rights(await learn_identity(client))
    lookup = RoleLookup(rights)
    viewer = assets["MERFISH mouse cortex section 12"]
    hidden = assets["exaSPIM tile overlap study"]
    assert await lookup.read(client, viewer) and await lookup.read(client, hidden)
    assert rights.role(viewer) == "viewer"
    assert rights.is_discoverable_only(hidden)
    reason = rights.reason(hidden, "download_assets")
    assert reason is not None and "only discoverable" in reason
    assert rights.reason(viewer, "download_assets") is None
    before = _reads(recorder)
    assert await lookup.read(client, viewer) and await lookup.read(client, hidden)  # cached
    assert _reads(recorder) == before and lookup.sent == 2


async def test_concurrent_reads_of_one_asset_send_one_request(
        client: CodeOceanClient, recorder: RecordingTransport) -> None:
    asset = (await _by_name(client))["MERFISH mouse cortex section 12"]
    lookup = RoleLookup(Rights(await learn_identity(client)))
    before = _reads(recorder)
    answers = await asyncio.gather(*(lookup.read(client, asset) for _ in range(5)))
    assert all(answers) and _reads(recorder) - before == 1


async def test_reads_are_bounded_and_a_left_row_is_dropped(
        emulator: Emulator, client: CodeOceanClient) -> None:
    """At most ``limit`` requests at once; a read still queued when the cursor has left its row
    sends nothing (and is not taken as known)."""
    assets = list((await _by_name(client)).values())[:6]
    running = 0
    most = 0
    release = asyncio.Event()

    class Slow(httpx.AsyncBaseTransport):
        async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
            nonlocal running, most
            if request.url.path.endswith("/permissions"):
                running += 1
                most = max(most, running)
                await release.wait()
                running -= 1
            return await emulator.transport().handle_async_request(request)

    slow = CodeOceanClient(emulator.config.api_origin, emulator.main_token, transport=Slow(),
                           files_transport=Slow())
    lookup = RoleLookup(Rights(), limit=2)
    wanted = {a.id for a in assets[:2]}  # the cursor stays on two of them (two screens)

    def cursor_on(asset_id: str) -> Callable[[], bool]:
        return lambda: asset_id in wanted

    reads = [asyncio.ensure_future(lookup.read(slow, a, cursor_on(a.id))) for a in assets]
    await asyncio.sleep(0.05)
    assert running == 2
    wanted.clear()  # the cursor moves on while four reads wait for their turn
    release.set()
    answers = await asyncio.gather(*reads)
    await slow.aclose()
    assert most == 2 and lookup.sent == 2
    assert answers == [False] * 6  # none of them is still wanted
    assert lookup.rights.looked_up == {a.id for a in assets[:2]}  # answers kept, queued dropped


async def test_a_failed_read_is_not_cached(emulator: Emulator) -> None:
    failing = True

    class Flaky(httpx.AsyncBaseTransport):
        async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
            if failing and request.url.path.endswith("/permissions"):
                return httpx.Response(400, json={"message": "bad"})
            return await emulator.transport().handle_async_request(request)

    client = CodeOceanClient(emulator.config.api_origin, emulator.main_token,
                             transport=Flaky(), files_transport=Flaky())
    asset = (await _by_name(client))["MERFISH mouse cortex section 12"]
    rights = Rights(await learn_identity(client))
    lookup = lookup_for(rights)
    assert lookup_for(rights) is lookup and lookup_for(Rights()) is not lookup
    assert not await lookup.read(client, asset)  # no exception, nothing learnt
    assert lookup.needed(asset) and rights.role(asset) is None
    failing = False
    assert await lookup.read(client, asset)
    assert rights.role(asset) == "viewer"
    await client.aclose()


def test_a_readable_asset_is_never_taken_for_discoverable_only() -> None:
    rights = Rights()
    asset = DataAsset(id="a1", name="x")
    rights.discoverable_only("a1")
    assert rights.is_discoverable_only(asset)
    rights.read_in_full("a1")  # the asset itself answered: at least a viewer
    assert not rights.is_discoverable_only(asset)
    rights.discoverable_only("a1")  # e.g. a server that keeps permissions from viewers
    assert not rights.is_discoverable_only(asset)
    assert rights.reason(asset, "download_assets") is None
    rights.refuse("a2", "download_assets")  # refused what a viewer may do
    assert rights.is_discoverable_only(DataAsset(id="a2"))
