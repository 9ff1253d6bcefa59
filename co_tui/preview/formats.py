"""Known binary formats by their magic bytes, and a name-based hint for the rest.

:func:`identify` runs every probe (images, archives, scientific formats, documents, media,
executables) on the first bytes of a file; each probe is a few ``startswith`` checks plus, for a
match, a header parse bounded by the bytes at hand. The *content* decides: a ``.png`` that is
really text is shown as text, and a PNG named ``.dat`` is still a PNG. The name only breaks ties
(``.nwb`` vs ``.h5`` for HDF5, ``.xlsx`` vs ``.zip``) and, through :func:`extension_hint`, names
what an unrecognised binary file probably is.
"""

from __future__ import annotations

import struct
from collections.abc import Callable

from co_tui.preview.archives import ARCHIVE_PROBES
from co_tui.preview.images import IMAGE_PROBES, unpack
from co_tui.preview.preview_model import FormatInfo
from co_tui.preview.science import SCIENCE_PROBES

__all__ = ["extension_hint", "identify"]

Probe = Callable[[bytes, str], FormatInfo | None]


def pdf(data: bytes, name: str) -> FormatInfo | None:
    """PDF, with its version."""
    if not data.startswith(b"%PDF-"):
        return None
    version = data[5:8].decode("latin-1")
    if len(version) == 3 and version[0].isdigit() and version[2].isdigit():
        return FormatInfo("pdf", "document", f"PDF document, version {version}")
    return FormatInfo("pdf", "document", "PDF document")


def ole2(data: bytes, name: str) -> FormatInfo | None:
    """Legacy Microsoft Office (``.xls``, ``.doc``) and other OLE2 compound files."""
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return FormatInfo("ole2", "document", "Microsoft compound document (legacy Office)")
    return None


_ISO_BRANDS = {
    b"qt  ": "QuickTime movie",
    b"M4A ": "MPEG-4 audio",
    b"M4V ": "MPEG-4 video",
    b"3gp4": "3GPP video",
    b"3gp5": "3GPP video",
}


def iso_media(data: bytes, name: str) -> FormatInfo | None:
    """MP4, MOV and other ISO base media files (an ``ftyp`` box first)."""
    if data[4:8] != b"ftyp":
        return None
    brand = data[8:12]
    what = _ISO_BRANDS.get(brand, "MPEG-4 media")
    text = brand.decode("latin-1").strip() or "?"
    return FormatInfo("mp4", "media", f"{what} (brand {text})")


def riff(data: bytes, name: str) -> FormatInfo | None:
    """RIFF containers: AVI and WAV (WebP is an image probe)."""
    if not data.startswith(b"RIFF"):
        return None
    form = data[8:12]
    if form == b"AVI ":
        info = "AVI video"
        header = data.find(b"avih", 12, 256)
        if header > 0 and (size := unpack("<8xII", data, header + 8 + 24)) is not None:
            info = f"AVI video, {size[0]}×{size[1]}"
        return FormatInfo("avi", "media", info)
    if form == b"WAVE":
        fmt = data.find(b"fmt ", 12, 256)
        if fmt > 0 and (f := unpack("<HHI", data, fmt + 8)) is not None:
            return FormatInfo("wav", "media", f"WAV audio, {f[1]} ch, {f[2]:,} Hz")
        return FormatInfo("wav", "media", "WAV audio")
    return None


def elf(data: bytes, name: str) -> FormatInfo | None:
    """ELF executables, shared objects and core files."""
    if not data.startswith(b"\x7fELF") or len(data) < 18:
        return None
    bits = {1: "32-bit", 2: "64-bit"}.get(data[4], "")
    order = "<" if data[5] == 1 else ">"
    kind = {1: "relocatable", 2: "executable", 3: "shared object", 4: "core file"}.get(
        struct.unpack_from(order + "H", data, 16)[0], "file"
    )
    return FormatInfo("elf", "executable", " ".join(p for p in ("ELF", bits, kind) if p))


def windows_exe(data: bytes, name: str) -> FormatInfo | None:
    """PE (Windows) executables: ``MZ`` alone is too weak, so the PE header must be there."""
    if not data.startswith(b"MZ"):
        return None
    offset = unpack("<I", data, 0x3C)
    if offset is None or data[offset[0] : offset[0] + 4] != b"PE\x00\x00":
        return None
    return FormatInfo("pe", "executable", "Windows executable (PE)")


