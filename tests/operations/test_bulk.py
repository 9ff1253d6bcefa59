"""Bulk tags, archive, restore and delete against the emulator: per-asset results, exactly once."""

from __future__ import annotations

import asyncio
import dataclasses
from typing import Any

import msgspec
import pytest

from co_tui.api import CodeOceanClient
from co_tui.api.models import DataAsset, DataAssetSearchParams, Permissions, UserPermissions
from co_tui.api.retry import Timeouts
from co_tui.emulator import Emulator, EmulatorConfig
from co_tui.emulator.seeds.demo_base import RAW_661, asset_id
from co_tui.operations import bulk
from co_tui.operations.bulk import Status
from tests.owned_assets import owned
from tests.search_lag import FakeTime, journal_on

VIEW_ONLY = asset_id("MERFISH mouse cortex section 12")  # shared with Ada as viewer


@pytest.fixture
def emulator(clock, demo_seed):  # type: ignore[no-untyped-def]
    """The suite's demo emulator, built from the session's seed records (much faster per test)."""
    return Emulator(EmulatorConfig(seed="demo", clock=clock), seed_data=demo_seed)


def _writes(emulator: Any, method: str) -> list[str]:
    return [path for m, path, _ in emulator.write_log if m == method]


async def _archived_ids(client: CodeOceanClient) -> set[str]:
    params = DataAssetSearchParams(archived=True)
    return {a.id async for a in client.data_assets.search_data_assets_iterator(params)}


# --- tags ----------------------------------------------------------------------------------------


async def test_add_tag_skips_assets_that_have_it(client: CodeOceanClient, emulator) -> None:  # type: ignore[no-untyped-def]
    assets = await owned(client, 3)
    first_tag = (assets[0].tags or ("x",))[0]
    await client.data_assets.update_metadata(
        assets[1].id, msgspec.structs.replace(_params(assets[1]), tags=[first_tag.upper()]))
    emulator.write_log.clear()
    seen: list[str] = []
    report = await bulk.add_tag(client, assets, first_tag, on_result=lambda r: seen.append(r.asset_id))
    assert [r.status for r in report.results] == [Status.SKIPPED, Status.SKIPPED, Status.OK]
    assert report.results[0].reason == "already tagged"
    assert sorted(seen) == sorted(a.id for a in assets)
    assert len(_writes(emulator, "PUT")) == 1
    after = await client.data_assets.get_data_asset(assets[2].id)
    assert after.tags == (*(assets[2].tags or ()), first_tag)
    assert after.name == assets[2].name and after.custom_metadata == assets[2].custom_metadata
    assert report.updated == [after] and report.summary() == "1 updated, 2 skipped"


def _params(asset: DataAsset):  # type: ignore[no-untyped-def]
    from co_tui.operations.metadata import AssetValues

    return AssetValues.of(asset).to_params()


async def test_remove_tag_ignores_case(client: CodeOceanClient, emulator) -> None:  # type: ignore[no-untyped-def]
    assets = await owned(client, 2)
    await client.data_assets.update_metadata(assets[0].id,
                                             msgspec.structs.replace(_params(assets[0]), tags=["Keep", "Drop"]))
    report = await bulk.remove_tag(client, assets, "drop")
    assert [r.status for r in report.results] == [Status.OK, Status.SKIPPED]
    assert report.results[1].reason == "not tagged"
    assert (await client.data_assets.get_data_asset(assets[0].id)).tags == ("Keep",)


async def test_change_tags_adds_and_removes_in_one_write(client: CodeOceanClient, emulator, recorder) -> None:  # type: ignore[no-untyped-def]
    [asset] = await owned(client, 1)
    old = list(asset.tags or ())
    report = await bulk.change_tags(client, [asset], add=["new", "NEW", "other"], remove=[old[0]])
    assert report.all_ok and report.count(Status.OK) == 1
    assert (await client.data_assets.get_data_asset(asset.id)).tags == (*old[1:], "new", "other")
    assert len(recorder.sent("PUT", asset.id)) == 1


