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
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

import msgspec

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


class _Model(msgspec.Struct, kw_only=True, omit_defaults=True, gc=False):
    """Base of every model: keyword-only fields, unset fields left off the wire.

    ``gc=False``: instances are plain data that never form reference cycles, so the garbage
    collector need not track them. With 100,000 assets loaded, a full collection took 165 ms
    (an event-loop stall) when they were tracked; sequences inside assets are tuples for the
    same reason (CPython stops tracking tuples of untracked items).

    Treat instances as values: build changed copies with ``msgspec.structs.replace``.
    """


# --- enums (the wire strings: docs/api-notes.md, 'Wire values') --------------------------------


class DataAssetType(StrEnum):
    """Kinds of data asset."""

    Dataset = "dataset"
    Result = "result"
    Combined = "combined"
    Model = "model"


class DataAssetState(StrEnum):
    """Life-cycle states of a data asset."""

    Draft = "draft"
    Ready = "ready"
    Failed = "failed"


class DataAssetOrigin(StrEnum):
    """Where a data asset's files are stored (``SourceBucket.origin``)."""

    AWS = "aws"
    Local = "local"
    GCP = "gcp"


class DataAssetSearchOrigin(StrEnum):
    """The search ``origin`` filter."""

    Internal = "internal"
    External = "external"


class DataAssetSortBy(StrEnum):
    """Data-asset search sort fields."""

    Created = "created"
    Type = "type"
    Name = "name"
    Size = "size"


class SortOrder(StrEnum):
    """Sort directions."""

    Ascending = "asc"
    Descending = "desc"


class Ownership(StrEnum):
    """The search ``ownership`` filter."""

    Private = "private"
    Shared = "shared"
    Created = "created"


class UserRole(StrEnum):
    """Roles a user can hold on a data asset."""

    Owner = "owner"
    Editor = "editor"
    Viewer = "viewer"


class GroupRole(StrEnum):
    """Roles a group can hold on a data asset."""

    Owner = "owner"
    Editor = "editor"
    Viewer = "viewer"
    Discoverable = "discoverable"


class EveryoneRole(StrEnum):
    """What everyone in the deployment may do with a data asset."""

    Viewer = "viewer"
    Discoverable = "discoverable"
    None_ = "none"


class CapsuleStatus(StrEnum):
    """Release state of a capsule or pipeline."""

    NonRelease = "non_release"
    Release = "release"


class CapsuleSortBy(StrEnum):
    """Capsule search sort fields."""

    Created = "created"
    LastAccessed = "last_accessed"
    Name = "name"


class ComputationState(StrEnum):
    """States of a computation."""

    Initializing = "initializing"
    Running = "running"
    Finalizing = "finalizing"
    Completed = "completed"
    Failed = "failed"


# --- data assets --------------------------------------------------------------------------------


class Provenance(_Model):
    """How a result data asset was produced."""

    commit: str | None = None
    run_script: str | None = None
    docker_image: str | None = None
    capsule: str | None = None
    data_assets: tuple[str, ...] | None = None
    computation: str | None = None


class SourceBucket(_Model):
    """Where a data asset's files live; ``external`` means they were not copied into Code Ocean."""

    origin: str = ""
    bucket: str | None = None
    prefix: str | None = None
    external: bool | None = None


class AppParameter(_Model):
    """A named parameter of an app-panel run."""

    name: str | None = None
    value: str | None = None


class ContainedDataAsset(_Model):
    """A part of a combined data asset."""

    id: str | None = None
    mount: str | None = None
    size: int | None = None


class DataAsset(_Model):
    """A data asset, as returned by get, search, create and update."""

    id: str
    created: int = 0
    name: str = ""
    mount: str = ""
    last_used: int = 0
    owner: str = ""
    state: str = ""
    type: str = ""
    files: int | None = None
    size: int | None = None
    description: str | None = None
    owner_email: str | None = None
    tags: tuple[str, ...] | None = None
    provenance: Provenance | None = None
    source_bucket: SourceBucket | None = None
    custom_metadata: dict[str, Any] | None = None
    app_parameters: tuple[AppParameter, ...] | None = None
    nextflow_profile: str | None = None
    contained_data_assets: tuple[ContainedDataAsset, ...] | None = None
    last_transferred: int | None = None
    transfer_error: str | None = None
    failure_reason: str | None = None

    @property
    def is_external(self) -> bool:
        """True when the files live outside Code Ocean (and cannot be listed through the API)."""
        return bool(self.source_bucket is not None and self.source_bucket.external)


