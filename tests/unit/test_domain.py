"""Domain normalisation and the refusal of plain http (docs/reliability.md, 'Token secrecy')."""

from __future__ import annotations

import pytest

from co_tui.domain import InsecureDomainError, normalize_domain


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("https://codeocean.acme.com", "https://codeocean.acme.com"),
        ("https://codeocean.acme.com/", "https://codeocean.acme.com"),
        ("codeocean.acme.com", "https://codeocean.acme.com"),
        ("  https://co.acme.com:8443//  ", "https://co.acme.com:8443"),
        ("http://127.0.0.1:8000", "http://127.0.0.1:8000"),
        ("http://localhost:9", "http://localhost:9"),
        ("http://emulator.test", "http://emulator.test"),
    ],
)
def test_normalize(given: str, expected: str) -> None:
    assert normalize_domain(given) == expected


@pytest.mark.parametrize(
    "given",
    [
        "http://codeocean.acme.com",
        "https://user:pw@co.acme.com",
        "https://co.acme.com/api/v1",
        "https://co.acme.com?x=1",
        "ftp://co.acme.com",
        "https://",
    ],
)
def test_refused(given: str) -> None:
    with pytest.raises(InsecureDomainError):
        normalize_domain(given)


def test_http_allowed_when_asked() -> None:
    assert normalize_domain("http://co.internal", allow_http=True) == "http://co.internal"
