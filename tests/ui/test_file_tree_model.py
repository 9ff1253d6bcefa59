"""``TreeModel`` without Textual: windows, expanding, and the filter against a brute force."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from co_tui.api.models import FolderItem
from co_tui.widgets.file_tree_model import EMPTY, ITEM, LOADING, MORE, WINDOW, TreeModel


def files(path: str, names: list[str]) -> list[FolderItem]:
    base = f"{path}/" if path else ""
    return [FolderItem(name=n, path=f"{base}{n}", type="file", size=1) for n in names]


def names(model: TreeModel) -> list[str]:
    return [row[2].name for row in model.rows() if row[0] == ITEM and row[2] is not None]


def test_windows_and_more() -> None:
    model = TreeModel()
    assert [row[0] for row in model.rows()] == [LOADING]
    model.set_folder("", files("", [f"f{i:05d}" for i in range(2 * WINDOW + 5)]))
    rows = model.rows()
    assert len(rows) == WINDOW + 1 and rows[-1][0] == MORE and rows[-1][4] == WINDOW + 5
    model.show_more("")
    model.show_more("")
    assert len(model.rows()) == 2 * WINDOW + 5
    model.set_folder("", [])
    assert [row[0] for row in model.rows()] == [EMPTY]


def test_folders_first_then_names_case_insensitively() -> None:
    model = TreeModel()
    items = [*files("", ["b.txt", "A.txt"]),
             FolderItem(name="zdir", path="zdir", type="folder"),
             FolderItem(name="Adir", path="Adir", type="folder")]
    model.set_folder("", items)
    assert names(model) == ["Adir", "zdir", "A.txt", "b.txt"]
    assert model.toggle("zdir") is True  # not loaded: must be listed first
    model.request("zdir")
    assert model.rows()[2][0] == LOADING
    model.set_folder("zdir", files("zdir", ["inner"]))
    assert names(model) == ["Adir", "zdir", "inner", "A.txt", "b.txt"]
    assert model.toggle("zdir") is False
    assert names(model) == ["Adir", "zdir", "A.txt", "b.txt"]


@settings(max_examples=60, deadline=None)
@given(
    words=st.lists(st.text(alphabet="abAB_1.", min_size=1, max_size=6), min_size=0, max_size=40,
                   unique=True),
    needles=st.lists(st.text(alphabet="abAB_1.", min_size=0, max_size=3), min_size=1,
                     max_size=6),
)
def test_filter_matches_a_brute_force_scan(words: list[str], needles: list[str]) -> None:
    model = TreeModel()
    model.set_folder("", [FolderItem(name="sub", path="sub", type="folder"),
                          *files("", words)])
    model.set_folder("sub", files("sub", [w + "x" for w in words]))
    typed = ""
    for needle in needles:  # extend, shrink and change the filter as a user would
        typed = typed + needle if len(typed) < 4 else needle
        model.set_filter(typed)
        lower = typed.lower()
        expected = sorted(w for w in words if lower in w.lower())
        shown = [row[2].name for row in model.rows()
                 if row[0] == ITEM and row[2] is not None and row[3] == ""
                 and row[2].type == "file"]
        if lower:
            assert sorted(shown) == expected
            inner = sum(1 for w in words if lower in (w + "x").lower())
            assert model.match_count == len(expected) + inner + ("sub".find(lower) >= 0)
        else:
            assert sorted(shown) == sorted(words)
