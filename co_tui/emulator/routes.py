"""Route handlers of the API app: thin adapters from HTTP to the store-level operations.

Each handler reads the caller (set by the auth middleware in ``api_app.py``), parses the body or the
query string, calls one operation and encodes its answer. Writes that changed state are appended
to ``Emulator.write_log`` as ``(method, path, status)``.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import msgspec
from starlette.requests import Request
from starlette.responses import Response

from co_tui.emulator import (
    acl,
    asset_creation,
    assets,
    capsule_operations,
    request_body,
    search,
    search_request,
    tree,
    wire,
)
from co_tui.emulator.http_errors import ApiError, bad_request, not_found
from co_tui.emulator.page_cache import PageCache
from co_tui.emulator.settings import FILE_URLS_SINCE, SEARCH_POST_SINCE
from co_tui.emulator.store import User

if TYPE_CHECKING:
    from co_tui.emulator.core import Emulator

LISTING_CACHE_BYTES = 64 << 20
"""Encoded folder listings kept for re-use (a 100,000-file folder is ~8 MB of JSON)."""


def json_response(content: bytes | Any, status: int = 200) -> Response:
    """A JSON response from pre-encoded bytes or any encodable value."""
    data = content if isinstance(content, bytes) else wire.encode(content)
    return Response(data, status_code=status, media_type="application/json")


def no_content() -> Response:
    """204 with an empty body."""
    return Response(status_code=204)


async def read_json(request: Request) -> Any:
    """The request's JSON body; ``None`` when empty; 400 when it is not JSON."""
    return decode_json(await request.body())


def decode_json(raw: bytes) -> Any:
    """A request body as JSON; ``None`` when empty; 400 when it is not JSON."""
    if not raw.strip():
        return None
    try:
        return wire.decode(raw)
    except msgspec.DecodeError:
        raise bad_request("request body is not valid JSON") from None


def caller(request: Request) -> User:
    """The authenticated user (set by the auth middleware)."""
    user: User = request.scope["co_user"]
    return user


