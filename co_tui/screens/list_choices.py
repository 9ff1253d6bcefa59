"""What the user chooses about an asset list's look: its columns (``C``), its sort (``s`` opens a
menu, ``S`` flips the order) and, through the settings, whether the search bar searches as
they type.

:class:`ListChoicesScreen` sits between :class:`~co_tui.screens.asset_actions.AssetActionsScreen`
and :class:`~co_tui.screens.asset_list.AssetListScreen` (My Data and the archive bin), which
declares the keys. The chosen columns are the ``columns`` setting, saved in ``config.toml`` when
changed (one key rewritten, as the theme is). The role column shows what
:meth:`co_tui.operations.rights.Rights.role` knows ("?" until it knows), and the attached column
which assets :attr:`~co_tui.screens.asset_actions.AssetActionsScreen.attached_ids` holds; it is
left out while that is unknown (outside a capsule). Both are drawn again when what they show
changes: the screen compares a small fingerprint of the roles and the attached set whenever its
bindings are refreshed (which is what the app does after learning rights) and when it comes
back to the top; a cursor move never rebuilds rows.
"""

from __future__ import annotations

from typing import ClassVar

from textual import events, on

from co_tui.modals.column_chooser import ColumnChooser
from co_tui.modals.sort_menu import Sort, SortMenu
from co_tui.screens.asset_actions import AssetActionsScreen
from co_tui.widgets.asset_columns import columns_from_keys
from co_tui.widgets.asset_table import AssetTable

__all__ = ["ListChoicesScreen"]


class ListChoicesScreen(AssetActionsScreen):
    """Columns, sort menu and search-as-you-type for an asset list (see the module docstring)."""

    LIST_NAME: ClassVar[str] = "My Data"
    sort_field: str
    sort_direction: str

    _shown_for: tuple[object, ...] | None = None
    """The roles, attached set and columns the rows were last drawn for (see
    :meth:`_follow_context`)."""

    def _resort(self) -> None:
        """Show the new sort and load the list again (the list screen's)."""
        raise NotImplementedError

    # --- columns ------------------------------------------------------------------------------

    @property
    def column_keys(self) -> tuple[str, ...]:
        """The columns chosen (the ``columns`` setting), before any is left out here."""
        return tuple(c.key for c in columns_from_keys(self.co_app.settings.columns))

    def _show_columns(self) -> None:
        """Give the table the chosen columns; attached only while the capsule's list is known."""
        keys = [key for key in self.column_keys
                if key != "attached" or self.attached_ids is not None]
        table = self.query_one(AssetTable)
        table.set_columns(columns_from_keys(keys))
        table.set_row_context(role_of=self.co_app.rights.role, attached=self.attached_ids)
        self._shown_for = self._context_key()

    def _context_key(self) -> tuple[object, ...]:
        rights = self.co_app.rights
        return (len(rights.roles), rights.identity, len(rights.refused), self.attached_ids,
                self.co_app.settings.columns)

    @on(events.Mount)
    def _columns_on_mount(self) -> None:
        self._show_columns()

    @on(events.ScreenResume)
    def _follow_context(self) -> None:
        """Draw the role and attached cells again if what they show changed (and the columns,
        if they were chosen on another list screen meanwhile)."""
        if self.is_mounted and self._context_key() != self._shown_for:
            self._show_columns()

    def refresh_bindings(self) -> None:
        super().refresh_bindings()
        self._follow_context()

    def action_choose_columns(self) -> None:
        """Choose the list's columns; the choice is saved as the ``columns`` setting."""

        def chosen(keys: tuple[str, ...] | None) -> None:
            if keys is None:
                return
            if "attached" in self.column_keys and self.attached_ids is None:
                keys = (*keys, "attached")  # not offered here: keep it for inside a capsule
            keys = tuple(c.key for c in columns_from_keys(keys))
            self.co_app.remember_setting("columns", keys)
            self._show_columns()

        self.app.push_screen(ColumnChooser(self.column_keys,
                                           attached_known=self.attached_ids is not None,
                                           title=f"Columns — {self.LIST_NAME}"), chosen)

    # --- sort ---------------------------------------------------------------------------------

    def action_sort_menu(self) -> None:
        """Choose the sort field and order in a small menu."""

        def chosen(sort: Sort | None) -> None:
            if sort is not None and (sort.field, sort.order) != (self.sort_field,
                                                                 self.sort_direction):
                self.sort_field, self.sort_direction = sort.field, sort.order
                self._resort()

        self.app.push_screen(SortMenu(Sort(self.sort_field, self.sort_direction),
                                      title=f"Sort — {self.LIST_NAME}"), chosen)

    def action_flip_sort(self) -> None:
        """Flip between ascending and descending."""
        self.sort_direction = "asc" if self.sort_direction == "desc" else "desc"
        self._resort()

    # --- search -------------------------------------------------------------------------------

    @property
    def search_as_you_type(self) -> bool:
        """The ``search_as_you_type`` setting: search after a pause in typing, not only on
        ``enter``."""
        return self.co_app.settings.search_as_you_type
