"""verify() against the emulator, login(), token input from stdin and the prompt."""

from __future__ import annotations

import io

import httpx
import pytest

from co_tui.api import Secret
from co_tui.emulator import Emulator, EmulatorConfig
from co_tui.operations.verify_login import login, verify
from co_tui.session import paths
from co_tui.session.credentials import resolve_credentials
from co_tui.session.login_store import LoginError, prompt_login, read_token_from_stdin


@pytest.fixture
def emu() -> Emulator:
    return Emulator(EmulatorConfig(seed="empty"))


async def test_verify_good_token(emu: Emulator) -> None:
    result = await verify(emu.config.api_origin, emu.main_token, transport=emu.transport())
    assert result.status == "ok" and result.accepted
    assert result.domain == "http://emulator.test"
    assert result.message == "token accepted by http://emulator.test"


async def test_verify_bad_token(emu: Emulator) -> None:
    result = await verify(emu.config.api_origin, "cop_wrong", transport=emu.transport())
    assert (result.status, result.http_status, result.accepted) == ("rejected", 401, False)
    assert result.message.startswith("token rejected by http://emulator.test (401)")


async def test_verify_unreachable() -> None:
    result = await verify("http://127.0.0.1:1", "cop_any")
    assert result.status == "unreachable"
    assert result.message.startswith("could not reach http://127.0.0.1:1: ")


async def test_verify_makes_exactly_one_request(emu: Emulator) -> None:
    seen: list[httpx.Request] = []
    inner = emu.transport()

    async def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return await inner.handle_async_request(request)

    await verify(emu.config.api_origin, emu.main_token, transport=httpx.MockTransport(handler))
    assert [(r.method, r.url.path) for r in seen] == [("POST", "/api/v1/data_assets/search")]
    assert b'"limit":1' in seen[0].content


def _answer(status: int, body: bytes = b'{"message": "nope"}',
            calls: list[int] | None = None) -> httpx.MockTransport:
    def handler(request: httpx.Request) -> httpx.Response:
        if calls is not None:
            calls.append(1)
        return httpx.Response(status, content=body, headers={"Content-Type": "application/json"})

    return httpx.MockTransport(handler)


@pytest.mark.parametrize(
    ("status", "body", "expected", "fragment"),
    [
        (403, b'{"message": "token lacks scope"}', "limited", "may not list data assets (403: token lacks scope)"),
        (404, b"<html>not here</html>", "error", "did not answer like a Code Ocean API (404"),
        (200, b"<html>a web page</html>", "error", "did not answer like a Code Ocean API"),
        (500, b'{"message": "boom"}', "error", "failed"),
        (503, b"", "error", "503"),
    ],
)
async def test_verify_other_answers(status: int, body: bytes, expected: str, fragment: str) -> None:
    calls: list[int] = []
    result = await verify("https://co.example.com", "cop_tok", transport=_answer(status, body, calls))
    assert result.status == expected
    assert fragment in result.message
    assert len(calls) <= 2  # no retries (a 404 makes the legacy search the second call)
    assert result.accepted is (expected == "limited")


@pytest.mark.parametrize(
    ("domain", "token", "fragment"),
    [
        ("ftp://co.example.com", "cop_tok", "not a usable domain"),
        ("http://co.example.com", "cop_tok", "plain http"),
        ("https://co.example.com", "", "not a usable token: the token is empty"),
        ("https://co.example.com", "two words", "must not contain spaces"),
        ("https://co.example.com", "a:b", "must not contain ':'"),
    ],
)
async def test_verify_invalid_input_sends_nothing(domain: str, token: str, fragment: str) -> None:
    calls: list[int] = []
    result = await verify(domain, token, transport=_answer(200, b"{}", calls))
    assert result.status == "invalid" and fragment in result.message
    assert calls == []


async def test_login_saves_an_accepted_token(emu: Emulator) -> None:
    outcome = await login("demo", emu.config.api_origin, emu.main_token, transport=emu.transport())
    assert outcome.saved and outcome.profile == "demo" and outcome.warnings == ()
    got = resolve_credentials(profile=None, domain=None, environ={})
    assert got is not None
    assert (got.domain, got.token.get(), got.profile) == ("http://emulator.test", emu.main_token,
                                                          "demo")


