"""Scientific and data formats: NumPy, NIfTI, NRRD, HDF5 (NWB, AnnData, MAT 7.3), FITS,
Parquet and friends.

Headers are parsed only where that is cheap and safe: the ``.npy`` header is a Python literal
read with :func:`ast.literal_eval` (never ``eval``, and capped in size); everything else is fixed
binary fields. Nothing here ever loads a pickle.
"""

from __future__ import annotations

import ast
from collections.abc import Callable

from co_tui.preview.images import unpack
from co_tui.preview.limits import NPY_HEADER_CHARS
from co_tui.preview.preview_model import FormatInfo

__all__ = ["SCIENCE_PROBES", "numpy_dtype_name"]

_NP_KINDS = {
    "b": "bool",
    "i": "int",
    "u": "uint",
    "f": "float",
    "c": "complex",
    "M": "datetime64",
    "m": "timedelta64",
}


def numpy_dtype_name(descr: object) -> str:
    """A readable name for a NumPy ``descr``: ``'<f4'`` → ``float32``, ``'>i2'`` →
    ``int16 big-endian``, ``'<U8'`` → ``str (8 chars)``, a field list → ``structured (...)``."""
    if isinstance(descr, list):
        names = [str(f[0]) for f in descr if isinstance(f, tuple) and f]
        shown = ", ".join(names[:6]) + (", …" if len(names) > 6 else "")
        return f"structured ({len(descr)} fields: {shown})"
    if not isinstance(descr, str) or len(descr) < 2:
        return repr(descr)
    order, code = (descr[0], descr[1:]) if descr[0] in "<>|=" else ("=", descr)
    kind, size_text = code[0], code[1:]
    suffix = " big-endian" if order == ">" and size_text not in ("", "1") else ""
    unit = ""
    if "[" in size_text:  # datetime64[ns]
        size_text, _, unit = size_text.partition("[")
        unit = "[" + unit
    size = int(size_text) if size_text.isdigit() else 0
    if kind in ("b",) and size == 1:
        return "bool"
    if kind in ("i", "u", "f", "c"):
        return f"{_NP_KINDS[kind]}{size * 8}{suffix}"
    if kind in ("M", "m"):
        return f"{_NP_KINDS[kind]}{unit}"
    if kind in ("S", "a"):
        return f"bytes ({size} per item)"
    if kind == "U":
        return f"str ({size} chars)"
    if kind == "O":
        return "object"
    if kind == "V":
        return f"void ({size} bytes)"
    return descr


def npy(data: bytes, name: str) -> FormatInfo | None:
    """NumPy ``.npy``: magic, version, header length, then a dict literal with ``descr``,
    ``fortran_order`` and ``shape``."""
    if not data.startswith(b"\x93NUMPY") or len(data) < 10:
        return None
    major = data[6]
    if major == 1:
        length, start = int.from_bytes(data[8:10], "little"), 10
    else:
        length, start = int.from_bytes(data[8:12], "little"), 12
    generic = FormatInfo("npy", "data", "NumPy array")
    if length > NPY_HEADER_CHARS or start + length > len(data):
        return generic
    text = data[start : start + length].decode("utf-8" if major >= 3 else "latin-1", "replace")
    try:
        header = ast.literal_eval(text.strip())
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return generic
    if not isinstance(header, dict):
        return generic
    shape = header.get("shape")
    if not (isinstance(shape, tuple) and all(isinstance(n, int) for n in shape)):
        return generic
    dtype = numpy_dtype_name(header.get("descr"))
    order = "Fortran order" if header.get("fortran_order") is True else ""
    count = 1
    for n in shape:
        count *= n
    details = (("dtype", dtype), ("shape", repr(shape)), ("elements", f"{count:,}"))
    description = f"NumPy array {dtype} {shape!r}" + (f", {order}" if order else "")
    version = ("format version", f"{major}.{data[7]}")
    return FormatInfo("npy", "data", description, (*details, version))


