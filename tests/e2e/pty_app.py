"""Drive a real co-tui process in a pseudo-terminal and read its screen with pyte."""

from __future__ import annotations

import os
import pty
import select
import signal
import struct
import subprocess
import sys
import termios
import time
from collections.abc import Callable
from fcntl import ioctl

import pyte


class PtyApp:
    """``co-tui ARGS`` in a ``cols`` x ``rows`` pty; :meth:`wait_for` reads until text shows."""

    def __init__(self, *args: str, cols: int = 120, rows: int = 36,
                 env: dict[str, str] | None = None) -> None:
        self.master, slave = pty.openpty()
        ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        self.screen = pyte.Screen(cols, rows)
        self.stream = pyte.ByteStream(self.screen)
        self.raw = bytearray()
        self.started = self.last_output = time.monotonic()
        # COLUMNS / LINES as a shell in that terminal would have them: a test runner may set
        # its own (pytest-xdist's workers say 80x24), and the app would believe them
        full_env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": str(cols),
                    "LINES": str(rows), **(env or {})}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "co_tui.cli", *args], stdin=slave, stdout=slave, stderr=slave,
            env=full_env, close_fds=True, start_new_session=True,
        )
        os.close(slave)

    @property
    def text(self) -> str:
        """The screen as text, one line per row."""
        return "\n".join(self.screen.display)

    def pump(self, timeout: float = 0.05) -> None:
        """Read whatever the app wrote within ``timeout`` seconds."""
        if select.select([self.master], [], [], timeout)[0]:
            try:
                data = os.read(self.master, 1 << 16)
            except OSError:
                return
            self.raw += data
            self.last_output = time.monotonic()
            self.stream.feed(data)

    def __enter__(self) -> PtyApp:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.kill()

    def kill(self) -> None:
        """Make sure the app is gone (a failed test must not leave it running)."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        try:
            os.close(self.master)
        except OSError:
            pass

    def wait_for(self, predicate: Callable[[str], bool] | str, timeout: float = 20.0) -> str:
        """Read until ``predicate(screen text)`` holds (or the text appears); return the screen."""
        check = (lambda text: predicate in text) if isinstance(predicate, str) else predicate
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.pump()
            if check(self.text):
                return self.text
            if self.process.poll() is not None:
                break
        raise AssertionError(f"timed out waiting ({self.state()}); the screen shows:\n{self.text}")

    def state(self) -> str:
        """Whether the app still runs and when it last wrote: a failure's message tells a frozen
        app (or machine) from one that went on drawing without the awaited text."""
        now = time.monotonic()
        code = self.process.poll()
        alive = "running" if code is None else f"exited with {code}"
        return (f"the app is {alive}, {now - self.started:.1f} s after its start; its last "
                f"output came {now - self.last_output:.1f} s ago")

    def press_until(self, keys: str | bytes, predicate: Callable[[str], bool] | str,
                    timeout: float = 20.0, every: float = 3.0) -> str:
        """Press ``keys`` until the screen shows ``predicate`` (for a key that is safe to repeat,
        such as a tab's number: on a loaded machine a key pressed while a screen is still
        mounting can arrive before the screen listens)."""
        deadline = time.monotonic() + timeout
        while True:
            self.press(keys)
            try:
                return self.wait_for(predicate, timeout=min(every, deadline - time.monotonic()))
            except AssertionError:
                if time.monotonic() >= deadline or self.process.poll() is not None:
                    raise

    def idle(self, seconds: float) -> None:
        """Keep reading for ``seconds`` (lets a key's effect, such as a focus change, land)."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            self.pump()

    def press(self, keys: str | bytes) -> None:
        """Type ``keys`` (escape sequences as bytes for special keys)."""
        os.write(self.master, keys.encode() if isinstance(keys, str) else keys)

    def finish(self, timeout: float = 15.0) -> int:
        """Wait for the process to end (reading its output meanwhile); its exit code."""
        deadline = time.monotonic() + timeout
        while self.process.poll() is None and time.monotonic() < deadline:
            self.pump()
        if self.process.poll() is None:
            screen = self.text
            self.kill()
            raise AssertionError(f"the app did not exit; the screen shows:\n{screen}")
        return self.process.returncode
