"""``footer_fit``: which keys the footer keeps when they do not all fit (pure)."""

from __future__ import annotations

from co_tui.widgets.footer_fit import FooterItem, fit_keys, key_cells, palette_cells, rank


def _items(*pairs: tuple[str, str, str]) -> list[FooterItem]:
    return [FooterItem(key, text, action, i) for i, (key, text, action) in enumerate(pairs)]


MY_DATA = _items(
    ("⏎", "Open", "choose"), ("/", "Search", "focus_search"), ("f", "Filters", "filters"),
    ("s", "Sort", "cycle_sort"), ("r", "Refresh", "refresh"), ("A", "Archive bin", "open_archive"),
    ("q", "Quit", "quit"), ("?", "Help", "help"), ("^l", "Log in", "login"),
    ("^d", "Downloads", "show_downloads"),
)


def _names(items: list[FooterItem]) -> list[str]:
    return [item.description for item in items]


def test_key_cells_follow_textuals_footer_css() -> None:
    open_key = MY_DATA[0]
    assert key_cells(open_key, compact=True) == 7  # "⏎ Open" and a margin
    assert key_cells(open_key, compact=False) == 8  # " ⏎ Open "
    assert key_cells(FooterItem("esc", "", "back", 0), compact=True) == 4
    assert palette_cells("^p", "palette", compact=True) == 11


def test_everything_is_kept_when_it_fits() -> None:
    assert fit_keys(MY_DATA, 200, compact=True) == MY_DATA


def test_the_least_important_go_first_and_help_and_quit_stay() -> None:
    kept = fit_keys(MY_DATA, 69, compact=True)
    assert sum(key_cells(i, compact=True) for i in kept) <= 69
    # the app's extras went first, then the screen's keys from the right
    assert _names(kept) == ["Open", "Search", "Filters", "Sort", "Refresh", "Quit", "Help"]
    assert _names(fit_keys(MY_DATA, 30, compact=True)) == ["Open", "Search", "Quit", "Help"]


def test_help_and_quit_stay_even_when_nothing_else_fits() -> None:
    assert _names(fit_keys(MY_DATA, 5, compact=True)) == ["Quit", "Help"]
    assert _names(fit_keys(_items(("?", "Help", "app.help"), ("x", "Xyz", "x")), 0,
                           compact=False)) == ["Help"]


def test_the_way_back_outranks_the_screens_other_keys() -> None:
    items = _items(("/", "Search paths", "filter"), ("m", "Raw/rendered", "toggle_raw"),
                   ("esc", "Back", "back"), ("q", "Quit", "quit"), ("?", "Help", "help"))
    kept = fit_keys(items, 26, compact=False)
    assert _names(kept) == ["Back", "Quit", "Help"]
    assert [rank(i) for i in items] == [2, 2, 1, 0, 0]
    assert rank(FooterItem("^l", "Log in", "app.login", 0)) == 3
