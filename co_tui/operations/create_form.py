"""The create dialog's form, without a UI: validation by field and the API's create parameters.

:class:`CreateForm` is what the dialog collects, as typed; :func:`validate_form` returns the
problems by field (nothing is sent while there is one) and :func:`build_params` turns a valid form
into the API's :class:`~co_tui.api.models.DataAssetParams` for one of three sources: an S3 bucket
(optionally on a custom S3 endpoint), a computation's results (kept in Code Ocean, or written to
an S3 bucket as an *external result*), or a combination of selected external assets
(:func:`combinable` picks them from a selection and says why others are left out). The
deployment's custom-metadata fields are checked as the edit dialog checks them
(:func:`~co_tui.operations.field_values.check_custom`). Sending it is
:mod:`co_tui.operations.create_once`.

What goes on the wire, whatever was typed: ``tags`` always (an empty list when there are none),
and an S3 ``prefix`` always (``""`` for the whole bucket), so no server has to guess what a
missing field means.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from co_tui.api.models import (
    AWSS3Source,
    AWSS3Target,
    Computation,
    ComputationSource,
    CustomMetadata,
    DataAsset,
    DataAssetParams,
    Source,
    Target,
)
from co_tui.operations.field_values import check_custom, has_controls
from co_tui.operations.metadata import custom_key
from co_tui.operations.s3_location import bucket_error, parse_endpoint, parse_s3_location

__all__ = [
    "Combinable",
    "CombinedPart",
    "CreateForm",
    "FormErrors",
    "SourceKind",
    "bucket_error",
    "build_params",
    "combinable",
    "computation_problem",
    "parse_computation_id",
    "parse_endpoint",
    "parse_s3_location",
    "parse_tags",
    "suggest_mount",
    "validate_form",
    "validate_mount",
]

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u200b-\u200f\u202a-\u202e\u2066-\u2069]")
NAME_MAX = 200
TAG_MAX = 100
MOUNT_MAX = 255
DESCRIPTION_MAX = 10_000


class SourceKind(StrEnum):
    """Where the new asset's files come from."""

    S3 = "s3"
    COMPUTATION = "computation"
    COMBINED = "combined"


@dataclass(frozen=True, slots=True)
class CombinedPart:
    """A selected asset that would go into a combined asset (shown with its mount)."""

    id: str
    name: str
    mount: str
    state: str = "ready"

    external: bool = True
    """The asset's files stay in its S3 bucket; only such assets can be combined."""

    @classmethod
    def of(cls, asset: DataAsset) -> CombinedPart:
        """The part for ``asset``."""
        return cls(asset.id, asset.name, asset.mount, asset.state, asset.is_external)


@dataclass(frozen=True, slots=True)
class Combinable:
    """What a selection offers for "combine": its external assets, and why the rest are out."""

    parts: tuple[CombinedPart, ...]
    """The selected external assets, in selection order."""
    note: str
    """Why combining is not offered, or which selected assets are left out (empty: none)."""

    @property
    def offered(self) -> bool:
        """True when two or more selected assets can be combined."""
        return len(self.parts) >= 2


def combinable(selected: Sequence[DataAsset]) -> Combinable:
    """The selection's assets a combined asset can be made of: combined assets are made of
    external assets (whose files stay in S3), two or more of them."""
    parts = tuple(CombinedPart.of(asset) for asset in selected if asset.is_external)
    left_out = len(selected) - len(parts)
    if not selected or (len(parts) >= 2 and not left_out):
        return Combinable(parts, "")
    why = "combined assets are made of two or more external assets"
    verb = "is" if left_out == 1 else "are"
    if len(parts) < 2:
        external = "none is" if not parts else "only 1 is"
        return Combinable(parts, f"Combine is not offered: of {len(selected)} selected, "
                                 f"{external} external; {why}.")
    return Combinable(parts, f"{left_out} of {len(selected)} selected {verb} not external and "
                             f"left out: {why}.")


