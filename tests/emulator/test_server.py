"""The emulator over real loopback sockets (uvicorn), restarts with a data folder, run_server."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from co_tui.emulator import Emulator, EmulatorConfig, serve_in_thread
from co_tui.emulator.server import ServedEmulator
from tests.emulator.emulator_seed import TOKENS, Clock, aid, basic, build_seed


@pytest.fixture(scope="module")
def served() -> Iterator[ServedEmulator]:
    with serve_in_thread(EmulatorConfig(seed="test"), seed_data=build_seed()) as handle:
        yield handle


@pytest.fixture
def api(served: ServedEmulator) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=f"{served.domain}/api/v1/", headers=basic(TOKENS["main"]),
                      timeout=10) as client:
        yield client


def test_origins_are_real_ports(served: ServedEmulator) -> None:
    assert served.domain.startswith("http://127.0.0.1:")
    assert served.files_origin.startswith("http://127.0.0.1:")
    assert served.domain != served.files_origin
    assert served.emulator.config.api_origin == served.domain
    assert served.emulator.config.files_origin == served.files_origin


def test_api_and_signed_urls_over_sockets(served: ServedEmulator, api: httpx.Client) -> None:
    asset = api.get(f"data_assets/{aid(1)}").json()
    assert asset["name"] == "Alpha imaging dataset"
    urls = api.get(f"data_assets/{aid(1)}/files/urls", params={"path": "data/raw/b.bin"}).json()
    assert urls["download_url"].startswith(served.files_origin + "/")
    with httpx.Client(timeout=10) as plain:
        body = plain.get(urls["download_url"])
        assert body.status_code == 200 and len(body.content) == 300_000
        part = plain.get(urls["view_url"], headers={"Range": "bytes=5-9"})
        assert part.status_code == 206 and part.content == body.content[5:10]
        refused = plain.get(urls["view_url"], headers=basic(TOKENS["main"]))
        assert refused.status_code == 400
        # the files origin does not serve the API, and the API port does not serve files
        assert plain.get(f"{served.files_origin}/api/v1/custom_metadata").status_code == 404
        wrong_port = urls["view_url"].replace(served.files_origin, served.domain)
        assert plain.get(wrong_port).status_code == 404


def test_reset_over_sockets(served: ServedEmulator, api: httpx.Client) -> None:
    served.emulator.faults.inject("reset", path_contains=aid(3))
    with pytest.raises((httpx.ReadError, httpx.RemoteProtocolError)):
        api.get(f"data_assets/{aid(3)}")
    assert api.get(f"data_assets/{aid(3)}").status_code == 200


def test_truncate_over_sockets(served: ServedEmulator, api: httpx.Client) -> None:
    served.emulator.faults.inject("truncate", path_contains=aid(3))
    received = b""
    with api.stream("GET", f"data_assets/{aid(3)}") as response:
        assert response.status_code == 200
        total = int(response.headers["content-length"])
        with pytest.raises(httpx.RemoteProtocolError):
            for chunk in response.iter_raw():
                received += chunk
    assert len(received) == total // 2


def test_lost_over_sockets(served: ServedEmulator, api: httpx.Client) -> None:
    served.emulator.faults.inject("lost", method="PUT")
    with pytest.raises(httpx.RemoteProtocolError):
        api.put(f"data_assets/{aid(18)}", json={"description": "applied, answer lost"})
    assert api.get(f"data_assets/{aid(18)}").json()["description"] == "applied, answer lost"


def test_status_fault_over_sockets(served: ServedEmulator, api: httpx.Client) -> None:
    served.emulator.faults.inject("503", path_contains=aid(3))
    response = api.get(f"data_assets/{aid(3)}")
    assert response.status_code == 503 and response.json()["message"]


# -- persistence ------------------------------------------------------------------------------


async def test_restart_keeps_state_and_does_not_reseed(tmp_path: Path) -> None:
    clock = Clock()
    config = EmulatorConfig(seed="test", data_dir=tmp_path, clock=clock, ready_delay=1)
    first = Emulator(config, seed_data=build_seed())
    assert (tmp_path / "emulator.sqlite3").exists()
    async with httpx.AsyncClient(transport=first.transport(), base_url="http://emulator.test/api/v1/",
                                 headers=basic(TOKENS["main"])) as client:
        await client.patch(f"data_assets/{aid(2)}/archive?archive=true")
        assert (await client.delete(f"data_assets/{aid(2)}")).status_code == 204
        created = (await client.post("data_assets", json={
            "name": "kept", "tags": [], "mount": "k",
            "source": {"aws": {"bucket": "demo-bucket"}}})).json()
        await client.put(f"data_assets/{aid(1)}", json={"name": "renamed before restart"})
        url = (await client.get(f"data_assets/{aid(1)}/files/urls",
                                params={"path": "README.md"})).json()["view_url"]
    first.close()
    # A different seed name (and a seed that would fail to load) proves nothing is reseeded.
    second = Emulator(EmulatorConfig(seed="no-such-seed", data_dir=tmp_path, clock=clock))
    clock.now += 2
    async with httpx.AsyncClient(transport=second.transport(), base_url="http://emulator.test/api/v1/",
                                 headers=basic(TOKENS["main"])) as client:
        assert (await client.get(f"data_assets/{aid(2)}")).status_code == 404
        assert (await client.get(f"data_assets/{aid(1)}")).json()["name"] == "renamed before restart"
        kept = (await client.get(f"data_assets/{created['id']}")).json()
        assert kept["state"] == "ready" and kept["files"] == 3
    async with httpx.AsyncClient(transport=second.transport()) as plain:
        files = await plain.get(url)   # the signing secret survived the restart
        assert files.status_code == 200 and files.content.startswith(b"# Alpha")
    second.close()
    third = Emulator(EmulatorConfig(seed="x", data_dir=tmp_path, main_token="cop_new"))
    assert third.main_token == "cop_new" and third.tokens["main@example.org"] == "cop_new"
    third.close()


# -- run_server -------------------------------------------------------------------------------


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_run_server_stops_cleanly_on_signals(sig: signal.Signals) -> None:
    code = textwrap.dedent("""
        from co_tui.emulator import EmulatorConfig, run_server
        def ready(domain, files_origin, tokens):
            print("READY", domain, files_origin, len(tokens), flush=True)
        run_server(EmulatorConfig(seed="empty"), "127.0.0.1", 0, on_ready=ready)
        print("STOPPED", flush=True)
    """)
    process = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, cwd=os.getcwd())
    try:
        assert process.stdout is not None
        line = process.stdout.readline().split()
        assert line[0] == "READY" and int(line[3]) >= 1
        with httpx.Client(timeout=5) as client:
            response = client.get(f"{line[1]}/api/v1/custom_metadata")
            assert response.status_code == 401
        process.send_signal(sig)
        out, err = process.communicate(timeout=20)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, err
    assert "STOPPED" in out


def test_incompatible_data_dir_is_refused(tmp_path: Path) -> None:
    Emulator(EmulatorConfig(seed="empty", data_dir=tmp_path)).close()
    import sqlite3

    with sqlite3.connect(tmp_path / "emulator.sqlite3") as conn:
        conn.execute("UPDATE meta SET value = '0' WHERE key = 'schema_version'")
    with pytest.raises(ValueError, match="incompatible"):
        Emulator(EmulatorConfig(seed="empty", data_dir=tmp_path))


def test_listening_sockets_are_tcp_so_replies_are_not_delayed() -> None:
    """asyncio sets TCP_NODELAY only on accepted sockets whose proto is IPPROTO_TCP; a socket made
    with proto 0 made every small reply wait ~40 ms for a delayed ACK (measured: 44 ms -> 1 ms)."""
    import socket

    from co_tui.emulator.server import _bind

    sock = _bind("127.0.0.1", 0)
    try:
        assert sock.proto == socket.IPPROTO_TCP
        client = socket.create_connection(sock.getsockname())
        sock.setblocking(True)
        accepted, _ = sock.accept()
        with client, accepted:
            import asyncio.base_events as base_events

            base_events._set_nodelay(accepted)  # type: ignore[attr-defined]  # what asyncio does to every accepted socket
            assert accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) == 1
    finally:
        sock.close()