_NIFTI_TYPES = {
    1: "bool",
    2: "uint8",
    4: "int16",
    8: "int32",
    16: "float32",
    32: "complex64",
    64: "float64",
    128: "RGB24",
    256: "int8",
    512: "uint16",
    768: "uint32",
    1024: "int64",
    1280: "uint64",
    1536: "float128",
    1792: "complex128",
    2048: "complex256",
    2304: "RGBA32",
}


def nifti(data: bytes, name: str) -> FormatInfo | None:
    """NIfTI-1 (348-byte header, ``n+1``/``ni1`` magic) and NIfTI-2 (540 bytes, ``n+2``)."""
    for end in "<>":
        size = unpack(end + "i", data, 0)
        if size == (348,) and data[344:348] in (b"n+1\x00", b"ni1\x00"):
            dims, dtype, pixdim = unpack(end + "8h", data, 40), unpack(end + "h", data, 70), (
                unpack(end + "8f", data, 76)
            )
            return _nifti_info("NIfTI-1", dims, dtype, pixdim)
        if size == (540,) and data[4:12] == b"n+2\x00\r\n\x1a\n":
            dtype = unpack(end + "h", data, 12)
            dims, pixdim = unpack(end + "8q", data, 16), unpack(end + "8d", data, 104)
            return _nifti_info("NIfTI-2", dims, dtype, pixdim)
    return None


def _nifti_info(
    label: str,
    dims: tuple[int, ...] | None,
    dtype: tuple[int, ...] | None,
    pixdim: tuple[float, ...] | None,
) -> FormatInfo:
    parts = [f"{label} image"]
    details: list[tuple[str, str]] = []
    if dims is not None and 1 <= dims[0] <= 7:
        shape = dims[1 : 1 + dims[0]]
        parts.append("×".join(str(n) for n in shape))
        details.append(("shape", repr(tuple(shape))))
        if pixdim is not None:
            voxel = "×".join(f"{abs(v):g}" for v in pixdim[1 : 1 + min(dims[0], 3)])
            details.append(("voxel size", voxel))
    if dtype is not None:
        type_name = _NIFTI_TYPES.get(dtype[0], f"datatype {dtype[0]}")
        parts.append(type_name)
        details.append(("datatype", type_name))
    return FormatInfo("nifti", "image", ", ".join(parts), tuple(details))


def nrrd(data: bytes, name: str) -> FormatInfo | None:
    """NRRD: a text header (``NRRD0004``, ``type:``, ``sizes:``...) before the raw data."""
    if not (data.startswith(b"NRRD000") and data[7:8].isdigit()):
        return None
    fields: dict[str, str] = {}
    for raw in data[:4096].split(b"\n")[1:]:
        line = raw.decode("latin-1").strip()
        if not line:
            break
        key, sep, value = line.partition(":")
        if sep and not line.startswith("#"):
            fields[key.strip().lower()] = value.lstrip("=").strip()
    parts = ["NRRD image"]
    if "sizes" in fields:
        parts.append("×".join(fields["sizes"].split()))
    if "type" in fields:
        parts.append(fields["type"])
    if "encoding" in fields:
        parts.append(f"{fields['encoding']}-encoded")
    keys = ("type", "dimension", "sizes", "encoding")
    details = tuple((k, fields[k]) for k in keys if k in fields)
    return FormatInfo("nrrd", "image", ", ".join(parts), details)


_HDF5_SIGNATURE = b"\x89HDF\r\n\x1a\n"
_HDF5_FLAVOURS = (
    (".nwb", "NWB file (HDF5)"),
    (".h5ad", "AnnData file (HDF5)"),
    (".loom", "Loom file (HDF5)"),
    (".ims", "Imaris file (HDF5)"),
    (".mat", "MATLAB 7.3 MAT-file (HDF5)"),
    (".h5", "HDF5 file"),
    (".hdf5", "HDF5 file"),
)


