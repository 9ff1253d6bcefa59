"""``CapsuleAttachActions``: the capsule co-tui runs in, what it has attached, and the attach /
detach keys (``+`` / ``-``) of every asset screen.

Inside a capsule (``CO_CAPSULE_ID``) the first asset screen starts one look-up for the session,
on the app so it outlives the screen: the capsule's name (``GET /capsules/{id}``) and its
attached set (:func:`~co_tui.operations.capsule_attached.read_attached`). Both are kept on the
app (``co_app.capsule``, a :class:`~co_tui.operations.capsule_attached.CapsuleSession`) and each
change is published on ``co_app.capsule_changed``, which every open asset screen follows: it
sets its ``attached_ids`` and calls :meth:`CapsuleAttachActions.show_capsule`.

An attach or detach of more than one asset asks first (:mod:`co_tui.modals.attach_confirm`):
how many, their total size, which are skipped and why. Skipped assets are never sent; when all
are skipped the toast says why and nothing is sent. What was done is laid over the set.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import TYPE_CHECKING, ClassVar, Literal

from textual import events, on
from textual.content import Content
from textual.screen import Screen

from co_tui.api import ApiError
from co_tui.app import co_app
from co_tui.formatting import plural
from co_tui.safe_text import display, join
from co_tui.workers import start_worker, worker

if TYPE_CHECKING:
    from co_tui.api import CodeOceanClient
    from co_tui.api.models import DataAsset
    from co_tui.operations.action_rules import AssetEvent
    from co_tui.operations.capsule_attached import CapsuleSession, Skipped

__all__ = ["CapsuleAttachActions"]

CAPSULE_NAME_CELLS = 30
"""The capsule's name in a title bar is cut to this width (an 80-column title holds more)."""


