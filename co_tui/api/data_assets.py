"""Data-asset operations, named as the official SDK names them.

The endpoints and what co-tui assumes of them: docs/api-notes.md, 'Endpoints co-tui uses'.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import TYPE_CHECKING, Any

import msgspec

from co_tui.api.errors import BadRequestError, NotFoundError
from co_tui.api.models import (
    DataAsset,
    DataAssetParams,
    DataAssetSearchParams,
    DataAssetSearchResults,
    DataAssetState,
    DataAssetUpdateParams,
    DownloadFileURL,
    FileURLs,
    Folder,
    Permissions,
    TransferDataParams,
)
from co_tui.api.paging import Pager
from co_tui.api.path_segment import seg
from co_tui.api.quick_get import nothing
from co_tui.api.retry import OpKind

if TYPE_CHECKING:
    from co_tui.api.client import CodeOceanClient
    from co_tui.api.http1 import ActiveConnection

__all__ = ["DataAssets", "ProgressCallback"]

ProgressCallback = Callable[[DataAsset, float], Awaitable[None] | None]
"""Called after each poll of :meth:`DataAssets.wait_until_ready` with the asset and the seconds
elapsed."""

_LEGACY_TOKEN = "legacy-offset:"
FULL_SCAN_LIMIT = 1000
"""Page size for full listings: the API's maximum, which the docs recommend for scans."""


def _bool_param(value: bool) -> str:
    return "true" if value else "false"


