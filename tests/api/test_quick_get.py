"""The quick path for small API reads (co_tui/api/quick_get.py): a whole answer is read over a
kept-alive socket; what it cannot read is sent again through httpx, and the client's one request
path decides what every answer means."""

from __future__ import annotations

import base64
import gzip
import logging
import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterator

import pytest

from co_tui.api import CodeOceanClient, NotFoundError, Timeouts
from co_tui.api.quick_get import QuickApi
from co_tui.redact import Secret

TOKEN = "cop_quick_secret_1234567890"
OK_BODY = b'{"download_url": "http://files.invalid/x?sig=1", "view_url": "http://files.invalid/v"}'


def ok(body: bytes = OK_BODY, extra: str = "") -> bytes:
    return (f"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n{extra}"
            f"Content-Length: {len(body)}\r\n\r\n").encode() + body


class Scripted:
    """A loopback HTTP server answering each request with the next of ``answers`` (bytes, or
    None to keep silent, or a callable that gets the socket); records requests and
    connections. ``close_after`` closes each connection after one answer."""

    def __init__(self, answers: list[bytes | Callable[[socket.socket], None] | None],
                 close_after: bool = False, tls: ssl.SSLContext | None = None) -> None:
        self.answers = answers
        self.close_after = close_after
        self.tls = tls
        self.requests: list[bytes] = []
        self.bodies: list[bytes] = []
        """The body that came with each request (empty for a GET)."""
        self.connections = 0
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.1)  # before the thread starts: close() may come first
        self.port = self._listener.getsockname()[1]
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        accept = threading.Thread(target=self._accept, daemon=True)
        accept.start()

    @property
    def base(self) -> str:
        return f"{'https' if self.tls else 'http'}://127.0.0.1:{self.port}/api/v1/"

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.connections += 1
            thread = threading.Thread(target=self._serve, args=(conn,), daemon=True)
            thread.start()
            self._threads.append(thread)

    def _serve(self, conn: socket.socket) -> None:
        conn.settimeout(5)
        if self.tls is not None:
            try:
                conn = self.tls.wrap_socket(conn, server_side=True)
            except (OSError, ssl.SSLError):  # the client refused our certificate
                conn.close()
                return
        buffer = b""

        def more() -> bool:
            nonlocal buffer
            try:
                chunk = conn.recv(65536)
            except OSError:
                return False
            buffer += chunk
            return bool(chunk)

        with conn:
            while not self._stop.is_set():
                while b"\r\n\r\n" not in buffer:
                    if not more():
                        return
                request, _, buffer = buffer.partition(b"\r\n\r\n")
                length = next((int(line.split(b":", 1)[1]) for line in request.split(b"\r\n")
                               if line.lower().startswith(b"content-length:")), 0)
                while len(buffer) < length:  # a POST's body
                    if not more():
                        return
                self.bodies.append(buffer[:length])
                buffer = buffer[length:]
                self.requests.append(request)
                answer = self.answers.pop(0) if self.answers else ok()
                if answer is None:
                    self._stop.wait(5)
                    return
                if callable(answer):
                    answer(conn)
                    return
                conn.sendall(answer)
                if self.close_after:
                    return

    def close(self) -> None:
        self._stop.set()
        self._listener.close()


@pytest.fixture
def scripted() -> Iterator[Callable[..., Scripted]]:
    made: list[Scripted] = []

    def make(answers: list[bytes | Callable[[socket.socket], None] | None],
             close_after: bool = False) -> Scripted:
        server = Scripted(answers, close_after)
        made.append(server)
        return server

    yield make
    for server in made:
        server.close()


def quick_for(server: Scripted, read: float = 5.0) -> QuickApi:
    return QuickApi(server.base, Secret(TOKEN), {"Accept": "application/json"},
                    Timeouts(read=read), max_bytes=4096)


