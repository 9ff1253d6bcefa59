"""This session's recent writes, laid over search results that have not caught up with them.

Code Ocean's search is an index that shows a write seconds after it, while ``GET
/data_assets/{id}`` is immediate. Without care, a refresh right after archiving brings the asset
back into My Data, the archive bin misses it, a created asset vanishes and an edited one shows
its old name.

:class:`WriteJournal` remembers what this session did to each asset (archived, restored,
deleted, created, changed) and :meth:`WriteJournal.apply` lays that over each search page: an
asset that left a list stays out of it, one that arrived is shown (on the first page of an
unfiltered list), a changed one shows its new values. Each entry ends when search agrees with
it (the asset is seen where it belongs, as this session has it) or after ``horizon`` seconds.

Agreement only proves that search has caught up when no older state could agree too. After one
write, the only state search can still show is the one before it, which differs. After two or
more writes in a row within the horizon (archive, restore, archive again), search may show an
*earlier* write's state, which can equal the latest one: archived by the first archive, while
the restore after it has not reached search yet. Such a chained entry is not ended by agreement,
only by the horizon; until then it keeps correcting what search shows.

:class:`SearchWait` is how long (and how) actions that must read the truth from search (the
archive check before a delete, finding a created asset after a lost answer) keep re-asking
before they give up saying the index has not caught up.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Collection, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import msgspec

if TYPE_CHECKING:
    from co_tui.api.models import DataAsset

__all__ = ["Applied", "SearchWait", "WriteJournal"]

HORIZON = 60.0
"""Seconds an entry is laid over search answers at most (search lags by seconds)."""


@dataclass(frozen=True)
class SearchWait:
    """How long to wait for search to show a write before giving up, and how to wait.

    ``bound`` seconds in all, asking again after ``interval`` seconds, growing by half each time
    up to ``max_interval``. ``sleep`` and ``clock`` are injectable for tests.
    """

    bound: float = 10.0
    interval: float = 0.5
    max_interval: float = 2.0
    sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep
    clock: Callable[[], float] = time.monotonic

    async def until(self, check: Callable[[], Awaitable[bool]],
                    on_wait: Callable[[], None] | None = None) -> bool:
        """Call ``check`` until it is true or ``bound`` seconds have passed; its last answer.

        ``on_wait`` is called once, before the first wait (to say what is being waited for).
        """
        if await check():
            return True
        if on_wait is not None:
            on_wait()
        started = self.clock()
        delay = self.interval
        while self.clock() - started < self.bound:
            await self.sleep(min(delay, max(0.0, self.bound - (self.clock() - started))))
            delay = min(self.max_interval, delay * 1.5)
            if await check():
                return True
        return False


@dataclass
class _Entry:
    at: float
    kind: str
    """The last thing this session did: archived, restored, deleted, created or changed."""
    asset: DataAsset | None = None
    """The asset as this session last had it (None: not known, only its id)."""
    archived: bool | None = None
    """Where it belongs: True the archive bin, False My Data, None not known here."""
    deleted: bool = False
    created: bool = False
    """This session created it."""
    chained: bool = False
    """It follows an earlier write to the same asset that was still noted: search may show
    that earlier state, so agreeing with search does not end it (see the module docstring)."""


@dataclass(frozen=True)
class Applied:
    """A search page with this session's writes laid over it."""

    results: list[DataAsset]
    adjusted: dict[str, str] = field(default_factory=dict)
    """Asset id -> what search did not show yet (``archived``, ``created`` ...) for every row
    hidden, added or replaced on this page."""

    def note(self) -> str:
        """E.g. ``"1 archived · search updating"``; empty when search needed no help."""
        if not self.adjusted:
            return ""
        counts: dict[str, int] = {}
        for kind in self.adjusted.values():
            counts[kind] = counts.get(kind, 0) + 1
        return ", ".join(f"{n} {kind}" for kind, n in counts.items()) + " · search updating"


EDITABLE = ("name", "description", "tags", "mount", "custom_metadata")
"""The fields an edit changes (search may still have the old values)."""


def _overlay(entry: _Entry, found: DataAsset) -> tuple[DataAsset, bool]:
    """What to show for an asset search listed where it belongs, and whether search has caught
    up with the entry (then it is the newer source: a draft may have become ready since)."""
    mine = entry.asset
    if mine is None or entry.kind in ("archived", "restored"):
        return found, True  # listed on the right side: that is all those writes change
    settled_here = found.state == "draft" and mine.state != "draft"
    if entry.kind == "created":
        if settled_here:
            return mine, False  # followed to ready or failed here; search still has the draft
        return found, True
    ours = {name: getattr(mine, name) for name in EDITABLE}
    if settled_here:
        ours.update(state=mine.state, failure_reason=mine.failure_reason)
    if all(getattr(found, name) == value for name, value in ours.items()):
        return found, True
    return msgspec.structs.replace(found, **ours), False


