"""The downloads screen: the app's download queue (``ctrl+d``), over whatever screen is open.

Downloads belong to the app, not to a screen: they go on when this screen is closed or the user
leaves the asset; the screen only shows the :class:`~co_tui.widgets.downloads_panel.DownloadsPanel`
of the app's :class:`~co_tui.transfer.DownloadEngine`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Static

from co_tui.modals.dialog import Dialog
from co_tui.widgets.downloads_panel import DownloadsPanel
from co_tui.widgets.footer import KeyFooter

if TYPE_CHECKING:
    from co_tui.transfer import DownloadEngine

__all__ = ["DownloadsScreen"]


class DownloadsScreen(Dialog[None]):
    """The queue with per-file and total progress; ``esc`` hides it, downloads carry on."""

    CSS_PATH = "../styles/downloads.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,ctrl+d", "close", "Hide (downloads go on)"),
    ]

    def __init__(self, engine: DownloadEngine) -> None:
        super().__init__()
        self.engine = engine

    def compose(self) -> ComposeResult:
        with Vertical(id="downloads-dialog"):
            yield Static(Content.styled("Downloads", "bold"), id="downloads-title")
            yield DownloadsPanel(self.engine, id="downloads-panel")
            yield Static(Content("x cancel   r retry   X cancel all   esc hide"),
                         id="downloads-hint")
        yield KeyFooter(compact=True)

    def on_mount(self) -> None:
        self.query_one(DownloadsPanel).focus()

    def action_close(self) -> None:
        """Hide the queue; transfers continue in the background."""
        self.dismiss(None)
