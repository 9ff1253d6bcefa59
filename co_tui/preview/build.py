"""``build_preview``: bytes in, a :class:`~co_tui.preview.preview_model.Preview` out.

The routing, for the first chunk of a file (``start == 0``):

1. no bytes → ``empty``;
2. a recognised binary format → ``image`` / ``archive`` / ``binary`` with its description; gzip,
   bzip2 and xz are decompressed a little and what is inside is previewed (a ``.csv.gz`` shows
   a table, a ``.tar.gz`` its members, a ``.nii.gz`` its dimensions);
3. other binary (:mod:`co_tui.preview.detect`) → ``binary``, "binary file, N bytes";
4. text, by name: ``.ipynb`` → ``notebook``; ``.jsonl``/``.ndjson`` → ``json`` (one record per
   line, as written); JSON by name or content → ``json`` (re-indented); ``.csv``/``.tsv`` →
   ``csv``; Markdown (``.md``, ``.Rmd``...) → ``markdown``; anything with a lexer → ``code``;
   the rest → ``text``.

A later chunk (``resume`` from the previous preview) continues in the same mode. Nothing here
raises: an unexpected failure becomes an ``error`` preview naming the exception type, so a
hostile file can never take the UI down (tests still assert that no fixture produces one).
"""

from __future__ import annotations

from dataclasses import replace

from co_tui.formatting import format_size
from co_tui.preview.archives import decompress_prefix, gzip_name
from co_tui.preview.detect import classify
from co_tui.preview.formats import extension_hint
from co_tui.preview.highlight import choose_lexer
from co_tui.preview.kinds import (
    Chunk,
    csv_preview,
    extent_notes,
    json_preview,
    markdown_preview,
    notebook_preview,
    text_preview,
)
from co_tui.preview.preview_model import BinaryBody, FormatInfo, Preview, PreviewKind, Resume
from co_tui.preview.text import decode_span, display

__all__ = ["build_preview", "error_preview", "external_preview"]

_COMPRESSED_SUFFIXES = {".gz": "", ".tgz": ".tar", ".bz2": "", ".tbz2": ".tar", ".xz": ""}
_BINARY_KINDS = {
    "image": PreviewKind.IMAGE,
    "archive": PreviewKind.ARCHIVE,
    "compressed": PreviewKind.ARCHIVE,
}


def build_preview(
    data: bytes,
    *,
    name: str,
    start: int = 0,
    total_size: int | None,
    at_end: bool,
    resume: Resume | None = None,
) -> Preview:
    """Describe what to show for ``data``, the bytes of file ``name`` from offset ``start``.

    ``total_size`` is the file's size if known; ``at_end`` is True when no bytes follow
    ``data`` (``RangeRead.at_end``). For "load more", pass the previous preview's ``resume``
    (and ``start=resume.offset``). Pure and total: no I/O, never raises.
    """
    if total_size is not None and start + len(data) >= total_size:
        at_end = True
    chunk = Chunk(bytes(data), name, start, total_size, at_end)
    try:
        return _continue(chunk, resume) if resume is not None else _build(chunk)
    except Exception as exc:  # the last line of defence: see the module docstring
        return error_preview(
            name,
            f"could not build a preview ({type(exc).__name__})",
            start=start,
            total_size=total_size,
        )


def error_preview(
    name: str, message: str, *, start: int = 0, total_size: int | None = None
) -> Preview:
    """A preview that only says what went wrong (a failed read, an expired URL...)."""
    return Preview(
        PreviewKind.ERROR, name, "no preview", start=start, total_size=total_size, notes=(message,)
    )


def external_preview(bucket: str, prefix: str = "", *, name: str = "") -> Preview:
    """For assets kept on external storage: their files are not served through Code Ocean."""
    location = f"s3://{bucket}/{prefix.lstrip('/')}" if prefix else f"s3://{bucket}"
    return Preview(
        PreviewKind.EXTERNAL,
        name,
        "external data asset",
        notes=(
            f"The files of this asset live in {location} and are not previewed through "
            "Code Ocean.",
        ),
    )


def _build(chunk: Chunk, *, nested: bool = False) -> Preview:
    """The first preview of a file, or of a chunk read without ``resume``."""
    data, name, start = chunk.data, chunk.name, chunk.start
    if not data:
        title = "empty file" if start == 0 else "end of file"
        notes = ("0 bytes",) if start == 0 and chunk.total in (0, None) else ()
        return Preview(
            PreviewKind.EMPTY, name, title, start=start, total_size=chunk.total, notes=notes
        )
    found = classify(data, name, at_start=start == 0, at_end=chunk.at_end)
    if found.binary:
        return _binary(chunk, found.format, nested=nested)
    chunk = replace(chunk, encoding=found.encoding, bom=found.bom)
    head = display(decode_span(chunk.payload[:4096], chunk.encoding, at_end=False)[0])
    lexer = choose_lexer(name, head)
    base = name.rsplit("/", 1)[-1].lower()
    if start == 0 and base.endswith(".ipynb"):
        return notebook_preview(chunk)
    if base.endswith((".jsonl", ".ndjson", ".jsonlines")):
        return text_preview(chunk, "JSON", mode="jsonl")
    if lexer == "JSON" and start == 0:
        return json_preview(chunk)
    if base.endswith((".csv", ".tsv", ".tab", ".psv")):
        return csv_preview(chunk)
    if lexer == "Markdown" and start == 0:
        return markdown_preview(chunk)
    return text_preview(chunk, lexer)


