"""Fixtures for the settings and credentials tests (the suite conftest already isolates HOME/XDG)."""

from __future__ import annotations

import secrets

import pytest


@pytest.fixture
def canary() -> str:
    """A token whose every appearance is a leak."""
    return f"CO_TEST_{secrets.token_hex(8)}"
