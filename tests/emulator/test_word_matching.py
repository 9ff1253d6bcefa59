"""The word index (SQLite FTS5) finds exactly what a straightforward word matcher finds.

:func:`matches` below is the matching rule of ``co_tui/emulator/search.py`` written out plainly:
text and term are split into words (runs of letters and digits, case and accents ignored); a
term matches when its words appear one after the other in the text's words, the last one as a
prefix unless the term was quoted; a term with no words matches nothing; the same field
repeated is OR, everything else AND. Random documents and queries (words, prefixes, phrases,
punctuation, accents, ``name:`` and ``run_script:``) are run through both: the FTS5 table as
the store creates it, queried with the ``MATCH`` expression search builds, and the matcher.
"""

from __future__ import annotations

import re
import sqlite3
import unicodedata
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from co_tui.emulator import Emulator, EmulatorConfig, wire
from co_tui.emulator import search as search_module
from co_tui.emulator.search import fts_match, search_assets
from co_tui.emulator.search_request import ParsedQuery, params_from_body, parse_query
from co_tui.emulator.store import FTS_TABLE, User

VOCABULARY = ("rna", "seq", "sequencing", "ecephys", "raw", "run", "code", "sh", "alpha",
              "alphabet", "Brain", "brainstem", "2021", "20", "600123", "café", "cafe",
              "résumé", "x", "zarr", "ome")
SEPARATORS = (" ", " ", "-", "_", "/", ".", ", ", ": ")
_WORD = re.compile(r"[^\W_]+")


def words(text: str) -> list[str]:
    """Words as the index sees them: letters and digits, lowercased, accents removed."""
    folded = unicodedata.normalize("NFKD", text.lower())
    return _WORD.findall("".join(c for c in folded if not unicodedata.combining(c)))


def term_matches(term: str, quoted: bool, text: str) -> bool:
    wanted, have = words(term), words(text)
    if not wanted:
        return False
    size = len(wanted)
    for start in range(len(have) - size + 1):
        window = have[start:start + size]
        last = window[-1] == wanted[-1] if quoted else window[-1].startswith(wanted[-1])
        if window[:-1] == wanted[:-1] and last:
            return True
    return False


def matches(parsed: ParsedQuery, doc: dict[str, str]) -> bool:
    """Whether ``doc`` (name, body, run_script) matches the word-matched parts of ``parsed``."""
    for field in ("name", "run_script"):
        values = parsed.fields.get(field)
        if values and not any(term_matches(v, v in parsed.quoted, doc[field]) for v in values):
            return False
    return all(term_matches(term, term in parsed.quoted, doc["body"]) for term in parsed.free)


def text_of(parts: list[tuple[str, str]]) -> str:
    return "".join(word + separator for word, separator in parts).strip()


piece = st.tuples(st.sampled_from(VOCABULARY), st.sampled_from(SEPARATORS))
text = st.lists(piece, max_size=10).map(text_of)
document = st.fixed_dictionaries({"name": text, "body": text, "run_script": text})


@st.composite
def query_term(draw: st.DrawFn) -> str:
    """One term of a query: words (maybe cut to a prefix), maybe quoted, maybe a field."""
    size = draw(st.sampled_from((1, 1, 1, 1, 2, 2, 3)))
    parts = draw(st.lists(piece, min_size=size, max_size=size))
    value = text_of(parts)
    if draw(st.booleans()):
        value = value[: draw(st.integers(1, max(1, len(value))))]
    if draw(st.integers(0, 9)) == 0:
        value = draw(st.sampled_from(("-", "...", "_", "é")))
    quoted = draw(st.booleans())
    field = draw(st.sampled_from(("", "", "", "", "", "name:", "run_script:", "other:")))
    if quoted:
        return f'{field}"{value}"'
    return field + (value.split()[0] if value.split() else value)


query = st.lists(query_term(), min_size=1, max_size=2).map(" ".join)


