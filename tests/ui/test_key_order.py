"""Keys that arrive in one read (SSH, a busy app) are handled in the order they were typed.

Each test posts a burst of keys to the app at once, as Textual's driver does with one read of
the terminal, and only then lets the app run. Without :class:`co_tui.key_order.InOrderKeys` the
keys after a focus-moving key go to the widget that had the focus: every test here fails.
"""

from __future__ import annotations

import time
from typing import ClassVar

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widget import Widget
from textual.widgets import Button, Input

from co_tui.key_order import RELEASE_AFTER, InOrderKeys


def _burst(app: InOrderKeys, keys: str) -> None:
    """Post ``keys`` (one character each; ``\\t`` tab, ``\\r`` enter, ``/`` slash) at once."""
    names = {"\t": "tab", "\r": "enter", "/": "slash", " ": "space", ":": "colon"}
    for char in keys:
        app.post_message(events.Key(names.get(char, char), char if char.isprintable() else None))


class Form(InOrderKeys):
    """A button, then two fields; enter in a field moves on (as the create dialog's do), and
    ``/`` jumps to the second field with ``Widget.focus()`` (as My Data's search key does)."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("slash", "to_second", "Second")]

    def compose(self) -> ComposeResult:
        yield Button("source", id="source")
        yield Input(id="first")
        yield Input(id="second")

    def on_mount(self) -> None:
        self.query_one("#source").focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.screen.focus_next()

    def action_to_second(self) -> None:
        self.query_one("#second", Input).focus()


def _values(app: InOrderKeys) -> tuple[str, str]:
    return app.query_one("#first", Input).value, app.query_one("#second", Input).value


async def _form_after(keys: str, *, from_first: bool = False) -> tuple[str, str]:
    """The two fields' values after ``keys`` arrive at once in a :class:`Form` (with the focus
    on the first field when ``from_first``, else on the button)."""
    app = Form()
    async with app.run_test() as pilot:
        await pilot.pause()
        if from_first:
            app.query_one("#first", Input).focus()
            await pilot.pause()
        _burst(app, keys)
        await pilot.pause(0.3)
        return _values(app)


async def test_text_after_tab_goes_to_the_next_field() -> None:
    assert await _form_after("\ts3://bucket/prefix\tother") == ("s3://bucket/prefix", "other")


async def test_text_after_enter_goes_to_the_field_enter_moved_to() -> None:
    assert await _form_after("name\rmount", from_first=True) == ("name", "mount")


async def test_text_after_a_key_that_focuses_in_a_callback_goes_to_that_field() -> None:
    assert await _form_after("/ecephys") == ("", "ecephys")


class Vanishing(Widget, can_focus=True):
    """Removes itself on any key, taking the key's marker with it."""

    async def on_key(self, event: events.Key) -> None:
        event.stop()
        self.screen.query_one("#first", Input).focus()
        await self.remove()


class Removal(InOrderKeys):
    """A widget that removes itself on the first key, then two fields."""

    def compose(self) -> ComposeResult:
        yield Vanishing(id="gone")
        yield Input(id="first")
        yield Input(id="second")

    def on_mount(self) -> None:
        self.query_one("#gone").focus()


async def test_a_marker_lost_with_its_widget_holds_the_next_key_only_briefly() -> None:
    app = Removal()
    async with app.run_test() as pilot:
        await pilot.pause()
        started = time.monotonic()
        _burst(app, "xabc")
        while _values(app)[0] != "abc" and time.monotonic() - started < 5:
            await pilot.pause(0.02)
        assert _values(app)[0] == "abc"
        assert time.monotonic() - started < RELEASE_AFTER + 1.0
