"""Reading the user's role on an asset before they press a key on it.

The API has no "my role" field (:mod:`co_tui.operations.rights`), so the role comes from the
asset's permissions (``GET /data_assets/{id}/permissions``): owner or a grant to the user's own
e-mail, or a 403 for an asset that is only discoverable to them. Screens ask for it when a detail
view opens and when the cursor of a list rests on a row; this module makes sure that costs at
most one request per asset and session:

- **cached**: an asset whose permissions were read (or refused) is in
  :attr:`Rights.looked_up <co_tui.operations.rights.Rights.looked_up>` and is not read again
  (a failure other than 403 is not cached: the next rest tries again);
- **shared**: a read already on its way is awaited, not sent twice (a list and the detail view
  opened from it ask for the same asset);
- **bounded**: at most :data:`MAX_READS` reads run at once; a read still waiting for its turn
  when the cursor has left its row is dropped without a request, and an answer that comes back
  for a row the cursor left is kept (it is true) but not reported.

The debounce itself (the cursor at rest for ~0.3 s) is the screen's timer: this module has no
clock and no Textual (:mod:`co_tui.screens.rights_screen`).
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import Callable
from typing import TYPE_CHECKING

from co_tui.api import ApiError, PermissionDeniedError

if TYPE_CHECKING:
    from co_tui.api import CodeOceanClient
    from co_tui.api.models import DataAsset
    from co_tui.operations.rights import Rights

__all__ = ["MAX_READS", "RoleLookup", "lookup_for"]

MAX_READS = 2
"""Permission reads in flight at once, per session."""


class RoleLookup:
    """The session's permission reads (see the module docstring); one per :class:`Rights`."""

    def __init__(self, rights: Rights, *, limit: int = MAX_READS) -> None:
        self.rights = rights
        self._slots = asyncio.Semaphore(limit)
        self._reading: dict[str, asyncio.Future[bool]] = {}
        self.sent = 0
        """Permission requests sent so far (for tests and the debug log)."""

    def needed(self, asset: DataAsset) -> bool:
        """Whether reading ``asset``'s permissions could still teach anything."""
        return asset.id not in self.rights.looked_up

    async def read(self, client: CodeOceanClient, asset: DataAsset,
                   still_wanted: Callable[[], bool] = lambda: True) -> bool:
        """Read ``asset``'s permissions into :attr:`rights` unless known or on their way.

        ``still_wanted`` is asked once the read may start (and after it): False drops it
        (before any request) or its report. Returns True when the role is now known to the
        session and is still wanted; never raises an :class:`~co_tui.api.ApiError`.
        """
        if not self.needed(asset):
            return still_wanted()
        pending = self._reading.get(asset.id)
        if pending is not None:
            await asyncio.shield(pending)
            return self.needed(asset) is False and still_wanted()
        done: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        self._reading[asset.id] = done
        try:
            async with self._slots:
                if not still_wanted() or not self.needed(asset):
                    return False  # the cursor left while this waited for its turn
                self.sent += 1
                try:
                    permissions = await client.data_assets.get_permissions(asset.id)
                except PermissionDeniedError:
                    self.rights.discoverable_only(asset.id)
                except ApiError:
                    return False  # unknown for now; a later rest asks again
                else:
                    self.rights.learn(asset, permissions)
            return still_wanted()
        finally:
            del self._reading[asset.id]
            done.set_result(True)


_LOOKUPS: weakref.WeakKeyDictionary[Rights, RoleLookup] = weakref.WeakKeyDictionary()


def lookup_for(rights: Rights) -> RoleLookup:
    """The lookup of the session whose rights are ``rights`` (a new login starts a new one)."""
    found = _LOOKUPS.get(rights)
    if found is None:
        found = _LOOKUPS[rights] = RoleLookup(rights)
    return found
