"""Sample files for the preview tests, built in memory (no files on disk, deterministic)."""

from __future__ import annotations

import bz2
import gzip
import io
import json
import lzma
import random
import struct
import tarfile
import zipfile
import zlib
from typing import Any

PYTHON = '''#!/usr/bin/env python3
"""Spike sorting helpers."""

import numpy as np


class Sorter:
    """Sort spikes."""

    def __init__(self, threshold: float = 4.5) -> None:
        self.threshold = threshold  # in MAD units

    def detect(self, traces):
        noise = np.median(np.abs(traces)) / 0.6745
        return np.flatnonzero(traces < -self.threshold * noise)


DOC = """a multi-line
string that spans
three lines"""

if __name__ == "__main__":
    print(Sorter().detect(np.zeros(10)))
'''

R_SOURCE = """#!/usr/bin/env Rscript
# Figures for the unit QC report
library(ggplot2)
units <- read.csv("data/unit_metrics.csv")
good <- subset(units, isi_violations < 0.5 & presence_ratio > 0.9)
p <- ggplot(good, aes(x = firing_rate, fill = region)) + geom_histogram(bins = 40)
ggsave("figures/firing_rates.png", p, width = 6, height = 4)
"""

YAML = """# configuration
version: 2
steps:
  - name: preprocess
    params: {highpass: 300, car: true}
  - name: sort
    sorter: kilosort4   # the default
"""

C_SOURCE = """#include <stdio.h>
/* a block
   comment */
int main(int argc, char **argv) {
    printf("hello %d\\n", argc);
    return 0;
}
"""

MARKDOWN = """# Preprocessed ecephys

Some *emphasis*, **strong**, `code`, ~~gone~~ and a [link](https://example.org/x).

## Steps

1. Highpass at 300 Hz
2. Common average reference
   - nested bullet

- bullet one
- bullet two

```python
def f(x):
    return x * 2
```

> A quote
> on two lines

| probe | units |
|:------|------:|
| A     | 412   |
| B     | 388   |

---

Line one\\
line two (hard break) and ![drift map](figures/drift_map.png).
"""

CSV_QUOTED = (
    'unit_id,region,note,firing_rate\n'
    '1,VISp,"contains, a comma",4.5\n'
    '2,CA1,"has ""quotes""",12.25\n'
    '3,DG,"spans\ntwo lines",0.5\n'
    '4,LP\n'  # ragged: short row
    '5,MOs,plain,3.0,extra,fields\n'  # ragged: long row
)

TSV = "cluster_id\tKSLabel\tamplitude\n" + "".join(
    f"{i}\t{'good' if i % 3 else 'mua'}\t{i * 1.5:.1f}\n" for i in range(500)
)


def json_document() -> dict[str, Any]:
    """A realistic nested JSON document."""
    return {
        "describedBy": "https://example.org/schema.json",
        "schema_version": "1.0.0",
        "subject_id": "661398",
        "modality": [{"name": "Extracellular electrophysiology", "abbreviation": "ecephys"}],
        "tags": [],
        "extra": {},
        "numbers": [1, -2.5, 3e10, True, False, None],
        "unicode": "température µV ✓",
    }


def minified_json(size: int = 300_000) -> bytes:
    """A single-line JSON array of records, at least ``size`` bytes."""
    rng = random.Random(7)
    records = []
    total = 0
    i = 0
    while total < size:
        record = {"id": i, "x": rng.random(), "label": f"unit-{i}", "tags": ["a", "b"], "o": {}}
        text = json.dumps(record, separators=(",", ":"))
        records.append(text)
        total += len(text) + 1
        i += 1
    return ("[" + ",".join(records) + "]").encode()


