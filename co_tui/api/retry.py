"""Retry policy, decided per operation rather than per HTTP verb (docs/reliability.md, 'Retries').

- :attr:`OpKind.READ` operations (GET, and the POSTs that only read: search, list files) are
  retried on connection failures, timeouts, 429 and 5xx, with full-jitter exponential backoff,
  a bounded number of attempts, an app-wide retry budget, and the operation's total deadline.
  A ``Retry-After`` up to :attr:`RetryPolicy.max_retry_after` is honoured exactly; a longer one
  ends the operation with :class:`~co_tui.api.errors.RateLimitedError` so the UI can say when
  to try again instead of sitting silently.
- :attr:`OpKind.WRITE` operations are re-sent only when the request provably never left this
  machine (connect errors, pool timeouts). Once it may have reached the server, the failure is
  reported with ``outcome_unknown`` and the caller reads the state back.
"""

from __future__ import annotations

import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from enum import Enum

from co_tui.api.errors import (
    ApiConnectionError,
    ApiError,
    ApiTimeoutError,
    RateLimitedError,
    ServerError,
)

__all__ = ["DownloadTimeouts", "OpKind", "Retrier", "RetryBudget", "RetryPolicy", "Timeouts"]

Sleep = Callable[[float], Awaitable[None]]


class OpKind(Enum):
    """Whether an operation only reads, or changes server state."""

    READ = "read"
    WRITE = "write"


@dataclass(frozen=True)
class Timeouts:
    """httpx timeouts for the API origin plus a total deadline per operation (all seconds).

    httpx's read timeout is per chunk (encode/httpx#1450), so only ``deadline`` bounds a server
    that drips bytes; it covers every attempt and every backoff sleep of one operation.
    """

    connect: float = 5.0
    read: float = 30.0
    write: float = 30.0
    pool: float = 5.0
    deadline: float = 45.0


@dataclass(frozen=True)
class DownloadTimeouts:
    """Timeouts for signed-URL transfers: long idle reads, no total deadline for big files."""

    connect: float = 10.0
    read: float = 60.0
    """The longest wait for the next bytes of a response (its head, then between two pieces
    of its body). A download has no overall deadline - a big file may take hours - so this is
    what ends a body that stalls: the transfer fails with a timeout (retried and resumed like
    any broken transfer)."""
    write: float = 30.0
    pool: float = 10.0
    range_deadline: float = 45.0
    """The whole of one preview read (a Range of at most 256 KiB), retries included."""


class RetryBudget:
    """A token bucket shared by all operations of one client: at most ``per_minute`` retries.

    It stops retry storms when the server is in trouble (botocore's retry quota, scaled down).
    """

    def __init__(self, per_minute: int = 20, clock: Callable[[], float] = time.monotonic) -> None:
        self._capacity = float(per_minute)
        self._tokens = float(per_minute)
        self._rate = per_minute / 60.0
        self._clock = clock
        self._last = clock()

    def try_spend(self) -> bool:
        """Take one retry token if there is one."""
        now = self._clock()
        self._tokens = min(self._capacity, self._tokens + (now - self._last) * self._rate)
        self._last = now
        if self._tokens >= 1.0:
            self._tokens -= 1.0
            return True
        return False


@dataclass(frozen=True)
class RetryPolicy:
    """How reads are retried. Writes ignore everything here except the never-sent rule."""

    max_attempts: int = 4
    backoff_base: float = 0.5
    backoff_cap: float = 8.0
    max_retry_after: float = 10.0
    retry_statuses: frozenset[int] = field(
        default_factory=lambda: frozenset({429, 500, 502, 503, 504})
    )

    def backoff(self, attempt: int, rng: Callable[[float, float], float] = random.uniform) -> float:
        """Full-jitter delay before retry number ``attempt`` (1-based)."""
        ceiling = min(self.backoff_cap, self.backoff_base * (2 ** (attempt - 1)))
        return rng(0.0, ceiling)

    def delay_for(
        self,
        error: ApiError,
        *,
        kind: OpKind,
        attempt: int,
        never_sent: bool,
        rng: Callable[[float, float], float] = random.uniform,
    ) -> float | None:
        """Seconds to wait before re-sending after ``error`` on ``attempt``, or None to give up."""
        if attempt >= self.max_attempts:
            return None
        if kind is OpKind.WRITE:
            return self.backoff(attempt, rng) if never_sent else None
        if isinstance(error, RateLimitedError):
            if error.retry_after is not None:
                return error.retry_after if error.retry_after <= self.max_retry_after else None
            return self.backoff(attempt, rng)
        if isinstance(error, ServerError):
            return self.backoff(attempt, rng) if error.status in self.retry_statuses else None
        if isinstance(error, (ApiConnectionError, ApiTimeoutError)):
            return self.backoff(attempt, rng)
        return None


class Retrier:
    """The one place a failed attempt waits or gives up: the policy, the shared budget, the
    (injectable) sleep and jitter source of one client.

    API operations and signed-URL range reads both go through :meth:`backoff_or_raise`.
    """

    def __init__(
        self,
        policy: RetryPolicy,
        budget: RetryBudget,
        *,
        sleep: Sleep,
        rng: Callable[[float, float], float] = random.uniform,
    ) -> None:
        self.policy = policy
        self.budget = budget
        self.sleep = sleep
        self._rng = rng

    async def backoff_or_raise(
        self,
        error: ApiError,
        exc: BaseException | None,
        kind: OpKind,
        attempt: int,
        never_sent: bool,
    ) -> None:
        """Sleep before retry number ``attempt`` + 1, or raise ``error`` (from ``exc``) when the
        policy gives up or the budget is spent."""
        delay = self.policy.delay_for(
            error, kind=kind, attempt=attempt, never_sent=never_sent, rng=self._rng
        )
        if delay is None or not self.budget.try_spend():
            if exc is not None:
                raise error from exc
            raise error
        await self.sleep(delay)
