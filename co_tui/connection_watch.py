"""Network loss (docs/product.md, 'Network loss'): while the API gives no answer at all, the app's
``connection_problem`` says why (the asset screens show a banner), and the app asks again now
and then until it answers.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from textual.reactive import reactive

from co_tui.api import ApiError
from co_tui.key_order import InOrderKeys
from co_tui.safe_text import display
from co_tui.workers import worker

if TYPE_CHECKING:
    from textual.content import Content
    from textual.notifications import SeverityLevel

    from co_tui.api import CodeOceanClient

__all__ = ["PROBE_FIRST_DELAY", "PROBE_MAX_DELAY", "ConnectionWatch"]

PROBE_FIRST_DELAY = 5.0
"""Seconds before the first check that the API answers again; doubled each time, up to
:data:`PROBE_MAX_DELAY`."""
PROBE_MAX_DELAY = 60.0


class ConnectionWatch(InOrderKeys):
    """The network-loss part of :class:`co_tui.app.CoTuiApp`, which derives from it (and from
    :class:`~co_tui.key_order.InOrderKeys`: keys are handled in the order they were typed)."""

    connection_problem: reactive[str | None] = reactive(None)
    """Why the API is not answering (a request got no answer at all), or None while it does;
    the asset screens show a banner while it is set (``co_tui.widgets.connection_banner``)."""

    client: CodeOceanClient | None

    if TYPE_CHECKING:
        def say(self, content: Content, *, severity: SeverityLevel = "information",
                timeout: float | None = None) -> None: ...

    def follow_reachability(self, client: CodeOceanClient) -> None:
        """Follow ``client``'s reachability (only while it is the app's client)."""

        def changed(reachable: bool, error: ApiError | None) -> None:
            if client is not self.client:
                return
            if not reachable:
                self.connection_problem = error.message if error is not None else "no answer"
                self._probe()
            elif self.connection_problem is not None:
                self.connection_problem = None
                self.say(display(f"{client.domain} answers again."), timeout=4)

        client.on_reachability(changed)

    @worker("checking whether the API answers again", group="probe", exclusive=True)
    async def _probe(self) -> None:
        """While the API does not answer, ask it again now and then (any answer ends this)."""
        delay = PROBE_FIRST_DELAY
        while self.connection_problem is not None and self.client is not None:
            await asyncio.sleep(delay)
            try:
                await self.client.custom_metadata.get_custom_metadata()
            except ApiError:
                pass  # an error status still means it answered: the banner went already
            delay = min(delay * 2, PROBE_MAX_DELAY)
