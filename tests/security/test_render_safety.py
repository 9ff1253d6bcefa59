"""Hostile text shown through ``safe_text`` never puts an escape sequence or a live link or
action on the terminal (docs/reliability.md, 'Testing these rules').

The oracle is the byte stream Textual would write: inside ``run_test`` we render a full frame with
``app.screen._compositor.render_update(full=True).render_segments(app.console)`` (a private API,
checked against textual 8.2.8; headless mode never writes frames to the driver) and tokenise it
for ECMA-48 sequences. Every token must be of a kind that the same app emits for benign text, no
8-bit C1 control may appear, and no canary may sit inside a sequence. A control run feeds the raw
strings to the same widgets and must produce violations, which proves the oracle can see them.
"""

from __future__ import annotations

import base64
import os
import random
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from rich.segment import Segment
from rich.text import Text
from textual.app import App, ComposeResult
from textual.content import Content
from textual.geometry import Region
from textual.widgets import DataTable, Label, Static, Tree

from co_tui.safe_text import display, plain, to_text
from tests.ui.ui_helpers import full_frame

CANARY = "PWNED"
SEED = int(os.environ.get("CO_TUI_ORACLE_SEED", "20251122"))
CORPUS_SIZE = 300
PER_FRAME = 10

# --- the hostile corpus -------------------------------------------------------------------------

_B64 = base64.b64encode(f"{CANARY} clipboard".encode()).decode()
PAYLOADS = [
    # OSC 0/2/8/52, BEL- and ST-terminated, unterminated, 8-bit
    f"\x1b]0;{CANARY}_TITLE\x07",
    f"\x1b]2;{CANARY}_ST\x1b\\",
    f"\x1b]8;;https://evil.example/{CANARY}\x1b\\docs.codeocean.com\x1b]8;;\x1b\\",
    f"\x1b]52;c;{_B64}\x07",
    f"\x1b]52;c;{_B64}\x1b\\",
    f"\x1b]0;{CANARY}_UNTERMINATED",
    f"\x9d0;{CANARY}_C1\x9c",
    # CSI: cursor moves, clears, colour, device status report (answers on stdin), alt screen
    "\x1b[2J", "\x1b[H", "\x1b[10;10H", "\x1b[3A", "\x1b[K", "\x1b[31m", "\x1b[6n", "\x1b[?1049h",
    "\x9b31m", "\x9b2J",
    # DCS (tmux passthrough), APC (kitty graphics), PM, SOS, resets
    f"\x1bPtmux;\x1b\x1b]0;{CANARY}_TMUX\x07\x1b\\",
    f"\x1b_Gf=100,a=T;{CANARY}\x1b\\",
    f"\x1b^{CANARY}\x1b\\",
    f"\x1bX{CANARY}\x1b\\",
    f"\x90{CANARY}\x9c",
    "\x1bc", "\x1b7", "\x1b8", "\x1b",
    # single controls, bidi, zero-width, lone surrogates
    "\u202e", "\u2066", "\u2069", "\x00", "\x07", "\x08", "\r", "\n", "\t", "\x7f", "\x85",
    "\ud800", "\udfff", "\u200b", "\u200d", "\ufeff", "\u2028", "\u00ad",
    # markup
    "[bold]", "[/]", "[@click=app.quit]x[/]", "[@click=app.exit]report.csv[/]",
    "[link=https://evil.example]x[/link]", "[link=\"https://evil.example\"]x[/link]", "\\",
    "\\[", "[$accent]",
    # path atoms
    "..", "/", "\\..\\", "C:", "a" * 300,
]  # fmt: skip
WORDS = [
    "report", "data.csv", "RNA-seq", "测试数据", "📊", "naïve", "2024 run", "  ", "x",
    "\U0001f468\u200d\U0001f469\u200d\U0001f467", "\u0645\u06cc\u200c\u0634\u0648\u062f",
    "\u05e9\u05dc\u05d5\u05dd\u200f", "soft\u00adhyphen",
]  # fmt: skip


def hostile_corpus(seed: int, size: int) -> list[str]:
    """``size`` strings mixing 1-6 payload atoms into ordinary words, reproducible from ``seed``."""
    rng = random.Random(seed)
    corpus = []
    for _ in range(size):
        atoms = rng.choices(PAYLOADS, k=rng.randint(1, 6)) + rng.choices(WORDS, k=rng.randint(1, 3))
        rng.shuffle(atoms)
        corpus.append("".join(atoms))
    return corpus


def benign_corpus(seed: int, size: int) -> list[str]:
    rng = random.Random(seed)
    return [" ".join(rng.choices(WORDS, k=rng.randint(1, 5))) for _ in range(size)]


# --- the ECMA-48 tokeniser ----------------------------------------------------------------------

