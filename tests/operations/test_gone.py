"""Bulk actions over a selection where another client deleted some assets meanwhile: each
asset's outcome is reported, the gone ones by name ("3 archived; 1 no longer exists: 'NAME'"),
and their 404s reach the client's hook marked as reported by the caller (no second message)."""

from __future__ import annotations

import pytest

from co_tui.api import CodeOceanClient, NotFoundError
from co_tui.api.models import DataAsset
from co_tui.emulator import Emulator, EmulatorConfig
from co_tui.operations import bulk
from co_tui.operations.bulk import AssetResult, BulkReport, Status
from co_tui.operations.bulk_report import _cut
from co_tui.safe_text import display
from tests.owned_assets import owned


@pytest.fixture
def emulator(clock, demo_seed):  # type: ignore[no-untyped-def]
    return Emulator(EmulatorConfig(seed="demo", clock=clock), seed_data=demo_seed)


async def _delete_elsewhere(other: CodeOceanClient, asset: DataAsset, *,
                            archived: bool = False) -> None:
    if not archived:
        await other.data_assets.archive_data_asset(asset.id, True)
    await other.data_assets.delete_data_asset(asset.id)


@pytest.fixture
def other(client: CodeOceanClient, client_for):  # type: ignore[no-untyped-def]
    """A second client, as the same user (another terminal, the web app ...)."""
    return client_for(token=client._token.get())


async def test_archive_reports_the_asset_deleted_elsewhere(client: CodeOceanClient, other: CodeOceanClient) -> None:
    assets = await owned(client, 4)
    await _delete_elsewhere(other, assets[2])
    seen: list[NotFoundError] = []
    client.on_asset_missing(seen.append)
    report = await bulk.archive(client, assets)
    assert [r.status for r in report.results] == [Status.OK, Status.OK, Status.GONE, Status.OK]
    assert report.summary() == f"3 archived; 1 no longer exists: '{_cut(assets[2].name)}'"
    assert report.all_ok and [r.asset_id for r in report.gone] == [assets[2].id]
    assert seen and all(e.asset_id == assets[2].id and e.caller_reports for e in seen)


async def test_tags_and_restore_report_gone_assets(client: CodeOceanClient, other: CodeOceanClient) -> None:
    assets = await owned(client, 3)
    await _delete_elsewhere(other, assets[0])
    report = await bulk.add_tag(client, assets, "followed")
    assert [r.status for r in report.results] == [Status.GONE, Status.OK, Status.OK]
    assert report.summary() == f"2 updated; 1 no longer exists: '{_cut(assets[0].name)}'"
    archived = await owned(client, 2, archived=True)
    await _delete_elsewhere(other, archived[1], archived=True)
    report = await bulk.restore(client, archived)
    assert report.summary() == f"1 restored; 1 no longer exists: '{_cut(archived[1].name)}'"


def test_summary_names_a_few_gone_assets_cut_and_counts_the_rest() -> None:
    hostile = "evil\x1b]0;title\x07 [b]x[/b] " + "y" * 80
    results = [AssetResult(f"id{i}", name, Status.GONE, bulk.GONE_REASON)
               for i, name in enumerate([hostile, "b", "c", "d", "e"])]
    report = BulkReport("archive", (AssetResult("ok", "fine", Status.OK), *results))
    summary = report.summary()
    assert summary.startswith("1 archived; 5 no longer exist: 'evil")
    assert summary.endswith("…', 'b', 'c' and 2 more")
    shown = display(summary, max_chars=600).plain
    assert "\x1b" not in shown and "\x07" not in shown
    assert BulkReport("archive", tuple(results[1:2])).summary() == "1 no longer exists: 'b'"
