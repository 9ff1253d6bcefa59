"""The emulator keeps up: search pages and free-text search over loopback, and 100 clients.

Two servers run under uvicorn in child processes on loopback, with the same uvicorn settings:
the emulator seeded with ``scale:N:1`` (``co-tui emulator``, default N = 100,000) and a trivial
Starlette app whose one route returns the exact bytes of the emulator's first search page. One
load loop (raw HTTP/1.1 over asyncio streams, keep-alive, a fixed number of connections, each
sending its next request when the previous answer is in) drives both, alternating runs; figures
are medians over the runs.

* search page: ``POST /data_assets/search`` with ``{"limit": 100}`` (the first page of My Data),
  emulator vs the trivial app; target: at least 0.5x the trivial app's requests per second.
  Asked again with nothing written in between, the emulator answers it from memory
  (``co_tui/emulator/page_cache.py``), so a second figure, with no target, has every request
  ask for a page not asked before (offset 0-999, 50-149 rows): what SQL and encoding cost.
* free-text search: each request is a (query, limit) pair not sent before in the benchmark - a
  word or two from the seed's vocabulary, common or rare - so no response can be re-used;
  target: at least 100 requests per second at 100,000 assets.
* 100 concurrent clients: 100 connections, each in a loop of what a user of the list does, with
  no pause - the first page, scrolling (the next three pages by ``offset``), a search for a word
  of the seed's vocabulary and the next page of its results - for a few seconds; target: p99
  latency at most 250 ms. All users browse the same catalogue, so they often ask for the same
  pages: this is where re-using a page (``co_tui/emulator/page_cache.py``) pays. Each measured
  run follows a warm-up run of half its length (the other workloads push these pages out of
  memory); the warm-up's p99, when most pages are asked for the first time, is reported too.

uvloop and httptools are used by both servers when they are installed (uvicorn's ``auto``).

Run: python bench/emulator_search.py [--assets 100000] [--runs 7] [--name emulator_search]
     python bench/emulator_search.py --tiny      (a few seconds; what the test runs)
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import emulator_process, target_row, write_results

SEARCH_PATH = "/api/v1/data_assets/search"
PAGE_TARGET = 0.5
FREE_TEXT_TARGET = 100.0
P99_TARGET_MS = 250.0
WORDS = ("raw", "ecephys", "brain", "smartspim", "exaspim", "behavior", "immune", "atlas", "fmri",
         "bids", "merfish", "cortex", "calcium", "suite2p", "sorted", "curated", "qc", "analysis",
         "thalamus", "memory", "light", "sheet", "video", "counts", "pbmc", "spatial", "fusion",
         "stitched", "photon", "neuropixels", "lgd", "zarr", "foraging", "cohort", "model",
         "result", "2021", "6012", "65", "scrna")
"""Words of the scale seed's names, tags, descriptions and metadata (common and rare ones,
prefixes of subject ids), the last one typed as a prefix."""


# -- the trivial app ----------------------------------------------------------------------------


def serve_trivial(body_file: Path) -> None:
    """Serve ``body_file``'s bytes at ``POST /api/v1/data_assets/search`` until killed."""
    import uvicorn
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import Response
    from starlette.routing import Route

    body = body_file.read_bytes()

    async def page(request: Request) -> Response:
        return Response(body, media_type="application/json")

    app = Starlette(routes=[Route(SEARCH_PATH, page, methods=["POST"])])
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(2048)
    sock.setblocking(False)
    print(f"listening on http://127.0.0.1:{sock.getsockname()[1]}", flush=True)
    server = uvicorn.Server(uvicorn.Config(app, interface="asgi3", lifespan="off", log_config=None,
                                           log_level="warning", access_log=False,
                                           timeout_keep_alive=30))
    server.run(sockets=[sock])


