"""co-tui: a keyboard-driven terminal browser for Code Ocean data assets."""

from __future__ import annotations

__version__ = "0.1.0"
