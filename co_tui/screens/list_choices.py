"""What the user chooses about an asset list's look: its columns (``C``), its sort (``s`` opens a
menu, ``S`` flips the order) and, through the settings, whether the search bar searches as
they type.

:class:`ListChoicesScreen` sits between :class:`~co_tui.screens.asset_actions.AssetActionsScreen`
and :class:`~co_tui.screens.asset_list.AssetListScreen` (My Data and the archive bin), which
declares the keys. The chosen columns are the ``columns`` setting, saved in ``config.toml`` when
changed (one key rewritten, as the theme is). The role column shows what
:meth:`co_tui.operations.rights.Rights.role` knows ("?" until it knows), and the attached column
which assets :attr:`~co_tui.screens.asset_actions.AssetActionsScreen.attached_ids` holds ("?"
while that is unknown). Inside a capsule the attached column is one of the usual columns; outside
one (and in the archive bin) it is never shown, though a choice that includes it is kept. Both are
drawn again when what they show
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
from co_tui.widgets.asset_columns import COLUMNS, Column, columns_from_keys
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
    def shows_attached(self) -> bool:
        """Whether this list may show the attached column: inside a capsule, not in the bin."""
        return self.capsule_id is not None and not self.IN_ARCHIVE

    def usual_column_keys(self) -> tuple[str, ...]:
        """The columns shown until the user chooses (``x`` in the chooser goes back to them):
        :data:`~co_tui.widgets.asset_columns.COLUMNS`, and inside a capsule the attached one."""
        keys = [c.key for c in COLUMNS]
        if self.shows_attached:
            keys.append("attached")
        return tuple(c.key for c in columns_from_keys(keys))

    @property
    def column_keys(self) -> tuple[str, ...]:
        """The columns chosen (the ``columns`` setting, else the usual ones), before any is
        left out here."""
        chosen = self.co_app.settings.columns
        if chosen is None:
            return self.usual_column_keys()
        return tuple(c.key for c in columns_from_keys(chosen))

    def shown_columns(self) -> tuple[Column, ...]:
        """The chosen columns this list shows: the attached one only inside a capsule."""
        return columns_from_keys(key for key in self.column_keys
                                 if key != "attached" or self.shows_attached)

    def _show_columns(self) -> None:
        """Give the table the chosen columns and what the role and attached cells show."""
        table = self.query_one(AssetTable)
        table.set_columns(self.shown_columns())
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
            if "attached" in self.column_keys and not self.shows_attached:
                keys = (*keys, "attached")  # not offered here: keep it for inside a capsule
            keys = tuple(c.key for c in columns_from_keys(keys))
            self.co_app.remember_setting("columns", keys)
            self._show_columns()

        self.app.push_screen(ColumnChooser(self.column_keys, usual=self.usual_column_keys(),
                                           in_capsule=self.shows_attached,
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