class DataAssets:
    """``client.data_assets``: every data-asset endpoint."""

    def __init__(self, client: CodeOceanClient) -> None:
        self._client = client
        self._legacy_search = False
        self._file_urls_supported: bool | None = None

    async def get_data_asset(self, data_asset_id: str) -> DataAsset:
        """``GET /data_assets/{id}``."""
        return await self._client.request(  # type: ignore[return-value]
            "get_data_asset", "GET", f"data_assets/{seg(data_asset_id)}",
            kind=OpKind.READ, result=DataAsset, asset_id=data_asset_id,
        )

    async def create_data_asset(self, data_asset_params: DataAssetParams) -> DataAsset:
        """``POST /data_assets``: returns the new asset, usually still a draft.

        Never re-sent once it may have reached the server; an uncertain outcome raises with
        ``outcome_unknown`` so the caller can search for the asset by name instead of creating a
        duplicate.
        """
        return await self._client.request(  # type: ignore[return-value]
            "create_data_asset", "POST", "data_assets",
            kind=OpKind.WRITE, body=data_asset_params, result=DataAsset,
        )

    async def update_metadata(
        self,
        data_asset_id: str,
        update_params: DataAssetUpdateParams,
        *,
        current: DataAsset | None = None,
    ) -> DataAsset:
        """``PUT /data_assets/{id}`` with every field on the wire (read-modify-write).

        The API leaves unclear whether a missing field means "unchanged" or "clear" (reference
        3.3), so fields not given in ``update_params`` are filled from ``current`` (read now when
        not given) and all five are sent.
        """
        if current is None:
            current = await self.get_data_asset(data_asset_id)
        full = DataAssetUpdateParams(
            name=update_params.name if update_params.name is not None else current.name,
            description=(
                update_params.description
                if update_params.description is not None
                else current.description or ""
            ),
            tags=update_params.tags if update_params.tags is not None else list(current.tags or []),
            mount=update_params.mount if update_params.mount is not None else current.mount,
            custom_metadata=(
                update_params.custom_metadata
                if update_params.custom_metadata is not None
                else dict(current.custom_metadata or {})
            ),
        )
        return await self._client.request(  # type: ignore[return-value]
            "update_metadata", "PUT", f"data_assets/{seg(data_asset_id)}",
            kind=OpKind.WRITE, body=full, result=DataAsset, asset_id=data_asset_id,
        )

    async def delete_data_asset(self, data_asset_id: str) -> None:
        """``DELETE /data_assets/{id}`` (the asset must be archived first)."""
        await self._client.request(
            "delete_data_asset", "DELETE", f"data_assets/{seg(data_asset_id)}", kind=OpKind.WRITE,
            asset_id=data_asset_id,
        )

    async def archive_data_asset(self, data_asset_id: str, archive: bool) -> None:
        """``PATCH /data_assets/{id}/archive?archive=...``: archive (True) or restore (False)."""
        await self._client.request(
            "archive_data_asset" if archive else "unarchive_data_asset",
            "PATCH", f"data_assets/{seg(data_asset_id)}/archive",
            kind=OpKind.WRITE, params={"archive": _bool_param(archive)}, asset_id=data_asset_id,
        )

    async def get_permissions(self, data_asset_id: str) -> Permissions:
        """``GET /data_assets/{id}/permissions``."""
        return await self._client.request(  # type: ignore[return-value]
            "get_permissions", "GET", f"data_assets/{seg(data_asset_id)}/permissions",
            kind=OpKind.READ, result=Permissions, asset_id=data_asset_id,
        )

    async def update_permissions(self, data_asset_id: str, permissions: Permissions) -> None:
        """``POST /data_assets/{id}/permissions``. Never blindly re-sent; read back to reconcile."""
        await self._client.request(
            "update_permissions", "POST", f"data_assets/{seg(data_asset_id)}/permissions",
            kind=OpKind.WRITE, body=permissions, asset_id=data_asset_id,
            about_asset=False,  # or a user or group it names
        )

    async def transfer_data_asset(
        self, data_asset_id: str, transfer_params: TransferDataParams
    ) -> None:
        """``POST /data_assets/{id}/transfer`` (admins only): move the files to another bucket."""
        await self._client.request(
            "transfer_data_asset", "POST", f"data_assets/{seg(data_asset_id)}/transfer",
            kind=OpKind.WRITE, body=transfer_params, asset_id=data_asset_id,
            about_asset=False,  # or a bucket or prefix it names
        )

    # --- search -----------------------------------------------------------------------------

    async def search_data_assets(
        self, search_params: DataAssetSearchParams
    ) -> DataAssetSearchResults:
        """One page of ``POST /data_assets/search``.

        A server that answers the POST with 404 or 405 predates it (platform < 3.1): from then
        on this client uses the legacy ``GET /data_assets?start=&limit=`` form, turning its
        offsets into ``next_token`` values so callers page the same way.
        """
        if not self._legacy_search:
            try:
                return await self._client.request(  # type: ignore[return-value]
                    "search_data_assets", "POST", "data_assets/search",
                    kind=OpKind.READ, body=search_params, result=DataAssetSearchResults,
                )
            except (NotFoundError, BadRequestError) as err:
                if err.status not in (404, 405):
                    raise
                self._legacy_search = True
        return await self._legacy_search_page(search_params)

    async def _legacy_search_page(self, params: DataAssetSearchParams) -> DataAssetSearchResults:
        start = params.offset or 0
        if params.next_token:
            if not params.next_token.startswith(_LEGACY_TOKEN):
                raise BadRequestError("next_token does not belong to this search")
            start = int(params.next_token[len(_LEGACY_TOKEN):])
        limit = params.limit or 100
        query: dict[str, str] = {"start": str(start), "limit": str(limit)}
        for key in ("query", "sort_field", "sort_order", "type", "ownership", "origin"):
            value = getattr(params, key)
            if value:
                query[key] = str(value)
        for key in ("favorite", "archived"):
            value = getattr(params, key)
            if value is not None:
                query[key] = _bool_param(value)
        page: DataAssetSearchResults = await self._client.request(  # type: ignore[assignment]
            "search_data_assets", "GET", "data_assets",
            kind=OpKind.READ, params=query, result=DataAssetSearchResults,
        )
        more = page.has_more and bool(page.results)
        token = f"{_LEGACY_TOKEN}{start + len(page.results)}" if more else None
        return msgspec.structs.replace(page, has_more=more, next_token=token)

    async def search_data_assets_pages(
        self, search_params: DataAssetSearchParams
    ) -> AsyncIterator[DataAssetSearchResults]:
        """Every page of a search, until ``has_more`` is false.

        The next page is asked for with ``next_token``, or with ``offset`` when a page says more
        follow but has no token (:class:`~co_tui.api.paging.Pager`). Raises
        :class:`~co_tui.api.paging.PagingStopped` after the last good page when the server
        repeats a cursor or sends a page that adds nothing. The page size defaults to the API's
        maximum (1,000) when ``limit`` is not set.
        """
        params: DataAssetSearchParams | None = search_params
        if search_params.limit is None:
            params = msgspec.structs.replace(search_params, limit=FULL_SCAN_LIMIT)
        assert params is not None
        pager = Pager(params, operation="search_data_assets")
        while params is not None:
            page = await self.search_data_assets(params)
            yield page
            params = pager.advance(params, page)

    async def search_data_assets_iterator(
        self, search_params: DataAssetSearchParams
    ) -> AsyncIterator[DataAsset]:
        """Every asset matching a search, page after page (the SDK's iterator, async)."""
        async for page in self.search_data_assets_pages(search_params):
            for asset in page.results:
                yield asset

    # --- files ------------------------------------------------------------------------------

    async def list_data_asset_files(self, data_asset_id: str, path: str = "") -> Folder:
        """``POST /data_assets/{id}/files``: one folder level (``""`` is the root)."""
        return await self._client.request(  # type: ignore[return-value]
            "list_data_asset_files", "POST", f"data_assets/{seg(data_asset_id)}/files",
            kind=OpKind.READ, body={"path": path}, result=Folder, asset_id=data_asset_id,
            about_asset=False,  # or a folder that is not there
            quick=True,  # one per folder of a download: see co_tui/api/quick_get.py
        )

    async def get_data_asset_file_urls(self, data_asset_id: str, path: str) -> FileURLs:
        """Signed view and download URLs for one file.

        Uses ``files/urls`` (platform 4.0+) and falls back to the deprecated
        ``files/download_url`` when the server does not know the new endpoint; once the new one
        has worked, a 404 means the file is gone and is raised as is.
        """
        if self._file_urls_supported is not False:
            try:
                urls: FileURLs = await self._client.request(  # type: ignore[assignment]
                    "get_data_asset_file_urls", "GET",
                    f"data_assets/{seg(data_asset_id)}/files/urls",
                    kind=OpKind.READ, params={"path": path}, result=FileURLs,
                    # before the endpoint is known to exist, a 404 may only mean an old server
                    asset_id=data_asset_id if self._file_urls_supported else None,
                    about_asset=False,
                    quick=True,  # one per file of a download: see co_tui/api/quick_get.py
                )
            except NotFoundError:
                if self._file_urls_supported:
                    raise
            else:
                self._file_urls_supported = True
                return urls
        legacy = await self.get_data_asset_file_download_url(data_asset_id, path)
        self._file_urls_supported = False
        return FileURLs(download_url=legacy.url, view_url=legacy.url)

    def file_urls_later(self, data_asset_id: str, path: str,
                        active: ActiveConnection | None = None
                        ) -> Callable[[], FileURLs | None]:
        """:meth:`get_data_asset_file_urls`'s first attempt, sent now in the calling thread (a
        download lane's); the returned call reads it there (``active``: where the socket is
        recorded meanwhile, to cut the wait): the URLs when the quick path read a ``200``
        that decodes, else ``None`` (ask :meth:`get_data_asset_file_urls`, which also knows
        what a 404 means)."""
        if self._file_urls_supported is False:
            return nothing
        read = self._client.quick_read_later(
            "get_data_asset_file_urls", f"data_assets/{seg(data_asset_id)}/files/urls",
            {"path": path}, FileURLs, active)

        def urls() -> FileURLs | None:
            found = read()
            if found is not None:
                self._file_urls_supported = True
            return found

        return urls

    async def get_data_asset_file_download_url(
        self, data_asset_id: str, path: str
    ) -> DownloadFileURL:
        """The deprecated ``files/download_url`` endpoint (supported by servers until 2026-08)."""
        return await self._client.request(  # type: ignore[return-value]
            "get_data_asset_file_download_url", "GET",
            f"data_assets/{seg(data_asset_id)}/files/download_url",
            kind=OpKind.READ, params={"path": path}, result=DownloadFileURL,
            asset_id=data_asset_id, about_asset=False,
        )

    # --- waiting ----------------------------------------------------------------------------

    async def wait_until_ready(
        self,
        data_asset: DataAsset | str,
        *,
        polling_interval: float = 5.0,
        timeout: float | None = None,  # noqa: ASYNC109 - the SDK's name and meaning
        on_progress: ProgressCallback | None = None,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> DataAsset:
        """Poll until the asset is ``ready`` or ``failed`` and return it (a failure is returned,
        not raised: read ``failure_reason``).

        Cancel the awaiting task to stop. ``on_progress`` sees every polled state. Raises
        ``TimeoutError`` after ``timeout`` seconds and ``ValueError`` for a non-positive interval.
        """
        if polling_interval <= 0:
            raise ValueError("polling_interval must be positive")
        if timeout is not None and timeout < 0:
            raise ValueError("timeout must be >= 0 or None")
        asset_id = data_asset if isinstance(data_asset, str) else data_asset.id
        started = clock()
        while True:
            asset = await self.get_data_asset(asset_id)
            elapsed = clock() - started
            if on_progress is not None:
                maybe = on_progress(asset, elapsed)
                if maybe is not None:
                    await maybe
            if asset.state in (DataAssetState.Ready, DataAssetState.Failed):
                return asset
            if timeout is not None and elapsed + polling_interval > timeout:
                raise TimeoutError(f"data asset {asset_id} was not ready within {timeout:g} s")
            await sleep(polling_interval)