class CapsuleAttachActions(Screen[None]):
    """The capsule part of :class:`~co_tui.screens.asset_actions.AssetActionsScreen`."""

    IN_ARCHIVE: ClassVar[bool] = False
    """True in the archive bin (see AssetActionsScreen): no attached column there."""

    client: CodeOceanClient | None
    co_app = co_app

    attached_ids: frozenset[str] | None = None
    """Ids of the assets attached to the capsule co-tui runs in, as far as known: None outside a
    capsule or until the capsule's attached list has been read."""

    # --- what AssetActionsScreen provides ------------------------------------------------------

    def targets(self) -> list[DataAsset]:
        """The assets an action works on (see AssetActionsScreen)."""
        raise NotImplementedError

    def _announce(self, event: AssetEvent, assets: Sequence[DataAsset]) -> None:
        """Publish what an action did (see AssetActionsScreen)."""
        raise NotImplementedError

    def show_capsule(self, change: str) -> None:
        """The capsule's name or attached set changed (``change``: "read", "learned", "attach",
        "detach"); ``attached_ids`` is already set. Screens that show it redraw."""
        self.refresh_bindings()

    # --- the capsule and its attached set -----------------------------------------------------

    @property
    def capsule_id(self) -> str | None:
        """The capsule co-tui runs in (``CO_CAPSULE_ID``), if any."""
        from co_tui.operations.attach import current_capsule_id

        return current_capsule_id(os.environ)

    def capsule_session(self) -> CapsuleSession:
        """The app's :class:`CapsuleSession`, started afresh if ``CO_CAPSULE_ID`` changed."""
        session = self.co_app.capsule
        session.for_capsule(self.capsule_id)
        return session

    @on(events.Mount)
    def _follow_capsule(self) -> None:
        self.co_app.capsule_changed.subscribe(self, self._capsule_changed, immediate=True)
        self.attached_ids = self.capsule_session().attached.ids
        self.start_capsule_lookup()

    @on(events.Unmount)
    def _stop_following_capsule(self) -> None:
        self.co_app.capsule_changed.unsubscribe(self)

    def _capsule_changed(self, change: str) -> None:
        self.attached_ids = self.capsule_session().attached.ids
        self.show_capsule(change)

    def _publish(self, change: str) -> None:
        self.co_app.capsule_changed.publish(change)

    def start_capsule_lookup(self) -> None:
        """Look up the capsule's name and attached set, once per session (needs a client)."""
        session = self.capsule_session()
        if session.capsule_id is None or session.reading or self.client is None:
            return
        session.reading = True
        start_worker(self.co_app, self._look_up(self.client, session.capsule_id),
                     action="reading the capsule", group="capsule")

    async def _look_up(self, client: CodeOceanClient, capsule_id: str) -> None:
        import dataclasses

        from co_tui.operations.capsule_attached import current_computation_id, read_attached

        session = self.co_app.capsule
        name: str | None = None
        name_problem: str | None = None
        try:
            name = (await client.capsules.get_capsule(capsule_id)).name
        except ApiError as error:
            name_problem = error.message
        read = None
        problem: str | None = None
        try:
            read = await read_attached(client, current_computation_id(os.environ))
        except ApiError as error:
            problem = error.message
        except OSError as error:  # /data could not be listed
            problem = error.strerror or type(error).__name__
        if self.co_app.capsule is not session or session.capsule_id != capsule_id:
            return  # another capsule or login meanwhile: this reading is stale
        session.name, session.name_problem = name, name_problem
        session.attached = dataclasses.replace(session.attached, read=read, problem=problem)
        self._publish("read")

    def learn_attached(self, rows: Sequence[DataAsset]) -> None:
        """Match loaded rows to the ``/data`` folders by mount (a reading of ``/data`` only)."""
        session = self.co_app.capsule
        if session.capsule_id is None or session.capsule_id != self.capsule_id:
            return
        learned = session.attached.learn(rows)
        if learned is not session.attached:
            session.attached = learned
            self._publish("learned")

    def attached_rows(self, rows: list[DataAsset], only: bool | None) -> list[DataAsset]:
        """``rows`` learned from, then kept by the client-side "attached" filter: ``only`` True
        keeps the attached rows, False the others, None every row. While the attached set is
        unknown the filter keeps none (it cannot tell)."""
        self.learn_attached(rows)
        if only is None or self.capsule_id is None:
            return rows
        ids = self.attached_ids
        if ids is None:
            return []
        return [row for row in rows if (row.id in ids) == only]

    def capsule_title(self, cells: int | None = None) -> Content | None:
        """The capsule part of a title bar: ``capsule NAME · 3 attached``; None outside one.
        ``cells``: the room there is, which the name is cut to fit (never below 8 cells)."""
        session = self.capsule_session()
        if session.capsule_id is None:
            return None
        ids = session.attached.ids
        if ids is not None:
            count = f" · {plural(len(ids), 'attached', 'attached')}"
        elif session.attached.problem is not None:
            count = " · attached unknown"
        else:
            count = " · reading…"
        name_cells = CAPSULE_NAME_CELLS
        if cells is not None:
            name_cells = max(8, min(name_cells, cells - len("capsule ") - len(count)))
        if session.name:
            name = display(session.name, max_cells=name_cells, style="bold")
        else:
            name = display(session.capsule_id, max_cells=name_cells)
        return join("capsule ", name, count)

    # --- attach / detach -----------------------------------------------------------------------

    def action_attach(self) -> None:
        """Attach the highlighted or selected assets to this capsule (asks first for several)."""
        self._attach_or_detach("attach")

    def action_detach(self) -> None:
        """Detach the highlighted or selected assets from this capsule (asks first for several)."""
        self._attach_or_detach("detach")

    def _attach_or_detach(self, action: Literal["attach", "detach"]) -> None:
        from co_tui.operations.capsule_attached import plan_attach, plan_detach

        capsule = self.capsule_id
        if self.client is None or capsule is None or not (assets := self.targets()):
            return
        known = self.capsule_session().attached.ids
        if action == "attach":
            plan = plan_attach(assets, known, role=self.co_app.rights.role)
        else:
            plan = plan_detach(assets, known)
        if not plan.send:
            self.co_app.say(display(plan.nothing_to_send(), max_chars=600), severity="warning",
                            timeout=8)
            return
        if not plan.needs_asking:
            self._send(action, capsule, list(plan.send), plan.skipped)
            return
        from co_tui.modals.attach_confirm import attach_confirm_screen

        def confirmed(ok: bool | None) -> None:
            if ok:
                self._send(action, capsule, list(plan.send), plan.skipped)

        self.app.push_screen(attach_confirm_screen(plan), confirmed)

    @worker("attaching or detaching", group="attach")
    async def _send(self, action: Literal["attach", "detach"], capsule: str,
                    assets: list[DataAsset], skipped: Sequence[Skipped]) -> None:
        from co_tui.operations.attach import attach_assets, detach_assets
        from co_tui.operations.capsule_attached import current_computation_id

        assert self.client is not None
        session = self.co_app.capsule
        run = current_computation_id(os.environ)  # a cloud workstation: its run, mounted now
        if action == "attach":
            outcome = await attach_assets(self.client, capsule, assets, computation_id=run)
        else:
            outcome = await detach_assets(self.client, capsule, assets, computation_id=run)
        if self.co_app.capsule is session and session.capsule_id == capsule:
            session.attached = session.attached.after(outcome)
            self._publish(action)
        done = {o.asset_id for o in outcome.succeeded}
        self._announce("attached", [a for a in assets if a.id in done])
        summary = outcome.summary()
        if skipped:
            summary += f" Skipped {len(skipped)} (not sent)."
        self.co_app.say(display(summary, multiline=True, max_chars=600),
                        severity="warning" if outcome.failed else "information", timeout=8)
