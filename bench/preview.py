"""Preview of big files: time and memory to the first highlighted screen.

For each sample (the first 256 KiB of the demo seed's 4 GiB log, a 256 KiB Python file, the
first 256 KiB of a 3 MiB CSV, notebooks, Markdown, a minified JSON prefix, random bytes) this
measures ``build_preview`` plus what the UI does for its first screen (highlight the first 50
lines, or the first table rows / cells / blocks / hex rows), against a baseline measured in the
same process: ``data.decode("utf-8", "replace").splitlines()``, the least any text preview does.

- median of ``--runs`` warm runs (lexer classes loaded, Markdown parser built), after one
  warm-up;
- peak memory growth while building (tracemalloc, a separate run so tracing does not slow the
  timed ones);
- cold: a fresh interpreter that imports ``co_tui.preview`` and shows the first screen of the
  4 GiB log, the Python file and the Markdown file (imports, lexer loading and building the
  Markdown parser included).

Target (docs/product.md, 'Performance targets'): first highlighted screen <= 150 ms, memory growth <= 20 MB.

Run: python bench/preview.py [--runs 21]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import write_results

ROOT = Path(__file__).resolve().parent.parent
KIB = 1024
PREFIX = 256 * KIB
SCREEN = 50


def _seed_file(asset_name: str | None, path: str) -> tuple[bytes, int]:
    from co_tui.emulator.content import read_content
    from co_tui.emulator.seeds import load_seed

    for asset in load_seed("demo").assets:
        if asset_name is not None and asset.name != asset_name:
            continue
        for f in asset.files:
            if f.path == path:
                size = f.content.size
                data = read_content(f.content, 0, min(size, PREFIX), salt=f"{asset.id}/{path}")
                return data, size
    raise SystemExit(f"the demo seed has no {path}")


def _python_source() -> bytes:
    """256 KiB of real Python: this repository's own sources, concatenated."""
    parts: list[bytes] = []
    total = 0
    for path in sorted((ROOT / "co_tui").rglob("*.py")):
        data = path.read_bytes()
        parts.append(data)
        total += len(data)
        if total >= PREFIX:
            break
    return b"".join(parts)[:PREFIX]


def _notebook(size: int) -> bytes:
    cells: list[dict[str, Any]] = []
    i = 0
    while True:
        cells.append({"cell_type": "markdown", "metadata": {}, "source": [f"## Step {i}\n", "Some *notes*."]})
        cells.append({
            "cell_type": "code", "execution_count": i, "metadata": {},
            "source": [f"df{i} = load_session({i})\n", f"df{i}.groupby('unit').mean()\n"],
            "outputs": [
                {"output_type": "stream", "name": "stdout", "text": [f"loaded {i}\n"] * 3},
                {"output_type": "display_data", "metadata": {},
                 "data": {"image/png": "iVBORw0KGgo" * 200, "text/plain": ["<Figure>"]}},
            ],
        })
        text = json.dumps({"cells": cells, "metadata": {"language_info": {"name": "python"}},
                           "nbformat": 4, "nbformat_minor": 5}, indent=1).encode()
        if len(text) >= size:
            return text
        i += 1


