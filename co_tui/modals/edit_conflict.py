"""The edit dialog's conflict view: both versions of each field someone else changed while the
user was editing, and a choice per field of which to keep.

:class:`~co_tui.modals.edit_metadata.EditMetadataScreen` shows it in place of the form when a
save finds such changes, and reads the choices back when the user saves them.
"""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.widget import Widget
from textual.widgets import Static

from co_tui.api.models import CustomMetadata
from co_tui.operations.field_values import format_custom
from co_tui.operations.metadata import Conflict, FieldConflict, Side
from co_tui.safe_text import display, join, plain
from co_tui.widgets.choice import Choice

__all__ = ["SIDES", "ConflictView"]

SIDES: tuple[tuple[Side, str], ...] = (("mine", "keep mine"), ("theirs", "take theirs"))


def describe_value(conflict: FieldConflict, value: Any, schema: CustomMetadata | None) -> Content:
    """One side of a conflicting field, as the conflict view shows it."""
    if value is None or value == "" or value == ():
        return Content.styled("(empty)", "dim italic")
    if conflict.key == "tags":
        return display(", ".join(value), max_cells=300)
    if conflict.key == "description":
        return display(value, multiline=True, max_chars=240)
    specs = {s.name: s for s in (schema.fields or [])} if schema else {}
    return display(format_custom(value, specs.get(conflict.key.removeprefix("custom:")))
                   if conflict.key.startswith("custom:") else str(value), max_cells=300)


class ConflictView(Vertical):
    """Each conflicting field: a :class:`~co_tui.widgets.choice.Choice` (``conflict-<index>``)
    between mine and theirs, then both values."""

    def compose(self) -> ComposeResult:
        yield Static(Content("Someone else changed this asset while you were editing. "
                             "For each field, keep your version or take theirs."),
                     id="conflict-intro")
        yield VerticalScroll(id="conflict-list")
        yield Static(Content("ctrl+s save these choices   ctrl+o overwrite all with mine"
                             "   esc back to the form"), id="conflict-hint")

    async def show_fields(self, conflict: Conflict, schema: CustomMetadata | None) -> None:
        """List the fields of ``conflict``, each with its default side chosen."""
        listing = self.query_one("#conflict-list", VerticalScroll)
        await listing.remove_children()
        rows: list[Widget] = []
        for index, field in enumerate(conflict.fields):
            choice = Choice(plain(field.label)[:12], SIDES, field.default,
                            id=f"conflict-{index}")
            rows += [
                choice.add_class("conflict-field"),
                Static(join(Content.styled("yours:  ", "bold"),
                            describe_value(field, field.mine, schema)), classes="conflict-value"),
                Static(join(Content.styled("theirs: ", "bold"),
                            describe_value(field, field.theirs, schema)),
                       classes="conflict-value"),
            ]
        await listing.mount_all(rows)

    def choices(self, conflict: Conflict) -> dict[str, Side]:
        """The side chosen for each field of ``conflict``, by field key."""
        return {field.key: "theirs" if self.query_one(f"#conflict-{index}", Choice).value
                == "theirs" else "mine" for index, field in enumerate(conflict.fields)}
