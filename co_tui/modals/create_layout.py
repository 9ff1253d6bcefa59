"""The create dialog's rows: which fields each source has, and the widgets of one row.

Every field has a key (the :class:`~co_tui.operations.create_form.CreateForm` attribute, or
``custom:<name>`` for a custom-metadata field); its widget is ``#create-<key>`` (a custom field's
is ``#create-custom-<index>``) and its problem is shown in ``#create-<...>-error`` right under
it. :func:`form_fields` lays the rows out by source;
:class:`~co_tui.modals.create_asset.CreateScreen` adds the title, the custom-metadata rows, the
status line and the keys.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widget import Widget
from textual.widgets import Button, Input, Static, TextArea

from co_tui.api.models import CustomMetadataField
from co_tui.operations.create_form import Combinable, CombinedPart, CreateForm, SourceKind
from co_tui.operations.metadata import custom_key
from co_tui.safe_text import display, join, plain
from co_tui.widgets.choice import Choice, TickBox
from co_tui.widgets.custom_fields import CustomField, custom_field, custom_label, field_text

__all__ = [
    "COMMON_FIELDS",
    "COMPUTATION_FIELDS",
    "ERROR_KEYS",
    "S3_FIELDS",
    "TARGET_FIELDS",
    "custom_row",
    "field_value",
    "form_fields",
    "parts_content",
    "read_form",
    "row",
    "widget_suffix",
]

Field = tuple[str, str, str]
"""(key, label, hint) of one row."""

S3_FIELDS: tuple[Field, ...] = (
    ("bucket", "Bucket", "bucket-name, or paste s3://bucket/prefix"),
    ("prefix", "Prefix", "folder in the bucket (empty: the whole bucket)"),
    ("endpoint_name", "Endpoint", "custom S3 endpoint's name (empty: AWS S3)"),
)
COMPUTATION_FIELDS: tuple[Field, ...] = (
    ("computation_id", "Computation ID", "the run's ID (or choose one above)"),
    ("path", "Path", "folder or file in /results (empty: all results)"),
)
TARGET_FIELDS: tuple[Field, ...] = (
    ("target_bucket", "Into bucket", "bucket-name, or paste s3://bucket/prefix"),
    ("target_prefix", "Prefix", "folder in the bucket (empty: the bucket's top)"),
    ("target_endpoint", "Endpoint", "custom S3 endpoint's name (empty: AWS S3)"),
)
COMMON_FIELDS: tuple[Field, ...] = (
    ("name", "Name", "required"),
    ("mount", "Mount", "folder under /data"),
    ("description", "Description", "optional"),
    ("tags", "Tags", "comma-separated, optional"),
)
ERROR_KEYS = ("bucket", "prefix", "endpoint_name", "computation_id", "path", "target_bucket",
              "target_prefix", "target_endpoint", "parts", "name", "mount", "description", "tags")
"""The fixed fields' keys in form order (custom-metadata fields follow)."""
LABEL_CELLS = 15
PARTS_SHOWN = 4


def row(key: str, label: str, hint: str) -> ComposeResult:
    """One field: its label and input on a line, its problem under it."""
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


