"""What each key does, in words for the user: the second line of a command-palette entry.

A binding's ``description`` is the short name the footer, the help (``?``) and the palette show
("Load more"); this table adds the sentence the palette shows under it ("Read the next 256 KiB
of the previewed file"). It is written for users on purpose, apart from the docstrings of the
``action_*`` methods, which are written for whoever reads the code.

Keys are ``Class.action`` (the class that owns the binding, or one of its bases), else the action
with its arguments (``cursor(-1)``), else its bare name, looked up in that order. A test checks
that every co-tui binding has an entry here.

Why a key is disabled is the owner's to say: :func:`disabled_reason` asks the node that owns
the binding (its ``disabled_reason`` method), for the footer, the help and the palette alike.
"""

from __future__ import annotations

__all__ = ["EXPLANATIONS", "disabled_reason", "explanation"]

EXPLANATIONS: dict[str, str] = {
    # keys shared by the lists (asset table, file tree, download queue)
    "cursor(-1)": "Move up one row",
    "cursor(1)": "Move down one row",
    "page(-1)": "Move up one screen of rows",
    "page(1)": "Move down one screen of rows",
    "first": "Go to the first row",
    "last": "Go to the last loaded row",
    # everywhere
    "CoTuiApp.quit": "Leave co-tui",
    "CoTuiApp.help": "Show every key of this screen and of the app",
    "CoTuiApp.login": "Log in again (after the server rejected the token)",
    "CoTuiApp.show_downloads": "Show the download queue (downloads go on while it is hidden)",
    # My Data and the archive bin
    "AssetTable.choose": "Open the highlighted asset",
    "AssetTable.toggle_select": "Select or unselect the highlighted asset, then move down",
    "AssetTable.select_all": "Select every loaded row, or clear the selection when all are",
    "AssetListScreen.focus_search": "Jump to the search bar",
    "AssetListScreen.filters": "Choose type, ownership, origin and favourites; applying reloads "
                               "the list",
    "AssetListScreen.sort_menu": "Choose the sort field (created, name, size, type) and order",
    "AssetListScreen.flip_sort": "Flip between ascending and descending",
    "AssetListScreen.choose_columns": "Choose the columns (owner, role, tags, files, last used, "
                                      "attached ...); the choice is saved",
    "AssetListScreen.refresh": "Load the list again (also the way to retry after an error)",
    "AssetListScreen.open_archive": "Open the archive bin (archived data assets)",
    "AssetListScreen.leave_search": "Back from the search bar to the table",
    "ArchiveScreen.back": "From the search bar back to the table; from the table back to My Data",
    # what can be done to assets (My Data, the archive bin, the detail view)
    "AssetActionsScreen.edit": "Edit the name, description, mount, tags and custom metadata",
    "AssetActionsScreen.tags": "Add or remove tags on the highlighted or selected assets",
    "AssetActionsScreen.share": "Share the asset with users, groups or everyone",
    "AssetActionsScreen.archive": "Archive the highlighted or selected assets (after a "
                                  "confirmation)",
    "AssetActionsScreen.restore": "Restore the highlighted or selected archived assets",
    "AssetActionsScreen.delete": "Delete archived assets for good (type the name to confirm)",
    "AssetActionsScreen.create": "Create a data asset from S3, a computation's results, or the "
                                 "selected assets",
    "AssetActionsScreen.copy_id": "Copy the asset's ID (press again to show it to select)",
    "AssetActionsScreen.copy_url": "Copy the asset's web address (press again to show it to "
                                   "select)",
    "AssetActionsScreen.open_web_page": "Open the asset's web page in the browser (copied "
                                        "instead over SSH or inside a capsule)",
    "AssetActionsScreen.download_assets": "Download the highlighted or selected assets (as files "
                                          "or one zip each)",
    "AssetActionsScreen.attach": "Attach the highlighted or selected assets to this capsule",
    "AssetActionsScreen.detach": "Detach the highlighted or selected assets from this capsule",
    # the detail view
    "AssetDetailScreen.back": "Go back to the previous screen",
    "AssetDetailScreen.show_tab('overview')": "Name, description, custom metadata and where the "
                                              "data came from",
    "AssetDetailScreen.show_tab('files')": "Browse and preview the asset's files",
    "AssetDetailScreen.show_tab('sharing')": "Who can see or edit the asset",
    "AssetDetailScreen.show_tab('attached')": "Capsules and pipelines the asset is attached to",
    "AssetDetailScreen.refresh": "Read the asset again, and the tabs already opened",
    "FilesPane.back": "Leave the search or the preview, else go back to the previous screen",
    "FilesPane.filter": "Search every file path of the asset (its folders are listed in the "
                        "background)",
    "FileSearch.close": "Leave the search, back to the file tree",
    "FileSearch.to_list": "From the search box to the list of matches",
    "MatchList.choose": "Open the highlighted match in the file tree",
    "FilesPane.load_more": "Read the next 256 KiB of the previewed file",
    "FilesPane.copy_link": "Copy a link to the highlighted file (the link expires)",
    "FilesPane.open_pager": "Read the whole highlighted file in your pager (less by default)",
    "FilesPane.download": "Download the highlighted file or folder",
    "FilesPane.toggle_raw": "Switch Markdown, tables and notebooks between rendered and raw",
    "FileTree.activate": "Open or close a folder, show more entries, retry, or preview a file",
    "FileTree.expand": "Open the folder under the cursor (or step into it when it is open)",
    "FileTree.collapse": "Close the folder under the cursor, or go to the folder that holds "
                         "this entry",
    "FilePreview.scroll_up": "Scroll the preview up",
    "FilePreview.scroll_down": "Scroll the preview down",
    "FilePreview.scroll_home": "Go to the top of the preview",
    "FilePreview.scroll_end": "Go to the end of the preview",
    "FilePreview.scroll_left": "Scroll the preview left",
    "FilePreview.scroll_right": "Scroll the preview right",
    # the download queue
    "DownloadsPanel.cancel": "Cancel the highlighted download (queued or running)",
    "DownloadsPanel.retry": "Queue the highlighted download again (failed or cancelled files "
                            "resume)",
    "DownloadsPanel.cancel_all": "Cancel every queued or running download",
    "DownloadsScreen.close": "Hide the queue; downloads go on in the background",
    # logging in
    "LoginScreen.submit": "Check the domain and token with one request, and save them",
    "LoginScreen.cancel": "Back to where the login screen was opened from",
    # dialogs
    "HelpScreen.close": "Close the help",
    "HelpScreen.scroll(1)": "Scroll the key list down",
    "HelpScreen.scroll(-1)": "Scroll the key list up",
    "HelpScreen.scroll_home": "Scroll to the top",
    "HelpScreen.scroll_end": "Scroll to the bottom",
    "ConfirmScreen.confirm": "Answer yes",
    "ConfirmScreen.cancel": "Answer no",
    "TypedNameConfirmScreen.cancel": "Keep the assets",
    "ResultsScreen.close": "Close the summary",
    "ResultsScreen.scroll(1)": "Scroll the list down",
    "ResultsScreen.scroll(-1)": "Scroll the list up",
    "CopyScreen.close": "Close the dialog",
    "SortMenu.apply": "Close and sort the list",
    "SortMenu.cancel": "Close without changing the sort",
    "SortMenu.move(1)": "Go to the next row",
    "SortMenu.move(-1)": "Go to the previous row",
    "ColumnChooser.apply": "Close and show the ticked columns (saved for the next time)",
    "ColumnChooser.cancel": "Close without changing the columns",
    "ColumnChooser.usual": "Tick the usual columns again (applied with ctrl+s)",
    "ColumnChooser.move(1)": "Go to the next column",
    "ColumnChooser.move(-1)": "Go to the previous column",
    "FiltersScreen.apply": "Close and filter the list",
    "FiltersScreen.cancel": "Close without changing anything",
    "FiltersScreen.clear": "Reset every filter (applied with enter)",
    "FiltersScreen.move(1)": "Go to the next filter",
    "FiltersScreen.move(-1)": "Go to the previous filter",
    "Choice.step(1)": "Choose the next option",
    "Choice.step(-1)": "Choose the previous option",
    "CreateScreen.create": "Check every field, then create the data asset",
    "CreateScreen.cancel": "Close without creating anything",
    "RunPickerScreen.use": "Use the chosen run, and what of its results is marked, in the form",
    "RunPickerScreen.back": "Back from the results to the runs; from the runs, back to the form",
    "ResultsTree.tick": "Mark this folder or file as what to capture (again: every result file)",
    "ResultsTree.open": "Open the folder (its files are listed the first time)",
    "ResultsTree.close": "Close the folder, or go to the folder it is in",
    "DownloadDialog.start": "Check the choices and start (overwriting asks once more)",
    "DownloadDialog.cancel": "Close without downloading",
    "DownloadDialog.move(1)": "Go to the next choice",
    "DownloadDialog.move(-1)": "Go to the previous choice",
    "TagsScreen.apply": "Send the changes (or close once the results have been seen)",
    "TagsScreen.cancel": "Close; changes not applied yet are confirmed first",
    "TagChips.move(1)": "Highlight the next tag",
    "TagChips.move(-1)": "Highlight the previous tag",
    "TagChips.toggle_chip": "Mark the highlighted tag for removal, or keep it after all",
    "TagInput.complete_or_add": "Complete the suggested tag, or add the typed one",
    "EditMetadataScreen.save": "Check the form and save it",
    "EditMetadataScreen.cancel": "Close, asking first if something was typed",
    "EditMetadataScreen.overwrite": "Keep every field as you typed it (after a conflict)",
    "ShareScreen.save": "Save the change (owner grants and sharing with everyone ask again "
                        "first)",
    "ShareScreen.close": "Close; with unsaved changes, the first escape only warns",
    "ShareScreen.focus_add": "Jump to the e-mail or group name box",
    "ShareScreen.remove": "Remove the highlighted entry (not the asset's owner)",
    "ShareScreen.role(1)": "Give the highlighted entry the next role",
    "ShareScreen.role(-1)": "Give the highlighted entry the previous role",
    "ShareConfirmScreen.answer(True)": "Save anyway",
    "ShareConfirmScreen.answer(False)": "Go back to the dialog without saving",
}
"""User-facing explanations of co-tui's key-bound actions; see the module docstring."""


def explanation(owner: type, action: str) -> str:
    """The explanation of ``action`` (``"cursor(-1)"``, ``"show_tab('files')"``) bound on
    ``owner`` (a class, or a subclass of the one the entry names); ``""`` when there is none,
    as for Textual's own actions."""
    bare = action.split("(", 1)[0]
    for cls in owner.__mro__:
        for key in (f"{cls.__name__}.{action}", f"{cls.__name__}.{bare}"):
            if key in EXPLANATIONS:
                return EXPLANATIONS[key]
    return EXPLANATIONS.get(action) or EXPLANATIONS.get(bare, "")


def disabled_reason(node: object, action: str) -> str | None:
    """``node``'s own words for why ``action`` (arguments and all) is disabled, from its
    ``disabled_reason(bare_action)`` method; ``None`` when it has none or says nothing."""
    explain = getattr(node, "disabled_reason", None)
    if not callable(explain):
        return None
    reason = explain(action.split("(", 1)[0])
    return reason if isinstance(reason, str) else None