def test_plain_answers_come_over_one_kept_alive_socket(scripted: Callable[..., Scripted]) -> None:
    server = scripted([ok(), ok(), ok()])
    quick = quick_for(server)
    try:
        bodies = [quick.get("data_assets/a%20b/files/urls", {"path": f"dir/f {i}.bin"})
                  for i in range(3)]
    finally:
        quick.close()
    assert [(a.status, a.body) for a in bodies if a] == [(200, OK_BODY)] * 3
    assert quick.answered == 3
    assert server.connections == 1
    lines = server.requests[1].decode().split("\r\n")
    assert lines[0] == "GET /api/v1/data_assets/a%20b/files/urls?path=dir%2Ff%201.bin HTTP/1.1"
    expected = base64.b64encode(f"{TOKEN}:".encode()).decode()
    assert f"Authorization: Basic {expected}" in lines
    assert f"Host: 127.0.0.1:{server.port}" in lines


def test_a_read_with_a_json_body_is_posted(scripted: Callable[..., Scripted]) -> None:
    """A folder listing is a POST that only reads: its JSON body goes with it, framed by
    Content-Length, and the socket carries the next request."""
    server = scripted([ok(), ok()])
    quick = quick_for(server)
    try:
        listed = quick.get("data_assets/a/files", {}, b'{"path":"dir/sub"}')
        after = quick.get("data_assets/a/files/urls", {"path": "x"})
    finally:
        quick.close()
    assert listed is not None and after is not None and listed.body == OK_BODY
    assert server.connections == 1
    head = server.requests[0].decode().split("\r\n")
    assert head[0] == "POST /api/v1/data_assets/a/files HTTP/1.1"
    assert "Content-Type: application/json" in head and "Content-Length: 18" in head
    assert server.bodies == [b'{"path":"dir/sub"}', b""]
    assert server.requests[1].decode().startswith("GET /api/v1/data_assets/a/files/urls?path=x ")


def test_a_target_with_spaces_or_controls_is_not_sent(scripted: Callable[..., Scripted]) -> None:
    """Paths come segment-encoded from the client; a raw space or control character is left to
    the regular path (httpx encodes or refuses it), never written into a request line."""
    server = scripted([])
    quick = quick_for(server)
    try:
        assert quick.get("data_assets/a b/files/urls", {}) is None
        assert quick.get("data_assets/a\r\nX: y/files/urls", {}) is None
    finally:
        quick.close()
    assert server.requests == []


def _cut_mid_body(conn: socket.socket) -> None:
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\n{\"download")


@pytest.mark.parametrize("answer, status", [
    (b"HTTP/1.1 404 Not Found\r\nContent-Length: 2\r\n\r\n{}", 404),
    (b"HTTP/1.1 302 Found\r\nLocation: http://elsewhere.invalid/\r\nContent-Length: 0\r\n\r\n",
     302),
    (b"HTTP/1.1 429 Too Many Requests\r\nRetry-After: 7\r\nContent-Length: 2\r\n\r\n{}", 429),
], ids=["404", "redirect", "429"])
def test_every_whole_answer_comes_back_as_it_is(scripted: Callable[..., Scripted],
                                                answer: bytes, status: int) -> None:
    """What a status means is the request path's business: the answer comes back whole."""
    server = scripted([answer, ok()])
    quick = quick_for(server)
    try:
        got = quick.get("data_assets/a/files/urls", {"path": "x"})
        assert got is not None and got.status == status
        assert got.body == answer.partition(b"\r\n\r\n")[2]
        if status == 429:
            assert got.headers["retry-after"] == "7"
        again = quick.get("data_assets/a/files/urls", {"path": "x"})
        assert again is not None and again.body == OK_BODY
    finally:
        quick.close()
    assert server.connections == 1 and quick.answered == 2


def _chunked_in_pieces(conn: socket.socket) -> None:
    """OK_BODY in three chunks (one with an extension), a trailer, each piece sent apart."""
    pieces = [b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n",
              b"%x\r\n%s\r\n" % (10, OK_BODY[:10]), b"%x;ext=1\r\n" % (20,),
              OK_BODY[10:30] + b"\r\n", b"%X\r\n%s\r\n" % (len(OK_BODY) - 30, OK_BODY[30:]),
              b"0\r\nX-Trailer: yes\r\n\r\n"]
    for piece in pieces:
        conn.sendall(piece)
        time.sleep(0.02)


