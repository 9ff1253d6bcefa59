"""Archives and compressed streams: recognise, list members, peek inside.

Zip and tar members are listed from the local headers found in the bytes at hand (the zip
central directory sits at the end of the file, which a preview never reads). gzip, bzip2 and xz
streams can be decompressed a little (:func:`decompress_prefix`, output capped at
:data:`~co_tui.preview.limits.DECOMPRESS_BYTES` whatever the ratio) so that a ``.csv.gz`` shows
its first rows and a ``.tar.gz`` its first members.
"""

from __future__ import annotations

import bz2
import lzma
import zlib
from collections.abc import Callable

from co_tui.preview.images import unpack
from co_tui.preview.limits import ARCHIVE_MEMBERS, DECOMPRESS_BYTES
from co_tui.preview.preview_model import ArchiveMember, FormatInfo

__all__ = ["ARCHIVE_PROBES", "decompress_prefix", "gzip_name", "tar_members"]


def gzip_name(data: bytes) -> str | None:
    """The original file name stored in a gzip header (FNAME), if any."""
    if len(data) < 10 or not data.startswith(b"\x1f\x8b\x08"):
        return None
    flags = data[3]
    pos = 10
    if flags & 0x04:
        xlen = unpack("<H", data, 10)
        if xlen is None:
            return None
        pos = 12 + xlen[0]
    if not flags & 0x08:
        return None
    end = data.find(b"\x00", pos, pos + 4096)
    return data[pos:end].decode("latin-1") if end > pos else None


def _is_bgzf(data: bytes) -> bool:
    """BGZF (BAM, bgzipped VCF): gzip members with a ``BC`` extra subfield."""
    return bool(data[3] & 0x04) and data[12:14] == b"BC"


def gzip(data: bytes, name: str) -> FormatInfo | None:
    """gzip (and BGZF, the blocked gzip of BAM and tabix files)."""
    if not data.startswith(b"\x1f\x8b\x08") or len(data) < 10:
        return None
    original = gzip_name(data)
    kind = "BGZF" if _is_bgzf(data) else "gzip"
    text = f"{kind}-compressed data" + (f" (original name '{original}')" if original else "")
    details = (("original name", original),) if original else ()
    return FormatInfo("gzip", "compressed", text, details)


def _simple(
    label: str, category: str, text: str, *magics: bytes
) -> Callable[[bytes, str], FormatInfo | None]:
    def probe(data: bytes, name: str) -> FormatInfo | None:
        return FormatInfo(label, category, text) if data.startswith(magics) else None

    probe.__name__ = label
    return probe


def bzip2(data: bytes, name: str) -> FormatInfo | None:
    """bzip2: ``BZh`` + block size digit + a block or end-of-stream magic."""
    if data[:3] == b"BZh" and data[3:4].isdigit() and data[4:10] in (b"1AY&SY", b"\x17rE8P\x90"):
        return FormatInfo("bzip2", "compressed", "bzip2-compressed data")
    return None


def zip_archive(data: bytes, name: str) -> FormatInfo | None:
    """Zip (and the formats built on it: Office documents, ``.npz``, ``.jar``)."""
    if data.startswith(b"PK\x05\x06"):
        return FormatInfo("zip", "archive", "empty Zip archive")
    if not data.startswith((b"PK\x03\x04", b"PK\x07\x08")):
        return None
    members, complete = _zip_members(data)
    lower = name.lower()
    what = "Zip archive"
    for suffix, label in _ZIP_FLAVOURS:
        if lower.endswith(suffix):
            what = label
            break
    else:
        if members and members[0].name == "[Content_Types].xml":
            what = "Office Open XML document (Zip)"
    return FormatInfo(
        "zip", "archive", _counted(what, members, complete), members=tuple(members),
        members_complete=complete,
    )


def _counted(what: str, members: list[ArchiveMember], complete: bool) -> str:
    """``"Zip archive, 3 members"``; ``"12+ members"`` when more may follow; no count at all
    when no member header could be read."""
    if not members:
        return what
    count = f"{len(members):,}{'' if complete else '+'} member" + ("" if len(members) == 1 else "s")
    return f"{what}, {count}"


_ZIP_FLAVOURS = (
    (".xlsx", "Excel workbook (Zip)"),
    (".docx", "Word document (Zip)"),
    (".pptx", "PowerPoint presentation (Zip)"),
    (".npz", "NumPy .npz archive (Zip)"),
    (".jar", "Java archive (Zip)"),
    (".whl", "Python wheel (Zip)"),
)


def _zip_members(data: bytes) -> tuple[list[ArchiveMember], bool]:
    members: list[ArchiveMember] = []
    pos = 4 if data.startswith(b"PK\x07\x08") else 0  # spanned-archive marker
    while len(members) < ARCHIVE_MEMBERS:
        signature = data[pos : pos + 4]
        if signature in (b"PK\x01\x02", b"PK\x05\x06", b"PK\x06\x06"):
            return members, True  # the central directory: every member has been seen
        fields = unpack("<4sHHHHHIIIHH", data, pos)
        if signature != b"PK\x03\x04" or fields is None:
            return members, False
        _, _, flags, _, _, _, _, csize, usize, name_len, extra_len = fields
        name_end = pos + 30 + name_len
        if name_end > len(data):
            return members, False
        raw = data[pos + 30 : name_end]
        member_name = raw.decode("utf-8", "replace") if flags & 0x800 else raw.decode("cp437")
        extra = data[name_end : name_end + extra_len]
        if 0xFFFFFFFF in (csize, usize):
            csize, usize = _zip64_sizes(extra, csize, usize)
        has_descriptor = bool(flags & 0x08)
        members.append(
            ArchiveMember(
                member_name,
                None if has_descriptor and usize == 0 else usize,
                member_name.endswith("/"),
            )
        )
        if has_descriptor and csize == 0:
            return members, False  # the size comes after the data: cannot skip to the next
        pos = name_end + extra_len + csize
        if has_descriptor:
            pos += 4 if data[pos : pos + 4] == b"PK\x07\x08" else 0
            pos += 12
    return members, False


