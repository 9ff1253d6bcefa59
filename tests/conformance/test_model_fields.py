"""Our models speak the SDK's language: same class names, same field names (docs/architecture.md, "Speak the SDK's language")."""

from __future__ import annotations

import dataclasses

import msgspec
import pytest
from codeocean import custom_metadata
from codeocean.models import capsule, components, computation, data_asset, folder

from co_tui.api import codec, models

SDK_MODELS = {
    data_asset: [
        "DataAsset", "Provenance", "SourceBucket", "AppParameter", "ContainedDataAsset",
        "DataAssetUpdateParams", "AWSS3Source", "GCPCloudStorageSource", "ComputationSource",
        "CloudWorkstationSource", "Source", "AWSS3Target", "Target", "DataAssetParams",
        "ResultsInfo", "DataAssetAttachParams", "DataAssetAttachResults",
        "DataAssetSearchParams", "DataAssetSearchResults", "TransferDataParams",
    ],
    components: [
        "Permissions", "UserPermissions", "GroupPermissions", "SearchFilter", "SearchFilterRange",
    ],
    folder: ["Folder", "FolderItem", "FileURLs", "DownloadFileURL"],
    capsule: [
        "Capsule", "CapsuleSearchParams", "CapsuleSearchResults", "Version", "OriginalCapsuleInfo",
    ],
    computation: ["Computation", "InputDataAsset", "Param", "PipelineProcess"],
    custom_metadata: ["CustomMetadata", "CustomMetadataField", "CustomMetadataFieldRange"],
}

SDK_ENUMS = {
    data_asset: [
        "DataAssetType", "DataAssetState", "DataAssetOrigin", "DataAssetSortBy",
        "DataAssetSearchOrigin",
    ],
    components: ["UserRole", "GroupRole", "EveryoneRole", "SortOrder", "Ownership"],
    capsule: ["CapsuleStatus", "CapsuleSortBy"],
    computation: ["ComputationState"],
}

PAIRS = [(module, name) for module, names in SDK_MODELS.items() for name in names]
ENUM_PAIRS = [(module, name) for module, names in SDK_ENUMS.items() for name in names]


CLIENT_ONLY_FIELDS = {
    "DataAssetSearchResults": ["unreadable"],
    "CapsuleSearchResults": ["unreadable"],
    "Folder": ["unreadable"],
}
"""Fields the SDK does not have because they are not API fields: this client's count of the
records of a page it could not read. They come last, default to 0, and never go on the wire."""


@pytest.mark.parametrize(("module", "name"), PAIRS, ids=[name for _, name in PAIRS])
def test_model_fields_match_the_sdk(module: object, name: str) -> None:
    sdk_cls = getattr(module, name)
    ours = getattr(models, name)
    sdk_fields = [f.name for f in dataclasses.fields(sdk_cls)]
    our_fields = [f.name for f in msgspec.structs.fields(ours)]
    assert our_fields == sdk_fields + CLIENT_ONLY_FIELDS.get(name, [])


@pytest.mark.parametrize("name", sorted(CLIENT_ONLY_FIELDS))
def test_client_only_fields_never_go_on_the_wire(name: str) -> None:
    cls = getattr(models, name)
    for field in CLIENT_ONLY_FIELDS[name]:
        # a server that sends the key does not set it, and a default page does not send it
        decoded = codec.decode(msgspec.json.encode({field: 7}), cls)
        assert getattr(decoded, field) == 0
        assert field.encode() not in codec.encode(cls())


@pytest.mark.parametrize(("module", "name"), ENUM_PAIRS, ids=[name for _, name in ENUM_PAIRS])
def test_enum_values_match_the_sdk(module: object, name: str) -> None:
    sdk_values = {member.value for member in getattr(module, name)}
    our_values = {member.value for member in getattr(models, name)}
    assert our_values == sdk_values


def test_every_sdk_data_asset_model_is_covered() -> None:
    sdk_classes = {
        name for name, value in vars(data_asset).items()
        if dataclasses.is_dataclass(value) and value.__module__ == data_asset.__name__
    }
    assert sdk_classes <= set(SDK_MODELS[data_asset])
