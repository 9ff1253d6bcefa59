"""The one way to build the app: every launch mode of ``co-tui`` and the tests go through
:func:`build_app`, so a test starts the app the way a user does.

Importing this module stays light (no Textual): ``co_tui.app`` is imported when the first app is
built, which lets ``co-tui`` import the UI in a thread while My Data's first request travels.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from co_tui.api import CodeOceanClient
    from co_tui.app import CoTuiApp, PendingClient, Prefetched
    from co_tui.config import Config
    from co_tui.credentials import LoginSetup

__all__ = ["build_app"]


def build_app(
    client: CodeOceanClient | PendingClient | None,
    *,
    config: Config | None = None,
    demo: bool = False,
    login: LoginSetup | None = None,
    first_page: Prefetched | None = None,
    notices: Sequence[str] = (),
) -> CoTuiApp:
    """The app on ``client``, ready to run.

    ``client``: a connected client, a :class:`~co_tui.app.PendingClient` the app builds after its
    first frame (``--demo``), or ``None`` to open on the login screen (first run).
    ``config``: what ``config.toml`` said (``None``: the defaults, nothing saved).
    ``demo``: the demo emulator's notes are shown. ``login``: where a login made in the app is
    saved and how it connects. ``first_page``: My Data's first page, already requested.
    ``notices``: shown first among the warnings when the app starts.
    """
    from co_tui.app import CoTuiApp

    if notices:
        from co_tui.config import Config

        config = config or Config()
        # first among the warnings: printed to the terminal, they would show only after quitting
        config = dataclasses.replace(config, warnings=(*notices, *config.warnings))
    return CoTuiApp(client, demo=demo, login=login, first_page=first_page, config=config)