class DataAssetUpdateParams(_Model):
    """Body of ``PUT /data_assets/{id}``; :meth:`DataAssets.update_metadata` fills every field."""

    name: str | None = None
    description: str | None = None
    tags: list[str] | None = None
    mount: str | None = None
    custom_metadata: dict[str, Any] | None = None


class AWSS3Source(_Model):
    """Import from an S3 bucket."""

    bucket: str
    endpoint_name: str | None = None
    prefix: str | None = None
    keep_on_external_storage: bool | None = None
    public: bool | None = None
    use_input_bucket: bool | None = None


class GCPCloudStorageSource(_Model):
    """Import from a Google Cloud Storage bucket (legacy)."""

    bucket: str
    client_id: str | None = None
    client_secret: str | None = None
    prefix: str | None = None


class ComputationSource(_Model):
    """Capture a computation's results."""

    id: str
    path: str | None = None


class CloudWorkstationSource(_Model):
    """Capture a folder of a running cloud workstation."""

    id: str
    path: str
    run_script: str | None = None


class Source(_Model):
    """Exactly one source of a new data asset."""

    aws: AWSS3Source | None = None
    gcp: GCPCloudStorageSource | None = None
    computation: ComputationSource | None = None
    cloud_workstation: CloudWorkstationSource | None = None


class AWSS3Target(_Model):
    """An S3 location to write an external result or transfer an asset to."""

    bucket: str
    endpoint_name: str | None = None
    prefix: str | None = None


class Target(_Model):
    """Where a result's files go."""

    aws: AWSS3Target | None = None


class Param(_Model):
    """A run parameter."""

    name: str | None = None
    param_name: str | None = None
    value: str | None = None


class PipelineProcess(_Model):
    """One process of a pipeline run."""

    name: str = ""
    capsule_id: str = ""
    version: int | None = None
    public: bool | None = None
    parameters: list[Param] | None = None


class ResultsInfo(_Model):
    """Provenance for results imported from S3 that an exported capsule or pipeline produced."""

    capsule_id: str | None = None
    pipeline_id: str | None = None
    version: int | None = None
    commit: str | None = None
    run_script: str | None = None
    data_assets: list[str] | None = None
    parameters: list[Param] | None = None
    nextflow_profile: str | None = None
    processes: list[PipelineProcess] | None = None


class DataAssetParams(_Model):
    """Body of ``POST /data_assets``: a source, or ``data_asset_ids`` for a combined asset."""

    name: str
    tags: list[str]
    mount: str
    description: str | None = None
    source: Source | None = None
    target: Target | None = None
    custom_metadata: dict[str, Any] | None = None
    data_asset_ids: list[str] | None = None
    results_info: ResultsInfo | None = None


class DataAssetAttachParams(_Model):
    """One asset to attach to a capsule, pipeline or cloud workstation."""

    id: str
    mount: str | None = None


class DataAssetAttachResults(_Model):
    """The outcome of attaching one asset."""

    id: str
    mount_state: str | None = None
    job_id: str | None = None
    external: bool | None = None
    ready: bool | None = None
    mount: str | None = None


class SearchFilterRange(_Model):
    """A numeric range for a search filter; at least one bound is set."""

    min: float | None = None
    max: float | None = None


class SearchFilter(_Model):
    """A field filter in a search (``key`` is name, description, tags or a custom field)."""

    key: str
    value: str | float | None = None
    values: list[str | float] | None = None
    range: SearchFilterRange | None = None
    exclude: bool | None = None


class DataAssetSearchParams(_Model):
    """Body of ``POST /data_assets/search``."""

    query: str | None = None
    next_token: str | None = None
    offset: int | None = None
    limit: int | None = None
    sort_field: str | None = None
    sort_order: str | None = None
    type: str | None = None
    ownership: str | None = None
    origin: str | None = None
    favorite: bool | None = None
    archived: bool | None = None
    filters: list[SearchFilter] | None = None


class DataAssetSearchResults(_Model):
    """One page of a data-asset search."""

    has_more: bool = False
    results: list[DataAsset] = msgspec.field(default_factory=list)
    next_token: str | None = None
    unreadable: int = 0
    """Records of this page that could not be read and were left out (counted by this client,
    never read from the server or sent; see :mod:`co_tui.api.lenient`)."""


class TransferDataParams(_Model):
    """Body of ``POST /data_assets/{id}/transfer`` (admin only)."""

    target: Target
    force: bool | None = None


