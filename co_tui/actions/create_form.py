"""The create dialog's form, without a UI: validation by field and the API's create parameters.

:class:`CreateForm` is what the dialog collects, as typed; :func:`validate_form` returns the
problems by field (nothing is sent while there is one) and :func:`build_params` turns a valid form
into the API's :class:`~co_tui.api.models.DataAssetParams` for one of three sources: an S3 bucket,
a computation's results, or a combination of selected assets. Sending it is
:mod:`co_tui.actions.create`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from co_tui.actions.field_values import has_controls
from co_tui.api.models import (
    AWSS3Source,
    Computation,
    ComputationSource,
    DataAsset,
    DataAssetParams,
    Source,
)

__all__ = [
    "CombinedPart",
    "CreateForm",
    "FormErrors",
    "SourceKind",
    "build_params",
        "computation_problem",
    "parse_computation_id",
    "parse_s3_location",
    "parse_tags",
    "suggest_mount",
    "validate_form",
    "validate_mount",
]

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u200b-\u200f\u202a-\u202e\u2066-\u2069]")
_BUCKET = re.compile(r"^[a-z0-9][a-z0-9.\-]{1,61}[a-z0-9]$")
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

    @classmethod
    def of(cls, asset: DataAsset) -> CombinedPart:
        """The part for ``asset``."""
        return cls(asset.id, asset.name, asset.mount, asset.state)


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
    keep_on_external_storage: bool = False
    public: bool = False
    computation_id: str = ""
    path: str = ""
    parts: tuple[CombinedPart, ...] = ()


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


def parse_s3_location(bucket: str, prefix: str) -> tuple[str, str]:
    """(bucket, prefix) from the two fields; ``s3://bucket/prefix`` pasted in the bucket field
    is split. Raises ``ValueError`` naming the problem."""
    bucket = bucket.strip()
    prefix = prefix.strip()
    if bucket.lower().startswith("s3://"):
        rest = bucket[5:]
        bucket, _, pasted = rest.partition("/")
        if pasted and prefix:
            raise ValueError("the prefix is given twice (in s3://... and in Prefix)")
        prefix = prefix or pasted
    if not bucket:
        raise ValueError("enter a bucket name")
    if not _BUCKET.match(bucket) or ".." in bucket:
        raise ValueError("not an S3 bucket name (3-63 lower-case letters, digits, '.', '-')")
    if _CONTROL.search(prefix):
        raise ValueError("the prefix contains control characters")
    return bucket, prefix.strip("/")


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
    if computation.state and computation.state != "completed":
        return f"the computation is {computation.state}: only completed runs have results"
    if computation.has_results is False:
        return "the computation produced no results"
    return None


def validate_form(form: CreateForm) -> dict[str, str]:
    """Every problem of ``form`` by field; empty when it can be sent."""
    errors: dict[str, str] = {}
    try:
        build_params(form)
    except FormErrors as invalid:
        errors = invalid.errors
    return errors


def build_params(form: CreateForm) -> DataAssetParams:
    """The create request for a valid ``form``; :class:`FormErrors` lists every problem.

    An empty mount is made from the name (as the web app suggests one).
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
    source: Source | None = None
    ids: list[str] | None = None
    if form.source is SourceKind.S3:
        try:
            bucket, prefix = parse_s3_location(form.bucket, form.prefix)
            source = Source(aws=AWSS3Source(
                bucket=bucket,
                prefix=prefix or None,
                keep_on_external_storage=form.keep_on_external_storage,
                public=form.public,
            ))
        except ValueError as problem:
            errors["bucket"] = str(problem)
    elif form.source is SourceKind.COMPUTATION:
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
    else:
        parts_problem = _parts_problem(form.parts)
        if parts_problem:
            errors["parts"] = parts_problem
        ids = [part.id for part in form.parts]
    if errors:
        raise FormErrors(errors)
    return DataAssetParams(
        name=name, tags=tags, mount=mount, description=description or None,
        source=source, data_asset_ids=ids,
    )


def _parts_problem(parts: Sequence[CombinedPart]) -> str | None:
    if len(parts) < 2:
        return "select at least two data assets to combine"
    mounts: dict[str, str] = {}
    for part in parts:
        if part.state != "ready":
            return f"{part.name} is {part.state}: only ready assets can be combined"
        if part.mount in mounts:
            return f"{mounts[part.mount]} and {part.name} share the mount {part.mount!r}"
        mounts[part.mount] = part.name
    return None

