"""``e``: edit an asset's name, description, mount, tags and custom metadata.

The form checks every field as the user types (errors under the field; all of them on a save
attempt) and sends nothing while any is wrong. ``ctrl+s`` saves in a worker through
:func:`co_tui.operations.metadata.save_metadata`: on any failure the dialog stays open with the
input as typed and the error shown in it; when someone else changed the asset since the dialog
opened, the conflict view shows both versions of each such field and lets the user keep theirs
or mine per field (or overwrite all). ``esc`` cancels, asking first when something was typed.
Saving names the fields it changes (``Saving name, description…``); a field left alone is not
changed. Dismisses with the saved :class:`~co_tui.api.models.DataAsset` (``saved_fields`` then
lists the fields the save changed), or ``None`` when cancelled.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.reactive import reactive
from textual.suggester import SuggestFromList
from textual.widget import Widget
from textual.widgets import Button, Input, Label, Select, Static, TextArea

from co_tui.api.errors import ApiError
from co_tui.api.models import CustomMetadata, DataAsset
from co_tui.edit_buffer import decode, has_placeholders
from co_tui.modals.confirm import ConfirmScreen
from co_tui.modals.dialog import Dialog
from co_tui.modals.edit_conflict import ConflictView
from co_tui.modals.edit_form import fill_form, read_form
from co_tui.operations.field_values import format_custom, tag_error
from co_tui.operations.metadata import (
    AssetValues,
    Conflict,
    MetadataForm,
    Saved,
    Side,
    changed_fields,
    check_form,
    custom_key,
    field_labels,
    save_metadata,
)
from co_tui.safe_text import display, is_safe, join
from co_tui.widgets.choice import Choice
from co_tui.widgets.custom_fields import CustomField, custom_field, custom_label
from co_tui.widgets.edit_fields import EditInput, EditTextArea
from co_tui.widgets.tag_chips import Chip, TagChips, TagInput
from co_tui.workers import log_failure, worker

if TYPE_CHECKING:
    from co_tui.api.client import CodeOceanClient

__all__ = ["EditMetadataScreen"]

class EditMetadataScreen(Dialog["DataAsset | None"]):
    """The edit dialog for one asset. ``schema`` is the deployment's custom-metadata schema;
    when ``None`` it is fetched here (and custom metadata is kept as is if that fails)."""

    CSS_PATH = "../styles/edit.tcss"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save", priority=True),
        Binding("escape", "cancel", "Cancel"),
        Binding("ctrl+o", "overwrite", "Overwrite all", priority=True),
    ]

    saving: reactive[bool] = reactive(False)

    def __init__(
        self,
        client: CodeOceanClient,
        asset: DataAsset,
        schema: CustomMetadata | None,
        *,
        known_tags: Iterable[str] = (),
    ) -> None:
        super().__init__()
        self.client = client
        self.asset = asset
        self.schema = schema
        self.base = AssetValues.of(asset)
        """The values the save compares the server with (the snapshot taken at open)."""
        self.known_tags = sorted({t for t in known_tags if is_safe(t)}, key=str.casefold)
        self.conflict: Conflict | None = None
        self.attempted = False
        self.initial = MetadataForm.of(self.base, schema)
        """The form as opened: closing asks first when it differs from this."""
        self.base_form = self.initial
        """``base`` as form text: what an untouched field shows."""
        self._shown_errors: dict[str, str] = {}
        # Widgets by field key, kept so that checking on every keystroke walks no DOM.
        self._error_lines: dict[str, Static] = {}
        self._custom_fields: dict[str, CustomField] = {}
        self.saved_fields: tuple[str, ...] = ()
        self.refused = False
        """The server answered 403 to a save (the screen greys edit out for this asset)."""
        """After a save: keys of the fields it changed on the server (empty: nothing differed)."""

    def shown_assets(self) -> dict[str, str]:
        """The asset being edited (the dialog closes if the server says it is gone)."""
        return {self.asset.id: self.asset.name}

    @property
    def custom_names(self) -> list[str]:
        """Schema field names, in the order of their rows (``custom-<index>`` ids)."""
        return [spec.name for spec in (self.schema.fields or [])] if self.schema else []

    # --- building the form --------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        form = self.initial
        with Vertical(id="edit-dialog"):
            yield Static(join("Edit metadata — ", display(self.asset.name, max_cells=60)),
                         id="edit-title")
            with VerticalScroll(id="edit-form"):
                yield from self._row("Name", EditInput(form.name, id="edit-name",
                                                       compact=True), "name")
                yield from self._row("Description", EditTextArea(form.description,
                                                                 id="edit-description",
                                                                 compact=True), "description")
                yield from self._row("Mount", EditInput(form.mount, id="edit-mount",
                                                        compact=True), "mount")
                with Horizontal(classes="edit-row"):
                    yield Label(Content("Tags"), classes="edit-label")
                    with Vertical(classes="edit-field", id="edit-tags-field"):
                        yield TagChips([Chip(tag) for tag in self.base.tags], id="edit-tags")
                        yield TagInput(placeholder="add a tag (enter)", id="edit-tag-input",
                                       compact=True,
                                       suggester=SuggestFromList(self.known_tags,
                                                                 case_sensitive=False))
                yield self._error_line("tags")
                yield Static(Content("Custom metadata"), classes="edit-heading")
                yield Vertical(id="edit-custom")
            yield Static(Content.assemble(
                ("␛ ␉ ⇄ ⍰", "bold"),
                " stand for invisible control characters the server's text holds; "
                "they are kept as they are. Deleting a symbol removes that character."),
                id="edit-legend")
            yield ConflictView(id="edit-conflict")
            yield Static(Content(""), id="edit-status")
            with Horizontal(id="edit-buttons"):
                yield Button(Content("Save (ctrl+s)"), id="edit-save", variant="primary",
                             compact=True)
                yield Button(Content("Cancel (esc)"), id="edit-cancel", compact=True)

    def _row(self, label: str, field: Widget, key: str) -> ComposeResult:
        with Horizontal(classes="edit-row"):
            yield Label(Content(label), classes="edit-label")
            field.add_class("edit-field")
            yield field
        yield self._error_line(key)

    def _error_line(self, key: str, id: str | None = None) -> Static:
        line = Static(Content(""), id=id or f"error-{key}", classes="edit-error")
        self._error_lines[key] = line
        return line

    async def on_mount(self) -> None:
        self.query_one("#edit-conflict").display = False
        self.query_one("#edit-name", Input).focus()
        if self.schema is None:
            self._load_schema()
        else:
            await self._mount_custom_fields()
        self._show_legend()

    async def _schema_raised(self, error: BaseException) -> None:
        box = self.query_one("#edit-custom", Vertical)
        await box.remove_children()
        await box.mount(Static(Content("The custom metadata fields could not be loaded (an "
                                       "unexpected error); custom metadata is kept as it is."),
                               classes="note"))

    @worker("loading the custom metadata fields", group="edit-schema", exclusive=True,
            recover=_schema_raised)
    async def _load_schema(self) -> None:
        box = self.query_one("#edit-custom", Vertical)
        await box.mount(Static(Content("Loading the custom metadata fields…"), classes="note"))
        try:
            schema = await self.client.custom_metadata.get_custom_metadata()
        except ApiError as exc:
            await box.remove_children()
            await box.mount(Static(display(
                f"The custom metadata fields could not be loaded ({exc.message}); custom "
                "metadata is kept as it is.", max_cells=1000), classes="note"))
            return
        self.schema = schema
        self.initial.custom = MetadataForm.of(self.base, schema).custom
        self.base_form = MetadataForm.of(self.base, schema)
        await box.remove_children()
        await self._mount_custom_fields()
        self._show_legend()

    async def _mount_custom_fields(self) -> None:
        box = self.query_one("#edit-custom", Vertical)
        specs = (self.schema.fields or []) if self.schema else []
        rows: list[Widget] = []
        for index, spec in enumerate(specs):
            field = custom_field(spec, self.initial.custom.get(spec.name, ""), f"custom-{index}")
            field.add_class("edit-field")
            self._custom_fields[spec.name] = field
            label = Label(custom_label(spec, max_cells=13), classes="edit-label")
            rows += [Horizontal(label, field, classes="edit-row"),
                     self._error_line(custom_key(spec.name), f"error-custom-{index}")]
        names = set(self.custom_names)
        extras = {k: v for k, v in self.base.custom.items() if k not in names}
        if extras:
            kept = ", ".join(f"{k}: {format_custom(v, None)}" for k, v in extras.items())
            rows.append(Static(display(f"Kept as is: {kept}", max_cells=1000), classes="note"))
        if not rows:
            rows.append(Static(Content("No custom metadata fields."), classes="note"))
        await box.mount_all(rows)

    # --- reading and checking -----------------------------------------------------------------

    def read_form(self) -> MetadataForm:
        """The form as the widgets hold it now, as the text to send: the edit fields give back
        every character of the server's value the user did not delete."""
        return read_form(self, self._custom_fields)

    @property
    def dirty(self) -> bool:
        """True when the form differs from what the dialog opened with."""
        return self.read_form() != self.initial

    def _show_errors(self, errors: dict[str, str], *, touched_only: bool) -> None:
        form, initial = self.read_form(), self.initial
        for key in ["name", "description", "mount", "tags", *map(custom_key, self.custom_names)]:
            if key.startswith("custom:"):
                touched = form.custom.get(key[7:]) != initial.custom.get(key[7:])
            else:
                touched = getattr(form, key) != getattr(initial, key)
            shown = errors.get(key, "") if touched or not touched_only else ""
            if self._shown_errors.get(key, "") == shown:
                continue  # unchanged: no repaint, so typing stays cheap
            self._shown_errors[key] = shown
            if (line := self._error_lines.get(key)) is not None:
                line.update(display(shown, max_cells=200, style="$error"))
                line.set_class(bool(shown), "-shown")

    def _check(self) -> None:
        check = check_form(self.read_form(), self.base, self.schema)
        self._show_errors(check.errors, touched_only=not self.attempted)
        self._show_legend()

    def _show_legend(self) -> None:
        """Explain the placeholder symbols while any field shows one."""
        texts = [self.query_one("#edit-description", EditTextArea).text,
                 *(widget.value for widget in self.query(EditInput))]
        self.query_one("#edit-legend").set_class(any(map(has_placeholders, texts)), "-shown")

    def on_input_changed(self, event: Input.Changed) -> None:
        """Check the form as the user types."""
        if event.input.id != "edit-tag-input":
            self._check()

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        """Check the description as the user types."""
        self._check()

    def on_select_changed(self, event: Select.Changed) -> None:
        """Check a chosen value."""
        self._check()

    def on_tag_chips_changed(self, event: TagChips.Changed) -> None:
        """Check the tags after a chip was added or removed."""
        self._check()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter adds a typed tag; in other fields it moves to the next field."""
        event.stop()
        if event.input.id != "edit-tag-input":
            self.focus_next()
            return
        text = decode(event.value).strip()
        problem = tag_error(text) if text else None
        chips = self.query_one("#edit-tags", TagChips)
        if problem is None and text and not chips.add(text):
            problem = "already there"
        error = self._error_lines["tags"]
        self._shown_errors["tags"] = problem or ""
        error.update(display(problem or "", style="$error"))
        error.set_class(bool(problem), "-shown")
        if text and problem is None:
            event.input.value = ""

    # --- saving -------------------------------------------------------------------------------

    def _status(self, message: str, style: str = "") -> None:
        self.query_one("#edit-status", Static).update(
            display(message, max_cells=1000, style=style))

    def watch_saving(self, saving: bool) -> None:
        self.query_one("#edit-save", Button).disabled = saving

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "overwrite":
            return self.conflict is not None
        return True

    def on_button_pressed(self, event: Button.Pressed) -> None:
        """Save or cancel."""
        event.stop()
        if event.button.id == "edit-save":
            self.action_save()
        else:
            self.action_cancel()

    def action_save(self) -> None:
        """Check the form and save it (or save the choices made in the conflict view)."""
        if self.saving:
            return
        if self.conflict is not None:
            self._resolve(self.query_one(ConflictView).choices(self.conflict))
            return
        self.attempted = True
        check = check_form(self.read_form(), self.base, self.schema)
        self._show_errors(check.errors, touched_only=False)
        if check.values is None:
            self._status("Not saved: fix the marked fields.", "$error")
            return
        self._start_save(check.values)

    def action_overwrite(self) -> None:
        """Conflict view: keep every field as I typed it."""
        if self.conflict is not None and not self.saving:
            self._resolve({f.key: "mine" for f in self.conflict.fields})

    def _resolve(self, choices: dict[str, Side]) -> None:
        assert self.conflict is not None
        conflict, self.conflict = self.conflict, None
        resolved = conflict.resolve(choices)
        # The server's version is now the one the user has seen and decided about.
        self.base, self.asset = conflict.theirs, conflict.current
        self.base_form = MetadataForm.of(self.base, self.schema)
        self._fill(resolved)
        self._show_form()
        self._start_save(resolved)

    def _fill(self, values: AssetValues) -> None:
        """Show ``values`` in the form (after a conflict was resolved)."""
        fill_form(self, values, self.schema, self._custom_fields)

    def _start_save(self, mine: AssetValues) -> None:
        # Marked before the worker starts: a second ctrl+s must not start an exclusive worker,
        # which would cancel a PUT in flight and leave its outcome unknown.
        self.saving = True
        changed = changed_fields(self.base, mine)
        self._status(f"Saving {field_labels(changed)}…" if changed else
                     "No field was changed: checking the server…")
        self._save(mine)

    @worker("saving the metadata", group="edit-save", exclusive=True)
    async def _save(self, mine: AssetValues) -> None:
        try:
            result = await save_metadata(self.client, self.asset.id, self.base, mine)
        except Exception as exc:  # whatever happens, the dialog and the input stay
            from co_tui.report import describe_error

            log_failure(exc, "saving the metadata")
            _, message = describe_error(exc, "saving the metadata")
            self._status(f"{message} Your edits are kept; ctrl+s tries again.", "$error")
            return
        finally:
            self.saving = False
        if isinstance(result, Saved):
            self.saved_fields = result.fields
            self.dismiss(result.asset)
        elif isinstance(result, Conflict):
            await self._show_conflict(result)
        else:
            from co_tui.api.errors import PermissionDeniedError

            self.refused = self.refused or isinstance(result.error, PermissionDeniedError)
            self._status(result.message, "$error" if result.outcome == "not_saved" else "$warning")

    # --- the conflict view (co_tui.modals.edit_conflict) --------------------------------------

    async def _show_conflict(self, conflict: Conflict) -> None:
        self.conflict = conflict
        await self.query_one(ConflictView).show_fields(conflict, self.schema)
        self.query_one("#edit-form").display = False
        self.query_one("#edit-conflict").display = True
        self._status(f"{len(conflict.fields)} field(s) changed by someone else. Nothing was "
                     "saved yet.", "$warning")
        self.query_one("#conflict-0", Choice).focus()

    def _show_form(self) -> None:
        self.conflict = None
        self.query_one("#edit-conflict").display = False
        self.query_one("#edit-form").display = True
        self.query_one("#edit-name", Input).focus()

    # --- leaving ------------------------------------------------------------------------------

    def action_cancel(self) -> None:
        """Back from the conflict view; otherwise close, asking first if something was typed."""
        if self.saving:
            self._status("Saving… wait for the answer before closing.", "$warning")
            return
        if self.conflict is not None:
            self._show_form()
            self._status("Back to the form: nothing was saved. Saving re-checks for changes.")
            return
        if not self.dirty:
            self.dismiss(None)
            return

        def answered(discard: bool | None) -> None:
            if discard:
                self.dismiss(None)

        self.app.push_screen(ConfirmScreen("Discard your changes?",
                                           "What you typed in this dialog will be lost.",
                                           "Discard", danger=True), answered)
