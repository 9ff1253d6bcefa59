"""``CodeOceanClient``: the async client for the Code Ocean REST API (v1).

Two long-lived ``httpx.AsyncClient``\\ s (docs/architecture.md, 'One client per origin';
docs/reliability.md, 'Token secrecy'):

- the API client talks only to ``{domain}/api/v1/``, with HTTP Basic auth (token as user name,
  empty password), explicit timeouts, no cookies, and a transport guard that refuses any request
  to another origin;
- the signed-URL client has no auth, no cookies and no headers of ours: signed URLs carry their
  own authorisation, and S3 rejects a request that carries a second one. httpx follows no
  redirects itself: ``client.files`` follows them hop by hop (co_tui/api/redirects.py), each hop
  through this client's credential check.

Every operation goes through :meth:`CodeOceanClient.request`, which applies the operation's
retry policy and total deadline and turns every failure into an
:class:`~co_tui.api.errors.ApiError`.
Resources (``client.data_assets``, ``client.capsules`` ...) name their methods as the SDK does.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import http.cookiejar
import logging
import random
import time
from collections.abc import Callable, Iterator, Mapping
from typing import Any, TypeVar

import httpx

from co_tui import __version__
from co_tui.api.body import MAX_RESPONSE_BYTES, read_capped, size_text, with_body
from co_tui.api.capsules import Capsules, Computations, CustomMetadataSchema, Pipelines
from co_tui.api.codec import decode, decode_async, encode
from co_tui.api.data_assets import DataAssets
from co_tui.api.errors import (
    ApiConnectionError,
    ApiError,
    ApiTimeoutError,
    NotFoundError,
    UnexpectedResponseError,
    build_error,
    request_never_sent,
)
from co_tui.api.files import SignedFiles
from co_tui.api.http1 import ActiveConnection
from co_tui.api.quick_get import QuickAnswer, QuickApi, nothing, proxied
from co_tui.api.retry import (
    DownloadTimeouts,
    OpKind,
    Retrier,
    RetryBudget,
    RetryPolicy,
    Sleep,
    Timeouts,
)
from co_tui.api.tls import ssl_context
from co_tui.domain import InsecureDomainError, normalize_domain
from co_tui.redact import Secret, install_log_redaction, safe_url

log = logging.getLogger("co_tui.api")
"""The request log (``co-tui --debug``): one line per attempt, URLs without their query."""

__all__ = ["CodeOceanClient", "InsecureDomainError", "normalize_domain"]

T = TypeVar("T")

_CALLER_REPORTS: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "co_tui_caller_reports_missing", default=False)
"""Set inside :meth:`CodeOceanClient.caller_reports_missing` (copied into tasks started there)."""

def _origin(url: httpx.URL) -> tuple[str, str, int | None]:
    return (url.scheme, url.host, url.port)


class _OriginGuard(httpx.AsyncBaseTransport):
    """Refuses to send any request whose origin is not the API's (the token stays home)."""

    def __init__(self, inner: httpx.AsyncBaseTransport, origin: httpx.URL) -> None:
        self._inner = inner
        self._origin = _origin(origin)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if _origin(request.url) != self._origin:
            raise httpx.UnsupportedProtocol(
                f"refusing to send API credentials to {safe_url(request.url)}"
            )
        return await self._inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self._inner.aclose()


def _no_cookies() -> http.cookiejar.CookieJar:
    """A cookie jar that accepts nothing: neither origin gets to set state on this client."""
    return http.cookiejar.CookieJar(policy=http.cookiejar.DefaultCookiePolicy(allowed_domains=[]))


async def _refuse_auth_header(request: httpx.Request) -> None:
    """Signed-URL client hook: a request carrying credentials must never leave."""
    if "authorization" in request.headers or "cookie" in request.headers:
        raise httpx.UnsupportedProtocol("refusing to send credentials with a signed URL")


