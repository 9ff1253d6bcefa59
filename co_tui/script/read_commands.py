"""Commands that read: ``ls``, ``show``, ``files``, ``url`` and ``cat``.

Each prints a table on a terminal, one record per line (tab-separated) in a pipe, and JSON lines
with ``--json`` (:mod:`co_tui.script.output`). They are plain async functions of a client and
the parsed arguments; :mod:`co_tui.script` wires them to the command line.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

import msgspec

from co_tui.formatting import format_date, format_size
from co_tui.script.output import is_terminal, iso_time, json_line, print_lines, print_table
from co_tui.script.session import EXIT, CommandError

if TYPE_CHECKING:
    import argparse

    from co_tui.api import CodeOceanClient
    from co_tui.api.models import DataAsset, DataAssetSearchParams, FolderItem

__all__ = ["api_record", "cat", "files", "ls", "search_params", "show", "url"]

SORT_FIELDS = ("created", "name", "size", "type")
PAGE_MAX = 1000


def search_params(args: argparse.Namespace) -> DataAssetSearchParams:
    """The search ``ls`` sends for its options (a bad ``--sort`` is a usage error)."""
    from co_tui.api.models import DataAssetSearchParams

    sort_field, sort_order = "created", "desc"
    if args.sort:
        sort_field, _, order = args.sort.partition(":")
        sort_order = order or ("desc" if sort_field in ("created", "size") else "asc")
        if sort_field not in SORT_FIELDS or sort_order not in ("asc", "desc"):
            raise CommandError(f"--sort: expected one of {', '.join(SORT_FIELDS)}, optionally "
                               f"followed by :asc or :desc, not {args.sort!r}", EXIT["usage"])
    limit = min(args.limit, PAGE_MAX) if args.limit else PAGE_MAX
    return DataAssetSearchParams(
        query=args.query or None, limit=limit, sort_field=sort_field, sort_order=sort_order,
        type=args.type, ownership=args.ownership, origin=args.origin,
        archived=bool(args.archived), favorite=True if args.favorite else None)


def api_record(model: msgspec.Struct) -> dict[str, Any]:
    """``model`` as the API's JSON fields (for ``--json``)."""
    value: dict[str, Any] = msgspec.to_builtins(model)
    value.pop("unreadable", None)  # counted by this client, not an API field
    return value


def _asset_line(asset: DataAsset) -> list[object]:
    return [asset.id, asset.name, asset.type, asset.state,
            "" if asset.size is None else asset.size, iso_time(asset.created)]


def _asset_cells(asset: DataAsset) -> list[object]:
    return [asset.id, asset.name, asset.type, asset.state, format_size(asset.size),
            format_date(asset.created)]


ASSET_HEADER = ("ID", "NAME", "TYPE", "STATE", "SIZE", "CREATED")


async def ls(client: CodeOceanClient, args: argparse.Namespace) -> int:
    """List assets: a table on a terminal, lines in a pipe, JSON lines, or ids only."""
    params = search_params(args)
    out = sys.stdout
    table = is_terminal(out) and not (args.json or args.ids)
    rows: list[list[object]] = []
    count = 0
    async for asset in client.data_assets.search_data_assets_iterator(params):
        if args.limit and count >= args.limit:
            break
        count += 1
        if args.ids:
            out.write(asset.id + "\n")
        elif args.json:
            out.write(json_line(api_record(asset)) + "\n")
        elif table:
            rows.append(_asset_cells(asset))
        else:
            print_lines([_asset_line(asset)], out)
    if table:
        print_table(ASSET_HEADER, rows, out, right=frozenset({4}))
        if not rows:
            sys.stderr.write("no data assets match\n")
    out.flush()
    return EXIT["ok"]