def test_a_chunked_body_is_read_whole(scripted: Callable[..., Scripted]) -> None:
    server = scripted([b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                       b"2\r\n{}\r\n0\r\n\r\n", ok()])
    quick = quick_for(server)
    try:
        first = quick.get("p", {})
        second = quick.get("p", {})  # on the same socket: the chunked body ended exactly
    finally:
        quick.close()
    assert first is not None and first.body == b"{}"
    assert second is not None and second.body == OK_BODY
    assert server.connections == 1


def test_a_chunked_body_in_pieces_is_read_whole() -> None:
    server = Scripted([_chunked_in_pieces])
    quick = quick_for(server)
    try:
        got = quick.get("p", {})
    finally:
        quick.close()
        server.close()
    assert got is not None and got.status == 200 and got.body == OK_BODY


def test_a_gzip_body_is_asked_for_and_decoded(scripted: Callable[..., Scripted]) -> None:
    """It asks for gzip, as httpx does (a large listing is megabytes of JSON), and decodes a
    gzip member framed by Content-Length or chunked; the socket carries the next request."""
    packed = gzip.compress(OK_BODY)
    chunked = (b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n"
               + f"{len(packed):x}\r\n".encode() + packed + b"\r\n0\r\n\r\n")
    server = scripted([ok(packed, extra="Content-Encoding: gzip\r\n"), chunked])
    quick = quick_for(server)
    try:
        got = [quick.get("data_assets/a/files/urls", {"path": "x"}) for _ in range(2)]
    finally:
        quick.close()
    assert [g.body if g else None for g in got] == [OK_BODY, OK_BODY]
    assert server.connections == 1 and quick.answered == 2
    assert "Accept-Encoding: gzip" in server.requests[0].decode().split("\r\n")


def test_a_gzip_body_with_bytes_past_it_is_decoded_and_its_socket_dropped(
        scripted: Callable[..., Scripted]) -> None:
    server = scripted([ok(gzip.compress(OK_BODY), extra="Content-Encoding: gzip\r\n")
                       + b"stray", ok()])
    quick = quick_for(server)
    try:
        got = [quick.get("p", {}) for _ in range(2)]
    finally:
        quick.close()
    assert [g.body if g else None for g in got] == [OK_BODY, OK_BODY]
    assert server.connections == 2


@pytest.mark.parametrize("answer", [
    ok(extra="Content-Encoding: gzip\r\n"),
    ok(gzip.compress(b" " * 5000), extra="Content-Encoding: gzip\r\n"),
    ok(gzip.compress(OK_BODY) + b"junk", extra="Content-Encoding: gzip\r\n"),
    ok(extra="Content-Encoding: br\r\n"),
    b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n{}",
    b"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n",
    b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n",
    b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}XX0\r\n\r\n",
    b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2000\r\n" + b" " * 0x2000
    + b"\r\n0\r\n\r\n",
    ok(b"[" + b" " * 5000 + b"]"),
    b"NOT HTTP AT ALL\r\n\r\n",
    _cut_mid_body,
], ids=["not-gzip", "gzip-over-the-cap", "junk-after-gzip", "br", "no-length", "gzip-chunked", "bad-chunk-size", "bad-chunk-end",
        "chunked-over-the-cap", "over-the-cap", "not-http", "cut-mid-body"])
def test_what_it_cannot_read_is_left_to_httpx(
        scripted: Callable[..., Scripted],
        answer: bytes | Callable[[socket.socket], None]) -> None:
    server = scripted([answer, ok()])
    quick = quick_for(server)
    try:
        assert quick.get("data_assets/a/files/urls", {"path": "x"}) is None
        # that socket is not reused: the next request opens another and is answered
        again = quick.get("data_assets/a/files/urls", {"path": "x"})
        assert again is not None and again.body == OK_BODY
    finally:
        quick.close()
    assert server.connections == 2 and quick.answered == 1