def mach_o(data: bytes, name: str) -> FormatInfo | None:
    """Mach-O binaries (single and universal); ``CAFEBABE`` is shared with Java classes."""
    head = data[:4]
    if head in (b"\xfe\xed\xfa\xce", b"\xfe\xed\xfa\xcf", b"\xce\xfa\xed\xfe", b"\xcf\xfa\xed\xfe"):
        return FormatInfo("macho", "executable", "Mach-O binary")
    if head == b"\xca\xfe\xba\xbe" and (count := unpack(">I", data, 4)) is not None:
        if count[0] < 45:
            return FormatInfo("macho", "executable", "Mach-O universal binary")
        return FormatInfo("class", "executable", "Java class file")
    return None


def _magic(label: str, category: str, text: str, *magics: bytes) -> Probe:
    def probe(data: bytes, name: str) -> FormatInfo | None:
        return FormatInfo(label, category, text) if data.startswith(magics) else None

    probe.__name__ = label
    return probe


_OTHER_PROBES: tuple[Probe, ...] = (
    pdf,
    ole2,
    iso_media,
    riff,
    _magic("mkv", "media", "Matroska/WebM video", b"\x1a\x45\xdf\xa3"),
    _magic("ogg", "media", "Ogg media", b"OggS"),
    _magic("flac", "media", "FLAC audio", b"fLaC"),
    _magic("mp3", "media", "MP3 audio (ID3 tag)", b"ID3"),
    _magic("wasm", "executable", "WebAssembly module", b"\x00asm"),
    elf,
    windows_exe,
    mach_o,
)

PROBES: tuple[Probe, ...] = (*IMAGE_PROBES, *ARCHIVE_PROBES, *SCIENCE_PROBES, *_OTHER_PROBES)
"""Every probe, in the order :func:`identify` tries them."""


def identify(data: bytes, name: str = "") -> FormatInfo | None:
    """The format of a file from its first bytes (``None`` if no probe recognises it)."""
    if len(data) < 2:
        return None
    for probe in PROBES:
        info = probe(data, name)
        if info is not None:
            return info
    return None


_EXTENSION_HINTS: dict[str, str] = {
    ".nii.gz": "a gzip-compressed NIfTI image",
    ".tar.gz": "a gzip-compressed tar archive",
    ".ome.tif": "an OME-TIFF image",
    ".ome.tiff": "an OME-TIFF image",
    ".mp4": "an MPEG-4 video",
    ".avi": "an AVI video",
    ".mov": "a QuickTime movie",
    ".mkv": "a Matroska video",
    ".bin": "raw binary data",
    ".dat": "raw binary data",
    ".raw": "raw binary data",
    ".npy": "a NumPy array",
    ".npz": "a NumPy .npz archive",
    ".nwb": "an NWB (HDF5) file",
    ".h5": "an HDF5 file",
    ".hdf5": "an HDF5 file",
    ".h5ad": "an AnnData (HDF5) file",
    ".mat": "a MATLAB MAT-file",
    ".bam": "BAM alignments",
    ".cram": "CRAM alignments",
    ".fa": "FASTA sequences",
    ".fasta": "FASTA sequences",
    ".gtf": "a GTF annotation",
    ".nii": "a NIfTI image",
    ".nrrd": "an NRRD image",
    ".parquet": "a Parquet file",
    ".tif": "a TIFF image",
    ".tiff": "a TIFF image",
    ".png": "a PNG image",
    ".jpg": "a JPEG image",
    ".jpeg": "a JPEG image",
    ".pdf": "a PDF document",
    ".zip": "a Zip archive",
    ".gz": "gzip-compressed data",
    ".xlsx": "an Excel workbook",
    ".pkl": "a Python pickle",
    ".pt": "a PyTorch checkpoint",
    ".pth": "a PyTorch checkpoint",
    ".ckpt": "a model checkpoint",
    ".index": "a TensorFlow checkpoint index",
    ".czi": "a Zeiss CZI image",
    ".nd2": "a Nikon ND2 image",
    ".lif": "a Leica LIF image",
    ".ims": "an Imaris image",
    ".sqlite": "an SQLite database",
    ".db": "a database",
    ".feather": "a Feather file",
    ".arrow": "an Arrow file",
    ".zarr": "a Zarr chunk",
}


def extension_hint(name: str) -> str | None:
    """What a file probably is by its name (``"an MPEG-4 video"``), for binary files no probe
    recognised; ``None`` when the name says nothing."""
    base = name.rsplit("/", 1)[-1].lower()
    if base.startswith("model.ckpt") or ".data-" in base:
        return "a model checkpoint"
    for suffix, hint in _EXTENSION_HINTS.items():
        if base.endswith(suffix):
            return hint
    return None
