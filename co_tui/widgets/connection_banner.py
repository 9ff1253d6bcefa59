"""A one-line banner while the API does not answer (docs/product.md, 'Network loss').

Each asset screen shows one under its title. It follows :attr:`CoTuiApp.connection_problem`,
which the client's reachability reports set (:meth:`CodeOceanClient.on_reachability`): shown
when a request got no answer at all, hidden again by the next answer of any kind. Everything
already loaded stays on screen and browsable meanwhile.
"""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static

from co_tui.safe_text import display
from co_tui.widgets.watchers import drop_watchers

__all__ = ["ConnectionBanner", "banner_text"]


def banner_text(domain: str, problem: str) -> Content:
    """What the banner says: which deployment, what went wrong, and that nothing was lost."""
    return Content.assemble(
        ("⚠ No answer from ", "bold"), display(domain, style="bold"), ": ",
        display(problem, max_cells=120),
        ". What is loaded stays browsable; r retries, and co-tui keeps checking.",
    )


class ConnectionBanner(Static):
    """Shown while the app's ``connection_problem`` is set; see the module docstring."""

    def __init__(self) -> None:
        super().__init__("", classes="connection-banner")
        self.display = False

    def on_mount(self) -> None:
        self.watch(self.app, "connection_problem", self._follow)

    def on_unmount(self) -> None:
        # the app keeps its watchers until connection_problem changes (which may be never):
        # without this, every detail screen's banner stayed alive after the screen closed
        drop_watchers(self.app, self)

    def _follow(self, problem: str | None) -> None:
        client = getattr(self.app, "client", None)
        if problem is not None and client is not None:
            self.update(banner_text(client.domain, problem))
        self.display = problem is not None
