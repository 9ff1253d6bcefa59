"""The token and signed-URL signatures never reach reprs or logs (docs/reliability.md, 'Token secrecy')."""

from __future__ import annotations

import base64
import logging
import secrets
import urllib.parse

import pytest

from co_tui.redact import Secret, install_log_redaction, redact, register_secret, safe_url


def _canary() -> str:
    return f"CO_TEST_{secrets.token_hex(8)}"


def test_secret_never_shows_itself() -> None:
    token = _canary()
    secret = Secret(token)
    assert token not in repr(secret) and token not in str(secret) and token not in f"{secret}"
    assert secret.get() == token
    with pytest.raises(TypeError):
        import pickle

        pickle.dumps(secret)


def test_every_form_of_a_registered_token_is_redacted() -> None:
    token = _canary() + "+/="
    register_secret(token)
    forms = [
        token,
        base64.b64encode(f"{token}:".encode()).decode(),
        base64.b64encode(token.encode()).decode(),
        urllib.parse.quote(token, safe=""),
    ]
    for form in forms:
        assert form not in redact(f"before {form} after")


def test_basic_headers_and_signatures_are_redacted_even_unregistered() -> None:
    text = (
        "headers: [(b'Authorization', b'Basic QUJDREVGOg==')] "
        "url https://s3/b/k?X-Amz-Signature=SIGCANARY1&X-Amz-Security-Token=STSCANARY2&x=1"
    )
    out = redact(text)
    assert "QUJDREVGOg==" not in out and "SIGCANARY1" not in out and "STSCANARY2" not in out
    assert "x=1" in out


def test_safe_url_drops_the_query() -> None:
    assert safe_url("https://h:9/a/b%20c?X-Amz-Signature=s#f") == "https://h:9/a/b%20c"


def test_log_records_are_redacted_for_every_logger(caplog: pytest.LogCaptureFixture) -> None:
    install_log_redaction()
    token = _canary()
    register_secret(token)
    caplog.set_level(logging.DEBUG)
    for name in ("httpx", "httpcore.http11", "co_tui", "somebody.else"):
        logging.getLogger(name).debug("sending %s with %r", token, {"auth": token})
    try:
        raise RuntimeError(f"failed with {token}")
    except RuntimeError:
        logging.getLogger("x").exception("boom")
    assert caplog.records
    assert token not in caplog.text
    handler_output = logging.Formatter().format(caplog.records[-1])
    assert token not in handler_output
