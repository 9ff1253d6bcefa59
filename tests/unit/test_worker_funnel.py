"""Every worker of co_tui starts through ``co_tui.workers`` (so its failures reach the user), and
that module's failure path does what it says: recover, toast, log, pass cancellation through."""

from __future__ import annotations

import ast
import asyncio
import logging
from pathlib import Path
from typing import ClassVar

import pytest
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Static

from co_tui.api import NotFoundError
from co_tui.report import describe_error
from co_tui.workers import start_worker, worker

ROOT = Path(__file__).resolve().parents[2] / "co_tui"
FUNNEL = ROOT / "workers.py"


def _bypasses(path: Path, source: str | None = None) -> list[str]:
    """Places in ``path`` (or in ``source``, named so) that start a worker without the funnel."""
    found = []
    tree = ast.parse(path.read_text(encoding="utf-8") if source is None else source)
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module in ("textual", "textual.worker"):
            if any(alias.name in ("work", "Worker") for alias in node.names):
                found.append(f"{path.name}:{node.lineno}: imports {node.module}'s work/Worker")
        if isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name == "run_worker":
                found.append(f"{path.name}:{node.lineno}: calls {name}()")
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for decorator in node.decorator_list:
                target = decorator.func if isinstance(decorator, ast.Call) else decorator
                name = target.attr if isinstance(target, ast.Attribute) else getattr(
                    target, "id", "")
                if name == "work":
                    found.append(f"{path.name}:{node.lineno}: @work on {node.name}")
    return found


def test_no_worker_bypasses_the_funnel() -> None:
    """A bare ``@work`` or ``run_worker`` would fail silently (``exit_on_error=False``): use
    ``co_tui.workers.worker`` / ``start_worker``, which report every failure."""
    offenders = [finding for path in sorted(ROOT.rglob("*.py")) if path != FUNNEL
                 for finding in _bypasses(path)]
    assert offenders == []


def test_the_guard_sees_a_bare_work() -> None:
    source = ("from textual import work\nclass S:\n    @work(group='x')\n    async def f(self):\n"
              "        self.run_worker(g())\n")
    found = _bypasses(Path("probe.py"), source)
    assert [line.split(": ", 1)[1] for line in found] == [
        "imports textual's work/Worker", "@work on f", "calls run_worker()"]


# --- the failure path, on a bare screen ---------------------------------------------------------

class Owner(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("r", "refresh", "Refresh")]

    def __init__(self) -> None:
        super().__init__()
        self.recovered: list[tuple[str, int]] = []
        self.gate = asyncio.Event()

    def compose(self) -> ComposeResult:
        yield Static("loading…", id="state")

    def action_refresh(self) -> None:
        """Retry (bound so that the message names the key)."""

    def _raised(self, error: BaseException, number: int) -> None:
        self.recovered.append((type(error).__name__, number))
        self.query_one("#state", Static).update("failed: press r")

    @worker("loading the thing", group="thing", recover=_raised)
    async def load(self, number: int) -> None:
        if number < 0:
            raise NotFoundError("gone", status=404, operation="get")
        raise KeyError(f"missing {number}")

    @worker("waiting", group="wait", exclusive=True)
    async def wait(self) -> None:
        await self.gate.wait()


class Host(App[None]):
    def on_mount(self) -> None:
        self.push_screen(Owner())


async def test_an_unexpected_exception_is_recovered_shown_and_logged(
    caplog: pytest.LogCaptureFixture,
) -> None:
    app = Host()
    async with app.run_test(notifications=True) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, Owner)
        with caplog.at_level(logging.DEBUG, logger="co_tui.ui"):
            worker_ = screen.load(7)
            await worker_.wait()
            await pilot.pause()
        assert worker_.is_finished and worker_.error is None  # reported, not left in the worker
        assert screen.recovered == [("KeyError", 7)]
        assert "failed: press r" in str(screen.query_one("#state", Static).render())
        messages = [str(n.message) for n in app._notifications]
        assert messages == ["Loading the thing failed unexpectedly: KeyError: 'missing 7'. "
                            "Press r to try again."]
        record = next(r for r in caplog.records if r.name == "co_tui.ui")
        assert record.levelno == logging.ERROR and record.exc_info is not None
    assert app._exception is None


async def test_a_typed_api_error_is_described_as_usual() -> None:
    app = Host()
    async with app.run_test(notifications=True) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, Owner)
        await screen.load(-1).wait()
        await pilot.pause()
        assert screen.recovered == [("NotFoundError", -1)]
        assert [str(n.message) for n in app._notifications] == [
            "Not found while loading the thing: it may have been deleted."]


async def test_cancellation_is_not_a_failure() -> None:
    app = Host()
    async with app.run_test(notifications=True) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, Owner)
        first = screen.wait()
        await pilot.pause()
        screen.wait()  # exclusive: cancels the first
        await pilot.pause()
        assert first.is_cancelled
        screen.gate.set()
        await app.workers.wait_for_complete()
        assert list(app._notifications) == []


