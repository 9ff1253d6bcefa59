"""Models of the Code Ocean API, named and shaped as the official SDK's (``codeocean.models.*``).

Decoding uses msgspec (``bench/decode_models.py`` compares it with pydantic on a 1,000-asset
search page). Every model is tolerant by construction:

- unknown keys are ignored (msgspec's default);
- enum-valued fields are typed ``str``: a value this client does not know (a newer server, a
  legacy ``DATA_ASSET_STATE_READY``) is kept and shown instead of failing the whole page. The
  ``StrEnum`` classes below name the values we know, for comparisons and for building requests;
- every field except an object's identity has a default, so a missing optional field, or a
  "required" one that an older server leaves out (``owner`` before platform 4.3), decodes fine;
- numbers sent as strings (``"size": "123"``) are accepted (``strict=False`` decoding);
- an answer that still does not fit (a float timestamp, ``null`` where the model has a default,
  a number for a string, one unreadable record in a page) is read again by the lenient path of
  :mod:`co_tui.api.lenient`; the typed decoder stays the fast path for every answer that fits.

Request models encode with ``omit_defaults``: an unset field is left out, which the API treats
like ``null`` (docs/api-notes.md, 'Nulls and absent fields'). Operations whose semantics need
every field on the wire (update metadata) fill every field before encoding.

The models live in modules named as the SDK's (``components``, ``data_asset``, ``folder``,
``capsule``, ``computation``, ``custom_metadata``); this package exports them all, as the SDK's
``codeocean.models.*`` together.
"""

from __future__ import annotations

from co_tui.api.models.capsule import (
    Capsule,
    CapsuleSearchParams,
    CapsuleSearchResults,
    CapsuleSortBy,
    CapsuleStatus,
    OriginalCapsuleInfo,
    Version,
)
from co_tui.api.models.components import (
    EveryoneRole,
    GroupPermissions,
    GroupRole,
    Ownership,
    Permissions,
    SearchFilter,
    SearchFilterRange,
    SortOrder,
    UserPermissions,
    UserRole,
)
from co_tui.api.models.computation import (
    Computation,
    ComputationList,
    ComputationState,
    InputDataAsset,
    Param,
    PipelineProcess,
)
from co_tui.api.models.custom_metadata import (
    CustomMetadata,
    CustomMetadataField,
    CustomMetadataFieldRange,
)
from co_tui.api.models.data_asset import (
    AppParameter,
    AWSS3Source,
    AWSS3Target,
    CloudWorkstationSource,
    ComputationSource,
    ContainedDataAsset,
    DataAsset,
    DataAssetAttachParams,
    DataAssetAttachResults,
    DataAssetOrigin,
    DataAssetParams,
    DataAssetSearchOrigin,
    DataAssetSearchParams,
    DataAssetSearchResults,
    DataAssetSortBy,
    DataAssetState,
    DataAssetType,
    DataAssetUpdateParams,
    GCPCloudStorageSource,
    Provenance,
    ResultsInfo,
    Source,
    SourceBucket,
    Target,
    TransferDataParams,
)
from co_tui.api.models.folder import (
    DownloadFileURL,
    FileURLs,
    Folder,
    FolderItem,
)

__all__ = [
    "AWSS3Source",
    "AWSS3Target",
    "AppParameter",
    "Capsule",
    "CapsuleSearchParams",
    "CapsuleSearchResults",
    "CapsuleSortBy",
    "CapsuleStatus",
    "CloudWorkstationSource",
    "Computation",
    "ComputationList",
    "ComputationSource",
    "ComputationState",
    "ContainedDataAsset",
    "CustomMetadata",
    "CustomMetadataField",
    "CustomMetadataFieldRange",
    "DataAsset",
    "DataAssetAttachParams",
    "DataAssetAttachResults",
    "DataAssetOrigin",
    "DataAssetParams",
    "DataAssetSearchOrigin",
    "DataAssetSearchParams",
    "DataAssetSearchResults",
    "DataAssetSortBy",
    "DataAssetState",
    "DataAssetType",
    "DataAssetUpdateParams",
    "DownloadFileURL",
    "EveryoneRole",
    "FileURLs",
    "Folder",
    "FolderItem",
    "GCPCloudStorageSource",
    "GroupPermissions",
    "GroupRole",
    "InputDataAsset",
    "OriginalCapsuleInfo",
    "Ownership",
    "Param",
    "Permissions",
    "PipelineProcess",
    "Provenance",
    "ResultsInfo",
    "SearchFilter",
    "SearchFilterRange",
    "SortOrder",
    "Source",
    "SourceBucket",
    "Target",
    "TransferDataParams",
    "UserPermissions",
    "UserRole",
    "Version",
]
