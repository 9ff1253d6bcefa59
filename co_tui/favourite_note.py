"""Favourites: where a user looks for "mark as favourite", say why co-tui cannot.

The Code Ocean API has no call to mark or unmark a favourite: search can only filter by it
(``favorite`` in the search parameters, the filters dialog's "favourites") and the ``★`` column
shows it. So the help (``?``) carries :data:`FAVOURITE_NOTE`, and the command palette offers a
"Favourite" entry (:class:`FavouriteProvider`) that explains this and shows the highlighted
asset's web address (as ``Y`` copies it) so the user can star it in the web app.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.screen import Screen

__all__ = ["FAVOURITE_HELP", "FAVOURITE_NOTE", "FAVOURITE_TITLE", "FavouriteProvider",
           "explain_favourite"]

FAVOURITE_TITLE = "Favourite (set in the web app)"
FAVOURITE_NOTE = (
    "Favourites (★) are set in the Code Ocean web app: the API has no call to mark one, only "
    "to find them (f filters: favourites). ctrl+p \"favourite\" shows the asset's web address."
)
"""The help's note."""
FAVOURITE_HELP = "The API cannot set favourites: shows the asset's web page to star it there"
"""The palette entry's second line."""
_DIALOG_NOTE = (
    "co-tui cannot mark favourites: the Code Ocean API has no call for it. Open this address "
    "in a browser and use the star on the asset's page; f (filters) then finds your favourites."
)


def explain_favourite(screen: Screen[Any]) -> None:
    """Show the highlighted asset's web address with the explanation (in the copy dialog, as
    ``Y`` twice would), or only the explanation when there is no asset here."""
    from co_tui.modals.copy import copy_text
    from co_tui.operations.clipboard import asset_web_url

    app = screen.app
    targets = getattr(screen, "targets", None)
    client = getattr(screen, "client", None)
    assets = targets() if callable(targets) and client is not None else []
    try:
        url = asset_web_url(client, assets[0].id) if client is not None and assets else None
    except ValueError:  # a domain that makes no web address
        url = None
    if url is None:
        app.notify(FAVOURITE_NOTE, title="Favourites", timeout=10)
        return
    mode = getattr(getattr(app, "settings", None), "clipboard", "auto")
    copy_text(app, "web URL", url, force_dialog=True, note=_DIALOG_NOTE, mode=mode)


class FavouriteProvider(Provider):
    """The palette's "Favourite" entry (found by ``fav``, ``favorite``, ``star``)."""

    async def discover(self) -> Hits:
        """Listed with the screen's actions."""
        yield DiscoveryHit(FAVOURITE_TITLE, partial(explain_favourite, self.screen),
                           text=FAVOURITE_TITLE, help=FAVOURITE_HELP)

    async def search(self, query: str) -> Hits:
        """Matches "favourite", "favorite" and "star"."""
        matcher = self.matcher(query)
        score = max(matcher.match(word) for word in (FAVOURITE_TITLE, "Favorite", "Star"))
        if score > 0:
            yield Hit(score, matcher.highlight(FAVOURITE_TITLE),
                      partial(explain_favourite, self.screen), text=FAVOURITE_TITLE,
                      help=FAVOURITE_HELP)
