"""Small, real files in common formats, built in memory and deterministically.

Everything here returns bytes or text that a real tool would accept: a decodable PNG, a valid
``.npy``, gzip and zip archives, nbformat 4 notebooks. Binary formats too complex to build for
real (HDF5/NWB, Parquet, TIFF) get their genuine magic numbers around pseudo-random bodies, which
is all a previewer looks at.
"""

from __future__ import annotations

import base64
import functools
import gzip
import hashlib
import io
import json
import random
import struct
import time
import zipfile
import zlib
from collections.abc import Callable, Sequence
from typing import Any

from co_tui.emulator.seed_model import Content, SeedFile


def text_file(path: str, text: str) -> SeedFile:
    """An inline UTF-8 file."""
    return SeedFile(path, Content.of(text))


def bytes_file(path: str, data: bytes) -> SeedFile:
    """An inline binary file."""
    return SeedFile(path, Content.of(data))


def generated_file(path: str, size: int, *, kind: str = "random", seed: int = 0) -> SeedFile:
    """A file whose ``size`` bytes are generated on demand (see ``content.py``)."""
    if kind == "random":
        return SeedFile(path, Content(kind="random", size=size, seed=seed))
    if kind == "text":
        return SeedFile(path, Content(kind="text", size=size, seed=seed))
    if kind == "zeros":
        return SeedFile(path, Content(kind="zeros", size=size, seed=seed))
    raise ValueError(f"not a generated kind: {kind!r}")


def pseudo_random(n: int, label: str) -> bytes:
    """``n`` deterministic pseudo-random bytes named by ``label``."""
    return hashlib.shake_256(label.encode("utf-8")).digest(n)


# --------------------------------------------------------------------------------------------
# Images


def _png_chunk(tag: bytes, payload: bytes) -> bytes:
    return (
        struct.pack(">I", len(payload))
        + tag
        + payload
        + struct.pack(">I", zlib.crc32(tag + payload) & 0xFFFFFFFF)
    )


_PALETTE = b"".join(bytes((g // 3, g, min(255, g // 2 + 20))) for g in range(256))
"""A black-to-green colour map (like a GFP channel), as a PNG ``PLTE`` payload."""


@functools.lru_cache(maxsize=16)
def png(width: int, height: int, seed: int = 0) -> bytes:
    """A real, decodable 8-bit palette PNG: a dark field with a few bright blobs, like a
    maximum-intensity projection of labelled nuclei."""
    rng = random.Random(seed)
    field = [[12.0 + 3.0 * ((x * 7 + y * 13) % 5) for x in range(width)] for y in range(height)]
    for _ in range(max(3, width * height // 600)):
        bx, by = rng.uniform(0, width), rng.uniform(0, height)
        radius, gain = rng.uniform(1.5, 6.0), rng.uniform(0.4, 1.0)
        reach = int(3 * radius) + 1
        for y in range(max(0, int(by) - reach), min(height, int(by) + reach + 1)):
            row = field[y]
            for x in range(max(0, int(bx) - reach), min(width, int(bx) + reach + 1)):
                falloff = 1.0 + ((x - bx) ** 2 + (y - by) ** 2) / radius**2
                row[x] += 240.0 * gain / (falloff * falloff)
    raw = b"".join(
        b"\x00" + bytes([v if v < 255 else 255 for v in map(int, row)])  # filter type 0
        for row in field
    )
    header = struct.pack(">IIBBBBB", width, height, 8, 3, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"PLTE", _PALETTE)
        + _png_chunk(b"IDAT", zlib.compress(raw, 9))
        + _png_chunk(b"IEND", b"")
    )


def tiff_like(size: int, label: str) -> bytes:
    """A little-endian TIFF signature and first-IFD offset followed by pseudo-random pixels."""
    return b"II*\x00" + struct.pack("<I", 8) + pseudo_random(max(0, size - 8), label)


# --------------------------------------------------------------------------------------------
# Array and table containers


def npy(shape: Sequence[int], label: str, dtype: str = "<i2") -> bytes:
    """A valid NumPy ``.npy`` (format 1.0) holding pseudo-random values of ``dtype``."""
    header = f"{{'descr': '{dtype}', 'fortran_order': False, 'shape': {tuple(shape)!r}, }}"
    # The magic, version, header length and header are padded to a multiple of 64 bytes.
    pad = 64 - (10 + len(header) + 1) % 64
    header_bytes = (header + " " * (pad % 64) + "\n").encode("latin-1")
    count = 1
    for dim in shape:
        count *= dim
    itemsize = int(dtype[-1])
    body = pseudo_random(count * itemsize, label)
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header_bytes)) + header_bytes + body


def hdf5_like(size: int, label: str) -> bytes:
    """HDF5's 8-byte signature (also what an NWB file starts with), then pseudo-random bytes."""
    return b"\x89HDF\r\n\x1a\n" + pseudo_random(max(0, size - 8), label)


def parquet_like(size: int, label: str) -> bytes:
    """Parquet's ``PAR1`` magic at both ends, a footer length, and a pseudo-random body."""
    body = pseudo_random(max(0, size - 12), label)
    return b"PAR1" + body + struct.pack("<I", min(len(body), 4096)) + b"PAR1"


# --------------------------------------------------------------------------------------------
# Archives


def gzip_bytes(data: bytes | str) -> bytes:
    """A gzip stream of ``data`` with a fixed mtime (so the bytes are reproducible)."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    return gzip.compress(raw, compresslevel=6, mtime=0)


def zip_bytes(members: dict[str, bytes | str]) -> bytes:
    """A deflated zip archive of ``members`` with fixed timestamps."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            info = zipfile.ZipInfo(name, date_time=(2025, 3, 21, 15, 47, 3))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, data)
    return buf.getvalue()


# --------------------------------------------------------------------------------------------
# Text formats


def json_text(obj: Any, *, indent: int | None = 2) -> str:
    """Pretty JSON (or minified with ``indent=None``), non-ASCII kept as is, with a newline."""
    if indent is None:
        return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))
    return json.dumps(obj, ensure_ascii=False, indent=indent) + "\n"


