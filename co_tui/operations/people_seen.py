"""E-mail addresses and group names seen in permissions during this session.

The share dialog completes what the user types in its add line from these. They are kept per
client (one client is one session with one deployment), most recently seen first, and never
written to disk.
"""

from __future__ import annotations

from weakref import WeakKeyDictionary

from co_tui.api.models import Permissions

__all__ = ["PeopleSeen", "people_seen"]

LIMIT = 500
"""At most this many addresses (and as many groups) are remembered; the oldest go first."""


class PeopleSeen:
    """Users and groups met in permissions, most recent first (users ignoring case)."""

    def __init__(self) -> None:
        self._emails: dict[str, str] = {}
        self._groups: dict[str, str] = {}

    def note(self, permissions: Permissions | None) -> None:
        """Remember everyone named in ``permissions``."""
        if permissions is None:
            return
        for user in permissions.users or ():
            self.note_email(user.email)
        for group in permissions.groups or ():
            self.note_group(group.group)

    def note_email(self, email: str) -> None:
        """Remember one address (the latest spelling wins)."""
        _remember(self._emails, email.strip().casefold(), email.strip())

    def note_group(self, group: str) -> None:
        """Remember one group name."""
        _remember(self._groups, group.strip(), group.strip())

    @property
    def emails(self) -> list[str]:
        """Addresses, most recently seen first."""
        return list(reversed(self._emails.values()))

    @property
    def groups(self) -> list[str]:
        """Group names, most recently seen first."""
        return list(reversed(self._groups.values()))


def _remember(seen: dict[str, str], key: str, value: str) -> None:
    if not key:
        return
    seen.pop(key, None)
    seen[key] = value
    while len(seen) > LIMIT:
        del seen[next(iter(seen))]


_SEEN: WeakKeyDictionary[object, PeopleSeen] = WeakKeyDictionary()


def people_seen(session: object) -> PeopleSeen:
    """The people seen with ``session`` (the client), created on first use."""
    found = _SEEN.get(session)
    if found is None:
        found = _SEEN[session] = PeopleSeen()
    return found