@pytest.mark.parametrize(("add", "remove"), [(["  "], []), (["a\x1bb"], []), (["x"], ["X"])])
async def test_invalid_tags_are_refused_before_any_request(client: CodeOceanClient, recorder, add: list[str], remove: list[str]) -> None:  # type: ignore[no-untyped-def]
    assets = await owned(client, 1)
    recorder.requests.clear()
    with pytest.raises(ValueError):
        await bulk.change_tags(client, assets, add=add, remove=remove)
    assert recorder.requests == []


async def test_mixed_results_permission_missing_and_ok(client: CodeOceanClient, emulator) -> None:  # type: ignore[no-untyped-def]
    [mine] = await owned(client, 1)
    viewer_only = await client.data_assets.get_data_asset(VIEW_ONLY)
    gone = DataAsset(id="00000000-0000-0000-0000-00000000dead", name="ghost")
    report = await bulk.add_tag(client, [viewer_only, gone, mine], "bulk-test")
    assert [r.status for r in report.results] == [Status.FAILED, Status.GONE, Status.OK]
    assert "permission" in report.results[0].reason and "403" in report.results[0].reason
    assert "no longer exists" in report.results[1].reason
    assert report.summary() == "1 updated, 1 failed; 1 no longer exists: 'ghost'"
    assert not report.all_ok
    assert "bulk-test" not in ((await client.data_assets.get_data_asset(VIEW_ONLY)).tags or ())


async def test_lost_tag_write_is_reconciled_not_resent(client: CodeOceanClient, emulator, recorder) -> None:  # type: ignore[no-untyped-def]
    assets = await owned(client, 2)
    emulator.faults.inject("lost", times=1, method="PUT", path_contains=assets[0].id)
    emulator.faults.inject("500", times=1, method="PUT", path_contains=assets[1].id)
    report = await bulk.add_tag(client, assets, "landed?")
    first, second = report.results
    assert first.status is Status.OK and first.reconciled and first.asset is not None
    assert "landed?" in (first.asset.tags or ())
    assert second.status is Status.FAILED and second.reconciled and "not applied" in second.reason
    for asset in assets:
        assert len(recorder.sent("PUT", asset.id)) == 1
    assert len(_writes(emulator, "PUT")) == 1


