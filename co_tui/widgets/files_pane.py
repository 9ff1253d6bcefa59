"""The Files tab of the asset detail screen: the file tree, its search, the preview and its keys.

``FilesPane`` owns the tab's keys (``/`` search every path, :mod:`~co_tui.widgets.file_search`;
``L`` load more, ``m`` raw view, ``l`` copy a file's link, ``o`` read it in ``$PAGER``, ``d``
download, ``escape`` back), the checks that
decide which of them apply (the footer and the help show only those), and the tab's workers
(docs/architecture.md, 'Workers'): one ``list_data_asset_files`` call per opened folder, the
file-link and the pager workers. The preview and its workers are
:class:`~co_tui.widgets.preview.panel.PreviewPanel`'s. What needs a dialog (downloading,
copying a link) is asked of the screen with a message.

Wide terminals show the tree and the preview side by side and preview the highlighted file (or,
while searching, the highlighted match);
narrow ones (under :data:`NARROW_WIDTH` columns) show the tree, and ``enter`` on a file opens its
preview in its place (``escape`` goes back to the tree).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Container, Vertical
from textual.content import Content
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Static

from co_tui.api import (
    ApiError,
    BadRequestError,
    CodeOceanClient,
)
from co_tui.api.models import DataAsset, FolderItem
from co_tui.app import co_app
from co_tui.operations.clipboard import FileLink, file_share_link
from co_tui.operations.preview_io import files_note
from co_tui.preview import Preview, external_preview
from co_tui.safe_text import display
from co_tui.widgets.file_search import FileSearch, reveal_in_tree
from co_tui.widgets.file_search_list import MatchList
from co_tui.widgets.file_tree import FileTree
from co_tui.widgets.files_pager import read_in_pager
from co_tui.widgets.files_status import FilesStatus, files_status_line
from co_tui.widgets.preview.file_preview import FilePreview
from co_tui.widgets.preview.panel import PREVIEW_DELAY, PreviewPanel
from co_tui.workers import worker

if TYPE_CHECKING:
    from co_tui.transfer import DownloadTarget

__all__ = ["FILES_ACTIONS", "NARROW_WIDTH", "PREVIEW_DELAY", "FilesPane"]

NARROW_WIDTH = 100
"""Below this many columns the preview replaces the tree instead of sitting beside it."""

FILES_ACTIONS = frozenset({"back", "filter", "load_more", "toggle_raw", "copy_link", "open_pager",
                           "download"})
"""The pane's own actions: offered only while the pane is on screen."""


