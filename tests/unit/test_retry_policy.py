"""The retry schedule (docs/reliability.md, 'Retries'), checked on the policy itself."""

from __future__ import annotations

import random

import pytest

from co_tui.api.errors import (
    ApiConnectionError,
    ApiError,
    ApiTimeoutError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitedError,
    ServerError,
)
from co_tui.api.retry import OpKind, RetryBudget, RetryPolicy

POLICY = RetryPolicy()


def test_backoff_is_full_jitter_within_bounds() -> None:
    rng = random.Random(1234)
    for _ in range(10_000):
        attempt = rng.randint(1, 3)
        delay = POLICY.backoff(attempt, rng.uniform)
        assert 0.0 <= delay <= min(8.0, 0.5 * 2 ** (attempt - 1))


def test_backoff_ceiling_doubles_and_caps() -> None:
    top = [POLICY.backoff(n, lambda lo, hi: hi) for n in range(1, 8)]
    assert top == [0.5, 1.0, 2.0, 4.0, 8.0, 8.0, 8.0]


@pytest.mark.parametrize(
    "error",
    [
        ServerError("x", status=500), ServerError("x", status=502), ServerError("x", status=503),
        ServerError("x", status=504), ApiConnectionError("reset"), ApiTimeoutError("slow"),
        RateLimitedError("x", status=429),
    ],
)
def test_reads_retry_transient_failures(error: ApiError) -> None:
    assert POLICY.delay_for(error, kind=OpKind.READ, attempt=1, never_sent=False) is not None
    # ... but at most 4 attempts in all.
    assert POLICY.delay_for(error, kind=OpKind.READ, attempt=4, never_sent=False) is None


@pytest.mark.parametrize(
    "error",
    [
        BadRequestError("x", status=400), AuthenticationError("x", status=401),
        PermissionDeniedError("x", status=403), NotFoundError("x", status=404),
        ConflictError("x", status=409), BadRequestError("x", status=422),
        ServerError("x", status=501),
    ],
)
def test_permanent_failures_are_never_retried(error: ApiError) -> None:
    assert POLICY.delay_for(error, kind=OpKind.READ, attempt=1, never_sent=False) is None


@pytest.mark.parametrize("seconds", [0.0, 0.25, 3.0, 10.0])
def test_retry_after_is_honoured_exactly(seconds: float) -> None:
    error = RateLimitedError("slow down", status=429, retry_after=seconds)
    assert POLICY.delay_for(error, kind=OpKind.READ, attempt=1, never_sent=False) == seconds


def test_long_retry_after_stops_instead_of_waiting() -> None:
    error = RateLimitedError("slow down", status=429, retry_after=10.5)
    assert POLICY.delay_for(error, kind=OpKind.READ, attempt=1, never_sent=False) is None


@pytest.mark.parametrize(
    "error",
    [
        ServerError("x", status=503), RateLimitedError("x", status=429, retry_after=1),
        ApiTimeoutError("slow"), ApiConnectionError("reset"),
    ],
)
def test_writes_are_not_resent_once_they_may_have_arrived(error: ApiError) -> None:
    assert POLICY.delay_for(error, kind=OpKind.WRITE, attempt=1, never_sent=False) is None


def test_writes_are_resent_when_provably_never_sent() -> None:
    error = ApiConnectionError("connection refused")
    assert POLICY.delay_for(error, kind=OpKind.WRITE, attempt=1, never_sent=True) is not None
    assert POLICY.delay_for(error, kind=OpKind.WRITE, attempt=4, never_sent=True) is None


def test_retry_budget_refills_over_time() -> None:
    now = [0.0]
    budget = RetryBudget(per_minute=3, clock=lambda: now[0])
    assert [budget.try_spend() for _ in range(4)] == [True, True, True, False]
    now[0] += 20.0  # one token per 20 s at 3 per minute
    assert budget.try_spend() and not budget.try_spend()
