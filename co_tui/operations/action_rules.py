"""The rules of the actions on assets, apart from any screen: which actions need a target, which
apply only in the archive bin or inside a capsule, why one cannot run on the targeted assets now,
and the record of what an action did (:class:`AssetsChanged`, published on the app's
``assets_changed`` signal by :class:`co_tui.screens.asset_actions.AssetActionsScreen`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from co_tui.operations.rights import NEEDS

if TYPE_CHECKING:
    from co_tui.api.models import DataAsset
    from co_tui.operations.rights import Rights

__all__ = [
    "ARCHIVE_ONLY",
    "CAPSULE_ONLY",
    "NEEDS_TARGET",
    "NOT_IN_ARCHIVE",
    "SINGLE",
    "AssetEvent",
    "AssetsChanged",
    "needs_target",
    "target_problem",
]

AssetEvent = Literal["changed", "created", "archived", "restored", "deleted", "shared",
                     "attached"]


@dataclass(frozen=True, slots=True)
class AssetsChanged:
    """What an action did to which assets: the data of the app's ``assets_changed`` signal.

    ``event`` is one of ``changed`` (new metadata), ``created`` (a new or following draft),
    ``archived``, ``restored``, ``deleted``, ``shared`` and ``attached`` (attachments changed).
    """

    event: AssetEvent
    assets: Sequence[DataAsset]


SINGLE = frozenset({"edit", "share", "copy_id", "copy_url", "open_web_page"})
"""Actions on exactly one asset (the others also take a multi-selection)."""
NEEDS_TARGET = frozenset({"download_assets"})
ARCHIVE_ONLY = frozenset({"restore", "delete"})
NOT_IN_ARCHIVE = frozenset({"archive", "tags", "edit", "share", "create", "attach", "detach"})
CAPSULE_ONLY = frozenset({"attach", "detach"})


def needs_target(action: str) -> bool:
    """Whether ``action`` works on the targeted assets (and so is disabled without one)."""
    return action in NEEDS or action in SINGLE or action in CAPSULE_ONLY or action in NEEDS_TARGET


def target_problem(action: str, assets: list[DataAsset], rights: Rights) -> str | None:
    """Why ``action`` cannot run on ``assets`` (shown in the help and the palette), or None."""
    if needs_target(action) and not assets:
        return "No asset is highlighted."
    if action in SINGLE and len(assets) > 1:
        return "Works on one asset: clear the selection (ctrl+a) first."
    if action in NEEDS:
        return rights.reasons(assets, action)
    return None
