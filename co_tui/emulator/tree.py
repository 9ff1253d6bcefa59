"""File trees of data assets: stored rows plus generated folders expanded at listing time.

The ``files`` table holds one row per file and per folder (``parent`` + ``name``); the
``gen_folders`` table holds :class:`~co_tui.emulator.seed_model.SeedFolderGenerator` records
whose children are never stored. Every file carries a ``salt`` (``"<origin>/<path>"``) that is
fixed when the file first appears and kept when it is copied into another asset, so the same
file has the same bytes wherever it shows up (``content.read_content`` mixes the salt in).
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise
from typing import Any

import msgspec

from co_tui.emulator.http_errors import bad_request
from co_tui.emulator.seed_model import Content
from co_tui.emulator.store import Store

FileSpec = tuple[str, Content, str]
"""(path, content, salt) of one stored file."""
GenSpec = tuple[str, int, int, str, str, str]
"""(path, count, size, name_template, kind, salt) of one generated folder."""


@dataclass(frozen=True)
class FileRef:
    """A file found in an asset: its bytes spec and the salt that makes them unique."""

    path: str
    content: Content
    salt: str


def normalise_path(path: str | None) -> str:
    """``"/a//b/"`` -> ``"a/b"``; ``""`` is the root. Rejects ``.`` and ``..`` segments (400)."""
    if not path:
        return ""
    parts = [part for part in path.split("/") if part]
    if any(part in (".", "..") for part in parts):
        raise bad_request(f"invalid path {path!r}")
    return "/".join(parts)


def split_path(path: str) -> tuple[str, str]:
    """``"a/b/c"`` -> ``("a/b", "c")``; ``"c"`` -> ``("", "c")``."""
    parent, _, name = path.rpartition("/")
    return parent, name


def _folder_rows(asset: int, path: str, seen: set[str], out: list[tuple[Any, ...]]) -> None:
    """Append folder rows for ``path`` and its ancestors not already in ``seen``."""
    while path and path not in seen:
        seen.add(path)
        parent, name = split_path(path)
        out.append((asset, parent, name, 1, 0, None, None, None, ""))
        path = parent


def tree_rows(
    asset: int, files: Iterable[FileSpec], gens: Iterable[GenSpec]
) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]], int, int]:
    """Rows for ``files`` and ``gen_folders`` of one asset, plus its (file count, total size)."""
    rows: list[tuple[Any, ...]] = []
    gen_rows: list[tuple[Any, ...]] = []
    seen: set[str] = set()
    count = 0
    size = 0
    for path, content, salt in files:
        path = normalise_path(path)
        if not path:
            continue
        parent, name = split_path(path)
        _folder_rows(asset, parent, seen, rows)
        rows.append((asset, parent, name, 0, content.size, content.kind, content.seed,
                     content.data, salt))
        count += 1
        size += content.size
    for path, n, each, template, kind, salt in gens:
        path = normalise_path(path)
        _folder_rows(asset, path, seen, rows)
        gen_rows.append((asset, path, n, each, template, kind, salt))
        count += n
        size += n * each
    return rows, gen_rows, count, size


def insert_tree(conn: sqlite3.Connection, rows: list[tuple[Any, ...]],
                gen_rows: list[tuple[Any, ...]]) -> None:
    """Insert rows built by :func:`tree_rows` (folders already present are kept)."""
    conn.executemany(
        "INSERT OR IGNORE INTO files (asset, parent, name, is_dir, size, kind, seed, data, salt) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        rows,
    )
    conn.executemany(
        "INSERT OR REPLACE INTO gen_folders (asset, path, count, size, template, kind, salt) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        gen_rows,
    )


def totals(conn: sqlite3.Connection, asset: int) -> tuple[int, int]:
    """(number of files, total bytes) of an asset's tree."""
    row = conn.execute(
        "SELECT COUNT(*), COALESCE(SUM(size), 0) FROM files WHERE asset = ? AND is_dir = 0",
        (asset,),
    ).fetchone()
    gen = conn.execute(
        "SELECT COALESCE(SUM(count), 0), COALESCE(SUM(count * size), 0) FROM gen_folders "
        "WHERE asset = ?",
        (asset,),
    ).fetchone()
    return int(row[0]) + int(gen[0]), int(row[1]) + int(gen[1])


def copy_tree(conn: sqlite3.Connection, src: int, dst: int, prefix: str) -> None:
    """Copy asset ``src``'s whole tree into ``dst`` under folder ``prefix`` (``""`` = root)."""
    conn.execute(
        "INSERT OR IGNORE INTO files (asset, parent, name, is_dir, size, kind, seed, data, salt) "
        "SELECT ?, CASE WHEN ? = '' THEN parent WHEN parent = '' THEN ? ELSE ? || '/' || parent "
        "END, name, is_dir, size, kind, seed, data, salt FROM files WHERE asset = ?",
        (dst, prefix, prefix, prefix, src),
    )
    conn.execute(
        "INSERT OR REPLACE INTO gen_folders (asset, path, count, size, template, kind, salt) "
        "SELECT ?, CASE WHEN ? = '' THEN path WHEN path = '' THEN ? ELSE ? || '/' || path END, "
        "count, size, template, kind, salt FROM gen_folders WHERE asset = ?",
        (dst, prefix, prefix, prefix, src),
    )
    if prefix:
        rows: list[tuple[Any, ...]] = []
        _folder_rows(dst, prefix, set(), rows)
        insert_tree(conn, rows, [])


