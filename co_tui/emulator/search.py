"""Data-asset search: matching, the body's filters, sorting and keyset paging, as SQL.

The query language and the validation of a request's body live in
:mod:`co_tui.emulator.search_request`. Matching works like a search index, on words rather than
substrings (SQLite FTS5, the ``asset_fts`` table, Unicode-aware, accents ignored):

* free text looks at the name, tags, description and custom-metadata values; ``name:`` at the
  name; ``run_script:`` at the run script's path. A term is split into words the same way the
  text is (``RNA-seq`` is ``rna`` ``seq``; ``code/run.sh`` is ``code`` ``run`` ``sh``) and matches
  those words in that order, the last one as a prefix: ``seq`` finds "sequencing",
  ``run_script:run.sh`` finds ``code/run.sh``, but ``quencing`` finds nothing. A quoted phrase
  matches its words exactly (no prefix). A term with no letters or digits matches nothing.
* ``commit_id:`` is a prefix of the whole commit hash (an abbreviated hash finds its commit).
* ``tag:`` and ``contained_data_id:`` match whole values.
* The ``filters`` of the body (``name``, ``description``, ``tags``, custom metadata) are
  structured filters, not text search: ``name``/``description`` values match as substrings,
  ``tags`` as whole tags, custom metadata by value or range.

Everything becomes one SQL statement over indexed columns of ``assets``: the visibility rule,
filters, ``ORDER BY <sort column>, id`` and a keyset condition taken from ``next_token``, so a
page costs the same however deep it is and stays consistent when rows come and go between pages.
``next_token`` is opaque: urlsafe base64 of (a keyed hash of the query and the caller, the last
row's sort value, its id). A token replayed with another query or by another user gives 400.

With a search lag (``index.py``) the statement reads the index's copy of the tables (schema
``idx``) instead of the live ones, so a write shows in search only once the index has caught up.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import sqlite3
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

import msgspec

from co_tui.emulator import acl, wire
from co_tui.emulator.http_errors import bad_request
from co_tui.emulator.search_request import SORT_COLUMNS, ParsedQuery, SearchParams, parse_query
from co_tui.emulator.store import Store, User

INDEX_WALK_BUDGET = 0.03
"""Seconds a page query may walk the sort index before it is re-run as a full scan."""
WORDS_FIRST_BUDGET = 0.002
"""Seconds a page query may start from the word index's matches before it is re-run walking
the sort index (a rare word's matches are fetched and sorted well within this; a word found in
more than a few thousand assets is not, and is served faster by the walk: with 10 ms, a
typical one-word search at 100,000 assets averaged ~11 ms, with 2 ms ~5 ms)."""


def _filter_sql(item: dict[str, Any]) -> tuple[str, list[Any]]:
    key = item["key"]
    wanted = [v for v in [item["value"], *(item["values"] or [])] if v is not None]
    conds: list[str] = []
    args: list[Any] = []
    if key in ("name", "description", "tags"):
        if item["range"] is not None:
            raise bad_request(f"filter {key!r} does not take a range")
        for value in wanted:
            if key == "tags":
                conds.append("instr(a.tags_key, ?) > 0")
                args.append(f"\x1f{str(value).lower()}\x1f")
            else:
                column = "a.name_lc" if key == "name" else "a.description_lc"
                conds.append(f"instr({column}, ?) > 0")
                args.append(str(value).lower())
        sql = "(" + " OR ".join(conds) + ")"
    else:
        inner: list[str] = []
        for value in wanted:
            if isinstance(value, str):
                inner.append("(j.type = 'text' AND co_lower(j.value) = ?)")
                args.append(value.lower())
            else:
                inner.append("(j.type IN ('integer', 'real') AND j.value = ?)")
                args.append(value)
        if item["range"] is not None:
            parts = ["j.type IN ('integer', 'real')"]
            if item["range"]["min"] is not None:
                parts.append("j.value >= ?")
                args.append(item["range"]["min"])
            if item["range"]["max"] is not None:
                parts.append("j.value <= ?")
                args.append(item["range"]["max"])
            inner.append("(" + " AND ".join(parts) + ")")
        path = '$."' + key.replace('"', '\\"') + '"'
        sql = (f"EXISTS (SELECT 1 FROM json_each(a.custom_metadata, ?) j "
               f"WHERE {' OR '.join(inner)})")
        args.insert(0, path)
    return (f"NOT {sql}" if item["exclude"] else sql), args


def fts_term(value: str, quoted: bool) -> str:
    """One term as an FTS5 phrase: the text quoted (so no character is FTS syntax), the index's
    tokenizer splits it into words; unquoted terms match their last word as a prefix."""
    phrase = '"' + value.replace('"', '""') + '"'
    return phrase if quoted else phrase + " *"


def fts_match(parsed: ParsedQuery) -> str | None:
    """The FTS5 ``MATCH`` expression for the word-matched parts of a query (``None``: none)."""
    groups: list[str] = []
    for name, column in (("name", "name"), ("run_script", "run_script")):
        values = parsed.fields.get(name)
        if values:
            terms = " OR ".join(fts_term(v, v in parsed.quoted) for v in values)
            groups.append(f"{column} : ({terms})")
    groups.extend(f"body : {fts_term(term, term in parsed.quoted)}" for term in parsed.free)
    return " AND ".join(groups) or None


def where_clause(params: SearchParams, user: User,
                 schema: str = "") -> tuple[list[str], list[Any]]:
    """SQL conditions (ANDed) and their arguments for everything but paging.

    ``schema`` prefixes the searched tables (``""``: the live ones, ``"idx."``: a lagging index).
    The word-index condition leaves ``{pk}`` for :func:`_run` to fill in (see there).
    """
    visible, args = acl.visible_clause(user, schema=schema)
    where = [visible, "a.archived = ?"]
    args.append(1 if params.archived else 0)
    parsed = parse_query(params.query)
    match = fts_match(parsed)
    if match is not None:
        where.append(f"{{pk}} IN (SELECT rowid FROM {schema}asset_fts WHERE asset_fts MATCH ?)")
        args.append(match)
    field_sql = {
        "tag": ("instr(a.tags_key, ?) > 0", "\x1f{}\x1f"),
        "contained_data_id": ("instr(a.contained_key, ?) > 0", " {} "),
    }
    for name, values in parsed.fields.items():
        if name == "commit_id":
            where.append("(" + " OR ".join(["substr(a.commit_lc, 1, ?) = ?"] * len(values)) + ")")
            for value in values:
                args.extend([len(value), value])
        elif name in field_sql:
            sql, pattern = field_sql[name]
            where.append("(" + " OR ".join([sql] * len(values)) + ")")
            args.extend(pattern.format(value) for value in values)
    if params.type:
        where.append("a.type = ?")
        args.append(params.type)
    if params.origin:
        where.append("a.external = ?")
        args.append(1 if params.origin == "external" else 0)
    if params.ownership == "created":
        where.append("a.owner = ?")
        args.append(user.id)
    elif params.ownership == "shared":
        where.append("a.owner != ?")
        args.append(user.id)
    elif params.ownership == "private":
        where.append("a.owner = ? AND a.everyone = 'none' "
                     f"AND a.pk NOT IN (SELECT p.asset FROM {schema}asset_users p) "
                     f"AND a.pk NOT IN (SELECT q.asset FROM {schema}asset_groups q)")
        args.append(user.id)
    if params.favorite:
        where.append("a.pk IN (SELECT f.asset FROM favorites f WHERE f.user_id = ?)")
        args.append(user.id)
    for item in params.filters:
        sql, extra = _filter_sql(item)
        where.append(sql)
        args.extend(extra)
    return where, args


def _fingerprint_hash(store: Store, params: SearchParams, user: User) -> str:
    canonical = msgspec.json.encode({"user": user.id, **params.fingerprint()}, order="sorted")
    return hmac.new(store.secret(), canonical, hashlib.sha256).hexdigest()[:16]


def encode_token(fingerprint: str, sort_value: Any, row_id: str) -> str:
    """The opaque ``next_token`` for a page ending at (sort_value, row_id)."""
    raw = msgspec.json.encode([1, fingerprint, sort_value, row_id])
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_token(token: str, fingerprint: str) -> tuple[Any, str]:
    """(sort value, id) from a ``next_token``; 400 if malformed or made for another query."""
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        version, mark, value, row_id = msgspec.json.decode(raw)
    except (ValueError, TypeError, msgspec.DecodeError):
        raise bad_request("invalid next_token") from None
    if version != 1 or not isinstance(row_id, str):
        raise bad_request("invalid next_token")
    if mark != fingerprint:
        raise bad_request("next_token does not belong to this search (query or filters changed)")
    return value, row_id


@dataclass
class Page:
    """One page of search results: the assets' stored JSON and the paging state."""

    rows: list[bytes]
    has_more: bool
    next_token: str | None

    def to_json(self, with_token: bool = True) -> bytes:
        """``{"has_more": ..., "next_token"?: ..., "results": [...]}`` without re-encoding rows."""
        head = b'{"has_more":' + (b"true" if self.has_more else b"false")
        if with_token and self.next_token is not None:
            head += b',"next_token":' + wire.encode(self.next_token)
        return head + b',"results":[' + b",".join(self.rows) + b"]}"


