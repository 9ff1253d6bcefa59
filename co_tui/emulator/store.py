"""SQLite state of the emulator: schema, connection, users and the per-asset primitives.

One connection, guarded by one re-entrant lock, is shared by every request. Handlers call it
directly from the event loop: each call is an indexed point lookup or one keyset page of at most
1001 rows (bench/list_assets.py pages through a large store this way), so a thread hop would
cost more than it saves. The lock matters because the same emulator can be driven from two
threads (uvicorn's thread and a test's), hence ``check_same_thread=False``.

Higher-level operations live in sibling modules that take a :class:`Store`: ``loader`` (seeding),
``tree`` (file trees), ``acl`` (roles), ``search`` (queries), ``assets`` (writes), ``create``
(new assets: the emulator hands the store its step that finishes a draft, see
:data:`FinishPending`).
The store imports none of them.
"""

from __future__ import annotations

import secrets
import sqlite3
import threading
from collections.abc import Callable, Hashable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from co_tui.emulator.index import SearchIndex

FinishPending = Callable[["Store", sqlite3.Connection, int], str]
"""Applies a created asset's due plan (``create.finish_pending``) to the asset with that primary
key inside the caller's transaction and returns its id. The store does not know what a plan
holds: whoever builds the store passes this in, so the store imports no higher module."""

SCHEMA_VERSION = "1"

MEMO_ENTRIES = 1 << 16
"""Values :meth:`Store.cached` keeps at most (all are dropped when it is full)."""

