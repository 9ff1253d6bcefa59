"""A search index that lags behind writes, like a real deployment's (``--search-lag MS``).

A real Code Ocean search is served by an index that is refreshed some time after a write: a
``GET /data_assets/{id}`` shows the new state at once, while search keeps returning the old
document (old name and tags, old archived state, a deleted asset still listed, a new one not
yet there) for a while. :class:`SearchIndex` reproduces that with fixed delay ``lag`` seconds:
search at time ``T`` sees every asset as it was at ``T - lag``.

How: the index is a copy of the tables search reads (``assets``, ``asset_json``,
``asset_users``, ``asset_groups`` and the word index ``asset_fts``) in an in-memory database
attached as ``idx``; search reads ``idx.*`` instead of the live tables. Temporary triggers on
the live tables note the ``pk`` of every asset a write touches, whatever code path made it.
After each commit those assets are snapshotted (their rows at that moment) into a queue with
due time ``now + lag``; at the start of each request and of each search, due snapshots are
written into the copy. Cost: one copy of the tables at start-up (only with a lag), a few point
reads per write, nothing per search row. Without a lag there is no index object at all and
search reads the live tables.

The clock is the emulator's (``EmulatorConfig.clock``), so tests drive the lag with a fake
clock, or call :meth:`SearchIndex.catch_up` to make every write visible at once.
"""

from __future__ import annotations

import re
import sqlite3
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from co_tui.emulator.store import INDEXES, SCHEMA, Store, ensure_fts

SCHEMA_NAME = "idx"
TABLES = ("assets", "asset_json", "asset_users", "asset_groups")
"""Live tables the index copies (besides the word index, rebuilt from ``assets``)."""
_KEYS = {"assets": "pk", "asset_json": "pk", "asset_users": "asset", "asset_groups": "asset"}

_DIRTY = """
CREATE TEMP TABLE IF NOT EXISTS idx_dirty (pk INTEGER PRIMARY KEY);
""" + "".join(
    f"""
CREATE TEMP TRIGGER IF NOT EXISTS idx_dirty_{table}_{event} AFTER {event} ON main.{table} BEGIN
    INSERT OR IGNORE INTO idx_dirty (pk) VALUES ({row}.{key});
END;"""
    for table, key in _KEYS.items()
    for event, row in (("insert", "new"), ("update", "new"), ("delete", "old"))
)


@dataclass(frozen=True)
class _Snapshot:
    """The rows of one asset in the tables search reads, as they were at a commit."""

    pk: int
    asset: tuple[Any, ...] | None
    rows: dict[str, list[tuple[Any, ...]]]


def _table_sql(table: str) -> str:
    """The ``CREATE TABLE`` statement of ``table`` from the store's schema, in schema ``idx``."""
    match = re.search(rf"CREATE TABLE IF NOT EXISTS {table} (\(.*?;)", SCHEMA, re.S)
    if match is None:  # pragma: no cover - the schema names every copied table
        raise LookupError(table)
    return f"CREATE TABLE IF NOT EXISTS {SCHEMA_NAME}.{table} {match.group(1)}"


def _index_sql() -> str:
    """The store's secondary indexes on the copied tables, in schema ``idx``."""
    out = []
    for line in INDEXES.strip().splitlines():
        match = re.match(r"CREATE INDEX IF NOT EXISTS (\w+) ON (\w+) (.*)", line)
        if match and match.group(2) in TABLES:
            name, table, rest = match.groups()
            out.append(f"CREATE INDEX IF NOT EXISTS {SCHEMA_NAME}.{name} ON {table} {rest}")
    return "\n".join(out)


class SearchIndex:
    """The lagging copy search reads; see the module docstring."""

    schema = f"{SCHEMA_NAME}."
    """Prefix of the tables search reads."""

    def __init__(self, store: Store, lag: float, clock: Callable[[], float]) -> None:
        if lag <= 0:
            raise ValueError("a search index needs a lag > 0 (without one, search is live)")
        self.store = store
        self.lag = lag
        self.clock = clock
        self._queue: deque[tuple[float, _Snapshot]] = deque()
        conn = store.conn
        with store.lock:
            conn.execute(f"ATTACH DATABASE ':memory:' AS {SCHEMA_NAME}")
            for table in TABLES:
                conn.execute(_table_sql(table))
            conn.execute("BEGIN")
            for table in TABLES:
                conn.execute(f"INSERT INTO {SCHEMA_NAME}.{table} SELECT * FROM main.{table}")
            conn.execute("COMMIT")
            conn.executescript(_index_sql())
            ensure_fts(conn, self.schema)
            conn.execute(f"ANALYZE {SCHEMA_NAME}")
            conn.executescript(_DIRTY)
            conn.execute("DELETE FROM temp.idx_dirty")
        store.after_commit.append(self._note_writes)

    # -- writes --------------------------------------------------------------------------------

    def _snapshot(self, conn: sqlite3.Connection, pk: int) -> _Snapshot:
        asset = conn.execute("SELECT * FROM main.assets WHERE pk = ?", (pk,)).fetchone()
        rows = {
            table: [tuple(row) for row in conn.execute(
                f"SELECT * FROM main.{table} WHERE {_KEYS[table]} = ?", (pk,))]
            for table in TABLES[1:]
        }
        return _Snapshot(pk, None if asset is None else tuple(asset), rows)

    def _note_writes(self) -> None:
        """Queue a snapshot of every asset written since the last call (runs after commits)."""
        conn = self.store.conn
        with self.store.lock:
            dirty = [row[0] for row in conn.execute("SELECT pk FROM temp.idx_dirty")]
            if not dirty:
                return
            conn.execute("DELETE FROM temp.idx_dirty")
            due = self.clock() + self.lag
            for pk in dirty:
                self._queue.append((due, self._snapshot(conn, pk)))

    # -- reads ---------------------------------------------------------------------------------

    @property
    def pending(self) -> int:
        """How many written asset states search does not show yet (those that are due by now
        are applied first, so with a real clock this drops to 0 once the lag has passed)."""
        with self.store.lock:
            self.refresh()
            return len(self._queue)

    def refresh(self) -> None:
        """Write every snapshot that is due into the copy (cheap when none is)."""
        self._apply(self.clock())

    def catch_up(self) -> None:
        """Make every write so far visible to search now (tests: no waiting for the lag)."""
        self._apply(float("inf"))

    def _apply(self, now: float) -> None:
        with self.store.lock:
            self._note_writes()
            if not self._queue or self._queue[0][0] > now:
                return
            conn = self.store.conn
            conn.execute("BEGIN IMMEDIATE")
            try:
                while self._queue and self._queue[0][0] <= now:
                    self._write(conn, self._queue.popleft()[1])
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    def _write(self, conn: sqlite3.Connection, snap: _Snapshot) -> None:
        for table in TABLES:
            conn.execute(f"DELETE FROM {SCHEMA_NAME}.{table} WHERE {_KEYS[table]} = ?",
                         (snap.pk,))
        if snap.asset is None:
            return
        marks = ",".join("?" * len(snap.asset))
        conn.execute(f"INSERT INTO {SCHEMA_NAME}.assets VALUES ({marks})", snap.asset)
        for table, rows in snap.rows.items():
            if rows:
                marks = ",".join("?" * len(rows[0]))
                conn.executemany(f"INSERT INTO {SCHEMA_NAME}.{table} VALUES ({marks})", rows)
