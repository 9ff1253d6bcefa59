"""File listing, file URLs and the signed-URL origin (S3-like GET/HEAD with Range)."""

from __future__ import annotations

import hashlib
import urllib.parse
from collections.abc import Callable

import httpx
import pytest

from co_tui.emulator import Emulator
from co_tui.emulator.content import read_content
from co_tui.emulator.files_app import parse_range
from co_tui.emulator.seed_model import Content
from tests.emulator.emulator_seed import FILES, Clock, aid, basic

# -- listing ----------------------------------------------------------------------------------


async def test_root_listing_folders_first(main: httpx.AsyncClient) -> None:
    response = await main.post(f"data_assets/{aid(1)}/files", json={"path": ""})
    assert response.status_code == 200
    assert response.json() == {"items": [
        {"name": "data", "path": "data", "type": "folder"},
        {"name": "frames", "path": "frames", "type": "folder"},
        {"name": "README.md", "path": "README.md", "type": "file", "size": 14},
    ]}


@pytest.mark.parametrize("path", ["data", "/data", "data/", "/data/", "data//"])
async def test_subfolder_listing_and_slashes(main: httpx.AsyncClient, path: str) -> None:
    items = (await main.post(f"data_assets/{aid(1)}/files", json={"path": path})).json()["items"]
    assert items == [{"name": "raw", "path": "data/raw", "type": "folder"},
                     {"name": "notes.txt", "path": "data/notes.txt", "type": "file", "size": 5}]


async def test_nested_listing_with_spaces(main: httpx.AsyncClient) -> None:
    items = (await main.post(f"data_assets/{aid(1)}/files",
                             json={"path": "data/raw"})).json()["items"]
    assert [(i["name"], i["type"]) for i in items] == [
        ("sub dir", "folder"), ("a.csv", "file"), ("b.bin", "file")]
    items = (await main.post(f"data_assets/{aid(1)}/files",
                             json={"path": "data/raw/sub dir"})).json()["items"]
    assert items == [{"name": "c d+e.txt", "path": "data/raw/sub dir/c d+e.txt", "type": "file",
                      "size": 14}]


async def test_generated_folder(main: httpx.AsyncClient) -> None:
    items = (await main.post(f"data_assets/{aid(1)}/files",
                             json={"path": "frames"})).json()["items"]
    assert len(items) == 2500
    assert items[0] == {"name": "frame_00000.tif", "path": "frames/frame_00000.tif",
                        "type": "file", "size": 100}
    assert items[-1]["name"] == "frame_02499.tif"


@pytest.mark.parametrize("body", [{"path": "nope"}, {"path": "README.md"}, {"path": "data/x"}])
async def test_unknown_folder_is_404(main: httpx.AsyncClient, body: dict) -> None:
    response = await main.post(f"data_assets/{aid(1)}/files", json=body)
    assert response.status_code == 404 and response.json()["message"]


async def test_listing_bad_input(main: httpx.AsyncClient) -> None:
    assert (await main.post(f"data_assets/{aid(1)}/files", json={"path": "../x"})).status_code == 400
    assert (await main.post(f"data_assets/{aid(1)}/files", json={"path": 3})).status_code == 400
    null = await main.post(f"data_assets/{aid(1)}/files", json={"path": None})
    assert null.status_code == 200 and len(null.json()["items"]) == 3


async def test_external_asset_listing_is_400(main: httpx.AsyncClient) -> None:
    response = await main.post(f"data_assets/{aid(9)}/files", json={"path": ""})
    assert response.status_code == 400
    message = response.json()["message"]
    assert "external" in message and "s3://ext-bucket/data" in message
    urls = await main.get(f"data_assets/{aid(9)}/files/urls", params={"path": "x"})
    assert urls.status_code == 400


# -- URLs -------------------------------------------------------------------------------------


async def urls_for(client: httpx.AsyncClient, asset: int, path: str) -> dict:
    response = await client.get(f"data_assets/{aid(asset)}/files/urls", params={"path": path})
    assert response.status_code == 200, response.text
    urls: dict = response.json()
    return urls


async def test_urls_point_at_the_files_origin(main: httpx.AsyncClient) -> None:
    urls = await urls_for(main, 1, "data/raw/sub dir/c d+e.txt")
    for key in ("download_url", "view_url"):
        url = urllib.parse.urlsplit(urls[key])
        assert f"{url.scheme}://{url.netloc}" == FILES
        query = urllib.parse.parse_qs(url.query)
        assert query["X-Amz-Algorithm"] == ["AWS4-HMAC-SHA256"]
        assert query["X-Amz-Expires"] == ["3600"] and query["X-Amz-Signature"][0]
    assert "attachment" in urls["download_url"] and "inline" in urls["view_url"]


