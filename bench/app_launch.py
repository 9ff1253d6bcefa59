"""Launch to first painted frame, and launch to first asset rows, in a real pty.

``co-tui`` runs in a pseudo-terminal (120x36, TERM=xterm-256color) against an emulator served by
uvicorn in a child process (``scale:10000:1``); pyte decodes what the app writes. Baseline, same
run, alternating: a bare ``python -c`` script that imports httpx and makes the same first search
request (process start to answer). Each round runs co-tui twice: without a cache (a fresh, empty
cache folder) and with the previous session's first page cached (the folder the first launch
filled). Targets: first frame <= 300 ms; first rows without a cache <= 1.3x the bare script;
rows on screen with the cache <= 0.6x the bare script.

The first painted frame is the skeleton (title bar, "connecting…") that ``co_tui.splash`` draws
before Textual is imported. The first rows are whichever comes first: the skeleton drawing the
live first page (when it arrives while the UI is still being imported, as it does here) or
Textual's frame. Textual's own first frame (footer keys visible: the app takes keys from then on)
is reported too.

Both programs run from compiled bytecode, as installed: the baseline's httpx comes with its
``.pyc`` files from ``pip install``, and co-tui's package is byte-compiled before the runs
(``compileall``, which is what installing a wheel does). Without that, a checkout on a machine
with ``PYTHONDONTWRITEBYTECODE=1`` (this one) compiles every co-tui module from source at each
launch, ~60 ms that no installed copy pays.

Run: python bench/app_launch.py [--runs 15] [--tiny] [--name NAME]
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import pty
import select
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
import urllib.request
from base64 import b64encode
from fcntl import ioctl
from pathlib import Path

import pyte

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import emulator_process, load_average, print_table, target_row, write_results

COLS, ROWS = 120, 36
FIRST_PAGE = {"limit": 200, "sort_field": "created", "sort_order": "desc", "archived": False}


def first_row_name(domain: str, token: str) -> str:
    request = urllib.request.Request(
        f"{domain}/api/v1/data_assets/search", data=json.dumps(FIRST_PAGE).encode(),
        headers={"Content-Type": "application/json",
                 "Authorization": "Basic " + b64encode(f"{token}:".encode()).decode()},
    )
    with urllib.request.urlopen(request) as response:
        return str(json.load(response)["results"][0]["name"])


def run_app(domain: str, token: str, name: str, cache_home: Path,
            timeout: float = 20.0) -> tuple[float, float, float]:
    """Seconds to the first painted frame, to Textual's first frame and to the first asset row,
    with ``cache_home`` as the cache folder (``XDG_CACHE_HOME``)."""
    master, slave = pty.openpty()
    ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLS, 0, 0))
    env = {**os.environ, "TERM": "xterm-256color", "CODEOCEAN_DOMAIN": domain,
           "CODEOCEAN_TOKEN": token, "COLUMNS": str(COLS), "LINES": str(ROWS),
           "XDG_CACHE_HOME": str(cache_home)}
    screen = pyte.Screen(COLS, ROWS)
    stream = pyte.ByteStream(screen)
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "co_tui.cli"], stdin=slave, stdout=slave,
                            stderr=slave, env=env, close_fds=True, start_new_session=True)
    os.close(slave)
    first_frame = textual_frame = first_rows = 0.0
    try:
        while time.perf_counter() - start < timeout and not (first_rows and textual_frame):
            ready, _, _ = select.select([master], [], [], 0.05)
            if not ready:
                continue
            try:
                data = os.read(master, 1 << 16)
            except OSError:
                break
            stream.feed(data)
            now = time.perf_counter() - start
            text = "\n".join(screen.display)
            if not first_frame and "co-tui" in text:
                first_frame = now  # the skeleton co-tui paints before importing Textual
            if not textual_frame and "Filters" in text:
                textual_frame = now  # Textual's own first frame (the footer's keys)
            if not first_rows and name[:20] in text:
                first_rows = now
        os.write(master, b"q")
        deadline = time.perf_counter() + 10
        while proc.poll() is None and time.perf_counter() < deadline:
            # keep draining: an app blocked on a full pty cannot read the "q"
            if select.select([master], [], [], 0.05)[0]:
                try:
                    os.read(master, 1 << 16)
                except OSError:
                    break
        proc.wait(timeout=1)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        os.close(master)
    if not (first_frame and first_rows):
        raise RuntimeError("the app did not paint its first rows in time")
    return first_frame, textual_frame or first_rows, first_rows


def run_bare(domain: str, token: str) -> float:
    code = (
        "import httpx\n"
        f"r = httpx.post({domain + '/api/v1/data_assets/search'!r}, json={FIRST_PAGE!r}, "
        f"auth=({token!r}, ''))\n"
        "r.raise_for_status(); r.json()['results'][0]['name']\n"
    )
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--tiny", action="store_true", help="2 runs over 300 assets (the CI test)")
    parser.add_argument("--name", default="app_launch")
    args = parser.parse_args()
    runs, seed = (2, "scale:300:1") if args.tiny else (args.runs, "scale:10000:1")
    import co_tui

    compileall.compile_dir(str(Path(co_tui.__file__).parent), quiet=1)
    samples: dict[str, list[float]] = {k: [] for k in ("frame", "textual", "rows", "cached", "bare")}
    with tempfile.TemporaryDirectory() as scratch, emulator_process(seed) as emu:
        warm_cache = Path(scratch) / "warm"
        name = first_row_name(emu.domain, emu.token)
        run_app(emu.domain, emu.token, name, warm_cache)  # warms the OS file cache, fills the cache
        run_bare(emu.domain, emu.token)
        for i in range(runs):
            cold_cache = Path(scratch) / f"cold{i}"  # new and empty: nothing cached
            frame, full, row = run_app(emu.domain, emu.token, name, cold_cache)
            samples["frame"].append(frame)
            samples["textual"].append(full)
            samples["rows"].append(row)
            samples["bare"].append(run_bare(emu.domain, emu.token))
            samples["cached"].append(run_app(emu.domain, emu.token, name, warm_cache)[2])
    med = {k: statistics.median(v) for k, v in samples.items()}
    rows_ratio, cached_ratio = med["rows"] / med["bare"], med["cached"] / med["bare"]
    print(f"launch in a {COLS}x{ROWS} pty against {seed}, median of {runs} alternating runs, "
          f"load {load_average()}")
    print(f"{'measure':48} {'median ms':>10} {'min ms':>8} {'max ms':>8}")
    for label, key in (("co-tui: launch to first painted frame", "frame"),
                       ("co-tui: launch to Textual's first frame", "textual"),
                       ("co-tui, no cache: launch to first asset rows", "rows"),
                       ("co-tui, cached page: launch to rows on screen", "cached"),
                       ("bare httpx script: launch to search answer", "bare")):
        values = samples[key]
        print(f"{label:48} {med[key] * 1000:10.0f} {min(values) * 1000:8.0f} {max(values) * 1000:8.0f}")
    table = [
        target_row("launch: first frame <= 300 ms", med["frame"] * 1000, med["bare"] * 1000,
                   "ms", limit=300, ratio=False),
        target_row("launch: first rows, no cache <= 1.3x bare httpx script",
                   med["rows"] * 1000, med["bare"] * 1000, "ms", limit=1.3),
        target_row("launch: rows on screen, cached <= 0.6x bare httpx script",
                   med["cached"] * 1000, med["bare"] * 1000, "ms", limit=0.6),
    ]
    print_table(table)
    write_results(args.name, {
        "runs": runs, "seed": seed, "first_frame_seconds": samples["frame"],
        "textual_first_frame_seconds": samples["textual"], "first_rows_seconds": samples["rows"],
        "cached_rows_seconds": samples["cached"], "bare_script_seconds": samples["bare"],
        "median_seconds": med, "first_rows_ratio_vs_bare": rows_ratio,
        "cached_rows_ratio_vs_bare": cached_ratio,
        "table": table,
    })


if __name__ == "__main__":
    main()
