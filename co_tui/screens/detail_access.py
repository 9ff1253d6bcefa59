"""What the detail view shows of an asset that is only discoverable to the user.

Search lists such an asset, but reading it (the asset, its permissions, its files) answers 403
(:mod:`co_tui.operations.rights`). Its detail view keeps what search showed (name, type, size,
tags, description ...) with a note that the rest needs access; the Files tab shows the reason
instead of a listing, and downloading, previewing and copying a file's link are disabled with it
(their reasons come from :meth:`Rights.reason <co_tui.operations.rights.Rights.reason>`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.content import Content
from textual.widgets import Static

from co_tui.widgets.overview import FieldList

if TYPE_CHECKING:
    from co_tui.screens.asset_detail import AssetDetailScreen

__all__ = ["ACCESS_NOTE", "SHARING_NOTE", "access_refused", "show_access"]

ACCESS_NOTE = ("This asset is only discoverable to you: below is what search shows of it. Its "
               "files, sharing and the rest need access (ask its owner to share it).")
SHARING_NOTE = "Only discoverable to you: who it is shared with needs access."


def show_access(screen: AssetDetailScreen) -> None:
    """Show (or hide) the note above the overview, and, once the Files tab has been opened, show
    the reason there instead of a listing."""
    asset = screen.asset
    limited = asset is not None and screen.co_app.rights.is_discoverable_only(asset)
    note = screen.query_one("#access-note", Static)
    note.update(Content.styled(ACCESS_NOTE, "bold $warning") if limited else Content(""))
    note.display = limited
    if limited and screen.files.started:
        screen.files.reload(refresh=False)


def access_refused(screen: AssetDetailScreen) -> None:
    """Reading the asset itself answered 403: it is only discoverable. What the list showed
    stays; an asset opened by its id alone has nothing else to show."""
    screen.co_app.rights.discoverable_only(screen.asset_id)
    if screen.asset is None:
        screen.query_one("#overview-fields", FieldList).set_rows(
            [("", Content.styled(ACCESS_NOTE, "bold $warning"))])
        return
    show_access(screen)
    screen.refresh_bindings()
