"""Serving the emulator over real sockets with uvicorn, in a background thread or the foreground.

Both origins are served by one uvicorn server listening on two sockets (the API port and the
signed-URL port); ``Emulator.app`` tells them apart by the port a request arrived on. Sockets are
bound before the emulator is built, so ``port=0`` works and the signed URLs name the real port.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import logging
import signal
import socket
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from types import FrameType

import uvicorn

from co_tui.emulator.core import Emulator
from co_tui.emulator.faults import DropConnection
from co_tui.emulator.seed_model import SeedData
from co_tui.emulator.settings import EmulatorConfig


@dataclass
class ServedEmulator:
    """What :func:`serve_in_thread` yields: the origins and the emulator behind them."""

    domain: str
    """API origin, e.g. ``http://127.0.0.1:54321`` (the API is at ``{domain}/api/v1/``)."""
    files_origin: str
    """Origin of the signed file URLs (its own port)."""
    emulator: Emulator


class _QuietDrops(logging.Filter):
    """Hide uvicorn's traceback for connections the emulator drops on purpose."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.exc_info and isinstance(record.exc_info[1], DropConnection))


class _Server(uvicorn.Server):
    """uvicorn's server with signal handling we control: SIGINT/SIGTERM stop it cleanly and are
    not re-raised afterwards (uvicorn's own handler would re-raise them)."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        if threading.current_thread() is not threading.main_thread():
            yield
            return

        def stop(signum: int, frame: FrameType | None) -> None:
            if self.should_exit and signum == signal.SIGINT:
                self.force_exit = True
            self.should_exit = True

        previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}
        try:
            yield
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)


def _bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # proto=IPPROTO_TCP matters: asyncio only sets TCP_NODELAY on accepted sockets whose proto
    # says TCP, and without it every small response waits ~40 ms for a delayed ACK (Nagle).
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(2048)
    sock.setblocking(False)
    return sock


def _origin(host: str, sock: socket.socket) -> str:
    port = sock.getsockname()[1]
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def _prepare(config: EmulatorConfig, host: str, port: int, files_port: int,
             seed_data: SeedData | None) -> tuple[Emulator, _Server, list[socket.socket]]:
    api_sock = _bind(host, port)
    try:
        files_sock = _bind(host, files_port)
    except OSError:
        api_sock.close()
        raise
    sockets = [api_sock, files_sock]
    try:
        domain, files_origin = _origin(host, api_sock), _origin(host, files_sock)
        emulator = Emulator(replace(config, api_origin=domain, files_origin=files_origin),
                            seed_data=seed_data)
    except BaseException:
        for sock in sockets:
            sock.close()
        raise
    emulator.files_ports.add(files_sock.getsockname()[1])
    emulator.file_origin.conn_rate = config.conn_rate_mbps * 1e6
    logging.getLogger("uvicorn.error").addFilter(_QuietDrops())
    server = _Server(uvicorn.Config(
        emulator.app, interface="asgi3", lifespan="off", log_config=None, log_level="warning",
        access_log=False, timeout_graceful_shutdown=2, timeout_keep_alive=30,
    ))
    return emulator, server, sockets


@contextlib.contextmanager
def serve_in_thread(config: EmulatorConfig, host: str = "127.0.0.1", port: int = 0,
                    files_port: int = 0, startup_timeout: float = 30.0,
                    seed_data: SeedData | None = None) -> Iterator[ServedEmulator]:
    """Serve an emulator with uvicorn in a daemon thread for the duration of the ``with`` block.

    ``config.api_origin`` / ``config.files_origin`` are replaced by the real loopback origins.
    ``seed_data`` replaces ``config.seed`` (hand-made seeds in tests).
    """
    emulator, server, sockets = _prepare(config, host, port, files_port, seed_data)
    thread = threading.Thread(target=server.run, kwargs={"sockets": sockets},
                              name="co-tui-emulator", daemon=True)
    thread.start()
    try:
        waited = 0.0
        while not server.started:
            if not thread.is_alive():
                raise RuntimeError("the emulator server stopped during start-up")
            if waited > startup_timeout:
                raise RuntimeError("the emulator server did not start in time")
            threading.Event().wait(0.01)
            waited += 0.01
        yield ServedEmulator(emulator.config.api_origin, emulator.config.files_origin, emulator)
    finally:
        server.should_exit = True
        thread.join(timeout=15)
        for sock in sockets:
            sock.close()
        emulator.close()


def _call_ready(on_ready: Callable[..., object], emulator: Emulator) -> None:
    args: list[object] = [emulator.config.api_origin, emulator.config.files_origin]
    try:
        inspect.signature(on_ready).bind(*args, emulator.tokens)
        args.append(emulator.tokens)
    except TypeError:
        pass
    on_ready(*args)


def run_server(config: EmulatorConfig, host: str = "127.0.0.1", port: int = 8000,
               files_port: int = 0, on_ready: Callable[..., object] | None = None,
               seed_data: SeedData | None = None) -> None:
    """Serve an emulator in the foreground until SIGINT/SIGTERM, then shut down cleanly.

    ``on_ready(domain, files_origin)`` - or ``on_ready(domain, files_origin, tokens)`` when it
    takes three arguments, ``tokens`` being e-mail -> token - is called once the server listens.
    Raises ``ValueError`` for a bad configuration (unknown seed ...) and ``OSError`` when a port
    cannot be bound.
    """
    emulator, server, sockets = _prepare(config, host, port, files_port, seed_data)

    async def main() -> None:
        task = asyncio.ensure_future(server.serve(sockets=sockets))
        # uvicorn exposes start-up only as the plain attribute ``started``, not as an event.
        while not server.started and not task.done():  # noqa: ASYNC110
            await asyncio.sleep(0.01)
        if server.started and on_ready is not None:
            _call_ready(on_ready, emulator)
        await task

    try:
        asyncio.run(main())
    finally:
        for sock in sockets:
            sock.close()
        emulator.close()
