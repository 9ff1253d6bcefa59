"""How a command gets its client and how its failures become exit codes.

A command uses the app's credentials (``--profile``, ``--domain``, the environment, the saved
login; never a token argument) or, with ``--demo``, the demo emulator served on loopback in a
thread for the length of the command. Exit codes (the same for every command):

==  =====================================================================
0   done
1   some items failed (each named on stderr)
2   usage: a bad option or argument, or no credentials
3   authentication: the token was refused (401) or lacks the right (403)
4   not found (404)
5   network: no answer (connection refused or cut, timed out) or a server error
==  =====================================================================
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import TYPE_CHECKING

from co_tui.script.output import warn

if TYPE_CHECKING:
    import argparse

    from co_tui.api import CodeOceanClient

__all__ = ["EXIT", "CommandError", "describe", "exit_code", "open_client", "run_command"]

EXIT = {"ok": 0, "partial": 1, "usage": 2, "auth": 3, "not_found": 4, "network": 5}


class CommandError(Exception):
    """A failure the command explains itself: ``message`` on stderr, exit with ``code``."""

    def __init__(self, message: str, code: int) -> None:
        super().__init__(message)
        self.code = code


def exit_code(error: BaseException) -> int:
    """The exit code for an API error (5 for anything that is not the caller's doing)."""
    from co_tui.api.errors import (
        AuthenticationError,
        BadRequestError,
        ConflictError,
        NotFoundError,
        PermissionDeniedError,
    )

    if isinstance(error, CommandError):
        return error.code
    if isinstance(error, AuthenticationError | PermissionDeniedError):
        return EXIT["auth"]
    if isinstance(error, NotFoundError):
        return EXIT["not_found"]
    if isinstance(error, BadRequestError | ConflictError):
        return EXIT["partial"]
    return EXIT["network"]


def describe(error: BaseException) -> str:
    """One line for stderr about an API error (cleaned by :func:`~co_tui.script.output.warn`)."""
    from co_tui.api.errors import (
        ApiConnectionError,
        ApiError,
        ApiTimeoutError,
        AuthenticationError,
    )

    if isinstance(error, AuthenticationError):
        return "the token was refused (401): run 'co-tui login' to log in again"
    if isinstance(error, ApiConnectionError | ApiTimeoutError):
        tail = "; the change may have been applied" if error.outcome_unknown else ""
        return f"no answer from the server: {error.message}{tail}"
    if isinstance(error, ApiError):
        return str(error)
    return f"{type(error).__name__}: {error}"


@contextlib.asynccontextmanager
async def open_client(args: argparse.Namespace) -> AsyncIterator[CodeOceanClient]:
    """The client a command uses, closed afterwards; :class:`CommandError` (exit 2) when there
    are no credentials or they are contradictory."""
    from co_tui.launch import skip_unused_imports

    skip_unused_imports()
    from co_tui.api import CodeOceanClient

    if getattr(args, "demo", False):
        from co_tui.emulator import EmulatorConfig, serve_in_thread
        from co_tui.emulator.settings import preset

        config = EmulatorConfig(seed="demo", **preset("demo"))
        with serve_in_thread(config) as served:
            async with CodeOceanClient(served.domain, served.emulator.main_token) as client:
                yield client
        return
    from co_tui.domain import InsecureDomainError, normalize_domain
    from co_tui.session.config import ConfigError
    from co_tui.session.credentials import make_credentials_private, resolve_credentials

    notice = make_credentials_private()
    if notice:
        warn(notice)
    try:
        creds = resolve_credentials(profile=args.profile, domain=args.domain)
    except ConfigError as exc:
        raise CommandError(str(exc), EXIT["usage"]) from None
    if creds is None:
        raise CommandError("no Code Ocean credentials found. Run 'co-tui login', or set "
                           "CODEOCEAN_DOMAIN and CODEOCEAN_TOKEN, or add --demo.", EXIT["usage"])
    for warning in creds.warnings:
        warn(warning)
    try:
        domain = normalize_domain(creds.domain)
    except InsecureDomainError as exc:
        raise CommandError(str(exc), EXIT["usage"]) from None
    async with CodeOceanClient(domain, creds.token) as client:
        yield client


def run_command(args: argparse.Namespace,
                body: Callable[[CodeOceanClient], Awaitable[int]]) -> int:
    """Run ``body`` with a client; an error it lets out is reported on stderr and mapped to an
    exit code. A closed pipe (``| head``) ends the command quietly."""
    from co_tui.api.errors import ApiError

    async def main() -> int:
        async with open_client(args) as client:
            return await body(client)

    try:
        return asyncio.run(main())
    except CommandError as error:
        warn(str(error), prog=f"co-tui {args.command}")
        return error.code
    except ApiError as error:
        warn(describe(error), prog=f"co-tui {args.command}")
        return exit_code(error)
    except BrokenPipeError:
        _quiet_stdout()
        return EXIT["ok"]
    except KeyboardInterrupt:
        return 130


def _quiet_stdout() -> None:
    """After the reader of a pipe went away: point stdout at /dev/null so the interpreter's
    final flush does not report the broken pipe."""
    import os
    import sys

    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
