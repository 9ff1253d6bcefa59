"""Where credentials come from: --profile > env > profiles (docs/product.md, 'Connecting')."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from co_tui.session import paths
from co_tui.session.config import ConfigError
from co_tui.session.credentials import CredentialsError, resolve_credentials
from co_tui.session.login_store import save_login
from co_tui.session.login_target import LoginTarget, login_target
from co_tui.session.toml_files import dumps_toml, read_toml

WORK = "https://work.example.com"
LAB = "https://lab.example.com"
ENV = "https://env.example.com"
CLI = "https://cli.example.com"
T_WORK, T_LAB, T_ENV = "cop_work_token", "cop_lab_token", "cop_env_token"


def _set_default(name: str | None) -> None:
    path = paths.config_file()
    data = read_toml(path)
    if name is None:
        data.pop("default_profile", None)
    else:
        data["default_profile"] = name
    path.write_text(dumps_toml(data))


def make_files(kind: str) -> None:
    """Profile files for one row of the table."""
    if kind == "none":
        return
    if kind == "one":
        save_login("work", WORK, T_WORK)
    elif kind in ("two_default", "two_nodefault", "two_named_default"):
        second = "default" if kind == "two_named_default" else "lab"
        save_login("work", WORK, T_WORK)
        save_login(second, LAB, T_LAB)
        _set_default("lab" if kind == "two_default" else None)
    elif kind == "logged_out":
        path = paths.config_file()
        save_login("work", WORK, T_WORK)
        paths.credentials_file().unlink()
        assert "work" in read_toml(path)["profiles"]
    elif kind == "dangling_default":
        save_login("work", WORK, T_WORK)
        _set_default("gone")
    else:  # pragma: no cover
        raise AssertionError(kind)


@dataclass(frozen=True)
class Row:
    """One row: inputs, then the expected (domain, token, source) or an error fragment."""

    id: str
    profile: str | None
    domain: str | None
    env: dict[str, str]
    files: str
    expect: tuple[str, str, str] | None = None
    error: str | None = None


CRED = "in {cred}"
E_STD = {"CODEOCEAN_DOMAIN": ENV, "CODEOCEAN_TOKEN": T_ENV}
ROWS = [
    Row("nothing-anywhere", None, None, {}, "none"),
    Row("env-only", None, None, E_STD, "none",
        (ENV, T_ENV, "environment CODEOCEAN_TOKEN and CODEOCEAN_DOMAIN")),
    Row("env-beats-file", None, None, E_STD, "one",
        (ENV, T_ENV, "environment CODEOCEAN_TOKEN and CODEOCEAN_DOMAIN")),
    Row("explicit-profile-beats-env", "work", None, E_STD, "one",
        (WORK, T_WORK, "profile 'work' " + CRED)),
    Row("explicit-profile-ignores-bad-env", "work", None,
        {"CODEOCEAN_DOMAIN": "ftp://nope", "CODEOCEAN_TOKEN": "has space"}, "one",
        (WORK, T_WORK, "profile 'work' " + CRED)),
    Row("only-profile", None, None, {}, "one", (WORK, T_WORK, "profile 'work' " + CRED)),
    Row("default-profile", None, None, {}, "two_default", (LAB, T_LAB, "profile 'lab' " + CRED)),
    Row("profile-named-default", None, None, {}, "two_named_default",
        (LAB, T_LAB, "profile 'default' " + CRED)),
    Row("two-profiles-no-default", None, None, {}, "two_nodefault", error="several profiles"),
    Row("dangling-default", None, None, {}, "dangling_default", error="'gone'"),
    Row("explicit-other-profile", "work", None, {}, "two_default",
        (WORK, T_WORK, "profile 'work' " + CRED)),
    Row("explicit-unknown-profile", "nope", None, {}, "one", error="no profile 'nope'"),
    Row("explicit-profile-no-files", "work", None, E_STD, "none", error="no profile 'work'"),
    Row("domain-selects-profile", None, LAB, {}, "two_nodefault",
        (LAB, T_LAB, "profile 'lab' " + CRED)),
    Row("domain-selects-normalised", None, "lab.example.com/", {}, "two_nodefault",
        (LAB, T_LAB, "profile 'lab' " + CRED)),
    Row("domain-without-profile", None, "https://other.example.com", {}, "one"),
    Row("profile-and-matching-domain", "work", "WORK.example.com", {}, "one",
        (WORK, T_WORK, "profile 'work' " + CRED)),
    Row("profile-and-other-domain", "work", LAB, {}, "two_default", error="does not match"),
    Row("domain-overrides-env-domain", None, CLI, E_STD, "one",
        (CLI, T_ENV, "environment CODEOCEAN_TOKEN and --domain")),
    Row("aliases", None, None, {"CODEOCEAN_URL": ENV, "CODEOCEAN_API_TOKEN": T_ENV}, "none",
        (ENV, T_ENV, "environment CODEOCEAN_API_TOKEN and CODEOCEAN_URL")),
    Row("generic-api-token-with-domain", None, None, {"CODEOCEAN_URL": ENV, "API_TOKEN": T_ENV},
        "none", (ENV, T_ENV, "environment API_TOKEN and CODEOCEAN_URL")),
    Row("generic-api-token-with-cli-domain", None, CLI, {"API_TOKEN": T_ENV}, "one",
        (CLI, T_ENV, "environment API_TOKEN and --domain")),
    Row("generic-api-token-alone-ignored", None, None, {"API_TOKEN": T_ENV}, "one",
        (WORK, T_WORK, "profile 'work' " + CRED)),
    Row("generic-api-token-alone-nothing", None, None, {"API_TOKEN": T_ENV}, "none"),
    Row("capsule-secrets-not-read", None, None,
        {"CODEOCEAN_DOMAIN": ENV, "API_SECRET": T_ENV, "CUSTOM_KEY": T_ENV}, "none"),
    Row("codeocean-token-without-domain", None, None, {"CODEOCEAN_TOKEN": T_ENV}, "one",
        error="no domain"),
    Row("env-domain-selects-profile", None, None, {"CODEOCEAN_DOMAIN": WORK}, "two_default",
        (WORK, T_WORK, "profile 'work' " + CRED)),
    Row("env-domain-without-profile", None, None, {"CODEOCEAN_DOMAIN": ENV}, "one"),
    Row("first-name-wins", None, None,
        {"CODEOCEAN_DOMAIN": ENV, "CODEOCEAN_URL": CLI, "CODEOCEAN_TOKEN": T_ENV,
         "CODEOCEAN_API_TOKEN": "other1", "API_TOKEN": "other2"}, "none",
        (ENV, T_ENV, "environment CODEOCEAN_TOKEN and CODEOCEAN_DOMAIN")),
    Row("second-token-name", None, None,
        {"CODEOCEAN_DOMAIN": ENV, "CODEOCEAN_API_TOKEN": T_ENV, "API_TOKEN": "other2"}, "none",
        (ENV, T_ENV, "environment CODEOCEAN_API_TOKEN and CODEOCEAN_DOMAIN")),
    Row("blank-values-are-unset", None, None,
        {"CODEOCEAN_DOMAIN": "  ", "CODEOCEAN_TOKEN": ""}, "one",
        (WORK, T_WORK, "profile 'work' " + CRED)),
    Row("env-token-with-plain-http", None, None,
        {"CODEOCEAN_DOMAIN": "http://insecure.example.com", "CODEOCEAN_TOKEN": T_ENV}, "none",
        error="plain http"),
    Row("env-token-loopback-http", None, None,
        {"CODEOCEAN_DOMAIN": "http://127.0.0.1:8000/", "CODEOCEAN_TOKEN": T_ENV}, "none",
        ("http://127.0.0.1:8000", T_ENV, "environment CODEOCEAN_TOKEN and CODEOCEAN_DOMAIN")),
    Row("env-token-malformed", None, None,
        {"CODEOCEAN_DOMAIN": ENV, "CODEOCEAN_TOKEN": "two words"}, "none", error="CODEOCEAN_TOKEN"),
    Row("bad-cli-domain", None, "https://x.example.com/api/v1", {}, "one", error="--domain"),
    Row("logged-out-profile", None, None, {}, "logged_out"),
    Row("logged-out-explicit", "work", None, {}, "logged_out"),
]


@pytest.mark.parametrize("row", ROWS, ids=[r.id for r in ROWS])
def test_precedence(row: Row) -> None:
    make_files(row.files)
    if row.error is not None:
        with pytest.raises(CredentialsError) as info:
            resolve_credentials(profile=row.profile, domain=row.domain, environ=row.env)
        assert row.error in str(info.value)
        return
    got = resolve_credentials(profile=row.profile, domain=row.domain, environ=row.env)
    if row.expect is None:
        assert got is None
        return
    assert got is not None
    domain, token, source = row.expect
    assert (got.domain, got.token.get()) == (domain, token)
    assert got.source == source.format(cred=paths.credentials_file())


def test_table_is_big_enough() -> None:
    """S3 asks for at least 16 combinations; every input dimension is exercised."""
    assert len(ROWS) >= 16
    assert {r.profile is None for r in ROWS} == {True, False}
    assert {r.domain is None for r in ROWS} == {True, False}
    names = {k for r in ROWS for k in r.env}
    assert {"CODEOCEAN_DOMAIN", "CODEOCEAN_URL", "CODEOCEAN_TOKEN", "CODEOCEAN_API_TOKEN",
            "API_TOKEN"} <= names


def test_uses_process_environment_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CODEOCEAN_DOMAIN", ENV)
    monkeypatch.setenv("CODEOCEAN_TOKEN", T_ENV)
    got = resolve_credentials(profile=None, domain=None)
    assert got is not None and got.domain == ENV


def test_token_is_bound_to_its_domain() -> None:
    """Editing config.toml's domain cannot send a saved token to another host."""
    save_login("work", WORK, T_WORK)
    path = paths.config_file()
    data = read_toml(path)
    data["profiles"]["work"]["domain"] = "https://evil.example.com"
    path.write_text(dumps_toml(data))
    with pytest.raises(CredentialsError, match=r"saved for https://work\.example\.com"):
        resolve_credentials(profile=None, domain=None, environ={})