def notebook(language: str = "python", cells: int = 4) -> dict[str, Any]:
    """An nbformat 4 notebook with markdown and code cells and several output types."""
    out: list[dict[str, Any]] = [
        {"cell_type": "markdown", "metadata": {}, "source": ["# Explore\n", "Some **bold** text."]},
    ]
    for i in range(cells):
        out.append(
            {
                "cell_type": "code",
                "execution_count": i + 1,
                "metadata": {},
                "source": [f"x{i} = {i} * 2\n", f"print(x{i})"],
                "outputs": [
                    {"output_type": "stream", "name": "stdout", "text": [f"{i * 2}\n"]},
                    {
                        "output_type": "execute_result",
                        "execution_count": i + 1,
                        "metadata": {},
                        "data": {"text/plain": [f"<Figure {i}>"], "image/png": "iVBORw0KGgo=" * 10},
                    },
                ],
            }
        )
    out.append(
        {
            "cell_type": "code",
            "execution_count": None,
            "metadata": {},
            "source": "1/0",
            "outputs": [
                {
                    "output_type": "error",
                    "ename": "ZeroDivisionError",
                    "evalue": "division by zero",
                    "traceback": ["\x1b[0;31mZeroDivisionError\x1b[0m: division by zero"],
                }
            ],
        }
    )
    return {
        "cells": out,
        "metadata": {
            "kernelspec": {"name": "ir" if language == "R" else "python3", "language": language},
            "language_info": {"name": language},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def notebook_bytes(language: str = "python", cells: int = 4) -> bytes:
    return json.dumps(notebook(language, cells), indent=1).encode()


def png(width: int = 64, height: int = 48, colour: int = 6, depth: int = 8) -> bytes:
    """A valid PNG (RGBA by default), built with zlib and struct."""

    def chunk(tag: bytes, payload: bytes) -> bytes:
        crc = zlib.crc32(tag + payload) & 0xFFFFFFFF
        return struct.pack(">I", len(payload)) + tag + payload + struct.pack(">I", crc)

    channels = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}[colour]
    row = b"\x00" + bytes(width * channels * depth // 8)
    ihdr = struct.pack(">IIBBBBB", width, height, depth, colour, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(row * height))
        + chunk(b"IEND", b"")
    )


def jpeg(width: int = 640, height: int = 480, progressive: bool = False) -> bytes:
    """A JPEG header up to its start-of-frame segment (enough for a previewer)."""
    app0 = b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    dqt = b"\xff\xdb" + struct.pack(">H", 67) + bytes(65)
    sof = b"\xff\xc2" if progressive else b"\xff\xc0"
    frame = sof + struct.pack(">HBHHB", 17, 8, height, width, 3) + bytes(9)
    return b"\xff\xd8" + app0 + dqt + frame + b"\xff\xda" + bytes(64) + b"\xff\xd9"


def gif(width: int = 10, height: int = 20) -> bytes:
    return b"GIF89a" + struct.pack("<HH", width, height) + b"\x80\x00\x00" + bytes(30) + b";"


def bmp(width: int = 32, height: int = -16) -> bytes:
    header = b"BM" + struct.pack("<IHHI", 54 + 32 * 16 * 3, 0, 0, 54)
    dib = struct.pack("<IiiHHIIiiII", 40, width, height, 1, 24, 0, 0, 2835, 2835, 0, 0)
    return header + dib + bytes(32 * 16 * 3)


def tiff(width: int = 300, height: int = 200, big_endian: bool = False) -> bytes:
    """A minimal little- or big-endian TIFF with one IFD (width, height, 16-bit, 1 sample)."""
    e = ">" if big_endian else "<"
    entries = [(256, 4, 1, width), (257, 4, 1, height), (258, 3, 1, 16), (277, 3, 1, 1)]
    ifd = struct.pack(e + "H", len(entries))
    for tag, typ, count, value in entries:
        if typ == 3:
            ifd += struct.pack(e + "HHIHH", tag, typ, count, value, 0)
        else:
            ifd += struct.pack(e + "HHII", tag, typ, count, value)
    ifd += struct.pack(e + "I", 0)
    head = (b"MM\x00*" if big_endian else b"II*\x00") + struct.pack(e + "I", 8)
    return head + ifd + bytes(64)


def webp_lossless(width: int = 100, height: int = 50) -> bytes:
    bits = (width - 1) | ((height - 1) << 14)
    payload = b"\x2f" + bits.to_bytes(4, "little") + bytes(16)
    chunk = b"VP8L" + struct.pack("<I", len(payload)) + payload
    return b"RIFF" + struct.pack("<I", 4 + len(chunk)) + b"WEBP" + chunk


def npy(shape: tuple[int, ...] = (384, 30), descr: str = "<f4", fortran: bool = False) -> bytes:
    header = f"{{'descr': '{descr}', 'fortran_order': {fortran}, 'shape': {shape!r}, }}"
    pad = 64 - (10 + len(header) + 1) % 64
    header = header + " " * pad + "\n"
    body = bytes(min(4096, 4 * max(1, len(shape))))
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode("latin-1") + body


def nifti1(dims: tuple[int, ...] = (528, 320, 456), datatype: int = 4) -> bytes:
    header = bytearray(352)
    struct.pack_into("<i", header, 0, 348)
    dim = [len(dims), *dims] + [1] * (7 - len(dims))
    struct.pack_into("<8h", header, 40, *dim)
    struct.pack_into("<hh", header, 70, datatype, 16)
    struct.pack_into("<8f", header, 76, 1.0, 0.025, 0.025, 0.025, 0, 0, 0, 0)
    header[344:348] = b"n+1\x00"
    return bytes(header) + bytes(256)


def gzip_of(data: bytes, filename: str | None = None) -> bytes:
    buffer = io.BytesIO()
    with gzip.GzipFile(filename=filename or "", mode="wb", fileobj=buffer, mtime=0) as f:
        f.write(data)
    return buffer.getvalue()


def zip_of(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            # a fixed date, as gzip's mtime=0 above: the same bytes in every run (test ids
            # are built from them, and parallel test workers must collect the same ids)
            z.writestr(zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0)), data,
                       compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def tar_of(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.GNU_FORMAT) as t:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mtime = 0
            t.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def bz2_of(data: bytes) -> bytes:
    return bz2.compress(data)


def xz_of(data: bytes) -> bytes:
    return lzma.compress(data)


def random_bytes(n: int, seed: int = 1) -> bytes:
    return random.Random(seed).randbytes(n)


def elf() -> bytes:
    header = bytearray(64)
    header[:4] = b"\x7fELF"
    header[4], header[5], header[6] = 2, 1, 1
    struct.pack_into("<H", header, 16, 3)
    return bytes(header) + bytes(200)