def _continue(chunk: Chunk, resume: Resume) -> Preview:
    """A later chunk, in the mode the previous one left off in."""
    if not chunk.data:
        return Preview(
            PreviewKind.EMPTY, chunk.name, "end of file", start=chunk.start,
            total_size=chunk.total,
        )
    if resume.mode == "hex":
        return _binary(chunk, None)
    chunk = replace(chunk, encoding=resume.encoding)
    if resume.mode == "json":
        return json_preview(chunk, resume.depth, resume.in_string, resume.line)
    if resume.mode == "csv":
        return csv_preview(chunk, resume.delimiter, resume.columns, resume.row, resume.line)
    return text_preview(chunk, resume.lexer, resume.line, mode=resume.mode)


# --------------------------------------------------------------------------------------------
# Binary


def _binary(chunk: Chunk, info: FormatInfo | None, *, nested: bool = False) -> Preview:
    data, start, total, at_end = chunk.data, chunk.start, chunk.total, chunk.at_end
    if info is not None and info.label in ("gzip", "bzip2", "xz") and not nested:
        inner = _inside(chunk, info)
        if inner is not None:
            return inner
    notes = extent_notes(start, len(data), total, not at_end)
    if info is None:
        size = f"{total:,} bytes" if total is not None else f"{len(data):,}+ bytes"
        title = f"binary file, {size}"
        hint = extension_hint(chunk.name) if start == 0 else None
        if hint:
            notes.append(f"by its name, {hint}; its header was not recognised")
        kind = PreviewKind.BINARY
    else:
        title = info.description
        kind = _BINARY_KINDS.get(info.category, PreviewKind.BINARY)
        if info.members and not info.members_complete:
            notes.append("more members may follow beyond the bytes read")
    return Preview(
        kind,
        chunk.name,
        title,
        BinaryBody(data, start, info),
        start=start,
        bytes_consumed=len(data),
        total_size=total,
        truncated=not at_end,
        resume=None if at_end else Resume(start + len(data), "hex"),
        notes=tuple(notes),
    )


def _inner_name(name: str, data: bytes) -> str:
    """``x.csv.gz`` → ``x.csv``, ``x.tgz`` → ``x.tar``; else gzip's stored original name."""
    base = name.rsplit("/", 1)[-1]
    lower = base.lower()
    for suffix, replacement in _COMPRESSED_SUFFIXES.items():
        if lower.endswith(suffix):
            return base[: -len(suffix)] + replacement
    return gzip_name(data) or base


def _inside(chunk: Chunk, info: FormatInfo) -> Preview | None:
    """Preview what a compressed stream holds (one level deep, first chunk only, no "load
    more"); ``None`` to describe the compressed file itself instead."""
    unpacked = decompress_prefix(chunk.data, info.label)
    if unpacked is None or not unpacked[0]:
        return None
    inner_bytes, stream_done = unpacked
    inner_chunk = Chunk(
        inner_bytes, _inner_name(chunk.name, chunk.data), 0, None, stream_done and chunk.at_end
    )
    inner = _build(inner_chunk, nested=True)
    if inner.kind in (PreviewKind.EMPTY, PreviewKind.ERROR):
        return None
    complete = inner_chunk.at_end and not inner.truncated
    note = f"decompressed on the fly: {format_size(len(inner_bytes))} of uncompressed data" + (
        "" if complete else " (the preview does not go further)"
    )
    notes = (note, *(n for n in inner.notes if not n.startswith("showing")))
    if isinstance(inner.body, BinaryBody):
        nested = inner.body.format
        if nested is None:
            return None  # unrecognised binary inside: describe the compressed file itself
        merged = replace(
            nested,
            description=f"{nested.description} ({info.description})",
            category="image" if nested.category == "image" else "archive",
        )
        return Preview(
            _BINARY_KINDS[merged.category],
            chunk.name,
            merged.description,
            BinaryBody(chunk.data, 0, merged),
            bytes_consumed=len(chunk.data),
            total_size=chunk.total,
            truncated=not chunk.at_end,
            resume=None if chunk.at_end else Resume(len(chunk.data), "hex"),
            notes=notes,
        )
    return replace(
        inner,
        name=chunk.name,
        title=f"{inner.title} ({info.description})",
        bytes_consumed=len(chunk.data),
        total_size=chunk.total,
        truncated=not complete,
        resume=None,
        notes=notes,
    )
