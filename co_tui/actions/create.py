"""Creating a data asset: the form's validation, the one create request, and following the draft.

* :class:`CreateForm` is what the dialog collects, as typed; :func:`validate_form` returns the
  problems by field (nothing is sent while there is one) and :func:`build_params` turns a valid
  form into the API's :class:`~co_tui.api.models.DataAssetParams` for one of three sources: an S3
  bucket, a computation's results, or a combination of selected assets.
* :func:`create_data_asset_once` sends the create request exactly once. When the answer is lost
  it searches for the new asset instead of sending it again (a second POST would make a second
  asset).
* :func:`follow_asset` / :func:`wait_until_settled` poll the new asset with backoff until it is
  ``ready`` or ``failed`` (the server builds it after answering), reporting each state change.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from co_tui.api.errors import (
    ApiConnectionError,
    ApiError,
    ApiTimeoutError,
    RateLimitedError,
    ServerError,
)
from co_tui.api.models import (
    AWSS3Source,
    Computation,
    ComputationSource,
    DataAsset,
    DataAssetParams,
    DataAssetSearchParams,
    Source,
)

if TYPE_CHECKING:
    from co_tui.api.client import CodeOceanClient

__all__ = [
    "CombinedPart",
    "CreateForm",
    "CreateNotConfirmedError",
    "CreateResult",
    "FormErrors",
    "SourceKind",
    "build_params",
    "computation_problem",
    "create_data_asset_once",
    "follow_asset",
    "lookup_computation",
    "parse_s3_location",
    "parse_tags",
    "suggest_mount",
    "validate_form",
    "validate_mount",
    "wait_until_settled",
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


def _computation_id(text: str) -> str:
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
            computation_id = _computation_id(form.computation_id)
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


async def lookup_computation(client: CodeOceanClient, computation_id: str) -> Computation:
    """``GET /computations/{id}`` for a typed ID (trimmed); ``ValueError`` if it cannot be one."""
    return await client.computations.get_computation(_computation_id(computation_id))


# --- create exactly once -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CreateResult:
    """The new asset (usually a draft). ``recovered`` is True when the answer was lost and the
    asset was found by searching for it."""

    asset: DataAsset
    recovered: bool = False


class CreateNotConfirmedError(Exception):
    """The create request's answer was lost and no new asset was found: it may still appear.

    Nothing was re-sent; ``error`` is the original failure.
    """

    def __init__(self, error: ApiError, name: str) -> None:
        super().__init__(
            f"The server's answer was lost and no new asset named {name!r} was found. Nothing "
            "was sent again: look in My Data before creating it again."
        )
        self.error = error


def _search_for(params: DataAssetParams) -> DataAssetSearchParams:
    words = params.name.replace('"', " ").split()
    term = max(words, key=len) if '"' in params.name else " ".join(words)
    return DataAssetSearchParams(
        query=f'name:"{term}"', ownership="created", sort_field="created", sort_order="desc",
        limit=100, archived=False,
    )


async def _same_name(client: CodeOceanClient, params: DataAssetParams) -> list[DataAsset]:
    page = await client.data_assets.search_data_assets(_search_for(params))
    return [a for a in page.results if a.name == params.name and a.mount == params.mount]


async def create_data_asset_once(
    client: CodeOceanClient, params: DataAssetParams
) -> CreateResult:
    """``POST /data_assets`` exactly once.

    Before sending, the caller's assets with the same name are noted; if the answer is lost
    (``outcome_unknown``), a new one with that name and mount is looked for instead of sending
    again. Raises the request's :class:`~co_tui.api.errors.ApiError` when it was rejected, and
    :class:`CreateNotConfirmedError` when the outcome stays unknown.
    """
    try:
        before: set[str] | None = {a.id for a in await _same_name(client, params)}
    except ApiError:
        before = None  # recovery then takes the newest match
    try:
        return CreateResult(await client.data_assets.create_data_asset(params))
    except ApiError as error:
        if not error.outcome_unknown:
            raise
        try:
            found = await _same_name(client, params)
        except ApiError:
            raise CreateNotConfirmedError(error, params.name) from error
        new = [a for a in found if before is None or a.id not in before]
        if not new:
            raise CreateNotConfirmedError(error, params.name) from error
        return CreateResult(max(new, key=lambda a: a.created), recovered=True)


# --- following the draft ------------------------------------------------------------------------

SETTLED = frozenset({"ready", "failed"})
"""States after which an asset no longer changes by itself."""
_TRANSIENT = (ApiConnectionError, ApiTimeoutError, ServerError, RateLimitedError)


async def follow_asset(
    client: CodeOceanClient,
    asset: DataAsset | str,
    *,
    interval: float = 1.0,
    max_interval: float = 10.0,
    factor: float = 1.5,
    timeout: float | None = None,  # noqa: ASYNC109 - a budget for the whole follow, not one call
    max_errors: int = 5,
    sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> AsyncIterator[DataAsset]:
    """Yield the asset each time its state (or failure reason) changes, until ready or failed.

    The last asset yielded is settled (``ready``, or ``failed`` with ``failure_reason``). Polls
    ``GET /data_assets/{id}`` after ``interval`` seconds, growing by ``factor`` up to
    ``max_interval``. Up to ``max_errors`` transient failures in a row (network, 5xx, 429) are
    waited out; other errors (404: deleted, 403) are raised. ``TimeoutError`` after ``timeout``
    seconds. Cancel the task (or the worker) that iterates to stop following.
    """
    if interval <= 0 or max_interval <= 0 or factor < 1:
        raise ValueError("interval and max_interval must be positive and factor >= 1")
    asset_id = asset if isinstance(asset, str) else asset.id
    last: tuple[str, str | None] | None = None
    if isinstance(asset, DataAsset):
        if asset.state in SETTLED:
            yield asset
            return
        last = (asset.state, asset.failure_reason)
    delay = interval
    started = clock()
    errors = 0
    polled = isinstance(asset, DataAsset)  # a given asset is fresh: wait before the first poll
    while True:
        if polled:
            if timeout is not None and clock() - started >= timeout:
                raise TimeoutError(f"data asset {asset_id} was not ready within {timeout:g} s")
            await sleep(delay)
            delay = min(max_interval, delay * factor)
        polled = True
        try:
            current = await client.data_assets.get_data_asset(asset_id)
        except _TRANSIENT:
            errors += 1
            if errors > max_errors:
                raise
            continue
        errors = 0
        state = (current.state, current.failure_reason)
        if state != last:
            last = state
            yield current
        if current.state in SETTLED:
            return


async def wait_until_settled(
    client: CodeOceanClient,
    asset: DataAsset | str,
    *,
    on_change: Callable[[DataAsset], Awaitable[None] | None] | None = None,
    **follow: Any,
) -> DataAsset:
    """Follow ``asset`` until it is ready or failed and return it (a failure is returned, with
    its ``failure_reason``, not raised). ``on_change`` sees every state change, the final one
    included; ``follow`` takes :func:`follow_asset`'s keyword arguments."""
    final: DataAsset | None = None
    async for current in follow_asset(client, asset, **follow):
        final = current
        if on_change is not None:
            maybe = on_change(current)
            if maybe is not None:
                await maybe
    assert final is not None  # follow_asset always yields the settled asset last
    return final
