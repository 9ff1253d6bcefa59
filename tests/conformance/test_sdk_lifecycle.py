"""The official ``codeocean`` SDK, unchanged, against the emulator served by uvicorn.

Every data-asset method of ``codeocean.data_asset.DataAssets`` runs, and the SDK's own models
parse every response: they raise on a missing required key or an unknown enum value, so passing
here means the emulator's JSON is what the SDK expects. Each test runs against a tidy emulator
and against one with the quirks the SDK reads and a 1.5 s search lag (``conftest.py``): after a
write, the test polls search until the write shows, as any client of a real server must.
"""

from __future__ import annotations

import time

import pytest
import requests
from codeocean import CodeOcean
from codeocean.capsule import CapsuleSearchParams
from codeocean.components import (
    EveryoneRole,
    Ownership,
    Permissions,
    SearchFilter,
    UserPermissions,
    UserRole,
)
from codeocean.data_asset import (
    AWSS3Source,
    AWSS3Target,
    ComputationSource,
    DataAsset,
    DataAssetAttachParams,
    DataAssetParams,
    DataAssetSearchParams,
    DataAssetSortBy,
    DataAssetState,
    DataAssetType,
    DataAssetUpdateParams,
    Source,
    Target,
    TransferDataParams,
)
from codeocean.error import Error
from codeocean.models.components import SortOrder

from co_tui.emulator.seeds import load_seed
from co_tui.emulator.server import ServedEmulator
from tests.conformance.sdk_helpers import eventually

# With quirks the SDK warns about a null in a field it types as required (last_used,
# source_bucket.origin) - and reads the response all the same, which is what is tested here.
pytestmark = pytest.mark.filterwarnings("ignore:.*non-optional type:RuntimeWarning")

@pytest.fixture(scope="module")
def seed():  # type: ignore[no-untyped-def]
    return load_seed("demo")


@pytest.fixture
def fast_polling(monkeypatch: pytest.MonkeyPatch) -> None:
    """wait_until_ready insists on polling_interval >= 5; sleep 0.2 s instead of 5."""
    import codeocean.data_asset

    monkeypatch.setattr(codeocean.data_asset, "sleep", lambda _seconds: time.sleep(0.2))


def _client(served: ServedEmulator, token: str) -> CodeOcean:
    return CodeOcean(domain=served.domain, token=token, agent_id="co-tui conformance")


def _admin_token(served: ServedEmulator) -> str:
    admin = next(user for user in served.emulator.store.users if user.admin)
    assert admin.token
    return admin.token


def _fetch(url: str, **headers: str) -> requests.Response:
    response = requests.get(url, headers=headers, timeout=10)
    assert "Authorization" not in response.request.headers
    return response


PROJECT = {"project": "SDK conformance"}
"""The demo deployment requires a ``project`` on every new asset, as a real one may."""


def _owned_ready_datasets(co: CodeOcean, origin: str = "internal") -> list[DataAsset]:
    params = DataAssetSearchParams(ownership=Ownership.Created, type=DataAssetType.Dataset,
                                   origin=origin, limit=1000)
    return [a for a in co.data_assets.search_data_assets(params).results
            if a.state == DataAssetState.Ready and a.files]


def test_search_and_paging(served: ServedEmulator) -> None:
    co = _client(served, served.emulator.main_token)
    big = co.data_assets.search_data_assets(DataAssetSearchParams(limit=1000, archived=False))
    assert not big.has_more and big.next_token is None and len(big.results) > 20
    paged = list(co.data_assets.search_data_assets_iterator(
        DataAssetSearchParams(limit=7, archived=False)))
    assert [a.id for a in paged] == [a.id for a in big.results]
    by_name = list(co.data_assets.search_data_assets_iterator(DataAssetSearchParams(
        limit=9, sort_field=DataAssetSortBy.Name, sort_order=SortOrder.Ascending)))
    assert [a.name.lower() for a in by_name] == sorted(a.name.lower() for a in by_name)
    tagged = next(a for a in big.results if a.tags)
    found = co.data_assets.search_data_assets(DataAssetSearchParams(
        query=f"tag:{tagged.tags[0]}", filters=[SearchFilter(key="tags", value=tagged.tags[0])]))
    assert tagged.id in {a.id for a in found.results}
    archived = co.data_assets.search_data_assets(DataAssetSearchParams(archived=True))
    assert {a.id for a in archived.results}.isdisjoint({a.id for a in big.results})