@settings(max_examples=400, deadline=None)
@given(docs=st.lists(document, min_size=1, max_size=40), text_query=query)
def test_fts_finds_what_the_plain_matcher_finds(docs: list[dict[str, str]],
                                                text_query: str) -> None:
    parsed = parse_query(text_query)
    expression = fts_match(parsed)
    if expression is None:
        return
    conn = sqlite3.connect(":memory:")
    conn.executescript(FTS_TABLE.format(schema=""))
    conn.executemany("INSERT INTO asset_fts (rowid, name, body, run_script) VALUES (?, ?, ?, ?)",
                     [(i, d["name"].lower(), d["body"].lower(), d["run_script"].lower())
                      for i, d in enumerate(docs)])
    found = {row[0] for row in conn.execute(
        "SELECT rowid FROM asset_fts WHERE asset_fts MATCH ?", (expression,))}
    expected = {i for i, doc in enumerate(docs) if matches(parsed, doc)}
    assert found == expected, (text_query, expression)


def test_matcher_examples() -> None:
    parsed = parse_query('seq run_script:code/run.sh "rna seq"')
    doc = {"name": "x", "body": "RNA-seq sequencing", "run_script": "code/run.sh"}
    assert matches(parsed, doc)
    assert not matches(parse_query("quencing"), doc)
    assert not matches(parse_query('"sequenc"'), doc)
    assert matches(parse_query("résumé"), {"name": "", "body": "Resume", "run_script": ""})


# -- the whole search path over seeded assets ------------------------------------------------

SCALE_WORDS = ("raw", "ecephys", "brain", "smartspim", "behavior", "immune", "atlas", "fmri",
               "cortex", "calcium", "sorted", "qc", "2021", "6012", "65", "scrna", "seq",
               "cohort", "model", "result", "code", "run", "light-sheet", "two-photon", "ome",
               "dynamic", "rn", "b", "zzz")


@pytest.fixture(scope="module")
def scale_emulator() -> Iterator[Emulator]:
    emu = Emulator(EmulatorConfig(seed="scale:2000:1"))
    yield emu
    emu.close()


def page_ids(emu: Emulator, user: User, body: dict[str, Any]) -> list[str]:
    out: list[str] = []
    body = {**body, "limit": 1000}
    while True:
        page = search_assets(emu.store, user, params_from_body(body))
        out += [wire.decode(row)["id"] for row in page.rows]
        if not page.has_more:
            return out
        body["next_token"] = page.next_token


@st.composite
def scale_query(draw: st.DrawFn) -> str:
    terms = []
    for _ in range(draw(st.integers(1, 2))):
        word = draw(st.sampled_from(SCALE_WORDS))
        if draw(st.booleans()):
            word = word[: draw(st.integers(1, len(word)))]
        field = draw(st.sampled_from(("", "", "", "name:", "run_script:")))
        terms.append(f'{field}"{word}"' if draw(st.integers(0, 3)) == 0 else field + word)
    return " ".join(terms)


@pytest.mark.parametrize("plan", ["words first", "sort index first", "remembered walk",
                                  "remembered walk too slow"])
@settings(max_examples=15, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text_query=scale_query(), sort=st.sampled_from((None, "name", "size")))
def test_search_finds_what_the_plain_matcher_finds(scale_emulator: Emulator, plan: str,
                                                   text_query: str, sort: str | None,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """Whichever plan serves the page, search over a seeded catalogue returns the assets the
    matcher accepts among those the caller may see, in the order of the sort. The remembered
    plans are run twice: the first search runs out of the word-first budget, the second starts
    with the walk (and, too slow, goes back to the word-first order)."""
    emu = scale_emulator
    monkeypatch.setattr(search_module, "WORDS_FIRST_BUDGET", 10.0 if plan == "words first" else 0)
    monkeypatch.setattr(search_module, "INDEX_WALK_BUDGET", 10.0)
    search_module.COMMON_MATCHES.clear()  # no plan remembered from another example
    user = emu.store.user_by_token(emu.main_token)
    assert user is not None
    order = {"sort_field": sort} if sort else {}
    everything = page_ids(emu, user, order)
    columns = {row["id"]: {"name": row["name_lc"], "body": row["search_text"],
                           "run_script": row["run_script_lc"]}
               for row in emu.store.query("SELECT id, name_lc, search_text, run_script_lc "
                                          "FROM assets")}
    parsed = parse_query(text_query)
    expected = [asset for asset in everything if matches(parsed, columns[asset])]
    body = {"query": text_query, **order}
    assert page_ids(emu, user, body) == expected, text_query
    if plan.startswith("remembered"):
        if plan.endswith("too slow"):
            monkeypatch.setattr(search_module, "INDEX_WALK_BUDGET", 0)
        assert page_ids(emu, user, body) == expected, text_query
