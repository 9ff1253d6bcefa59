"""The archive bin (docs/product.md, 'Archive bin'): archived data assets, with My Data's table,
search, filters, sort and paging.

It is :class:`~co_tui.screens.asset_list.AssetListScreen` searching with ``archived: true``, so
the two lists cannot drift apart. Restore (``u``) and permanent delete (``D``, typed-name
confirmation) arrive with the actions issue; they will act on the table's highlighted row or its
multi-selection, which already work here.
"""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Input

from co_tui.api import CodeOceanClient
from co_tui.screens.asset_actions import AssetActionsScreen
from co_tui.screens.asset_list import PAGE_SIZE, AssetListScreen
from co_tui.widgets.asset_table import AssetTable

__all__ = ["ArchiveScreen"]


class ArchiveScreen(AssetListScreen, inherit_bindings=False):
    """Archived assets; ``escape`` / ``backspace`` go back to My Data."""

    CSS_PATH = "../styles/archive.tcss"
    LIST_NAME: ClassVar[str] = "Archive bin"

    # The way back comes first so the footer shows it even at 80 columns; the rest are My
    # Data's keys minus the archive bin itself (bindings are not inherited, to set this order).
    IN_ARCHIVE: ClassVar[bool] = True

    BINDINGS: ClassVar[list[BindingType]] = [
        *Screen.BINDINGS,
        Binding("escape,backspace", "back", "My Data", key_display="esc"),
        Binding("u", "restore", "Restore"),
        Binding("D", "delete", "Delete", key_display="D"),
        *[
            b for b in (*AssetActionsScreen.BINDINGS, *AssetListScreen.BINDINGS)
            if not (isinstance(b, Binding) and b.action in ("open_archive", "leave_search",
                                                             "restore", "download_assets"))
        ],
    ]

    def __init__(self, client: CodeOceanClient, *, demo: bool = False,
                 page_size: int = PAGE_SIZE) -> None:
        super().__init__(client, demo=demo, page_size=page_size)
        self.archived = True

    def action_back(self) -> None:
        """From the search bar back to the table; from the table back to My Data."""
        if isinstance(self.focused, Input):
            self.query_one(AssetTable).focus()
        else:
            self.dismiss(None)
