"""co-tui for scripts: commands that pipe (``co-tui ls``, ``show``, ``files``, ``url``, ``cat``,
``download``, ``edit``, ``share``, ``create``, ``archive``, ``restore``, ``delete``, ``attach``,
``detach``), on the app's client, credentials, operations and download engine.

Importing this package stays light (no Textual, no httpx until a command runs), so a command
starts about as fast as a bare httpx script. Output, exit codes and the JSON format: the
README's "Scripting" section and :mod:`co_tui.script.session`.
"""

from __future__ import annotations

import argparse
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from co_tui.api import CodeOceanClient

__all__ = ["COMMANDS", "add_parsers", "run"]

Command = Callable[["CodeOceanClient", argparse.Namespace], Awaitable[int]]


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--demo", action="store_true", default=argparse.SUPPRESS,
                        help="run against the built-in demo emulator")
    parser.add_argument("--profile", dest="sub_profile", metavar="NAME",
                        help="use the saved login NAME")


def add_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the scripting commands to ``co-tui``'s subcommands."""
    ls = sub.add_parser("ls", help="list data assets (a table, lines in a pipe, or JSON lines)")
    ls.add_argument("query", nargs="?", default="",
                    help="search words or name: tag: run_script: commit_id: contained_data_id:")
    ls.add_argument("--type", choices=("dataset", "result", "combined", "model"))
    ls.add_argument("--ownership", choices=("created", "shared", "private"))
    ls.add_argument("--origin", choices=("internal", "external"))
    ls.add_argument("--archived", action="store_true", help="list the archive bin instead")
    ls.add_argument("--favorite", action="store_true", help="only favourites")
    ls.add_argument("--sort", metavar="FIELD[:asc|desc]",
                    help="created (default, newest first), name, size or type")
    ls.add_argument("--limit", type=_positive, metavar="N", help="at most N assets")
    ls.add_argument("--json", action="store_true", help="JSON lines (the API's fields)")
    ls.add_argument("--ids", action="store_true", help="ids only, one per line")
    show = sub.add_parser("show", help="one data asset's fields")
    show.add_argument("id")
    show.add_argument("--json", action="store_true")
    files = sub.add_parser("files", help="the files of a data asset")
    files.add_argument("id")
    files.add_argument("path", nargs="?", default="", help="a folder (default: the top)")
    files.add_argument("--recursive", "-r", action="store_true", help="the whole tree below")
    files.add_argument("--json", action="store_true")
    url = sub.add_parser("url", help="print a file's signed URL")
    url.add_argument("id")
    url.add_argument("path")
    url.add_argument("--view", action="store_true", help="the URL to view it in a browser")
    cat = sub.add_parser("cat", help="write a file to stdout as it downloads")
    cat.add_argument("id")
    cat.add_argument("path")
    for name, about in (("archive", "archive data assets"),
                        ("restore", "restore archived data assets")):
        p = sub.add_parser(name, help=about)
        p.add_argument("ids", nargs="+", metavar="ID", help="asset ids; - reads them from stdin")
    delete = sub.add_parser("delete", help="delete archived data assets permanently")
    delete.add_argument("ids", nargs="+", metavar="ID", help="asset ids; - reads them from stdin")
    delete.add_argument("--yes", action="store_true", help="do not ask (needed in scripts)")
    edit = sub.add_parser("edit", help="change an asset's name, description, mount, tags, metadata")
    edit.add_argument("id")
    edit.add_argument("--name")
    edit.add_argument("--description")
    edit.add_argument("--mount")
    edit.add_argument("--tag", action="append", metavar="TAG", help="add a tag (repeatable)")
    edit.add_argument("--untag", action="append", metavar="TAG", help="remove a tag (repeatable)")
    edit.add_argument("--meta", action="append", metavar="KEY=VALUE",
                      help="set a custom metadata field (repeatable; KEY= clears it)")
    edit.add_argument("--json", action="store_true", help="print the saved asset as JSON")
    share = sub.add_parser("share", help="give or take access to an asset")
    share.add_argument("id")
    share.add_argument("--viewer", action="append", metavar="EMAIL")
    share.add_argument("--owner", action="append", metavar="EMAIL")
    share.add_argument("--group", action="append", metavar="NAME=ROLE",
                       help="ROLE: discoverable, viewer or owner")
    share.add_argument("--everyone", choices=("none", "viewer", "discoverable"))
    share.add_argument("--remove", action="append", metavar="EMAIL|GROUP")
    share.add_argument("--yes", action="store_true", help="do not ask (needed in scripts)")
    from co_tui.script import parsers

    more = parsers.add_parsers(sub)
    for parser in (ls, show, files, url, cat, delete, edit, share, sub.choices["archive"],
                   sub.choices["restore"], *more):
        _common(parser)


def _positive(text: str) -> int:
    from co_tui.script.parsers import positive

    return positive(text)


COMMANDS = frozenset({"ls", "show", "files", "url", "cat", "archive", "restore", "delete",
                      "edit", "share", "download", "create", "attach", "detach"})


def _command(name: str) -> Command:
    from co_tui.script import (
        attach_commands,
        create_command,
        download_command,
        edit_commands,
        read_commands,
        write_commands,
    )

    table: dict[str, Command] = {
        "ls": read_commands.ls, "show": read_commands.show, "files": read_commands.files,
        "url": read_commands.url, "cat": read_commands.cat, "archive": write_commands.archive,
        "restore": write_commands.restore, "delete": write_commands.delete,
        "edit": edit_commands.edit, "share": edit_commands.share,
        "download": download_command.download, "create": create_command.create,
        "attach": attach_commands.attach, "detach": attach_commands.detach,
    }
    return table[name]


def run(args: argparse.Namespace) -> int:
    """Run the command ``args.command`` and return its exit code."""
    from co_tui.script.session import run_command

    if getattr(args, "sub_profile", None):
        args.profile = args.sub_profile
    command = _command(args.command)
    return run_command(args, lambda client: command(client, args))
