"""Local names from server paths: pure functions, validated part by part (docs/reliability.md,
'Path traversal in downloads').

A server path is untrusted text. It becomes a local path only through :func:`local_parts`:

* split on ``/`` only; empty and ``.`` parts are dropped, so ``/etc/x`` and ``a//b`` are anchored
  under the destination like ``etc/x`` and ``a/b`` (the AWS CLI's ``normpath('.' + sep + key)``
  lesson, aws/aws-cli#10362);
* a ``..`` part rejects the whole path (:class:`UnsafePathError`): it can only mean "go up";
* inside a part, ``\\`` (a separator on Windows: curl CVE-2010-3842), NUL, C0/C1 controls, DEL,
  lone surrogates and Unicode format characters (bidi overrides that disguise an extension) become
  ``_``, so a name stays downloadable and cannot steer the path;
* each part is capped at :data:`MAX_PART_BYTES` bytes of UTF-8, keeping its extension.

:func:`join_inside` joins validated parts under a root and checks containment once more, so a bug
in the rules above still cannot produce a path outside it. Symlinks are the file-system layer's
business (``co_tui.transfer.localfs`` opens every folder with ``O_NOFOLLOW``).
"""

from __future__ import annotations

import hashlib
import os
import unicodedata
from collections.abc import Iterable
from pathlib import Path

from co_tui.transfer.failures import UnsafePathError

__all__ = [
    "MAX_DEPTH",
    "MAX_PART_BYTES",
    "cap_part",
    "clean_part",
    "join_inside",
    "local_parts",
    "numbered_name",
    "split_ext",
    "temp_name",
]

MAX_PART_BYTES = 255
"""NAME_MAX of every common Linux and macOS file system."""
MAX_DEPTH = 64
"""Deeper server paths are refused: a hostile listing could otherwise nest without end."""
_MAX_EXT_BYTES = 32
_COMPRESSED = frozenset({".gz", ".bz2", ".xz", ".zst", ".lz4", ".br"})
_REPLACEMENT = "_"


def _is_forbidden(char: str) -> bool:
    code = ord(char)
    if code < 0x20 or 0x7F <= code <= 0x9F or char == "\\":
        return True
    if 0xD800 <= code <= 0xDFFF or code in (0x2028, 0x2029):
        return True
    return code >= 0xAD and unicodedata.category(char) == "Cf"


def clean_part(part: str) -> str:
    """``part`` with every character that could steer a path or fake a name replaced by ``_``."""
    if part.isascii() and part.isprintable() and "\\" not in part:
        return part  # the common case, without a per-character walk
    return "".join(_REPLACEMENT if _is_forbidden(c) else c for c in part)


def split_ext(name: str) -> tuple[str, str]:
    """``"run.tar.gz"`` -> ``("run", ".tar.gz")``; ``".bashrc"`` -> ``(".bashrc", "")``.

    A compression suffix keeps the short extension before it, so a numbered copy reads
    ``run (1).tar.gz``, not ``run.tar (1).gz``. Long or odd "extensions" are part of the stem.
    """
    dot = name.rfind(".")
    if dot <= 0 or dot == len(name) - 1:
        return name, ""
    stem, ext = name[:dot], name[dot:]
    if ext.lower() in _COMPRESSED:
        inner = stem.rfind(".")
        inner_ext = stem[inner:] if inner > 0 else ""
        if 1 < len(inner_ext) <= 6 and inner_ext[1:].isalnum():
            stem, ext = stem[:inner], inner_ext + ext
    if len(ext.encode("utf-8", "surrogatepass")) > _MAX_EXT_BYTES or not ext[1:].strip():
        return name, ""
    return stem, ext


def _truncate_utf8(text: str, limit: int) -> str:
    data = text.encode("utf-8", "surrogatepass")
    if len(data) <= limit:
        return text
    # errors="ignore" drops a multi-byte character cut in half at the limit.
    return data[:limit].decode("utf-8", "ignore")


def cap_part(name: str, limit: int = MAX_PART_BYTES) -> str:
    """``name`` cut to at most ``limit`` bytes of UTF-8, keeping its extension."""
    if len(name.encode("utf-8", "surrogatepass")) <= limit:
        return name
    stem, ext = split_ext(name)
    room = limit - len(ext.encode("utf-8", "surrogatepass"))
    if room < 1:
        return _truncate_utf8(name, limit)
    return _truncate_utf8(stem, room) + ext


def local_parts(server_path: str) -> tuple[str, ...]:
    """The validated local parts of a relative path as a server sent it.

    Raises :class:`UnsafePathError` for a ``..`` part, a path with no name left, or one deeper
    than :data:`MAX_DEPTH`.
    """
    parts: list[str] = []
    for raw in server_path.split("/"):
        if raw in ("", "."):
            continue
        if raw == "..":
            raise UnsafePathError("the server path climbs out of its folder ('..')")
        part = cap_part(clean_part(raw))
        if part in ("", ".", ".."):  # cannot happen after the rules above; never trust that
            raise UnsafePathError("the server path has an invalid name")
        parts.append(part)
    if not parts:
        raise UnsafePathError("the server path has no file name")
    if len(parts) > MAX_DEPTH:
        raise UnsafePathError(f"the server path is more than {MAX_DEPTH} folders deep")
    return tuple(parts)


def join_inside(root: Path, parts: Iterable[str]) -> Path:
    """``root / parts...``, checked to stay strictly inside ``root`` (lexically).

    ``root`` should be absolute and resolved; the parts come from :func:`local_parts`.
    """
    parts = tuple(parts)
    base = os.path.normpath(os.path.abspath(root))
    for part in parts:
        if not part or part in (".", "..") or "/" in part or "\0" in part or os.sep in part:
            raise UnsafePathError("refusing an unvalidated path part")
    candidate = os.path.normpath(os.path.join(base, *parts))
    if not parts or os.path.commonpath([base, candidate]) != base or candidate == base:
        raise UnsafePathError("the path would leave the destination folder")
    return Path(candidate)


def numbered_name(name: str, number: int) -> str:
    """``"data.csv"``, 2 -> ``"data (2).csv"`` (curl ``--no-clobber`` style), within 255 bytes."""
    stem, ext = split_ext(name)
    tag = f" ({number})"
    room = MAX_PART_BYTES - len((tag + ext).encode("utf-8", "surrogatepass"))
    return _truncate_utf8(stem, max(room, 1)) + tag + ext


def temp_name(key: str, suffix: str = ".part") -> str:
    """A fixed-length hidden name derived from ``key`` (the same source and target give the same
    temp file, so a later run finds it to resume), whatever the length of the final name."""
    digest = hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:20]
    return f".co-tui-{digest}{suffix}"