def table(
    columns: Sequence[str],
    rows: int,
    row: Callable[[random.Random, int], Sequence[object]],
    *,
    seed: str,
    sep: str = ",",
) -> str:
    """A delimited table with a header and ``rows`` rows from ``row(rng, i)``."""
    rng = random.Random(seed)
    out = [sep.join(columns)]
    for i in range(rows):
        out.append(sep.join(_cell(v) for v in row(rng, i)))
    return "\n".join(out) + "\n"


def _cell(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    text = str(value)
    if "," in text or '"' in text:
        return '"' + text.replace('"', '""') + '"'
    return text


def notebook(
    cells: list[tuple[str, str, list[dict[str, Any]] | None]], kernel: str = "python3"
) -> str:
    """A valid nbformat 4.5 notebook from (cell type, source, outputs) triples."""
    nb_cells: list[dict[str, Any]] = []
    count = 0
    for i, (cell_type, source, outputs) in enumerate(cells):
        lines = source.splitlines(keepends=True)
        cell: dict[str, Any] = {
            "cell_type": cell_type,
            "id": f"c{i:03d}-{hashlib.sha1(source.encode()).hexdigest()[:8]}",
            "metadata": {},
            "source": lines,
        }
        if cell_type == "code":
            count += 1
            cell["execution_count"] = count
            cell["outputs"] = [
                {**o, "execution_count": count} if o.get("output_type") == "execute_result" else o
                for o in (outputs or [])
            ]
        nb_cells.append(cell)
    language = "R" if kernel == "ir" else "python"
    doc = {
        "cells": nb_cells,
        "metadata": {
            "kernelspec": {
                "display_name": "R" if kernel == "ir" else "Python 3 (ipykernel)",
                "language": language,
                "name": kernel,
            },
            "language_info": {"name": language, "version": "4.3.2" if kernel == "ir" else "3.11.7"},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    return json.dumps(doc, ensure_ascii=False, indent=1) + "\n"


def stream_output(text: str) -> dict[str, Any]:
    """A notebook ``stream`` output on stdout."""
    return {"name": "stdout", "output_type": "stream", "text": text.splitlines(keepends=True)}


def result_output(text: str, html: str | None = None) -> dict[str, Any]:
    """A notebook ``execute_result`` output (plain text, optionally with HTML)."""
    data: dict[str, Any] = {"text/plain": text.splitlines(keepends=True)}
    if html is not None:
        data["text/html"] = html.splitlines(keepends=True)
    return {"output_type": "execute_result", "data": data, "metadata": {}}


def image_output(png_bytes: bytes) -> dict[str, Any]:
    """A notebook ``display_data`` output holding a PNG."""
    return {
        "output_type": "display_data",
        "data": {
            "image/png": base64.b64encode(png_bytes).decode("ascii"),
            "text/plain": ["<Figure>"],
        },
        "metadata": {},
    }


def log_lines(
    start_epoch: int,
    messages: Sequence[str],
    *,
    seed: str,
    lines: int,
    step_ms: tuple[int, int] = (40, 2500),
) -> str:
    """Timestamped log lines cycling through ``messages`` templates.

    Templates may use ``{i}``, ``{n}`` (random int), ``{x}`` (random float) and ``{pct}``.
    """
    rng = random.Random(seed)
    t_ms = start_epoch * 1000
    out: list[str] = []
    for i in range(lines):
        t_ms += rng.randrange(*step_ms)
        secs, ms = divmod(t_ms, 1000)
        stamp = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(secs)) + f",{ms:03d}"
        msg = messages[i % len(messages)] if i < len(messages) else rng.choice(messages)
        text = msg.format(
            i=i, n=rng.randrange(1, 5000), x=rng.uniform(0, 100), pct=100 * i // lines
        )
        out.append(f"{stamp} {text}")
    return "\n".join(out) + "\n"
