"""Creating a data asset: the one create request, and following the draft.

* :func:`create_data_asset_once` sends the create request (built by
  :mod:`co_tui.operations.create_form`) exactly once. When the answer is lost it searches for the
  new asset instead of sending it again (a second POST would make a second asset).
* :func:`follow_asset` / :func:`wait_until_settled` poll the new asset with backoff until it is
  ``ready`` or ``failed`` (the server builds it after answering), reporting each state change.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from co_tui.api.errors import (
    ApiConnectionError,
    ApiError,
    ApiTimeoutError,
    RateLimitedError,
    ServerError,
)
from co_tui.api.models import (
    Computation,
    DataAsset,
    DataAssetParams,
    DataAssetSearchParams,
)
from co_tui.operations.create_form import parse_computation_id
from co_tui.operations.journal import SearchWait, WriteJournal

if TYPE_CHECKING:
    from co_tui.api.client import CodeOceanClient

__all__ = [
    "CreateNotConfirmedError",
    "CreateResult",
    "create_data_asset_once",
    "follow_asset",
    "lookup_computation",
    "wait_until_settled",
]


async def lookup_computation(client: CodeOceanClient, computation_id: str) -> Computation:
    """``GET /computations/{id}`` for a typed ID (trimmed); ``ValueError`` if it cannot be one."""
    return await client.computations.get_computation(parse_computation_id(computation_id))


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

    def __init__(self, error: ApiError, name: str, waited: float = 0.0) -> None:
        searched = (f" (search was given {waited:g} s: its index can lag behind new assets)"
                    if waited > 0 else "")
        super().__init__(
            f"The server's answer was lost and no new asset named {name!r} was found{searched}. "
            "Nothing was sent again: look in My Data before creating it again."
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
    client: CodeOceanClient,
    params: DataAssetParams,
    *,
    journal: WriteJournal | None = None,
    on_wait: Callable[[str], None] | None = None,
) -> CreateResult:
    """``POST /data_assets`` exactly once.

    Before sending, the caller's assets with the same name are noted; if the answer is lost
    (``outcome_unknown``), a new one with that name and mount is looked for instead of sending
    again. Search lags new assets by seconds, so it is asked again for a while (``journal``'s
    :class:`~co_tui.operations.journal.SearchWait`, default 10 s; ``on_wait`` is told once) before
    giving up; assets this session created lately (``journal``) are never taken for the new
    one. Raises the request's :class:`~co_tui.api.errors.ApiError` when it was rejected, and
    :class:`CreateNotConfirmedError` when the outcome stays unknown.
    """
    known = journal.created_ids() if journal is not None else set()
    try:
        before: set[str] | None = {a.id for a in await _same_name(client, params)} | known
    except ApiError:
        before = None  # recovery then takes the newest match not created lately
    try:
        return CreateResult(await client.data_assets.create_data_asset(params))
    except ApiError as error:
        if not error.outcome_unknown:
            raise
        new: list[DataAsset] = []

        async def found() -> bool:
            nonlocal new
            try:
                same = await _same_name(client, params)
            except ApiError:
                return False
            new = [a for a in same if a.id not in (before if before is not None else known)]
            return bool(new)

        wait = journal.wait if journal is not None else SearchWait()
        tell = None if on_wait is None else (lambda: on_wait(
            "The server's answer was lost: waiting for the search index to show the new "
            "asset (nothing is sent again)…"))
        if not await wait.until(found, tell):
            raise CreateNotConfirmedError(error, params.name, wait.bound) from error
        return CreateResult(max(new, key=lambda a: a.created), recovered=True)


# --- following the draft ------------------------------------------------------------------------

SETTLED = frozenset({"ready", "failed"})
"""States after which an asset no longer changes by itself."""
FIRST_POLL = 2.0
"""Seconds before the first look at a new draft: small imports are often ready by then."""
MAX_POLL = 30.0
"""The longest wait between two looks: a large import takes hours, and polling a server every
few seconds for that long only loads it (the official SDK refuses intervals under 5 s)."""
POLL_FACTOR = 1.5
_TRANSIENT = (ApiConnectionError, ApiTimeoutError, ServerError, RateLimitedError)


async def follow_asset(
    client: CodeOceanClient,
    asset: DataAsset | str,
    *,
    interval: float = FIRST_POLL,
    max_interval: float = MAX_POLL,
    factor: float = POLL_FACTOR,
    timeout: float | None = None,  # noqa: ASYNC109 - a budget for the whole follow, not one call
    max_errors: int = 5,
    sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> AsyncIterator[DataAsset]:
    """Yield the asset each time its state (or failure reason) changes, until ready or failed.

    The last asset yielded is settled (``ready``, or ``failed`` with ``failure_reason``). Polls
    ``GET /data_assets/{id}`` after ``interval`` seconds, growing by ``factor`` up to
    ``max_interval`` (by default 2, 3, 4.5 ... 30 s). Up to ``max_errors`` transient failures
    in a row (network, 5xx, 429) are waited out; other errors (404: deleted, 403) are raised.
    ``TimeoutError`` after ``timeout`` seconds. Cancel the task (or the worker) that iterates
    to stop following.
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
