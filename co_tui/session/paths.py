"""Where co-tui keeps its files (platformdirs locations), and private folders for them.

Every location honours the ``XDG_*`` variables on Linux (platformdirs reads them on each call,
so tests point them at temporary folders). ``appauthor=False`` keeps Windows paths to one
``co-tui`` level instead of ``co-tui\\co-tui``.

- :func:`config_file`: settings and profiles (name and domain, never a token);
- :func:`credentials_file`: tokens, by profile name;
- :func:`log_dir`: the ``--debug`` request log; :func:`crash_dir`: redacted crash reports.

All of them live in folders made by :func:`ensure_private_dir`: mode 0700 whatever the umask,
because a debug log or a crash report can say more about a user's data than they meant to share.
:func:`atomic_write_text` writes a private file in one step (temp file ``O_EXCL`` 0600, fsync,
``os.replace``, folder fsync); :func:`config_lock` serialises read-modify-write between
processes; :func:`file_permission_warning` is the AWS CLI's "accessible by other users" notice.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shlex
import stat
from collections.abc import Iterator
from pathlib import Path

import platformdirs

__all__ = [
    "APP_NAME",
    "atomic_write_text",
    "config_dir",
    "config_file",
    "config_lock",
    "crash_dir",
    "credentials_file",
    "ensure_private_dir",
    "file_permission_warning",
    "is_shared_mode",
    "log_dir",
    "state_dir",
]

APP_NAME = "co-tui"
CONFIG_FILE_NAME = "config.toml"
CREDENTIALS_FILE_NAME = "credentials.toml"


def config_dir() -> Path:
    """The configuration folder: ``$XDG_CONFIG_HOME/co-tui`` (``~/.config/co-tui``) on Linux."""
    return platformdirs.user_config_path(APP_NAME, appauthor=False)


def config_file() -> Path:
    """``config.toml``: settings, profiles (name and domain) and the default profile."""
    return config_dir() / CONFIG_FILE_NAME


def credentials_file() -> Path:
    """``credentials.toml``: the tokens, one per profile; always written with mode 0600."""
    return config_dir() / CREDENTIALS_FILE_NAME


def state_dir() -> Path:
    """Persistent state that is not configuration: ``$XDG_STATE_HOME/co-tui`` on Linux."""
    return platformdirs.user_state_path(APP_NAME, appauthor=False)


def log_dir() -> Path:
    """The ``--debug`` log folder: ``$XDG_STATE_HOME/co-tui/log`` on Linux."""
    return platformdirs.user_log_path(APP_NAME, appauthor=False)


def crash_dir() -> Path:
    """Redacted crash reports: ``<state_dir>/crashes``."""
    return state_dir() / "crashes"


def is_shared_mode(mode: int) -> bool:
    """True when permission bits let the group or others in (anything outside 0o700)."""
    return bool(stat.S_IMODE(mode) & 0o077)


def ensure_private_dir(path: Path) -> list[str]:
    """Create ``path`` (and missing parents) with mode 0700 whatever the umask; returns warnings.

    ``os.makedirs(mode=...)`` applies the mode only to the last folder and only through the
    umask, so each missing folder is made here and then ``chmod``-ed. An existing ``path`` that
    the group or others may enter is narrowed to 0700 (it is co-tui's own folder), and the
    returned warning says so; a folder we cannot narrow gives a warning instead of an error.
    """
    warnings: list[str] = []
    missing: list[Path] = []
    probe = path
    while not probe.exists():
        missing.append(probe)
        if probe.parent == probe:
            break
        probe = probe.parent
    for folder in reversed(missing):
        try:
            os.mkdir(folder, 0o700)
        except FileExistsError:  # made by another process meanwhile
            continue
        os.chmod(folder, 0o700)
    if not path.is_dir():
        raise NotADirectoryError(f"{path} exists and is not a folder")
    mode = path.stat().st_mode
    if os.name == "posix" and is_shared_mode(mode):  # Windows has no such bits (ACLs instead)
        try:
            os.chmod(path, 0o700)
        except OSError as exc:
            warnings.append(
                f"The folder '{path}' is accessible by other users "
                f"(mode {stat.S_IMODE(mode):04o}) and could not be changed: {exc.strerror}."
            )
        else:
            warnings.append(
                f"The folder '{path}' was accessible by other users "
                f"(mode {stat.S_IMODE(mode):04o}); co-tui set it to 0700."
            )
    return warnings


def file_permission_warning(path: Path) -> str | None:
    """The AWS CLI's warning if ``path`` is readable or writable by the group or others."""
    if os.name != "posix":
        return None
    try:
        mode = path.stat().st_mode
    except OSError:
        return None
    if not is_shared_mode(mode):
        return None
    return (
        f"The file '{path}' is accessible by other users (mode {stat.S_IMODE(mode):04o}). "
        f"Consider running 'chmod 600 {shlex.quote(str(path))}'."
    )


def _fsync_dir(folder: Path) -> None:
    """Make the rename durable; not every platform can open a folder, which is then fine."""
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def atomic_write_text(path: Path, text: str) -> None:
    """Replace ``path`` with ``text`` in one step; the file is mode 0600 whatever the umask.

    The temporary file is created in the same folder with ``O_EXCL`` (never follows a planted
    file or symlink) and 0600 from the first byte, fsynced, then ``os.replace``-d over ``path``,
    and the folder is fsynced. On any failure the temporary file is removed and ``path`` is
    untouched.
    """
    tmp = path.parent / f".{path.name}.{secrets.token_hex(6)}.tmp"
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    flags |= getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
    fd = os.open(tmp, flags, 0o600)
    try:
        try:
            if hasattr(os, "fchmod"):
                os.fchmod(fd, 0o600)  # a umask such as 0o200 must not leave it unreadable either
            view = memoryview(text.encode("utf-8"))
            while view:
                view = view[os.write(fd, view):]
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    _fsync_dir(path.parent)


@contextlib.contextmanager
def config_lock(folder: Path | None = None) -> Iterator[None]:
    """Hold the advisory lock on the config folder (``.lock``, POSIX ``flock``) for a rewrite."""
    folder = folder or config_dir()
    try:
        import fcntl
    except ImportError:  # Windows: no flock; writes stay atomic, only the merge is unguarded
        yield
        return
    flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NOFOLLOW", 0)
    fd = os.open(folder / ".lock", flags, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock
