"""Sizes, counts and dates as the screens show them."""

from __future__ import annotations

import pytest

from co_tui.formatting import format_count, format_date, format_size, plural


@pytest.mark.parametrize(
    ("size", "shown"),
    [(None, ""), (-1, ""), (0, "0 B"), (1023, "1023 B"), (1024, "1 KiB"), (1536, "1.5 KiB"),
     (5418, "5.3 KiB"), (262144, "256 KiB"), (1024**3, "1 GiB"), (4 * 1024**3, "4 GiB"),
     (37 * 1024**4 + 5 * 1024**3, "37 TiB"), (2**70, "1048576 PiB")],
)
def test_format_size(size: int | None, shown: str) -> None:
    assert format_size(size) == shown


def test_plural() -> None:
    assert plural(1, "line") == "1 line" and plural(2_000, "line") == "2,000 lines"
    assert plural(3, "entry", "entries") == "3 entries"


def test_format_count_and_date() -> None:
    assert format_count(None) == "" and format_count(1880) == "1,880"
    assert format_date(0) == "never" and format_date(None, never="-") == "-"
    assert format_date(1_700_000_000, utc=True) == "2023-11-14"
    assert format_date(10**20) == "?"