async def test_login_without_profile_uses_the_default_name(emu: Emulator) -> None:
    outcome = await login(None, emu.config.api_origin, emu.main_token, transport=emu.transport())
    assert outcome.saved and outcome.profile == "default"


async def test_login_does_not_save_a_rejected_token(emu: Emulator) -> None:
    outcome = await login("demo", emu.config.api_origin, "cop_wrong", transport=emu.transport())
    assert not outcome.saved and outcome.result.status == "rejected"
    assert not paths.credentials_file().exists()


async def test_limited_token_is_saved_unless_refused() -> None:
    outcome = await login("x", "https://co.example.com", "cop_tok", transport=_answer(403),
                          save_limited=False)
    assert not outcome.saved
    outcome = await login("x", "https://co.example.com", "cop_tok", transport=_answer(403))
    assert outcome.saved and outcome.result.status == "limited"


# --- --token-stdin ---------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("given", "expected"),
    [("cop_tok\n", "cop_tok"), ("cop_tok", "cop_tok"), ("cop_tok\r\n", "cop_tok"),
     ("cöp_ünï\n", "cöp_ünï")],
)
def test_stdin_token(given: str, expected: str) -> None:
    assert read_token_from_stdin(io.StringIO(given)) == expected
    assert read_token_from_stdin(io.BytesIO(given.encode())) == expected


@pytest.mark.parametrize(
    ("given", "fragment"),
    [
        ("", "no token"),
        ("\n", "no token"),
        ("\r\n", "no token"),
        ("cop_tok\n\n", "more than one line"),
        ("cop_a\ncop_b\n", "more than one line"),
        ("cop_a\rcop_b", "more than one line"),
        (" cop_tok\n", "spaces"),
        ("cop tok\n", "spaces"),
        ("cop_\x1btok", "control"),
        ("x" * 70_000, "too long"),
    ],
)
def test_stdin_token_refused(given: str, fragment: str) -> None:
    with pytest.raises(LoginError, match=fragment):
        read_token_from_stdin(io.StringIO(given))


def test_stdin_not_utf8() -> None:
    with pytest.raises(LoginError, match="UTF-8"):
        read_token_from_stdin(io.BytesIO(b"\xff\xfe"))


# --- interactive prompt ----------------------------------------------------------------------

class Script:
    """Scripted answers for input() and getpass(), recording the prompts."""

    def __init__(self, answers: list[str]) -> None:
        self.answers = answers
        self.prompts: list[str] = []

    def __call__(self, prompt: str) -> str:
        self.prompts.append(prompt)
        if not self.answers:
            raise EOFError
        return self.answers.pop(0)


def test_prompt_uses_the_default_domain_and_getpass_for_the_token() -> None:
    ask, hidden, said = Script([""]), Script(["  cop_tok \n"]), list[str]()
    answers = prompt_login(ask, hidden, default_domain="https://co.example.com",
                           print_fn=said.append)
    assert answers.domain == "https://co.example.com"
    assert isinstance(answers.token, Secret) and answers.token.get() == "cop_tok"
    assert ask.prompts == ["Code Ocean domain [https://co.example.com]: "]
    assert hidden.prompts == ["Access token (input hidden): "]
    assert said == []


def test_prompt_asks_again_on_bad_answers() -> None:
    ask, hidden, said = Script(["", "ftp://x", "co.example.com"]), Script(["", "a b", "cop_t"]), list[str]()
    answers = prompt_login(ask, hidden, print_fn=said.append)
    assert answers.domain == "https://co.example.com" and answers.token.get() == "cop_t"
    assert len(said) == 4 and all(line.startswith("  ") for line in said)


def test_prompt_gives_up_after_three_tries() -> None:
    with pytest.raises(LoginError, match="no usable domain"):
        prompt_login(Script(["ftp://a", "ftp://b", "ftp://c"]), Script([]), print_fn=lambda s: None)
    with pytest.raises(LoginError, match="no usable token"):
        prompt_login(Script(["co.example.com"]), Script(["a b", "c d", "e f"]),
                     print_fn=lambda s: None)


def test_prompt_end_of_input() -> None:
    with pytest.raises(LoginError, match="cancelled"):
        prompt_login(Script([]), Script([]), print_fn=lambda s: None)
    with pytest.raises(LoginError, match="cancelled"):
        prompt_login(Script(["co.example.com"]), Script([]), print_fn=lambda s: None)
