"""Client write operations: effects on the emulator's state, read-modify-write, life cycle."""

from __future__ import annotations

import msgspec
import pytest

from co_tui.api import (
    BadRequestError,
    CodeOceanClient,
    NotFoundError,
    PermissionDeniedError,
    find_attached,
)
from co_tui.api.models import (
    AWSS3Source,
    ComputationSource,
    DataAssetAttachParams,
    DataAssetParams,
    DataAssetSearchParams,
    DataAssetUpdateParams,
    Permissions,
    Source,
    UserPermissions,
)

PROJECT = {"project": "Test imports"}
"""The demo deployment requires a ``project`` on every new asset."""


async def _first_owned(client: CodeOceanClient):  # type: ignore[no-untyped-def]
    page = await client.data_assets.search_data_assets(
        DataAssetSearchParams(ownership="created", type="dataset", limit=50)
    )
    return next(a for a in page.results if a.state == "ready" and not a.is_external)


async def test_update_metadata_sends_every_field(client: CodeOceanClient, recorder) -> None:  # type: ignore[no-untyped-def]
    asset = await _first_owned(client)
    updated = await client.data_assets.update_metadata(
        asset.id, DataAssetUpdateParams(name="renamed by test")
    )
    assert updated.name == "renamed by test"
    assert updated.tags == asset.tags and updated.mount == asset.mount
    body = msgspec.json.decode(recorder.sent("PUT", asset.id)[-1].content)
    assert set(body) == {"name", "description", "tags", "mount", "custom_metadata"}
    assert body["description"] == (asset.description or "")
    assert (await client.data_assets.get_data_asset(asset.id)).name == "renamed by test"


async def test_update_metadata_uses_the_given_current_version(client: CodeOceanClient, recorder) -> None:  # type: ignore[no-untyped-def]
    asset = await _first_owned(client)
    await client.data_assets.update_metadata(
        asset.id, DataAssetUpdateParams(tags=["a", "b"]), current=asset
    )
    assert not recorder.sent("GET", f"/data_assets/{asset.id}")
    assert (await client.data_assets.get_data_asset(asset.id)).tags == ("a", "b")


async def test_archive_restore_delete_life_cycle(client: CodeOceanClient, index_catches_up) -> None:  # type: ignore[no-untyped-def]
    asset = await _first_owned(client)
    with pytest.raises(BadRequestError) as refused:
        await client.data_assets.delete_data_asset(asset.id)
    assert "archive" in refused.value.message.lower()
    await client.data_assets.archive_data_asset(asset.id, True)
    index_catches_up()
    archived = await client.data_assets.search_data_assets(DataAssetSearchParams(archived=True))
    assert asset.id in {a.id for a in archived.results}
    active = [a.id async for a in client.data_assets.search_data_assets_iterator(DataAssetSearchParams())]
    assert asset.id not in active
    await client.data_assets.archive_data_asset(asset.id, False)
    index_catches_up()
    active = [a.id async for a in client.data_assets.search_data_assets_iterator(DataAssetSearchParams())]
    assert asset.id in active
    await client.data_assets.archive_data_asset(asset.id, True)
    await client.data_assets.delete_data_asset(asset.id)
    with pytest.raises(NotFoundError):
        await client.data_assets.get_data_asset(asset.id)


async def test_permissions_read_and_replace(client: CodeOceanClient) -> None:
    asset = await _first_owned(client)
    await client.data_assets.update_permissions(asset.id, Permissions(
        users=[UserPermissions(email="alan@example.org", role="viewer")], groups=[], everyone="none"
    ))
    perms = await client.data_assets.get_permissions(asset.id)
    assert perms.users is not None
    assert ("alan@example.org", "viewer") in {(u.email, u.role) for u in perms.users}
    assert perms.everyone == "none"


async def test_viewer_cannot_write(client: CodeOceanClient, emulator, client_for, sleeps) -> None:  # type: ignore[no-untyped-def]
    asset = await _first_owned(client)
    await client.data_assets.update_permissions(asset.id, Permissions(
        users=[UserPermissions(email="alan@example.org", role="viewer")], everyone="none"
    ))
    alan = client_for("alan@example.org")
    seen = await alan.data_assets.get_data_asset(asset.id)
    assert seen.id == asset.id
    with pytest.raises(PermissionDeniedError):
        await alan.data_assets.update_metadata(asset.id, DataAssetUpdateParams(name="x"))
    with pytest.raises(PermissionDeniedError):
        await alan.data_assets.archive_data_asset(asset.id, True)
    with pytest.raises(PermissionDeniedError):
        await alan.data_assets.update_permissions(asset.id, Permissions(everyone="viewer"))
    assert (await client.data_assets.get_data_asset(asset.id)).name == asset.name
    assert sleeps == []  # 403s are never retried