async def test_concurrency_is_bounded(client: CodeOceanClient, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    assets = await owned(client, 6)
    real_get = client.data_assets.get_data_asset
    active = peak = 0

    async def counting_get(data_asset_id: str) -> DataAsset:
        nonlocal active, peak
        active += 1
        peak = max(peak, active)
        await asyncio.sleep(0.01)
        try:
            return await real_get(data_asset_id)
        finally:
            active -= 1

    monkeypatch.setattr(client.data_assets, "get_data_asset", counting_get)
    report = await bulk.add_tag(client, assets, "bounded", concurrency=2)
    assert report.count(Status.OK) == 6 and peak == 2
    assert [r.asset_id for r in report.results] == [a.id for a in assets]


# --- archive and restore -------------------------------------------------------------------------


async def test_archive_then_restore(client: CodeOceanClient, emulator) -> None:  # type: ignore[no-untyped-def]
    assets = await owned(client, 3)
    ids = {a.id for a in assets}
    report = await bulk.archive(client, assets)
    assert report.all_ok and report.summary() == "3 archived"
    assert ids <= await _archived_ids(client)
    assert len(_writes(emulator, "PATCH")) == 3
    report = await bulk.restore(client, assets)
    assert report.summary() == "3 restored"
    assert not ids & await _archived_ids(client)


async def test_archive_viewer_fails_and_lost_is_reconciled(client: CodeOceanClient, emulator, recorder) -> None:  # type: ignore[no-untyped-def]
    assets = await owned(client, 2)
    viewer_only = await client.data_assets.get_data_asset(VIEW_ONLY)
    emulator.faults.inject("lost", times=1, method="PATCH", path_contains=assets[0].id)
    report = await bulk.archive(client, [*assets, viewer_only])
    ok_lost, ok, refused = report.results
    assert ok_lost.status is Status.OK and ok_lost.reconciled
    assert ok.status is Status.OK and not ok.reconciled
    assert refused.status is Status.FAILED and "permission" in refused.reason and refused.denied
    assert not ok.denied
    assert len(recorder.sent("PATCH", assets[0].id)) == 1
    assert {a.id for a in assets} <= await _archived_ids(client)
    assert VIEW_ONLY not in await _archived_ids(client)


async def test_archive_timeout_is_read_back_as_not_applied(emulator, client_for) -> None:  # type: ignore[no-untyped-def]
    impatient = client_for(token=emulator.main_token, timeouts=Timeouts(deadline=0.3))
    [asset] = await owned(impatient, 1)
    emulator.faults.spec = dataclasses.replace(emulator.faults.spec, slow_ms=30_000)
    emulator.faults.inject("slow", times=1, method="PATCH")
    time = FakeTime()  # the read-back gives search 10 s to show the write (fake seconds here)
    report = await bulk.archive(impatient, [asset], journal=journal_on(time))
    [result] = report.results
    assert result.status is Status.FAILED and result.reconciled
    assert "did not answer in time" in result.reason and "search index" in result.reason
    assert time.now >= 10
    assert _writes(emulator, "PATCH") == []


async def test_archive_unknown_when_nothing_can_be_read(client: CodeOceanClient, emulator, sleeps) -> None:  # type: ignore[no-untyped-def]
    [asset] = await owned(client, 1)
    emulator.faults.inject("lost", times=1, method="PATCH")
    emulator.faults.inject("503", times=4, method="GET")
    report = await bulk.archive(client, [asset])
    assert report.results[0].status is Status.UNKNOWN
    assert report.summary() == "1 unknown" and not report.all_ok
    assert len(_writes(emulator, "PATCH")) == 1


# --- delete ----------------------------------------------------------------------------------------


async def test_delete_only_archived_assets(client: CodeOceanClient, emulator, recorder) -> None:  # type: ignore[no-untyped-def]
    archived = await owned(client, 2, archived=True)
    [active] = await owned(client, 1)
    emulator.faults.inject("lost", times=1, method="DELETE", path_contains=archived[0].id)
    report = await bulk.delete(client, [*archived, active])
    lost, ok, refused = report.results
    assert lost.status is Status.OK and lost.reconciled
    assert ok.status is Status.OK and not ok.reconciled
    assert refused.status is Status.FAILED and "not archived" in refused.reason
    assert recorder.sent("DELETE", active.id) == []
    assert len(recorder.sent("DELETE", archived[0].id)) == 1
    assert len(_writes(emulator, "DELETE")) == 2
    for asset in archived:
        assert await bulk.archived_state(client, asset) is None
    assert (await client.data_assets.get_data_asset(active.id)).id == active.id
    again = await bulk.delete(client, archived)
    assert [r.reason for r in again.results] == ["already deleted"] * 2


async def test_delete_500_is_read_back_as_not_deleted(client: CodeOceanClient, emulator) -> None:  # type: ignore[no-untyped-def]
    [asset] = await owned(client, 1, archived=True)
    emulator.faults.inject("500", times=1, method="DELETE")
    report = await bulk.delete(client, [asset])
    assert report.results[0].status is Status.FAILED and report.results[0].reconciled
    assert asset.id in await _archived_ids(client)


async def test_viewer_cannot_delete(client: CodeOceanClient, client_for) -> None:  # type: ignore[no-untyped-def]
    [asset] = await owned(client, 1, archived=True)
    await client.data_assets.update_permissions(asset.id, _viewer_perms())
    alan = client_for("alan@example.org")
    report = await bulk.delete(alan, [asset])
    [result] = report.results
    assert result.status is Status.FAILED
    assert "permission" in result.reason and "403" in result.reason
    assert asset.id in await _archived_ids(client)


def _viewer_perms() -> Permissions:
    return Permissions(users=[UserPermissions(email="alan@example.org", role="viewer")],
                       everyone="none")


async def test_archived_state_reads_both_sides(client: CodeOceanClient) -> None:
    raw = await client.data_assets.get_data_asset(asset_id(RAW_661))
    assert await bulk.archived_state(client, raw) is False
    [old] = await owned(client, 1, archived=True)
    assert await bulk.archived_state(client, old) is True
    quoted = msgspec.structs.replace(raw, name='say "hi" please')
    assert bulk._name_query(quoted.name) == 'name:"please"'
