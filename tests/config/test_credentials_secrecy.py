"""Token secrecy for this layer: a canary token never shows in reprs, sources, warnings, errors or logs."""

from __future__ import annotations

import io
import logging

import httpx
import pytest

from co_tui.emulator import Emulator, EmulatorConfig
from co_tui.operations.verify_login import login, verify
from co_tui.session import paths
from co_tui.session.config import ConfigError, Settings, load_config
from co_tui.session.credentials import (
    CredentialsError,
    load_stored_logins,
    resolve_credentials,
)
from co_tui.session.login_store import (
    LoginError,
    logout,
    prompt_login,
    read_token_from_stdin,
    save_login,
)
from co_tui.session.login_target import login_target
from tests.config.cfg_helpers import assert_no_canary

WORK = "https://work.example.com"
OUR_LOGGERS = (
    "co_tui.session.config", "co_tui.session.credentials", "co_tui.session.login_store",
    "co_tui.session.toml_files", "co_tui.operations.verify_login",
)


def test_objects_never_show_the_token(canary: str) -> None:
    save_login("work", WORK, canary)
    paths.credentials_file().chmod(0o644)
    got = resolve_credentials(profile=None, domain=None, environ={})
    assert got is not None and got.token.get() == canary
    config = load_config()
    logins, warnings = load_stored_logins()
    assert warnings  # the loose-permission warning is there, and clean
    assert_no_canary(
        canary, repr(got), str(got), got.source, got.warnings, repr(got.token), str(got.token),
        repr(config), repr(config.profiles["work"]), repr(Settings()), repr(logins), warnings,
        repr(login_target(profile=None, domain=None, environ={})),
    )


def test_env_credentials_never_show_the_token(canary: str) -> None:
    got = resolve_credentials(
        profile=None, domain=None,
        environ={"CODEOCEAN_TOKEN": canary, "CODEOCEAN_DOMAIN": WORK},
    )
    assert got is not None
    assert_no_canary(canary, repr(got), got.source)


@pytest.mark.parametrize(
    "env",
    [
        {"CODEOCEAN_TOKEN": "{c}"},  # no domain
        {"CODEOCEAN_TOKEN": "{c} {c}", "CODEOCEAN_DOMAIN": WORK},  # malformed token
        {"CODEOCEAN_TOKEN": "{c}:x", "CODEOCEAN_DOMAIN": WORK},
        {"CODEOCEAN_DOMAIN": "{c}", "CODEOCEAN_TOKEN": "cop_x"},  # token pasted in the wrong var
        {"CODEOCEAN_URL": "ftp://{c}", "CODEOCEAN_TOKEN": "cop_x"},
    ],
)
def test_resolution_errors_never_show_the_token(canary: str, env: dict[str, str]) -> None:
    environ = {k: v.format(c=canary) for k, v in env.items()}
    with pytest.raises(CredentialsError) as info:
        resolve_credentials(profile=None, domain=None, environ=environ)
    assert_no_canary(canary, str(info.value), repr(info.value))


def test_storage_errors_never_show_the_token(canary: str) -> None:
    for bad in (f"{canary} x", f"{canary}\n", f"{canary}:"):
        with pytest.raises(ConfigError) as info:
            save_login("work", WORK, bad)
        assert_no_canary(canary, str(info.value))
    save_login("work", WORK, canary)
    text = paths.credentials_file().read_text()
    paths.credentials_file().write_text(text.replace('token = "', 'token = "x y '))
    logins, warnings = load_stored_logins()
    assert logins == {} and len(warnings) == 1
    assert_no_canary(canary, warnings)
    paths.credentials_file().write_text(text.replace("[profiles.work]", "[profiles.work"))
    with pytest.raises(ConfigError) as broken:
        resolve_credentials(profile=None, domain=None, environ={})
    assert_no_canary(canary, str(broken.value))


async def test_verify_messages_never_show_the_token(canary: str) -> None:
    emu = Emulator(EmulatorConfig(seed="empty"))
    echo = httpx.MockTransport(
        lambda request: httpx.Response(403, json={"message": f"bad token {canary}"})
    )
    results = [
        await verify(emu.config.api_origin, canary, transport=emu.transport()),  # rejected
        await verify("http://127.0.0.1:1", canary),  # unreachable
        await verify("https://co.example.com", canary, transport=echo),  # server echoes it
        await verify("ftp://co.example.com", canary),  # invalid domain
        await verify("https://co.example.com", canary + " x"),  # invalid token
    ]
    assert [r.status for r in results] == ["rejected", "unreachable", "limited", "invalid",
                                           "invalid"]
    assert_no_canary(canary, *(r.message for r in results), *(repr(r) for r in results))


def test_input_errors_never_show_the_token(canary: str) -> None:
    for given in (f"{canary}\n{canary}\n", f" {canary}", f"{canary}\x1b"):
        with pytest.raises(LoginError) as info:
            read_token_from_stdin(io.StringIO(given))
        assert_no_canary(canary, str(info.value))
    said: list[str] = []
    tokens = iter([f"{canary} x", canary])
    answers = prompt_login(lambda p: "co.example.com", lambda p: next(tokens),
                           print_fn=said.append)
    assert answers.token.get() == canary
    assert_no_canary(canary, said, repr(answers))


async def test_debug_logs_never_show_the_token(
    canary: str, caplog: pytest.LogCaptureFixture
) -> None:
    """Every step at DEBUG, httpx and httpcore included; our own loggers never even need the
    process-wide redaction filter (nothing of theirs is redacted)."""
    emu = Emulator(EmulatorConfig(seed="empty", main_token=canary))
    caplog.set_level(logging.DEBUG)
    for name in ("httpx", "httpcore", *OUR_LOGGERS):
        caplog.set_level(logging.DEBUG, logger=name)
    outcome = await login("work", emu.config.api_origin, canary, transport=emu.transport())
    assert outcome.saved
    await verify(emu.config.api_origin, canary + "x", transport=emu.transport())
    await verify("http://127.0.0.1:1", canary)
    got = resolve_credentials(profile="work", domain=None, environ={})
    assert got is not None
    resolve_credentials(profile=None, domain=None,
                        environ={"CODEOCEAN_TOKEN": canary, "CODEOCEAN_DOMAIN": WORK})
    assert logout("work")
    ours = [r for r in caplog.records if r.name in OUR_LOGGERS]
    assert ours, "expected debug records from the config layer"
    assert all("[REDACTED]" not in r.getMessage() for r in ours)
    assert_no_canary(canary, caplog.text, *(r.getMessage() for r in caplog.records))
