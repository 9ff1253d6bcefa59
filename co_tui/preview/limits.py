"""The numbers that bound a preview (reliability-anchors TS-4, product section 3.2).

Every limit here exists so that a preview costs the same whatever the file: a 4 GiB log and a
10 MB single-line JSON file both cost one 256 KiB read and a few milliseconds of work.
"""

from __future__ import annotations

PREVIEW_BYTES = 256 * 1024
"""The most a preview reads per chunk (same value as ``co_tui.api.files.PREVIEW_BYTES``, kept
here so this package never imports the HTTP client)."""

SNIFF_BYTES = 8 * 1024
"""Binary detection looks at this many leading bytes (TS-4)."""

BINARY_RATIO = 0.30
"""More than this share of non-text bytes in the sniffed prefix means binary (TS-4)."""

MAX_LINE_CHARS = 2_000
"""Lines are cut here, with a ``… [+N chars]`` marker (TS-4)."""

MAX_LINES = 5_000
"""At most this many lines per chunk; "load more" continues after the last one (TS-4)."""

TABLE_ROWS = 200
"""CSV/TSV: data rows per chunk shown as a table."""

TABLE_COLUMNS = 50
"""CSV/TSV: columns shown; the rest are counted in a note."""

TABLE_CELL_CHARS = 200
"""CSV/TSV: cells are cut here (with an ellipsis)."""

MARKDOWN_RENDER_CHARS = 32 * 1024
"""Markdown is rendered from at most this many characters: markdown-it-py needs ~1.8 ms per KiB
of dense Markdown (bench/preview.py), so 256 KiB would take ~0.5 s and 32 KiB (a long README)
takes ~60 ms. The raw view always has the whole chunk."""

NOTEBOOK_OUTPUT_LINES = 50
"""Lines of text kept from one notebook output (stream text, text/plain, traceback)."""

DECOMPRESS_BYTES = PREVIEW_BYTES
"""At most this many decompressed bytes are produced when peeking inside gzip/bzip2/xz data,
whatever the compression ratio (no decompression bombs)."""

ARCHIVE_MEMBERS = 500
"""Zip/tar members listed from the bytes at hand."""

NPY_HEADER_CHARS = 10_000
"""Largest ``.npy`` header parsed (NumPy's own default ``max_header_size``)."""