T = TypeVar("T")

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS users (
    id TEXT PRIMARY KEY, email TEXT NOT NULL, email_lc TEXT NOT NULL UNIQUE, name TEXT NOT NULL,
    token TEXT UNIQUE, admin INTEGER NOT NULL, seq INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS user_groups (
    user_id TEXT NOT NULL, grp TEXT NOT NULL, PRIMARY KEY (user_id, grp)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS groups (name TEXT PRIMARY KEY) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS assets (
    pk INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    name_lc TEXT NOT NULL, owner TEXT NOT NULL, created INTEGER NOT NULL,
    type TEXT NOT NULL, state TEXT NOT NULL, mount TEXT NOT NULL,
    description_lc TEXT NOT NULL, tags_key TEXT NOT NULL, search_text TEXT NOT NULL,
    size INTEGER NOT NULL, files INTEGER NOT NULL,
    size_override INTEGER, files_override INTEGER, external INTEGER NOT NULL,
    run_script_lc TEXT NOT NULL, commit_lc TEXT NOT NULL,
    custom_metadata TEXT, contained_key TEXT NOT NULL,
    archived INTEGER NOT NULL, everyone TEXT NOT NULL,
    ready_at REAL, pending TEXT);
CREATE TABLE IF NOT EXISTS asset_json (pk INTEGER PRIMARY KEY, wire BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS asset_users (
    asset INTEGER NOT NULL, email_lc TEXT NOT NULL, role TEXT NOT NULL,
    PRIMARY KEY (asset, email_lc)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS asset_groups (
    asset INTEGER NOT NULL, grp TEXT NOT NULL, role TEXT NOT NULL,
    PRIMARY KEY (asset, grp)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS asset_share (asset INTEGER PRIMARY KEY, share_assets INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS favorites (
    user_id TEXT NOT NULL, asset INTEGER NOT NULL, PRIMARY KEY (user_id, asset)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS files (
    asset INTEGER NOT NULL, parent TEXT NOT NULL, name TEXT NOT NULL, is_dir INTEGER NOT NULL,
    size INTEGER NOT NULL, kind TEXT, seed INTEGER, data BLOB, salt TEXT NOT NULL,
    PRIMARY KEY (asset, parent, name)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS gen_folders (
    asset INTEGER NOT NULL, path TEXT NOT NULL, count INTEGER NOT NULL, size INTEGER NOT NULL,
    template TEXT NOT NULL, kind TEXT NOT NULL, salt TEXT NOT NULL,
    PRIMARY KEY (asset, path)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS capsules (
    id TEXT PRIMARY KEY, kind TEXT NOT NULL, name TEXT NOT NULL, owner TEXT NOT NULL,
    created INTEGER NOT NULL, slug TEXT NOT NULL, status TEXT NOT NULL,
    description TEXT NOT NULL, tags TEXT NOT NULL, everyone TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS capsule_users (
    capsule TEXT NOT NULL, email_lc TEXT NOT NULL, role TEXT NOT NULL,
    PRIMARY KEY (capsule, email_lc)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS attachments (
    target TEXT NOT NULL, asset_id TEXT NOT NULL, mount TEXT NOT NULL, seq INTEGER NOT NULL,
    PRIMARY KEY (target, asset_id)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS computations (
    id TEXT PRIMARY KEY, owner TEXT NOT NULL, capsule_id TEXT, pipeline_id TEXT,
    cloud_workstation INTEGER NOT NULL, doc TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS comp_results (
    computation TEXT NOT NULL, path TEXT NOT NULL, size INTEGER NOT NULL, kind TEXT NOT NULL,
    seed INTEGER NOT NULL, data BLOB NOT NULL, PRIMARY KEY (computation, path)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS buckets (name TEXT PRIMARY KEY) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS bucket_objects (
    bucket TEXT NOT NULL, key TEXT NOT NULL, size INTEGER NOT NULL, kind TEXT NOT NULL,
    seed INTEGER NOT NULL, data BLOB NOT NULL, PRIMARY KEY (bucket, key)) WITHOUT ROWID;
"""

RowLike = sqlite3.Row | Mapping[str, Any]
"""A database row, or a mapping with the same keys."""

ASSET_SELECT = "SELECT a.*, j.wire FROM assets a JOIN asset_json j ON j.pk = a.pk"
"""An asset's columns and its encoded JSON (``wire``); add a ``WHERE`` clause."""

INDEXES = """
CREATE INDEX IF NOT EXISTS assets_created ON assets (archived, created, id);
CREATE INDEX IF NOT EXISTS assets_name ON assets (archived, name_lc, id);
CREATE INDEX IF NOT EXISTS assets_size ON assets (archived, size, id);
CREATE INDEX IF NOT EXISTS assets_type ON assets (archived, type, id);
CREATE INDEX IF NOT EXISTS assets_pending ON assets (ready_at) WHERE ready_at IS NOT NULL;
CREATE INDEX IF NOT EXISTS asset_users_email ON asset_users (email_lc, asset);
CREATE INDEX IF NOT EXISTS asset_groups_grp ON asset_groups (grp, asset);
CREATE INDEX IF NOT EXISTS attachments_asset ON attachments (asset_id);
"""

FTS_TABLE = """
CREATE VIRTUAL TABLE IF NOT EXISTS {schema}asset_fts USING fts5(
    name, body, run_script, tokenize='unicode61 remove_diacritics 2', prefix='1 2 3');
"""
"""The word index of search: an asset's name, its free text (name, tags, description and
custom-metadata values) and its run script, by the asset's ``pk`` (the FTS rowid). The prefix
indexes (words cut to 1, 2 and 3 characters) change no result; they make a short prefix - what
is typed first - cheap to expand (a word of 50,000 matches: ~5 ms -> ~3 ms)."""

FTS_FILL = ("INSERT INTO {schema}asset_fts (rowid, name, body, run_script) "
            "SELECT pk, name_lc, search_text, run_script_lc FROM {schema}assets")

FTS_TRIGGERS = """
CREATE TRIGGER IF NOT EXISTS {schema}assets_fts_insert AFTER INSERT ON assets BEGIN
    INSERT INTO asset_fts (rowid, name, body, run_script)
    VALUES (new.pk, new.name_lc, new.search_text, new.run_script_lc);
END;
CREATE TRIGGER IF NOT EXISTS {schema}assets_fts_delete AFTER DELETE ON assets BEGIN
    DELETE FROM asset_fts WHERE rowid = old.pk;
END;
CREATE TRIGGER IF NOT EXISTS {schema}assets_fts_update
AFTER UPDATE OF name_lc, search_text, run_script_lc ON assets BEGIN
    UPDATE asset_fts SET name = new.name_lc, body = new.search_text,
        run_script = new.run_script_lc WHERE rowid = old.pk;
END;
"""
"""Keep ``asset_fts`` in step with ``assets`` on every write, whichever code path makes it."""


def ensure_fts(conn: sqlite3.Connection, schema: str = "") -> None:
    """Create and fill the word index of ``schema`` (``""`` = main, ``"idx."``) if it is missing,
    then its triggers (a bulk fill is much faster than one trigger call per seeded asset)."""
    name = schema.rstrip(".") or "main"
    found = conn.execute(
        f"SELECT 1 FROM {name}.sqlite_master WHERE name = 'asset_fts'").fetchone()
    if found is None:
        conn.executescript(FTS_TABLE.format(schema=schema))
        conn.execute(FTS_FILL.format(schema=schema))
    conn.executescript(FTS_TRIGGERS.format(schema=schema))


def _lower(value: Any) -> Any:
    """SQL ``co_lower()``: Python's Unicode-aware lower() (SQLite's is ASCII only)."""
    return value.lower() if isinstance(value, str) else value


@dataclass(frozen=True)
class User:
    """A user of the emulated deployment, as the store knows it."""

    id: str
    email: str
    name: str
    admin: bool
    groups: tuple[str, ...]
    token: str | None = None

    @property
    def email_lc(self) -> str:
        """The e-mail address as grants store it (case-insensitive)."""
        return self.email.lower()


class Store:
    """The SQLite database of one emulator (in memory, or ``data_dir/emulator.sqlite3``)."""

    def __init__(self, data_dir: Path | None, clock: Callable[[], float], *,
                 finish_pending: FinishPending) -> None:
        self.clock = clock
        self._finish_pending = finish_pending
        self.lock = threading.RLock()
        if data_dir is None:
            target = ":memory:"
        else:
            data_dir.mkdir(parents=True, exist_ok=True)
            target = str(data_dir / "emulator.sqlite3")
        self.path = target
        self.conn = sqlite3.connect(target, check_same_thread=False, isolation_level=None)
        self.conn.row_factory = sqlite3.Row
        if data_dir is not None:
            self.conn.execute("PRAGMA journal_mode=WAL")
            self.conn.execute("PRAGMA synchronous=NORMAL")
        self.conn.execute("PRAGMA temp_store=MEMORY")
        self.conn.create_function("co_lower", 1, _lower, deterministic=True)
        self.conn.executescript(SCHEMA)
        self._users_by_token: dict[str, User] = {}
        self._users_by_id: dict[str, User] = {}
        self._users_by_email: dict[str, User] = {}
        self.on_asset_change: list[Callable[[str], None]] = []
        """Callbacks told the id of every asset whose files or existence changed."""
        self.after_commit: list[Callable[[], None]] = []
        """Callbacks run (under the lock) after every write transaction commits."""
        self.index: SearchIndex | None = None
        """The lagging search index, when search lags behind writes (``index.py``)."""
        self._secret: bytes | None = None
        self._memo: dict[Hashable, Any] = {}
        self._memo_version = -1

    # -- plumbing --------------------------------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """Hold the lock and run the block in one write transaction (rolled back on error)."""
        with self.lock:
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield self.conn
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise
            self.conn.execute("COMMIT")
            for callback in self.after_commit:
                callback()

    def query(self, sql: str, args: tuple[Any, ...] | list[Any] = ()) -> list[sqlite3.Row]:
        """Run a read query under the lock and return every row."""
        with self.lock:
            return self.conn.execute(sql, args).fetchall()

    def query_one(self, sql: str, args: tuple[Any, ...] | list[Any] = ()) -> sqlite3.Row | None:
        """Run a read query under the lock and return its first row."""
        with self.lock:
            row: sqlite3.Row | None = self.conn.execute(sql, args).fetchone()
            return row

    def cached(self, key: Hashable, compute: Callable[[], T]) -> T:
        """``compute()``, or the value it gave for ``key`` while no row has been written since.

        The data version is SQLite's count of rows written on this connection
        (``Connection.total_changes``, as for the search page cache): any write, even one rolled
        back, drops every value. Inside a transaction nothing is kept, because a value read
        from uncommitted rows would outlive their rollback. ``compute`` must only read, and its
        value must not be mutated by callers.
        """
        with self.lock:
            conn = self.conn
            version = conn.total_changes
            if version != self._memo_version:
                self._memo.clear()
                self._memo_version = version
            try:
                value: T = self._memo[key]
                return value
            except KeyError:
                pass
            value = compute()
            if not conn.in_transaction and conn.total_changes == version:
                if len(self._memo) >= MEMO_ENTRIES:
                    self._memo.clear()
                self._memo[key] = value
            return value

    def close(self) -> None:
        """Close the database connection."""
        with self.lock:
            self.conn.close()

    def create_indexes(self) -> None:
        """Create secondary indexes (after a bulk load, which is faster without them)."""
        with self.lock:
            self.conn.executescript(INDEXES)
            ensure_fts(self.conn)
            self.conn.execute("ANALYZE")

    def check_existing(self) -> None:
        """Make sure a database found in ``data_dir`` can be used: same schema version, and
        indexes present (a crash right after seeding could have left them out)."""
        found = self.meta_get("schema_version")
        if found != SCHEMA_VERSION:
            raise ValueError(
                f"{self.path} was written by an incompatible emulator (schema {found}, "
                f"expected {SCHEMA_VERSION}); remove it to start afresh")
        with self.lock:
            self.conn.executescript(INDEXES)
            ensure_fts(self.conn)  # stores written before search used a word index

    def notify_asset_changed(self, asset_id: str) -> None:
        """Tell listeners (file-listing caches) that an asset's files or existence changed."""
        for callback in self.on_asset_change:
            callback(asset_id)

    # -- meta --------------------------------------------------------------------------------

    def meta_get(self, key: str) -> str | None:
        """A value from the ``meta`` table."""
        row = self.query_one("SELECT value FROM meta WHERE key = ?", (key,))
        return None if row is None else str(row["value"])

    def meta_set(self, key: str, value: str) -> None:
        """Store a value in the ``meta`` table."""
        with self.lock:
            self.conn.execute(
                "INSERT INTO meta (key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (key, value),
            )

    @property
    def seeded(self) -> bool:
        """Whether a seed has been loaded into this database already."""
        return self.meta_get("seeded") is not None

    def secret(self) -> bytes:
        """The per-deployment signing secret (created once, kept across restarts)."""
        if self._secret is None:
            value = self.meta_get("secret")
            if value is None:
                value = secrets.token_hex(32)
                self.meta_set("secret", value)
            self._secret = bytes.fromhex(value)
        return self._secret

    # -- users -------------------------------------------------------------------------------

    def reload_users(self) -> None:
        """Refresh the in-memory user maps from the ``users`` table."""
        with self.lock:
            groups: dict[str, list[str]] = {}
            for row in self.conn.execute("SELECT user_id, grp FROM user_groups ORDER BY grp"):
                groups.setdefault(row["user_id"], []).append(row["grp"])
            users = [
                User(
                    id=row["id"],
                    email=row["email"],
                    name=row["name"],
                    admin=bool(row["admin"]),
                    groups=tuple(groups.get(row["id"], ())),
                    token=row["token"],
                )
                for row in self.conn.execute("SELECT * FROM users ORDER BY seq")
            ]
        self._users_by_id = {user.id: user for user in users}
        self._users_by_email = {user.email_lc: user for user in users}
        self._users_by_token = {user.token: user for user in users if user.token}
        self.users = users

    def set_token(self, user_id: str, token: str) -> None:
        """Give ``user_id`` the API token ``token`` (taking it from any other user)."""
        with self.transaction() as conn:
            conn.execute("UPDATE users SET token = NULL WHERE token = ? AND id != ?",
                         (token, user_id))
            conn.execute("UPDATE users SET token = ? WHERE id = ?", (token, user_id))
        self.reload_users()

    def user_by_token(self, token: str) -> User | None:
        """The user owning an API token."""
        return self._users_by_token.get(token)

    def user_by_id(self, user_id: str) -> User | None:
        """A user by id."""
        return self._users_by_id.get(user_id)

    def user_by_email(self, email: str) -> User | None:
        """A user by e-mail address (case-insensitive)."""
        return self._users_by_email.get(email.lower())

    def email_of(self, user_id: str) -> str | None:
        """The e-mail address of a user id, if known."""
        user = self._users_by_id.get(user_id)
        return None if user is None else user.email

    def known_groups(self) -> set[str]:
        """Every group name of the deployment."""
        return {row["name"] for row in self.query("SELECT name FROM groups")}

    # -- assets ------------------------------------------------------------------------------

    def asset_row(self, asset_id: str) -> sqlite3.Row | None:
        """The ``assets`` row of an id plus its stored JSON (``wire``), or ``None``.

        Call :meth:`settle` first, once per request.
        """
        return self.cached(("asset_row", asset_id),
                           lambda: self.query_one(f"{ASSET_SELECT} WHERE a.id = ?", (asset_id,)))

    def settle(self) -> None:
        """Apply due draft -> ready/failed transitions (lazily, on read; cheap when none are due).

        Called once at the start of every request, outside any transaction. The earliest due
        time is remembered until the next write, so a request with nothing due costs no query.
        """
        now = self.clock()
        if now < self.cached(("next_due",), self._next_due):
            return
        with self.lock:
            due = self.conn.execute(
                "SELECT pk FROM assets WHERE ready_at IS NOT NULL AND ready_at <= ?", (now,)
            ).fetchall()
            if not due:
                return
            changed = []
            with self.transaction() as conn:
                for row in due:
                    changed.append(self._finish_pending(self, conn, row["pk"]))
        for asset_id in changed:
            self.notify_asset_changed(asset_id)

    def _next_due(self) -> float:
        """The earliest time a draft asset is due to settle (infinity when none is pending)."""
        row = self.query_one("SELECT MIN(ready_at) FROM assets WHERE ready_at IS NOT NULL")
        return float("inf") if row is None or row[0] is None else float(row[0])