def _zip64_sizes(extra: bytes, csize: int, usize: int) -> tuple[int, int]:
    pos = 0
    while pos + 4 <= len(extra):
        header = unpack("<HH", extra, pos)
        if header is None:
            break
        tag, size = header
        if tag == 0x0001:
            body = extra[pos + 4 : pos + 4 + size]
            values = [int.from_bytes(body[i : i + 8], "little") for i in range(0, len(body) - 7, 8)]
            if usize == 0xFFFFFFFF and values:
                usize = values.pop(0)
            if csize == 0xFFFFFFFF and values:
                csize = values.pop(0)
            break
        pos += 4 + size
    return csize, usize


def tar_members(data: bytes) -> tuple[list[ArchiveMember], bool]:
    """Members of a (ustar, GNU or pax) tar stream found in ``data``, and whether the end of the
    archive was reached."""
    members: list[ArchiveMember] = []
    pos = 0
    long_name: str | None = None
    while len(members) < ARCHIVE_MEMBERS and pos + 512 <= len(data):
        header = data[pos : pos + 512]
        if header == bytes(512):
            return members, True
        size = _tar_size(header[124:136])
        kind = header[156:157]
        body = data[pos + 512 : pos + 512 + size]
        pos += 512 + (size + 511) // 512 * 512
        if kind == b"L":  # GNU long name: the next member's name is this member's data
            long_name = body.split(b"\x00", 1)[0].decode("utf-8", "replace")
            continue
        if kind == b"x":  # pax header: look for a path record
            for record in body.split(b"\n"):
                key, _, value = record.partition(b"=")
                if key.endswith(b" path"):
                    long_name = value.decode("utf-8", "replace")
            continue
        if kind == b"g":
            continue
        name = header[:100].split(b"\x00", 1)[0]
        prefix = header[345:500].split(b"\x00", 1)[0] if header[257:262] == b"ustar" else b""
        text = long_name or (prefix + b"/" + name if prefix else name).decode("utf-8", "replace")
        long_name = None
        is_dir = kind == b"5" or text.endswith("/")
        members.append(ArchiveMember(text, None if is_dir else size, is_dir))
    return members, False


def _tar_size(field: bytes) -> int:
    if field and field[0] & 0x80:  # GNU base-256 for sizes of 8 GiB and more
        return int.from_bytes(field[1:], "big")
    digits = field.split(b"\x00", 1)[0].strip()
    try:
        return int(digits, 8) if digits else 0
    except ValueError:
        return 0


def tar(data: bytes, name: str) -> FormatInfo | None:
    """A POSIX (ustar) or GNU tar archive."""
    if data[257:262] != b"ustar":
        return None
    members, complete = tar_members(data)
    return FormatInfo(
        "tar", "archive", _counted("tar archive", members, complete), members=tuple(members),
        members_complete=complete,
    )


ARCHIVE_PROBES = (
    gzip,
    zip_archive,
    tar,
    bzip2,
    _simple("xz", "compressed", "xz-compressed data", b"\xfd7zXZ\x00"),
    _simple("zstd", "compressed", "Zstandard-compressed data", b"\x28\xb5\x2f\xfd"),
    _simple("lz4", "compressed", "LZ4-compressed data", b"\x04\x22\x4d\x18"),
    _simple("lzip", "compressed", "lzip-compressed data", b"LZIP\x01"),
    _simple("7z", "archive", "7-Zip archive", b"7z\xbc\xaf\x27\x1c"),
    _simple("rar", "archive", "RAR archive", b"Rar!\x1a\x07"),
)
"""Archive and compression probes, in the order they are tried."""


def decompress_prefix(data: bytes, label: str) -> tuple[bytes, bool] | None:
    """The first decompressed bytes of a gzip, bzip2 or xz stream, at most
    :data:`~co_tui.preview.limits.DECOMPRESS_BYTES`, and whether the whole compressed stream was
    decoded (its end was in ``data``). ``None`` when the format is not supported (zstd) or the
    data is corrupt before any output."""
    try:
        if label == "gzip":
            return _gunzip(data)
        if label == "bzip2":
            bz = bz2.BZ2Decompressor()
            out = bz.decompress(data, DECOMPRESS_BYTES)
            return out, bz.eof and len(out) < DECOMPRESS_BYTES
        if label == "xz":
            xz = lzma.LZMADecompressor()
            out = xz.decompress(data, DECOMPRESS_BYTES)
            return out, xz.eof and len(out) < DECOMPRESS_BYTES
    except (OSError, EOFError, ValueError, zlib.error, lzma.LZMAError):
        return None
    return None


def _gunzip(data: bytes) -> tuple[bytes, bool]:
    """Multi-member aware (BGZF files are thousands of small gzip members)."""
    parts: list[bytes] = []
    got = 0
    rest = data
    while rest and got < DECOMPRESS_BYTES:
        if not rest.startswith(b"\x1f\x8b"):
            break
        decomp = zlib.decompressobj(31)
        try:
            piece = decomp.decompress(rest, DECOMPRESS_BYTES - got)
        except zlib.error:
            if not parts:
                raise
            break
        parts.append(piece)
        got += len(piece)
        if not decomp.eof:
            return b"".join(parts), False
        rest = decomp.unused_data
    return b"".join(parts), not rest and got < DECOMPRESS_BYTES