_Plan = dict[str, str]
_INDEX_WALK: _Plan = {"hint": "", "pk": "a.pk"}
_FULL_SCAN: _Plan = {"hint": " NOT INDEXED", "pk": "a.pk"}
_WORDS_FIRST: _Plan = {"hint": "", "pk": "a.pk"}
_WALK_CHECKING_WORDS: _Plan = {"hint": "", "pk": "+a.pk"}

COMMON_MATCHES: OrderedDict[str, None] = OrderedDict()
"""Page queries (the statement and its word-index expression, not the other arguments) whose
word-first try ran out of its budget the last time: they start with the sort-index walk next
time (a plan remembered, never a result; at most :data:`COMMON_MATCHES_KEPT`, the oldest
forgotten first)."""
COMMON_MATCHES_KEPT = 1024


def _try(store: Store, sql: str, args: list[Any], plan: _Plan,
         budget: float) -> list[sqlite3.Row] | None:
    """The rows of ``sql`` with ``plan``, or ``None`` if it runs longer than ``budget`` s."""
    deadline = time.perf_counter() + budget

    def over_budget() -> int:
        return 1 if time.perf_counter() > deadline else 0

    store.conn.set_progress_handler(over_budget, 2000)
    try:
        rows: list[sqlite3.Row] = store.conn.execute(sql.format(**plan), args).fetchall()
        return rows
    except sqlite3.OperationalError as exc:
        if "interrupt" not in str(exc):
            raise
        return None
    finally:
        store.conn.set_progress_handler(None, 0)


