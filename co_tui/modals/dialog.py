"""Dialog: the base of every modal dialog; it closes once, and only from the top.

A dialog can be asked to close twice: the user presses escape while its save
worker finishes and dismisses it with the saved result, or a late answer
arrives after a key already closed it.  Textual's ``Screen.dismiss`` run twice
calls the result callback twice and pops a second screen (the one under the
dialog), or fails with ``InvalidStateError`` when the opener waits for the
result.  A dialog asked to close while another dialog is open over it would
pop that other dialog instead.

``Dialog.dismiss`` acts on the first call only; later calls return an already
finished awaitable and change nothing.  Asked while it is not the top screen,
it closes (with that first result) as soon as it comes back to the top.

A dialog can also be closed before it was shown: pushed, then closed in the
same turn (a bulk result over an asset that went away closes with the screens
about that asset).  Its widgets are gone by the time its mount event arrives,
so a dialog closed before it mounted skips its mount handlers.
"""

from __future__ import annotations

import asyncio
from typing import Generic, TypeVar

from textual import events, on
from textual.await_complete import AwaitComplete
from textual.screen import ModalScreen

ResultType = TypeVar("ResultType")


async def _nothing() -> None:
    """What a dismiss that changes nothing returns, to await or to ignore."""
    await asyncio.sleep(0)


class Dialog(ModalScreen[ResultType], Generic[ResultType]):
    """A modal screen whose ``dismiss`` works once."""

    _dismiss_called: bool = False
    _waiting_for_top: bool = False
    _pending_result: ResultType | None = None
    closed_with: ResultType | None = None
    """The result of the first dismiss (None until then, or when it closed with None)."""

    @property
    def dismissed(self) -> bool:
        """True once the dialog has been asked to close."""
        return self._dismiss_called

    def dismiss(self, result: ResultType | None = None) -> AwaitComplete:
        """Close with ``result`` the first time; later calls change nothing."""
        if self._dismiss_called or not self.is_attached:
            return AwaitComplete(_nothing())
        self._dismiss_called = True
        self.closed_with = result
        if self.app.screen is not self:
            self._waiting_for_top = True
            self._pending_result = result
            return AwaitComplete(_nothing())
        return super().dismiss(result)

    async def on_event(self, event: events.Event) -> None:
        """Skip mount handlers (focus, fill) of a dialog closed before it was shown."""
        if isinstance(event, events.Mount) and self._dismiss_called and not self.is_mounted:
            return
        await super().on_event(event)

    @on(events.ScreenResume)
    def _close_when_on_top(self) -> None:
        """Finish a dismiss that was asked for while another screen was on top."""
        if self._waiting_for_top and self.app.screen is self:
            self._waiting_for_top = False
            super().dismiss(self._pending_result)