def start_trivial(body_file: Path) -> tuple[subprocess.Popen[str], int]:
    """The trivial app in a child process, and its port."""
    process = subprocess.Popen([sys.executable, __file__, "--serve-trivial", str(body_file)],
                               stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    line = process.stdout.readline()
    match = re.match(r"listening on http://127\.0\.0\.1:(\d+)", line)
    if match is None:
        process.kill()
        raise RuntimeError(f"the trivial app did not start: {line!r}")
    return process, int(match.group(1))


# -- the load loop ------------------------------------------------------------------------------


def request_bytes(port: int, token: str, body: dict[str, Any]) -> bytes:
    """One ``POST /data_assets/search`` request, as sent on the wire."""
    payload = json.dumps(body, separators=(",", ":")).encode()
    auth = base64.b64encode(f"{token}:".encode()).decode()
    head = (f"POST {SEARCH_PATH} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
            f"Authorization: Basic {auth}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(payload)}\r\n\r\n")
    return head.encode() + payload


@dataclass
class Load:
    """What one load run measured."""

    done: int = 0
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    errors: int = 0

    @property
    def rate(self) -> float:
        return self.done / self.seconds if self.seconds else 0.0

    def percentile(self, q: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else 0.0


_LENGTH = re.compile(rb"\r\ncontent-length:\s*(\d+)", re.I)


async def _exchange(reader: asyncio.StreamReader, writer: asyncio.StreamWriter,
                    request: bytes) -> int:
    writer.write(request)
    head = await reader.readuntil(b"\r\n\r\n")
    match = _LENGTH.search(head)
    if match is None:
        raise RuntimeError(f"no Content-Length in {head[:200]!r}")
    await reader.readexactly(int(match.group(1)))
    return int(head[9:12])


async def _load(port: int, next_request: Callable[[int], bytes], clients: int,
                seconds: float) -> Load:
    result = Load()
    start = time.perf_counter()
    deadline = start + seconds

    async def client(number: int) -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", port, limit=1 << 22)
        try:
            sent = 0
            while time.perf_counter() < deadline:
                began = time.perf_counter()
                status = await _exchange(reader, writer, next_request(number * 1_000_003 + sent))
                result.latencies.append(time.perf_counter() - began)
                sent += 1
                if status == 200:
                    result.done += 1
                else:
                    result.errors += 1
        finally:
            writer.close()

    await asyncio.gather(*(client(i) for i in range(clients)))
    result.seconds = time.perf_counter() - start
    return result


def load(port: int, next_request: Callable[[int], bytes], clients: int, seconds: float) -> Load:
    """Run ``clients`` connections for ``seconds``; request ``i`` is ``next_request(i)``."""
    return asyncio.run(_load(port, next_request, clients, seconds))


def fetch(port: int, request: bytes) -> bytes:
    """One request's response body (blocking; for the set-up)."""
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.sendall(request)
        data = b""
        while b"\r\n\r\n" not in data:
            data += sock.recv(65536)
        head, _, body = data.partition(b"\r\n\r\n")
        match = _LENGTH.search(head)
        assert match is not None and head.startswith(b"HTTP/1.1 200"), head[:200]
        while len(body) < int(match.group(1)):
            body += sock.recv(1 << 20)
        return body


# -- the workloads ------------------------------------------------------------------------------


def free_text_body(rng: random.Random) -> dict[str, Any]:
    """A free-text search a user might type: one or two words, a random page size."""
    words = [rng.choice(WORDS) for _ in range(rng.choice((1, 1, 1, 2)))]
    return {"query": " ".join(words), "limit": rng.randint(20, 200)}


class Fresh:
    """Request bodies never sent before in this benchmark (so no answer can be re-used)."""

    def __init__(self, seed: str) -> None:
        self.rng = random.Random(seed)
        self.sent: set[str] = set()
        self.pages = 0

    def _new(self, body: dict[str, Any]) -> bool:
        key = json.dumps(body, sort_keys=True)
        if key in self.sent:
            return False
        self.sent.add(key)
        return True

    def free_text(self) -> dict[str, Any]:
        """A free-text search (:func:`free_text_body`) not sent before."""
        while True:
            body = free_text_body(self.rng)
            if self._new(body):
                return body

    def page(self) -> dict[str, Any]:
        """A page of the unfiltered list not asked for before: offsets 0-999, 50-149 rows."""
        self.pages += 1
        return {"offset": self.pages % 1000, "limit": 50 + (self.pages // 1000) % 100}


def user_body(rng: random.Random, step: int) -> dict[str, Any]:
    """Step ``step`` of a user's loop: the first page of the list, scrolling (the next three
    pages), a search for a word of the seed's vocabulary and the next page of its results (the
    page size the list uses, so two users typing the same word ask for the same page)."""
    kind = step % 6
    if kind < 4:
        return {"limit": 100, "offset": 100 * kind} if kind else {"limit": 100}
    return {"query": rng.choice(WORDS), "limit": 100, "offset": 0 if kind == 4 else 100}


def constant(request: bytes) -> Callable[[int], bytes]:
    """A request maker that always sends ``request``."""
    return lambda _number: request


def median(values: list[float]) -> float:
    return statistics.median(values) if values else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--assets", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--seconds", type=float, default=3.0, help="length of each load run")
    parser.add_argument("--connections", type=int, default=8,
                        help="connections of the req/s runs (default 8)")
    parser.add_argument("--clients", type=int, default=100,
                        help="connections of the latency run (default 100)")
    parser.add_argument("--name", default="emulator_search", help="results file name")
    parser.add_argument("--results-dir", type=Path, default=None,
                        help="default: bench/results or $CO_TUI_BENCH_RESULTS")
    parser.add_argument("--tiny", action="store_true",
                        help="2,000 assets, 1 run of 0.3 s, 10 clients (for the test)")
    parser.add_argument("--serve-trivial", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_trivial is not None:
        serve_trivial(args.serve_trivial)
        return
    if args.tiny:
        args.assets, args.runs, args.seconds, args.connections, args.clients = 2000, 1, 0.3, 4, 10
    run(args)


def run(args: argparse.Namespace) -> None:
    rates: dict[str, list[float]] = {"emulator": [], "trivial": [], "fresh": [], "free_text": []}
    p50: list[float] = []
    p99: list[float] = []
    cold_p99: list[float] = []
    errors = 0
    load_before = load_average()
    with emulator_process(f"scale:{args.assets}:1") as emu, \
            tempfile.TemporaryDirectory() as tmp:
        emu_port = int(emu.domain.rsplit(":", 1)[1])
        page_request = request_bytes(emu_port, emu.token, {"limit": 100})
        body_file = Path(tmp) / "page.json"
        body_file.write_bytes(fetch(emu_port, page_request))
        trivial, trivial_port = start_trivial(body_file)
        try:
            trivial_request = request_bytes(trivial_port, emu.token, {"limit": 100})
            assert fetch(trivial_port, trivial_request) == body_file.read_bytes()
            fresh = Fresh(f"emulator_search:{args.assets}")
            rng = random.Random(f"emulator_search:users:{args.assets}")
            workloads: list[tuple[str, int, Callable[[int], bytes]]] = [
                ("emulator", emu_port, constant(page_request)),
                ("trivial", trivial_port, constant(trivial_request)),
                ("fresh", emu_port,
                 lambda _i: request_bytes(emu_port, emu.token, fresh.page())),
                ("free_text", emu_port,
                 lambda _i: request_bytes(emu_port, emu.token, fresh.free_text())),
            ]
            for run_number in range(args.runs):
                for name, port, next_request in workloads:
                    result = load(port, next_request, args.connections, args.seconds)
                    rates[name].append(result.rate)
                    errors += result.errors
                def users(number: int) -> bytes:
                    return request_bytes(emu_port, emu.token, user_body(rng, number % 1_000_003))

                cold = load(emu_port, users, args.clients, args.seconds / 2)
                cold_p99.append(cold.percentile(0.99) * 1000)
                errors += cold.errors
                result = load(emu_port, users, args.clients, args.seconds)
                p50.append(result.percentile(0.5) * 1000)
                p99.append(result.percentile(0.99) * 1000)
                errors += result.errors
                print(f"run {run_number + 1}/{args.runs}: page {rates['emulator'][-1]:.0f} vs "
                      f"{rates['trivial'][-1]:.0f} req/s (new pages {rates['fresh'][-1]:.0f}), "
                      f"free text {rates['free_text'][-1]:.0f} req/s, {args.clients} clients "
                      f"p50 {p50[-1]:.1f} ms p99 {p99[-1]:.1f} ms (warming up: p99 "
                      f"{cold_p99[-1]:.1f} ms)", flush=True)
        finally:
            trivial.kill()
            trivial.wait()
    report(args, rates, p50, p99, cold_p99, errors, [load_before, load_average()])


def load_average() -> list[str]:
    """The 1, 5 and 15 minute load averages (the machine may be shared)."""
    path = Path("/proc/loadavg")
    return path.read_text().split()[:3] if path.exists() else []


def report(args: argparse.Namespace, rates: dict[str, list[float]], p50: list[float],
           p99: list[float], cold_p99: list[float], errors: int,
           loads: list[list[str]]) -> None:
    ours, trivial = median(rates["emulator"]), median(rates["trivial"])
    fresh, free_text = median(rates["fresh"]), median(rates["free_text"])
    ratio = ours / trivial if trivial else 0.0
    met = {"page_ratio": ratio >= PAGE_TARGET, "free_text_rps": free_text >= FREE_TEXT_TARGET,
           "clients_p99_ms": median(p99) <= P99_TARGET_MS}
    rows = [
        ("search page req/s >= 0.5x trivial", f"{ours:.0f}", f"{trivial:.0f}", f"{ratio:.2f}x",
         "yes" if met["page_ratio"] else "NO"),
        ("(every page new: no target)", f"{fresh:.0f}", f"{trivial:.0f}",
         f"{fresh / trivial if trivial else 0:.2f}x", "-"),
        (f"free-text req/s >= {FREE_TEXT_TARGET:.0f}", f"{free_text:.0f}", "-",
         f"{free_text / FREE_TEXT_TARGET:.2f}x", "yes" if met["free_text_rps"] else "NO"),
        (f"{args.clients} clients p99 <= {P99_TARGET_MS:.0f} ms", f"{median(p99):.1f} ms",
         f"p50 {median(p50):.1f} ms", f"{P99_TARGET_MS / median(p99) if median(p99) else 0:.2f}x",
         "yes" if met["clients_p99_ms"] else "NO"),
        ("(the warm-up before it: no target)", f"{median(cold_p99):.1f} ms", "-", "-", "-"),
    ]
    print(f"emulator search at {args.assets:,} assets, median of {args.runs} runs of "
          f"{args.seconds:g} s ({args.connections} connections; {args.clients} for latency); "
          f"load average before {' '.join(loads[0])}, after {' '.join(loads[1])}")
    print(f"{'target':36} {'ours':>10} {'baseline':>12} {'ratio':>7} met")
    for target, value, base, ratio_text, met_text in rows:
        print(f"{target:36} {value:>10} {base:>12} {ratio_text:>7} {met_text}")
    if errors:
        print(f"non-200 answers: {errors}")
    write_results(args.name, {
        "assets": args.assets, "runs": args.runs, "seconds_per_run": args.seconds,
        "connections": args.connections, "clients": args.clients,
        "load_average_before_after": loads, "non_200": errors,
        "rps": rates, "clients_p50_ms": p50, "clients_p99_ms": p99,
        "clients_warm_up_p99_ms": cold_p99,
        "median": {"page_rps": ours, "trivial_rps": trivial, "page_ratio": ratio,
                   "new_page_rps": fresh, "free_text_rps": free_text,
                   "clients_p50_ms": median(p50), "clients_p99_ms": median(p99)},
        "targets": {"page_ratio": PAGE_TARGET, "free_text_rps": FREE_TEXT_TARGET,
                    "clients_p99_ms": P99_TARGET_MS},
        "met": met,
        "table": [
            target_row("emulator: search page >= 0.5x a trivial Starlette app", ours, trivial,
                       "req/s", limit=PAGE_TARGET, higher_is_better=True),
            target_row(f"emulator: free-text search at {args.assets:,} assets >= "
                       f"{FREE_TEXT_TARGET:.0f} req/s", free_text, None, "req/s",
                       limit=FREE_TEXT_TARGET, ratio=False, higher_is_better=True),
            target_row(f"emulator: {args.clients} concurrent clients p99 <= "
                       f"{P99_TARGET_MS:.0f} ms", median(p99), None, "ms", limit=P99_TARGET_MS,
                       ratio=False),
        ],
    }, directory=args.results_dir)

if __name__ == "__main__":
    main()