def _markdown() -> bytes:
    unit = (
        "## Section\n\nSome *emphasis*, **strong** and `code` with a [link](https://x.org).\n\n"
        "- item one\n- item two\n\n```python\ndef f(x):\n    return x\n```\n\n"
        "| a | b |\n|---|---|\n| 1 | 2 |\n\n"
    )
    return (unit * (PREFIX // len(unit) + 1)).encode()[:PREFIX]


def _minified_json() -> bytes:
    records = [json.dumps({"id": i, "x": i * 0.5, "label": f"unit-{i}", "tags": ["a", "b"]},
                          separators=(",", ":")) for i in range(8000)]
    return ("[" + ",".join(records) + "]").encode()


def samples() -> list[tuple[str, str, bytes, int]]:
    """(label, file name, first bytes, total size)."""
    log, log_size = _seed_file("ecephys_661398_2023-03-21_15-47-03 raw", "raw/acquisition_4GiB.log")
    csv_data, csv_size = _seed_file(None, "ecephys/threshold_crossings_ProbeA.csv")
    demo_nb, demo_nb_size = _seed_file(None, "notebooks/explore.ipynb")
    python = _python_source()
    big_nb = _notebook(400 * KIB)
    minified = _minified_json()
    random_data = bytes((i * 2654435761 >> 13) & 0xFF for i in range(PREFIX))
    return [
        ("4 GiB log (first 256 KiB)", "raw/acquisition_4GiB.log", log, log_size),
        ("Python, 256 KiB", "code/big_module.py", python, len(python)),
        ("CSV 3 MiB (first 256 KiB)", "threshold_crossings_ProbeA.csv", csv_data, csv_size),
        ("notebook (demo, 4.8 KiB)", "notebooks/explore.ipynb", demo_nb, demo_nb_size),
        ("notebook 400 KiB (first 256 KiB)", "notebooks/big.ipynb", big_nb[:PREFIX], len(big_nb)),
        ("Markdown, 256 KiB", "docs/README.md", _markdown(), PREFIX),
        ("minified JSON (first 256 KiB)", "records.json", minified[:PREFIX], len(minified)),
        ("random binary (first 256 KiB)", "raw/recording.bin", random_data, 1 << 30),
    ]


def first_screen(data: bytes, name: str, total: int) -> Any:
    """What the UI does before it can paint: build the preview, then highlight / format the
    first screen of it."""
    from co_tui.preview import (
        BinaryBody,
        CodeBlock,
        MarkdownBody,
        NotebookBody,
        TableBody,
        TextBody,
        build_preview,
        hex_rows,
        highlight,
    )

    preview = build_preview(data, name=name, total_size=total, at_end=len(data) >= total)
    body = preview.body
    if isinstance(body, TextBody):
        return highlight(body.lines, body.lexer, 0, SCREEN)
    if isinstance(body, TableBody):
        return body.rows[:SCREEN]
    if isinstance(body, NotebookBody):
        shown, lines = [], 0
        for cell in body.cells:
            if lines >= SCREEN:
                break
            if cell.cell_type == "code":
                shown.append(highlight(cell.source, body.lexer))
            lines += len(cell.source) + sum(o.text.count("\n") + 1 for o in cell.outputs)
        return shown
    if isinstance(body, MarkdownBody):
        return [highlight(b.lines, b.lexer) for b in body.blocks[:SCREEN] if isinstance(b, CodeBlock)]
    if isinstance(body, BinaryBody):
        return hex_rows(body.data, 0, SCREEN, base=body.offset)
    return preview


def baseline(data: bytes, name: str, total: int) -> Any:
    return data.decode("utf-8", "replace").splitlines()


def median_time(fn: Callable[[bytes, str, int], Any], args: tuple[bytes, str, int], runs: int) -> float:
    fn(*args)  # warm-up
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn(*args)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def peak_memory(fn: Callable[[bytes, str, int], Any], args: tuple[bytes, str, int]) -> int:
    """Peak bytes allocated while ``fn`` runs and holds its result."""
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    result = fn(*args)
    peak = tracemalloc.get_traced_memory()[1] - before
    tracemalloc.stop()
    del result
    return peak


_COLD = r"""
import json, sys, time
sys.path.insert(0, sys.argv[1])
t0 = time.perf_counter()
from co_tui.preview import build_preview, highlight
t_import = time.perf_counter() - t0
import preview as bench
out = {"import_ms": t_import * 1000}
for label, name, data, total in bench.cold_samples():
    t = time.perf_counter()
    bench.first_screen(data, name, total)
    out[label] = (time.perf_counter() - t) * 1000
print(json.dumps(out))
"""


def cold_samples() -> list[tuple[str, str, bytes, int]]:
    return [s for s in samples() if s[0].startswith(("4 GiB log", "Python", "Markdown"))]


def cold_run() -> dict[str, float]:
    """First screen in a fresh interpreter (sample bytes are built before the clock starts for
    each sample, but imports and lexer loading are counted)."""
    out = subprocess.run(
        [sys.executable, "-c", _COLD, str(Path(__file__).resolve().parent)],
        capture_output=True, text=True, check=True, cwd=ROOT,
    )
    result: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--runs", type=int, default=21)
    parser.add_argument("--tiny", action="store_true", help="2 runs (the CI test)")
    parser.add_argument("--name", default="preview")
    args = parser.parse_args()
    if args.tiny:
        args.runs = 2

    rows: list[dict[str, Any]] = []
    for label, name, data, total in samples():
        call = (data, name, total)
        ours = median_time(first_screen, call, args.runs)
        base = median_time(baseline, call, args.runs)
        mem = peak_memory(first_screen, call)
        base_mem = peak_memory(baseline, call)
        rows.append({
            "sample": label, "bytes": len(data), "first_screen_ms": ours * 1000,
            "baseline_ms": base * 1000, "ratio": ours / base if base else None,
            "peak_mib": mem / 2**20, "baseline_peak_mib": base_mem / 2**20,
        })
    cold = cold_run()

    print(f"{'sample':34} {'first screen':>12} {'baseline':>9} {'ratio':>6} {'peak MiB':>9} {'base MiB':>9}")
    for r in rows:
        print(f"{r['sample']:34} {r['first_screen_ms']:10.2f}ms {r['baseline_ms']:7.2f}ms "
              f"{r['ratio']:6.1f} {r['peak_mib']:9.2f} {r['baseline_peak_mib']:9.2f}")
    print(f"cold (fresh interpreter): import co_tui.preview {cold['import_ms']:.1f} ms; " + "; ".join(
        f"{k} {v:.1f} ms" for k, v in cold.items() if k != "import_ms"))
    worst = max(float(r["first_screen_ms"]) for r in rows)
    worst_mem = max(float(r["peak_mib"]) for r in rows)
    print(f"target: first screen <= 150 ms (worst warm {worst:.1f} ms, worst cold "
          f"{max(v for k, v in cold.items() if k != 'import_ms'):.1f} ms), memory <= 20 MB "
          f"(worst {worst_mem:.1f} MiB)")
    write_results(args.name, {"runs": args.runs, "screen_lines": SCREEN, "samples": rows,
                              "cold_ms": cold})


if __name__ == "__main__":
    main()