_ST = r"(?:\x07|\x1b\\|\x9c|\Z)"
_SEQUENCE = re.compile(
    r"\x1b\[[\x30-\x3f]*[\x20-\x2f]*[\x40-\x7e]"  # CSI
    rf"|\x1b\].*?{_ST}"  # OSC (BEL or ST, or runs to the end: unterminated)
    rf"|\x1b[PX^_].*?{_ST}"  # DCS, SOS, PM, APC
    rf"|[\x90\x98\x9d\x9e\x9f].*?{_ST}"  # the same, 8-bit
    r"|\x1b[\x20-\x2f]*[\x30-\x7e]"  # other escape sequences (ESC c, ESC 7 ...)
    r"|\x1b"  # lone ESC
    r"|[\x80-\x9f]",  # any other 8-bit C1
    re.DOTALL,
)
_KIND_NAMES = {"P": "DCS", "X": "SOS", "^": "PM", "_": "APC", "\x90": "DCS", "\x98": "SOS",
               "\x9e": "PM", "\x9f": "APC"}  # fmt: skip


def token_kind(token: str) -> str:
    """``"\\x1b[1;2H"`` -> ``"CSI H"``, ``"\\x1b[?25l"`` -> ``"CSI ?l"``, OSC by number."""
    if token.startswith("\x1b["):
        private = token[2] if token[2:3] in ("<", "=", ">", "?") else ""
        return f"CSI {private}{token[-1]}"
    if token.startswith(("\x1b]", "\x9d")):
        body = token[2:] if token.startswith("\x1b]") else token[1:]
        number = re.match(r"\d*", body)
        terminated = token.endswith(("\x07", "\x1b\\", "\x9c"))
        return f"OSC {number.group() if number else ''}" + ("" if terminated else " unterminated")
    if token[:1] == "\x1b" and token[1:2] in _KIND_NAMES:
        return _KIND_NAMES[token[1]]
    if token[:1] in _KIND_NAMES:
        return f"8-bit {_KIND_NAMES[token[0]]}"
    if token == "\x1b":
        return "lone ESC"
    if token[0] == "\x1b":
        return f"ESC {token[1:]!r}"
    return f"C1 {ord(token[0]):#x}"


def tokens(stream: str) -> Iterator[str]:
    return (match.group() for match in _SEQUENCE.finditer(stream))


def violations(stream: str, allowed: set[str]) -> list[str]:
    """Tokens outside the baseline, any C1, and any sequence carrying a canary."""
    return [
        token
        for token in tokens(stream)
        if token_kind(token) not in allowed or CANARY in token or re.search("[\x80-\x9f]", token)
    ]


# Format characters that safe_text shows as themselves on purpose (inert on a terminal; Persian,
# Hebrew and emoji sequences need them). Listed here, not imported, so that the oracle does not
# loosen if the sanitiser's own list grows.
INERT_MARKS = frozenset("\u00ad\u061c\u200c\u200d\u200e\u200f")


def _dangerous(char: str) -> bool:
    if char == "\n" or char in INERT_MARKS:
        return False
    return unicodedata.category(char) in {"Cc", "Cf", "Cs", "Zl", "Zp"}


def stray_characters(stream: str) -> list[str]:
    """Forbidden code points outside escape sequences (bidi, NUL, surrogates ...)."""
    rest = _SEQUENCE.sub("", stream)
    return [c for c in rest if _dangerous(c)]


# --- the app under test -------------------------------------------------------------------------


@dataclass
class Shown:
    """How each kind of widget receives a string: through safe_text, or raw (the control)."""

    line: Callable[[str], Content]
    block: Callable[[str], Content]
    tree: Callable[[str], Text]
    title: Callable[[str], str]


SANITISED = Shown(
    line=display,
    block=lambda s: display(s, multiline=True),
    tree=lambda s: to_text(display(s)),
    title=plain,
)
RAW = Shown(line=Content, block=Content, tree=Text, title=str)


class Showcase(App[None]):
    """Every data-bearing widget kind at once: Static, Label, DataTable, Tree and a toast."""

    CSS = """
    #names { height: 11; }
    #description { height: 5; }
    #one { height: 1; }
    DataTable { height: 12; }
    Tree { height: 11; }
    """

    def __init__(self, shown: Shown) -> None:
        super().__init__()
        self.shown = shown

    def compose(self) -> ComposeResult:
        yield Static(id="names")
        yield Static(id="description")
        yield Label(id="one")
        yield DataTable(id="table")
        yield Tree(self.shown.tree("assets"), id="tree")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_column("name", width=50)
        table.add_column("tags", width=50)
        self.query_one(Tree).root.expand()

    def show(self, batch: list[str]) -> None:
        show = self.shown
        self.query_one("#names", Static).update(Content("\n").join(show.line(s) for s in batch))
        self.query_one("#description", Static).update(show.block(batch[0]))
        self.query_one("#one", Label).update(show.line(batch[1]))
        table = self.query_one(DataTable)
        table.clear()
        for s in batch:
            table.add_row(show.line(s), show.line(s[::-1]))
        tree = self.query_one(Tree)
        tree.clear()
        for s in batch:
            tree.root.add_leaf(show.tree(s))
        self.clear_notifications()
        # notify(markup=True) returns Content unchanged; markup=False would call Content(Content)
        self.notify(show.line(batch[2]), title=show.title(batch[3]))  # type: ignore[arg-type]