def delete_tree(conn: sqlite3.Connection, asset: int) -> None:
    """Remove every file, folder and generated folder of an asset."""
    conn.execute("DELETE FROM files WHERE asset = ?", (asset,))
    conn.execute("DELETE FROM gen_folders WHERE asset = ?", (asset,))


@lru_cache(maxsize=256)
def _template_regex(template: str) -> re.Pattern[str]:
    pieces = re.split(r"(\{i(?::[^}]*)?\})", template)
    pattern = "".join(r"(-?\d+)" if piece.startswith("{i") else re.escape(piece)
                      for piece in pieces)
    return re.compile(f"^{pattern}$")


def generated_index(name: str, template: str, count: int) -> int | None:
    """The ``i`` whose generated child of ``template`` is called ``name``, if ``0 <= i < count``."""
    match = _template_regex(template).match(name)
    if match is None:
        return None
    index = int(match.group(1))
    if 0 <= index < count and template.format(i=index) == name:
        return index
    return None


class FolderItem(msgspec.Struct, omit_defaults=True):
    """One entry of a folder listing (``size`` only for files)."""

    name: str
    path: str
    type: str
    size: int | None = None


def _name_key(name: str) -> tuple[str, str]:
    return name.lower(), name


def _sorted_by_name(entries: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """Entries by name, case-insensitively; generated children usually arrive sorted already,
    and checking is much cheaper than sorting 100,000 of them."""
    keys = [_name_key(name) for name, _ in entries]
    if all(a <= b for a, b in pairwise(keys)):
        return entries
    return [entry for _, entry in sorted(zip(keys, entries, strict=True))]


def list_folder(conn: sqlite3.Connection, asset: int, path: str) -> list[FolderItem] | None:
    """One folder level: folders first, then files, each by name; ``None`` if no such folder."""
    rows = conn.execute(
        "SELECT name, is_dir, size FROM files WHERE asset = ? AND parent = ?", (asset, path)
    ).fetchall()
    gens = conn.execute(
        "SELECT count, size, template FROM gen_folders WHERE asset = ? AND path = ?", (asset, path)
    ).fetchall()
    if not rows and not gens and path:
        parent, name = split_path(path)
        exists = conn.execute(
            "SELECT 1 FROM files WHERE asset = ? AND parent = ? AND name = ? AND is_dir = 1",
            (asset, parent, name),
        ).fetchone()
        if exists is None:
            return None
    base = f"{path}/" if path else ""
    folders = sorted((row["name"] for row in rows if row["is_dir"]), key=_name_key)
    files: list[tuple[str, int]] = [(row["name"], row["size"]) for row in rows if not row["is_dir"]]
    for gen in gens:
        template, each = gen["template"], gen["size"]
        files.extend((template.format(i=i), each) for i in range(gen["count"]))
    items = [FolderItem(name, base + name, "folder") for name in folders]
    items.extend(FolderItem(name, base + name, "file", size)
                 for name, size in _sorted_by_name(files))
    return items


def find_file(conn: sqlite3.Connection, asset: int, path: str) -> FileRef | None:
    """The file at ``path`` (stored or generated), or ``None`` (also for folders)."""
    if not path:
        return None
    parent, name = split_path(path)
    row = conn.execute(
        "SELECT is_dir, size, kind, seed, data, salt FROM files "
        "WHERE asset = ? AND parent = ? AND name = ?",
        (asset, parent, name),
    ).fetchone()
    if row is not None:
        if row["is_dir"]:
            return None
        content = Content(kind=row["kind"], size=row["size"], seed=row["seed"] or 0,
                          data=row["data"] or b"")
        return FileRef(path, content, row["salt"])
    for gen in conn.execute(
        "SELECT count, size, template, kind, salt FROM gen_folders WHERE asset = ? AND path = ?",
        (asset, parent),
    ):
        if generated_index(name, gen["template"], gen["count"]) is not None:
            content = Content(kind=gen["kind"], size=gen["size"])
            return FileRef(path, content, f"{gen['salt']}/{name}")
    return None


def file_at(store: Store, asset: int, path: str) -> FileRef | None:
    """:func:`find_file` on the store's connection, read once per (asset, path) until the next
    write (:meth:`Store.cached`): a download asks for the same file's URL and then its bytes."""
    return store.cached(("file", asset, path), lambda: find_file(store.conn, asset, path))