def test_it_stops_trying_a_server_whose_answers_it_cannot_frame(
        scripted: Callable[..., Scripted]) -> None:
    """Each unframed answer costs a request that httpx sends again: after GIVE_UP_AFTER in a
    row (a good answer in between starts the count again) the quick path sends nothing more."""
    from co_tui.api.quick_get import GIVE_UP_AFTER

    no_length = b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n{}"
    answers: list[bytes | Callable[[socket.socket], None] | None] = [
        no_length, ok(), *[no_length] * GIVE_UP_AFTER, ok()]
    server = scripted(answers)
    quick = quick_for(server)
    try:
        got = [quick.get("p", {}) for _ in range(GIVE_UP_AFTER + 3)]
    finally:
        quick.close()
    assert got[0] is None and got[1] is not None
    assert got[2:] == [None] * (GIVE_UP_AFTER + 1)
    assert len(server.requests) == GIVE_UP_AFTER + 2  # the last request was never sent


def test_it_speaks_tls_and_checks_the_certificate(monkeypatch: pytest.MonkeyPatch) -> None:
    """Over HTTPS the socket is wrapped with the process's verifying context: a certificate
    for the host is accepted, one for another name is refused (and nothing is sent)."""
    import trustme

    from co_tui.api import conn_pool

    authority = trustme.CA()
    client_context = ssl.create_default_context()
    authority.configure_trust(client_context)
    monkeypatch.setattr(conn_pool, "ssl_context", lambda: client_context)
    answers: list[list[bytes | Callable[[socket.socket], None] | None]] = [[ok(), ok()], [ok()]]
    results = []
    for names, script in zip((["127.0.0.1"], ["10.9.8.7", "elsewhere.example"]), answers,
                             strict=True):
        tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        authority.issue_cert(*names).configure_cert(tls)
        server = Scripted(script, tls=tls)
        quick = quick_for(server)
        try:
            results.append(([quick.get("p", {}) for _ in range(2)], server))
        finally:
            quick.close()
            server.close()
    (good, good_server), (bad, bad_server) = results
    assert [a.body for a in good if a] == [OK_BODY, OK_BODY] and good_server.connections == 1
    assert good_server.requests[0].startswith(b"GET /api/v1/p HTTP/1.1")
    assert bad == [None, None] and bad_server.requests == []


def test_a_socket_the_server_dropped_is_replaced(scripted: Callable[..., Scripted]) -> None:
    """Idle kept-alive sockets get closed by servers: the request goes once more on a new
    socket, since nothing came back on the old one."""
    server = scripted([ok(), ok()], close_after=True)
    quick = quick_for(server)
    try:
        first = quick.get("p", {})
        time.sleep(0.2)  # the server has closed that socket by now
        second = quick.get("p", {})
        assert first is not None and second is not None and second.body == OK_BODY
    finally:
        quick.close()
    assert server.connections == 2 and quick.answered == 2


def test_close_cuts_a_request_that_waits(scripted: Callable[..., Scripted]) -> None:
    server = scripted([None])
    quick = quick_for(server, read=30.0)
    got: list[object] = []
    thread = threading.Thread(target=lambda: got.append(quick.get("p", {})))
    thread.start()
    deadline = time.monotonic() + 5
    while not server.requests and time.monotonic() < deadline:
        time.sleep(0.01)
    started = time.monotonic()
    quick.close()
    thread.join(5)
    assert got == [None] and time.monotonic() - started < 1.0
    assert quick.get("p", {}) is None  # closed: nothing more is sent
    assert len(server.requests) == 1


def test_a_slow_answer_is_left_to_httpx(scripted: Callable[..., Scripted]) -> None:
    server = scripted([None])
    quick = quick_for(server, read=0.3)
    try:
        started = time.monotonic()
        assert quick.get("p", {}) is None
        assert time.monotonic() - started < 2.0
    finally:
        quick.close()


# --- the client uses it for signed URLs, over real sockets to the emulator ----------------------


