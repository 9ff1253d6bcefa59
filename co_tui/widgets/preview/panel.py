"""The preview half of the Files tab: a header line and the file's preview, and its workers.

One exclusive worker reads the highlighted file's first 256 KiB after the cursor has rested on it
(:data:`PREVIEW_DELAY`); a read the cursor has moved on from is cancelled, and its result is
dropped (:func:`co_tui.workers.superseded`).
``L`` reads the next chunk onto the same document, ``m`` rebuilds it raw or rendered. The panel
posts :class:`PreviewPanel.Changed` when what ``L`` and ``m`` can do may have changed, so the
Files tab refreshes its keys.

The preview pipeline itself is :func:`~co_tui.operations.preview_io.fetch_preview`.
"""

from __future__ import annotations

import asyncio
import os
from dataclasses import dataclass

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Static

from co_tui.api import ApiError, CodeOceanClient, NotFoundError, PermissionDeniedError
from co_tui.api.models import DataAsset, FileURLs, FolderItem
from co_tui.app import co_app
from co_tui.formatting import format_size
from co_tui.operations.preview_io import fetch_preview, fetch_whole_image
from co_tui.preview import Preview, error_preview
from co_tui.preview.graphics_mode import PictureMode, picture_mode
from co_tui.preview.picture import is_picture
from co_tui.safe_text import display
from co_tui.widgets.preview.document import (
    Document,
    build_document,
    continue_document,
    has_raw_view,
)
from co_tui.widgets.preview.file_preview import FilePreview, preview_header
from co_tui.workers import superseded, worker

__all__ = ["PREVIEW_DELAY", "PreviewPanel"]

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