def _run(store: Store, sql: str, args: list[Any], match: str | None) -> list[sqlite3.Row]:
    """Run a page query in two tries: the first within a budget, the second - when the first
    has not finished by then - with the plan that suits the other case. Both give the same rows.

    Without word terms (``match`` None) the first walks the sort index within
    :data:`INDEX_WALK_BUDGET`, fastest when matches are dense (the page is found after a few
    thousand rows); a query matching almost nothing would visit every row in random table
    order, so the second try is a sequential scan plus a top-N sort, about twice as fast
    (docs/product.md, 'Measurements behind the design').

    With word terms the first try starts from the word index's matches (``a.pk IN``: a few
    milliseconds when they are few) within :data:`WORDS_FIRST_BUDGET`; when they are many (a
    common word: tens of thousands of rows to fetch and sort), the second walks the sort index
    and checks each row against the set of matches (``+a.pk`` keeps SQLite from starting from
    the set). An expression that needed the walk before (:data:`COMMON_MATCHES`) starts with
    it, within :data:`INDEX_WALK_BUDGET`, and goes back to the word-first order if it no
    longer fits.
    """
    with store.lock:
        if match is None:
            rows = _try(store, sql, args, _INDEX_WALK, INDEX_WALK_BUDGET)
            return rows if rows is not None else store.conn.execute(
                sql.format(**_FULL_SCAN), args).fetchall()
        key = f"{sql}\x00{match}"
        if key in COMMON_MATCHES:
            COMMON_MATCHES.move_to_end(key)
            rows = _try(store, sql, args, _WALK_CHECKING_WORDS, INDEX_WALK_BUDGET)
            if rows is not None:
                return rows
            del COMMON_MATCHES[key]
            return store.conn.execute(sql.format(**_WORDS_FIRST), args).fetchall()
        rows = _try(store, sql, args, _WORDS_FIRST, WORDS_FIRST_BUDGET)
        if rows is not None:
            return rows
        COMMON_MATCHES[key] = None
        while len(COMMON_MATCHES) > COMMON_MATCHES_KEPT:
            COMMON_MATCHES.popitem(last=False)
        return store.conn.execute(sql.format(**_WALK_CHECKING_WORDS), args).fetchall()


def search_assets(store: Store, user: User, params: SearchParams) -> Page:
    """Run a search and return one page (keyset paging by ``next_token``, or ``offset``).

    With a search lag the page comes from the index's copy, brought up to date first.
    """
    schema = ""
    if store.index is not None:
        store.index.refresh()
        schema = store.index.schema
    where, args = where_clause(params, user, schema)
    column = SORT_COLUMNS[params.sort_field or "created"]
    direction = "DESC" if params.sort_order == "desc" else "ASC"
    fingerprint = _fingerprint_hash(store, params, user)
    offset = params.offset
    if params.next_token:
        value, row_id = decode_token(params.next_token, fingerprint)
        where.append(f"({column}, a.id) {'<' if direction == 'DESC' else '>'} (?, ?)")
        args.extend([value, row_id])
        offset = 0
    sql = (f"SELECT (SELECT j.wire FROM {schema}asset_json j WHERE j.pk = a.pk) AS wire, a.id, "
           f"{column} AS k FROM {schema}assets a{{hint}} WHERE {' AND '.join(where)} "
           f"ORDER BY {column} {direction}, a.id {direction} LIMIT ? OFFSET ?")
    match = fts_match(parse_query(params.query))
    rows = _run(store, sql, [*args, params.limit + 1, offset], match)
    has_more = len(rows) > params.limit
    rows = rows[: params.limit]
    token = encode_token(fingerprint, rows[-1]["k"], rows[-1]["id"]) if has_more else None
    return Page([bytes(row["wire"]) for row in rows], has_more, token)