def hdf5(data: bytes, name: str) -> FormatInfo | None:
    """HDF5 (at offset 0 or after a user block of 512, 1024, 2048... bytes) and the formats
    built on it, told apart by the file name or a MATLAB text header."""
    offset = 0
    while offset < len(data) and data[offset : offset + 8] != _HDF5_SIGNATURE:
        offset = 512 if offset == 0 else offset * 2
    if offset >= len(data):
        return None
    lower = name.lower()
    what = "HDF5 file"
    if data.startswith(b"MATLAB 7.3"):
        what = "MATLAB 7.3 MAT-file (HDF5)"
    else:
        for suffix, label in _HDF5_FLAVOURS:
            if lower.endswith(suffix):
                what = label
                break
    details: tuple[tuple[str, str], ...] = ()
    if offset + 8 < len(data):
        details = (("superblock version", str(data[offset + 8])),)
    if offset:
        details += (("user block", f"{offset:,} bytes"),)
    return FormatInfo("hdf5", "data", what, details)


def mat5(data: bytes, name: str) -> FormatInfo | None:
    """MATLAB 5 MAT-file: a 116-byte text header."""
    if not data.startswith(b"MATLAB 5.0 MAT-file"):
        return None
    header = data[:116].decode("latin-1").rstrip(" \x00")
    return FormatInfo("mat", "data", "MATLAB 5.0 MAT-file", (("header", header),))


def fits(data: bytes, name: str) -> FormatInfo | None:
    """FITS: 80-character header cards; read BITPIX and NAXISn."""
    if not data.startswith(b"SIMPLE  ="):
        return None
    cards: dict[str, str] = {}
    for i in range(0, min(len(data), 2880 * 4), 80):
        card = data[i : i + 80].decode("latin-1")
        key = card[:8].strip()
        if key == "END":
            break
        if card[8:10] == "= ":
            cards[key] = card[10:].split("/", 1)[0].strip()
    naxis = int(cards["NAXIS"]) if cards.get("NAXIS", "").isdigit() else 0
    sizes = [cards.get(f"NAXIS{i}", "?") for i in range(1, min(naxis, 9) + 1)]
    parts = ["FITS file"]
    if sizes:
        parts.append("×".join(sizes))
    if "BITPIX" in cards:
        parts.append(f"BITPIX {cards['BITPIX']}")
    return FormatInfo("fits", "data", ", ".join(parts))


def sqlite(data: bytes, name: str) -> FormatInfo | None:
    """SQLite 3 database; page size from the header."""
    if not data.startswith(b"SQLite format 3\x00"):
        return None
    page = unpack(">H", data, 16)
    size = (65536 if page[0] == 1 else page[0]) if page else None
    details = (("page size", f"{size:,} bytes"),) if size else ()
    return FormatInfo("sqlite", "data", "SQLite 3 database", details)


def _magic(
    label: str, text: str, magic: bytes, *, offset: int = 0, suffixes: tuple[str, ...] = ()
) -> Callable[[bytes, str], FormatInfo | None]:
    """A probe for a fixed magic at ``offset``; with ``suffixes`` the name must match too (for
    weak, short magics that a text file could start with)."""

    def probe(data: bytes, name: str) -> FormatInfo | None:
        if data[offset : offset + len(magic)] != magic:
            return None
        if suffixes and not name.lower().endswith(suffixes):
            return None
        return FormatInfo(label, "data", text)

    probe.__name__ = label
    return probe


def pickle(data: bytes, name: str) -> FormatInfo | None:
    """A Python pickle (described, never loaded)."""
    if len(data) >= 2 and data[0] == 0x80 and 2 <= data[1] <= 5:
        if name.lower().endswith((".pkl", ".pickle", ".joblib")):
            return FormatInfo("pickle", "data", f"Python pickle (protocol {data[1]})")
    return None


SCIENCE_PROBES = (
    npy,
    hdf5,
    nifti,
    nrrd,
    mat5,
    fits,
    sqlite,
    _magic("parquet", "Apache Parquet file", b"PAR1"),
    _magic("arrow", "Apache Arrow IPC file (Feather v2)", b"ARROW1\x00\x00"),
    _magic("feather", "Feather v1 file", b"FEA1"),
    _magic("avro", "Apache Avro container", b"Obj\x01"),
    _magic("orc", "Apache ORC file", b"ORC", suffixes=(".orc",)),
    _magic("dicom", "DICOM medical image", b"DICM", offset=128),
    pickle,
)
"""Scientific/data probes, in the order they are tried."""
