"""Reading the bytes a file's preview needs, and why an asset may have no files to list.

:func:`fetch_preview` is the whole preview pipeline without a UI: the capsule's local copy when
there is one, else one Range read of the signed URL through the signed-file service (which
fetches fresh URLs once after a 403), then ``build_preview`` in a thread. The Files tab uses it
(and so does ``bench/folder_and_preview.py``, through that tab).
"""

from __future__ import annotations

import asyncio
import dataclasses
from pathlib import Path
from typing import TYPE_CHECKING

from co_tui.formatting import format_size
from co_tui.preview import PREVIEW_BYTES, BinaryBody, Preview, build_preview
from co_tui.preview.limits import IMAGE_BYTES
from co_tui.transfer.local import local_file

if TYPE_CHECKING:
    from co_tui.api.client import CodeOceanClient
    from co_tui.api.models import DataAsset, FileURLs, FolderItem

__all__ = ["fetch_preview", "fetch_whole_image", "files_note"]


async def fetch_preview(
    client: CodeOceanClient,
    asset_id: str,
    item: FolderItem,
    *,
    urls: FileURLs | None = None,
    previous: Preview | None = None,
    asset: DataAsset | None = None,
    max_bytes: int = PREVIEW_BYTES,
) -> tuple[Preview, FileURLs | None]:
    """The preview of ``item``'s first 256 KiB (``max_bytes``: the ``preview_max_bytes``
    setting), or of the next chunk after ``previous``.

    Reads one Range of the signed ``download_url`` (the raw file; ``view_url`` may answer a
    browser viewer page, so it is only for copy-link); ``urls`` are reused when given. A 403
    from the storage host means the signature expired: the service fetches fresh URLs once
    and reads again. ``build_preview`` runs in a thread (re-indenting a 256 KiB JSON file
    takes tens of ms). Inside a capsule, when ``asset`` is mounted at ``/data/<mount>`` with
    this file at the listed size, the local read-only copy is read instead and no URL is
    fetched; the preview's first note says so.
    """
    resume = previous.resume if previous is not None else None
    start = resume.offset if resume is not None else 0
    name = item.path or item.name
    if asset is not None:
        local = await asyncio.to_thread(local_file, asset, item.path, size=item.size)
        if local is not None:
            data, total = await asyncio.to_thread(_read_local, local, start, max_bytes)
            preview = await asyncio.to_thread(
                build_preview, data, name=name, start=start, total_size=total,
                at_end=start + len(data) >= total, resume=resume,
            )
            note = f"read from this capsule's {local}, not the network"
            return dataclasses.replace(preview, notes=(note, *preview.notes)), None
    read, urls = await client.files.read_file(asset_id, item.path, start, max_bytes, urls=urls)
    preview = await asyncio.to_thread(
        build_preview, read.data, name=name, start=start, total_size=read.total_size,
        at_end=read.at_end, resume=resume,
    )
    return preview, urls


async def fetch_whole_image(
    client: CodeOceanClient,
    asset_id: str,
    item: FolderItem,
    first: Preview,
    *,
    urls: FileURLs | None = None,
    asset: DataAsset | None = None,
    cap: int = IMAGE_BYTES,
) -> tuple[Preview, FileURLs | None]:
    """"Load more" for a picture: the rest of the image after ``first`` (a first chunk with a
    :class:`~co_tui.preview.BinaryBody`), up to ``cap`` bytes in all, previewed as one chunk
    from offset 0. An image larger than ``cap`` is cut there, and says so (no further "load
    more": a picture is not shown piecewise)."""
    body = first.body
    if not isinstance(body, BinaryBody) or first.resume is None:
        raise ValueError("not the first chunk of an image that goes on")
    start = len(body.data)
    length = max(1, min(first.total_size or cap, cap) - start)
    name = item.path or item.name
    data: bytes | None = None
    total = first.total_size
    note = None
    if asset is not None:
        local = await asyncio.to_thread(local_file, asset, item.path, size=item.size)
        if local is not None:
            data, total = await asyncio.to_thread(_read_local, local, start, length)
            note = f"read from this capsule's {local}, not the network"
    if data is None:
        read, urls = await client.files.read_file(asset_id, item.path, start, length, urls=urls)
        data, total = read.data, read.total_size if read.total_size is not None else total
    whole = body.data + data
    preview = await asyncio.to_thread(
        build_preview, whole, name=name, start=0, total_size=total,
        at_end=total is not None and len(whole) >= total,
    )
    notes = list(preview.notes)
    if preview.resume is not None:
        notes.append(f"the image is larger than {format_size(cap)}: drawn from that much")
        preview = dataclasses.replace(preview, resume=None)
    if note is not None:
        notes.insert(0, note)
    return dataclasses.replace(preview, notes=tuple(notes)), urls


def _read_local(path: Path, start: int, max_bytes: int) -> tuple[bytes, int]:
    """Up to ``max_bytes`` of ``path`` from ``start``, and the file's size."""
    with path.open("rb") as handle:
        total = handle.seek(0, 2)
        handle.seek(start)
        return handle.read(max_bytes), total


def files_note(asset: DataAsset) -> str | None:
    """Why an asset has no listable files, or ``None`` when it has."""
    if asset.is_external:
        bucket = asset.source_bucket
        where = f"s3://{bucket.bucket}/{(bucket.prefix or '').lstrip('/')}" if bucket else "?"
        return (f"This is an external data asset: its files live in {where} outside Code Ocean, "
                "so they cannot be listed or previewed here. Open them with your S3 tools.")
    if asset.state == "draft":
        return "This data asset is still being created (draft): there are no files yet."
    if asset.state == "failed":
        reason = f" ({asset.failure_reason})" if asset.failure_reason else ""
        return f"This data asset failed to be created{reason}: it has no files."
    return None
