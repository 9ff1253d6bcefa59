"""Folder listings and signed file URLs (``codeocean.models.folder``)."""

from __future__ import annotations

import msgspec

from co_tui.api.models._base import _Model

__all__ = [
    "DownloadFileURL",
    "FileURLs",
    "Folder",
    "FolderItem",
]


class FolderItem(_Model):
    """A file or folder in a listing; ``path`` is relative to the asset root."""

    name: str = ""
    path: str = ""
    type: str = "file"
    size: int | None = None

    @property
    def is_folder(self) -> bool:
        """True for a folder."""
        return self.type == "folder"


class Folder(_Model):
    """One level of an asset's file tree."""

    items: list[FolderItem] = msgspec.field(default_factory=list)
    unreadable: int = 0
    """Items of this listing that could not be read and were left out (counted by this client,
    never read from the server or sent; see :mod:`co_tui.api.lenient`)."""


class FileURLs(_Model):
    """Signed URLs for one file: to download it, and to view it in a browser."""

    download_url: str = ""
    view_url: str = ""


class DownloadFileURL(_Model):
    """The deprecated single signed download URL."""

    url: str = ""
