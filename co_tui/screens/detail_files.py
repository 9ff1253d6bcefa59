"""The Files tab of the asset detail screen: the file tree, its filter and the preview.

``FilesPane`` owns the workers of the tab (architecture rule 4): one ``list_data_asset_files``
call per opened folder, and one exclusive preview worker whose stale results are dropped by a
generation check when the cursor moves on.

The preview pipeline itself is :func:`~co_tui.actions.preview_io.fetch_preview`.

Wide terminals show the tree and the preview side by side and preview the highlighted file;
narrow ones (under :data:`NARROW_WIDTH` columns) show the tree, and ``enter`` on a file opens its
preview in its place (``escape`` goes back to the tree).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from textual import on
from textual.app import ComposeResult
from textual.containers import Container, Vertical
from textual.content import Content
from textual.widgets import Input, Static

from co_tui.actions.preview_io import fetch_preview, files_note
from co_tui.api import (
    ApiError,
    BadRequestError,
    CodeOceanClient,
    NotFoundError,
    PermissionDeniedError,
)
from co_tui.api.models import DataAsset, FileURLs, FolderItem
from co_tui.formatting import format_count, format_size
from co_tui.preview import Preview, error_preview, external_preview
from co_tui.safe_text import display
from co_tui.widgets.file_preview import FilePreview, preview_header
from co_tui.widgets.file_tree import FileTree
from co_tui.widgets.filter_box import FilterBox
from co_tui.widgets.preview_document import (
    Document,
    build_document,
    continue_document,
    has_raw_view,
)
from co_tui.workers import worker

if TYPE_CHECKING:
    from co_tui.app import CoTuiApp

__all__ = ["NARROW_WIDTH", "PREVIEW_DELAY", "FilesPane"]

NARROW_WIDTH = 100
"""Below this many columns the preview replaces the tree instead of sitting beside it."""
PREVIEW_DELAY = 0.06
"""Seconds the cursor must rest on a file before its preview is fetched (holding a key down
fetches nothing but the file it stops on)."""
MUTED = "$foreground-muted"


@dataclass
class _Shown:
    """The file whose preview is on screen, and its chunks so far."""

    item: FolderItem
    chunks: list[Preview]
    urls: FileURLs | None
    raw: bool = False


class FilesPane(Container):
    """File tree, filter and preview for one asset; see the module docstring."""

    def __init__(self, client: CodeOceanClient, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.client = client
        self.asset: DataAsset | None = None
        self._started = False
        self._generation = 0
        self._shown: _Shown | None = None
        self._pending: FolderItem | None = None
        self._keys: tuple[bool, bool, bool] | None = None
        self._unreadable: dict[str, int] = {}
        """Entries of each listed folder that could not be read (the listing skipped them)."""

    @property
    def co_app(self) -> CoTuiApp:
        """The app, typed."""
        return cast("CoTuiApp", self.app)

    def compose(self) -> ComposeResult:
        with Vertical(id="tree-pane"):
            yield FilterBox(self._filter_changed,
                            placeholder="filter loaded names…  (enter: keep, escape: clear)",
                            id="file-filter")
            yield FileTree(id="file-tree")
            yield Static("", id="files-status")
        with Vertical(id="preview-pane"):
            yield Static(Content.styled("Preview", MUTED), id="preview-title")
            yield FilePreview(id="preview")
        yield Static("", id="files-note")

    @property
    def file_tree(self) -> FileTree:
        """The file tree."""
        return self.query_one(FileTree)

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
        if self._started and changed:
            self.reload()

    def start(self) -> None:
        """The tab was opened: list the root (once)."""
        if not self._started and self.asset is not None:
            self._started = True
            self.reload()

    def reload(self) -> None:
        """List the root again (refresh); opened folders close."""
        if self.asset is None:
            return
        self._started = True
        self.workers.cancel_group(self, "folders")
        note = files_note(self.asset)
        self.set_class(note is not None, "-no-files")
        if note is not None:
            self.query_one("#files-note", Static).update(display(note, multiline=True))
            if self.asset.is_external and self.asset.source_bucket is not None:
                bucket = self.asset.source_bucket
                self._show_preview_of(external_preview(bucket.bucket or "?", bucket.prefix or ""))
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

    # --- filter -------------------------------------------------------------------------------

    def open_filter(self) -> None:
        """Show the filter box and type into it."""
        self.add_class("-filtering")
        self.query_one("#file-filter", Input).focus()

    def leave_filter(self, *, clear: bool) -> bool:
        """Back from the filter box to the tree (clearing it if asked). False when the filter
        box was not in use."""
        box = self.query_one("#file-filter", Input)
        if not box.has_focus and not (clear and self.file_tree.filter):
            return False
        if clear:
            box.value = ""
            self.file_tree.set_filter("")
            self.remove_class("-filtering")
            self._update_status()
        self._back_to_tree()
        return True

    def _filter_changed(self, value: str) -> None:
        self.file_tree.set_filter(value)
        self._update_status()

    @on(Input.Submitted, "#file-filter")
    def _filter_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if not event.value:
            self.remove_class("-filtering")
        self._back_to_tree()

    def _back_to_tree(self) -> None:
        """Focus the tree and preview what its cursor is on (previews pause while filtering)."""
        tree = self.file_tree
        tree.focus()
        item = tree.highlighted
        shown = self._shown
        if (not self.narrow and item is not None and not item.is_folder
                and (shown is None or shown.item.path != item.path)):
            self._start_preview(item)

    def _update_status(self) -> None:
        tree = self.file_tree
        root = tree.folder_state("")
        if root == "loading":
            text = "loading…"
        elif root == "error":
            text = "could not list the files"
        else:
            text = f"{format_count(tree.loaded_count(''))} entries at the top"
            if self.asset is not None and self.asset.files is not None:
                text += f" · {format_count(self.asset.files)} files in all"
        status = self.query_one("#files-status", Static)
        if tree.filter:  # one line of fixed height: no layout pass per keystroke
            status.update(Content.assemble(
                (f"{tree.match_count:,} loaded names match ", ""),
                display(repr(tree.filter), max_cells=30, style="bold"),
            ), layout=False)
            return
        skipped = sum(self._unreadable.values())
        if skipped:
            status.update(Content.assemble(
                (text, MUTED), " · ",
                (f"{skipped:,} entr{'ies' if skipped != 1 else 'y'} could not be read", "$warning"),
            ), layout=False)
            return
        status.update(Content.styled(text, MUTED), layout=False)

    # --- preview ------------------------------------------------------------------------------

    @on(FileTree.Highlighted)
    def _highlighted(self, message: FileTree.Highlighted) -> None:
        message.stop()
        item = message.item
        if self.narrow or self.query_one("#file-filter", Input).has_focus:
            return  # no previews while typing a filter: the tree's cursor jumps around
        if item is None or item.is_folder:
            self._generation += 1
            self.workers.cancel_group(self, "preview")
            self._shown = None
            if item is not None:
                self._show_folder(item)
            self._keys_changed()
            return
        self._start_preview(item)

    @on(FileTree.FileChosen)
    def _chosen(self, message: FileTree.FileChosen) -> None:
        message.stop()
        if self.narrow:
            self.add_class("-preview-open")
            self._keys_changed()
        shown = self._shown
        if shown is None or shown.item.path != message.item.path:
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
        shown = self._shown
        return (self.preview_in_view and shown is not None and bool(shown.chunks)
                and shown.chunks[-1].resume is not None)

    @property
    def can_toggle_raw(self) -> bool:
        """The preview on screen has a raw view (``m``)."""
        shown = self._shown
        return (self.preview_in_view and shown is not None and bool(shown.chunks)
                and has_raw_view(shown.chunks[0]))

    def _keys_changed(self) -> None:
        """Refresh the footer when the keys that apply changed (not on every cursor move)."""
        keys = (self.tree_in_view, self.can_load_more, self.can_toggle_raw)
        if keys != self._keys:
            self._keys = keys
            self.screen.refresh_bindings()

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

    def _show_folder(self, item: FolderItem) -> None:
        state = self.file_tree.folder_state(item.path)
        count = self.file_tree.loaded_count(item.path)
        what = f"{count:,} entries" if state == "loaded" else "enter opens it"
        self.query_one("#preview-title", Static).update(Content.assemble(
            display(item.path + "/", style="bold"), ("  folder · ", MUTED), (what, MUTED)))
        self.preview.show_message(Content.styled("A folder: enter or → opens it in the tree.",
                                                 MUTED))

    def _start_preview(self, item: FolderItem, *, delay: float = PREVIEW_DELAY) -> None:
        self._generation += 1
        self._shown = _Shown(item, [], None)
        self.query_one("#preview-title", Static).update(Content.assemble(
            display(item.path, style="bold"), "  ", (format_size(item.size), MUTED)))
        self.preview.show_message(Content.styled("loading…", MUTED))
        self._load_preview(self._generation, item, delay)

    def _preview_raised(self, error: BaseException, generation: int, item: FolderItem,
                        delay: float) -> None:
        if generation == self._generation:
            preview = error_preview(item.path, "could not read the file (an unexpected error)")
            self._shown = _Shown(item, [preview], None)
            self._show_preview_of(preview)

    @worker("previewing the file", group="preview", exclusive=True, recover=_preview_raised)
    async def _load_preview(self, generation: int, item: FolderItem, delay: float) -> None:
        if delay:
            await asyncio.sleep(delay)  # cancelled here when the cursor moves on
        asset = self.asset
        if asset is None or generation != self._generation:
            return
        try:
            preview, urls = await fetch_preview(self.client, asset.id, item, asset=asset,
                                                max_bytes=self.co_app.settings.preview_max_bytes)
        except ApiError as error:
            if generation == self._generation:
                self._preview_failed(item, error)
            return
        raw = self._shown.raw if self._shown is not None else False
        document = await asyncio.to_thread(build_document, preview, raw=raw)
        if generation != self._generation:
            return
        self._shown = _Shown(item, [preview], urls, raw)
        self._show_preview_of(preview, document)

    def _preview_failed(self, item: FolderItem, error: ApiError) -> None:
        if isinstance(error, NotFoundError):
            message = "the file is gone (404)"
        elif isinstance(error, PermissionDeniedError):
            message = "you do not have permission to read this file (403)"
        else:
            message = f"could not read the file: {error.message}"
        preview = error_preview(item.path, message)
        self._shown = _Shown(item, [preview], None)
        self._show_preview_of(preview)
        self.co_app.show_error(error, action=f"previewing {item.name}")

    def _show_preview_of(self, preview: Preview, document: Document | None = None) -> None:
        self._update_title(preview)
        self.preview.show_document(document or build_document(preview))
        self._keys_changed()

    def load_more(self) -> bool:
        """Read the next 256 KiB of the previewed file. False when there is nothing more."""
        shown = self._shown
        if shown is None or not shown.chunks or shown.chunks[-1].resume is None:
            return False
        self._more(self._generation, shown)
        return True

    @worker("loading more of the file", group="preview", exclusive=True)
    async def _more(self, generation: int, shown: _Shown) -> None:
        asset = self.asset
        if asset is None:
            return
        previous = shown.chunks[-1]
        try:
            preview, urls = await fetch_preview(
                self.client, asset.id, shown.item, urls=shown.urls, previous=previous,
                asset=asset, max_bytes=self.co_app.settings.preview_max_bytes)
        except ApiError as error:
            if generation == self._generation:
                self.co_app.show_error(error, action=f"loading more of {shown.item.name}")
            return
        if generation != self._generation or self._shown is not shown:
            return
        shown.chunks.append(preview)
        shown.urls = urls
        document = self.preview.document
        continue_document(document, previous, preview)
        self.preview.refresh_document()
        first = shown.chunks[0]
        merged = Preview(first.kind, first.name, first.title, first.body,
                         total_size=preview.total_size, truncated=preview.truncated,
                         resume=preview.resume, notes=preview.notes)
        self._update_title(merged)
        self._keys_changed()

    def _update_title(self, preview: Preview) -> None:
        raw = self._shown is not None and self._shown.raw
        self.query_one("#preview-title", Static).update(preview_header(preview, raw=raw))

    def toggle_raw(self) -> bool:
        """Flip between rendered and raw (Markdown, tables, notebooks). False when the shown
        preview has no raw view."""
        shown = self._shown
        if shown is None or not shown.chunks or not has_raw_view(shown.chunks[0]):
            return False
        shown.raw = not shown.raw
        document = build_document(shown.chunks[0], raw=shown.raw)
        for previous, chunk in zip(shown.chunks, shown.chunks[1:], strict=False):
            continue_document(document, previous, chunk)
        self._show_preview_of(shown.chunks[0], document)
        return True

    @property
    def shown_preview(self) -> Preview | None:
        """The first chunk of the preview on screen."""
        return self._shown.chunks[0] if self._shown is not None and self._shown.chunks else None
