"""Data assets: the asset, its sources and targets, create / update / attach / search bodies
(``codeocean.models.data_asset``). Enums name the wire strings: docs/api-notes.md,
'Wire values'."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any

import msgspec

from co_tui.api.models._base import _Model
from co_tui.api.models.components import SearchFilter
from co_tui.api.models.computation import Param, PipelineProcess

__all__ = [
    "AWSS3Source",
    "AWSS3Target",
    "AppParameter",
    "CloudWorkstationSource",
    "ComputationSource",
    "ContainedDataAsset",
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
    "GCPCloudStorageSource",
    "Provenance",
    "ResultsInfo",
    "Source",
    "SourceBucket",
    "Target",
    "TransferDataParams",
]


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


Epoch = Annotated[int, msgspec.Meta(ge=-(2**63), le=2**63 - 1)]
"""Seconds since the epoch, in 64 bits: msgspec reads JSON integers of any size, and the lenient
reading refuses what does not fit 64 bits, so both readings refuse the same timestamps."""


class DataAsset(_Model):
    """A data asset, as returned by get, search, create and update."""

    id: str
    created: Epoch = 0
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
