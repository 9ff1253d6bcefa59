"""Binary detection (docs/reliability.md, 'Preview limits') and format recognition on a fixture set."""

from __future__ import annotations

import json

import pytest

from co_tui.preview import classify, extension_hint, identify
from co_tui.preview.detect import sniff_encoding, utf8_prefix_valid
from tests.preview.preview_samples import (
    C_SOURCE,
    CSV_QUOTED,
    MARKDOWN,
    PYTHON,
    bmp,
    bz2_of,
    elf,
    gif,
    gzip_of,
    jpeg,
    minified_json,
    nifti1,
    notebook_bytes,
    npy,
    png,
    random_bytes,
    tar_of,
    tiff,
    webp_lossless,
    xz_of,
    zip_of,
)

CYRILLIC_CP1251 = ("Привет, мир! Это текст в кодировке Windows-1251.\n" * 40).encode("cp1251")
LATIN1 = ("Température moyenne: 37,2 °C; durée: 5 µs; café crème.\n" * 30).encode("latin-1")
CJK_UTF8 = ("神経細胞の記録データ。スパイクソーティング結果。\n" * 80).encode()
ANSI_LOG = b"".join(
    b"\x1b[32mINFO\x1b[0m step %d done\r\n" % i for i in range(200)
)  # ESC and CR are text
CONTROL_HEAVY = bytes(range(1, 32)) * 100  # no NUL, all control characters
HDF5 = b"\x89HDF\r\n\x1a\n" + bytes([0]) + random_bytes(2000, 3)
MAT73 = b"MATLAB 7.3 MAT-file, Platform: GLNXA64".ljust(512, b" ") + HDF5
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n" + random_bytes(500, 4)

