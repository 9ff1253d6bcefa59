"""``c``: create a data asset from an S3 bucket, a computation's results, or selected assets.

:class:`CreateScreen` is a one-column form that fits 80x24: the source (``←→`` on the first line;
"combine" is offered only when two or more *external* assets are selected, and a line under it
says why other selected assets are left out), that source's fields (an S3 bucket with an optional
custom endpoint; a computation's results, optionally written to an S3 bucket as an external
result), then name, mount, description, tags and the deployment's custom-metadata fields
(required ones marked ``*``; loaded from ``GET /custom_metadata`` unless given). Fields are
checked as they are left and all at once on ``ctrl+s``, the way the edit dialog checks them, with
the problem shown under the field; a computation ID is looked up as it is typed to show the
run's name and whether it has results, or the run is picked from a capsule's recent runs and
their result files (:mod:`co_tui.modals.create_computation`, :mod:`co_tui.modals.create_runs`). The
request is sent exactly once from a worker
(:func:`~co_tui.operations.create_once.create_data_asset_once`); on failure the dialog stays open
with everything typed. It dismisses with the new (draft) :class:`~co_tui.api.models.DataAsset`, or
``None`` on ``esc``; the calling screen follows the draft with
:func:`~co_tui.operations.create_once.wait_until_settled`.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import PurePath
from typing import TYPE_CHECKING, ClassVar, cast

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.widget import Widget
from textual.widgets import Checkbox, Input, Select, Static, TextArea

from co_tui.api.errors import ApiError
from co_tui.modals.create_computation import ComputationFields
from co_tui.modals.create_layout import (
    ERROR_KEYS,
    custom_row,
    form_fields,
    read_form,
    widget_suffix,
)
from co_tui.operations.create_form import (
    CreateForm,
    SourceKind,
    build_params,
    combinable,
    computation_problem,
    suggest_mount,
    validate_form,
)
from co_tui.operations.create_once import CreateNotConfirmedError, create_data_asset_once
from co_tui.operations.metadata import custom_key
from co_tui.safe_text import display, plain
from co_tui.widgets.choice import Choice
from co_tui.widgets.custom_fields import CustomField
from co_tui.widgets.footer import KeyFooter
from co_tui.workers import worker

if TYPE_CHECKING:
    from co_tui.api.client import CodeOceanClient
    from co_tui.api.models import CustomMetadata, DataAsset

__all__ = ["CreateScreen"]


class CreateScreen(ComputationFields):
    """The create dialog; ``selected_assets`` are the list's selection (for "combine").
    ``schema`` is the deployment's custom metadata; when ``None`` it is fetched here (and the
    asset is created without custom metadata if that fails)."""

    CSS_PATH: ClassVar[list[str | PurePath]] = ["../styles/share.tcss",
                                                "../styles/create_runs.tcss"]
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "create", "Create", priority=True),
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(
        self,
        client: CodeOceanClient,
        selected_assets: Sequence[DataAsset] = (),
        schema: CustomMetadata | None = None,
    ) -> None:
        super().__init__()
        self.client = client
        self.combine = combinable(selected_assets)
        self.parts = self.combine.parts
        self.schema = schema
        self.schema_loading = schema is None
        self.touched: set[str] = set()
        self.submitted = False
        self.creating = False
        self._custom_fields: dict[str, CustomField] = {}

    @property
    def custom_names(self) -> list[str]:
        """The schema's field names, in the order of their rows."""
        return [spec.name for spec in (self.schema.fields or [])] if self.schema else []

    # --- layout ------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Vertical(id="create-dialog"):
            yield Static(Content("Create data asset"), id="create-title")
            yield from form_fields(self.combine)
            yield Static(id="create-status")
            yield Static(Content("←→ source  tab / enter next field  ctrl+s create  esc cancel"),
                         id="create-hint")
        yield KeyFooter()

    async def on_mount(self) -> None:
        self._show_source(SourceKind.S3)
        self.query_one("#create-target").display = False
        self.query_one("#create-source", Choice).focus()
        if self.schema_loading:
            await self.query_one("#create-custom", Vertical).mount(
                Static(Content("Loading the custom metadata fields…"), classes="create-note"))
            self._load_schema()
        else:
            await self._mount_custom_fields()

    async def _schema_raised(self, error: BaseException) -> None:
        """Loading the schema failed unexpectedly: say so; the form works without it."""
        box = self.query_one("#create-custom", Vertical)
        await box.remove_children()
        await box.mount(Static(Content(
            "The custom metadata fields could not be loaded (an unexpected error): the asset is "
            "created without custom metadata."), classes="create-note"))

    @worker("loading the custom metadata fields", group="create-schema", exclusive=True,
            recover=_schema_raised)
    async def _load_schema(self) -> None:
        """Fetch the deployment's custom-metadata fields and add them to the form."""
        box = self.query_one("#create-custom", Vertical)
        try:
            schema = await self.client.custom_metadata.get_custom_metadata()
        except ApiError as exc:
            await box.remove_children()
            await box.mount(Static(display(
                f"The custom metadata fields could not be loaded ({exc.message}): the asset is "
                "created without custom metadata.", max_cells=1000), classes="create-note"))
            return
        finally:
            self.schema_loading = False
        self.schema = schema
        await box.remove_children()
        await self._mount_custom_fields()

    async def _mount_custom_fields(self) -> None:
        rows: list[Widget] = []
        fields: dict[str, CustomField] = {}
        for index, spec in enumerate((self.schema.fields or []) if self.schema else []):
            fields[spec.name], widgets = custom_row(spec, index)
            rows += widgets
        if not rows:
            rows.append(Static(Content("This deployment has no custom metadata fields."),
                               classes="create-note"))
        await self.query_one("#create-custom", Vertical).mount_all(rows)
        self._custom_fields = fields  # only now: checks look their rows up
        if self.submitted or self.touched:
            self._revalidate()

    def _show_source(self, source: SourceKind) -> None:
        for kind, section in ((SourceKind.S3, "#create-s3"),
                              (SourceKind.COMPUTATION, "#create-computation"),
                              (SourceKind.COMBINED, "#create-combined")):
            self.query_one(section).display = kind is source

    # --- reading the form --------------------------------------------------------------------

    def form(self) -> CreateForm:
        """The form as filled in now."""
        return read_form(self, self.parts, self._custom_fields)

    def _show_errors(self, errors: dict[str, str]) -> None:
        """Show each problem under its field: every one after a create attempt, else only for
        fields the user has already left."""
        for key in self._keys():
            message = errors.get(key, "")
            if not (self.submitted or key in self.touched or key == "parts"):
                message = ""
            widget = self.query_one(f"#create-{widget_suffix(key, self.custom_names)}-error",
                                    Static)
            widget.update(display(message) if message else Content(""))
            widget.set_class(bool(message), "-shown")

    def _keys(self) -> list[str]:
        """Every field's key, in form order."""
        return [*ERROR_KEYS, *(custom_key(name) for name in self._custom_fields)]

    def _key_of(self, widget: Widget) -> str:
        """The form key of a field's widget."""
        suffix = (widget.id or "").removeprefix("create-")
        if suffix.startswith("custom-"):
            return custom_key(self.custom_names[int(suffix.removeprefix("custom-"))])
        return suffix

    def _revalidate(self) -> dict[str, str]:
        errors = validate_form(self.form(), self.schema)
        problem = (self._computation_problem()
                   if self.form().source is SourceKind.COMPUTATION else None)
        if problem and "computation_id" not in errors:
            errors["computation_id"] = problem
        self._show_errors(errors)
        return errors

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

    @on(Checkbox.Changed, "#create-external_result")
    def _external_result_changed(self, event: Checkbox.Changed) -> None:
        """An external result: show where it goes."""
        self.query_one("#create-target").display = event.value
        self._revalidate()

    def on_select_changed(self, event: Select.Changed) -> None:
        """A custom-metadata value was picked: check it."""
        self.touched.add(self._key_of(event.select))
        self._revalidate()

    def on_input_changed(self, event: Input.Changed) -> None:
        """Re-check a field already visited; suggest a mount; look up a computation ID."""
        key = self._key_of(event.input)
        if key == "name":
            self.query_one("#create-mount", Input).placeholder = plain(
                suggest_mount(event.value) or "folder under /data"
            )
        if key == "computation_id":
            self._id_typed(event.value)
        if key in self.touched or self.submitted:
            self._revalidate()

    @on(TextArea.Changed, "#create-description")
    def _description_changed(self) -> None:
        """The description is checked as it is typed (length, control characters)."""
        self.touched.add("description")
        self._revalidate()

    def on_input_blurred(self, event: Input.Blurred) -> None:
        """A field was left: from now on its problems are shown."""
        key = self._key_of(event.input)
        if event.input.value.strip():
            self.touched.add(key)
            self._revalidate()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """``enter`` moves to the next field; on the last one it creates."""
        event.stop()
        inputs = [widget for widget in self._custom_fields.values() if isinstance(widget, Input)]
        if event.input is (inputs[-1] if inputs else self.query_one("#create-tags", Input)):
            self.action_create()
        else:
            self.focus_next()

    # --- creating ----------------------------------------------------------------------------

    def action_create(self) -> None:
        """Check every field, then create (in a worker)."""
        if self.creating:
            return
        if self.schema_loading:
            self._set_status("The custom metadata fields are still loading: try again in a "
                             "moment.")
            return
        self.submitted = True
        errors = self._revalidate()
        if errors:
            self._set_status("Fix the fields marked below.", error=True)
            self._focus_first(errors)
            return
        self._create()

    def _focus_first(self, errors: dict[str, str]) -> None:
        for key in self._keys():
            if key in errors and key != "parts":
                self.query_one(f"#create-{widget_suffix(key, self.custom_names)}").focus()
                return

    def _create_raised(self, error: BaseException) -> None:
        """Creating failed in a way nobody foresaw; the request may have gone out."""
        from co_tui.report import describe_error

        _, message = describe_error(error, "creating the data asset")
        self._set_status(message + " The asset may have been created: look in My Data before "
                         "creating it again. Everything you typed is kept.", error=True)

    @worker("creating the data asset", group="create", exclusive=True, recover=_create_raised)
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
                    self._show_errors({**validate_form(form, self.schema),
                                       "computation_id": problem})
                    self._set_status("Fix the fields marked below.", error=True)
                    return
            self._set_status("Creating…")
            try:
                result = await create_data_asset_once(  # a lost answer: search, which lags
                    self.client, build_params(form, self.schema),
                    journal=getattr(self.app, "journal", None), on_wait=self._set_status)
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
