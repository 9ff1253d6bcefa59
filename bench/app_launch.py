"""Launch to first painted frame, and launch to first asset rows, in a real pty.

``co-tui`` runs in a pseudo-terminal (120x36, TERM=xterm-256color) against an emulator served by
uvicorn in a child process (``scale:10000:1``); pyte decodes what the app writes. Baseline, same
run: a bare ``python -c`` script that imports httpx and makes the same first search request
(process start to answer). Targets (issue 3): first frame <= 300 ms; first rows within 1.5x of
the bare script.

The first painted frame is the skeleton (title bar, "connecting…") that ``co_tui.splash`` draws
before Textual is imported; Textual's own first frame (footer keys visible) is reported too.

Both programs run from compiled bytecode, as installed: the baseline's httpx comes with its
``.pyc`` files from ``pip install``, and co-tui's package is byte-compiled before the runs
(``compileall``, which is what installing a wheel does). Without that, a checkout on a machine
with ``PYTHONDONTWRITEBYTECODE=1`` (this one) compiles every co-tui module from source at each
launch, ~60 ms that no installed copy pays.

Run: python bench/app_launch.py [--runs 11]
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
import termios
import time
import urllib.request
from base64 import b64encode
from fcntl import ioctl
from pathlib import Path

import pyte

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import emulator_process, write_results

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


def run_app(domain: str, token: str, name: str, timeout: float = 20.0) -> tuple[float, float, float]:
    """Seconds to the first painted frame, to Textual's first frame and to the first asset row."""
    master, slave = pty.openpty()
    ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLS, 0, 0))
    env = {**os.environ, "TERM": "xterm-256color", "CODEOCEAN_DOMAIN": domain,
           "CODEOCEAN_TOKEN": token, "COLUMNS": str(COLS), "LINES": str(ROWS)}
    screen = pyte.Screen(COLS, ROWS)
    stream = pyte.ByteStream(screen)
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "co_tui.cli"], stdin=slave, stdout=slave,
                            stderr=slave, env=env, close_fds=True, start_new_session=True)
    os.close(slave)
    first_frame = textual_frame = first_rows = 0.0
    try:
        while time.perf_counter() - start < timeout and not first_rows:
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
            if name[:20] in text:
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
    parser.add_argument("--runs", type=int, default=11)
    args = parser.parse_args()
    import co_tui

    compileall.compile_dir(str(Path(co_tui.__file__).parent), quiet=1)
    frames: list[float] = []
    textual: list[float] = []
    rows: list[float] = []
    bare: list[float] = []
    with emulator_process("scale:10000:1") as emu:
        name = first_row_name(emu.domain, emu.token)
        run_app(emu.domain, emu.token, name)  # warm the OS file cache and the server
        run_bare(emu.domain, emu.token)
        for _ in range(args.runs):
            frame, full, row = run_app(emu.domain, emu.token, name)
            frames.append(frame)
            textual.append(full)
            rows.append(row)
            bare.append(run_bare(emu.domain, emu.token))
    f, r, b = (statistics.median(x) for x in (frames, rows, bare))
    print(f"launch in a {COLS}x{ROWS} pty against scale:10000:1, median of {args.runs} runs")
    print(f"{'measure':44} {'median ms':>10} {'min ms':>8} {'max ms':>8}")
    for label, values in (("co-tui: launch to first painted frame", frames),
                          ("co-tui: launch to Textual's first frame", textual),
                          ("co-tui: launch to first asset rows", rows),
                          ("bare httpx script: launch to search answer", bare)):
        print(f"{label:44} {statistics.median(values) * 1000:10.0f} "
              f"{min(values) * 1000:8.0f} {max(values) * 1000:8.0f}")
    print(f"target: first frame <= 300 ms -> {f * 1000:.0f} ms {'PASS' if f <= 0.3 else 'FAIL'}")
    print(f"target: first rows <= 1.5x bare -> {r / b:.2f}x {'PASS' if r <= 1.5 * b else 'FAIL'}")
    write_results("app_launch", {
        "runs": args.runs, "first_frame_seconds": frames, "textual_first_frame_seconds": textual,
        "first_rows_seconds": rows,
        "bare_script_seconds": bare, "first_rows_ratio_vs_bare": r / b,
        "targets": {"first_frame_seconds": 0.3, "first_rows_ratio": 1.5},
    })


if __name__ == "__main__":
    main()