async def test_start_worker_reports_a_coroutine_started_by_hand() -> None:
    app = Host()
    async with app.run_test(notifications=True) as pilot:
        await pilot.pause()

        async def job() -> None:
            raise ValueError("bad")

        await start_worker(app, job(), action="doing a job", group="job").wait()
        await pilot.pause()
        # the app's own worker: no screen key to name
        assert [str(n.message) for n in app._notifications] == [
            "Doing a job failed unexpectedly: ValueError: bad."]


def test_unexpected_errors_say_so_and_name_the_retry_key() -> None:
    severity, message = describe_error(RuntimeError("x"), "loading assets", retry="r")
    assert severity == "error"
    assert message == "Loading assets failed unexpectedly: RuntimeError: x. Press r to try again."


async def test_a_worker_whose_view_was_closed_shows_nothing(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A dialog dismissed while its worker's last await returned: the worker finds its widgets
    gone. Nobody waits for that result, so no toast and no recovery (the fault storm once
    showed 'loading the custom metadata fields failed unexpectedly: NoMatches'); the same
    error on a view still open is shown as before."""
    from textual.css.query import NoMatches

    from co_tui.workers import worker_failed

    app = Host()
    async with app.run_test(notifications=True) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, Owner)
        closed = Static("gone")  # never mounted: what a torn-down dialog's widget looks like
        recovered: list[str] = []
        with caplog.at_level(logging.INFO, logger="co_tui.ui"):
            await worker_failed(closed, "loading the fields", NoMatches("No nodes match '#x'"),
                                lambda: recovered.append("closed"))
        assert list(app._notifications) == [] and recovered == []
        assert any("after its view was closed" in r.getMessage() for r in caplog.records)
        await worker_failed(screen, "loading the fields", NoMatches("No nodes match '#x'"),
                            lambda: recovered.append("open"))
        await pilot.pause()
        assert recovered == ["open"]
        assert [str(n.message) for n in app._notifications] == [
            "Loading the fields failed unexpectedly: NoMatches: No nodes match '#x'. "
            "Press r to try again."]


# --- a closed view is not kept by what its workers left on the event loop ----------------------

class Requester(Screen[None]):
    """Makes one 'request' the way the API client does: within an ``asyncio.timeout`` (its
    deadline timer, cancelled on the way out, stays in the loop's timer heap until it is due,
    with the context it was scheduled in)."""

    @worker("asking", group="ask")
    async def ask(self) -> None:
        async with asyncio.timeout(600):
            await asyncio.sleep(0)


async def test_a_closed_screen_is_freed_while_its_workers_timers_wait() -> None:
    """Every timer scheduled in a worker keeps a copy of the worker's context until it is due,
    cancelled or not (asyncio drops a cancelled timer only once it reaches the head of its heap,
    or when more than half of over 100 timers are cancelled), and Textual's context names the
    running worker, which holds its screen. The API's 45 s deadline timers kept each closed
    detail screen alive that long: the soak test's leak check failed whenever asyncio happened
    not to sweep them. The context must name the worker only while its body runs."""
    import gc
    import weakref

    app = Host()
    async with app.run_test() as pilot:
        await pilot.pause()
        # a timer due sooner keeps the worker's cancelled one off the head of the heap (as the
        # app's other timers do), so it is not dropped by chance
        sooner = asyncio.get_running_loop().call_later(300, lambda: None)
        try:
            requester = Requester()
            await app.push_screen(requester)
            await requester.ask().wait()
            closed = weakref.ref(requester)
            del requester
            await app.pop_screen()
            await pilot.pause()
            gc.collect()
            assert closed() is None
        finally:
            sooner.cancel()


async def test_the_current_worker_answers_while_its_body_runs() -> None:
    """Inside a worker's body the current worker is a lease on it: it answers as the worker
    (its name, whether it was cancelled), and once the body has ended it holds nothing and
    counts as cancelled (a late result of a worker that is over is dropped)."""
    from textual.worker import get_current_worker

    from co_tui.workers import superseded

    seen: list[object] = []

    class Asker(Screen[None]):
        @worker("asking", group="ask")
        async def ask(self) -> None:
            current = get_current_worker()
            seen.extend([current.name, current.group, superseded(), current])

    app = Host()
    async with app.run_test() as pilot:
        await pilot.pause()
        asker = Asker()
        await app.push_screen(asker)
        await asker.ask().wait()
        assert seen[:3] == ["ask", "ask", False]
        lease = seen[3]
        assert getattr(lease, "is_cancelled", None) is True
        with pytest.raises(AttributeError):
            _ = lease.name  # type: ignore[attr-defined]