async def test_plus_in_query_is_a_space(main: httpx.AsyncClient,
                                        files_client: httpx.AsyncClient) -> None:
    # requests encodes "sub dir/c d+e.txt" as sub+dir%2Fc+d%2Be.txt
    response = await main.get(f"data_assets/{aid(1)}/files/urls"
                              "?path=data%2Fraw%2Fsub+dir%2Fc+d%2Be.txt")
    assert response.status_code == 200
    body = await files_client.get(response.json()["download_url"])
    assert body.status_code == 200 and body.content == b"plus and space"
    assert body.headers["content-disposition"] == 'attachment; filename="c d+e.txt"'


async def test_deprecated_download_url(main: httpx.AsyncClient,
                                       files_client: httpx.AsyncClient) -> None:
    response = await main.get(f"data_assets/{aid(1)}/files/download_url",
                              params={"path": "README.md"})
    assert set(response.json()) == {"url"}
    assert (await files_client.get(response.json()["url"])).content == b"# Alpha\nhello\n"


@pytest.mark.parametrize(("path", "status"), [("", 400), ("nope.txt", 404), ("data", 404),
                                              ("frames/frame_02500.tif", 404),
                                              ("frames/frame_2.tif", 404)])
async def test_url_errors(main: httpx.AsyncClient, path: str, status: int) -> None:
    response = await main.get(f"data_assets/{aid(1)}/files/urls", params={"path": path})
    assert response.status_code == status


async def test_generated_file_bytes(main: httpx.AsyncClient,
                                    files_client: httpx.AsyncClient) -> None:
    urls = await urls_for(main, 1, "frames/frame_00042.tif")
    body = await files_client.get(urls["view_url"])
    assert body.status_code == 200 and len(body.content) == 100
    expected = read_content(Content("random", 100), 0, 100,
                            salt=f"{aid(1)}/frames/frame_00042.tif")
    assert body.content == expected
    other = await files_client.get((await urls_for(main, 1, "frames/frame_00043.tif"))["view_url"])
    assert other.content != body.content


# -- the signed-URL origin --------------------------------------------------------------------


async def test_full_get_headers(main: httpx.AsyncClient, files_client: httpx.AsyncClient) -> None:
    urls = await urls_for(main, 1, "data/raw/b.bin")
    response = await files_client.get(urls["download_url"])
    assert response.status_code == 200
    headers = response.headers
    assert headers["accept-ranges"] == "bytes" and headers["content-length"] == "300000"
    assert headers["etag"].startswith('"') and headers["last-modified"].endswith("GMT")
    assert len(response.content) == 300_000
    assert response.content == read_content(Content("random", 300_000, seed=2), 0, 300_000,
                                             salt=f"{aid(1)}/data/raw/b.bin")


async def test_head(main: httpx.AsyncClient, files_client: httpx.AsyncClient) -> None:
    urls = await urls_for(main, 1, "data/raw/b.bin")
    response = await files_client.head(urls["view_url"])
    assert response.status_code == 200 and response.content == b""
    assert response.headers["content-length"] == "300000"
    ranged = await files_client.head(urls["view_url"], headers={"Range": "bytes=10-19"})
    assert ranged.status_code == 206 and ranged.headers["content-length"] == "10"


@pytest.mark.parametrize(("header", "status", "span"), [
    ("bytes=0-9", 206, (0, 10)),
    ("bytes=299990-", 206, (299_990, 300_000)),
    ("bytes=-5", 206, (299_995, 300_000)),
    ("bytes=-500000", 206, (0, 300_000)),
    ("bytes=100-99999999", 206, (100, 300_000)),
    ("bytes=300000-", 416, None),
    ("bytes=-0", 416, None),
    ("bytes=5-1", 200, (0, 300_000)),          # invalid: ignored
    ("bytes=0-1,5-6", 200, (0, 300_000)),      # multi-range: ignored, like S3
    ("items=0-1", 200, (0, 300_000)),
])
async def test_ranges(main: httpx.AsyncClient, files_client: httpx.AsyncClient, header: str,
                      status: int, span: tuple[int, int] | None) -> None:
    urls = await urls_for(main, 1, "data/raw/b.bin")
    whole = (await files_client.get(urls["download_url"])).content
    response = await files_client.get(urls["download_url"], headers={"Range": header})
    assert response.status_code == status
    if status == 416:
        assert response.headers["content-range"] == "bytes */300000"
        return
    assert span is not None
    assert response.content == whole[span[0]:span[1]]
    assert response.headers["content-length"] == str(span[1] - span[0])
    if status == 206:
        assert response.headers["content-range"] == f"bytes {span[0]}-{span[1] - 1}/300000"


