"""``RightsAwareScreen``: a screen that knows the user's role on its assets before a key is pressed.

The base of :class:`~co_tui.screens.asset_actions.AssetActionsScreen` (docs/product.md, 'Keys'
and 'Errors'). It does three things:

- **learns the role ahead**: :meth:`follow_role` (My Data's cursor) reads the permissions of the
  highlighted asset once the cursor rests there for :data:`ROLE_REST` seconds, and
  :meth:`read_role_now` (a detail view opening) at once; both go through the session's
  :class:`~co_tui.operations.role_lookup.RoleLookup`, so an asset costs one request per session
  and scrolling fast costs none. An answer repaints the keys (:meth:`role_learnt`).
- **greys out**: until the role is known every action is offered; then the actions it does not
  allow are disabled (the screens' ``check_action`` returns None, which Textual's footer dims;
  the help and the palette show them dimmed with the reason).
- **says why**: pressing the key of a disabled action says why in a toast (the reason comes from
  the ``disabled_reason`` of whatever owns the binding: the screen, or a widget such as the Files
  tab), instead of Textual's silence.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from textual import events, on
from textual.binding import ActiveBinding
from textual.screen import Screen
from textual.timer import Timer

from co_tui.app import co_app
from co_tui.key_help import disabled_reason
from co_tui.operations.action_rules import needs_target
from co_tui.operations.role_lookup import RoleLookup, lookup_for
from co_tui.safe_text import display
from co_tui.workers import start_worker

if TYPE_CHECKING:
    from co_tui.api import CodeOceanClient
    from co_tui.api.models import DataAsset

__all__ = ["ROLE_REST", "RightsAwareScreen", "disabled_key_reason"]

ROLE_REST = 0.3
"""Seconds the cursor rests on a row before its permissions are read."""


def disabled_key_reason(screen: Screen[Any], key: str) -> str | None:
    """Why ``key`` does nothing on ``screen`` now: the reason of the binding Textual would try
    first, when it is disabled (``check_action`` None) and no later binding of the key runs;
    None when the key runs something or nobody says why."""
    app = screen.app
    reason: str | None = None
    for namespace, bindings in screen._modal_binding_chain:
        for binding in bindings.key_to_bindings.get(key, ()):
            if binding.priority:
                continue  # handled (or not) before the key reached the screen
            try:
                state = app._check_action_state(binding.action, namespace)
            except Exception:  # a namespace that is not there now
                continue
            if state:
                return None  # Textual runs this one
            if state is None and reason is None:
                reason = disabled_reason(namespace, binding.action)
    return reason


class RightsAwareScreen(Screen[None]):
    """A screen acting on assets whose keys know the user's role (see the module docstring)."""

    client: CodeOceanClient | None
    co_app = co_app

    _role_timer: Timer | None = None
    _role_wanted: str | None = None
    """The asset whose role this screen waits for (the highlighted row, the detail's asset)."""

    @property
    def role_lookup(self) -> RoleLookup:
        """The session's permission reads (a new login has new ones)."""
        return lookup_for(self.co_app.rights)

    def follow_role(self, asset: DataAsset | None) -> None:
        """The cursor is now on ``asset``: read its role once the cursor rests there."""
        if self._role_timer is not None:
            self._role_timer.stop()
            self._role_timer = None
        self._role_wanted = asset.id if asset is not None else None
        if asset is None or self.client is None or not self.role_lookup.needed(asset):
            return
        self._role_timer = self.set_timer(ROLE_REST, lambda: self._read_role(asset))

    def read_role_now(self, asset: DataAsset) -> None:
        """Read the role on ``asset`` now (a detail view opening), unless known already."""
        if self._role_timer is not None:
            self._role_timer.stop()
        self._role_wanted = asset.id
        if self.client is not None and self.role_lookup.needed(asset):
            self._read_role(asset)

    def _read_role(self, asset: DataAsset) -> None:
        self._role_timer = None
        client = self.client
        if client is None or self._role_wanted != asset.id:
            return

        async def read() -> None:
            if await self.role_lookup.read(client, asset,
                                           lambda: self._role_wanted == asset.id):
                self.role_learnt(asset)

        start_worker(self, read(), action="reading your role on the asset", group="roles")

    def footer_crowded(self) -> bool:
        """True when the footer has no room for the asset actions it shows (their keys still
        work, and the help lists them); screens with a busy footer say when."""
        return False

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        """Textual's active bindings (what the footer draws), without the footer's asset
        actions while :meth:`footer_crowded`."""
        active = super().active_bindings
        if not self.footer_crowded():
            return active
        return {key: found._replace(binding=replace(found.binding, show=False))
                if found.node is self and found.binding.show and needs_target(found.binding.action)
                else found
                for key, found in active.items()}

    def role_learnt(self, asset: DataAsset) -> None:
        """The role on ``asset`` (still wanted here) is now known: repaint the keys. Screens
        that show more (the detail view's access note) extend this."""
        self.refresh_bindings()

    @on(events.Key)
    def _explain_disabled_key(self, event: events.Key) -> None:
        """A key whose action is disabled says why instead of doing nothing."""
        reason = disabled_key_reason(self, event.key)
        if reason is None:
            return
        event.stop()
        event.prevent_default()
        self.co_app.say(display(reason, max_cells=200), severity="warning", timeout=5)
