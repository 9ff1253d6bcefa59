"""My Data with every asset of a big catalogue paged in, against a plain Textual DataTable.

Both programs run in a real pty (120x36, TERM=xterm-256color) against a ``scale:N:1`` emulator
served by uvicorn in a child process (bench/_app_scale_child.py is what runs in the pty). A key
is written to the pty and the answer read until the terminal has been quiet for
:data:`QUIET` seconds: the key's latency is the time from the write to the last byte of that
answer. Keys alternate between co-tui and the DataTable app holding the same rows (the same
search, paged in with httpx), ``--runs`` rounds of ``j j j k k k PgDn PgDn PgDn g G``; medians are compared.

Measured, and the targets (docs/product.md, "Performance targets"):

* keys ``j k PgDn g G``: each <= 1.5x the DataTable's median;
* a sort change (``S``, the order flipped, every asset loaded) and a keystroke in the search
  bar (``search_as_you_type`` on): median <= 50 ms
  and p95 <= 100 ms (the DataTable's ``sort`` by name is shown for comparison);
* the longest event-loop stall while the list pages in: <= 50 ms (a task in the app's loop
  records how late a 5 ms sleep wakes up);
* every asset loaded, from launch: <= 1.3x a bare script (process start, httpx, pages of 1,000,
  ``json.loads``) listing the same search in the same run, timed before and after the app;
* memory: the app's RSS growth from the first rows to all loaded, per asset: < 2 KiB.

The debounced panes (quick look, detail strip) repaint after the keys stop, in a later burst:
"quick look settled" is the time from ``j`` to that repaint, shown for information.

Run: python bench/app_scale.py [--assets 100000] [--runs 7] [--name app_scale] [--tiny]
``--tiny``: 1,500 assets, one run and shorter pauses, for the CI test
(tests/perf/test_app_scale_bench.py); writes no results unless ``--name`` is given.
"""

from __future__ import annotations

import argparse
import json
import os
import pty
import re
import select
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from dataclasses import dataclass, field
from fcntl import ioctl
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import emulator_process, write_results

HERE = Path(__file__).resolve().parent
COLS, ROWS = 120, 36
QUIET = 0.04
"""Seconds without output that end a key's answer."""
SETTLE = 0.3
"""Seconds without output before the next key is sent (debounced repaints land meanwhile)."""
FIRST_BYTE = 10.0
"""Seconds to wait for the first byte of an answer (the DataTable's sort of 100,000 rows takes
seconds)."""
SEARCH_TEXT = "ecephys_6"
"""Typed into the search bar, one keystroke per run."""
KEYS = {"j": b"j", "k": b"k", "PgDn": b"\x1b[6~", "g": b"g", "G": b"G"}
PRESSES = {"j": 3, "k": 3, "PgDn": 3, "g": 1, "G": 1}
"""Presses of each key per run (``j j j k k k``, ``PgDn`` three screens down, then ``g``, ``G``),
each alternating between the two programs."""
MOVE = re.compile(rb"\x1b\[\d+;\d+H")
"""A cursor move: Textual starts every line it repaints with one."""


@dataclass
class Answer:
    """What a key brought back: latency to the last byte, and how much was drawn."""

    seconds: float
    size: int
    lines: int
    settled: float = 0.0
    """Seconds to the last byte of every burst within the settle time (debounced repaints)."""


@dataclass
class Program:
    """A program in a pty, read until quiet after each key."""

    name: str
    proc: subprocess.Popen[bytes]
    master: int
    report: Path
    events: list[dict[str, Any]] = field(default_factory=list)

    @classmethod
    def start(cls, which: str, domain: str, token: str, workdir: Path,
              profile: str | None = None) -> Program:
        master, slave = pty.openpty()
        ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLS, 0, 0))
        report = workdir / f"{which}.jsonl"
        report.unlink(missing_ok=True)
        env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": str(COLS), "LINES": str(ROWS)}
        cmd = [sys.executable, str(HERE / "_app_scale_child.py"), which, domain, token,
               str(report)]
        if profile:
            cmd += ["--profile", profile]
        proc = subprocess.Popen(cmd, stdin=slave, stdout=slave, stderr=slave, env=env,
                                close_fds=True, start_new_session=True)
        os.close(slave)
        return cls(which, proc, master, report)

    def read(self, timeout: float) -> bytes:
        if not select.select([self.master], [], [], timeout)[0]:
            return b""
        try:
            return os.read(self.master, 1 << 16)
        except OSError:
            return b""

    def drain(self, quiet: float | None = None, limit: float = 10.0) -> None:
        """Read until the terminal has been quiet for ``quiet`` seconds (:data:`SETTLE`)."""
        quiet = SETTLE if quiet is None else quiet
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline and self.read(quiet):
            pass

    def wait_for(self, event: str, timeout: float) -> dict[str, Any]:
        """Keep the pty drained until the program reports ``event``."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.read(0.05)
            if self.report.exists():
                self.events = [json.loads(line) for line in self.report.read_text().splitlines()]
                for found in self.events:
                    if found["event"] == event:
                        return found
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited ({self.proc.returncode})")
        raise RuntimeError(f"{self.name}: no {event!r} within {timeout:.0f} s")

    def key(self, data: bytes) -> Answer:
        """Send ``data``; the time to the end of the answer, and the answer's size."""
        sent = time.monotonic()
        os.write(self.master, data)
        last, size, lines = sent, 0, 0
        settled = sent
        first = True
        while True:
            chunk = self.read(FIRST_BYTE if first and not size else QUIET)
            if not chunk:
                break
            first = False
            last = time.monotonic()
            size += len(chunk)
            lines += len(MOVE.findall(chunk))
        settled = last
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:  # later bursts: debounced repaints
            chunk = self.read(SETTLE)
            if not chunk:
                break
            settled = time.monotonic()
        return Answer(last - sent, size, lines, settled - sent)

    def stop(self) -> None:
        try:
            os.write(self.master, b"\x03" if self.name == "table" else b"q")
            deadline = time.monotonic() + 5
            while self.proc.poll() is None and time.monotonic() < deadline:
                self.read(0.05)
        finally:
            if self.proc.poll() is None:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
            os.close(self.master)


