"""Command line: the only place that wires real dependencies together.

``co-tui emulator`` runs the Code Ocean API emulator alone (docs/product.md, 'The emulator').
Heavy imports (the emulator, starlette, uvicorn) happen inside the subcommands that need them,
so ``--help`` and ``--version`` stay instant.
"""

from __future__ import annotations

import argparse
import gc
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from co_tui import __version__, launch

if TYPE_CHECKING:

    from co_tui.api import CodeOceanClient

__all__ = ["build_parser", "main"]


def _add_emulator_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "emulator",
        help="run the Code Ocean API emulator on loopback",
        description=(
            "Serve an emulated Code Ocean API (and its signed-URL file origin on a second port) "
            "until interrupted. The official codeocean SDK and co-tui work against it unchanged."
        ),
    )
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default: 127.0.0.1)")
    p.add_argument("--port", type=int, default=8000, help="API port (default: 8000; 0 = any free)")
    p.add_argument(
        "--files-port", type=int, default=0,
        help="port of the signed-URL origin (default: any free port)",
    )
    p.add_argument(
        "--data", type=Path, default=None, metavar="DIR",
        help="keep state in DIR/emulator.sqlite3 across restarts (default: in memory)",
    )
    p.add_argument(
        "--seed", default="demo", metavar="demo|empty|scale:ASSETS:FILES",
        help="data to start with (default: demo; ignored when --data already holds state)",
    )
    p.add_argument(
        "--token", default=None,
        help="the main demo user's token (default: the documented demo token)",
    )
    p.add_argument("--latency", type=float, default=0.0, metavar="MS", help="delay every response")
    p.add_argument(
        "--conn-rate", type=float, default=0.0, metavar="MBPS",
        help="cap each connection to the signed-URL origin at MBPS MB/s, as object stores do",
    )
    p.add_argument(
        "--faults", default=None, metavar="SPEC",
        help="inject faults, e.g. '429=0.1,503=0.05,reset=0.02,truncate=0.02,lost=0.01,seed=7'",
    )
    p.add_argument(
        "--ready-delay", type=float, default=3.0, metavar="SECONDS",
        help="how long a created asset stays draft (default: 3)",
    )
    p.add_argument(
        "--server-version", default=None,
        help="emulated platform version (below 3.1: legacy search only; below 4.0: no files/urls)",
    )
    p.add_argument(
        "--search-lag", type=float, default=0.0, metavar="MS",
        help=(
            "a write (create, edit, archive, delete, sharing, a draft becoming ready) reaches "
            "search results only MS milliseconds later, like a real search index; reading an "
            "asset by id is immediate (default: 0)"
        ),
    )
    p.add_argument(
        "--quirks", nargs="?", const="sdk", default=None, metavar="SPEC",
        help=(
            "give responses odd-but-valid shapes at random (float timestamps, nulls, unknown "
            "keys, a numeric next_token ...). SPEC: a set - benign (nothing a user sees "
            "changes), sdk (the default: every shape the official SDK reads), all (also unknown "
            "enum values, null lists, null owners) - or quirk names, -NAME to leave one out, "
            "seed=N, rate=0..1 (default 0.5); e.g. 'all,-null-owner,seed=7'"
        ),
    )


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (inspected by tests: no option may take a token).

    Why: docs/reliability.md, 'Token secrecy'."""
    parser = argparse.ArgumentParser(
        prog="co-tui",
        description="A keyboard-driven terminal browser for Code Ocean data assets.",
    )
    parser.add_argument("--version", action="version", version=f"co-tui {__version__}")
    parser.add_argument(
        "--demo", action="store_true",
        help="open the app on the built-in emulator with demo data (no account, no network)",
    )
    parser.add_argument("--profile", metavar="NAME", help="use the saved login NAME")
    parser.add_argument("--domain", metavar="URL", help="the Code Ocean deployment's address")
    parser.add_argument(
        "--debug", action="store_true",
        help="write a redacted request log (no tokens, no signed URLs) to the log folder",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    login = sub.add_parser(
        "login", help="check a domain and token and save them (the token is never an argument)"
    )
    login.add_argument("--profile", dest="sub_profile", metavar="NAME", help="save as NAME")
    login.add_argument("--domain", dest="sub_domain", metavar="URL", help="the deployment")
    login.add_argument(
        "--token-stdin", action="store_true", help="read the token from standard input"
    )
    logout = sub.add_parser("logout", help="remove a saved token")
    logout.add_argument("--profile", dest="sub_profile", metavar="NAME")
    _add_emulator_parser(sub)
    from co_tui import script

    script.add_parsers(sub)
    return parser


def _run_emulator(args: argparse.Namespace) -> int:
    from co_tui.emulator import EmulatorConfig, FaultSpec, run_server
    from co_tui.emulator.quirks import QuirkSpec

    try:
        faults = FaultSpec.parse(args.faults) if args.faults else None
    except ValueError as exc:
        print(f"co-tui emulator: bad --faults: {exc}", file=sys.stderr)
        return 2
    try:
        quirks = QuirkSpec.parse(args.quirks) if args.quirks is not None else None
    except ValueError as exc:
        print(f"co-tui emulator: bad --quirks: {exc}", file=sys.stderr)
        return 2
    if args.search_lag < 0:
        print("co-tui emulator: bad --search-lag: must be >= 0", file=sys.stderr)
        return 2
    if args.conn_rate < 0:
        print("co-tui emulator: bad --conn-rate: must be >= 0", file=sys.stderr)
        return 2
    options: dict[str, object] = {}
    if args.server_version:
        options["server_version"] = args.server_version
    config = EmulatorConfig(
        seed=args.seed,
        data_dir=args.data,
        main_token=args.token,
        latency_ms=args.latency,
        faults=faults,
        ready_delay=args.ready_delay,
        search_lag_ms=args.search_lag,
        quirks=quirks,
        conn_rate_mbps=args.conn_rate,
        **options,  # type: ignore[arg-type]
    )

    def ready(domain: str, files_origin: str, tokens: dict[str, str]) -> None:
        print(f"listening on {domain}", flush=True)
        print(f"signed file URLs on {files_origin}", flush=True)
        for email, token in tokens.items():
            print(f"  token for {email}: {token}", flush=True)
        print("press Ctrl+C to stop", flush=True)

    try:
        run_server(config, args.host, args.port, files_port=args.files_port, on_ready=ready)
    except ValueError as exc:
        print(f"co-tui emulator: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        pass
    return 0


def _run_demo() -> int:
    """Open the app on the demo emulator, served on loopback in a background thread.

    The emulator (Starlette, uvicorn, the seed: the slow part of the demo's start) starts in a
    thread while the app starts, and stops when the app exits. It runs with the emulator's
    ``demo`` preset: search lags behind writes and responses carry the odd shapes a real server
    sends that change nothing a user sees, so what works in the demo works against a real
    server.
    """
    import contextlib

    with contextlib.ExitStack() as stack:

        def build() -> CodeOceanClient:
            launch.skip_unused_imports()
            from co_tui.api import CodeOceanClient
            from co_tui.emulator import EmulatorConfig, serve_in_thread
            from co_tui.emulator.settings import preset

            config = EmulatorConfig(seed="demo", **preset("demo"))
            served = stack.enter_context(serve_in_thread(config))
            return CodeOceanClient(served.domain, served.emulator.main_token)

        # a login offered in the demo (after a 401) checks against the emulator, saves nothing
        return launch.open_app("local demo emulator", build, launch.load_config(), demo=True,
                               save_login=False)


def _run_login(args: argparse.Namespace) -> int:
    import asyncio
    import getpass

    from co_tui.operations.verify_login import login
    from co_tui.session.config import ConfigError
    from co_tui.session.login_store import LoginError, prompt_login, read_token_from_stdin
    from co_tui.session.login_target import login_target

    profile = args.sub_profile or args.profile
    domain = args.sub_domain or args.domain
    try:
        target = login_target(profile=profile, domain=domain)
        if args.token_stdin:
            if not target.domain:
                print("co-tui login: --token-stdin needs --domain URL", file=sys.stderr)
                return 2
            login_domain, token = target.domain, read_token_from_stdin(sys.stdin)
        else:
            answers = prompt_login(input, getpass.getpass, default_domain=target.domain)
            login_domain, token = answers.domain, answers.token  # type: ignore[assignment]
        outcome = asyncio.run(login(target.profile, login_domain, token))
    except (LoginError, ConfigError) as exc:
        print(f"co-tui login: {exc}", file=sys.stderr)
        return 2
    print(outcome.result.message)
    for warning in outcome.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    return 0 if outcome.saved else 1


def _run_logout(args: argparse.Namespace) -> int:
    from co_tui.domain import InsecureDomainError, normalize_domain
    from co_tui.session.config import ConfigError
    from co_tui.session.credentials import token_env_var
    from co_tui.session.login_store import logout
    from co_tui.session.login_target import login_target
    from co_tui.session.page_cache import clear_domain

    profile = args.sub_profile or args.profile
    try:
        domain = login_target(profile=profile, domain=None).domain
        removed = logout(profile)
    except ConfigError as exc:
        print(f"co-tui logout: {exc}", file=sys.stderr)
        return 2
    try:  # the app keys its cache by the normalised domain; unknown or odd: clear them all
        domain = normalize_domain(domain) if domain else None
    except InsecureDomainError:
        domain = None
    cleared = clear_domain(domain)
    print("Saved token removed." if removed else "No saved token to remove.")
    if cleared:
        print("Cached list rows removed.")
    if name := token_env_var():
        print(f"note: {name} is still set in the environment and will be used.")
    return 0


def _run_app(args: argparse.Namespace) -> int:
    from co_tui.domain import InsecureDomainError, normalize_domain
    from co_tui.session.config import ConfigError
    from co_tui.session.credentials import make_credentials_private, resolve_credentials
    from co_tui.session.login_target import LoginSetup, login_target

    # before anything reads the tokens; the notice is shown on screen, not after quitting
    private_notice = make_credentials_private()
    notices = [private_notice] if private_notice else []
    try:
        creds = resolve_credentials(profile=args.profile, domain=args.domain)
        target = login_target(profile=args.profile, domain=args.domain)
    except ConfigError as exc:
        print(f"co-tui: {exc}", file=sys.stderr)
        return 2
    if creds is None and sys.stdin.isatty() and sys.stdout.isatty():
        # first run in a terminal: the login screen asks, checks, saves, then opens My Data
        launch.build_app(None, login=LoginSetup(profile=target.profile, domain=target.domain),
                         config=launch.load_config(), notices=notices).run()
        return 0
    if creds is None:
        for notice in notices:  # no app to show it in
            print(f"co-tui: {notice}", file=sys.stderr)
        print(
            "co-tui: no Code Ocean credentials found. Run 'co-tui login', or set "
            "CODEOCEAN_DOMAIN and CODEOCEAN_TOKEN, or try 'co-tui --demo'.",
            file=sys.stderr,
        )
        return 2
    notices += creds.warnings
    try:
        domain = normalize_domain(creds.domain)
    except InsecureDomainError as exc:
        print(f"co-tui: {exc}", file=sys.stderr)
        return 2

    def build() -> CodeOceanClient:
        launch.skip_unused_imports()
        from co_tui.api import CodeOceanClient

        return CodeOceanClient(domain, creds.token)

    return launch.open_app(domain, build, launch.load_config(),
                           profile=creds.profile or target.profile, notices=notices,
                           token=creds.token)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``co-tui`` console script."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.debug:
        from co_tui.debug_log import start_debug_log

        log_path, warnings = start_debug_log()
        for warning in warnings:
            print(f"warning: {warning}", file=sys.stderr)
        try:
            return _dispatch(args)
        finally:
            print(f"co-tui: the debug log is {log_path}", file=sys.stderr)
    return _dispatch(args)


def _dispatch(args: argparse.Namespace) -> int:
    """Run the command ``args`` names (the app when there is none)."""
    if args.command == "emulator":
        return _run_emulator(args)
    if args.command == "login":
        return _run_login(args)
    if args.command == "logout":
        return _run_logout(args)
    from co_tui import script

    if args.command in script.COMMANDS:
        return script.run(args)
    # Start-up makes only long-lived objects (modules, classes, styles): no garbage collection
    # until the app's first frame is on screen (the collector's passes over the growing heap
    # delay it; bench/app_launch.py measures launch). The app re-enables it (CoTuiApp.on_mount).
    gc.disable()
    try:
        return _run_demo() if args.demo else _run_app(args)
    finally:
        gc.enable()


if __name__ == "__main__":
    raise SystemExit(main())
