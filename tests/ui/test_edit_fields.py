"""The edit fields hold server text exactly and draw nothing dangerous (Pilot, real key presses).

For each hostile sample and each field kind: no change gives back the server text, typing
``zz`` at the end gives ``s + "zz"``, one backspace gives ``s[:-1]``. The frames the fields draw
go through the render oracle of ``tests/security/test_render_safety.py``; a control run with the
stock ``Input``/``TextArea`` holding the raw text shows that the oracle sees what they would leak.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from textual.app import App, ComposeResult
from textual.widgets import Input, TextArea

from co_tui.edit_buffer import is_dangerous
from co_tui.widgets.edit_fields import EditInput, EditTextArea
from tests.edit_strings import HOSTILE_SAMPLES, hostile_text
from tests.security.test_render_safety import _SEQUENCE, hostile_corpus, token_kind, tokens
from tests.ui.ui_helpers import full_frame

FIELD_SAMPLES = [*HOSTILE_SAMPLES, "ends in a mark\U0010f84b", "\U0010f000\U0010f84b\x00"]


class Fields(App[None]):
    """One field of each kind (or the stock widgets, for the control run)."""

    CSS = "EditInput, Input { height: 1; } EditTextArea, TextArea { height: 6; }"

    def __init__(self, stock: bool = False) -> None:
        super().__init__()
        self.stock = stock

    def compose(self) -> ComposeResult:
        if self.stock:
            yield Input(id="one", compact=True)
            yield TextArea(id="many", compact=True)
        else:
            yield EditInput(id="one", compact=True)
            yield EditTextArea(id="many", compact=True)

    def load(self, text: str) -> None:
        one, many = self.query_one("#one", Input), self.query_one("#many", TextArea)
        if isinstance(one, EditInput) and isinstance(many, EditTextArea):
            one.set_server_text(text)
            many.set_server_text(text)
        else:
            one.value = text
            many.load_text(text)

    def sent(self) -> tuple[str, str]:
        return (self.query_one("#one", EditInput).server_text,
                self.query_one("#many", EditTextArea).server_text)


async def _edit(app: Fields, pilot: object, text: str, keys: list[str]) -> tuple[str, str]:
    app.load(text)
    one, many = app.query_one("#one", EditInput), app.query_one("#many", EditTextArea)
    one.focus()
    await pilot.pause()  # type: ignore[attr-defined]
    await pilot.press("end", *keys)  # type: ignore[attr-defined]
    many.focus()
    await pilot.pause()  # type: ignore[attr-defined]
    many.move_cursor(many.document.end)
    await pilot.press(*keys)  # type: ignore[attr-defined]
    return app.sent()


async def test_append_delete_and_no_change_through_key_presses() -> None:
    app = Fields()
    async with app.run_test(size=(100, 10)) as pilot:
        for text in FIELD_SAMPLES:
            assert await _edit(app, pilot, text, []) == (text, text), repr(text)
            assert await _edit(app, pilot, text, ["z", "z"]) == (text + "zz",) * 2, repr(text)
            assert await _edit(app, pilot, text, ["backspace"]) == (text[:-1],) * 2, repr(text)


async def test_family_emoji_and_joiners_are_drawn_as_themselves() -> None:
    app = Fields()
    async with app.run_test(size=(100, 10)) as pilot:
        app.load(HOSTILE_SAMPLES[0] + " " + HOSTILE_SAMPLES[1])
        await pilot.pause()
        for selector in ("#one", "#many"):
            line = "".join(s.text for s in app.query_one(selector).render_line(0))
            assert "👨\u200d👩\u200d👧\u200d👦" in line and "\u200c" in line
            assert "\\u200d" not in line


async def test_placeholders_are_visible_and_typed_controls_are_shielded() -> None:
    app = Fields()
    async with app.run_test(size=(100, 10)) as pilot:
        app.load("a\x1b[2J\u202eb\tc")
        await pilot.pause()
        one = "".join(s.text for s in app.query_one("#one").render_line(0))
        assert "a␛[2J⇄b␉c" in one
        many = "".join(s.text for s in app.query_one("#many").render_line(0))
        assert "a␛[2J⇄b" in many and "\t" not in many  # the tab is drawn as spaces
        assert app.sent() == ("a\x1b[2J\u202eb\tc",) * 2
        field = app.query_one("#one", EditInput)
        field.value = "raw\x1b[31m"  # set from code: still shielded
        assert "\x1b" not in field.value and field.server_text == "raw\x1b[31m"


def _frame_problems(app: App[None]) -> tuple[list[str], list[str]]:
    stream = full_frame(app.screen).render_segments(app.console)
    kinds = [token_kind(t) for t in tokens(stream)]
    bad = [k for k in kinds if not k.startswith("CSI") or k in ("CSI n", "CSI ?h", "CSI J")]
    stray = [c for c in _SEQUENCE.sub("", stream) if is_dangerous(c, multiline=True)]
    return bad, stray


async def test_render_oracle_edit_fields_draw_nothing_dangerous() -> None:
    corpus = hostile_corpus(20251122, 120)
    found: dict[bool, tuple[int, int]] = {}
    for stock in (False, True):
        app = Fields(stock)
        bad_total = stray_total = 0
        async with app.run_test(size=(100, 10)) as pilot:
            for text in corpus:
                app.load(text)
                await pilot.pause()
                bad, stray = _frame_problems(app)
                bad_total += len(bad)
                stray_total += len(stray)
        found[stock] = (bad_total, stray_total)
    assert found[False] == (0, 0)
    assert found[True][0] > 0 and found[True][1] > 0  # the oracle sees raw text


@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
@given(text=hostile_text)
async def test_fields_keep_any_text(text: str) -> None:
    app = Fields()
    async with app.run_test(size=(100, 10)) as pilot:
        assert await _edit(app, pilot, text, []) == (text, text)
        assert await _edit(app, pilot, text, ["z", "z"]) == (text + "zz",) * 2
        if text:
            assert await _edit(app, pilot, text, ["backspace"]) == (text[:-1],) * 2
