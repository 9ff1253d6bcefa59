"""What a bulk action did to each asset: :class:`Status`, :class:`AssetResult` and the
:class:`BulkReport` whose one-line summary names the assets found gone."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from co_tui.api.models import DataAsset

__all__ = ["GONE_REASON", "AssetResult", "BulkReport", "OnResult", "Status"]


class Status(StrEnum):
    """What happened to one asset."""

    OK = "ok"
    SKIPPED = "skipped"
    """Nothing to do (already tagged, already gone ...); no write was sent."""
    FAILED = "failed"
    """Not done; ``reason`` says why."""
    UNKNOWN = "unknown"
    """The write may have landed and reading the state back failed too."""
    GONE = "gone"
    """The server no longer has the asset (404: deleted elsewhere, or no longer shared)."""


@dataclass(frozen=True)
class AssetResult:
    """The outcome for one asset. ``reason`` may contain server text: show it via ``display``."""

    asset_id: str
    name: str
    status: Status
    reason: str = ""
    reconciled: bool = False
    """The write's outcome was unknown and this status comes from reading the state back."""
    asset: DataAsset | None = None
    """The asset as the server has it now, when known (tag changes)."""
    denied: bool = False
    """The server refused it (403): the user may not do this to the asset."""


OnResult = Callable[[AssetResult], None]
"""Called as each asset finishes (for progress)."""

_VERBS = {"tags": "updated", "archive": "archived", "restore": "restored", "delete": "deleted"}
GONE_REASON = "no longer exists on the server (deleted elsewhere, or no longer shared with you)"
NAMES_IN_SUMMARY = 3
"""Names of gone assets the one-line summary lists before "and N more"."""


@dataclass(frozen=True)
class BulkReport:
    """The per-asset results of one bulk action (``action``: tags, archive, restore, delete)."""

    action: str
    results: tuple[AssetResult, ...]

    def count(self, status: Status) -> int:
        """How many assets ended with ``status``."""
        return sum(1 for result in self.results if result.status is status)

    @property
    def all_ok(self) -> bool:
        """True when nothing failed and nothing is unknown (assets found gone are neither: the
        summary names them)."""
        return not any(r.status in (Status.FAILED, Status.UNKNOWN) for r in self.results)

    @property
    def gone(self) -> list[AssetResult]:
        """The results of assets the server no longer has."""
        return [r for r in self.results if r.status is Status.GONE]

    @property
    def updated(self) -> list[DataAsset]:
        """The server's version of every asset this action changed."""
        return [r.asset for r in self.results if r.status is Status.OK and r.asset is not None]

    def summary(self) -> str:
        """One line such as ``"3 archived, 1 failed; 1 no longer exists: 'NAME'"``.

        It holds server text (the names of gone assets, cut to 60 characters): show it through
        ``display``.
        """
        words = {Status.OK: _VERBS.get(self.action, "done"), Status.SKIPPED: "skipped",
                 Status.FAILED: "failed", Status.UNKNOWN: "unknown"}
        parts = [f"{self.count(s)} {word}" for s, word in words.items() if self.count(s)]
        text = ", ".join(parts)
        if gone := self.gone:
            names = ", ".join(f"'{_cut(r.name)}'" for r in gone[:NAMES_IN_SUMMARY])
            more = f" and {len(gone) - NAMES_IN_SUMMARY} more" if len(gone) > NAMES_IN_SUMMARY \
                else ""
            verb = "no longer exists" if len(gone) == 1 else "no longer exist"
            text = f"{text}; " if text else ""
            text += f"{len(gone)} {verb}: {names}{more}"
        return text or "nothing to do"


def _cut(name: str, limit: int = 60) -> str:
    return name if len(name) <= limit else name[: limit - 1] + "…"
