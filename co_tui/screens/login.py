"""The login screen: first run without credentials, and after the server rejected the token.

It asks for the domain (offered from :func:`co_tui.session.login_target.login_target`) and the token
(a masked input), then runs :func:`co_tui.operations.verify_login.login` in a worker: one API call,
and the login is saved as ``co-tui login`` saves it. The outcome is shown in words (accepted /
limited scope / rejected / unreachable / not a usable domain); on success the screen builds a client
for the new credentials and posts :class:`LoginScreen.LoggedIn`, and the app takes it from there.

The token is never displayed: the input is masked, it is wrapped in a
:class:`~co_tui.redact.Secret` as soon as it is read (which also registers it for
redaction), and messages come from :mod:`co_tui.operations.verify_login`, which never quotes it.
"""

from __future__ import annotations

from typing import ClassVar, Literal

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Button, Input, Label, Static

from co_tui.api import CodeOceanClient
from co_tui.operations.verify_login import VerifyResult, login, verify
from co_tui.redact import Secret, redact
from co_tui.safe_text import display
from co_tui.session.config import ConfigError, validate_domain
from co_tui.session.login_target import LoginSetup
from co_tui.widgets.footer import KeyFooter
from co_tui.workers import worker

__all__ = ["LoginInput", "LoginScreen", "LoginSetup"]

Tone = Literal["", "ok", "warning", "error"]


_TONES: dict[str, Tone] = {"ok": "ok", "limited": "warning"}
"""How each :class:`~co_tui.operations.verify_login.VerifyResult` status is shown (anything else: an
error)."""
_MARKS: dict[Tone, str] = {"ok": "✓ ", "warning": "! ", "error": "✗ ", "": ""}


