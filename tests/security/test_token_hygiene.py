"""The token never leaves its origin and never shows up in logs, reprs or errors
(docs/reliability.md, 'Token secrecy')."""

from __future__ import annotations

import base64
import logging
import secrets
import urllib.parse

import httpx
import pytest

from co_tui.api import ApiError, CodeOceanClient
from co_tui.api.models import DataAssetSearchParams


@pytest.fixture
def canary() -> str:
    return f"CO_TEST_{secrets.token_hex(8)}"


def _forms(token: str) -> list[str]:
    return [
        token,
        base64.b64encode(f"{token}:".encode()).decode(),
        base64.b64encode(token.encode()).decode(),
        urllib.parse.quote(token, safe=""),
    ]


@pytest.fixture
def canary_emulator(canary: str, clock):  # type: ignore[no-untyped-def]
    from co_tui.emulator import Emulator, EmulatorConfig

    return Emulator(EmulatorConfig(seed="demo", main_token=canary, clock=clock))


async def _session(client: CodeOceanClient, emulator) -> list[str]:  # type: ignore[no-untyped-def]
    """A realistic session: search, open assets, list files, read files, hit errors. Returns
    the signed URLs it saw."""
    urls: list[str] = []
    page = await client.data_assets.search_data_assets(DataAssetSearchParams(limit=30))
    for asset in page.results[:10]:
        try:
            await client.data_assets.get_data_asset(asset.id)
        except ApiError as err:  # discoverable-only assets answer 403
            urls.append(str(err) + repr(err))
            continue
        if asset.is_external or not asset.files:
            continue
        items = (await client.data_assets.list_data_asset_files(asset.id)).items
        for item in items[:2]:
            if item.is_folder:
                continue
            file_urls = await client.data_assets.get_data_asset_file_urls(asset.id, item.path)
            urls += [file_urls.download_url, file_urls.view_url]
            await client.files.read_range(file_urls.view_url, 0, 1024)
    emulator.faults.inject("503", times=1)
    emulator.faults.inject("reset", times=1)
    await client.data_assets.search_data_assets(DataAssetSearchParams(limit=1))
    for bad in ("missing-asset", "another"):
        try:
            await client.data_assets.get_data_asset(bad)
        except ApiError as err:
            urls.append(str(err) + repr(err))
    return urls


async def test_no_token_in_debug_logs_reprs_or_errors(canary, canary_emulator, caplog) -> None:  # type: ignore[no-untyped-def]
    caplog.set_level(logging.DEBUG)
    for name in ("httpx", "httpcore", "co_tui"):
        logging.getLogger(name).setLevel(logging.DEBUG)
    transport = canary_emulator.transport()

    async def no_sleep(_: float) -> None:
        return None

    client = CodeOceanClient(
        canary_emulator.config.api_origin, canary, transport=transport,
        files_transport=transport, sleep=no_sleep,
    )
    try:
        seen = await _session(client, canary_emulator)
        artefacts = [caplog.text, repr(client), str(client), repr(client._api), *seen]
    finally:
        await client.aclose()
    assert any("HTTP Request" in r.getMessage() for r in caplog.records), "httpx logged nothing"
    signed = [u for u in seen if "X-Amz-Signature=" in u]
    assert signed, "the session saw no signed URL"
    for text in artefacts[:4]:
        for form in _forms(canary):
            assert form not in text
    signatures = [urllib.parse.parse_qs(urllib.parse.urlsplit(u).query)["X-Amz-Signature"][0] for u in signed]
    for signature in signatures:
        assert signature not in caplog.text


class _Recorder(httpx.AsyncBaseTransport):
    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.requests: list[httpx.Request] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return await self.inner.handle_async_request(request)


async def test_token_goes_only_to_the_api_origin(canary, canary_emulator) -> None:  # type: ignore[no-untyped-def]
    api = _Recorder(canary_emulator.transport())
    files = _Recorder(canary_emulator.transport())
    client = CodeOceanClient(
        canary_emulator.config.api_origin, canary, transport=api, files_transport=files
    )
    try:
        await _session(client, canary_emulator)
    finally:
        await client.aclose()
    api_origin = httpx.URL(canary_emulator.config.api_origin)
    assert api.requests and files.requests
    for request in api.requests:
        assert (request.url.scheme, request.url.host, request.url.port) == (
            api_origin.scheme, api_origin.host, api_origin.port)
        assert request.headers["authorization"] == "Basic " + _forms(canary)[1]
    for request in files.requests + api.requests:
        for form in _forms(canary):
            assert form not in str(request.url)
    for request in files.requests:
        # The emulator's file origin refuses Authorization like S3 does; we never send it.
        assert "authorization" not in request.headers and "cookie" not in request.headers


async def test_api_client_refuses_other_origins(canary, canary_emulator) -> None:  # type: ignore[no-untyped-def]
    inner = _Recorder(canary_emulator.transport())
    client = CodeOceanClient(canary_emulator.config.api_origin, canary, transport=inner)
    try:
        for url in ("http://files.emulator.test/x", "https://emulator.test/api/v1/x",
                    "http://emulator.test:8080/api/v1/x", "http://evil.test/"):
            with pytest.raises(httpx.UnsupportedProtocol):
                await client._api.get(url)
    finally:
        await client.aclose()
    assert inner.requests == []


async def test_signed_url_client_refuses_credentials(canary, canary_emulator) -> None:  # type: ignore[no-untyped-def]
    inner = _Recorder(canary_emulator.transport())
    client = CodeOceanClient(canary_emulator.config.api_origin, canary, files_transport=inner)
    try:
        with pytest.raises(httpx.UnsupportedProtocol):
            await client._files.get("http://files.emulator.test/x", headers={"Authorization": "Basic eA=="})
    finally:
        await client.aclose()
    assert inner.requests == []


async def test_emulator_would_refuse_an_authorized_signed_url_request(client, demo_seed) -> None:  # type: ignore[no-untyped-def]
    """The S3-like refusal our signed-URL client is built to avoid really happens."""
    asset = next(a for a in demo_seed.assets if a.files and a.owner == demo_seed.users[0].id and not a.archived)
    urls = await client.data_assets.get_data_asset_file_urls(asset.id, asset.files[0].path)
    transport = client._files._transport
    response = await transport.handle_async_request(httpx.Request(
        "GET", urls.download_url, headers={"Authorization": "Basic " + _forms("x")[1]}
    ))
    await response.aread()
    assert response.status_code == 400
    assert b"Only one auth mechanism allowed" in response.content