def test_files_and_urls(served: ServedEmulator) -> None:
    co = _client(served, served.emulator.main_token)
    asset = _owned_ready_datasets(co)[0]
    assert co.data_assets.get_data_asset(asset.id) == asset
    root = co.data_assets.list_data_asset_files(asset.id)
    assert root.items
    folder = next((i for i in root.items if i.type == "folder"), None)
    item = next((i for i in root.items if i.type == "file"), None)
    if folder is not None:
        inside = co.data_assets.list_data_asset_files(asset.id, folder.path)
        assert all(i.path.startswith(folder.path + "/") for i in inside.items)
        item = item or next(i for i in inside.items if i.type == "file")
    assert item is not None and item.size is not None
    urls = co.data_assets.get_data_asset_file_urls(asset.id, item.path)
    assert urls.download_url.startswith(served.files_origin)
    download = _fetch(urls.download_url, Range=f"bytes=0-{min(item.size, 1 << 20) - 1}")
    view = _fetch(urls.view_url, Range=f"bytes=0-{min(item.size, 1 << 20) - 1}")
    assert download.status_code in (200, 206) and download.content == view.content
    assert len(download.content) == min(item.size, 1 << 20)
    with pytest.warns(DeprecationWarning):
        old = co.data_assets.get_data_asset_file_download_url(asset.id, item.path)
    assert _fetch(old.url, Range="bytes=0-99").content == download.content[:100]
    with pytest.raises(Error) as refused:
        co.data_assets.list_data_asset_files(asset.id, "no/such/folder")
    assert refused.value.status_code == 404


def test_data_asset_life_cycle(served: ServedEmulator, seed, fast_polling: None) -> None:  # type: ignore[no-untyped-def]
    co = _client(served, served.emulator.main_token)
    main_user = seed.users[0]
    bucket = sorted(seed.buckets)[0]

    # create from S3, wait until ready
    created = co.data_assets.create_data_asset(DataAssetParams(
        name="SDK import", tags=["sdk"], mount="sdk-import", description="made by the SDK",
        source=Source(aws=AWSS3Source(bucket=bucket, prefix="")),
        custom_metadata=PROJECT,
    ))
    assert created.state == DataAssetState.Draft and created.owner == main_user.id
    ready = co.data_assets.wait_until_ready(created, polling_interval=5, timeout=30)
    assert ready.state == DataAssetState.Ready and ready.files and ready.size
    assert co.data_assets.list_data_asset_files(ready.id).items

    # a bad bucket: wait_until_ready returns the failed asset
    bad = co.data_assets.create_data_asset(DataAssetParams(
        name="SDK bad import", tags=[], mount="bad",
        source=Source(aws=AWSS3Source(bucket="no-such-bucket", keep_on_external_storage=True)),
        custom_metadata=PROJECT))
    failed = co.data_assets.wait_until_ready(bad, polling_interval=5, timeout=30)
    assert failed.state == DataAssetState.Failed and "no-such-bucket" in failed.failure_reason

    # from a computation's results
    computation = next(c for c in seed.computations
                       if c.results and c.state == "completed" and c.owner == main_user.id)
    result = co.data_assets.create_data_asset(DataAssetParams(
        name="SDK results", tags=["results"], mount="sdk-results",
        source=Source(computation=ComputationSource(id=computation.id)),
        custom_metadata=PROJECT))
    result = co.data_assets.wait_until_ready(result, polling_interval=5, timeout=30)
    assert result.type == DataAssetType.Result and result.state == DataAssetState.Ready
    assert result.provenance is not None and result.provenance.computation == computation.id
    run = co.computations.get_computation(computation.id)
    assert run.id == computation.id and run.state

    # combined from two external datasets with different mounts
    parts: list[DataAsset] = []
    for asset in _owned_ready_datasets(co, origin="external"):
        if asset.mount not in {p.mount for p in parts}:
            parts.append(asset)
        if len(parts) == 2:
            break
    combined = co.data_assets.create_data_asset(DataAssetParams(
        name="SDK combined", tags=[], mount="sdk-combined",
        data_asset_ids=[p.id for p in parts], custom_metadata=PROJECT))
    assert combined.type == DataAssetType.Combined
    combined = co.data_assets.wait_until_ready(combined, polling_interval=5, timeout=30)
    assert {c.id for c in combined.contained_data_assets} == {p.id for p in parts}
    assert combined.files == sum(p.files for p in parts)

    # metadata
    updated = co.data_assets.update_metadata(ready.id, DataAssetUpdateParams(
        name="SDK import (renamed)", tags=["sdk", "renamed"]))
    assert updated.name == "SDK import (renamed)" and updated.tags == ["sdk", "renamed"]
    assert updated.mount == "sdk-import" and updated.description == "made by the SDK"

    # permissions
    other = seed.users[1]
    co.data_assets.update_permissions(ready.id, Permissions(
        users=[UserPermissions(email=other.email, role=UserRole.Viewer)],
        groups=[], everyone=EveryoneRole.None_, share_assets=True))
    perms = co.data_assets.get_permissions(ready.id)
    assert {(u.email, u.role) for u in perms.users} == {
        (main_user.email, UserRole.Owner), (other.email, UserRole.Viewer)}
    assert perms.everyone == EveryoneRole.None_ and perms.share_assets is True
    with pytest.raises(Error) as no_editor:  # data assets have viewers and owners only
        co.data_assets.update_permissions(ready.id, Permissions(
            users=[UserPermissions(email=other.email, role=UserRole.Editor)]))
    assert no_editor.value.status_code == 400 and "editor" in no_editor.value.message
    viewer = _client(served, served.emulator.tokens[other.email])
    assert viewer.data_assets.get_data_asset(ready.id).id == ready.id
    with pytest.raises(Error) as denied:
        viewer.data_assets.update_metadata(ready.id, DataAssetUpdateParams(name="nope"))
    assert denied.value.status_code == 403 and "permission" in denied.value.message

    # capsules and pipelines: attach, find by asset id, detach
    capsule = co.capsules.search_capsules(CapsuleSearchParams(ownership=Ownership.Created)).results[0]
    attached = co.capsules.attach_data_assets(
        capsule.id, [DataAssetAttachParams(id=ready.id, mount="sdk-mounted")])
    assert [(a.id, a.mount, a.ready) for a in attached] == [(ready.id, "sdk-mounted", True)]
    hits = co.capsules.search_capsules(CapsuleSearchParams(query=ready.id))
    assert [c.id for c in hits.results] == [capsule.id]
    assert co.capsules.get_capsule(capsule.id).slug == capsule.slug
    co.capsules.detach_data_assets(capsule.id, [ready.id])
    assert co.capsules.search_capsules(CapsuleSearchParams(query=ready.id)).results == []
    pipeline = co.pipelines.search_pipelines(CapsuleSearchParams(ownership=Ownership.Created)).results[0]
    co.pipelines.attach_data_assets(pipeline.id, [DataAssetAttachParams(id=ready.id)])
    assert [p.id for p in co.pipelines.search_pipelines(
        CapsuleSearchParams(query=ready.id)).results] == [pipeline.id]
    assert co.pipelines.get_pipeline(pipeline.id).id == pipeline.id
    co.pipelines.detach_data_assets(pipeline.id, [ready.id])

    # transfer (admins only)
    with pytest.raises(Error) as not_admin:
        co.data_assets.transfer_data_asset(result.id, TransferDataParams(
            target=Target(aws=AWSS3Target(bucket=bucket, prefix="moved"))))
    assert not_admin.value.status_code == 403
    admin = _client(served, _admin_token(served))
    admin.data_assets.transfer_data_asset(result.id, TransferDataParams(
        target=Target(aws=AWSS3Target(bucket=bucket, prefix="moved")), force=False))
    moved = co.data_assets.get_data_asset(result.id)
    assert moved.source_bucket.external is True and moved.last_transferred

    # archive, unarchive, delete
    with pytest.raises(Error) as refused:
        co.data_assets.delete_data_asset(ready.id)
    assert refused.value.status_code == 400 and "archived" in refused.value.message
    co.data_assets.archive_data_asset(ready.id, True)
    eventually(lambda: ready.id in {a.id for a in co.data_assets.search_data_assets_iterator(
        DataAssetSearchParams(archived=True))})
    co.data_assets.archive_data_asset(ready.id, False)
    eventually(lambda: ready.id in {a.id for a in co.data_assets.search_data_assets_iterator(
        DataAssetSearchParams(query="name:\"SDK import\""))})
    co.data_assets.archive_data_asset(ready.id, True)
    co.data_assets.delete_data_asset(ready.id)
    with pytest.raises(Error) as gone:
        co.data_assets.get_data_asset(ready.id)
    assert gone.value.status_code == 404


