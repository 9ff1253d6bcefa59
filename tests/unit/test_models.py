"""Tolerant decoding of API responses (issue 2: models)."""

from __future__ import annotations

import msgspec
import pytest

from co_tui.api.codec import decode, encode
from co_tui.api.models import (
    AWSS3Source,
    DataAsset,
    DataAssetParams,
    DataAssetSearchResults,
    DataAssetState,
    DataAssetUpdateParams,
    Folder,
    Permissions,
    Source,
)

FULL = b"""{
 "id": "0b6e", "created": 1700000000, "name": "ecephys raw", "mount": "ecephys", "last_used": 0,
 "owner": "u1", "state": "ready", "type": "dataset", "files": 12, "size": 3456,
 "description": "", "owner_email": "ada@example.org", "tags": ["raw", "ecephys"],
 "source_bucket": {"origin": "local", "bucket": "", "prefix": "", "external": false},
 "provenance": {"capsule": "c1", "data_assets": ["a", "b"], "docker_image": ""},
 "custom_metadata": {"modality": "ecephys", "temperature_c": 21.5},
 "app_parameters": [{"name": "threshold", "value": "5"}],
 "contained_data_assets": [{"id": "x", "mount": "x", "size": 1}],
 "failure_reason": null
}"""


def test_full_asset_decodes_every_field() -> None:
    asset = decode(FULL, DataAsset)
    assert asset.name == "ecephys raw"
    assert asset.tags == ("raw", "ecephys")
    assert asset.source_bucket is not None and asset.source_bucket.external is False
    assert asset.provenance is not None and asset.provenance.data_assets == ("a", "b")
    assert asset.custom_metadata == {"modality": "ecephys", "temperature_c": 21.5}
    assert asset.app_parameters is not None and asset.app_parameters[0].value == "5"
    assert asset.failure_reason is None
    assert not asset.is_external


def test_unknown_keys_are_ignored_and_unknown_enums_kept() -> None:
    raw = b'{"id": "a", "state": "archiving", "type": "DATA_ASSET_TYPE_DATASET", "brand_new": {"x": 1}}'
    asset = decode(raw, DataAsset)
    assert asset.state == "archiving"
    assert asset.type == "DATA_ASSET_TYPE_DATASET"
    assert asset.state not in set(DataAssetState)


def test_missing_optional_and_legacy_required_fields_are_fine() -> None:
    # An older server leaves out `owner` (the SDK >= 0.15 raises KeyError on that).
    asset = decode(b'{"id": "a", "created": 1, "name": "n", "mount": "m", "last_used": 0,'
                   b' "state": "ready", "type": "dataset"}', DataAsset)
    assert asset.owner == ""
    assert asset.size is None and asset.tags is None


def test_size_given_as_string_is_accepted() -> None:
    assert decode(b'{"id": "a", "size": "123", "files": "4"}', DataAsset).size == 123


def test_missing_id_is_an_error() -> None:
    with pytest.raises(msgspec.ValidationError):
        decode(b'{"name": "no id"}', DataAsset)


def test_search_results_default_to_empty() -> None:
    page = decode(b'{"has_more": false}', DataAssetSearchResults)
    assert page.results == [] and page.next_token is None


def test_folder_items() -> None:
    folder = decode(
        b'{"items": [{"name": "a b.txt", "path": "x/a b.txt", "type": "file", "size": "7"},'
        b' {"name": "sub", "path": "x/sub", "type": "folder"}]}',
        Folder,
    )
    assert [item.is_folder for item in folder.items] == [False, True]
    assert folder.items[0].size == 7


def test_requests_leave_unset_fields_off_the_wire() -> None:
    params = DataAssetParams(
        name="n", tags=["t"], mount="m", source=Source(aws=AWSS3Source(bucket="b", prefix="p"))
    )
    assert msgspec.json.decode(encode(params)) == {
        "name": "n", "tags": ["t"], "mount": "m",
        "source": {"aws": {"bucket": "b", "prefix": "p"}},
    }


def test_update_params_keep_explicit_empty_values() -> None:
    body = msgspec.json.decode(encode(DataAssetUpdateParams(
        name="n", description="", tags=[], mount="m", custom_metadata={}
    )))
    assert body == {"name": "n", "description": "", "tags": [], "mount": "m", "custom_metadata": {}}


def test_permissions_round_trip() -> None:
    raw = b'{"users": [{"email": "a@b.c", "role": "viewer"}], "everyone": "discoverable"}'
    perms = decode(raw, Permissions)
    assert perms.users is not None and perms.users[0].role == "viewer"
    assert msgspec.json.decode(encode(perms)) == msgspec.json.decode(raw)


def test_httpcore_read_size_knob_still_exists() -> None:
    """co_tui.api.files raises httpcore's per-read size for downloads; an upgrade must not
    silently drop the knob (bench/download.py measures what it is worth)."""
    from httpcore._async.http11 import AsyncHTTP11Connection

    from co_tui.api.files import SOCKET_READ_BYTES, raise_socket_read_size

    assert hasattr(AsyncHTTP11Connection, "READ_NUM_BYTES")
    raise_socket_read_size()
    assert AsyncHTTP11Connection.READ_NUM_BYTES >= SOCKET_READ_BYTES


def test_loaded_assets_cost_the_garbage_collector_nothing() -> None:
    """100,000 tracked assets made a full collection stall the UI for 165 ms."""
    import gc

    asset = decode(FULL, DataAsset)
    gc.collect()
    assert not gc.is_tracked(asset)
    assert not gc.is_tracked(asset.tags) and not gc.is_tracked(asset.provenance)
