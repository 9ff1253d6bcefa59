"""Edit fields that keep server text exactly: an :class:`EditInput` and an :class:`EditTextArea`.

Both hold *editable* text from :mod:`co_tui.edit_buffer`: harmless characters (joiners, bidi
marks, soft hyphens, combining marks ...) as they are, so an emoji sequence or a Persian word
shows as itself, and each dangerous character as one private-use placeholder, drawn as a
highlighted one-cell symbol (``␛`` for ESC, ``⇄`` for a bidi control, ``⍰`` for others). No
dangerous character reaches the terminal: typed and pasted text is encoded on the way in and any
value set from code goes through :func:`~co_tui.edit_buffer.shield`.

Read the field with ``server_text`` (what to send), set it with ``set_server_text``. One
backspace or delete removes one whole unit, so deleting a placeholder deletes exactly the
character it stands for. A tab in a text area is kept as a tab (drawn as spaces).
"""

from __future__ import annotations

from typing import Any, ClassVar

from rich.style import Style
from rich.text import Text
from textual.document._document import EditResult, Location
from textual.document._edit import Edit
from textual.widgets import Input, TextArea

from co_tui.edit_buffer import (
    MARK,
    RESERVED_END,
    RESERVED_START,
    decode,
    encode,
    glyph,
    shield,
    unit_bounds,
)

__all__ = ["EditInput", "EditTextArea", "shown"]

PLACEHOLDER_CLASS = "edit-field--control"


def _is_reserved(char: str) -> bool:
    return RESERVED_START <= ord(char) <= RESERVED_END


def shown(editable: str, style: Style | None = None) -> Text:
    """``editable`` as Rich Text with each reserved code point drawn as its visible symbol."""
    if not any(_is_reserved(char) for char in editable):
        return Text(editable, end="", no_wrap=True, overflow="ignore")
    chars = [glyph(char) if _is_reserved(char) else char for char in editable]
    text = Text("".join(chars), end="", no_wrap=True, overflow="ignore")
    if style is not None:
        for index, char in enumerate(editable):
            if _is_reserved(char):
                text.stylize(style, index, index + 1)
    return text


_FALLBACK_STYLE = Style(bold=True, underline=True)


def _placeholder_style(widget: Input | TextArea) -> Style:
    """The placeholder style from CSS (a fixed one while the stylesheet is not applied yet)."""
    try:
        return widget.get_component_rich_style(PLACEHOLDER_CLASS, partial=True)
    except KeyError:  # asked for a size before the widget's styles were computed
        return _FALLBACK_STYLE


class EditInput(Input):
    """A one-line field holding server text exactly (see the module docstring)."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {*Input.COMPONENT_CLASSES, PLACEHOLDER_CLASS}
    DEFAULT_CSS = """
    EditInput > .edit-field--control { color: $warning; text-style: bold underline; }
    """

    def __init__(self, server_text: str = "", **kwargs: Any) -> None:
        super().__init__(value=encode(server_text), **kwargs)

    @property
    def server_text(self) -> str:
        """The field's text as it is to be sent (placeholders back to their characters)."""
        return decode(self.value)

    def set_server_text(self, text: str) -> None:
        """Show server ``text`` (replacing what the field holds)."""
        self.value = encode(text)

    def validate_value(self, value: str) -> str:
        """Whatever sets the value, no dangerous character gets in."""
        return shield(value)

    def replace(self, text: str, start: int, end: int) -> None:
        """Typed and pasted text is encoded; a deletion takes whole units."""
        value = self.value
        start, end = sorted((max(0, start), min(len(value), end)))
        if not text and start < end and MARK in value:
            start = unit_bounds(value, start)[0]
            end = unit_bounds(value, end - 1)[1]
        super().replace(encode(text), start, end)

    @property
    def _value(self) -> Text:
        if self.password:
            return super()._value
        return shown(self.value, _placeholder_style(self))


class EditTextArea(TextArea):
    """A multi-line field holding server text exactly (see the module docstring)."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {*TextArea.COMPONENT_CLASSES, PLACEHOLDER_CLASS}
    DEFAULT_CSS = """
    EditTextArea > .edit-field--control { color: $warning; text-style: bold underline; }
    """

    def __init__(self, server_text: str = "", **kwargs: Any) -> None:
        super().__init__(encode(server_text, multiline=True), **kwargs)

    @property
    def server_text(self) -> str:
        """The field's text as it is to be sent (placeholders back to their characters)."""
        return decode(self.text)

    def set_server_text(self, text: str) -> None:
        """Show server ``text`` (replacing what the field holds)."""
        self.load_text(encode(text, multiline=True))

    def load_text(self, text: str) -> None:
        """Whatever loads the text, no dangerous character gets in."""
        super().load_text(shield(text, multiline=True))

    def edit(self, edit: Edit) -> EditResult:
        """Every edit passes the shield (a no-op for text already encoded)."""
        edit.text = shield(edit.text, multiline=True)
        return super().edit(edit)

    def _replace_via_keyboard(
        self, insert: str, start: Location, end: Location
    ) -> EditResult | None:
        return super()._replace_via_keyboard(encode(insert, multiline=True), start, end)

    def _delete_via_keyboard(self, start: Location, end: Location) -> EditResult | None:
        (top_row, top_col), (bottom_row, bottom_col) = sorted((start, end))
        top_line = self.document[top_row]
        bottom_line = self.document[bottom_row]
        if MARK in top_line and top_col < len(top_line):
            top_col = unit_bounds(top_line, top_col)[0]
        if MARK in bottom_line and 0 < bottom_col <= len(bottom_line):
            bottom_col = unit_bounds(bottom_line, bottom_col - 1)[1]
        return super()._delete_via_keyboard((top_row, top_col), (bottom_row, bottom_col))

    def get_line(self, line_index: int) -> Text:
        return shown(self.document.get_line(line_index), _placeholder_style(self))
