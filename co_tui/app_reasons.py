"""Why an app-wide key does nothing yet, in words for the help and the palette.

``ctrl+d`` (downloads) and ``ctrl+l`` (log in) are listed always, so a user who looks for them
finds them; until they apply they are disabled with these reasons
(:meth:`co_tui.app.CoTuiApp.disabled_reason`).
"""

from __future__ import annotations

__all__ = ["APP_REASONS", "app_disabled_reason"]

APP_REASONS: dict[str, str] = {
    "show_downloads": "No download yet: D downloads an asset, d a file in the Files tab",
    "login": "already logged in (offered if the token fails)",
}


def app_disabled_reason(action: str) -> str | None:
    """The reason for ``action`` (its bare name), or None."""
    return APP_REASONS.get(action.rpartition(".")[2])
