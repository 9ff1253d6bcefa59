"""The one verifying TLS context of the process.

Both httpx clients (the API origin and signed URLs) and the socket reader of
:mod:`co_tui.api.fast_download` use it. Loading the CA bundle is the slowest part of making a
client (it parses every certificate), so it is built once, on first use, and shared (an
``SSLContext`` may wrap sockets from several threads).
"""

from __future__ import annotations

import functools
import ssl

import httpx

__all__ = ["ssl_context"]


@functools.cache
def ssl_context() -> ssl.SSLContext:
    """The verifying context (certifi's CA bundle, or ``SSL_CERT_FILE`` / ``SSL_CERT_DIR`` as
    httpx honours them), built on the first call."""
    return httpx.create_ssl_context()