@dataclass(frozen=True, slots=True)
class CreateForm:
    """The create dialog's values as typed. Only the fields of ``source`` are used."""

    source: SourceKind = SourceKind.S3
    name: str = ""
    description: str = ""
    mount: str = ""
    tags: str = ""
    """Comma-separated, as typed."""
    bucket: str = ""
    prefix: str = ""
    endpoint_name: str = ""
    """A custom S3 endpoint configured on the deployment (empty: AWS)."""
    keep_on_external_storage: bool = False
    public: bool = False
    computation_id: str = ""
    path: str = ""
    external_result: bool = False
    """Write the computation's results to ``target_bucket`` (an external result)."""
    target_bucket: str = ""
    target_prefix: str = ""
    target_endpoint: str = ""
    parts: tuple[CombinedPart, ...] = ()
    custom: Mapping[str, str] = field(default_factory=dict)
    """Custom-metadata text by schema field name."""


class FormErrors(ValueError):
    """The form is not valid; ``errors`` maps a field name of :class:`CreateForm` to a message."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{key}: {text}" for key, text in errors.items()))
        self.errors = errors


# --- field rules -------------------------------------------------------------------------------


def validate_mount(text: str) -> str:
    """The mount folder in ``text`` (trimmed): one folder name, no ``/``, not ``.`` or ``..``.

    Raises ``ValueError`` with the reason.
    """
    mount = text.strip()
    if not mount:
        raise ValueError("enter a folder name")
    if "/" in mount or "\\" in mount:
        raise ValueError("one folder name only: no '/'")
    if mount == "." or ".." in mount:
        raise ValueError("'..' is not allowed in a folder name")
    if _CONTROL.search(mount) or len(mount) > MOUNT_MAX:
        raise ValueError("one line of at most 255 characters")
    return mount


def suggest_mount(name: str) -> str:
    """A mount folder made from a name: ``"Mouse 42 / raw"`` -> ``"Mouse_42_raw"``."""
    return re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("_.")[:64]


def parse_tags(text: str) -> list[str]:
    """Tags from a comma-separated line, in order; ``ValueError`` for a duplicate or bad tag."""
    tags: list[str] = []
    seen: set[str] = set()
    for raw in text.split(","):
        tag = raw.strip()
        if not tag:
            continue
        if _CONTROL.search(tag) or len(tag) > TAG_MAX:
            raise ValueError(f"a tag is one line of at most {TAG_MAX} characters")
        if tag.lower() in seen:  # the server compares tags without case
            raise ValueError(f"duplicate tag {tag!r}")
        seen.add(tag.lower())
        tags.append(tag)
    return tags


def _results_path(text: str) -> str:
    """A folder inside ``/results`` from what was typed (``/results/x``, ``results/x``, ``x``)."""
    path = text.strip().strip("/")
    if path == "results":
        return ""
    if path.startswith("results/"):
        path = path[len("results/"):]
    if _CONTROL.search(path) or ".." in path.split("/"):
        raise ValueError("a folder inside /results, without '..'")
    return path


def parse_computation_id(text: str) -> str:
    value = text.strip()
    if not value:
        raise ValueError("enter a computation ID")
    if any(ch.isspace() for ch in value) or "/" in value or _CONTROL.search(value):
        raise ValueError("a computation ID has no spaces or '/'")
    return value


def computation_problem(computation: Computation) -> str | None:
    """Why this computation's results cannot be captured, or None if they can."""
    if computation.state == "failed":
        return "the run failed: only completed runs can be captured"
    if computation.state and computation.state != "completed":
        return f"the run is {computation.state}: only completed runs can be captured"
    if computation.has_results is False:
        return "the run produced no results"
    return None


def validate_form(form: CreateForm, schema: CustomMetadata | None = None) -> dict[str, str]:
    """Every problem of ``form`` by field; empty when it can be sent. ``schema`` is the
    deployment's custom metadata (problems keyed ``custom:<field>``)."""
    errors: dict[str, str] = {}
    try:
        build_params(form, schema)
    except FormErrors as invalid:
        errors = invalid.errors
    return errors


def _s3_location(
    bucket: str, prefix: str, endpoint: str, errors: dict[str, str], keys: tuple[str, str]
) -> tuple[str, str, str | None] | None:
    """(bucket, prefix, endpoint) from three fields, or None with the problems in ``errors``
    under ``keys`` (the bucket's key, the endpoint's key)."""
    location: tuple[str, str] | None = None
    try:
        location = parse_s3_location(bucket, prefix)
    except ValueError as problem:
        errors[keys[0]] = str(problem)
    try:
        endpoint_name = parse_endpoint(endpoint)
    except ValueError as problem:
        errors[keys[1]] = str(problem)
        return None
    return None if location is None else (*location, endpoint_name)


