"""S3: file modes under any umask, the loose-permission warning, atomic writes, logout."""

from __future__ import annotations

import errno
import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from co_tui.session import paths, toml_files
from co_tui.session.config import ConfigError, Settings, load_config, save_settings
from co_tui.session.credentials import (
    CredentialsError,
    load_stored_logins,
    resolve_credentials,
    token_env_var,
)
from co_tui.session.login_store import logout, save_login
from co_tui.session.toml_files import read_toml
from tests.config.cfg_helpers import mode

WORK = "https://work.example.com"
LAB = "https://lab.example.com"


@pytest.fixture(params=[0o000, 0o022, 0o077], ids=["umask000", "umask022", "umask077"])
def umask(request: pytest.FixtureRequest) -> Iterator[int]:
    old = os.umask(request.param)
    try:
        yield request.param
    finally:
        os.umask(old)


def _assert_private() -> None:
    folder = paths.config_dir()
    assert mode(folder) == 0o700
    for name in ("credentials.toml", "config.toml"):
        if (folder / name).exists():
            assert mode(folder / name) == 0o600, name
    assert not list(folder.glob("*.tmp")) and not list(folder.glob(".*.tmp"))


def test_every_write_path_is_private(umask: int) -> None:
    home_config = paths.config_dir().parent  # $XDG_CONFIG_HOME, created by us as well
    assert not home_config.exists()
    assert save_login("work", WORK, "cop_one") == []
    _assert_private()
    assert mode(home_config) == 0o700
    save_login("lab", LAB, "cop_two")  # log in to another profile
    _assert_private()
    save_login("work", WORK, "cop_three")  # re-login
    _assert_private()
    save_settings(Settings(theme="nord"))
    _assert_private()
    assert logout("lab") is True
    _assert_private()
    assert logout("work") is True
    _assert_private()
    assert not paths.credentials_file().exists()  # the last token took the file with it
    assert set(read_toml(paths.config_file())["profiles"]) == {"work", "lab"}  # domains stay


def test_loose_credentials_file_warns_and_is_not_chmodded() -> None:
    save_login("work", WORK, "cop_one")
    cred = paths.credentials_file()
    cred.chmod(0o644)
    got = resolve_credentials(profile=None, domain=None, environ={})
    assert got is not None
    expected = (
        f"The file '{cred}' is accessible by other users (mode 0644). "
        f"Consider running 'chmod 600 {cred}'."
    )
    assert got.warnings == (expected,)
    assert mode(cred) == 0o644  # reading never changes it
    _, warnings = load_stored_logins()
    assert warnings == [expected]
    assert mode(cred) == 0o644


def test_loose_file_path_with_spaces_is_quoted_for_the_shell(monkeypatch: pytest.MonkeyPatch,
                                                            tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "my config"))
    save_login("work", WORK, "cop_one")
    cred = paths.credentials_file()
    cred.chmod(0o640)
    (warning,) = resolve_credentials(profile=None, domain=None, environ={}).warnings  # type: ignore[union-attr]
    assert f"'chmod 600 '{cred}''" in warning


def test_rewriting_a_loose_file_says_so() -> None:
    save_login("work", WORK, "cop_one")
    paths.credentials_file().chmod(0o604)
    warnings = save_login("lab", LAB, "cop_two")
    assert any("was accessible by other users" in w and str(paths.credentials_file()) in w
               and "revoking" in w for w in warnings)
    assert mode(paths.credentials_file()) == 0o600


def test_loose_folder_is_narrowed_with_a_warning() -> None:
    folder = paths.config_dir()
    folder.mkdir(parents=True)
    folder.chmod(0o755)
    warnings = save_login("work", WORK, "cop_one")
    assert warnings == [
        f"The folder '{folder}' was accessible by other users (mode 0755); co-tui set it to 0700."
    ]
    assert mode(folder) == 0o700