class CodeOceanClient:
    """Async client for one Code Ocean deployment.

    ``transport`` / ``files_transport`` are the test and ``--demo`` seam: pass the emulator's
    in-process transport, or leave them ``None`` for real sockets. ``sleep`` and ``rng`` are
    injectable so tests can record the retry schedule without waiting. ``max_response_bytes``
    caps the body read of one API answer (:data:`MAX_RESPONSE_BYTES` unless given).
    """

    def __init__(
        self,
        domain: str,
        token: str | Secret,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        files_transport: httpx.AsyncBaseTransport | None = None,
        timeouts: Timeouts | None = None,
        download_timeouts: DownloadTimeouts | None = None,
        retry: RetryPolicy | None = None,
        retry_budget: RetryBudget | None = None,
        sleep: Sleep = asyncio.sleep,
        rng: Callable[[float, float], float] = random.uniform,
        agent_id: str | None = None,
        allow_http: bool = False,
        max_response_bytes: int = MAX_RESPONSE_BYTES,
    ) -> None:
        install_log_redaction()
        self.max_response_bytes = max_response_bytes
        """The most read of one API answer; a larger one fails with
        :class:`~co_tui.api.errors.UnexpectedResponseError` (signed file URLs are not capped)."""
        self._token = token if isinstance(token, Secret) else Secret(token)
        self.domain = normalize_domain(domain, allow_http=allow_http)
        self.api_base = httpx.URL(f"{self.domain}/api/v1/")
        self.timeouts = timeouts or Timeouts()
        self.download_timeouts = download_timeouts or DownloadTimeouts()
        self.retry = retry or RetryPolicy()
        self.retrier = Retrier(self.retry, retry_budget or RetryBudget(), sleep=sleep, rng=rng)
        """Waits between attempts or gives up: API operations and signed-URL range reads."""
        headers = {"Accept": "application/json", "User-Agent": f"co-tui/{__version__}"}
        if agent_id:
            headers["Agent-Id"] = agent_id
        inner = transport or httpx.AsyncHTTPTransport(verify=ssl_context(), retries=0)
        t = self.timeouts
        self._api = httpx.AsyncClient(
            base_url=self.api_base,
            auth=httpx.BasicAuth(self._token.get(), ""),
            headers=headers,
            cookies=_no_cookies(),
            timeout=httpx.Timeout(connect=t.connect, read=t.read, write=t.write, pool=t.pool),
            follow_redirects=False,
            transport=_OriginGuard(inner, self.api_base),
        )
        d = self.download_timeouts
        self._files = httpx.AsyncClient(
            headers={"Accept-Encoding": "identity"},
            cookies=_no_cookies(),
            timeout=httpx.Timeout(connect=d.connect, read=d.read, write=d.write, pool=d.pool),
            follow_redirects=False,
            transport=files_transport or httpx.AsyncHTTPTransport(verify=ssl_context(), retries=0),
            event_hooks={"request": [_refuse_auth_header]},
            trust_env=False,
        )
        self.data_assets = DataAssets(self)
        self.capsules = Capsules(self, "capsules")
        self.pipelines = Pipelines(self, "pipelines")
        self.computations = Computations(self)
        self.custom_metadata = CustomMetadataSchema(self)
        self.files = SignedFiles(self, self._files, sockets=files_transport is None)
        self.quick = (QuickApi(str(self.api_base), self._token, headers, self.timeouts,
                               max_response_bytes)
                      if transport is None and not proxied(self.domain) else None)
        """The quick path for small reads (``request(..., quick=True)``); ``None`` on an
        injected transport or behind a proxy."""
        self.reachable: bool | None = None
        """Whether the API answered the last request (``None`` before the first one)."""
        self._reachability: list[Callable[[bool, ApiError | None], None]] = []
        self._missing: list[Callable[[NotFoundError], None]] = []

    def on_reachability(self, callback: Callable[[bool, ApiError | None], None]) -> None:
        """Call ``callback(reachable, error)`` when the API stops or starts answering.

        Unreachable: a request ended without any answer (connection failed or cut, timed out;
        after its retries), with that error. Reachable again: the next answer of any status.
        Only changes are reported, from the task that made the request. Signed file URLs
        (another host) do not count.
        """
        self._reachability.append(callback)

    def on_asset_missing(self, callback: Callable[[NotFoundError], None]) -> None:
        """Call ``callback(error)`` each time an endpoint of one data asset answers 404.

        ``error.asset_id`` names the asset; ``error.about_asset`` is False when the 404 may be
        about a file or folder inside it rather than the asset itself (see
        :class:`~co_tui.api.errors.NotFoundError`). Called from the task that made the request,
        just before the error is raised to it.
        """
        self._missing.append(callback)

    @staticmethod
    @contextlib.contextmanager
    def caller_reports_missing() -> Iterator[None]:
        """Requests made inside this block (and tasks it starts) mark their 404s
        ``caller_reports``: the caller tells the user what became of each asset itself."""
        token = _CALLER_REPORTS.set(True)
        try:
            yield
        finally:
            _CALLER_REPORTS.reset(token)

    def _asset_missing(self, error: NotFoundError, asset_id: str, about_asset: bool) -> None:
        error.asset_id = asset_id
        error.about_asset = about_asset
        error.caller_reports = _CALLER_REPORTS.get()
        for callback in list(self._missing):
            try:
                callback(error)
            except Exception:  # a listener's failure must not replace the caller's error
                log.exception("on_asset_missing listener failed")

    def _reached(self, reachable: bool, error: ApiError | None = None) -> None:
        if reachable == self.reachable:
            return
        self.reachable = reachable
        for callback in list(self._reachability):
            callback(reachable, error)

    def __repr__(self) -> str:
        return f"CodeOceanClient(domain={self.domain!r})"

    @property
    def web_base(self) -> str:
        """The deployment's web origin, for links such as ``{domain}/data-assets/{id}``."""
        return self.domain

    async def aclose(self) -> None:
        """Close both connection pools and the socket reader's kept-alive connections."""
        await self._api.aclose()
        await self._files.aclose()
        self.files.pool.close()
        if self.quick is not None:
            self.quick.close()

    async def __aenter__(self) -> CodeOceanClient:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    # --- the one request path ------------------------------------------------------------------

    async def request(
        self,
        operation: str,
        method: str,
        path: str,
        *,
        kind: OpKind,
        body: Any = None,
        params: Mapping[str, str] | None = None,
        result: type[T] | None = None,
        asset_id: str | None = None,
        about_asset: bool = True,
        quick: bool = False,
    ) -> T | None:
        """Send one API operation with its retry policy and deadline; decode the answer.

        ``body`` is encoded as JSON (models drop unset fields). ``result`` is the type to decode
        the response into, or ``None`` to ignore the body (204 answers). ``asset_id`` names the
        data asset whose endpoint this is: a 404 is then reported to :meth:`on_asset_missing`
        (``about_asset`` False: the 404 may be about something inside the asset). ``quick``
        (a small read sent many times, such as a file's signed URLs or a folder's listing: a
        ``GET``, or a ``POST`` of a ``READ`` operation): each attempt goes through
        :attr:`quick` first, and through httpx when that cannot read the answer.
        """
        content = None if body is None else encode(body)
        headers = {"Content-Type": "application/json"} if content is not None else None
        quick = quick and kind is OpKind.READ and method == ("GET" if content is None else "POST")
        try:
            return await self._request(operation, method, path, kind=kind, content=content,
                                       headers=headers, params=params, result=result,
                                       quick=quick)
        except (ApiConnectionError, ApiTimeoutError) as error:
            self._reached(False, error)
            raise
        except NotFoundError as error:
            if asset_id is not None:
                self._asset_missing(error, asset_id, about_asset)
            raise

    async def _request(
        self,
        operation: str,
        method: str,
        path: str,
        *,
        kind: OpKind,
        content: bytes | None,
        headers: dict[str, str] | None,
        params: Mapping[str, str] | None,
        result: type[T] | None,
        quick: bool = False,
    ) -> T | None:
        """:meth:`request` after encoding: the attempts, within the operation's deadline."""
        write = kind is OpKind.WRITE
        reached = False  # some attempt may have reached the server
        in_flight = False  # an attempt is being sent or awaited right now
        try:
            async with asyncio.timeout(self.timeouts.deadline):
                attempt = 0
                while True:
                    attempt += 1
                    in_flight = True
                    started = time.perf_counter()
                    try:
                        answer = (await self._send_quick(path, params, content) if quick
                                  else None)
                        if answer is None:
                            response, body, complete = await self._send(
                                method, path, content=content, params=params, headers=headers
                            )
                            status, via = response.status_code, ""
                        else:
                            response, body, complete = None, answer.body, True
                            status, via = answer.status, " (quick)"
                    except httpx.TransportError as exc:
                        if log.isEnabledFor(logging.DEBUG):
                            log.debug("%s %s %s -> %s after %.0f ms (attempt %d)", operation,
                                      method, safe_url(self.api_base.join(path)),
                                      type(exc).__name__,
                                      (time.perf_counter() - started) * 1000, attempt)
                        in_flight = False
                        never_sent = request_never_sent(exc)
                        reached = reached or not never_sent
                        error = build_error(operation=operation, exc=exc, write=write, url=path)
                        await self.retrier.backoff_or_raise(error, exc, kind, attempt, never_sent)
                        continue
                    in_flight = False
                    reached = True
                    self._reached(True)
                    if log.isEnabledFor(logging.DEBUG):
                        url = (self.api_base.join(path) if response is None
                               else response.request.url)
                        log.debug("%s %s %s -> %d, %d bytes in %.0f ms (attempt %d)%s",
                                  operation, method, safe_url(url), status, len(body),
                                  (time.perf_counter() - started) * 1000, attempt, via)
                    if status >= 400:
                        if response is None:
                            assert answer is not None
                            response = self._quick_response(answer, method, path, params)
                        error = build_error(
                            operation=operation,
                            response=with_body(response, body),
                            write=write,
                            url=path,
                            now=time.time(),
                        )
                        await self.retrier.backoff_or_raise(error, None, kind, attempt, False)
                        continue
                    if result is None:
                        return None
                    if not complete:
                        raise UnexpectedResponseError(
                            f"the response is larger than {size_text(self.max_response_bytes)},"
                            " the most this client reads from the API",
                            status=status, operation=operation,
                            url=safe_url(path),
                        )
                    try:
                        return await decode_async(body, result)
                    except (ValueError, RecursionError, MemoryError) as exc:
                        # msgspec's errors and the lenient reader's are ValueErrors; the other
                        # two are belts and braces for a decoder that gives up some other way
                        reason = exc if isinstance(exc, ValueError) else ValueError(
                            "the body could not be decoded")
                        raise build_error(operation=operation, exc=reason, url=path) from exc
        except TimeoutError as exc:
            raise ApiTimeoutError(
                f"no answer within {self.timeouts.deadline:g} s",
                operation=operation,
                url=safe_url(path),
                outcome_unknown=write and (reached or in_flight),
            ) from exc

    async def _send_quick(self, path: str, params: Mapping[str, str] | None,
                          content: bytes | None) -> QuickAnswer | None:
        """One attempt through :attr:`quick` (in its threads; a ``POST`` of ``content`` when
        given, else a GET); ``None`` when that path is off, closed, or could not read the
        answer: then the attempt goes through httpx."""
        quick = self.quick
        if quick is None:
            return None
        try:
            return await asyncio.get_running_loop().run_in_executor(
                quick.executor, quick.get, path, params or {}, content)
        except RuntimeError:  # the client was closed meanwhile: its executor takes no more
            return None

    def quick_read_later(self, operation: str, path: str, params: Mapping[str, str],
                         result: type[T], active: ActiveConnection | None = None
                         ) -> Callable[[], T | None]:
        """A GET's first attempt through :attr:`quick`, sent now in the calling thread, for a
        caller that does the rest of its work there (a download lane); the returned call reads
        the answer there (:meth:`QuickApi.start`): the decoded answer when it is a whole
        ``200`` that decodes, else ``None``, and the caller sends the operation through
        :meth:`request` (which decides what any other answer means, retries, and reports).

        Also ``None`` while the API counts as unreachable, so that the loop's request path is
        the one that reports it reachable again (its callbacks run on the event loop)."""
        quick = self.quick
        if quick is None or not self.reachable:
            return nothing
        started = time.perf_counter()
        answer_of = quick.start(path, params, active)

        def read() -> T | None:
            answer = answer_of()
            if answer is None or answer.status != 200:
                return None
            try:
                value = decode(answer.body, result)
            except (ValueError, RecursionError, MemoryError):
                return None
            if log.isEnabledFor(logging.DEBUG):
                log.debug("%s GET %s -> 200, %d bytes in %.0f ms (attempt 1) (quick, in a "
                          "thread)", operation, safe_url(self.api_base.join(path)),
                          len(answer.body), (time.perf_counter() - started) * 1000)
            return value

        return read

    def _quick_response(self, answer: QuickAnswer, method: str, path: str,
                        params: Mapping[str, str] | None) -> httpx.Response:
        """A quick answer as the httpx response ``build_error`` reads (made only for errors:
        building one costs more than the whole quick request)."""
        return httpx.Response(answer.status, headers=answer.headers.pairs,
                              request=httpx.Request(method, self.api_base.join(path),
                                                    params=params))

    async def _send(
        self,
        method: str,
        path: str,
        *,
        content: bytes | None,
        params: Mapping[str, str] | None,
        headers: dict[str, str] | None,
    ) -> tuple[httpx.Response, bytes, bool]:
        """Send one attempt and read its body, at most :attr:`max_response_bytes` of it.

        Returns the response, the body and whether the body is complete. The body is read as
        it streams in, so an answer larger than the cap costs no more memory than the cap.
        Transport errors while reading are raised like those of sending.
        """
        request = self._api.build_request(
            method, path, content=content, params=params, headers=headers
        )
        response = await self._api.send(request, stream=True)
        try:
            body, complete = await read_capped(response, self.max_response_bytes)
        finally:
            await response.aclose()
        return response, body, complete
