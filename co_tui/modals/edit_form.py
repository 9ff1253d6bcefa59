"""The edit dialog's fields as data: what they hold now, and showing given values in them.

The fixed fields are ``#edit-name``, ``#edit-description``, ``#edit-mount`` and the
``#edit-tags`` chips; the custom-metadata fields are passed by name.
:class:`~co_tui.modals.edit_metadata.EditMetadataScreen` builds them.
"""

from __future__ import annotations

from collections.abc import Mapping

from textual.widget import Widget
from textual.widgets import Select

from co_tui.api.models import CustomMetadata
from co_tui.operations.metadata import AssetValues, MetadataForm
from co_tui.widgets.custom_fields import CustomField, field_text
from co_tui.widgets.edit_fields import EditInput, EditTextArea
from co_tui.widgets.tag_chips import Chip, TagChips

__all__ = ["fill_form", "read_form"]


def read_form(dialog: Widget, custom_fields: Mapping[str, CustomField]) -> MetadataForm:
    """The form as the widgets of ``dialog`` hold it now, as the text to send: the edit fields
    give back every character of the server's value the user did not delete."""
    return MetadataForm(
        name=dialog.query_one("#edit-name", EditInput).server_text,
        description=dialog.query_one("#edit-description", EditTextArea).server_text,
        mount=dialog.query_one("#edit-mount", EditInput).server_text,
        tags=dialog.query_one("#edit-tags", TagChips).tags,  # chips hold raw tags
        custom={name: field_text(widget) for name, widget in custom_fields.items()},
    )


def fill_form(dialog: Widget, values: AssetValues, schema: CustomMetadata | None,
              custom_fields: Mapping[str, CustomField]) -> None:
    """Show ``values`` in the widgets of ``dialog``."""
    form = MetadataForm.of(values, schema)
    dialog.query_one("#edit-name", EditInput).set_server_text(form.name)
    dialog.query_one("#edit-description", EditTextArea).set_server_text(form.description)
    dialog.query_one("#edit-mount", EditInput).set_server_text(form.mount)
    chips = dialog.query_one("#edit-tags", TagChips)
    chips.chips = [Chip(tag) for tag in values.tags]
    chips.refresh(layout=True)
    for name, widget in custom_fields.items():
        text = form.custom.get(name, "")
        if isinstance(widget, Select):
            widget.value = text if text else Select.NULL
        else:
            widget.set_server_text(text)