def test_failed_replace_leaves_no_temp_file_and_the_old_file(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    save_login("work", WORK, "cop_one")
    cred = paths.credentials_file()
    before = cred.read_bytes()

    def broken_replace(src: object, dst: object) -> None:
        raise OSError(errno.EIO, "simulated I/O error")

    with monkeypatch.context() as m, pytest.raises(OSError, match="simulated"):
        m.setattr(os, "replace", broken_replace)  # what co_tui.session.paths calls
        save_login("lab", LAB, "cop_two")
    assert cred.read_bytes() == before
    assert sorted(p.name for p in paths.config_dir().iterdir()) == [
        ".lock", "config.toml", "credentials.toml"
    ]


def test_disk_full_leaves_no_temp_file(monkeypatch: pytest.MonkeyPatch) -> None:
    save_login("work", WORK, "cop_one")
    before = paths.credentials_file().read_bytes()

    def full(fd: int, data: object) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")

    with monkeypatch.context() as m, pytest.raises(OSError, match="No space"):
        m.setattr(os, "write", full)  # what co_tui.session.paths calls
        save_login("work", WORK, "cop_two")
    assert paths.credentials_file().read_bytes() == before
    assert not [p for p in paths.config_dir().iterdir() if p.name.endswith(".tmp")]


def test_planted_temp_name_is_not_followed(tmp_path: Path) -> None:
    """O_EXCL: the temp file is always new, never an existing file or symlink."""
    target = tmp_path / "f.toml"
    paths.atomic_write_text(target, "a = 1\n")
    assert target.read_text() == "a = 1\n" and mode(target) == 0o600


def test_unparseable_file_is_never_overwritten() -> None:
    save_login("work", WORK, "cop_one")
    cred = paths.credentials_file()
    cred.write_text("this is = = not toml\n")
    with pytest.raises(ConfigError, match=r"credentials\.toml is not valid TOML"):
        save_login("work", WORK, "cop_two")
    assert cred.read_text() == "this is = = not toml\n"


def test_concurrent_logins_do_not_lose_profiles() -> None:
    """The folder lock serialises read-modify-write across threads (and processes)."""
    names = [f"p{i}" for i in range(16)]
    threads = [
        threading.Thread(target=save_login, args=(n, f"https://{n}.example.com", f"cop_{n}"))
        for n in names
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    logins, _ = load_stored_logins()
    assert sorted(logins) == sorted(names)
    assert sorted(load_config().profiles) == sorted(names)


def test_first_login_becomes_the_default_and_later_ones_do_not() -> None:
    save_login("work", WORK, "cop_one")
    save_login("lab", LAB, "cop_two")
    assert load_config().default_profile == "work"


def test_save_login_without_profile_uses_the_default_name() -> None:
    save_login(None, WORK, "cop_one")
    assert load_config().default_profile == "default"
    save_login(None, LAB, "cop_two")  # default profile is "default": it is replaced
    assert list(load_stored_logins()[0]) == ["default"]


def test_relogin_moves_a_hand_written_token_out_of_config() -> None:
    path = paths.config_file()
    path.parent.mkdir(parents=True)
    path.write_text(f'[profiles.work]\ndomain = "{WORK}"\ntoken = "cop_old"\ncolour = "red"\n')
    save_login("work", WORK, "cop_new")
    assert read_toml(path)["profiles"]["work"] == {"domain": WORK, "colour": "red"}
    got = resolve_credentials(profile="work", domain=None, environ={})
    assert got is not None and got.token.get() == "cop_new"


def test_logout_variants() -> None:
    assert logout(None) is False  # nothing at all
    assert logout("work") is False
    save_login("work", WORK, "cop_one")
    save_login("lab", LAB, "cop_two")
    assert logout("nope") is False
    assert logout(None) is True  # the default profile: work
    assert logout(None) is False
    got = resolve_credentials(profile=None, domain=None, environ={})
    assert got is None  # default profile is logged out
    got = resolve_credentials(profile="lab", domain=None, environ={})
    assert got is not None and got.domain == LAB


def test_logout_removes_hand_written_token_from_config() -> None:
    path = paths.config_file()
    path.parent.mkdir(parents=True)
    path.write_text(f'[profiles.work]\ndomain = "{WORK}"\ntoken = "cop_old"\n')
    assert logout("work") is True
    assert read_toml(path) == {"profiles": {"work": {"domain": WORK}}}
    assert mode(path) == 0o600


def test_token_env_var_names_what_logout_cannot_remove() -> None:
    assert token_env_var({}) is None
    assert token_env_var({"API_TOKEN": "x", "CODEOCEAN_API_TOKEN": "y"}) == "CODEOCEAN_API_TOKEN"


def test_config_toml_never_holds_the_token() -> None:
    save_login("work", WORK, "cop_secret_value")
    assert "cop_secret_value" not in paths.config_file().read_text()
    assert "cop_secret_value" in paths.credentials_file().read_text()


def test_logout_without_profile_refuses_to_guess() -> None:
    save_login("work", WORK, "cop_one")
    save_login("lab", LAB, "cop_two")
    path = paths.config_file()
    data = read_toml(path)
    del data["default_profile"]
    path.write_text(toml_files.dumps_toml(data))
    with pytest.raises(CredentialsError, match="several profiles"):
        logout(None)
    assert sorted(load_stored_logins()[0]) == ["lab", "work"]