async def test_if_range(main: httpx.AsyncClient, files_client: httpx.AsyncClient) -> None:
    urls = await urls_for(main, 1, "data/raw/b.bin")
    full = await files_client.get(urls["download_url"])
    etag, modified = full.headers["etag"], full.headers["last-modified"]
    match = await files_client.get(urls["download_url"],
                                   headers={"Range": "bytes=100-", "If-Range": etag})
    assert match.status_code == 206 and match.content == full.content[100:]
    stale = await files_client.get(urls["download_url"],
                                   headers={"Range": "bytes=100-", "If-Range": '"stale"'})
    assert stale.status_code == 200 and stale.content == full.content
    by_date = await files_client.get(urls["download_url"],
                                     headers={"Range": "bytes=100-", "If-Range": modified})
    assert by_date.status_code == 206
    old = await files_client.get(urls["download_url"], headers={
        "Range": "bytes=100-", "If-Range": "Mon, 01 Jan 2001 00:00:00 GMT"})
    assert old.status_code == 200


async def test_conditional_headers(main: httpx.AsyncClient,
                                   files_client: httpx.AsyncClient) -> None:
    urls = await urls_for(main, 1, "README.md")
    etag = (await files_client.head(urls["view_url"])).headers["etag"]
    assert (await files_client.get(urls["view_url"], headers={"If-Match": '"x"'})).status_code == 412
    assert (await files_client.get(urls["view_url"], headers={"If-Match": etag})).status_code == 200
    assert (await files_client.get(urls["view_url"],
                                   headers={"If-None-Match": etag})).status_code == 304


async def test_authorization_header_is_refused(main: httpx.AsyncClient,
                                               files_client: httpx.AsyncClient) -> None:
    urls = await urls_for(main, 1, "README.md")
    response = await files_client.get(urls["download_url"], headers=basic("tok-main"))
    assert response.status_code == 400
    assert b"InvalidArgument" in response.content
    assert b"Only one auth mechanism allowed" in response.content


async def test_tampered_and_expired_urls_are_403(main: httpx.AsyncClient, clock: Clock,
                                                 files_client: httpx.AsyncClient) -> None:
    urls = await urls_for(main, 1, "README.md")
    url = urls["download_url"]
    assert (await files_client.get(url)).status_code == 200
    other_file = url.replace("README.md", "data/notes.txt")
    other_asset = url.replace(aid(1), aid(2))
    longer = url.replace("X-Amz-Expires=3600", "X-Amz-Expires=99999")
    inline = url.replace("response-content-disposition=attachment",
                         "response-content-disposition=inline%3B")
    no_sig = url.split("&X-Amz-Signature")[0]
    for bad in (other_file, other_asset, longer, inline, no_sig):
        response = await files_client.get(bad)
        assert response.status_code == 403, bad
        assert b"<Error>" in response.content
    clock.now += 3599
    assert (await files_client.get(url)).status_code == 200
    clock.now += 2
    expired = await files_client.get(url)
    assert expired.status_code == 403 and b"expired" in expired.content


async def test_url_ttl_is_configurable(make_emulator: Callable[..., Emulator],
                                       http: Callable[..., httpx.AsyncClient],
                                       clock: Clock) -> None:
    emu = make_emulator(url_ttl=10)
    client = http("main", emulator=emu)
    urls = await urls_for(client, 1, "README.md")
    assert "X-Amz-Expires=10" in urls["view_url"]
    async with httpx.AsyncClient(transport=emu.transport()) as files:
        clock.now += 11
        assert (await files.get(urls["view_url"])).status_code == 403


async def test_deleted_asset_urls_are_404(main: httpx.AsyncClient,
                                          files_client: httpx.AsyncClient) -> None:
    urls = await urls_for(main, 2, "reads/r1.fastq")
    await main.patch(f"data_assets/{aid(2)}/archive?archive=true")
    await main.delete(f"data_assets/{aid(2)}")
    response = await files_client.get(urls["download_url"])
    assert response.status_code == 404 and b"NoSuchKey" in response.content


async def test_other_paths_and_methods(files_client: httpx.AsyncClient) -> None:
    assert (await files_client.get(f"{FILES}/")).status_code == 404
    assert (await files_client.get(f"{FILES}/co-emulator-assets/x")).status_code == 404
    response = await files_client.put(f"{FILES}/co-emulator-assets/x/y", content=b"")
    assert response.status_code == 405


