"""The create dialog's "computation results" source: the run it captures, typed or picked.

:class:`ComputationFields` is the base of :class:`~co_tui.modals.create_asset.CreateScreen` that
knows about the run: the computation ID field is looked up as it is typed (its name, state and
date shown under it, or why it cannot be captured), and the button above it opens the run picker
(:class:`~co_tui.modals.create_runs.RunPickerScreen`), starting at the capsule co-tui runs in
(``CO_CAPSULE_ID``). A picked run fills the ID and the path fields; typing an ID by hand keeps
working for those who have one.
"""

from __future__ import annotations

import os
import time
from typing import TYPE_CHECKING

from textual import on
from textual.content import Content
from textual.timer import Timer
from textual.widgets import Button, Input, Static

from co_tui.api.errors import ApiError, NotFoundError
from co_tui.modals.create_layout import field_value
from co_tui.modals.dialog import Dialog
from co_tui.operations.attach import current_capsule_id
from co_tui.operations.create_form import computation_problem
from co_tui.operations.create_once import lookup_computation
from co_tui.operations.create_runs import RunChoice, capture_label
from co_tui.safe_text import display, join, plain
from co_tui.workers import worker

if TYPE_CHECKING:
    from co_tui.api.client import CodeOceanClient
    from co_tui.api.models import Computation, DataAsset  # noqa: F401 - DataAsset: in a quoted type argument

__all__ = ["LOOKUP_DELAY", "ComputationFields"]

LOOKUP_DELAY = 0.4


class ComputationFields(Dialog["DataAsset | None"]):
    """The run-related half of the create dialog (see the module docstring)."""

    client: CodeOceanClient

    def __init__(self) -> None:
        super().__init__()
        self.computation: Computation | None = None
        self._computation_for = ""
        self._lookup_timer: Timer | None = None

    def _revalidate(self) -> dict[str, str]:
        """Check the whole form and show its problems (the dialog defines it)."""
        raise NotImplementedError

    def _computation_problem(self) -> str | None:
        """Why the run in the ID field cannot be captured, once it has been looked up."""
        if self.computation is None:
            return None
        if self._computation_for != field_value(self, "computation_id").strip():
            return None
        return computation_problem(self.computation)

    # --- picking a run -----------------------------------------------------------------------

    @on(Button.Pressed, "#create-pick-run")
    def _pick_run(self, event: Button.Pressed) -> None:
        """Open the run picker at the capsule co-tui runs in (if any)."""
        from co_tui.modals.create_runs import RunPickerScreen

        event.stop()
        self.app.push_screen(RunPickerScreen(self.client, current_capsule_id(os.environ)),
                             self._use_run)

    def _use_run(self, choice: RunChoice | None) -> None:
        """Fill the ID and path fields from a picked run, then move on to the name."""
        if choice is None:
            return
        run = choice.computation
        self.computation, self._computation_for = run, run.id
        if self._lookup_timer is not None:
            self._lookup_timer.stop()
        self.query_one("#create-computation_id", Input).value = plain(run.id)
        self.query_one("#create-path", Input).value = plain(choice.path)
        self._show_run(run, choice.path)
        self._revalidate()
        name = self.query_one("#create-name", Input)
        name.focus()

    def _show_run(self, run: Computation, path: str | None = None) -> None:
        """The run's name, state and date under the ID (and what is captured, when picked)."""
        when = time.strftime("%Y-%m-%d", time.gmtime(run.created))
        parts: list[Content | str] = [display(run.name or run.id, max_cells=50),
                                      f"  ·  {run.state or 'unknown state'}  ·  {when}"]
        if path is not None:
            parts.append(join("  ·  captures ", display(capture_label(path), max_cells=60)))
        self.query_one("#create-computation-info", Static).update(join(*parts))

    # --- looking up a typed ID ---------------------------------------------------------------

    def _id_typed(self, value: str) -> None:
        """The ID field changed: look it up after a pause (not when a pick just filled it)."""
        if self._lookup_timer is not None:
            self._lookup_timer.stop()
        if self.computation is not None and value.strip() == self._computation_for:
            return
        self._lookup_timer = self.set_timer(LOOKUP_DELAY, self._lookup)

    def _lookup_raised(self, error: BaseException) -> None:
        self.computation = None
        self.query_one("#create-computation-info", Static).update(
            Content("could not look it up (an unexpected error)"))
        self._revalidate()

    @worker("looking up the computation", group="create-lookup", exclusive=True,
            recover=_lookup_raised)
    async def _lookup(self) -> None:
        """Show the typed computation's name and state (or why it cannot be used)."""
        info = self.query_one("#create-computation-info", Static)
        typed = field_value(self, "computation_id").strip()
        if not typed:
            info.update(Content(""))
            return
        info.update(Content.styled("Looking up the computation…", "dim"))
        message = await self._fetch_computation(typed)
        if self.computation is not None and self._computation_for == typed:
            self._show_run(self.computation)
        else:
            info.update(display(message or "", max_cells=80))
        self._revalidate()

    async def _fetch_computation(self, typed: str) -> str | None:
        """Look ``typed`` up; keeps the result in ``self.computation``; returns a problem."""
        try:
            computation = await lookup_computation(self.client, typed)
        except ValueError as problem:
            self.computation = None
            return str(problem)
        except NotFoundError:
            self.computation = None
            return "no computation with this ID is visible to you"
        except ApiError as error:
            self.computation = None
            return f"could not look it up: {error.message}"
        self.computation, self._computation_for = computation, typed
        return computation_problem(computation)
