"""One action on many assets: tags, archive, restore, delete, with a result per asset.

Each function runs its per-asset step with bounded concurrency and returns a :class:`BulkReport`
(in the order the assets were given). Every asset gets at most one write per call: a write whose
outcome is unknown (timeout after sending, lost answer, 5xx) is never re-sent; the state is read
back instead (tag presence, archive state, 404 after delete) and the result says so
(``reconciled``). Only when the read-back fails too is the result :attr:`Status.UNKNOWN`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable, Sequence
from typing import TYPE_CHECKING

from co_tui.api.errors import ApiError, NotFoundError, PermissionDeniedError
from co_tui.api.models import DataAsset, DataAssetSearchParams, DataAssetUpdateParams
from co_tui.operations.bulk_report import GONE_REASON, AssetResult, BulkReport, OnResult, Status
from co_tui.operations.field_values import tag_error
from co_tui.operations.journal import SearchWait, WriteJournal
from co_tui.report import describe_change_failure

if TYPE_CHECKING:
    from co_tui.api.client import CodeOceanClient

__all__ = [
    "GONE_REASON", "AssetResult", "BulkReport", "OnResult", "OnWait", "Status", "add_tag",
    "archive", "archived_state", "change_tags", "delete", "remove_tag", "restore",
]

DEFAULT_CONCURRENCY = 4
"""Assets worked on at once: enough to hide latency, few enough not to trip rate limits."""
_SEARCH_PAGES = 10


async def _run(
    client: CodeOceanClient,
    action: str,
    assets: Sequence[DataAsset],
    step: Callable[[DataAsset], Awaitable[AssetResult]],
    concurrency: int,
    on_result: OnResult | None,
) -> BulkReport:
    """Run ``step`` on each asset. The 404s met are marked as reported by the caller: the
    report names each asset found gone."""
    if concurrency < 1:
        raise ValueError("concurrency must be >= 1")
    gate = asyncio.Semaphore(concurrency)

    async def one(asset: DataAsset) -> AssetResult:
        async with gate:
            result = await step(asset)
        if on_result is not None:
            on_result(result)
        return result

    with client.caller_reports_missing():
        results = await asyncio.gather(*(one(asset) for asset in assets))
    return BulkReport(action, tuple(results))


def _failed(asset: DataAsset, error: ApiError, *, name: str | None = None) -> AssetResult:
    if isinstance(error, NotFoundError):
        return AssetResult(asset.id, name or asset.name, Status.GONE, GONE_REASON)
    return AssetResult(asset.id, name or asset.name, Status.FAILED, describe_change_failure(error),
                       denied=isinstance(error, PermissionDeniedError))


# --- tags ---------------------------------------------------------------------------------------


def _folded(tags: Iterable[str]) -> set[str]:
    return {tag.casefold() for tag in tags}


async def change_tags(
    client: CodeOceanClient,
    assets: Sequence[DataAsset],
    add: Sequence[str] = (),
    remove: Sequence[str] = (),
    *,
    concurrency: int = DEFAULT_CONCURRENCY,
    on_result: OnResult | None = None,
) -> BulkReport:
    """Add ``add`` and remove ``remove`` (ignoring case) on each asset: read, change, PUT.

    Assets that already have every added tag and none of the removed ones are skipped. Other
    fields are sent back as just read. Raises ``ValueError`` before any request for an invalid
    tag or a tag both added and removed.
    """
    for tag in add:
        if problem := tag_error(tag):
            raise ValueError(problem)
    adding = list({tag.casefold(): tag for tag in reversed(add)}.values())[::-1]
    removing = _folded(remove)
    if _folded(adding) & removing:
        raise ValueError("a tag cannot be both added and removed")

    def wanted(tags: Sequence[str]) -> list[str]:
        kept = [tag for tag in tags if tag.casefold() not in removing]
        return kept + [tag for tag in adding if tag.casefold() not in _folded(kept)]

    def done(tags: Sequence[str]) -> bool:
        have = _folded(tags)
        return _folded(adding) <= have and not (removing & have)

    async def step(asset: DataAsset) -> AssetResult:
        try:
            fresh = await client.data_assets.get_data_asset(asset.id)
        except ApiError as exc:
            return _failed(asset, exc)
        before = list(fresh.tags or ())
        after = wanted(before)
        if after == before:
            reason = ("already tagged" if not removing else "not tagged" if not adding
                      else "nothing to change")
            return AssetResult(asset.id, fresh.name, Status.SKIPPED, reason, asset=fresh)
        try:
            updated = await client.data_assets.update_metadata(
                asset.id, DataAssetUpdateParams(tags=after), current=fresh)
        except ApiError as exc:
            if not exc.outcome_unknown:
                return _failed(asset, exc, name=fresh.name)
            try:
                seen = await client.data_assets.get_data_asset(asset.id)
            except ApiError as read_error:
                return AssetResult(asset.id, fresh.name, Status.UNKNOWN, _unknown(exc, read_error))
            if done(seen.tags or ()):
                return AssetResult(asset.id, seen.name, Status.OK, reconciled=True, asset=seen)
            return AssetResult(asset.id, seen.name, Status.FAILED, _not_applied(exc),
                               reconciled=True)
        return AssetResult(asset.id, updated.name, Status.OK, asset=updated)

    return await _run(client, "tags", assets, step, concurrency, on_result)


async def add_tag(client: CodeOceanClient, assets: Sequence[DataAsset], tag: str, *,
                  concurrency: int = DEFAULT_CONCURRENCY,
                  on_result: OnResult | None = None) -> BulkReport:
    """Add ``tag`` to each asset that lacks it (see :func:`change_tags`)."""
    return await change_tags(client, assets, add=[tag], concurrency=concurrency,
                             on_result=on_result)


async def remove_tag(client: CodeOceanClient, assets: Sequence[DataAsset], tag: str, *,
                     concurrency: int = DEFAULT_CONCURRENCY,
                     on_result: OnResult | None = None) -> BulkReport:
    """Remove ``tag`` (ignoring case) from each asset that has it (see :func:`change_tags`)."""
    return await change_tags(client, assets, remove=[tag], concurrency=concurrency,
                             on_result=on_result)


def _unknown(error: ApiError, read_error: ApiError) -> str:
    return (f"{describe_change_failure(error)}; it may have been applied, and reading it back "
            f"failed ({read_error.message}). Nothing was re-sent.")


def _not_applied(error: ApiError) -> str:
    return f"{describe_change_failure(error)}; read back: not applied. Nothing was re-sent."


# --- archive, restore, delete -------------------------------------------------------------------


def _name_query(name: str) -> str | None:
    """A ``name:"..."`` query matching ``name`` (its longest quote-free piece), or None."""
    piece = max(name.split('"'), key=len).strip()
    return f'name:"{piece}"' if piece else None


async def archived_state(client: CodeOceanClient, asset: DataAsset) -> bool | None:
    """Whether the asset is archived, as the server says now; None when that cannot be told.

    The API has no archive flag on an asset, so this searches the archive bin, then the active
    assets, by the asset's name and looks for its id.
    """
    query = _name_query(asset.name)
    try:
        for archived in (True, False):
            params = DataAssetSearchParams(query=query, archived=archived, limit=100)
            pages = 0
            async for page in client.data_assets.search_data_assets_pages(params):
                if any(found.id == asset.id for found in page.results):
                    return archived
                pages += 1
                if pages >= _SEARCH_PAGES:
                    break
    except ApiError:
        return None
    return None


OnWait = Callable[[str], None]
"""Told (once per asset) that an action waits for the search index, with a sentence saying so."""


def _waiting(on_wait: OnWait | None, asset: DataAsset, what: str) -> Callable[[], None] | None:
    if on_wait is None:
        return None
    return lambda: on_wait(f"Waiting for the search index to show {asset.name!r} as {what}…")


async def _state_until(client: CodeOceanClient, asset: DataAsset, want: bool, wait: SearchWait,
                       on_wait: OnWait | None) -> bool | None:
    """:func:`archived_state` asked again until it says ``want`` or ``wait`` runs out; the last
    answer. Search lags writes, so a just-changed state may take seconds to show."""
    state: bool | None = None

    async def check() -> bool:
        nonlocal state
        state = await archived_state(client, asset)
        return state is want

    await wait.until(check, _waiting(on_wait, asset, "archived" if want else "restored"))
    return state


async def _set_archived(
    client: CodeOceanClient, asset: DataAsset, archive: bool, wait: SearchWait,
    on_wait: OnWait | None,
) -> AssetResult:
    try:
        await client.data_assets.archive_data_asset(asset.id, archive)
    except ApiError as exc:
        if not exc.outcome_unknown:
            return _failed(asset, exc)
        try:
            fresh = await client.data_assets.get_data_asset(asset.id)
        except NotFoundError as read_error:
            return _failed(asset, read_error)
        except ApiError as read_error:
            return AssetResult(asset.id, asset.name, Status.UNKNOWN, _unknown(exc, read_error))
        state = await _state_until(client, fresh, archive, wait, on_wait)
        if state is None:
            return AssetResult(asset.id, asset.name, Status.UNKNOWN,
                               f"{describe_change_failure(exc)}; the archive state could not "
                               "be read back. Nothing was re-sent.")
        if state == archive:
            return AssetResult(asset.id, fresh.name, Status.OK, reconciled=True)
        return AssetResult(asset.id, fresh.name, Status.FAILED,
                           f"{_not_applied(exc)} (the search index was given {wait.bound:g} s to"
                           " show it)", reconciled=True)
    return AssetResult(asset.id, asset.name, Status.OK)


def _wait_of(journal: WriteJournal | None) -> SearchWait:
    return journal.wait if journal is not None else SearchWait()


async def archive(client: CodeOceanClient, assets: Sequence[DataAsset], *,
                  concurrency: int = DEFAULT_CONCURRENCY,
                  on_result: OnResult | None = None, journal: WriteJournal | None = None,
                  on_wait: OnWait | None = None) -> BulkReport:
    """Archive each asset (it leaves My Data for the archive bin).

    ``journal`` gives the wait for the search index when a lost answer is read back.
    """
    wait = _wait_of(journal)
    return await _run(client, "archive", assets,
                      lambda a: _set_archived(client, a, True, wait, on_wait),
                      concurrency, on_result)


async def restore(client: CodeOceanClient, assets: Sequence[DataAsset], *,
                  concurrency: int = DEFAULT_CONCURRENCY,
                  on_result: OnResult | None = None, journal: WriteJournal | None = None,
                  on_wait: OnWait | None = None) -> BulkReport:
    """Restore (unarchive) each asset (``journal`` as for :func:`archive`)."""
    wait = _wait_of(journal)
    return await _run(client, "restore", assets,
                      lambda a: _set_archived(client, a, False, wait, on_wait),
                      concurrency, on_result)


async def _delete_one(client: CodeOceanClient, asset: DataAsset, journal: WriteJournal | None,
                      on_wait: OnWait | None) -> AssetResult:
    # Check the asset really is archived: deleting is permanent, and whether the API itself
    # refuses to delete an active data asset is not documented. The check reads search, which
    # lags writes: when this session archived or restored the asset lately and search does not
    # agree yet, ask again for a while rather than act on (or report) a stale answer.
    try:
        fresh = await client.data_assets.get_data_asset(asset.id)
    except NotFoundError:
        return AssetResult(asset.id, asset.name, Status.SKIPPED, "already deleted")
    except ApiError as exc:
        return _failed(asset, exc)
    known = journal.archived(asset.id) if journal is not None else None
    if known is None:
        state = await archived_state(client, fresh)
    else:
        state = await _state_until(client, fresh, known, _wait_of(journal), on_wait)
    if state is not True or known is False:
        waited = _wait_of(journal).bound
        if known is True:
            reason = (f"archived in this session, but the search index does not show it yet "
                      f"(waited {waited:g} s); nothing was deleted: try again in a moment")
        elif known is False and state is not False:
            reason = (f"restored in this session, and the search index has not caught up "
                      f"(waited {waited:g} s); nothing was deleted")
        elif state is False:
            reason = "not archived: archive it before deleting"
        else:
            reason = "could not confirm that it is archived; nothing was deleted"
        return AssetResult(asset.id, fresh.name, Status.FAILED, reason)
    try:
        await client.data_assets.delete_data_asset(asset.id)
    except ApiError as exc:
        if not exc.outcome_unknown:
            return _failed(asset, exc, name=fresh.name)
        try:
            await client.data_assets.get_data_asset(asset.id)
        except NotFoundError:
            return AssetResult(asset.id, fresh.name, Status.OK, reconciled=True)
        except ApiError as read_error:
            return AssetResult(asset.id, fresh.name, Status.UNKNOWN, _unknown(exc, read_error))
        return AssetResult(asset.id, fresh.name, Status.FAILED, _not_applied(exc),
                           reconciled=True)
    return AssetResult(asset.id, fresh.name, Status.OK)


async def delete(client: CodeOceanClient, assets: Sequence[DataAsset], *,
                 concurrency: int = DEFAULT_CONCURRENCY,
                 on_result: OnResult | None = None, journal: WriteJournal | None = None,
                 on_wait: OnWait | None = None) -> BulkReport:
    """Delete each archived asset permanently; active ones are refused, not deleted.

    ``journal`` is what this session archived and restored lately: where search does not show
    that yet, the archive check waits for it (``on_wait`` is told) instead of trusting a stale
    answer.
    """
    return await _run(client, "delete", assets,
                      lambda a: _delete_one(client, a, journal, on_wait), concurrency, on_result)