def test_profile_only_in_credentials_file_still_works() -> None:
    save_login("work", WORK, T_WORK)
    paths.config_file().unlink()
    got = resolve_credentials(profile=None, domain=None, environ={})
    assert got is not None and (got.domain, got.profile) == (WORK, "work")


def test_hand_written_token_in_config_is_honoured() -> None:
    path = paths.config_file()
    path.parent.mkdir(parents=True)
    path.write_text(f'[profiles.hand]\ndomain = "{LAB}"\ntoken = "{T_LAB}"\n')
    path.chmod(0o600)
    got = resolve_credentials(profile=None, domain=None, environ={})
    assert got is not None
    assert (got.domain, got.token.get(), got.source) == (LAB, T_LAB, f"profile 'hand' in {path}")


def test_broken_file_is_a_config_error_but_env_still_works() -> None:
    path = paths.config_file()
    path.parent.mkdir(parents=True)
    path.write_text("[profiles.work\n")
    with pytest.raises(ConfigError, match=r"config\.toml is not valid TOML.*line 1"):
        resolve_credentials(profile=None, domain=None, environ={})
    assert resolve_credentials(profile=None, domain=None, environ=E_STD) is not None


@pytest.mark.parametrize(
    ("profile", "domain", "env", "files", "expected"),
    [
        (None, None, {}, "none", LoginTarget("default", None)),
        (None, None, {"CODEOCEAN_DOMAIN": ENV}, "none", LoginTarget("default", ENV)),
        (None, None, {}, "one", LoginTarget("work", WORK)),
        ("lab", None, {}, "one", LoginTarget("lab", None)),
        ("work", CLI, {}, "one", LoginTarget("work", CLI)),
        (None, LAB, {}, "two_nodefault", LoginTarget("lab", LAB)),
        (None, None, {}, "two_default", LoginTarget("lab", LAB)),
        (None, None, {}, "two_nodefault", LoginTarget("default", None)),
        (None, None, {}, "logged_out", LoginTarget("work", WORK)),
        (None, None, {"CODEOCEAN_DOMAIN": "ftp://x"}, "dangling_default", LoginTarget("default", None)),
    ],
)
def test_login_target(
    profile: str | None, domain: str | None, env: dict[str, str], files: str,
    expected: LoginTarget,
) -> None:
    make_files(files)
    assert login_target(profile=profile, domain=domain, environ=env) == expected