@dataclass
class Report:
    frames: int = 0
    tokens: Counter[str] = field(default_factory=Counter)
    streams: list[str] = field(default_factory=list)
    click_actions: set[str] = field(default_factory=set)
    links: set[str] = field(default_factory=set)


def _segments(update: object) -> Iterable[Segment]:
    for line in update.strips:  # type: ignore[attr-defined]
        for strip in line:
            yield from strip


async def render_frames(shown: Shown, corpus: list[str]) -> Report:
    """Show ``corpus`` ``PER_FRAME`` strings at a time; capture each full frame."""
    report = Report()
    app = Showcase(shown)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        for start in range(0, len(corpus), PER_FRAME):
            batch = corpus[start : start + PER_FRAME]
            batch += [""] * (4 - len(batch))
            app.show(batch)
            await pilot.pause()
            update = full_frame(app.screen)
            stream = update.render_segments(app.console)
            report.frames += 1
            report.streams.append(stream)
            report.tokens.update(token_kind(t) for t in tokens(stream))
            for segment in _segments(update):
                style = segment.style
                if style is None:
                    continue
                if style.link:
                    report.links.add(style.link)
                action = (style.meta or {}).get("@click")
                if action:
                    report.click_actions.add(str(action))
    assert app._exception is None
    return report


# --- the tests ----------------------------------------------------------------------------------


async def test_render_oracle_finds_nothing_in_sanitised_frames() -> None:
    corpus = hostile_corpus(SEED, CORPUS_SIZE)
    baseline = await render_frames(SANITISED, benign_corpus(SEED, 3 * PER_FRAME))
    allowed = set(baseline.tokens)
    assert allowed and not any(k.startswith(("C1", "8-bit", "OSC", "DCS", "APC")) for k in allowed)

    clean = await render_frames(SANITISED, corpus)
    found = [v for stream in clean.streams for v in violations(stream, allowed)]
    stray = [c for stream in clean.streams for c in stray_characters(stream)]
    shown_canary = sum(stream.count(CANARY) for stream in clean.streams)

    raw = await render_frames(RAW, corpus)
    raw_found = [v for stream in raw.streams for v in violations(stream, allowed)]
    raw_kinds = Counter(token_kind(v) for v in raw_found)
    raw_stray = [c for stream in raw.streams for c in stray_characters(stream)]

    print(
        f"\nT1 render-oracle: seed {SEED}, strings {len(corpus)}, frames {clean.frames}, "
        f"baseline {sorted(allowed)}, sanitised violations {len(found)}, "
        f"stray characters {len(stray)}; raw violations {len(raw_found)} "
        f"{dict(raw_kinds.most_common(8))}, raw stray characters {len(raw_stray)}, "
        f"canary shown as text {shown_canary}"
    )
    assert found == []
    assert stray == []
    assert shown_canary > 0  # the payloads were on screen, as inert text
    # the oracle sees what the sanitiser prevents: titles, clipboard, links, C1, DSR, passthrough
    assert len(raw_found) > 0 and len(raw_stray) > 0
    assert {"OSC 0", "OSC 8", "OSC 52", "C1 0x9b", "CSI n", "DCS", "APC"} <= set(raw_kinds)
    # no action or link came from data
    assert clean.links <= baseline.links
    assert clean.click_actions <= baseline.click_actions
    assert not any("app." in action for action in clean.click_actions)


class MarkupApp(App[None]):
    def __init__(self, widget: Static) -> None:
        super().__init__()
        self.widget = widget

    def compose(self) -> ComposeResult:
        yield self.widget


def _styles(widget: Static) -> tuple[set[str], set[str]]:
    """(@click actions, links) on the segments the widget renders."""
    actions: set[str] = set()
    links: set[str] = set()
    region = Region(0, 0, widget.size.width, widget.size.height)
    for strip in widget.render_lines(region):
        for segment in strip:
            if segment.style is None:
                continue
            if segment.style.link:
                links.add(segment.style.link)
            if action := (segment.style.meta or {}).get("@click"):
                actions.add(str(action))
    return actions, links


async def test_markup_in_data_makes_no_action_or_link() -> None:
    payload = '[@click=app.exit]report.csv[/] [link="https://evil.example"]docs[/link]'
    sanitised = Static(display(payload), id="data")
    app = MarkupApp(sanitised)
    async with app.run_test(size=(120, 10)) as pilot:
        await pilot.pause()
        assert str(sanitised.visual).startswith("[@click=app.exit]")
        assert _styles(sanitised) == (set(), set())
        await pilot.click("#data", offset=(2, 0))
        await pilot.pause()
        assert app.return_code is None and app.is_running  # the click did not exit the app

    # control: the same text as markup does produce the action and the link the test looks for
    control = Static(payload)
    async with MarkupApp(control).run_test(size=(120, 10)) as pilot:
        await pilot.pause()
        actions, links = _styles(control)
        assert any("app.exit" in action for action in actions)
        assert links == {"https://evil.example"}
