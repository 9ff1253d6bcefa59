"""``build_preview`` end to end: kinds, titles, notes, binary bodies, the hex view, the demo
seed, and the crash-free property on arbitrary bytes."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from co_tui.preview import (
    MAX_LINE_CHARS,
    MAX_LINES,
    BinaryBody,
    MarkdownBody,
    NotebookBody,
    Preview,
    PreviewKind,
    TableBody,
    TextBody,
    build_preview,
    error_preview,
    external_preview,
    format_row,
    hex_row_count,
    hex_rows,
)
from tests.preview.preview_samples import (
    CSV_QUOTED,
    MARKDOWN,
    PYTHON,
    R_SOURCE,
    bz2_of,
    gzip_of,
    minified_json,
    nifti1,
    notebook_bytes,
    npy,
    png,
    random_bytes,
    tar_of,
    xz_of,
    zip_of,
)


def preview_of(data: bytes, name: str, *, at_end: bool = True, total: int | None = None) -> Preview:
    return build_preview(data, name=name, total_size=total, at_end=at_end)


@pytest.mark.parametrize(
    ("name", "data", "kind", "title"),
    [
        ("code/run.py", PYTHON.encode(), PreviewKind.CODE, "Python"),
        ("code/analysis.R", R_SOURCE.encode(), PreviewKind.CODE, "R"),
        ("README.md", MARKDOWN.encode(), PreviewKind.MARKDOWN, "Markdown"),
        ("data/unit_metrics.csv", CSV_QUOTED.encode(), PreviewKind.CSV, "CSV table"),
        ("notebooks/explore.ipynb", notebook_bytes(), PreviewKind.NOTEBOOK, "Jupyter notebook (Python), 6 cells"),
        ("x.zarr/.zarray", b'{"chunks": [30000, 384], "dtype": "<i2"}', PreviewKind.JSON, "Zarr array metadata (JSON)"),
        ("notes.txt", b"plain words\n", PreviewKind.TEXT, "plain text"),
        ("figures/drift_map.png", png(640, 480), PreviewKind.IMAGE, "PNG image, 640×480, 8-bit RGBA"),
        ("brain.nii", nifti1(), PreviewKind.IMAGE, "NIfTI-1 image, 528×320×456, int16"),
        ("a.npy", npy((384, 30000)), PreviewKind.BINARY, "NumPy array float32 (384, 30000)"),
        ("a.zip", zip_of({"a.txt": b"x"}), PreviewKind.ARCHIVE, "Zip archive, 1 member"),
        ("a.tar", tar_of({"a.txt": b"x"}), PreviewKind.ARCHIVE, "tar archive, 1 member"),
        ("random.bin", random_bytes(5000), PreviewKind.BINARY, "binary file, 5,000 bytes"),
        ("DEPRECATED", b"", PreviewKind.EMPTY, "empty file"),
    ],
)
def test_kinds_and_titles(name: str, data: bytes, kind: PreviewKind, title: str) -> None:
    preview = preview_of(data, name, total=len(data))
    assert preview.kind is kind, preview
    assert preview.title == title
    assert preview.bytes_consumed == len(data)
    assert not preview.truncated and preview.next_offset is None


def test_binary_file_of_4_gib() -> None:
    data = random_bytes(256 * 1024)
    preview = preview_of(data, "raw/recording_1GiB.bin", at_end=False, total=1 << 30)
    assert preview.kind is PreviewKind.BINARY
    assert preview.title == "binary file, 1,073,741,824 bytes"
    assert preview.notes == (
        "showing the first 256 KiB of 1 GiB",
        "by its name, raw binary data; its header was not recognised",
    )
    assert isinstance(preview.body, BinaryBody) and preview.body.data is data
    assert preview.next_offset == 256 * 1024 and preview.resume is not None
    more = build_preview(
        random_bytes(1000, 2), name="raw/recording_1GiB.bin", start=preview.next_offset,
        total_size=1 << 30, at_end=False, resume=preview.resume,
    )
    assert more.kind is PreviewKind.BINARY and isinstance(more.body, BinaryBody)
    assert more.body.offset == 256 * 1024
    assert more.notes[0] == "showing bytes 262,144–263,143 of 1 GiB"


def test_compressed_text_is_previewed_inside() -> None:
    rows = "barcode\tcount\n" + "".join(f"AAAC{i:06d}-1\t{i}\n" for i in range(50))
    for data, label in (
        (gzip_of(rows.encode(), "barcodes.tsv"), "gzip"),
        (bz2_of(rows.encode()), "bzip2"),
        (xz_of(rows.encode()), "xz"),
    ):
        name = "outs/barcodes.tsv." + {"gzip": "gz", "bzip2": "bz2", "xz": "xz"}[label]
        preview = preview_of(data, name, total=len(data))
        assert preview.kind is PreviewKind.CSV, (label, preview)
        assert isinstance(preview.body, TableBody) and len(preview.body.rows) == 50
        assert label in preview.title
        assert preview.bytes_consumed == len(data) and preview.resume is None
        assert preview.notes[0].startswith("decompressed on the fly")


def test_compressed_archives_and_images() -> None:
    tgz = gzip_of(tar_of({"sub/a.txt": b"x" * 2000, "b.csv": b"1,2\n"}))
    preview = preview_of(tgz, "bundle.tar.gz", total=len(tgz))
    assert preview.kind is PreviewKind.ARCHIVE
    assert preview.title == "tar archive, 2 members (gzip-compressed data)"
    assert isinstance(preview.body, BinaryBody) and preview.body.format is not None
    assert [m.name for m in preview.body.format.members] == ["sub/a.txt", "b.csv"]
    nii = gzip_of(nifti1((64, 64, 32), 16))
    preview = preview_of(nii, "registered_25um.nii.gz", total=len(nii))
    assert preview.kind is PreviewKind.IMAGE
    assert preview.title.startswith("NIfTI-1 image, 64×64×32, float32")
    blob = gzip_of(random_bytes(3000), "blob.bin")
    preview = preview_of(blob, "blob.bin.gz", total=len(blob))
    assert preview.kind is PreviewKind.ARCHIVE
    assert preview.title == "gzip-compressed data (original name 'blob.bin')"


def test_gzip_bomb_is_bounded() -> None:
    bomb = gzip_of(bytes(50 * 1024 * 1024))  # 50 MiB of zeros in ~50 KiB
    preview = preview_of(bomb, "zeros.gz", total=len(bomb))
    assert preview.kind in (PreviewKind.ARCHIVE, PreviewKind.BINARY)
    assert preview.bytes_consumed == len(bomb)


def test_nested_gzip_is_unpacked_once() -> None:
    twice = gzip_of(gzip_of(b"hello\n" * 100))
    preview = preview_of(twice, "x.gz.gz", total=len(twice))
    assert preview.kind is PreviewKind.ARCHIVE


def test_utf16_preview_notes() -> None:
    data = "\ufeffhello\r\nwörld\r\n".encode("utf-16-le")
    preview = preview_of(data, "a.txt", total=len(data))
    assert isinstance(preview.body, TextBody)
    assert preview.body.lines == ("hello", "wörld")
    assert "decoded as UTF-16 little-endian (byte-order mark)" in preview.notes


def test_minified_json_prefix_first_screen() -> None:
    data = minified_json(300_000)[: 256 * 1024]
    preview = preview_of(data, "big.json", at_end=False, total=300_000)
    assert preview.kind is PreviewKind.JSON and preview.truncated
    assert isinstance(preview.body, TextBody)
    assert all(len(line) <= MAX_LINE_CHARS for line in preview.body.lines)
    assert 0 < preview.bytes_consumed <= len(data)


def test_external_and_error_previews() -> None:
    preview = external_preview("aind-open-data", "ecephys_661398/", name="x")
    assert preview.kind is PreviewKind.EXTERNAL
    assert "s3://aind-open-data/ecephys_661398/" in preview.notes[0]
    assert "not previewed through Code Ocean" in preview.notes[0]
    assert external_preview("bucket").notes[0].startswith("The files of this asset live in s3://bucket ")
    error = error_preview("a.txt", "the signed URL expired")
    assert error.kind is PreviewKind.ERROR and error.notes == ("the signed URL expired",)


def test_a_crash_inside_becomes_an_error_preview(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib

    build = importlib.import_module("co_tui.preview.build")

    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("secret file content")

    monkeypatch.setattr(build, "text_preview", boom)
    preview = preview_of(b"hello\n", "a.txt")
    assert preview.kind is PreviewKind.ERROR
    assert preview.notes == ("could not build a preview (RuntimeError)",)


def test_end_of_file_chunk() -> None:
    first = preview_of(b"line\n", "a.txt", at_end=False, total=None)
    assert first.resume is not None
    last = build_preview(
        b"", name="a.txt", start=first.resume.offset, total_size=None, at_end=True,
        resume=first.resume,
    )
    assert last.kind is PreviewKind.EMPTY and last.title == "end of file" and last.resume is None


# --------------------------------------------------------------------------------------------
# Hex view


def test_hex_rows() -> None:
    data = bytes(range(40))
    rows = hex_rows(data, base=0x100)
    assert hex_row_count(len(data)) == len(rows) == 3
    assert [r.offset for r in rows] == [0x100, 0x110, 0x120]
    assert rows[0].hex == "00 01 02 03 04 05 06 07  08 09 0a 0b 0c 0d 0e 0f"
    assert rows[2].hex.startswith("20 21 22 23 24 25 26 27") and len(rows[2].hex) == len(rows[0].hex)
    assert rows[2].ascii == " !\"#$%&'"
    assert rows[0].ascii == "." * 16
    assert format_row(hex_rows(png())[0]) == (
        "00000000  89 50 4e 47 0d 0a 1a 0a  00 00 00 0d 49 48 44 52  |.PNG........IHDR|"
    )
    big = random_bytes(256 * 1024)
    assert hex_row_count(len(big)) == 16384
    assert hex_rows(big, 100, 150) == hex_rows(big)[100:150]
    assert hex_rows(big, 16380, 20000)[-1].offset == 16383 * 16
    assert hex_rows(b"") == []
    assert [r.ascii for r in hex_rows(b"\x1b[31m\x9b\x7fok")] == [".[31m..ok"]


# --------------------------------------------------------------------------------------------
# The demo seed's files


def test_demo_seed_files() -> None:
    from co_tui.emulator.content import read_content
    from co_tui.emulator.seeds import load_seed

    seen: dict[str, set[str]] = {}
    count = 0
    for asset in load_seed("demo").assets:
        for file in asset.files:
            size = file.content.size
            data = read_content(file.content, 0, min(size, 256 * 1024), salt=f"{asset.id}/{file.path}")
            preview = build_preview(data, name=file.path, total_size=size, at_end=len(data) >= size)
            count += 1
            assert preview.kind is not PreviewKind.ERROR, (file.path, preview.notes)
            base = file.path.rsplit("/", 1)[-1]
            ext = base.rsplit(".", 1)[-1].lower() if "." in base else ""
            seen.setdefault(ext, set()).add(preview.kind.value)
            _check_invariants(preview, data)
            if file.content.kind == "inline":
                expected = {
                    "py": "code", "r": "code", "png": "image", "ipynb": "notebook", "csv": "csv",
                    "tsv": "csv", "md": "markdown", "json": "json", "pdf": "binary",
                    "h5": "binary", "nwb": "binary", "parquet": "binary", "zip": "archive",
                    "yaml": "code", "html": "code", "xml": "code",
                }.get(ext)
                if expected is not None:
                    assert preview.kind.value == expected, (file.path, preview.kind)
    assert count > 600
    assert seen["py"] == {"code"} and seen["png"] == {"image"} and seen["ipynb"] == {"notebook"}
    assert "csv" in seen["csv"] and seen["jsonl"] == {"json"}


def test_demo_4gib_log() -> None:
    from co_tui.emulator.content import read_content
    from co_tui.emulator.seeds import load_seed

    asset = next(a for a in load_seed("demo").assets if a.name == "ecephys_661398_2023-03-21_15-47-03 raw")
    file = next(f for f in asset.files if f.path == "raw/acquisition_4GiB.log")
    data = read_content(file.content, 0, 256 * 1024, salt=f"{asset.id}/{file.path}")
    preview = build_preview(data, name=file.path, total_size=file.content.size, at_end=False)
    assert preview.kind is PreviewKind.TEXT and preview.truncated
    assert preview.notes[0] == "showing the first 256 KiB of 4 GiB"
    assert isinstance(preview.body, TextBody) and len(preview.body.lines) > 1000


# --------------------------------------------------------------------------------------------
# Never crash


def _check_invariants(preview: Preview, data: bytes) -> None:
    assert preview.kind is not PreviewKind.ERROR, preview.notes
    assert 0 <= preview.bytes_consumed <= len(data)
    if preview.resume is not None:
        assert preview.resume.offset == preview.start + preview.bytes_consumed
        assert preview.bytes_consumed > 0 or not data
        assert preview.truncated
    body = preview.body
    bodies: list[TextBody] = []
    if isinstance(body, TextBody):
        bodies.append(body)
    elif isinstance(body, (TableBody, MarkdownBody, NotebookBody)):
        bodies.append(body.raw)
    for text in bodies:
        assert len(text.lines) <= MAX_LINES
        assert all(len(line) <= MAX_LINE_CHARS and "\n" not in line for line in text.lines)
        assert all(0 <= i < len(text.lines) for i in text.cut)
    if isinstance(body, TableBody):
        assert all(len(row) == len(body.columns) for row in body.rows)
    for note in preview.notes:
        assert isinstance(note, str) and note


NAMES = ["a.py", "a.json", "a.csv", "a.ipynb", "a.md", "a.png", "a.bin", "noext", "a.jsonl", "a.gz"]
SEEDS = [
    PYTHON.encode(), MARKDOWN.encode(), CSV_QUOTED.encode(), notebook_bytes(), png(),
    json.dumps({"a": [1, {"b": None}]}).encode(), gzip_of(CSV_QUOTED.encode()),
    zip_of({"a": b"b"}), npy(), nifti1(), "\ufeffutf16 ✓\n".encode("utf-16-le"),
]


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    """A fixture cut at a random point with a few random bytes changed or inserted."""
    data = bytearray(draw(st.sampled_from(SEEDS)))
    data = data[: draw(st.integers(0, len(data)))]
    for _ in range(draw(st.integers(0, 4))):
        if not data:
            break
        pos = draw(st.integers(0, len(data) - 1))
        data[pos] = draw(st.integers(0, 255))
    return bytes(data)


inputs = st.one_of(
    st.binary(max_size=64 * 1024),
    st.text(max_size=4000).map(lambda s: s.encode("utf-8", "surrogatepass")),
    mutated(),
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=inputs, name=st.sampled_from(NAMES), at_end=st.booleans())
def test_build_preview_never_raises(data: bytes, name: str, at_end: bool) -> None:
    preview = build_preview(data, name=name, total_size=None, at_end=at_end)
    _check_invariants(preview, data)
    if preview.resume is not None:  # and "load more" from there works too
        rest = data[preview.bytes_consumed :]
        more = build_preview(
            rest, name=name, start=preview.resume.offset, total_size=None, at_end=True,
            resume=preview.resume,
        )
        _check_invariants(more, rest)