def form_fields(combine: Combinable) -> ComposeResult:
    """The scrolling form: the source choice, each source's section (only the chosen one is
    shown), the fields every asset has, and the box the custom-metadata rows go into."""
    sources: list[tuple[object, str]] = [(SourceKind.S3, "S3 bucket"),
                                         (SourceKind.COMPUTATION, "computation results")]
    if combine.offered:
        sources.append((SourceKind.COMBINED, f"combine {len(combine.parts)} selected"))
    with VerticalScroll(id="create-form"):
        yield Choice("Source", sources, SourceKind.S3, id="create-source")
        note = Static(display(combine.note, max_cells=300), id="create-combine-note")
        note.display = bool(combine.note)
        yield note
        with Vertical(id="create-s3", classes="create-section"):
            for key, label, hint in S3_FIELDS:
                yield from row(key, label, hint)
            yield TickBox("Keep on external storage (do not copy into Code Ocean)",
                          id="create-keep")
            yield TickBox("Public bucket (read without credentials)", id="create-public")
        with Vertical(id="create-computation", classes="create-section"):
            yield Button("Choose from a capsule's recent runs… (enter)", id="create-pick-run",
                         compact=True)
            for key, label, hint in COMPUTATION_FIELDS:
                yield from row(key, label, hint)
            yield TickBox("Keep the results in an S3 bucket (an external result)",
                          id="create-external_result")
            with Vertical(id="create-target", classes="create-section"):
                for key, label, hint in TARGET_FIELDS:
                    yield from row(key, label, hint)
        with Vertical(id="create-combined", classes="create-section"):
            yield Static(parts_content(combine.parts), id="create-parts")
            yield Static(id="create-parts-error", classes="create-error")
        with Vertical(id="create-common"):
            for key, label, hint in COMMON_FIELDS:
                yield from row(key, label, hint)
        yield Static(Content("Custom metadata (* required)"), id="create-custom-title")
        yield Vertical(id="create-custom")

def custom_row(spec: CustomMetadataField, index: int) -> tuple[CustomField, list[Widget]]:
    """The widget of custom-metadata field ``spec`` (the form's ``index``-th) and the widgets
    of its row: the labelled field, then its problem line."""
    field = custom_field(spec, "", f"create-custom-{index}")
    label = Static(custom_label(spec, max_cells=LABEL_CELLS), classes="create-label")
    error = Static(id=f"create-custom-{index}-error", classes="create-error")
    return field, [Horizontal(label, field, classes="create-row"), error]


def field_value(form: Widget, key: str) -> str:
    """The text of fixed field ``key`` in the dialog ``form``."""
    if key == "description":
        return form.query_one("#create-description", TextArea).text
    return form.query_one(f"#create-{key}", Input).value


def read_form(
    form: Widget, parts: tuple[CombinedPart, ...], custom_fields: Mapping[str, CustomField]
) -> CreateForm:
    """What the dialog ``form`` holds now, as typed."""
    def value(key: str) -> str:
        return field_value(form, key)

    def ticked(key: str) -> bool:
        return form.query_one(f"#create-{key}", TickBox).value

    return CreateForm(
        source=SourceKind(str(form.query_one("#create-source", Choice).value)),
        name=value("name"), description=value("description"), mount=value("mount"),
        tags=value("tags"), bucket=value("bucket"), prefix=value("prefix"),
        endpoint_name=value("endpoint_name"), keep_on_external_storage=ticked("keep"),
        public=ticked("public"), computation_id=value("computation_id"), path=value("path"),
        external_result=ticked("external_result"), target_bucket=value("target_bucket"),
        target_prefix=value("target_prefix"), target_endpoint=value("target_endpoint"),
        parts=parts, custom={name: field_text(widget) for name, widget in custom_fields.items()},
    )


def widget_suffix(key: str, custom_names: Sequence[str]) -> str:
    """The part after ``create-`` of the id of field ``key``'s widget."""
    for index, name in enumerate(custom_names):
        if key == custom_key(name):
            return f"custom-{index}"
    return key


def parts_content(parts: Sequence[CombinedPart]) -> Content:
    """The assets a combined asset would be made of, each with its mount on the next line."""
    lines: list[Content] = [Content.styled("Combine these external assets (each keeps its "
                                           "mount):", "bold")]
    for part in parts[:PARTS_SHOWN]:
        state = "" if part.state == "ready" else f"  ({part.state})"
        lines.append(join("\n  ", display(part.name, max_cells=64), state,
                          "\n      → /data/", display(part.mount, max_cells=58)))
    if len(parts) > PARTS_SHOWN:
        lines.append(Content(f"\n  … and {len(parts) - PARTS_SHOWN} more"))
    return join(*lines)