@pytest.fixture(scope="module")
def served():  # type: ignore[no-untyped-def]
    from co_tui.emulator import EmulatorConfig, serve_in_thread

    with serve_in_thread(EmulatorConfig(seed="demo"), host="127.0.0.1") as handle:
        yield handle


async def _a_file(client: CodeOceanClient) -> tuple[str, str]:
    from co_tui.api.models import DataAssetSearchParams

    page = await client.data_assets.search_data_assets(
        DataAssetSearchParams(origin="internal", type="dataset", limit=100))
    for asset in page.results:
        items = (await client.data_assets.list_data_asset_files(asset.id)).items
        files = [i for i in items if not i.is_folder and i.size]
        if files:
            return asset.id, files[0].path
    raise AssertionError("the demo has no dataset with a file")


async def test_signed_urls_come_the_quick_way(  # type: ignore[no-untyped-def]
        served, caplog: pytest.LogCaptureFixture, sleeps: list[float]) -> None:
    async def record(seconds: float) -> None:
        sleeps.append(seconds)

    token = served.emulator.main_token
    client = CodeOceanClient(served.domain, token, sleep=record)
    try:
        assert client.quick is not None
        asset_id, path = await _a_file(client)
        base = client.quick.answered  # the listings above came the quick way too
        with caplog.at_level(logging.DEBUG, logger="co_tui.api"):
            first = await client.data_assets.get_data_asset_file_urls(asset_id, path)
        assert client.quick.answered == base + 1
        assert first.download_url.startswith(served.files_origin)
        # a failing answer is retried by the request path, after the policy's wait
        served.emulator.faults.inject("503", times=1, method="GET", path_contains="/files/urls")
        again = await client.data_assets.get_data_asset_file_urls(asset_id, path)
        assert again.download_url.split("?")[0] == first.download_url.split("?")[0]
        assert client.quick.answered == base + 3 and len(sleeps) == 1
        # a missing file is the request path's NotFoundError, reported as such
        missing: list[NotFoundError] = []
        client.on_asset_missing(missing.append)
        with pytest.raises(NotFoundError):
            await client.data_assets.get_data_asset_file_urls(asset_id, path + ".nope")
        assert len(missing) == 1 and missing[0].about_asset is False
        assert client.quick.answered == base + 4
        # an answer it cannot read (cut half-way) is read again through httpx
        served.emulator.faults.inject("truncate", times=1, method="GET",
                                      path_contains="/files/urls")
        third = await client.data_assets.get_data_asset_file_urls(asset_id, path)
        assert third.download_url.split("?")[0] == first.download_url.split("?")[0]
        assert client.quick.answered == base + 4
    finally:
        await client.aclose()
    logged = [r.getMessage() for r in caplog.records]
    assert any("(quick)" in line and "files/urls" in line for line in logged)
    assert not any(token in line or "path=" in line for line in logged)


async def test_folder_listings_come_the_quick_way(served) -> None:  # type: ignore[no-untyped-def]
    """A listing (a POST that reads) goes the quick way with its body; a 503 is waited out
    and asked again, an answer cut half-way is read again through httpx, and a missing folder
    is the request path's NotFoundError, about a folder, not the asset."""
    from co_tui.api.models import DataAssetSearchParams

    client = CodeOceanClient(served.domain, served.emulator.main_token, sleep=_no_wait)
    try:
        assert client.quick is not None
        page = await client.data_assets.search_data_assets(
            DataAssetSearchParams(origin="internal", type="dataset", limit=100))
        asset_id, folder = await _a_folder(client, [a.id for a in page.results])
        base = client.quick.answered
        first = await client.data_assets.list_data_asset_files(asset_id, folder)
        assert client.quick.answered == base + 1  # the server read the body: the folder's items
        assert first.items and all(i.path.startswith(folder + "/") for i in first.items)
        served.emulator.faults.inject("503", times=1, method="POST", path_contains="/files")
        assert await client.data_assets.list_data_asset_files(asset_id, folder) == first
        assert client.quick.answered == base + 3
        served.emulator.faults.inject("truncate", times=1, method="POST", path_contains="/files")
        assert await client.data_assets.list_data_asset_files(asset_id, folder) == first
        assert client.quick.answered == base + 3  # the cut answer was read again by httpx
        missing: list[NotFoundError] = []
        client.on_asset_missing(missing.append)
        with pytest.raises(NotFoundError) as raised:
            await client.data_assets.list_data_asset_files(asset_id, folder + "/nope")
        assert raised.value.operation == "list_data_asset_files"
        assert len(missing) == 1 and missing[0].about_asset is False
    finally:
        await client.aclose()


