"""Fallbacks for older servers, and signed-URL streams (resume with Range + If-Range)."""

from __future__ import annotations

import hashlib

import pytest

from co_tui.api import CodeOceanClient, PermissionDeniedError
from co_tui.api.models import DataAssetSearchParams


@pytest.fixture
def legacy_emulator(clock):  # type: ignore[no-untyped-def]
    from co_tui.emulator import Emulator, EmulatorConfig

    return Emulator(EmulatorConfig(seed="demo", clock=clock, server_version="3.0.0"))


@pytest.fixture
async def legacy_client(legacy_emulator, sleeps):  # type: ignore[no-untyped-def]

    transport = legacy_emulator.transport()
    c = CodeOceanClient(
        legacy_emulator.config.api_origin, legacy_emulator.main_token,
        transport=transport, files_transport=transport,
    )
    yield c
    await c.aclose()


async def test_search_falls_back_to_the_legacy_get(legacy_client, client) -> None:  # type: ignore[no-untyped-def]
    legacy = [a.id async for a in legacy_client.data_assets.search_data_assets_iterator(
        DataAssetSearchParams(limit=9, sort_field="name", sort_order="asc"))]
    modern = [a.id async for a in client.data_assets.search_data_assets_iterator(
        DataAssetSearchParams(limit=9, sort_field="name", sort_order="asc"))]
    assert legacy == modern and len(legacy) > 9
    assert legacy_client.data_assets._legacy_search


async def test_file_urls_fall_back_to_download_url(legacy_client) -> None:  # type: ignore[no-untyped-def]
    page = await legacy_client.data_assets.search_data_assets(DataAssetSearchParams(origin="internal", type="dataset"))
    asset = next(a for a in page.results if a.files)
    items = (await legacy_client.data_assets.list_data_asset_files(asset.id)).items
    item = next(i for i in items if not i.is_folder) if any(not i.is_folder for i in items) else None
    if item is None:
        sub = (await legacy_client.data_assets.list_data_asset_files(asset.id, items[0].path)).items
        item = next(i for i in sub if not i.is_folder)
    urls = await legacy_client.data_assets.get_data_asset_file_urls(asset.id, item.path)
    assert urls.download_url == urls.view_url
    assert legacy_client.data_assets._file_urls_supported is False
    data = await legacy_client.files.read_range(urls.download_url, 0, 1 << 20)
    assert len(data.data) == min(item.size or 0, 1 << 20) and data.total_size == item.size


async def _big_file(client: CodeOceanClient, demo_seed, min_size: int, max_size: int):  # type: ignore[no-untyped-def]
    for asset in demo_seed.assets:
        for f in asset.files:
            if min_size <= f.content.size <= max_size and asset.owner == demo_seed.users[0].id and not asset.archived:
                urls = await client.data_assets.get_data_asset_file_urls(asset.id, f.path)
                return asset, f, urls
    raise AssertionError("demo seed has no file of that size")


async def test_stream_resume_with_if_range(client, demo_seed) -> None:  # type: ignore[no-untyped-def]
    _asset, f, urls = await _big_file(client, demo_seed, 100_000, 5_000_000)
    async with client.files.open_stream(urls.download_url) as stream:
        assert stream.offset == 0 and stream.total_size == f.content.size
        whole = b"".join([c async for c in stream.aiter_raw()])
        etag = stream.etag
    assert len(whole) == f.content.size and etag
    half = len(whole) // 2
    async with client.files.open_stream(urls.download_url, offset=half, if_range=etag) as stream:
        assert stream.offset == half and stream.total_size == len(whole)
        rest = b"".join([c async for c in stream.aiter_raw()])
    assert rest == whole[half:]
    # A changed validator means the file changed: the server sends all of it again from 0.
    async with client.files.open_stream(urls.download_url, offset=half, if_range='"stale"') as stream:
        assert stream.offset == 0
        again = b"".join([c async for c in stream.aiter_raw()])
    assert hashlib.sha256(again).digest() == hashlib.sha256(whole).digest()


async def test_range_read_of_a_huge_file_reads_only_the_prefix(client, demo_seed, recorder) -> None:  # type: ignore[no-untyped-def]
    _asset, f, urls = await _big_file(client, demo_seed, 2**32, 2**40)
    read = await client.files.read_range(urls.view_url, 0, 256 * 1024)
    assert len(read.data) == 256 * 1024 and read.total_size == f.content.size and not read.at_end
    tail = await client.files.read_range(urls.view_url, f.content.size - 10, 256 * 1024)
    assert len(tail.data) == 10 and tail.at_end


async def test_expired_signed_url_is_permission_denied(client, demo_seed, clock) -> None:  # type: ignore[no-untyped-def]
    _, _, urls = await _big_file(client, demo_seed, 100_000, 5_000_000)
    clock.now += 10 * 24 * 3600
    with pytest.raises(PermissionDeniedError):
        await client.files.read_range(urls.download_url, 0, 10)
