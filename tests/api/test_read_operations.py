"""Client read operations against the in-process emulator (demo seed)."""

from __future__ import annotations

import pytest

from co_tui.api import CodeOceanClient, NotFoundError
from co_tui.api.models import (
    CapsuleSearchParams,
    DataAssetSearchParams,
    DataAssetState,
    DataAssetType,
)


async def _all(client: CodeOceanClient, **params: object) -> list:
    return [a async for a in client.data_assets.search_data_assets_iterator(
        DataAssetSearchParams(**params)  # type: ignore[arg-type]
    )]


async def test_get_data_asset_round_trips_search_rows(client: CodeOceanClient) -> None:
    page = await client.data_assets.search_data_assets(DataAssetSearchParams(limit=5))
    assert page.results
    for row in page.results:
        asset = await client.data_assets.get_data_asset(row.id)
        assert asset == row


async def test_unknown_asset_is_not_found(client: CodeOceanClient) -> None:
    with pytest.raises(NotFoundError) as info:
        await client.data_assets.get_data_asset("00000000-0000-4000-8000-000000000000")
    assert info.value.status == 404 and info.value.message


async def test_paging_with_small_pages_equals_one_big_page(client: CodeOceanClient, recorder) -> None:  # type: ignore[no-untyped-def]
    big = await client.data_assets.search_data_assets(DataAssetSearchParams(limit=1000))
    assert not big.has_more and big.next_token is None
    paged = await _all(client, limit=7)
    assert [a.id for a in paged] == [a.id for a in big.results]
    assert len(paged) >= 40
    pages = recorder.sent("POST", "/data_assets/search")
    assert len(pages) == 1 + -(-len(paged) // 7)


async def test_iterator_defaults_to_the_largest_page(client: CodeOceanClient, recorder) -> None:  # type: ignore[no-untyped-def]
    assets = await _all(client)
    assert assets
    body = recorder.sent("POST", "/data_assets/search")[-1].content
    assert b'"limit":1000' in body


@pytest.mark.parametrize("field", ["created", "name", "size", "type"])
@pytest.mark.parametrize("order", ["asc", "desc"])
async def test_sorting(client: CodeOceanClient, field: str, order: str) -> None:
    assets = await _all(client, sort_field=field, sort_order=order)
    keys = [getattr(a, field) if field != "name" else a.name.lower() for a in assets]
    if field == "size":
        keys = [k or 0 for k in keys]
    assert keys == sorted(keys, reverse=order == "desc")


async def test_filters(client: CodeOceanClient) -> None:
    everything = await _all(client)
    results = await _all(client, type=DataAssetType.Result)
    assert results and all(a.type == "result" for a in results)
    archived = await _all(client, archived=True)
    assert archived and not {a.id for a in archived} & {a.id for a in everything}
    favorites = await _all(client, favorite=True)
    assert favorites and {a.id for a in favorites} <= {a.id for a in everything}
    external = await _all(client, origin="external")
    assert external and all(a.is_external for a in external)
    internal = await _all(client, origin="internal")
    assert len(internal) + len(external) == len(everything)
    mine = await _all(client, ownership="created")
    shared = await _all(client, ownership="shared")
    assert mine and shared
    assert {a.id for a in mine} | {a.id for a in shared} == {a.id for a in everything}
    owner_ids = {a.owner for a in mine}
    assert len(owner_ids) == 1 and owner_ids.isdisjoint({a.owner for a in shared})


async def test_query_syntax(client: CodeOceanClient) -> None:
    everything = await _all(client)
    tagged = [a for a in everything if a.tags]
    tag = tagged[0].tags[0]
    by_tag = await _all(client, query=f"tag:{tag.upper()}")
    assert {a.id for a in by_tag} == {a.id for a in everything if tag in (a.tags or [])}
    word = everything[0].name.split()[0]
    by_name = await _all(client, query=f'name:"{word}"')
    assert everything[0].id in {a.id for a in by_name}
    assert all(word.lower() in a.name.lower() for a in by_name)
    nothing = await _all(client, query="name:zzz-no-such-asset-zzz")
    assert nothing == []


async def test_states_and_failure_reason_are_visible(client: CodeOceanClient) -> None:
    everything = await _all(client) + await _all(client, archived=True)
    states = {a.state for a in everything}
    assert {DataAssetState.Ready, DataAssetState.Draft, DataAssetState.Failed} <= states
    assert all(a.failure_reason for a in everything if a.state == "failed")


async def test_files_urls_and_range_reads(client: CodeOceanClient, emulator) -> None:  # type: ignore[no-untyped-def]
    assets = await _all(client, type="dataset", origin="internal")
    asset = next(a for a in assets if (a.files or 0) > 2)
    root = await client.data_assets.list_data_asset_files(asset.id)
    assert root.items
    folders = [i for i in root.items if i.is_folder]
    files = [i for i in root.items if not i.is_folder]
    if folders:
        sub = await client.data_assets.list_data_asset_files(asset.id, folders[0].path)
        assert all(i.path.startswith(folders[0].path + "/") for i in sub.items)
    target = files[0] if files else next(
        i for i in (await client.data_assets.list_data_asset_files(asset.id, folders[0].path)).items
        if not i.is_folder
    )
    urls = await client.data_assets.get_data_asset_file_urls(asset.id, target.path)
    assert urls.download_url.startswith(emulator.config.files_origin)
    assert urls.view_url.startswith(emulator.config.files_origin)
    read = await client.files.read_range(urls.download_url, 0, 1 << 20)
    assert read.total_size == target.size
    assert len(read.data) == min(target.size or 0, 1 << 20)
    assert read.at_end is ((target.size or 0) <= 1 << 20)
    if target.size and target.size > 10:
        part = await client.files.read_range(urls.download_url, 3, 5)
        assert part.data == read.data[3:8] and not part.at_end


async def test_capsules_computations_and_schema(client: CodeOceanClient) -> None:
    schema = await client.custom_metadata.get_custom_metadata()
    assert schema.fields and all(f.name for f in schema.fields)
    page = await client.capsules.search_capsules(CapsuleSearchParams(limit=100))
    assert page.results
    capsule = await client.capsules.get_capsule(page.results[0].id)
    assert capsule.id == page.results[0].id and capsule.slug
    pipelines = await client.pipelines.search_pipelines(CapsuleSearchParams())
    assert pipelines.results
    results = await _all(client, type="result")
    comp_ids = {a.provenance.computation for a in results if a.provenance and a.provenance.computation}
    assert comp_ids
    computation = await client.computations.get_computation(sorted(comp_ids)[0])
    assert computation.state


@pytest.mark.parametrize("hostile", ["../custom_metadata", "x/../../capsules/search", "a?b#c", "%2e%2e"])
async def test_ids_cannot_redirect_requests_to_other_endpoints(client: CodeOceanClient, recorder, hostile: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(NotFoundError):
        await client.data_assets.get_data_asset(hostile)
    raw = recorder.requests[-1].url.raw_path
    assert raw.startswith(b"/api/v1/data_assets/") and raw.count(b"/") == 4 and b"?" not in raw


async def test_file_names_with_spaces_and_unicode(client: CodeOceanClient, demo_seed) -> None:  # type: ignore[no-untyped-def]
    main = demo_seed.users[0].id
    asset, f = next(
        (a, f) for a in demo_seed.assets if a.owner == main and not a.archived and a.state == "ready"
        for f in a.files if " " in f.path and any(ord(c) > 127 for c in f.path)
    )
    urls = await client.data_assets.get_data_asset_file_urls(asset.id, f.path)
    read = await client.files.read_range(urls.download_url, 0, 1 << 20)
    assert read.total_size == f.content.size
    folder = f.path.rpartition("/")[0]
    listing = await client.data_assets.list_data_asset_files(asset.id, folder)
    assert f.path in {i.path for i in listing.items}