class LoginInput(Input):
    """An input whose ``enter`` is the form's "check and save" (and says so in the footer).

    A non-priority binding on the input itself, so ``enter`` is handled after the keys typed or
    pasted before it have reached the value (a screen-level priority binding would race them).
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "screen.submit", "Check and save"),
    ]


class LoginScreen(Screen[None]):
    """Domain and masked token inputs and a "check and save" action (``enter`` in either)."""

    CSS_PATH = "../styles/login.tcss"
    HELP_GROUP = "Log in"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Back"),
        Binding("ctrl+q", "app.quit", "Quit", priority=True),
    ]

    class LoggedIn(Message):
        """The deployment accepted the token; ``client`` uses it (the receiver owns the client).

        ``result`` is the check's outcome (``ok`` or ``limited``), ``warnings`` are about the
        saved files, ``saved`` says whether the login was stored.
        """

        def __init__(
            self,
            client: CodeOceanClient,
            result: VerifyResult,
            warnings: tuple[str, ...],
            saved: bool,
        ) -> None:
            super().__init__()
            self.client = client
            self.result = result
            self.warnings = warnings
            self.saved = saved

    def __init__(
        self, setup: LoginSetup, *, reason: str | None = None, can_cancel: bool = False
    ) -> None:
        super().__init__()
        self.setup = setup
        self.reason = reason
        self.can_cancel = can_cancel
        self.checking = False

    def compose(self) -> ComposeResult:
        yield Static(Content.assemble(("co-tui", "bold"), "  Log in to Code Ocean"),
                     id="login-title")
        with Vertical(id="login-form"):
            if self.reason:
                yield Static(display(self.reason, multiline=True), id="login-reason")
            yield Label(Content("Domain"), classes="login-label")
            yield LoginInput(
                value=self.setup.domain or "",
                placeholder="https://codeocean.example.com",
                id="login-domain",
            )
            yield Label(Content("Access token"), classes="login-label")
            yield LoginInput(
                password=True,
                placeholder="paste the token (input stays hidden)",
                id="login-token",
            )
            yield Static(Content(), id="login-result")
            yield Button(Content("Check and save"), id="login-submit", variant="primary",
                         compact=True)
            yield Static(
                Content(
                    "Create a token in Code Ocean under Account → Access Tokens, with read "
                    "access to Data Assets. " + self._where_saved()
                ),
                id="login-hint",
            )
        yield KeyFooter()

    def _where_saved(self) -> str:
        if not self.setup.save:
            return "Demo: the token is checked, not saved."
        if self.setup.profile:
            return (f"It is checked with one request, then saved as profile "
                    f"'{self.setup.profile}' (readable only by you).")
        return "It is checked with one request, then saved (readable only by you)."

    def on_mount(self) -> None:
        domain = self.query_one("#login-domain", Input)
        (self.query_one("#login-token", Input) if domain.value else domain).focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "cancel":
            return self.can_cancel
        if action == "submit":
            return None if self.checking else True
        return True

    # --- actions ------------------------------------------------------------------------------

    def action_cancel(self) -> None:
        """Back to where the login screen was opened from (not on first run)."""
        if self.can_cancel:
            self.dismiss(None)

    @on(Button.Pressed, "#login-submit")
    def _pressed(self) -> None:
        self.action_submit()

    def action_submit(self) -> None:
        """Check the domain and token with one request, and save them when accepted."""
        if self.checking:
            return
        domain_input = self.query_one("#login-domain", Input)
        token_input = self.query_one("#login-token", Input)
        domain = domain_input.value.strip()
        token = token_input.value.strip()
        if not domain:
            self._show("Enter the address of your Code Ocean deployment.", "error")
            domain_input.focus()
            return
        if not token:
            if self.focused is not domain_input:
                self._show("Paste your access token.", "error")
            token_input.focus()
            return
        if token in domain:
            # a token pasted into the wrong field must not be looked up in DNS, sent as a host
            # name, or repeated in a message
            self._show("The domain field holds the token: enter the deployment's address.",
                       "error")
            domain_input.focus()
            return
        try:
            domain = validate_domain(domain)  # its messages never repeat what was typed
        except ConfigError as exc:
            self._show(f"Not a usable domain: {exc}.", "error")
            domain_input.focus()
            return
        self.checking = True
        self.refresh_bindings()
        self.query_one("#login-submit", Button).disabled = True
        self._show(f"Checking with {domain}…", "")
        self._check(domain, Secret(token))

    # --- the check ----------------------------------------------------------------------------

    def _check_raised(self, error: BaseException, domain: str, token: Secret) -> None:
        """The check failed in a way nobody foresaw: the form is usable again and says why."""
        from co_tui.report import describe_error

        self._finish()
        self._show(describe_error(error, "checking the login")[1] + " Press enter to try again.",
                   "error")

    @worker("checking the login", group="login", exclusive=True, recover=_check_raised)
    async def _check(self, domain: str, token: Secret) -> None:
        transport = self.setup.transport
        warnings: tuple[str, ...] = ()
        saved = False
        try:
            if self.setup.save:
                outcome = await login(self.setup.profile, domain, token, transport=transport)
                result, warnings, saved = outcome.result, outcome.warnings, outcome.saved
            else:
                result = await verify(domain, token, transport=transport)
            client = (
                CodeOceanClient(result.domain, token, transport=transport,
                                files_transport=transport)
                if result.accepted else None
            )
        except (ConfigError, OSError, ValueError) as exc:
            self._finish()
            self._show(f"The login could not be saved: {redact(str(exc))}", "error")
            return
        self._finish()
        self._report(result)
        if client is None:
            self._focus_after(result)
            return
        self.query_one("#login-token", Input).value = ""
        self.post_message(self.LoggedIn(client, result, warnings, saved))

    def _finish(self) -> None:
        self.checking = False
        self.refresh_bindings()
        self.query_one("#login-submit", Button).disabled = False

    def _report(self, result: VerifyResult) -> None:
        tone = _TONES.get(result.status, "error")
        self._show(result.message[:1].upper() + result.message[1:] + ".", tone)

    def _focus_after(self, result: VerifyResult) -> None:
        """Put the cursor where the fix is: the token when it was refused, else the domain."""
        wrong_token = result.status == "rejected" or (
            result.status == "invalid" and "token" in result.message
        )
        self.query_one("#login-token" if wrong_token else "#login-domain", Input).focus()

    def _show(self, message: str, tone: Tone) -> None:
        result = self.query_one("#login-result", Static)
        for name in ("ok", "warning", "error"):
            result.set_class(tone == name, f"-{name}")
        text = _MARKS[tone] + redact(message)
        result.update(display(text, multiline=True, max_chars=600))
        result.display = bool(message)
        result.scroll_visible(animate=False)
