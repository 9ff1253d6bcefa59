"""Keys are handled one after another, the way they were typed.

Textual hands each key the terminal sends to the focused widget's message queue and goes on to
the next key at once. When a key only takes effect after it has bubbled up (``tab`` moves the
focus in the screen's or the app's binding; ``enter`` in a form field moves on once the
screen has handled the field's ``Submitted`` message), the keys typed after it have already
gone to the widget that *had* the focus. Over SSH, or when the app is busy, keys typed in quick
succession arrive in one read, so "tab, then the bucket name" put the name into the field
before (where a field takes no text, it is simply lost), and "enter, then the next value"
appended the value to the field just left. Measured in a pty: ``\\ts3://bucket`` written at
once left the create dialog's bucket field empty.

:class:`InOrderKeys` holds each key (and paste) read from the terminal until the one before has
been handled all the way up: after handing a key on, it posts a bubbling :class:`KeyHandled`
marker to the same widget. Each queue is first in, first out, so the marker reaches the app
only after the key itself has been handled by that widget and by everything it bubbled to,
bindings and their actions included. What those handlers posted in turn (``Widget.focus()``
sets the focus in a callback on the app's queue; an ``Input`` posts ``Submitted`` to itself)
is still queued then, so the marker goes round :data:`ROUNDS` times: the second round passes
through the same queues behind those messages. If a marker is lost (its widget was removed
with the marker still queued) the next key goes on after :data:`RELEASE_AFTER` seconds anyway,
as it would without this class.
"""

from __future__ import annotations

import asyncio
from collections import deque

from textual import events
from textual.app import App
from textual.message import Message
from textual.message_pump import MessagePump

__all__ = ["RELEASE_AFTER", "ROUNDS", "InOrderKeys"]

ROUNDS = 2
"""How many times the marker goes from the key's widget up to the app before the next key."""

RELEASE_AFTER = 0.5
"""Seconds a key waits at most for the one before it (a marker lost with a removed widget)."""


class KeyHandled(Message, bubble=True):
    """Reaches the app once the key posted before it has been handled everywhere."""

    def __init__(self, serial: int, target: MessagePump, round_: int = 1) -> None:
        super().__init__()
        self.serial = serial
        self.target = target
        """Where the key went (each round starts there)."""
        self.round = round_


class InOrderKeys(App[None]):
    """An app that hands the terminal's keys and pastes on one at a time (module docstring)."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self._held: deque[events.Key | events.Paste] = deque()
        self._in_flight: int | None = None
        """The serial of the key being handled, None when none is."""
        self._serial = 0
        self._release_timer: asyncio.TimerHandle | None = None
        """Gives up waiting for a lost marker (a loop timer: a Textual timer is a task per key)."""

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, (events.Key, events.Paste)) and not event.is_forwarded:
            self._held.append(event)
            if self._in_flight is None:
                await self._hand_on_next()
            return
        await super().on_event(event)

    async def _hand_on_next(self) -> None:
        """Hand on held keys until one goes to a widget's queue (then wait for its marker)."""
        while self._held and self._in_flight is None:
            event = self._held.popleft()
            target = self.focused or self.screen
            await super().on_event(event)
            if event.is_forwarded:  # in ``target``'s queue: follow it with the marker
                self._serial += 1
                if target.post_message(KeyHandled(self._serial, target)):
                    self._in_flight = self._serial
                    self._release_timer = asyncio.get_running_loop().call_later(
                        RELEASE_AFTER, self.post_message,
                        KeyHandled(self._serial, self, ROUNDS))

    async def on_key_handled(self, message: KeyHandled) -> None:
        """The key in flight has been handled: hand on the next."""
        message.stop()
        if message.serial != self._in_flight:
            return  # released already (a lost marker's time ran out)
        if message.round < ROUNDS and message.target.post_message(
                KeyHandled(message.serial, message.target, message.round + 1)):
            return
        await self._release()

    async def _release(self) -> None:
        if self._release_timer is not None:
            self._release_timer.cancel()
            self._release_timer = None
        self._in_flight = None
        await self._hand_on_next()
