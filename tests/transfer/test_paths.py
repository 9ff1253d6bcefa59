"""Local paths from hostile server paths: the pure functions, property-tested (D1)."""

from __future__ import annotations

import os
import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from co_tui.transfer.failures import UnsafePathError
from co_tui.transfer.local_names import (
    MAX_DEPTH,
    MAX_PART_BYTES,
    cap_part,
    join_inside,
    local_parts,
    numbered_name,
    split_ext,
    temp_name,
)

ROOT = Path("/srv/downloads/dest")

ATOMS = [
    "..", ".", "", "/", "//", "\\", "..\\", "\\..\\", "C:", "C:\\", "a", "data.csv", " ",
    "\x00", "\x1b[31m", "\x1b]52;c;bad\x07", "\x9b", "\x7f", "\r", "\n", "\t", "\u202e",
    "\u2066", "\u200b", "\ufeff", "\ud800", "\udcff", "é" * 130, "x" * 300, "雪" * 90,
    "name.tar.gz", ".hidden", "...", "%2e%2e", "~", "$HOME", "*", "|", "<>:\"?",
]

hostile_paths = st.one_of(
    st.lists(st.one_of(st.sampled_from(ATOMS), st.text(max_size=12)), max_size=14).map("".join),
    st.lists(st.one_of(st.sampled_from(ATOMS), st.text(max_size=30)), max_size=10).map("/".join),
    st.text(max_size=400),
)


def _is_forbidden(char: str) -> bool:
    code = ord(char)
    return (code < 0x20 or 0x7F <= code <= 0x9F or char in "\\/" or 0xD800 <= code <= 0xDFFF
            or unicodedata.category(char) == "Cf" or code in (0x2028, 0x2029))


@settings(max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(hostile_paths)
def test_any_server_path_becomes_safe_parts_or_is_refused(path: str) -> None:
    segments = [s for s in path.split("/") if s not in ("", ".")]
    try:
        parts = local_parts(path)
    except UnsafePathError:
        # Refused only for a real reason: climbing up, no name at all, or absurd depth.
        assert ".." in segments or not segments or len(segments) > MAX_DEPTH
        return
    assert ".." not in segments
    assert len(parts) == len(segments)
    for part in parts:
        assert part not in ("", ".", "..")
        assert not any(_is_forbidden(c) for c in part), repr(part)
        assert len(part.encode("utf-8")) <= MAX_PART_BYTES  # strict UTF-8: no lone surrogates
    joined = join_inside(ROOT, parts)
    assert str(joined).startswith(str(ROOT) + os.sep)
    assert os.path.normpath(joined) == str(joined)
    assert Path(os.path.relpath(joined, ROOT)).parts == parts


@pytest.mark.parametrize(
    ("server_path", "expected"),
    [
        ("../x", None),
        ("a/../../x", None),
        ("/../x", None),  # aws/aws-cli#10362
        ("..", None),
        ("", None),
        ("/", None),
        ("./.", None),
        ("/etc/passwd", ("etc", "passwd")),
        ("//server/share/x", ("server", "share", "x")),
        ("a/./b//c", ("a", "b", "c")),
        ("..\\..\\windows\\x", (".._.._windows_x",)),
        ("C:\\x", ("C:_x",)),
        ("C:x", ("C:x",)),
        ("a\x00b", ("a_b",)),
        ("evil\u202etxt.exe", ("evil_txt.exe",)),
        ("\x1b]52;c;Zm9v\x07x", ("_]52;c;Zm9v_x",)),
        ("line\nbreak", ("line_break",)),
        ("...", ("...",)),
        ("a b/c+d.txt", ("a b", "c+d.txt")),
    ],
)
def test_known_hostile_paths(server_path: str, expected: tuple[str, ...] | None) -> None:
    if expected is None:
        with pytest.raises(UnsafePathError):
            local_parts(server_path)
    else:
        assert local_parts(server_path) == expected


def test_too_deep_is_refused() -> None:
    assert len(local_parts("/".join(["d"] * MAX_DEPTH))) == MAX_DEPTH
    with pytest.raises(UnsafePathError):
        local_parts("/".join(["d"] * (MAX_DEPTH + 1)))


def test_join_inside_refuses_unvalidated_parts() -> None:
    for parts in (("..",), ("a", ".."), ("a/b",), (), ("",), ("x\x00",)):
        with pytest.raises(UnsafePathError):
            join_inside(ROOT, parts)
    assert join_inside(ROOT, ("a", "b")) == ROOT / "a" / "b"


def test_long_names_are_capped_keeping_the_extension() -> None:
    name = "x" * 400 + ".fastq.gz"
    capped = cap_part(name)
    assert len(capped.encode()) == MAX_PART_BYTES and capped.endswith(".fastq.gz")
    wide = "雪" * 200 + ".csv"  # 3 bytes per character: the cut must not split one
    capped = cap_part(wide)
    assert capped.endswith(".csv") and len(capped.encode()) <= MAX_PART_BYTES
    assert capped[:-4] == "雪" * ((MAX_PART_BYTES - 4) // 3)
    assert cap_part("short.txt") == "short.txt"
    no_ext = "y" * 300
    assert cap_part(no_ext) == "y" * MAX_PART_BYTES
    assert local_parts("d/" + name)[1] == cap_part(name)


def test_split_ext_and_numbered_names() -> None:
    assert split_ext("data.csv") == ("data", ".csv")
    assert split_ext("run.tar.gz") == ("run", ".tar.gz")
    assert split_ext(".bashrc") == (".bashrc", "")
    assert split_ext("noext") == ("noext", "")
    assert split_ext("trailing.") == ("trailing.", "")
    assert numbered_name("data.csv", 1) == "data (1).csv"
    assert numbered_name("run.tar.gz", 12) == "run (12).tar.gz"
    assert numbered_name("README", 2) == "README (2)"
    long = numbered_name("z" * 255 + ".bin", 3)
    assert long.endswith(" (3).bin") and len(long.encode()) <= MAX_PART_BYTES


def test_temp_names_are_hidden_fixed_length_and_stable() -> None:
    a = temp_name("asset\0" + "p" * 5000)
    assert a == temp_name("asset\0" + "p" * 5000)
    assert a != temp_name("asset\0other")
    assert a.startswith(".co-tui-") and a.endswith(".part") and len(a) < 64