async def show(client: CodeOceanClient, args: argparse.Namespace) -> int:
    """One asset: every field as ``name: value`` lines on a terminal or in a pipe, or JSON."""
    asset = await client.data_assets.get_data_asset(args.id)
    record = api_record(asset)
    if args.json:
        sys.stdout.write(json_line(record) + "\n")
        return EXIT["ok"]
    rows = []
    for key, value in record.items():
        if value in (None, [], {}, ""):
            continue
        if key in ("created", "last_used"):
            value = iso_time(value)
        elif key == "size" and is_terminal(sys.stdout):
            value = f"{format_size(value)} ({value:,} bytes)"
        elif isinstance(value, list | tuple) and all(isinstance(v, str) for v in value):
            value = ", ".join(value)
        elif isinstance(value, list | tuple | dict):
            value = json_line({"v": value})[5:-1]
        rows.append([key, value])
    if is_terminal(sys.stdout):
        print_table(("FIELD", "VALUE"), rows, max_width=100)
    else:
        print_lines(rows)
    return EXIT["ok"]


async def _walk(client: CodeOceanClient, asset_id: str, path: str,
                recursive: bool) -> list[FolderItem]:
    folder = await client.data_assets.list_data_asset_files(asset_id, path)
    items: list[FolderItem] = []
    for item in folder.items:
        items.append(item)
        if recursive and item.is_folder:
            items.extend(await _walk(client, asset_id, item.path, True))
    return items


async def files(client: CodeOceanClient, args: argparse.Namespace) -> int:
    """The files of an asset (one folder, or the whole tree with ``--recursive``)."""
    items = await _walk(client, args.id, args.path.strip("/"), args.recursive)
    out = sys.stdout
    if args.json:
        for item in items:
            out.write(json_line(api_record(item)) + "\n")
    elif is_terminal(out):
        print_table(("TYPE", "SIZE", "PATH"),
                    [[item.type, "" if item.is_folder else format_size(item.size),
                      item.path + ("/" if item.is_folder else "")] for item in items],
                    right=frozenset({1}), max_width=120)
    else:
        print_lines([[item.type, "" if item.size is None else item.size, item.path]
                     for item in items])
    return EXIT["ok"]


async def url(client: CodeOceanClient, args: argparse.Namespace) -> int:
    """The signed URL of one file (download, or ``--view`` for the browser's)."""
    urls = await client.data_assets.get_data_asset_file_urls(args.id, args.path.strip("/"))
    link = urls.view_url if args.view else urls.download_url
    if not link:
        raise CommandError("the server gave no URL for this file", EXIT["not_found"])
    sys.stdout.write(link + "\n")
    return EXIT["ok"]


async def cat(client: CodeOceanClient, args: argparse.Namespace) -> int:
    """Stream one file to stdout as it arrives (no temporary file). When the reader goes away
    (``| head -c 10``) the download stops at once and the command ends quietly.

    Into a pipe or a file the bytes are written exactly. To a terminal, text is written with
    every control character but newline and tab shown as a visible escape (a file may hold
    escape sequences), and a binary file is refused: pipe it or redirect it instead.
    """
    urls = await client.data_assets.get_data_asset_file_urls(args.id, args.path.strip("/"))
    if not urls.download_url:
        raise CommandError("the server gave no URL for this file", EXIT["not_found"])
    to_terminal = is_terminal(sys.stdout)
    out = sys.stdout.buffer
    text = _TerminalText() if to_terminal else None
    async with client.files.open_stream(urls.download_url) as stream:
        async for chunk in stream.aiter_raw():
            out.write(text.feed(chunk) if text is not None else chunk)
    if text is not None:
        out.write(text.feed(b"", final=True))
    out.flush()
    return EXIT["ok"]


class _TerminalText:
    """Bytes of a file made safe for a terminal, chunk by chunk (UTF-8 split across chunks is
    decoded whole; a NUL byte means binary, which is refused)."""

    def __init__(self) -> None:
        import codecs
        import re

        from co_tui.text_escapes import FORBIDDEN_MULTI

        self._decoder = codecs.getincrementaldecoder("utf-8")("replace")
        self._forbidden = re.compile(FORBIDDEN_MULTI.pattern.replace("\\U00000000-\\U00000009",
                                                                     "\\U00000000-\\U00000008"))

    def feed(self, chunk: bytes, *, final: bool = False) -> bytes:
        from co_tui.text_escapes import escape_char

        if b"\0" in chunk:
            raise CommandError("this file looks binary: pipe it (| xxd) or redirect it "
                               "(> FILE) instead of writing it to the terminal", EXIT["usage"])
        decoded = self._decoder.decode(chunk, final)
        return self._forbidden.sub(lambda m: escape_char(m.group()), decoded).encode()
