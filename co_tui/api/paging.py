"""Following the pages of a search, whatever cursor the server offers, without ever looping.

A page says ``has_more``; the next one is asked for with its ``next_token`` when it has one, and
otherwise with ``offset`` set to the number of rows received so far (servers and versions differ
in which they send). A server that repeats a cursor, or a page that brings no record not seen
before, would make a naive loop run for ever: :class:`Pager` stops there with
:class:`PagingStopped`, a typed error that says how far the listing got.
"""

from __future__ import annotations

from typing import TypeVar

import msgspec

from co_tui.api.errors import UnexpectedResponseError
from co_tui.api.models import (
    CapsuleSearchParams,
    CapsuleSearchResults,
    DataAssetSearchParams,
    DataAssetSearchResults,
)

__all__ = ["Pager", "PagingStopped"]


P = TypeVar("P", DataAssetSearchParams, CapsuleSearchParams)


class PagingStopped(UnexpectedResponseError):
    """The server said more results follow but its next page would not make progress.

    The pages before were delivered; ``received`` is how many rows they held and ``reason``
    says what went wrong, in a few words.
    """

    def __init__(self, reason: str, *, received: int, operation: str = "") -> None:
        self.reason = reason
        self.received = received
        super().__init__(f"{reason}; stopped after {received:,} results", operation=operation)


class Pager:
    """The cursor of one search, page after page.

    Make one with the parameters of the first request; give :meth:`advance` each page and the
    parameters that fetched it, and it returns the parameters of the next page, or ``None``
    after the last one.
    """

    def __init__(
        self, first: DataAssetSearchParams | CapsuleSearchParams, *, operation: str = "search"
    ) -> None:
        self._start = first.offset or 0
        self._tokens: set[str] = {first.next_token} if first.next_token else set()
        self._ids: set[str] = set()
        self._operation = operation
        self.received = 0
        """Rows received so far, readable or not (what the server counts in ``offset``)."""

    def advance(self, params: P, page: DataAssetSearchResults | CapsuleSearchResults) -> P | None:
        """The parameters of the page after ``page``; ``None`` when ``page`` was the last.

        Raises :class:`PagingStopped` when the server says more follow but repeats a cursor or
        sent a page that adds no record not seen before.
        """
        self.received += len(page.results) + page.unreadable
        before = len(self._ids)
        self._ids.update(record.id for record in page.results)
        if not page.has_more:
            return None
        if len(self._ids) == before:
            raise self._stop("a page added nothing new although more were said to follow")
        token = page.next_token
        if token:
            if token in self._tokens:
                raise self._stop("the server sent the same page cursor twice")
            self._tokens.add(token)
            return msgspec.structs.replace(params, next_token=token, offset=None)
        return msgspec.structs.replace(
            params, next_token=None, offset=self._start + self.received
        )

    def _stop(self, why: str) -> PagingStopped:
        return PagingStopped(why, received=self.received, operation=self._operation)
