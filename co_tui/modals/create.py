"""``c``: create a data asset from an S3 bucket, a computation's results, or selected assets.

:class:`CreateScreen` is a one-column form that fits 80x24: the source (``←→`` on the first line;
"combine" is offered only when two or more assets are selected), that source's fields, then name,
mount, description and tags. Fields are checked as they are left and all at once on ``ctrl+s``,
with the problem shown under the field; a computation ID is looked up as it is typed to show the
run's name and whether it has results. The request is sent exactly once from a worker
(:func:`~co_tui.actions.create.create_data_asset_once`); on failure the dialog stays open with
everything typed. It dismisses with the new (draft) :class:`~co_tui.api.models.DataAsset`, or
``None`` on ``esc``; the calling screen follows the draft with
:func:`~co_tui.actions.create.wait_until_settled`.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import TYPE_CHECKING, ClassVar, cast

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.timer import Timer
from textual.widgets import Checkbox, Footer, Input, Static, TextArea

from co_tui.actions.create import (
    CreateNotConfirmedError,
    create_data_asset_once,
    lookup_computation,
)
from co_tui.actions.create_form import (
    CombinedPart,
    CreateForm,
    SourceKind,
    build_params,
    computation_problem,
    suggest_mount,
    validate_form,
)
from co_tui.api.errors import ApiError, NotFoundError
from co_tui.modals.filters import Choice
from co_tui.safe_text import display, join, plain

if TYPE_CHECKING:
    from co_tui.api.client import CodeOceanClient
    from co_tui.api.models import Computation, DataAsset

__all__ = ["CreateScreen"]

S3_FIELDS = (
    ("bucket", "Bucket", "bucket-name, or paste s3://bucket/prefix"),
    ("prefix", "Prefix", "folder in the bucket (empty: the whole bucket)"),
)
COMPUTATION_FIELDS = (
    ("computation_id", "Computation ID", "the run's ID"),
    ("path", "Path", "folder in /results (empty: all results)"),
)
COMMON_FIELDS = (
    ("name", "Name", "required"),
    ("mount", "Mount", "folder under /data"),
    ("description", "Description", "optional"),
    ("tags", "Tags", "comma-separated, optional"),
)
ERROR_KEYS = ("bucket", "prefix", "computation_id", "path", "parts", "name", "mount",
              "description", "tags")
PARTS_SHOWN = 6
LOOKUP_DELAY = 0.4


def _row(key: str, label: str, hint: str) -> ComposeResult:
    with Horizontal(classes="create-row -tall" if key == "description" else "create-row"):
        yield Static(Content(label), classes="create-label")
        if key == "description":  # several lines, as in the edit dialog; tab leaves it
            yield TextArea(id="create-description", compact=True, tab_behavior="focus",
                           placeholder=plain(hint))
        else:
            yield Input(placeholder=plain(hint), id=f"create-{key}")
    if key == "computation_id":  # what the lookup found, right under the ID
        yield Static(id="create-computation-info", classes="create-info")
    yield Static(id=f"create-{key}-error", classes="create-error")


class CreateScreen(ModalScreen["DataAsset | None"]):
    """The create dialog; ``selected_assets`` are the list's selection (for "combine")."""

    CSS_PATH = "../styles/share.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "create", "Create", priority=True),
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(self, client: CodeOceanClient, selected_assets: Sequence[DataAsset] = ()) -> None:
        super().__init__()
        self.client = client
        self.parts = tuple(CombinedPart.of(asset) for asset in selected_assets)
        self.touched: set[str] = set()
        self.submitted = False
        self.creating = False
        self.computation: Computation | None = None
        self._computation_for = ""
        self._lookup_timer: Timer | None = None

    # --- layout ------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        sources: list[tuple[object, str]] = [(SourceKind.S3, "S3 bucket"),
                                             (SourceKind.COMPUTATION, "computation results")]
        if len(self.parts) >= 2:
            sources.append((SourceKind.COMBINED, f"combine {len(self.parts)} selected"))
        with Vertical(id="create-dialog"):
            yield Static(Content("Create data asset"), id="create-title")
            with VerticalScroll(id="create-form"):
                yield Choice("Source", sources, SourceKind.S3, id="create-source")
                with Vertical(id="create-s3", classes="create-section"):
                    for key, label, hint in S3_FIELDS:
                        yield from _row(key, label, hint)
                    yield Checkbox("Keep on external storage (do not copy into Code Ocean)",
                                   id="create-keep")
                    yield Checkbox("Public bucket (read without credentials)", id="create-public")
                with Vertical(id="create-computation", classes="create-section"):
                    for key, label, hint in COMPUTATION_FIELDS:
                        yield from _row(key, label, hint)
                with Vertical(id="create-combined", classes="create-section"):
                    yield Static(self._parts_content(), id="create-parts")
                    yield Static(id="create-parts-error", classes="create-error")
                with Vertical(id="create-common"):
                    for key, label, hint in COMMON_FIELDS:
                        yield from _row(key, label, hint)
            yield Static(id="create-status")
            yield Static(Content("←→ source  tab / enter next field  ctrl+s create  esc cancel"),
                         id="create-hint")
        yield Footer()

    def on_mount(self) -> None:
        self._show_source(SourceKind.S3)
        self.query_one("#create-source", Choice).focus()

    def _parts_content(self) -> Content:
        lines: list[Content] = [Content.styled("Combine these assets (each keeps its mount):",
                                               "bold")]
        for part in self.parts[:PARTS_SHOWN]:
            state = "" if part.state == "ready" else f"  ({part.state})"
            lines.append(join("\n  ", display(part.name, max_cells=48), "  →  /data/",
                              display(part.mount, max_cells=30), state))
        if len(self.parts) > PARTS_SHOWN:
            lines.append(Content(f"\n  … and {len(self.parts) - PARTS_SHOWN} more"))
        return join(*lines)

    def _show_source(self, source: SourceKind) -> None:
        for kind, section in ((SourceKind.S3, "#create-s3"),
                              (SourceKind.COMPUTATION, "#create-computation"),
                              (SourceKind.COMBINED, "#create-combined")):
            self.query_one(section).display = kind is source

    # --- reading the form --------------------------------------------------------------------

    def _value(self, key: str) -> str:
        if key == "description":
            return self.query_one("#create-description", TextArea).text
        return self.query_one(f"#create-{key}", Input).value

    def form(self) -> CreateForm:
        """The form as filled in now."""
        return CreateForm(
            source=SourceKind(str(self.query_one("#create-source", Choice).value)),
            name=self._value("name"),
            description=self._value("description"),
            mount=self._value("mount"),
            tags=self._value("tags"),
            bucket=self._value("bucket"),
            prefix=self._value("prefix"),
            keep_on_external_storage=self.query_one("#create-keep", Checkbox).value,
            public=self.query_one("#create-public", Checkbox).value,
            computation_id=self._value("computation_id"),
            path=self._value("path"),
            parts=self.parts,
        )

    def _show_errors(self, errors: dict[str, str]) -> None:
        """Show each problem under its field: every one after a create attempt, else only for
        fields the user has already left."""
        for key in ERROR_KEYS:
            message = errors.get(key, "")
            if not (self.submitted or key in self.touched or key == "parts"):
                message = ""
            widget = self.query_one(f"#create-{key}-error", Static)
            widget.update(display(message) if message else Content(""))
            widget.set_class(bool(message), "-shown")

    def _revalidate(self) -> dict[str, str]:
        errors = validate_form(self.form())
        problem = self._computation_problem()
        if problem and "computation_id" not in errors:
            errors["computation_id"] = problem
        self._show_errors(errors)
        return errors

    def _computation_problem(self) -> str | None:
        if self.form().source is not SourceKind.COMPUTATION or self.computation is None:
            return None
        if self._computation_for != self._value("computation_id").strip():
            return None
        return computation_problem(self.computation)

    def _set_status(self, message: str, *, error: bool = False) -> None:
        status = self.query_one("#create-status", Static)
        status.set_class(error, "-error")
        status.update(display(message, multiline=True, max_chars=500))

    # --- events ------------------------------------------------------------------------------

    def on_choice_changed(self, event: Choice.Changed) -> None:
        """Another source: show its fields."""
        if event.choice.id == "create-source":
            self._show_source(SourceKind(str(event.choice.value)))
            self._revalidate()

    def on_input_changed(self, event: Input.Changed) -> None:
        """Re-check a field already visited; suggest a mount; look up a computation ID."""
        key = (event.input.id or "").removeprefix("create-")
        if key == "name":
            self.query_one("#create-mount", Input).placeholder = plain(
                suggest_mount(event.value) or "folder under /data"
            )
        if key == "computation_id":
            if self._lookup_timer is not None:
                self._lookup_timer.stop()
            self._lookup_timer = self.set_timer(LOOKUP_DELAY, self._lookup)
        if key in self.touched or self.submitted:
            self._revalidate()

    @on(TextArea.Changed, "#create-description")
    def _description_changed(self) -> None:
        """The description is checked as it is typed (length, control characters)."""
        self.touched.add("description")
        self._revalidate()

    def on_input_blurred(self, event: Input.Blurred) -> None:
        """A field was left: from now on its problems are shown."""
        key = (event.input.id or "").removeprefix("create-")
        if event.input.value.strip():
            self.touched.add(key)
            self._revalidate()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """``enter`` moves to the next field; on the last one it creates."""
        event.stop()
        if event.input.id == "create-tags":
            self.action_create()
        else:
            self.focus_next()

    @work(exclusive=True, exit_on_error=False, group="create-lookup")
    async def _lookup(self) -> None:
        """Show the typed computation's name and state (or why it cannot be used)."""
        info = self.query_one("#create-computation-info", Static)
        typed = self._value("computation_id").strip()
        if not typed:
            info.update(Content(""))
            return
        info.update(Content.styled("Looking up the computation…", "dim"))
        message = await self._fetch_computation(typed)
        if self.computation is not None and self._computation_for == typed:
            when = time.strftime("%Y-%m-%d", time.gmtime(self.computation.created))
            summary = join(display(self.computation.name or typed, max_cells=50),
                           f"  ·  {self.computation.state or 'unknown state'}  ·  {when}")
            info.update(summary)
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

    # --- creating ----------------------------------------------------------------------------

    def action_create(self) -> None:
        """Check every field, then create (in a worker)."""
        if self.creating:
            return
        self.submitted = True
        errors = self._revalidate()
        if errors:
            self._set_status("Fix the fields marked below.", error=True)
            self._focus_first(errors)
            return
        self._create()

    def _focus_first(self, errors: dict[str, str]) -> None:
        for key in ERROR_KEYS:
            if key in errors and key != "parts":
                self.query_one(f"#create-{key}", Input).focus()
                return

    @work(exclusive=True, exit_on_error=False, group="create")
    async def _create(self) -> None:
        """Send the create request once; dismiss with the draft, or keep the form and say why."""
        from co_tui.report import describe_error

        form = self.form()
        self.creating = True
        try:
            if form.source is SourceKind.COMPUTATION:
                typed = form.computation_id.strip()
                if self.computation is None or self._computation_for != typed:
                    self._set_status("Looking up the computation…")
                    problem = await self._fetch_computation(typed)
                else:
                    problem = computation_problem(self.computation)
                if problem:
                    self._show_errors({**validate_form(form), "computation_id": problem})
                    self._set_status("Fix the fields marked below.", error=True)
                    return
            self._set_status("Creating…")
            try:
                result = await create_data_asset_once(  # a lost answer: search, which lags
                    self.client, build_params(form), journal=getattr(self.app, "journal", None),
                    on_wait=self._set_status)
            except CreateNotConfirmedError as unknown:
                self._set_status(str(unknown), error=True)
                return
            except ApiError as error:
                _, message = describe_error(error, "creating the data asset")
                self._set_status(message + " Everything you typed is kept.", error=True)
                return
        finally:
            self.creating = False
        if result.recovered:
            self.app.notify(cast(str, display(
                "The server's answer was lost, but the new asset was found: it was created once."
            )), severity="warning")
        self.dismiss(result.asset)

    def action_cancel(self) -> None:
        """Close without creating anything (not while the request is on its way)."""
        if self.creating:
            self._set_status("Creating… wait for the server's answer before closing.")
            return
        self.dismiss(None)
