"""Every worker of the UI starts here, so that no failure of one is ever silent.

Textual's ``@work(exit_on_error=False)`` keeps an exception inside the worker: nothing is shown,
and a screen that said "loading…" says it for ever. :func:`worker` is ``@work`` with one more
job: an exception the method lets out (an :class:`~co_tui.api.ApiError` it does not handle
itself, or a bug such as a ``KeyError``) is

1. logged with its traceback (the ``--debug`` log redacts it; without one nothing is written),
2. handed to the method's ``recover`` function, called with the error and the worker's own
   arguments, which puts the owner back in a usable state (the loading text gives way to
   "press r to retry", a dialog keeps its input and says why),
3. shown through :meth:`co_tui.app.CoTuiApp.show_error` ("Loading assets failed unexpectedly:
   RuntimeError: …. Press r to try again.", the key being the screen's refresh key, if any).

Cancellation (a newer exclusive worker, the screen closing) passes through untouched.
:func:`start_worker` does the same for a coroutine started by hand. A unit test keeps every
worker of ``co_tui`` on these two (no bare ``@work`` or ``run_worker`` elsewhere).

Stale results: one mechanism, Textual's own. A request that replaces an older one of its kind
starts an ``exclusive`` worker of the same group (or cancels the group, e.g. a reload cancels
the next-page loads of the old list), and a worker checks :func:`superseded` before its result
lands. The check is needed because cancelling is cooperative: it only raises at the worker's
next ``await``, and a call the worker awaited may have finished (or swallowed the
``CancelledError``) by then, so the old worker can go on to show an old answer over the new
one. Textual marks a worker cancelled at once, whatever its coroutine does, and that mark is
what :func:`superseded` reads. No screen keeps a request counter of its own.

Closed views are freed at once: every timer scheduled while a worker runs (the API client's
deadline, a socket timeout, a sleep) keeps a copy of the context it was scheduled in until it is
due, even once cancelled (asyncio drops cancelled timers lazily), and that context names the
running worker, which holds the widget or screen that started it. The API's 45 s deadline timers
kept each closed detail screen alive that long (the soak test's leak check failed whenever
asyncio happened not to sweep them). So the body of a worker runs with Textual's current worker
set to a :class:`_Lease` on it, emptied when the body ends: what the body left on the loop holds
an empty lease, not the worker and its screen.
"""

from __future__ import annotations

import asyncio
import functools
import inspect
import logging
from collections.abc import Awaitable, Callable, Coroutine
from typing import (
    TYPE_CHECKING,
    Any,
    Concatenate,
    ParamSpec,
    Protocol,
    TypeVar,
    cast,
    overload,
)

from textual import work
from textual.app import App
from textual.css.query import NoMatches
from textual.worker import NoActiveWorker, active_worker, get_current_worker

from co_tui.redact import redact

if TYPE_CHECKING:
    from textual.dom import DOMNode
    from textual.worker import Worker

__all__ = ["log_failure", "start_worker", "superseded", "worker", "worker_failed"]

log = logging.getLogger("co_tui.ui")
log.addHandler(logging.NullHandler())  # no debug log: nothing reaches the terminal (lastResort)

NodeT = TypeVar("NodeT", bound="DOMNode")
P = ParamSpec("P")
Recover = Callable[Concatenate[NodeT, BaseException, P], Awaitable[None] | None]
"""Puts the owner back after a failure: ``recover(self, error, *the worker's arguments)``."""


def superseded() -> bool:
    """True inside a worker that was cancelled (a newer worker of its exclusive group, a
    reload that cancelled its group, its owner going away): what it got must not land.

    False outside a worker (code run directly, as tests do). See the module docstring.
    """
    try:
        return get_current_worker().is_cancelled
    except NoActiveWorker:
        return False


class _Lease:
    """The running worker, as the context of its body names it (see the module docstring).

    Callers of :func:`~textual.worker.get_current_worker` inside the body get the lease: it
    answers for the worker while the body runs, and holds nothing once the body has ended (a
    worker that is over counts as cancelled, so a late result of it is dropped)."""

    __slots__ = ("_worker",)

    def __init__(self, worker: Worker[Any] | None) -> None:
        self._worker = worker

    @property
    def is_cancelled(self) -> bool:
        """Whether the worker was cancelled (True once its body has ended)."""
        worker = self._worker
        return worker is None or worker.is_cancelled

    def release(self) -> None:
        """The body has ended: let go of the worker (and of the node that started it)."""
        self._worker = None

    def __getattr__(self, name: str) -> Any:
        """Whatever else is asked of the current worker: the worker's answer, while it runs."""
        if self._worker is None:
            raise AttributeError(name)
        return getattr(self._worker, name)


def _lease() -> _Lease:
    """Name the running worker by a lease in its context, for the rest of its body (called
    first thing in the body; the caller releases the lease when the body ends).

    A body run directly (tests do), or inside another worker's body, changes nothing: the lease
    returned then holds nothing. The context is not reset afterwards: Textual's code after the
    body reads no current worker, and a reset fails when the body is closed from another
    context (a task torn down)."""
    try:
        current: object = get_current_worker()
    except NoActiveWorker:
        return _Lease(None)
    if isinstance(current, _Lease):
        return _Lease(None)  # that body's lease stands
    lease = _Lease(cast("Worker[Any]", current))
    active_worker.set(cast("Worker[Any]", lease))
    return lease


