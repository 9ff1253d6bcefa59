"""The list filters (type, ownership, origin, favourites) as a value a search request carries,
and the one that does not: "attached" (inside a capsule), applied by the list to the rows it
has loaded, since the search API knows nothing of the capsule co-tui runs in.

:class:`AssetFilters` is what a list screen keeps and adds to its search requests; the filters
dialog (``co_tui/modals/filters.py``) edits one. The option tables (``TYPES`` ...) pair each API
value with the words the dialog shows. No Textual here: the model is tested and used without a UI.
"""

from __future__ import annotations

from dataclasses import dataclass

import msgspec

from co_tui.api.models import DataAssetSearchParams

__all__ = ["ATTACHED", "FAVORITES", "ORIGINS", "OWNERSHIPS", "TYPES", "AssetFilters"]

TYPES: tuple[tuple[str | None, str], ...] = (
    (None, "any"), ("dataset", "dataset"), ("result", "result"), ("combined", "combined"),
    ("model", "model"),
)
OWNERSHIPS: tuple[tuple[str | None, str], ...] = (
    (None, "all"), ("created", "created by me"), ("shared", "shared with me"),
)
ORIGINS: tuple[tuple[str | None, str], ...] = (
    (None, "any"), ("internal", "internal"), ("external", "external"),
)
FAVORITES: tuple[tuple[bool, str], ...] = ((False, "all"), (True, "favourites only"))
ATTACHED: tuple[tuple[bool | None, str], ...] = (
    (None, "all"), (True, "attached"), (False, "not attached"),
)
"""Inside a capsule: attached to it or not. Client-side: it filters the loaded rows."""


@dataclass(frozen=True, slots=True)
class AssetFilters:
    """The filters of a list screen; the defaults filter nothing.

    The values are the search API's: ``type`` (dataset/result/combined/model), ``ownership``
    (``created`` / ``shared``), ``origin`` (``internal`` / ``external``), ``favorite``.
    ``attached`` (True / False) is not sent: the list keeps the loaded rows attached (or not)
    to the capsule co-tui runs in (``CapsuleAttachActions.attached_rows``).
    """

    type: str | None = None
    ownership: str | None = None
    origin: str | None = None
    favorite: bool = False
    attached: bool | None = None

    @property
    def active(self) -> bool:
        """True when any filter narrows the list."""
        return self != AssetFilters()

    def apply_to(self, params: DataAssetSearchParams) -> DataAssetSearchParams:
        """``params`` with these filters added (unset ones are left off the request)."""
        return msgspec.structs.replace(
            params,
            type=self.type,
            ownership=self.ownership,
            origin=self.origin,
            favorite=True if self.favorite else None,
        )

    def describe(self) -> str:
        """The active filters in a few words, e.g. ``"result, created by me, favourites"``."""
        words: list[str] = []
        if self.type:
            words.append(self.type)
        words += [label for value, label in OWNERSHIPS if value and value == self.ownership]
        if self.origin:
            words.append(self.origin)
        if self.favorite:
            words.append("favourites")
        if self.attached is not None:
            # client-side: it says so, as it narrows the rows loaded, not the search
            words.append(("attached" if self.attached else "not attached") + " (loaded rows)")
        return ", ".join(words)
