"""``client.on_asset_missing``: every 404 of an endpoint of one data asset is reported, naming
the asset and whether the 404 can only mean the asset itself is gone."""

from __future__ import annotations

import asyncio

import pytest

from co_tui.api import CodeOceanClient, NotFoundError
from co_tui.api.models import DataAssetSearchParams, DataAssetUpdateParams, Permissions


async def _deleted_elsewhere(client: CodeOceanClient, other: CodeOceanClient) -> str:
    """An asset of the main user that a second client archives and deletes."""
    page = await client.data_assets.search_data_assets(
        DataAssetSearchParams(ownership="created", type="dataset", limit=50))
    asset = next(a for a in page.results if a.state == "ready")
    await other.data_assets.archive_data_asset(asset.id, True)
    await other.data_assets.delete_data_asset(asset.id)
    return asset.id


async def test_each_asset_endpoint_reports_its_404(client: CodeOceanClient, client_for) -> None:  # type: ignore[no-untyped-def]
    other = client_for(token=client._token.get())
    gone = await _deleted_elsewhere(client, other)
    seen: list[NotFoundError] = []
    client.on_asset_missing(seen.append)
    calls = {
        "get": (client.data_assets.get_data_asset(gone), True),
        "update": (client.data_assets.update_metadata(
            gone, DataAssetUpdateParams(name="x", description="", tags=[], mount="m",
                                        custom_metadata={})), True),
        "archive": (client.data_assets.archive_data_asset(gone, True), True),
        "permissions": (client.data_assets.get_permissions(gone), True),
        # may be about a user or group the body names: checked against the asset itself
        "set permissions": (client.data_assets.update_permissions(gone, Permissions()), False),
        "files": (client.data_assets.list_data_asset_files(gone), False),
        "legacy file url": (client.data_assets.get_data_asset_file_download_url(gone, "a"),
                            False),
    }
    for name, (call, about_asset) in calls.items():
        seen.clear()
        with pytest.raises(NotFoundError) as raised:
            await call
        assert seen == [raised.value], name
        assert raised.value.asset_id == gone and raised.value.about_asset is about_asset, name
        assert raised.value.caller_reports is False


async def test_caller_reports_marks_the_404s_of_its_block_and_its_tasks(client: CodeOceanClient, client_for) -> None:  # type: ignore[no-untyped-def]
    gone = await _deleted_elsewhere(client, client_for(token=client._token.get()))
    seen: list[NotFoundError] = []
    client.on_asset_missing(seen.append)
    with client.caller_reports_missing():
        results = await asyncio.gather(client.data_assets.get_data_asset(gone),
                                       return_exceptions=True)
    assert isinstance(results[0], NotFoundError) and seen[-1].caller_reports
    with pytest.raises(NotFoundError):
        await client.data_assets.get_data_asset(gone)
    assert not seen[-1].caller_reports


async def test_other_404s_are_not_reported(client: CodeOceanClient) -> None:
    seen: list[NotFoundError] = []
    client.on_asset_missing(seen.append)
    with pytest.raises(NotFoundError):
        await client.capsules.get_capsule("no-such-capsule")
    assert seen == []