async def _no_wait(seconds: float) -> None:
    return None


async def _a_folder(client: CodeOceanClient, asset_ids: list[str]) -> tuple[str, str]:
    for asset_id in asset_ids:
        items = (await client.data_assets.list_data_asset_files(asset_id)).items
        folders = [i for i in items if i.is_folder]
        if folders:
            return asset_id, folders[0].path
    raise AssertionError("the demo has no dataset with a folder")


async def test_no_quick_path_behind_a_proxy_or_on_an_injected_transport(
        monkeypatch: pytest.MonkeyPatch) -> None:
    import httpx

    direct = CodeOceanClient("https://co.example.org", "cop_x")
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.invalid:3128")
    proxied = CodeOceanClient("https://co.example.org", "cop_x")
    injected = CodeOceanClient("https://co.example.org", "cop_x",
                               transport=httpx.MockTransport(lambda r: httpx.Response(500)))
    try:
        assert direct.quick is not None
        assert proxied.quick is None and injected.quick is None
    finally:
        for client in (direct, proxied, injected):
            await client.aclose()


def test_start_sends_now_and_the_answer_is_read_later(scripted: Callable[..., Scripted]) -> None:
    """A download lane sends its next request before a transfer and reads the answer after it:
    the request is on the server before the answer is asked for, and two requests in flight go
    over two sockets that are both kept for later."""
    server = scripted([ok(), ok(), ok()])
    quick = quick_for(server)
    try:
        first = quick.start("data_assets/a/files/urls", {"path": "one"})
        second = quick.start("data_assets/a/files/urls", {"path": "two"})
        deadline = time.monotonic() + 5
        while len(server.requests) < 2 and time.monotonic() < deadline:
            time.sleep(0.01)
        assert len(server.requests) == 2  # both sent, neither answer read yet
        answers = [second(), first()]
        third = quick.get("data_assets/a/files/urls", {"path": "three"})
    finally:
        quick.close()
    assert [a.body for a in answers if a] == [OK_BODY, OK_BODY]
    assert third is not None and third.body == OK_BODY
    assert server.connections == 2 and quick.answered == 3


def test_a_cancel_cuts_the_wait_for_a_started_answer(scripted: Callable[..., Scripted]) -> None:
    """The socket of a started request is the caller's active connection while the answer is
    read: cancelling that (a cancelled download) ends the wait at once, not after the read
    timeout."""
    from co_tui.api.http1 import ActiveConnection

    server = scripted([None])  # never answers
    quick = quick_for(server, read=30.0)
    active = ActiveConnection()
    try:
        read = quick.start("data_assets/a/files/urls", {"path": "x"}, active)
        threading.Timer(0.2, active.cancel).start()
        started = time.monotonic()
        assert read() is None
        waited = time.monotonic() - started
    finally:
        quick.close()
    assert waited < 3.0, waited


def test_a_started_request_on_a_stale_socket_is_sent_again(
        scripted: Callable[..., Scripted]) -> None:
    """A kept socket the server closed after its last answer: the answer read finds it closed
    before any byte, and the request goes once more on a new socket."""
    server = scripted([ok(), ok()], close_after=True)
    quick = quick_for(server)
    try:
        assert quick.get("p", {}) is not None
        time.sleep(0.1)  # the server has closed that socket by now
        read = quick.start("data_assets/a/files/urls", {"path": "again"})
        again = read()
    finally:
        quick.close()
    assert again is not None and again.body == OK_BODY
    assert server.connections == 2 and len(server.requests) == 2