def bare_listing(domain: str, token: str) -> float:
    """Seconds for a bare script to list the whole search with httpx (pages of 1,000)."""
    code = (
        "import httpx, json\n"
        f"body = {{'limit': 1000, 'sort_field': 'created', 'sort_order': 'desc', "
        f"'archived': False}}\n"
        f"with httpx.Client(auth=({token!r}, '')) as c:\n"
        "    rows = []\n"
        "    while True:\n"
        f"        page = json.loads(c.post({domain + '/api/v1/data_assets/search'!r}, "
        "json=body).content)\n"
        "        rows.extend(page['results'])\n"
        "        if not page['has_more']: break\n"
        "        body['next_token'] = page['next_token']\n"
    )
    start = time.monotonic()
    subprocess.run([sys.executable, "-c", code], check=True)
    return time.monotonic() - start


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def measure(args: argparse.Namespace, domain: str, token: str, workdir: Path) -> dict[str, Any]:
    bare = [bare_listing(domain, token)]
    started = time.monotonic()
    app = Program.start("app", domain, token, workdir, args.profile)
    table: Program | None = None
    try:
        loaded = app.wait_for("loaded", timeout=args.timeout)
        first = next(e for e in app.events if e["event"] == "first_rows")
        bare.append(bare_listing(domain, token))
        table = Program.start("table", domain, token, workdir)
        table.wait_for("loaded", timeout=args.timeout)
        app.drain()
        table.drain()
        keys: dict[str, dict[str, list[Answer]]] = {k: {"app": [], "table": []} for k in KEYS}
        for round_ in range(args.runs + 1):  # the first round warms up
            for label, data in KEYS.items():
                order = (app, table) if round_ % 2 else (table, app)
                for _ in range(PRESSES[label]):
                    for program in order:
                        answer = program.key(data)
                        if round_:
                            keys[label][program.name].append(answer)
            for program in (app, table):  # back to the top for the next round's j
                program.key(KEYS["g"])
        sort = {"app": [], "table": []}  # type: dict[str, list[Answer]]
        for _round in range(args.runs):
            for program in (app, table):
                # co-tui's S flips the order and reloads the sorted list (s opens a menu);
                # the DataTable's s sorts its rows by name
                sort[program.name].append(program.key(b"S" if program is app else b"s"))
        app.key(b"/")
        # a word that matches much of the catalogue: each pause longer than the search's
        # debounce reloads the list, which pages in behind the next keystrokes
        search = [app.key(char.encode()) for char in SEARCH_TEXT[: max(2, args.runs)]]
    finally:
        app.stop()
        if table is not None:
            table.stop()
    return {"bare": bare, "loaded": loaded, "first": first, "started": started,
            "keys": keys, "sort": sort, "search": search}