# (name, bytes, binary?, format label or None, text in the description)
CASES: list[tuple[str, bytes, bool, str | None, str]] = [
    ("a.py", PYTHON.encode(), False, None, ""),
    ("a.c", C_SOURCE.encode(), False, None, ""),
    ("a.md", MARKDOWN.encode(), False, None, ""),
    ("a.csv", CSV_QUOTED.encode(), False, None, ""),
    ("a.json", json.dumps({"a": [1, 2]}).encode(), False, None, ""),
    ("big.json", minified_json(), False, None, ""),
    ("a.ipynb", notebook_bytes(), False, None, ""),
    ("utf16.txt", "\ufeffhello UTF-16 ✓\r\nline 2\r\n".encode("utf-16-le"), False, None, ""),
    ("utf16be.txt", "\ufeffbig endian text\n".encode("utf-16-be"), False, None, ""),
    ("utf32.txt", "\ufeffutf-32 text\n".encode("utf-32-le"), False, None, ""),
    ("bom8.txt", "\ufeffUTF-8 with BOM\n".encode(), False, None, ""),
    ("latin1.txt", LATIN1, False, None, ""),
    ("cyrillic.txt", CYRILLIC_CP1251, False, None, ""),
    ("cjk.txt", CJK_UTF8, False, None, ""),
    ("colours.log", ANSI_LOG, False, None, ""),
    ("tiny.txt", b"a", False, None, ""),
    ("fake.png", b"this is not a PNG at all\n", False, None, ""),
    ("BM.txt", b"BM is a weak magic; this is text\n", False, None, ""),
    ("MZ.txt", b"MZ is a weak magic too\n", False, None, ""),
    ("a.png", png(), True, "png", "PNG image, 64×48, 8-bit RGBA"),
    ("palette.png", png(128, 96, colour=3), True, "png", "128×96, 8-bit colour-mapped"),
    ("a.dat", png(3, 2, colour=0, depth=16), True, "png", "3×2, 16-bit greyscale"),
    ("a.jpg", jpeg(), True, "jpeg", "JPEG image, 640×480, 8-bit YCbCr"),
    ("p.jpg", jpeg(1920, 1080, progressive=True), True, "jpeg", "1920×1080, 8-bit YCbCr, progressive"),
    ("a.gif", gif(), True, "gif", "GIF image, 10×20"),
    ("a.bmp", bmp(), True, "bmp", "BMP image, 32×16, 24-bit"),
    ("a.tif", tiff(), True, "tiff", "TIFF image, 300×200, 16-bit"),
    ("be.tif", tiff(7, 9, big_endian=True), True, "tiff", "TIFF image, 7×9, 16-bit"),
    ("a.webp", webp_lossless(), True, "webp", "WebP image, 100×50, lossless"),
    ("a.gz", gzip_of(b"hello\n", "x.csv"), True, "gzip", "gzip-compressed data (original name 'x.csv')"),
    ("a.zip", zip_of({"a.txt": b"x", "dir/b.csv": b"1,2"}), True, "zip", "Zip archive, 2 members"),
    ("a.xlsx", zip_of({"[Content_Types].xml": b"<x/>"}), True, "zip", "Excel workbook"),
    ("a.tar", tar_of({"a.txt": b"x" * 600, "b/c.txt": b"y"}), True, "tar", "tar archive, 2 members"),
    ("a.bz2", bz2_of(b"x" * 1000), True, "bzip2", "bzip2-compressed data"),
    ("a.xz", xz_of(b"x" * 1000), True, "xz", "xz-compressed data"),
    ("a.zst", b"\x28\xb5\x2f\xfd" + random_bytes(100), True, "zstd", "Zstandard"),
    ("a.7z", b"7z\xbc\xaf\x27\x1c" + random_bytes(100), True, "7z", "7-Zip"),
    ("a.npy", npy(), True, "npy", "NumPy array float32 (384, 30)"),
    ("b.npy", npy((5,), "<i8"), True, "npy", "NumPy array int64 (5,)"),
    ("c.npy", npy((2, 3), ">u2", fortran=True), True, "npy", "uint16 big-endian (2, 3), Fortran order"),
    ("d.npy", npy((4,), "<U8"), True, "npy", "str (8 chars)"),
    ("brain.nii", nifti1(), True, "nifti", "NIfTI-1 image, 528×320×456, int16"),
    ("x.h5", HDF5, True, "hdf5", "HDF5 file"),
    ("x.nwb", HDF5, True, "hdf5", "NWB file (HDF5)"),
    ("x.h5ad", HDF5, True, "hdf5", "AnnData file (HDF5)"),
    ("x.mat", MAT73, True, "hdf5", "MATLAB 7.3 MAT-file (HDF5)"),
    ("x.parquet", b"PAR1" + random_bytes(400), True, "parquet", "Parquet"),
    ("x.pdf", PDF, True, "pdf", "PDF document, version 1.7"),
    ("a.nrrd", b"NRRD0004\ntype: short\ndimension: 3\nsizes: 4 5 6\nencoding: raw\n\n" + bytes(120), True, "nrrd", "NRRD image, 4×5×6, short, raw-encoded"),
    ("a.mp4", b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2" + random_bytes(64), True, "mp4", "brand isom"),
    ("a.so", elf(), True, "elf", "ELF 64-bit shared object"),
    ("a.db", b"SQLite format 3\x00\x10\x00" + bytes(200), True, "sqlite", "SQLite 3 database"),
    ("random.bin", random_bytes(4096), True, None, ""),
    ("zeros.bin", bytes(1000), True, None, ""),
    ("controls.bin", CONTROL_HEAVY, True, None, ""),
    ("one.bin", b"\x00", True, None, ""),
]


@pytest.mark.parametrize(("name", "data", "binary", "label", "text"), CASES, ids=[c[0] for c in CASES])
def test_classify(name: str, data: bytes, binary: bool, label: str | None, text: str) -> None:
    found = classify(data, name)
    assert found.binary is binary, found.reason
    if label is None:
        assert found.format is None
    else:
        assert found.format is not None
        assert found.format.label == label
        assert text in found.format.description


def test_fixture_set_is_large_enough() -> None:
    """The fixture set covers NUL, UTF-16, PNG, gzip, random, latin-1, UTF-8."""
    assert len(CASES) >= 50
    assert sum(1 for c in CASES if c[2]) >= 20 and sum(1 for c in CASES if not c[2]) >= 15


def test_encodings() -> None:
    assert classify(LATIN1, "x").encoding == "cp1252"
    assert classify(CYRILLIC_CP1251, "x").encoding == "cp1252"
    assert classify(CJK_UTF8, "x").encoding == "utf-8"
    utf16 = classify("\ufeffhi".encode("utf-16-le"), "x")
    assert (utf16.encoding, utf16.bom) == ("utf-16-le", 2)
    utf32 = classify("\ufeffhi".encode("utf-32-le"), "x")
    assert (utf32.encoding, utf32.bom) == ("utf-32-le", 4)
    assert classify("\ufeffhi".encode(), "x").bom == 3
    # A few corrupt bytes in a UTF-8 file keep it UTF-8 (replaced), not Windows-1252.
    assert sniff_encoding(CJK_UTF8[:-5] + b"\xff\xfe" + CJK_UTF8) == "utf-8"


def test_utf8_prefix_allows_a_cut_character() -> None:
    data = "µ".encode() * 10
    assert utf8_prefix_valid(data[:-1])
    assert not utf8_prefix_valid(data[:-1] + b"a")
    assert classify(CJK_UTF8[:-1], "x").binary is False


def test_magic_only_at_the_start() -> None:
    """A chunk from the middle of a file is never taken for a PNG or a BOM."""
    assert classify(png(), "a.png", at_start=False).format is None
    assert classify("\ufeffab".encode("utf-16-le"), "x", at_start=False).binary is True


def test_bom_followed_by_garbage_is_binary() -> None:
    data = b"\xff\xfe" + b"\x01\x00\x02\x00\x03\x00" * 100  # U+0001 U+0002 U+0003...
    assert classify(data, "x").binary


def test_cut_headers_still_identify() -> None:
    """A header cut off by the end of the read gives a shorter description, never a crash."""
    for sample in (png(), jpeg(), gif(), bmp(), tiff(), webp_lossless(), npy(), nifti1()):
        for end in range(2, 80):
            identify(sample[:end], "x")
    assert identify(png()[:20], "x.png") is not None
    assert identify(npy()[:12], "x.npy") is not None


def test_zip_members() -> None:
    info = identify(zip_of({"a.txt": b"x" * 100, "sub/": b"", "sub/b.bin": bytes(10)}), "a.zip")
    assert info is not None and info.members_complete
    assert [(m.name, m.size, m.is_dir) for m in info.members] == [
        ("a.txt", 100, False),
        ("sub/", 0, True),
        ("sub/b.bin", 10, False),
    ]
    cut = identify(zip_of({f"m{i}.txt": random_bytes(500, i) for i in range(10)})[:2000], "a.zip")
    assert cut is not None and not cut.members_complete and 1 <= len(cut.members) < 10


def test_tar_members() -> None:
    long_name = "deep/" * 30 + "file.txt"
    info = identify(tar_of({"a.txt": b"x" * 600, long_name: b"y"}), "a.tar")
    assert info is not None
    assert [m.name for m in info.members] == ["a.txt", long_name]
    assert info.members[0].size == 600


def test_extension_hints() -> None:
    assert extension_hint("videos/face.mp4") == "an MPEG-4 video"
    assert extension_hint("x/registered.nii.gz") == "a gzip-compressed NIfTI image"
    assert extension_hint("snapshot-200000.data-00000-of-00001") == "a model checkpoint"
    assert extension_hint("README") is None