# --- files -------------------------------------------------------------------------------------


class FolderItem(_Model):
    """A file or folder in a listing; ``path`` is relative to the asset root."""

    name: str = ""
    path: str = ""
    type: str = "file"
    size: int | None = None

    @property
    def is_folder(self) -> bool:
        """True for a folder."""
        return self.type == "folder"


class Folder(_Model):
    """One level of an asset's file tree."""

    items: list[FolderItem] = msgspec.field(default_factory=list)
    unreadable: int = 0
    """Items of this listing that could not be read and were left out (counted by this client,
    never read from the server or sent; see :mod:`co_tui.api.lenient`)."""


class FileURLs(_Model):
    """Signed URLs for one file: to download it, and to view it in a browser."""

    download_url: str = ""
    view_url: str = ""


class DownloadFileURL(_Model):
    """The deprecated single signed download URL."""

    url: str = ""


# --- permissions --------------------------------------------------------------------------------


class UserPermissions(_Model):
    """A user's role on an asset."""

    email: str
    role: str


class GroupPermissions(_Model):
    """A group's role on an asset."""

    group: str
    role: str


class Permissions(_Model):
    """Who may see and change an asset."""

    users: list[UserPermissions] | None = None
    groups: list[GroupPermissions] | None = None
    everyone: str | None = None
    share_assets: bool | None = None


# --- capsules, pipelines, computations, custom metadata -----------------------------------------


class Version(_Model):
    """A released version of a capsule."""

    major_version: int = 0
    minor_version: int = 0
    release_time: int = 0


class OriginalCapsuleInfo(_Model):
    """The capsule a capsule was copied from."""

    id: str | None = None
    major_version: int | None = None
    minor_version: int | None = None
    name: str | None = None
    created: int | None = None
    public: bool | None = None


class Capsule(_Model):
    """A capsule or pipeline (the API shares the shape)."""

    id: str
    created: int = 0
    name: str = ""
    status: str = ""
    owner: str = ""
    slug: str = ""
    owner_email: str | None = None
    last_accessed: int | None = None
    article: dict[str, Any] | None = None
    cloned_from_url: str | None = None
    description: str | None = None
    field: str | None = None
    tags: list[str] | None = None
    original_capsule: OriginalCapsuleInfo | None = None
    release_capsule: str | None = None
    submission: dict[str, Any] | None = None
    versions: list[Version] | None = None


class CapsuleSearchParams(_Model):
    """Body of ``POST /capsules/search`` and ``POST /pipelines/search``."""

    query: str | None = None
    next_token: str | None = None
    offset: int | None = None
    limit: int | None = None
    sort_field: str | None = None
    sort_order: str | None = None
    ownership: str | None = None
    status: str | None = None
    favorite: bool | None = None
    archived: bool | None = None
    filters: list[SearchFilter] | None = None


class CapsuleSearchResults(_Model):
    """One page of a capsule or pipeline search."""

    has_more: bool = False
    results: list[Capsule] = msgspec.field(default_factory=list)
    next_token: str | None = None
    unreadable: int = 0
    """Records of this page that could not be read and were left out (counted by this client,
    never read from the server or sent; see :mod:`co_tui.api.lenient`)."""


class InputDataAsset(_Model):
    """An asset mounted into a computation."""

    id: str
    mount: str | None = None


class Computation(_Model):
    """A run of a capsule or pipeline."""

    id: str
    created: int = 0
    name: str = ""
    owner: str = ""
    run_time: int = 0
    state: str = ""
    owner_email: str | None = None
    cloud_workstation: bool | None = None
    data_assets: list[InputDataAsset] | None = None
    parameters: list[Param] | None = None
    nextflow_profile: str | None = None
    processes: list[PipelineProcess] | None = None
    end_status: str | None = None
    exit_code: int | None = None
    has_results: bool | None = None


class CustomMetadataFieldRange(_Model):
    """Allowed numeric range of a custom-metadata field."""

    min: float | None = None
    max: float | None = None


class CustomMetadataField(_Model):
    """One admin-defined custom-metadata field."""

    name: str
    type: str = "string"
    range: CustomMetadataFieldRange | None = None
    allowed_values: list[str | float] | None = None
    multiple: bool | None = None
    units: str | None = None
    category: str | None = None
    required: bool | None = None


class CustomMetadata(_Model):
    """The deployment's custom-metadata schema."""

    fields: list[CustomMetadataField] | None = None
    categories: list[str] | None = None
