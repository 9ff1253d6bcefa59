"""The numbers that bound a preview (docs/reliability.md, 'Preview limits').

Every limit here exists so that a preview costs the same whatever the file: a 4 GiB log and a
10 MB single-line JSON file both cost one 256 KiB read and a few milliseconds of work.
"""

from __future__ import annotations

PREVIEW_BYTES = 256 * 1024
"""The most a preview reads per chunk (same value as ``co_tui.api.files.PREVIEW_BYTES``, kept
here so this package never imports the HTTP client)."""

SNIFF_BYTES = 8 * 1024
"""Binary detection looks at this many leading bytes."""

BINARY_RATIO = 0.30
"""More than this share of non-text bytes in the sniffed prefix means binary."""

MAX_LINE_CHARS = 2_000
"""Lines are cut here, with a ``… [+N chars]`` marker."""

MAX_LINES = 5_000
"""At most this many lines per chunk; "load more" continues after the last one."""

TABLE_ROWS = 200
"""CSV/TSV: data rows per chunk shown as a table."""

TABLE_COLUMNS = 50
"""CSV/TSV: columns shown; the rest are counted in a note."""

TABLE_CELL_CHARS = 200
"""CSV/TSV: cells are cut here (with an ellipsis)."""

MARKDOWN_RENDER_CHARS = 32 * 1024
"""Markdown is rendered from at most this many characters (a long README): markdown-it-py's time
grows with the text, and a whole chunk would stall the preview (docs/product.md, 'Measurements
behind the design'). The raw view always has the whole chunk."""

NOTEBOOK_OUTPUT_LINES = 50
"""Lines of text kept from one notebook output (stream text, text/plain, traceback)."""

DECOMPRESS_BYTES = PREVIEW_BYTES
"""At most this many decompressed bytes are produced when peeking inside gzip/bzip2/xz data,
whatever the compression ratio (no decompression bombs)."""

ARCHIVE_MEMBERS = 500
"""Zip/tar members listed from the bytes at hand."""

NPY_HEADER_CHARS = 10_000
"""Largest ``.npy`` header parsed (NumPy's own default ``max_header_size``)."""

IMAGE_BYTES = 16 * 1024 * 1024
"""An image larger than the preview budget: "load more" reads it whole, up to this many bytes
(a cut-off image shows as far as these bytes go)."""

IMAGE_PIXELS = 40_000_000
"""Pictures with more pixels than this (by their header) are not decoded: 40 megapixels is a
120 MB RGB buffer, and a few KiB of PNG can claim far more (a decompression bomb). JPEGs count
after decoding at a reduced scale."""

IMAGE_WORK_SIDE = 2048
"""Decoded pictures are shrunk to at most this many pixels a side, in the decoding thread:
enough for a full-screen picture on a graphics terminal, and fast to re-fit on a resize."""