async def test_large_file_streams_in_chunks(main: httpx.AsyncClient,
                                            files_client: httpx.AsyncClient) -> None:
    urls = await urls_for(main, 17, "big.bin")
    size = 3 * 2**20 + 17
    digest = hashlib.sha256()
    chunks = 0
    async with files_client.stream("GET", urls["download_url"]) as response:
        assert response.headers["content-length"] == str(size)
        async for chunk in response.aiter_raw():
            digest.update(chunk)
            chunks += 1
    expected = read_content(Content("random", size, seed=17), 0, size, salt=f"{aid(17)}/big.bin")
    assert digest.digest() == hashlib.sha256(expected).digest() and chunks >= 4


async def test_huge_file_range_reads_only_what_is_asked(
        main: httpx.AsyncClient, files_client: httpx.AsyncClient) -> None:
    urls = await urls_for(main, 17, "huge.bin")
    size = 5 * 2**30
    head = await files_client.get(urls["view_url"], headers={"Range": "bytes=0-262143"})
    assert head.status_code == 206 and head.content == bytes(262_144)
    assert head.headers["content-range"] == f"bytes 0-262143/{size}"
    tail = await files_client.get(urls["view_url"], headers={"Range": "bytes=-10"})
    assert tail.content == bytes(10) and tail.headers["content-range"].endswith(f"/{size}")
    async with files_client.stream("GET", urls["view_url"]) as response:
        assert response.headers["content-length"] == str(size)
        first = await response.aiter_raw().__anext__()
        assert len(first) <= 1 << 20   # streamed in chunks; closing early stops the app


def test_parse_range_unit() -> None:
    assert parse_range("bytes=0-0", 1) == (0, 0)
    assert parse_range("bytes=0-", 0) is False
    assert parse_range("bytes=-1", 0) is False
    assert parse_range("bytes=", 10) is None
    assert parse_range(" bytes=2-3 ", 10) == (2, 3)


# -- file origin quirks: redirects on demand, a viewer page for view_url ------------------------


async def test_signed_urls_redirect_on_demand(emu: Emulator, main: httpx.AsyncClient,
                                              files_client: httpx.AsyncClient) -> None:
    from co_tui.emulator.files_app import FileOriginQuirks

    urls = await urls_for(main, 1, "data/raw/sub dir/c d+e.txt")
    emu.file_origin.quirks = FileOriginQuirks(redirects=3, requests=[])
    url = urls["download_url"]
    hops = []
    for _ in range(3):
        response = await files_client.get(url, headers={"Range": "bytes=0-3"})
        assert response.status_code == 307 and "set-cookie" in response.headers
        url = response.headers["location"]
        hops.append(url)
    parts = [urllib.parse.urlsplit(hop) for hop in hops]
    assert [p.path.split("/")[2] for p in parts] == ["2", "1", "0"]  # /_hop/N/...
    assert all(p.netloc == urllib.parse.urlsplit(urls["download_url"]).netloc for p in parts)
    final = await files_client.get(url, headers={"Range": "bytes=0-3"})
    assert final.status_code == 206 and final.content == b"plus"
    assert len(emu.file_origin.quirks.requests or []) == 4
    # a hop URL keeps the signature: tampering with it is still refused
    assert (await files_client.get(url.replace("X-Amz-Signature=", "X-Amz-Signature=0"))
            ).status_code == 403
    emu.file_origin.quirks = FileOriginQuirks(redirects=1, location="relative")
    response = await files_client.get(urls["download_url"])
    assert response.headers["location"].startswith("/_hop/0/")
    emu.file_origin.quirks = FileOriginQuirks(redirects=1, location="none")
    response = await files_client.get(urls["download_url"])
    assert response.status_code == 307 and "location" not in response.headers
    with pytest.raises(ValueError):
        FileOriginQuirks(redirects=-1)
    with pytest.raises(ValueError):
        FileOriginQuirks(location="sideways")


async def test_view_url_can_answer_a_viewer_page(emu: Emulator, main: httpx.AsyncClient,
                                                 files_client: httpx.AsyncClient) -> None:
    from co_tui.emulator.files_app import FileOriginQuirks

    urls = await urls_for(main, 1, "README.md")
    emu.file_origin.quirks = FileOriginQuirks(viewer_page=True)
    viewed = await files_client.get(urls["view_url"], headers={"Range": "bytes=0-3"})
    assert viewed.status_code == 200 and viewed.headers["content-type"].startswith("text/html")
    assert b"<html>" in viewed.content and b"README.md" in viewed.content
    raw = await files_client.get(urls["download_url"])
    assert raw.status_code == 200 and b"<html>" not in raw.content
