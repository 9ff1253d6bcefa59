"""Retry policy per operation, against faults the emulator produces (docs/reliability.md, 'Retries')."""

from __future__ import annotations

import dataclasses
import time

import pytest

from co_tui.api import (
    ApiConnectionError,
    ApiTimeoutError,
    AuthenticationError,
    CodeOceanClient,
    RateLimitedError,
    ServerError,
    Timeouts,
)
from co_tui.api.models import DataAssetSearchParams, DataAssetUpdateParams, Permissions


def _retry_after(emulator, seconds: int | None) -> None:  # type: ignore[no-untyped-def]
    emulator.faults.spec = dataclasses.replace(emulator.faults.spec, retry_after=seconds)


async def _owned_asset(client: CodeOceanClient):  # type: ignore[no-untyped-def]
    page = await client.data_assets.search_data_assets(
        DataAssetSearchParams(ownership="created", type="dataset", limit=20)
    )
    return next(a for a in page.results if a.state == "ready")


@pytest.mark.parametrize("kind", ["502", "503", "504", "500", "reset", "truncate"])
async def test_reads_recover_from_transient_faults(client, emulator, recorder, sleeps, kind) -> None:  # type: ignore[no-untyped-def]
    emulator.faults.inject(kind, times=2, method="POST", path_contains="/data_assets/search")
    page = await client.data_assets.search_data_assets(DataAssetSearchParams(limit=5))
    assert len(page.results) == 5
    assert len(recorder.sent("POST", "/data_assets/search")) == 3
    assert len(sleeps) == 2
    assert 0 <= sleeps[0] <= 0.5 and 0 <= sleeps[1] <= 1.0


async def test_reads_give_up_after_four_attempts(client, emulator, recorder, sleeps) -> None:  # type: ignore[no-untyped-def]
    emulator.faults.inject("503", times=10, path_contains="/data_assets/")
    with pytest.raises(ServerError) as info:
        await client.data_assets.get_data_asset("anything")
    assert info.value.status == 503 and "injected" in info.value.message
    assert len(recorder.sent("GET", "/data_assets/anything")) == 4
    assert len(sleeps) == 3


async def test_429_retry_after_is_honoured_exactly(client, emulator, sleeps) -> None:  # type: ignore[no-untyped-def]
    _retry_after(emulator, 2)
    emulator.faults.inject("429", times=1, method="POST", path_contains="/search")
    await client.data_assets.search_data_assets(DataAssetSearchParams(limit=1))
    assert sleeps == [2.0]


async def test_429_without_retry_after_backs_off(client, emulator, sleeps) -> None:  # type: ignore[no-untyped-def]
    _retry_after(emulator, None)
    emulator.faults.inject("429", times=1, method="POST", path_contains="/search")
    await client.data_assets.search_data_assets(DataAssetSearchParams(limit=1))
    assert len(sleeps) == 1 and 0 <= sleeps[0] <= 0.5


async def test_long_retry_after_stops_and_says_when(client, emulator, recorder, sleeps) -> None:  # type: ignore[no-untyped-def]
    _retry_after(emulator, 120)
    emulator.faults.inject("429", times=1, method="POST", path_contains="/search")
    with pytest.raises(RateLimitedError) as info:
        await client.data_assets.search_data_assets(DataAssetSearchParams(limit=1))
    assert info.value.retry_after == 120.0
    assert sleeps == [] and len(recorder.sent("POST", "/search")) == 1


async def test_401_is_not_retried(client_for, sleeps) -> None:  # type: ignore[no-untyped-def]
    bad = client_for(token="cop_not_a_real_token")
    with pytest.raises(AuthenticationError) as info:
        await bad.data_assets.search_data_assets(DataAssetSearchParams())
    assert info.value.status == 401 and sleeps == []