class Handlers:
    """Every API route handler, bound to one emulator."""

    def __init__(self, emu: Emulator) -> None:
        self.emu = emu
        self.store = emu.store
        self._listings: OrderedDict[tuple[str, str], bytes] = OrderedDict()
        self._listing_bytes = 0
        self.store.on_asset_change.append(self._forget_listings)
        self.pages = PageCache()
        """Encoded search pages by request, while the data has not changed (page_cache.py)."""

    def _forget_listings(self, asset_id: str) -> None:
        for key in [key for key in self._listings if key[0] == asset_id]:
            self._listing_bytes -= len(self._listings.pop(key))

    def _applied(self, request: Request, status: int) -> None:
        self.emu.write_log.append((request.method, request.scope["path"], status))

    # -- data assets -------------------------------------------------------------------------

    async def get_asset(self, request: Request) -> Response:
        """``GET /data_assets/{id}``."""
        row, _ = acl.require_asset(self.store, caller(request), request.path_params["id"], "viewer")
        return json_response(bytes(row["wire"]))

    async def create_asset(self, request: Request) -> Response:
        """``POST /data_assets``: 200 with the new draft asset."""
        data = await read_json(request)
        encoded, _ = asset_creation.create_asset(self.store, caller(request), data,
                                                 self.emu.config.ready_delay)
        self._applied(request, 200)
        return json_response(encoded)

    async def update_asset(self, request: Request) -> Response:
        """``PUT /data_assets/{id}``."""
        data = await read_json(request)
        encoded, changed = assets.update_metadata(self.store, caller(request),
                                                  request.path_params["id"], data)
        if changed:
            self._applied(request, 200)
        return json_response(encoded)

    async def delete_asset(self, request: Request) -> Response:
        """``DELETE /data_assets/{id}``: 204; 400 unless archived first."""
        assets.delete_asset(self.store, caller(request), request.path_params["id"])
        self._applied(request, 204)
        return no_content()

    async def archive_asset(self, request: Request) -> Response:
        """``PATCH /data_assets/{id}/archive?archive=true|false``: 204."""
        value = request.query_params.get("archive")
        if value is None:
            raise bad_request("archive query parameter is required")
        archive = request_body.parse_bool(value, "archive")
        if assets.set_archived(self.store, caller(request), request.path_params["id"], archive):
            self._applied(request, 204)
        return no_content()

    async def get_permissions(self, request: Request) -> Response:
        """``GET /data_assets/{id}/permissions``."""
        return json_response(assets.get_permissions(self.store, caller(request),
                                                    request.path_params["id"]))

    async def set_permissions(self, request: Request) -> Response:
        """``POST /data_assets/{id}/permissions``: 204."""
        data = await read_json(request)
        if assets.update_permissions(self.store, caller(request), request.path_params["id"], data):
            self._applied(request, 204)
        return no_content()

    async def transfer(self, request: Request) -> Response:
        """``POST /data_assets/{id}/transfer`` (admins): 204."""
        data = await read_json(request)
        if assets.transfer(self.store, caller(request), request.path_params["id"], data):
            self._applied(request, 204)
        return no_content()

    async def search(self, request: Request) -> Response:
        """``POST /data_assets/search`` (405 on servers older than 3.1)."""
        if self.emu.config.version_tuple < SEARCH_POST_SINCE:
            raise ApiError(405, "method not allowed")
        raw = await request.body()

        def answer() -> bytes:
            params = search_request.params_from_body(decode_json(raw))
            return search.search_assets(self.store, caller(request), params).to_json()

        return json_response(self._page(request, ("search", raw), answer))

    async def legacy_search(self, request: Request) -> Response:
        """Legacy ``GET /data_assets?start=&limit=&...``: ``{has_more, results}``."""

        def answer() -> bytes:
            params = search_request.params_from_query(dict(request.query_params))
            page = search.search_assets(self.store, caller(request), params)
            return page.to_json(with_token=False)

        return json_response(self._page(request, ("legacy", request.scope["query_string"]),
                                        answer))

    def _page(self, request: Request, key: tuple[str, bytes], answer: Callable[[], bytes]) -> bytes:
        """The page ``answer()`` gives, from :attr:`pages` when the same caller asked the same
        since the last write. The lock keeps another thread's write from landing between the
        search and reading the data version it is stored under."""
        store = self.store
        with store.lock:
            if store.index is not None:
                store.index.refresh()
            full_key = (caller(request), *key)
            page = self.pages.get(store.conn.total_changes, full_key)
            if page is None:
                page = answer()
                self.pages.put(store.conn.total_changes, full_key, page)
            return page

    # -- files -------------------------------------------------------------------------------

    @staticmethod
    def _internal(row: Any) -> None:
        if row["external"]:
            bucket = wire.decode(row["wire"]).get("source_bucket") or {}
            where = "/".join(part for part in (bucket.get("bucket"), bucket.get("prefix")) if part)
            raise bad_request(
                "this is an external data asset: its files live in the external bucket "
                f"s3://{where} and are not listed or served by Code Ocean")

    async def list_files(self, request: Request) -> Response:
        """``POST /data_assets/{id}/files`` with ``{"path": folder}``: one folder level."""
        data = request_body.as_object(await read_json(request))
        path = tree.normalise_path(request_body.opt_str(data, "path"))
        asset_id = request.path_params["id"]
        row, _ = acl.require_asset(self.store, caller(request), asset_id, "viewer")
        self._internal(row)
        if row["state"] != "ready":
            return json_response(b'{"items":[]}')
        key = (asset_id, path)
        cached = self._listings.get(key)
        if cached is None:
            with self.store.lock:
                items = tree.list_folder(self.store.conn, row["pk"], path)
            if items is None:
                raise not_found(f"folder '{path}' not found in data asset {asset_id}")
            cached = wire.encode({"items": items})
            self._listings[key] = cached
            self._listing_bytes += len(cached)
            while self._listing_bytes > LISTING_CACHE_BYTES and len(self._listings) > 1:
                self._listing_bytes -= len(self._listings.popitem(last=False)[1])
        else:
            self._listings.move_to_end(key)
        return json_response(cached)

    def _file(self, request: Request) -> tuple[str, str]:
        path = tree.normalise_path(request.query_params.get("path"))
        if not path:
            raise bad_request("path is required")
        asset_id = request.path_params["id"]
        row, _ = acl.require_asset(self.store, caller(request), asset_id, "viewer")
        self._internal(row)
        if tree.file_at(self.store, row["pk"], path) is None:
            raise not_found(f"file '{path}' not found in data asset {asset_id}")
        return asset_id, path

    async def file_urls(self, request: Request) -> Response:
        """``GET /data_assets/{id}/files/urls?path=`` (404 on servers older than 4.0)."""
        if self.emu.config.version_tuple < FILE_URLS_SINCE:
            raise not_found("not found")
        asset_id, path = self._file(request)
        origin = self.emu.config.files_origin
        signer = self.emu.signer
        return json_response({
            "download_url": signer.url(origin, asset_id, path, kind="attachment"),
            "view_url": signer.url(origin, asset_id, path, kind="inline"),
        })

    async def download_url(self, request: Request) -> Response:
        """Deprecated ``GET /data_assets/{id}/files/download_url?path=``: ``{"url": ...}``."""
        asset_id, path = self._file(request)
        url = self.emu.signer.url(self.emu.config.files_origin, asset_id, path, kind="attachment")
        return json_response({"url": url})

    # -- capsules, pipelines, computations, schema -----------------------------------------

    async def search_capsules(self, request: Request) -> Response:
        """``POST /capsules/search`` and ``POST /pipelines/search``."""
        kind = request.scope["co_kind"]
        page = capsule_operations.search_capsules(self.store, caller(request), kind,
                                                  await read_json(request))
        return json_response(page.to_json())

    async def get_capsule(self, request: Request) -> Response:
        """``GET /capsules/{id}`` and ``GET /pipelines/{id}``."""
        return json_response(capsule_operations.get_capsule(self.store, caller(request),
                                                            request.scope["co_kind"],
                                                            request.path_params["id"]))

    async def attach(self, request: Request) -> Response:
        """``POST /{capsules|pipelines|computations}/{id}/data_assets``."""
        data = await read_json(request)
        result = capsule_operations.attach(self.store, caller(request), request.scope["co_kind"],
                                           request.path_params["id"], data)
        self._applied(request, 200)
        return json_response(result)

    async def detach(self, request: Request) -> Response:
        """``DELETE /{capsules|pipelines|computations}/{id}/data_assets[/]`` with a JSON body."""
        data = await read_json(request)
        if capsule_operations.detach(self.store, caller(request), request.scope["co_kind"],
                                     request.path_params["id"], data):
            self._applied(request, 204)
        return no_content()

    async def get_computation(self, request: Request) -> Response:
        """``GET /computations/{id}``."""
        return json_response(capsule_operations.get_computation(self.store, caller(request),
                                                                request.path_params["id"]))

    async def list_computations(self, request: Request) -> Response:
        """``GET /capsules/{id}/computations`` and ``GET /pipelines/{id}/computations``."""
        return json_response(capsule_operations.list_computations(
            self.store, caller(request), request.scope["co_kind"], request.path_params["id"]))

    async def list_results(self, request: Request) -> Response:
        """``POST /computations/{id}/results`` with ``{"path": folder}``."""
        data = await read_json(request)
        return json_response(capsule_operations.list_results(
            self.store, caller(request), request.path_params["id"], data))

    async def custom_metadata(self, request: Request) -> Response:
        """``GET /custom_metadata``: the deployment's schema."""
        text = self.store.meta_get("custom_metadata") or '{"fields":[],"categories":[]}'
        return json_response(text.encode())