class FilesPane(Container):
    """File tree, search and preview for one asset; see the module docstring."""

    HELP_GROUP: ClassVar[str] = "Files"
    co_app = co_app
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back"),
        Binding("backspace", "back", "Back", show=False),
        Binding("slash", "filter", "Search paths", key_display="/"),
        Binding("L", "load_more", "Load more", key_display="L"),
        Binding("l", "copy_link", "Copy file link", show=False),
        Binding("o", "open_pager", "Open in $PAGER", show=False),
        Binding("d", "download", "Download", show=False),
        Binding("m", "toggle_raw", "Raw/rendered"),
    ]

    class DownloadAsked(Message):
        """The user asked to download a file or folder of the asset (``d``)."""

        def __init__(self, target: DownloadTarget) -> None:
            super().__init__()
            self.target = target

    class LinkFetched(Message):
        """A link to a file was made (``l``): the screen copies it to the clipboard."""

        def __init__(self, link: FileLink) -> None:
            super().__init__()
            self.link = link

    def __init__(self, client: CodeOceanClient, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.client = client
        self.asset: DataAsset | None = None
        self._started = False
        self._pending: FolderItem | None = None
        self._keys: tuple[bool, bool, bool] | None = None
        self._unreadable: dict[str, int] = {}
        """Entries of each listed folder that could not be read (the listing skipped them)."""

    def compose(self) -> ComposeResult:
        with Vertical(id="tree-pane"):
            yield FileSearch(self.client, id="file-search")
            yield FileTree(id="file-tree")
            yield Static("", id="files-status")
        yield PreviewPanel(self.client, id="preview-pane")
        yield Static("", id="files-note")

    @property
    def file_tree(self) -> FileTree:
        """The file tree."""
        return self.query_one(FileTree)

    @property
    def previewer(self) -> PreviewPanel:
        """The preview half of the tab (header, preview and their workers)."""
        return self.query_one(PreviewPanel)

    @property
    def preview(self) -> FilePreview:
        """The preview view."""
        return self.query_one(FilePreview)

    @property
    def narrow(self) -> bool:
        """True when the preview replaces the tree instead of sitting beside it."""
        return self.has_class("-narrow")

    # --- lifecycle ----------------------------------------------------------------------------

    def set_asset(self, asset: DataAsset) -> None:
        """The asset (new or re-read). Starts listing if the tab was already opened."""
        changed = self.asset is None or self.asset.id != asset.id or (
            files_note(self.asset) != files_note(asset))
        self.asset = asset
        self.previewer.asset = asset
        if self._started and changed:
            self.reload()

    def start(self) -> None:
        """The tab was opened: list the root (once)."""
        if not self._started and self.asset is not None:
            self._started = True
            self.reload(refresh=False)

    def reload(self, *, refresh: bool = True) -> None:
        """List the root again; opened folders close (a ``refresh`` walks again at ``/``)."""
        if self.asset is None:
            return
        self._started = True
        self.workers.cancel_group(self, "folders")
        self.close_search()
        if refresh:
            self.query_one(FileSearch).forget(self.asset.id)
        # an asset only discoverable to the user: its files need access (operations/rights.py)
        note = files_note(self.asset) or self.co_app.rights.reason(self.asset, "preview")
        self.set_class(note is not None, "-no-files")
        if note is not None:
            self.query_one("#files-note", Static).update(display(note, multiline=True))
            if self.asset.is_external and self.asset.source_bucket is not None:
                bucket = self.asset.source_bucket
                self.previewer.show(external_preview(bucket.bucket or "?", bucket.prefix or ""))
            return
        self.file_tree.reset()
        self._unreadable.clear()
        self._update_status()
        self._list_folder("")

    # --- folders ------------------------------------------------------------------------------

    def _folder_failed(self, error: BaseException, path: str) -> None:
        """Listing ``path`` failed: its row offers a retry, the status stops saying loading."""
        self.file_tree.set_folder_error(path, "could not list this folder")
        self._update_status()

    @worker("listing a folder", group="folders", recover=_folder_failed)
    async def _list_folder(self, path: str) -> None:
        asset = self.asset
        if asset is None:
            return
        action = f"listing {path or 'the files'}"
        try:
            folder = await self.client.data_assets.list_data_asset_files(asset.id, path)
        except BadRequestError as error:
            if asset.is_external or "external" in error.message.lower():
                self.file_tree.set_folder_error(path, "external asset: files are not listed here")
                return
            self._folder_failed(error, path)
            self.co_app.show_error(error, action=action)
            return
        except ApiError as error:
            self._folder_failed(error, path)
            self.co_app.show_error(error, action=action)
            return
        if self.asset is None or self.asset.id != asset.id:
            return
        self.file_tree.set_folder(path, folder.items)
        self._unreadable[path] = folder.unreadable
        self._update_status()

    @on(FileTree.FolderRequested)
    def _folder_requested(self, message: FileTree.FolderRequested) -> None:
        message.stop()
        self._list_folder(message.path)

    # --- search (FileSearch: every path of the asset) ------------------------------------------

    def open_search(self) -> None:
        """Show the search over every path of the asset and type into it."""
        if self.asset is not None and files_note(self.asset) is None:
            self.add_class("-searching")
            self.query_one(FileSearch).open(self.asset)

    def close_search(self) -> bool:
        """Back from the search to the tree. False when the search was not open."""
        if not self.has_class("-searching"):
            return False
        self.query_one(FileSearch).close()
        self.remove_class("-searching")
        self._back_to_tree()
        return True

    @on(FileSearch.Closed)
    def _search_closed(self, message: FileSearch.Closed) -> None:
        message.stop()
        self.close_search()

    @on(FileSearch.Chosen)
    def _search_chosen(self, message: FileSearch.Chosen) -> None:
        message.stop()
        self.close_search()
        reveal_in_tree(self.file_tree, message.item, message.listings)

    def _back_to_tree(self) -> None:
        """Focus the tree and preview what its cursor is on (previews pause while searching)."""
        tree = self.file_tree
        tree.focus()
        item = tree.highlighted
        if (not self.narrow and item is not None and not item.is_folder
                and self.previewer.shown_path != item.path):
            self._start_preview(item)

    def _update_status(self) -> None:
        tree = self.file_tree
        status = FilesStatus(
            root=tree.folder_state(""), loaded=tree.loaded_count(""),
            files=self.asset.files if self.asset is not None else None, filter=tree.filter,
            matches=tree.match_count, unreadable=sum(self._unreadable.values()))
        # one line of fixed height: no layout pass per keystroke
        self.query_one("#files-status", Static).update(files_status_line(status), layout=False)

    # --- preview ------------------------------------------------------------------------------

    @on(FileTree.Highlighted)
    def _highlighted(self, message: FileTree.Highlighted) -> None:
        message.stop()
        item = message.item
        if self.narrow or self.has_class("-searching"):
            return  # no previews while searching: the tree is not on show
        if item is None or item.is_folder:
            self.previewer.clear()
            if item is not None:
                tree = self.file_tree
                loaded = tree.folder_state(item.path) == "loaded"
                self.previewer.show_folder(item, tree.loaded_count(item.path) if loaded else None)
            return
        self._start_preview(item)

    @on(MatchList.Highlighted)
    def _match_highlighted(self, message: MatchList.Highlighted) -> None:
        """While searching, the preview follows the highlighted match (as it follows the tree's
        cursor otherwise)."""
        message.stop()
        item = message.item
        if self.narrow or not self.has_class("-searching"):
            return
        if item is None or item.is_folder:
            self.previewer.clear()
            if item is not None:
                self.previewer.show_folder(item, None)
            return
        if self.previewer.shown_path != item.path:
            self._start_preview(item)

    @on(FileTree.FileChosen)
    def _chosen(self, message: FileTree.FileChosen) -> None:
        message.stop()
        if self.narrow:
            self.add_class("-preview-open")
            self._keys_changed()
        if self.previewer.shown_path != message.item.path:
            self._start_preview(message.item, delay=0)
        self.preview.focus()

    def close_preview(self) -> bool:
        """Back from the preview to the tree (closing it in the narrow layout). False when the
        preview was not in use."""
        if self.has_class("-preview-open"):
            self.remove_class("-preview-open")
            self._keys_changed()
        elif not self.preview.has_focus:
            return False
        self.file_tree.focus()
        return True

    # --- which keys apply now (the footer shows only those) ------------------------------------

    @property
    def tree_in_view(self) -> bool:
        """The file tree is on screen (the narrow layout shows it or the preview)."""
        return not (self.narrow and self.has_class("-preview-open"))

    @property
    def preview_in_view(self) -> bool:
        """The preview pane is on screen."""
        return not self.narrow or self.has_class("-preview-open")

    @property
    def can_load_more(self) -> bool:
        """A preview on screen goes on past what was read (``L``)."""
        return self.preview_in_view and self.previewer.has_more

    @property
    def can_toggle_raw(self) -> bool:
        """The preview on screen has a raw view (``m``)."""
        return self.preview_in_view and self.previewer.has_raw_view

    def _keys_changed(self) -> None:
        """Refresh the footer when the keys that apply changed (not on every cursor move)."""
        keys = (self.tree_in_view, self.can_load_more, self.can_toggle_raw)
        if keys != self._keys:
            self._keys = keys
            self.refresh_bindings()

    @property
    def in_view(self) -> bool:
        """The pane is on screen (its tab is the active one)."""
        return all(node.display for node in self.ancestors_with_self if isinstance(node, Widget))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The pane's keys apply only while its tab is on show, and only when they can do
        something: ``/`` when the tree is in view, ``L`` when the preview goes on, ``m`` when it
        has a raw view (False hides them); ``l`` and ``o`` need a file highlighted, ``d`` a file
        or a folder (None shows them disabled)."""
        if action not in FILES_ACTIONS:
            return True
        if not self.in_view:
            return False
        if self.disabled_reason(action):
            return None
        if action == "filter":
            return self.tree_in_view
        if action == "load_more":
            return self.can_load_more
        if action == "toggle_raw":
            return self.can_toggle_raw
        item = None if self.has_class("-searching") else self.file_tree.highlighted
        if action in ("copy_link", "open_pager"):
            return True if item is not None and not item.is_folder else None
        if action == "download":
            return True if item is not None else None
        return True

    def disabled_reason(self, action: str) -> str | None:
        """Why ``action`` is refused on this asset (only discoverable to the user), if it is."""
        if self.asset is None:
            return None
        return self.co_app.rights.reason(self.asset, action)

    @property
    def started(self) -> bool:
        """Whether the tab was opened (its root listed, or its note shown)."""
        return self._started

    def set_narrow(self, narrow: bool) -> None:
        """Switch between the side-by-side and the one-pane layout."""
        if narrow == self.narrow:
            return
        self.set_class(narrow, "-narrow")
        self._keys_changed()
        if not narrow:
            self.remove_class("-preview-open")
            item = self.file_tree.highlighted
            if item is not None and not item.is_folder:
                self._start_preview(item)

    @property
    def shown_preview(self) -> Preview | None:
        """The first chunk of the preview on screen."""
        return self.previewer.shown_preview

    def load_more(self) -> bool:
        """Read the next 256 KiB of the previewed file. False when there is nothing more."""
        return self.previewer.load_more()

    def toggle_raw(self) -> bool:
        """Flip between rendered and raw. False when the preview has no raw view."""
        return self.previewer.toggle_raw()

    def _start_preview(self, item: FolderItem, *, delay: float = PREVIEW_DELAY) -> None:
        self.previewer.start(item, delay=delay)

    @on(PreviewPanel.Changed)
    def _preview_changed(self, message: PreviewPanel.Changed) -> None:
        message.stop()
        self._keys_changed()

    # --- the pane's actions (its keys) ---------------------------------------------------------

    async def action_back(self) -> None:
        """Back: out of the search or the narrow preview first, then to the previous
        screen."""
        if self.close_search() or self.close_preview():
            return
        await self.run_action("screen.back")

    def action_filter(self) -> None:
        """Search every file path of the asset."""
        self.open_search()

    def action_load_more(self) -> None:
        """Read the next 256 KiB of the previewed file."""
        if not self.load_more():
            self.co_app.say(Content("Nothing more to load."), timeout=3)

    def action_toggle_raw(self) -> None:
        """Raw or rendered view of Markdown, tables and notebooks."""
        if not self.toggle_raw():
            self.co_app.say(Content("This preview has no raw view."), timeout=3)

    def action_download(self) -> None:
        """Ask the screen for the download dialog of the highlighted file or folder."""
        from co_tui.transfer import DownloadTarget

        item = self.file_tree.highlighted
        if item is not None and self.asset is not None:
            self.post_message(self.DownloadAsked(DownloadTarget.for_item(self.asset, item)))

    def action_copy_link(self) -> None:
        """Copy a link to the highlighted file (a signed URL: it expires)."""
        item = self.file_tree.highlighted
        if item is not None and not item.is_folder and self.asset is not None:
            self._copy_link(self.asset.id, item.path)

    @worker("getting the file's link", group="copy-link", exclusive=True)
    async def _copy_link(self, asset_id: str, path: str) -> None:
        try:
            link = await file_share_link(self.client, asset_id, path)
        except ApiError as error:
            self.co_app.show_error(error, action="getting the file's link")
            return
        self.post_message(self.LinkFetched(link))

    def action_open_pager(self) -> None:
        """Read the whole highlighted file in $PAGER (less by default)."""
        item = self.file_tree.highlighted
        if item is not None and not item.is_folder and self.asset is not None:
            self._open_pager(self.asset, item)

    @worker("opening the file in the pager", group="pager", exclusive=True)
    async def _open_pager(self, asset: DataAsset, item: FolderItem) -> None:
        await read_in_pager(self.co_app, self.client, asset, item)