@pytest.mark.parametrize("kind", ["503", "500", "429", "reset", "truncate"])
async def test_writes_are_never_resent(client, emulator, recorder, sleeps, kind) -> None:  # type: ignore[no-untyped-def]
    asset = await _owned_asset(client)
    emulator.faults.inject(kind, times=1, method="PATCH", path_contains="/archive")
    with pytest.raises((ServerError, RateLimitedError, ApiConnectionError)) as info:
        await client.data_assets.archive_data_asset(asset.id, True)
    assert len(recorder.sent("PATCH", "/archive")) == 1
    assert sleeps == []
    # Only failures that may have reached the application are "outcome unknown"; a 429 is not.
    assert info.value.outcome_unknown is (kind != "429")


async def test_lost_response_write_applied_exactly_once(client, emulator, recorder, index_catches_up) -> None:  # type: ignore[no-untyped-def]
    asset = await _owned_asset(client)
    emulator.faults.inject("lost", times=1, method="PATCH", path_contains="/archive")
    with pytest.raises(ApiConnectionError) as info:
        await client.data_assets.archive_data_asset(asset.id, True)
    assert info.value.outcome_unknown
    assert len(recorder.sent("PATCH", "/archive")) == 1
    # Reading back settles what happened: it was applied, once.
    index_catches_up()
    archived = await client.data_assets.search_data_assets(DataAssetSearchParams(archived=True))
    assert asset.id in {a.id for a in archived.results}
    assert [w for w in emulator.write_log if "/archive" in w[1]] == [
        ("PATCH", f"/api/v1/data_assets/{asset.id}/archive", 204)
    ]


async def test_lost_permissions_update_is_reconciled_by_reading(client, emulator, recorder) -> None:  # type: ignore[no-untyped-def]
    asset = await _owned_asset(client)
    wanted = Permissions(users=[], groups=[], everyone="viewer")
    emulator.faults.inject("lost", times=1, method="POST", path_contains="/permissions")
    with pytest.raises(ApiConnectionError) as info:
        await client.data_assets.update_permissions(asset.id, wanted)
    assert info.value.outcome_unknown
    assert (await client.data_assets.get_permissions(asset.id)).everyone == "viewer"
    assert len(recorder.sent("POST", "/permissions")) == 1


async def test_update_with_lost_response_is_not_resent(client, emulator, recorder) -> None:  # type: ignore[no-untyped-def]
    asset = await _owned_asset(client)
    emulator.faults.inject("lost", times=1, method="PUT")
    with pytest.raises(ApiConnectionError):
        await client.data_assets.update_metadata(asset.id, DataAssetUpdateParams(name="lost rename"), current=asset)
    assert len(recorder.sent("PUT", asset.id)) == 1
    assert (await client.data_assets.get_data_asset(asset.id)).name == "lost rename"


async def test_deadline_bounds_a_slow_server(emulator, client_for) -> None:  # type: ignore[no-untyped-def]
    emulator.faults.spec = dataclasses.replace(emulator.faults.spec, slow_ms=30_000)
    emulator.faults.inject("slow", times=1)
    impatient = client_for(token=emulator.main_token, timeouts=Timeouts(deadline=0.3))
    started = time.monotonic()
    with pytest.raises(ApiTimeoutError) as info:
        await impatient.data_assets.get_data_asset("whatever")
    assert time.monotonic() - started < 2.0
    assert "0.3" in info.value.message and not info.value.outcome_unknown


async def test_deadline_on_a_write_marks_outcome_unknown(emulator, client_for, client) -> None:  # type: ignore[no-untyped-def]
    asset = await _owned_asset(client)
    emulator.faults.spec = dataclasses.replace(emulator.faults.spec, slow_ms=30_000)
    emulator.faults.inject("slow", times=1, method="PATCH")
    impatient = client_for(token=emulator.main_token, timeouts=Timeouts(deadline=0.3))
    with pytest.raises(ApiTimeoutError) as info:
        await impatient.data_assets.archive_data_asset(asset.id, True)
    assert info.value.outcome_unknown