def summarise(raw: dict[str, Any], args: argparse.Namespace) -> dict[str, Any]:
    rows: list[dict[str, Any]] = []

    def ms(values: list[Answer]) -> float:
        return statistics.median(a.seconds for a in values) * 1000

    for label, runs in raw["keys"].items():
        ours, base = ms(runs["app"]), ms(runs["table"])
        rows.append({"measure": f"key {label} (median ms)", "target": "<= 1.5x",
                     "ours": ours, "baseline": base, "ratio": ours / base,
                     "met": ours <= 1.5 * base,
                     "ours_lines": statistics.median(a.lines for a in runs["app"]),
                     "baseline_lines": statistics.median(a.lines for a in runs["table"]),
                     "ours_bytes": statistics.median(a.size for a in runs["app"]),
                     "baseline_bytes": statistics.median(a.size for a in runs["table"]),
                     "ours_ms": [round(a.seconds * 1000, 2) for a in runs["app"]],
                     "baseline_ms": [round(a.seconds * 1000, 2) for a in runs["table"]]})
    settled = statistics.median(a.settled for a in raw["keys"]["j"]["app"]) * 1000
    rows.append({"measure": "j, quick look settled (median ms)", "target": "info",
                 "ours": settled, "baseline": None, "ratio": None, "met": None})
    for label, answers, base in (
        ("sort change S", raw["sort"]["app"], raw["sort"]["table"]),
        ("search keystroke", raw["search"], None),
    ):
        values = [a.seconds * 1000 for a in answers]
        med, high = statistics.median(values), p95(values)
        base_ms = statistics.median(a.seconds for a in base) * 1000 if base else None
        rows.append({"measure": f"{label} (median ms)", "target": "<= 50", "ours": med,
                     "baseline": base_ms, "ratio": med / base_ms if base_ms else None,
                     "met": med <= 50, "ours_ms": [round(v, 2) for v in values]})
        rows.append({"measure": f"{label} (p95 ms)", "target": "<= 100", "ours": high,
                     "baseline": None, "ratio": None, "met": high <= 100})
    loaded = raw["loaded"]
    rows.append({"measure": "longest stall paging in (ms)", "target": "<= 50",
                 "ours": loaded["worst_stall_ms"], "baseline": None, "ratio": None,
                 "met": loaded["worst_stall_ms"] <= 50})
    all_loaded = loaded["t"] - raw["started"]
    bare = statistics.mean(raw["bare"])
    rows.append({"measure": f"all {loaded['count']:,} loaded from launch (s)",
                 "target": "<= 1.3x", "ours": all_loaded, "baseline": bare,
                 "ratio": all_loaded / bare, "met": all_loaded <= 1.3 * bare})
    grown = (loaded["rss_kib"] - raw["first"]["rss_kib"]) * 1024
    per_asset = grown / max(1, loaded["count"] - raw["first"]["count"])
    rows.append({"measure": "memory per asset paged in (B)", "target": "< 2048",
                 "ours": per_asset, "baseline": None, "ratio": None, "met": per_asset < 2048})
    rows.append({"measure": "first rows from launch (s)", "target": "info",
                 "ours": raw["first"]["t"] - raw["started"], "baseline": None, "ratio": None,
                 "met": None})
    return {"assets": loaded["count"], "runs": args.runs, "rows": rows,
            "stalls_over_20ms": loaded.get("stalls", []),
            "bare_listing_seconds": raw["bare"], "load_average": os.getloadavg()}


def show(summary: dict[str, Any]) -> None:
    def fmt(value: Any, spec: str) -> str:
        return "—" if value is None else format(value, spec)

    print(f"My Data, {summary['assets']:,} assets, {COLS}x{ROWS} pty, median of "
          f"{summary['runs']} runs; load average {summary['load_average'][0]:.2f}")
    print(f"{'measure':38} {'target':>8} {'ours':>9} {'baseline':>9} {'ratio':>7} {'met':>5}"
          f"  lines ours/base")
    for row in summary["rows"]:
        met = {True: "yes", False: "NO", None: ""}[row["met"]]
        lines = (f"  {row['ours_lines']:.0f}/{row['baseline_lines']:.0f}"
                 if "ours_lines" in row else "")
        print(f"{row['measure']:38} {row['target']:>8} {fmt(row['ours'], '9.1f')} "
              f"{fmt(row['baseline'], '9.1f')} {(fmt(row['ratio'], '6.2f') + 'x') if row['ratio'] is not None else '—':>7} {met:>5}"
              f"{lines}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--assets", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--name", help="write bench/results/NAME.json (default: app_scale)")
    parser.add_argument("--no-write", action="store_true", help="write no results file")
    parser.add_argument("--tiny", action="store_true", help="1,500 assets, 1 run (CI)")
    parser.add_argument("--profile", help="cProfile co-tui's run into this file")
    parser.add_argument("--json", action="store_true", help="print the summary as JSON too")
    parser.add_argument("--timeout", type=float, default=900, help="seconds to wait for a load")
    args = parser.parse_args()
    if args.tiny:
        global SETTLE
        args.assets, args.runs, args.timeout = 1500, 1, min(args.timeout, 60)
        SETTLE = 0.15  # still longer than the quick look's delay
    elif args.name is None:
        args.name = "app_scale"
    with tempfile.TemporaryDirectory() as tmp, \
            emulator_process(f"scale:{args.assets}:1", timeout=900) as emu:
        raw = measure(args, emu.domain, emu.token, Path(tmp))
    summary = summarise(raw, args)
    show(summary)
    if args.json:
        print(json.dumps(summary))
    if args.name and not args.no_write:
        write_results(args.name, {**summary, "targets": {
            "keys_ratio": 1.5, "sort_and_search_median_ms": 50, "sort_and_search_p95_ms": 100,
            "worst_stall_ms": 50, "all_loaded_ratio_vs_bare": 1.3}})


if __name__ == "__main__":
    main()
