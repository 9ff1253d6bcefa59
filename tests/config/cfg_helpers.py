"""Helpers shared by the settings and credentials tests."""

from __future__ import annotations

import base64
import os
import stat
import urllib.parse
from pathlib import Path


def canary_forms(token: str) -> list[str]:
    """Every form a leaked token could take (docs/reliability.md, 'Token secrecy')."""
    return [
        token,
        base64.b64encode(f"{token}:".encode()).decode(),
        base64.b64encode(token.encode()).decode(),
        urllib.parse.quote(token, safe=""),
    ]


def assert_no_canary(token: str, *texts: object) -> None:
    """None of ``texts`` (stringified) contains any form of ``token``."""
    for text in texts:
        shown = str(text)
        for form in canary_forms(token):
            assert form not in shown, f"token form leaked in {shown[:200]!r}"


def mode(path: Path) -> int:
    """Permission bits of ``path``."""
    return stat.S_IMODE(os.stat(path).st_mode)