class PreviewPanel(Vertical):
    """The header and the preview of one file of ``asset``; see the module docstring."""

    co_app = co_app

    class Changed(Message):
        """What the preview can do (load more, raw view) may have changed."""

    def __init__(self, client: CodeOceanClient, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.client = client
        self.asset: DataAsset | None = None
        self._shown: _Shown | None = None

    def compose(self) -> ComposeResult:
        yield Static(Content.styled("Preview", MUTED), id="preview-title")
        yield FilePreview(id="preview")

    @property
    def view(self) -> FilePreview:
        """The preview view."""
        return self.query_one(FilePreview)

    @property
    def shown_path(self) -> str | None:
        """The path of the file previewed (or being read), if any."""
        return self._shown.item.path if self._shown is not None else None

    @property
    def has_more(self) -> bool:
        """The preview goes on past what was read (``L``)."""
        shown = self._shown
        return shown is not None and bool(shown.chunks) and shown.chunks[-1].resume is not None

    @property
    def has_raw_view(self) -> bool:
        """The preview has a raw view (``m``)."""
        shown = self._shown
        return shown is not None and bool(shown.chunks) and has_raw_view(shown.chunks[0])

    @property
    def picture_mode(self) -> PictureMode:
        """How pictures are drawn here (``CO_TUI_IMAGES``; half blocks when headless)."""
        return picture_mode(os.environ, headless=self.app.is_headless)

    def clear(self) -> None:
        """Nothing is previewed (a folder or nothing is highlighted): stale reads are dropped."""
        self.workers.cancel_group(self, "preview")
        self._shown = None
        self.post_message(self.Changed())

    def show_folder(self, item: FolderItem, loaded: int | None) -> None:
        """Say that ``item`` is a folder (``loaded``: its entries, None when not listed yet)."""
        what = f"{loaded:,} entries" if loaded is not None else "enter opens it"
        self.query_one("#preview-title", Static).update(Content.assemble(
            display(item.path + "/", style="bold"), ("  folder · ", MUTED), (what, MUTED)))
        self.view.show_message(Content.styled("A folder: enter or → opens it in the tree.",
                                              MUTED))

    def start(self, item: FolderItem, *, delay: float = PREVIEW_DELAY) -> None:
        """Preview ``item`` once the cursor has rested on it for ``delay`` seconds."""
        self._shown = _Shown(item, [], None)
        self.query_one("#preview-title", Static).update(Content.assemble(
            display(item.path, style="bold"), "  ", (format_size(item.size), MUTED)))
        self.view.show_message(Content.styled("loading…", MUTED))
        self._load_preview(item, delay)

    def _wanted(self) -> bool:
        """The running read is still the one wanted (not superseded), and the panel is still
        on screen: a read can finish while the detail screen is being removed, when the title
        and the view are already gone (the fault matrix met one)."""
        return not superseded() and self.is_attached and not (
            self._closing or self._closed or self._pruning)

    def _preview_raised(self, error: BaseException, item: FolderItem, delay: float) -> None:
        if self._wanted():
            preview = error_preview(item.path, "could not read the file (an unexpected error)")
            self._shown = _Shown(item, [preview], None)
            self.show(preview)

    @worker("previewing the file", group="preview", exclusive=True, recover=_preview_raised)
    async def _load_preview(self, item: FolderItem, delay: float) -> None:
        if delay:
            await asyncio.sleep(delay)  # cancelled here when the cursor moves on
        asset = self.asset
        if asset is None or not self._wanted():
            return
        try:
            preview, urls = await fetch_preview(self.client, asset.id, item, asset=asset,
                                                max_bytes=self.co_app.settings.preview_max_bytes)
        except ApiError as error:
            if self._wanted():
                self._preview_failed(item, error)
            return
        raw = self._shown.raw if self._shown is not None else False
        document = await asyncio.to_thread(build_document, preview, raw=raw,
                                           images=self.picture_mode)
        if not self._wanted():
            return
        self._shown = _Shown(item, [preview], urls, raw)
        self.show(preview, document)

    def _preview_failed(self, item: FolderItem, error: ApiError) -> None:
        if isinstance(error, NotFoundError):
            message = "the file is gone (404)"
        elif isinstance(error, PermissionDeniedError):
            message = "you do not have permission to read this file (403)"
        else:
            message = f"could not read the file: {error.message}"
        preview = error_preview(item.path, message)
        self._shown = _Shown(item, [preview], None)
        self.show(preview)
        self.co_app.show_error(error, action=f"previewing {item.name}")

    def show(self, preview: Preview, document: Document | None = None) -> None:
        """Show ``preview`` (built into ``document`` unless given)."""
        self._update_title(preview)
        self.view.show_document(document or build_document(preview))
        self.post_message(self.Changed())

    def load_more(self) -> bool:
        """Read the next 256 KiB of the previewed file. False when there is nothing more."""
        shown = self._shown
        if shown is None or not shown.chunks or shown.chunks[-1].resume is None:
            return False
        if self.picture_mode != "off" and is_picture(shown.chunks[0]):
            self._more_picture(shown)
        else:
            self._more(shown)
        return True

    @worker("loading the whole image", group="preview", exclusive=True)
    async def _more_picture(self, shown: _Shown) -> None:
        asset = self.asset
        if asset is None:
            return
        self.query_one("#preview-title", Static).update(Content.assemble(
            display(shown.item.path, style="bold"), ("  loading the whole image…", MUTED)))
        try:
            preview, urls = await fetch_whole_image(
                self.client, asset.id, shown.item, shown.chunks[0], urls=shown.urls,
                asset=asset)
        except ApiError as error:
            if self._wanted():
                self._update_title(shown.chunks[0])
                self.co_app.show_error(error, action=f"loading more of {shown.item.name}")
            return
        if not self._wanted() or self._shown is not shown:
            return
        document = await asyncio.to_thread(build_document, preview, images=self.picture_mode)
        if not self._wanted() or self._shown is not shown:
            return
        self._shown = _Shown(shown.item, [preview], urls, shown.raw)
        self.show(preview, document)

    @worker("loading more of the file", group="preview", exclusive=True)
    async def _more(self, shown: _Shown) -> None:
        asset = self.asset
        if asset is None:
            return
        previous = shown.chunks[-1]
        try:
            preview, urls = await fetch_preview(
                self.client, asset.id, shown.item, urls=shown.urls, previous=previous,
                asset=asset, max_bytes=self.co_app.settings.preview_max_bytes)
        except ApiError as error:
            if self._wanted():
                self.co_app.show_error(error, action=f"loading more of {shown.item.name}")
            return
        if not self._wanted() or self._shown is not shown:
            return
        shown.chunks.append(preview)
        shown.urls = urls
        document = self.view.document
        continue_document(document, previous, preview)
        self.view.refresh_document()
        first = shown.chunks[0]
        merged = Preview(first.kind, first.name, first.title, first.body,
                         total_size=preview.total_size, truncated=preview.truncated,
                         resume=preview.resume, notes=preview.notes)
        self._update_title(merged)
        self.post_message(self.Changed())

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
        self.show(shown.chunks[0], document)
        return True

    @property
    def shown_preview(self) -> Preview | None:
        """The first chunk of the preview on screen."""
        return self._shown.chunks[0] if self._shown is not None and self._shown.chunks else None
