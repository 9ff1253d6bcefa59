"""One custom-metadata field of the deployment's schema as a form widget, for the edit and create
dialogs alike.

:func:`custom_field` makes the widget (a :class:`~textual.widgets.Select` for a single value
from a list of allowed values, an :class:`~co_tui.widgets.edit_fields.EditInput` with a hint
otherwise),
:func:`custom_label` its label (units, and ``*`` for a required field) and :func:`field_text`
reads the widget back as form text. Checking that text is
:func:`co_tui.operations.field_values.check_custom`.
"""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Select

from co_tui.api.models import CustomMetadataField
from co_tui.operations.field_values import format_custom
from co_tui.safe_text import display, join, plain
from co_tui.widgets.edit_fields import EditInput

__all__ = ["CustomField", "custom_field", "custom_label", "field_hint", "field_text"]

CustomField = EditInput | Select[str]
"""The widget of one custom-metadata field."""


def field_hint(spec: CustomMetadataField) -> str:
    """What to type in ``spec``'s field: its kind, range, and whether it takes several values."""
    bounds = spec.range
    hint = {"number": "number", "date": "YYYY-MM-DD (UTC)"}.get(spec.type, "text")
    if bounds is not None and (bounds.min is not None or bounds.max is not None):
        low = "" if bounds.min is None else format_custom(bounds.min, None)
        high = "" if bounds.max is None else format_custom(bounds.max, None)
        hint += f" {low}…{high}"
    return hint + (", comma-separated" if spec.multiple else "")


def custom_label(spec: CustomMetadataField, max_cells: int) -> Content:
    """The field's name with its units, ending in ``*`` when the schema requires a value."""
    units = f" ({spec.units})" if spec.units else ""
    mark = " *" if spec.required else ""
    return join(display(spec.name + units, max_cells=max_cells - len(mark)), mark)


def custom_field(spec: CustomMetadataField, text: str, widget_id: str) -> CustomField:
    """The widget for ``spec`` showing ``text`` (form text, see
    :func:`~co_tui.operations.field_values.format_custom`). A stored value the schema no longer
    allows stays one of the choices, so opening a form never changes it."""
    if spec.allowed_values and not spec.multiple:
        choices = [format_custom(v, spec) for v in spec.allowed_values]
        if text and text not in choices:
            choices.append(text)
        return Select([(display(c), c) for c in choices], prompt="—", compact=True,
                      value=text if text else Select.NULL, id=widget_id)
    return EditInput(text, placeholder=plain(field_hint(spec)), compact=True, id=widget_id)


def field_text(widget: CustomField) -> str:
    """The text a field holds now, as it is to be sent (``""`` for a Select with nothing
    chosen): a text field gives back every stored character the user did not delete."""
    if isinstance(widget, EditInput):
        return widget.server_text
    value = widget.value
    return value if isinstance(value, str) else ""