_EVENTS = frozenset({"changed", "created", "archived", "restored", "deleted"})


class WriteJournal:
    """What this session wrote recently, to correct search answers that lag behind it."""

    def __init__(self, *, horizon: float = HORIZON, wait: SearchWait | None = None) -> None:
        self.horizon = horizon
        self.wait = wait or SearchWait()
        self._entries: dict[str, _Entry] = {}

    def __bool__(self) -> bool:
        """Whether anything is noted (expired entries included until they are next read)."""
        return bool(self._entries)

    def _now(self) -> float:
        return self.wait.clock()

    def _live(self, asset_id: str) -> _Entry | None:
        entry = self._entries.get(asset_id)
        if entry is not None and self._now() - entry.at > self.horizon:
            del self._entries[asset_id]
            return None
        return entry

    def record(self, event: str, assets: Sequence[DataAsset]) -> None:
        """Note that ``event`` happened to ``assets`` (the screens' asset events).

        ``changed`` and ``created`` carry the server's new version of each asset; ``archived``,
        ``restored`` and ``deleted`` only need the ids. Other events change nothing search shows.
        """
        if event not in _EVENTS:
            return
        now = self._now()
        for asset in assets:
            old = self._live(asset.id)
            entry = _Entry(now, event, asset, old.archived if old else None,
                           created=event == "created" or (old is not None and old.created),
                           chained=old is not None)
            if event == "created":
                entry.archived = False
                if old is not None and old.kind == "changed":
                    entry.kind = "changed"  # a followed draft that was edited meanwhile
            elif event in ("archived", "restored"):
                entry.archived = event == "archived"
            elif event == "deleted":
                entry.deleted = True
            self._entries[asset.id] = entry

    def knows(self, asset_id: str) -> bool:
        """Whether this session wrote to (or learnt the deletion of) the asset lately."""
        return self._live(asset_id) is not None

    def gone(self, asset_id: str) -> None:
        """Note that the server no longer has the asset (a 404: deleted elsewhere, or no longer
        shared): search may list it for a while yet, and it must not come back meanwhile."""
        old = self._live(asset_id)
        self._entries[asset_id] = _Entry(self._now(), "deleted", old.asset if old else None,
                                         deleted=True)

    def archived(self, asset_id: str) -> bool | None:
        """Whether this session archived (True) or restored (False) the asset lately; None
        when it did neither (or deleted it)."""
        entry = self._live(asset_id)
        if entry is None or entry.deleted:
            return None
        return entry.archived

    def created_ids(self) -> set[str]:
        """Assets this session created lately."""
        return {key for key in list(self._entries)
                if (entry := self._live(key)) is not None and entry.created}

    def forget(self, asset_id: str) -> None:
        """Drop what is known of one asset (search has been seen to agree)."""
        self._entries.pop(asset_id, None)

    def apply(
        self,
        results: Sequence[DataAsset],
        *,
        archived: bool,
        first_page: bool = True,
        narrowed: bool = False,
        shown: Collection[str] = (),
    ) -> Applied:
        """Lay this session's writes over one page of a search with ``archived``.

        Hidden: assets this session deleted or moved to the other list. Replaced: assets it
        changed (search still has the old values). Added at the top of the first page: assets
        it moved here or created that search does not list yet, unless the search is
        ``narrowed`` by a query or filters (whether they would match is the server's call).
        ``shown`` holds the ids already on screen from earlier pages (never listed twice).
        """
        out: list[DataAsset] = []
        adjusted: dict[str, str] = {}
        seen: set[str] = set()
        for asset in results:
            seen.add(asset.id)
            entry = self._live(asset.id)
            if asset.id in shown:
                continue
            if entry is None:
                out.append(asset)
                continue
            if entry.deleted or (entry.archived is not None and entry.archived != archived):
                adjusted[asset.id] = entry.kind
                continue
            shown_asset, caught_up = _overlay(entry, asset)
            out.append(shown_asset)
            if caught_up and not entry.chained:
                self.forget(asset.id)
            elif shown_asset is not asset:
                adjusted[asset.id] = entry.kind
        if first_page and not narrowed:
            arriving = [
                entry.asset for key, entry in list(self._entries.items())
                if key not in seen and key not in shown and self._live(key) is not None
                and entry.asset is not None and not entry.deleted and entry.archived is archived
            ]
            arriving.sort(key=lambda a: a.created, reverse=True)
            for asset in arriving:
                adjusted[asset.id] = self._entries[asset.id].kind
            out[:0] = arriving
        return Applied(out, adjusted)