def _s3_source(form: CreateForm, errors: dict[str, str]) -> Source | None:
    found = _s3_location(form.bucket, form.prefix, form.endpoint_name, errors,
                         ("bucket", "endpoint_name"))
    if found is None:
        return None
    bucket, prefix, endpoint = found
    return Source(aws=AWSS3Source(
        bucket=bucket, prefix=prefix, endpoint_name=endpoint,
        keep_on_external_storage=form.keep_on_external_storage, public=form.public,
    ))


def _computation_source(
    form: CreateForm, errors: dict[str, str]
) -> tuple[Source | None, Target | None]:
    source = target = None
    computation_id = ""
    try:
        computation_id = parse_computation_id(form.computation_id)
    except ValueError as problem:
        errors["computation_id"] = str(problem)
    try:
        path = _results_path(form.path)
    except ValueError as problem:
        errors["path"] = str(problem)
    else:
        if computation_id:
            source = Source(computation=ComputationSource(id=computation_id, path=path or None))
    if form.external_result:
        found = _s3_location(form.target_bucket, form.target_prefix, form.target_endpoint,
                             errors, ("target_bucket", "target_endpoint"))
        if found is not None:
            bucket, prefix, endpoint = found
            target = Target(aws=AWSS3Target(bucket=bucket, prefix=prefix, endpoint_name=endpoint))
    return source, target


def build_params(form: CreateForm, schema: CustomMetadata | None = None) -> DataAssetParams:
    """The create request for a valid ``form``; :class:`FormErrors` lists every problem.

    An empty mount is made from the name (as the web app suggests one). ``schema`` is the
    deployment's custom metadata: its fields are read from ``form.custom`` (required ones must
    have a value); without it no custom metadata is sent.
    """
    errors: dict[str, str] = {}
    name = form.name.strip()
    if not name:
        errors["name"] = "enter a name"
    elif _CONTROL.search(name) or len(name) > NAME_MAX:
        errors["name"] = f"one line of at most {NAME_MAX} characters"
    description = form.description.strip()
    if len(description) > DESCRIPTION_MAX:
        errors["description"] = f"at most {DESCRIPTION_MAX} characters"
    elif has_controls(description, multiline=True):
        errors["description"] = "no control characters (new lines and tabs are fine)"
    mount = form.mount.strip() or suggest_mount(name)
    try:
        mount = validate_mount(mount)
    except ValueError as problem:
        if form.mount.strip() or name:
            errors["mount"] = str(problem)
    tags: list[str] = []
    try:
        tags = parse_tags(form.tags)
    except ValueError as problem:
        errors["tags"] = str(problem)
    custom, custom_errors = check_custom(form.custom, schema)
    errors.update({custom_key(key): text for key, text in custom_errors.items()})
    source: Source | None = None
    target: Target | None = None
    ids: list[str] | None = None
    if form.source is SourceKind.S3:
        source = _s3_source(form, errors)
    elif form.source is SourceKind.COMPUTATION:
        source, target = _computation_source(form, errors)
    else:
        parts_problem = _parts_problem(form.parts)
        if parts_problem:
            errors["parts"] = parts_problem
        ids = [part.id for part in form.parts]
    if errors:
        raise FormErrors(errors)
    return DataAssetParams(
        name=name, tags=tags, mount=mount, description=description or None,
        source=source, target=target, custom_metadata=custom or None, data_asset_ids=ids,
    )


def _parts_problem(parts: Sequence[CombinedPart]) -> str | None:
    if len(parts) < 2:
        return "select at least two external data assets to combine"
    mounts: dict[str, str] = {}
    for part in parts:
        if not part.external:
            return f"{part.name} is not external: combined assets are made of external assets"
        if part.state != "ready":
            return f"{part.name} is {part.state}: only ready assets can be combined"
        if part.mount in mounts:
            return f"{mounts[part.mount]} and {part.name} share the mount {part.mount!r}"
        mounts[part.mount] = part.name
    return None