async def test_create_from_s3_then_ready(client: CodeOceanClient, demo_seed, clock) -> None:  # type: ignore[no-untyped-def]
    bucket = sorted(demo_seed.buckets)[0]
    created = await client.data_assets.create_data_asset(DataAssetParams(
        name="imported by test", tags=["import"], mount="imported",
        source=Source(aws=AWSS3Source(bucket=bucket, prefix="")), custom_metadata=PROJECT,
    ))
    assert created.state == "draft" and created.name == "imported by test"
    seen: list[str] = []

    async def no_sleep(_: float) -> None:
        clock.now += 1.0  # each poll, one second passes on the server

    ready = await client.data_assets.wait_until_ready(
        created, polling_interval=1.0, on_progress=lambda a, _t: seen.append(a.state),
        sleep=no_sleep,
    )
    assert ready.state == "ready" and (ready.files or 0) > 0
    assert seen[0] == "draft" and seen[-1] == "ready"
    files = await client.data_assets.list_data_asset_files(ready.id)
    assert files.items


async def test_create_from_unknown_bucket_fails_with_reason(client: CodeOceanClient, clock) -> None:  # type: ignore[no-untyped-def]
    created = await client.data_assets.create_data_asset(DataAssetParams(
        name="bad import", tags=[], mount="bad",
        source=Source(aws=AWSS3Source(bucket="no-such-bucket-anywhere")), custom_metadata=PROJECT,
    ))
    clock.now += 3600
    failed = await client.data_assets.wait_until_ready(created.id)
    assert failed.state == "failed" and "no-such-bucket-anywhere" in (failed.failure_reason or "")


async def test_wait_until_ready_times_out(client: CodeOceanClient) -> None:
    created = await client.data_assets.create_data_asset(DataAssetParams(
        name="slow import", tags=[], mount="slow",
        source=Source(aws=AWSS3Source(bucket="no-such-bucket-anywhere")), custom_metadata=PROJECT,
    ))

    async def no_sleep(_: float) -> None:
        return None

    with pytest.raises(TimeoutError):
        await client.data_assets.wait_until_ready(
            created, polling_interval=1.0, timeout=2.0, sleep=no_sleep,
            clock=iter([0.0, 1.0, 2.0, 3.0, 4.0]).__next__,
        )


async def test_create_from_computation_and_combined(client: CodeOceanClient, demo_seed, clock) -> None:  # type: ignore[no-untyped-def]
    computation = next(c for c in demo_seed.computations if c.results and c.state == "completed")
    result = await client.data_assets.create_data_asset(DataAssetParams(
        name="captured results", tags=["captured"], mount="captured",
        source=Source(computation=ComputationSource(id=computation.id)), custom_metadata=PROJECT,
    ))
    clock.now += 3600
    result = await client.data_assets.get_data_asset(result.id)
    assert result.state == "ready" and result.type == "result"
    assert result.provenance is not None and result.provenance.computation == computation.id
    parts = await client.data_assets.search_data_assets(  # combined assets are made of external ones
        DataAssetSearchParams(ownership="created", type="dataset", origin="external", limit=2)
    )
    assert len(parts.results) == 2
    combined = await client.data_assets.create_data_asset(DataAssetParams(
        name="combined by test", tags=[], mount="combined",
        data_asset_ids=[a.id for a in parts.results], custom_metadata=PROJECT,
    ))
    assert combined.type == "combined"
    assert {c.id for c in combined.contained_data_assets or []} == {a.id for a in parts.results}


async def test_attach_detach_and_attached_lookup(client: CodeOceanClient, demo_seed) -> None:  # type: ignore[no-untyped-def]
    asset = await _first_owned(client)
    capsule = next(c for c in demo_seed.capsules if c.kind == "capsule" and c.owner == demo_seed.users[0].id)
    results = await client.capsules.attach_data_assets(
        capsule.id, [DataAssetAttachParams(id=asset.id, mount="attached-by-test")]
    )
    assert [r.id for r in results] == [asset.id]
    attached = await find_attached(client, asset.id)
    assert capsule.id in {c.id for c in attached.capsules}
    await client.capsules.detach_data_assets(capsule.id, [asset.id])
    attached = await find_attached(client, asset.id)
    assert capsule.id not in {c.id for c in attached.capsules}


async def test_wait_until_ready_can_be_cancelled(client: CodeOceanClient, recorder) -> None:  # type: ignore[no-untyped-def]
    import asyncio

    created = await client.data_assets.create_data_asset(DataAssetParams(
        name="never ready", tags=[], mount="never",
        source=Source(aws=AWSS3Source(bucket="no-such-bucket-anywhere")), custom_metadata=PROJECT,
    ))
    polls: list[str] = []
    waiter = asyncio.create_task(client.data_assets.wait_until_ready(
        created, polling_interval=0.01, on_progress=lambda a, _t: polls.append(a.state),
    ))
    for _ in range(500):  # wait (bounded) for three polls
        if len(polls) >= 3:
            break
        await asyncio.sleep(0.01)
    assert len(polls) >= 3
    waiter.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiter
    count = len(recorder.sent("GET", created.id))
    await asyncio.sleep(0.05)
    assert len(recorder.sent("GET", created.id)) == count and set(polls) == {"draft"}