def test_custom_metadata_schema(served: ServedEmulator) -> None:
    schema = _client(served, served.emulator.main_token).custom_metadata.get_custom_metadata()
    assert schema.fields and all(field.name and field.type for field in schema.fields)


def test_sdk_error_handling(served: ServedEmulator) -> None:
    co = _client(served, served.emulator.main_token)
    with pytest.raises(Error) as info:
        co.data_assets.get_data_asset("00000000-0000-4000-8000-000000000000")
    assert info.value.status_code == 404
    assert info.value.message == "data asset 00000000-0000-4000-8000-000000000000 not found"
    assert info.value.data == {"message": info.value.message}
    stranger = _client(served, "cop_not_a_token")
    with pytest.raises(Error) as unauthorised:
        stranger.data_assets.search_data_assets(DataAssetSearchParams())
    assert unauthorised.value.status_code == 401
    served.emulator.faults.inject("429", method="POST", path_contains="/data_assets/search")
    with pytest.raises(Error) as limited:
        co.data_assets.search_data_assets(DataAssetSearchParams())
    assert limited.value.status_code == 429
    assert limited.value.http_err.response.headers["Retry-After"] == "1"


def test_the_mode_is_on_the_wire(served: ServedEmulator) -> None:
    """The ``real`` mode really sends odd shapes and lags; ``tidy`` does neither."""
    config = served.emulator.config
    page = requests.post(f"{served.domain}/api/v1/data_assets/search", json={"limit": 1000},
                         auth=(served.emulator.main_token, ""), timeout=10).json()
    floats = [a for a in page["results"] if isinstance(a["created"], float)]
    if config.quirks is None:
        assert not floats and served.emulator.search_index is None
    else:
        assert floats and all(int(a["created"]) != a["created"] for a in floats)
        assert served.emulator.search_index is not None