def log_failure(error: BaseException, action: str) -> None:
    """Record ``error`` met while doing ``action`` in the ``--debug`` log (if one is on).

    A typed API error is one line (the request log has the details); anything else is a bug
    and gets its traceback. Records are redacted by :mod:`co_tui.redact` when the debug
    log is on; the message is redacted here as well, for any other handler.
    """
    from co_tui.api import ApiError  # the first frame does not import the client

    if isinstance(error, ApiError):
        log.info("%s failed: %s", action, redact(str(error)))
    else:
        log.error("%s failed unexpectedly: %s: %s", action, type(error).__name__,
                  redact(str(error)), exc_info=error)


def _attached(node: DOMNode) -> bool:
    """True while ``node`` is still in the app's DOM (the app itself always is)."""
    try:
        return isinstance(node, App) or node.is_attached
    except Exception:  # no app any more
        return False


def _retry_key(node: DOMNode) -> str | None:
    """The key of the node's screen's ``refresh`` action (``r`` on the lists and the detail
    view), or None where there is none (dialogs, the app's own workers)."""
    if isinstance(node, App):
        return None
    try:
        screen = node.screen
        for binding in screen.active_bindings.values():
            if binding.binding.action == "refresh" and binding.enabled:
                return node.app.get_key_display(binding.binding)
    except Exception:  # a screen being torn down: no hint rather than a second failure
        return None
    return None


async def worker_failed(node: DOMNode, action: str, error: BaseException,
                        recover: Callable[[], Awaitable[None] | None] | None = None) -> None:
    """The failure path of every worker: log, let the owner recover, tell the user. Never
    raises (a failure here is logged).

    A worker whose owner was closed while it ran (a dialog dismissed as its last await returned)
    finds the owner's widgets gone (``NoMatches``): nobody is waiting for that result, so it is
    logged and nothing is shown or recovered."""
    if isinstance(error, NoMatches) and not _attached(node):
        log.info("%s ended after its view was closed: %s", action, redact(str(error)))
        return
    log_failure(error, action)
    if recover is not None:
        try:
            outcome = recover()
            if inspect.isawaitable(outcome):
                await outcome
        except Exception as second:  # the message below must still be shown
            log_failure(second, f"recovering after {action}")
    try:
        app = node.app
        show_error = getattr(app, "show_error", None)
        if show_error is not None:
            show_error(error, action=action, retry=_retry_key(node))
        else:  # a widget tested on its own, in a bare App
            from co_tui.report import describe_error
            from co_tui.safe_text import display

            severity, message = describe_error(error, action, retry=_retry_key(node))
            app.notify(display(message, multiline=True, max_chars=600).plain,
                       severity="error" if severity == "error" else "warning", markup=False)
    except Exception as third:  # no app any more (closing): the log has it
        log_failure(third, f"reporting that {action} failed")


class _Decorator(Protocol):
    """What ``worker(...)`` without ``recover`` returns: generic in the method it decorates."""

    def __call__(
        self, method: Callable[Concatenate[NodeT, P], Coroutine[Any, Any, None]], /,
    ) -> Callable[Concatenate[NodeT, P], Worker[None]]: ...


@overload
def worker(action: str, *, group: str, exclusive: bool = False,
           recover: None = None) -> _Decorator: ...


@overload
def worker(
    action: str, *, group: str, exclusive: bool = False, recover: Recover[NodeT, P],
) -> Callable[[Callable[Concatenate[NodeT, P], Coroutine[Any, Any, None]]],
              Callable[Concatenate[NodeT, P], Worker[None]]]: ...


def worker(
    action: str,
    *,
    group: str,
    exclusive: bool = False,
    recover: Recover[NodeT, P] | None = None,
) -> Any:
    """``@work(group=..., exclusive=..., exit_on_error=False)`` whose failures reach the user.

    ``action`` says what the worker does, in words that fit "… failed unexpectedly" (e.g.
    "loading assets"). ``recover``, a function of the class defined above the worker, is
    called as ``recover(self, error, *args, **kwargs)`` with the worker's arguments when the
    worker raises; it may be async. See the module docstring.
    """

    def decorator(
        method: Callable[Concatenate[NodeT, P], Coroutine[Any, Any, None]],
    ) -> Callable[Concatenate[NodeT, P], Worker[None]]:
        @functools.wraps(method)
        async def guarded(self: NodeT, /, *args: P.args, **kwargs: P.kwargs) -> None:
            lease = _lease()
            try:
                await method(self, *args, **kwargs)
            except asyncio.CancelledError:
                raise
            except Exception as error:
                undo = (functools.partial(recover, self, error, *args, **kwargs)
                        if recover is not None else None)
                await worker_failed(self, action, error, undo)
            finally:
                lease.release()

        return work(guarded, group=group, exclusive=exclusive, exit_on_error=False)

    return decorator


def start_worker(node: DOMNode, job: Coroutine[Any, Any, None], *, action: str, group: str,
                 name: str = "", exclusive: bool = False) -> Worker[None]:
    """Run the coroutine ``job`` as a worker of ``node``, its failure reported like
    :func:`worker`'s (for a closure started by hand)."""

    async def guarded() -> None:
        lease = _lease()
        try:
            await job
        except asyncio.CancelledError:
            raise
        except Exception as error:
            await worker_failed(node, action, error)
        finally:
            lease.release()

    return node.run_worker(guarded(), name=name or action, group=group, exclusive=exclusive,
                           exit_on_error=False)
