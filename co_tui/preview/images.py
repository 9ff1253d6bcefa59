"""Image formats: recognise them by magic bytes and read their size from the header.

Each probe takes the first bytes of a file and returns a :class:`FormatInfo` or ``None``. A
header cut off by the end of the read still yields a description, just a shorter one. Only
fixed-size header fields are read: nothing here decodes pixels.
"""

from __future__ import annotations

import struct

from co_tui.preview.preview_model import FormatInfo

__all__ = ["IMAGE_PROBES", "unpack"]

_PNG_COLOURS = {
    0: "greyscale",
    2: "RGB",
    3: "colour-mapped",
    4: "greyscale+alpha",
    6: "RGBA",
}


def unpack(fmt: str, data: bytes, offset: int) -> tuple[int, ...] | None:
    """``struct.unpack_from`` that returns ``None`` when ``data`` is too short (or the offset
    is negative) instead of raising."""
    if offset < 0 or offset + struct.calcsize(fmt) > len(data):
        return None
    return struct.unpack_from(fmt, data, offset)


def _image(label: str, name: str, width: int | None, height: int | None, *extra: str) -> FormatInfo:
    parts = [f"{name} image"]
    details: list[tuple[str, str]] = []
    if width is not None and height is not None:
        parts.append(f"{width}×{height}")
        details += [("width", str(width)), ("height", str(height))]
    parts += [e for e in extra if e]
    return FormatInfo(label, "image", ", ".join(parts), tuple(details))


def png(data: bytes, name: str) -> FormatInfo | None:
    """PNG: the IHDR chunk right after the signature holds size, bit depth and colour type."""
    if not data.startswith(b"\x89PNG\r\n\x1a\n"):
        return None
    if data[12:16] != b"IHDR" or (fields := unpack(">IIBBBBB", data, 16)) is None:
        return _image("png", "PNG", None, None)
    width, height, depth, colour, _, _, interlace = fields
    kind = f"{depth}-bit {_PNG_COLOURS.get(colour, f'colour type {colour}')}"
    animated = " (animated)" if b"acTL" in data[33:4096] else ""
    return _image(
        "png", "PNG" + animated, width, height, kind, "interlaced" if interlace else ""
    )


def gif(data: bytes, name: str) -> FormatInfo | None:
    """GIF87a/GIF89a: the logical screen size follows the signature."""
    if data[:6] not in (b"GIF87a", b"GIF89a"):
        return None
    size = unpack("<HH", data, 6)
    return _image("gif", "GIF", *(size or (None, None)), data[3:6].decode("ascii"))


_SOF = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}


def jpeg(data: bytes, name: str) -> FormatInfo | None:
    """JPEG: walk the marker segments to the first start-of-frame (SOFn) segment."""
    if not data.startswith(b"\xff\xd8\xff"):
        return None
    pos = 2
    while pos + 4 <= len(data):
        if data[pos] != 0xFF:
            break
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        if marker in (0x01, *range(0xD0, 0xD9)):  # markers without a length
            pos += 2
            continue
        length = int.from_bytes(data[pos + 2 : pos + 4], "big")
        if marker in _SOF:
            fields = unpack(">BHHB", data, pos + 4)
            if fields is None:
                break
            precision, height, width, components = fields
            colour = {1: "greyscale", 3: "YCbCr", 4: "CMYK"}.get(components, f"{components} ch")
            mode = "progressive" if marker in (0xC2, 0xC6, 0xCA, 0xCE) else ""
            return _image("jpeg", "JPEG", width, height, f"{precision}-bit {colour}", mode)
        if marker == 0xDA or length < 2:  # start of scan: no frame header found before it
            break
        pos += 2 + length
    return _image("jpeg", "JPEG", None, None)


_TIFF_TAGS = {256: "width", 257: "height", 258: "bits", 277: "samples", 259: "compression"}
_TIFF_COMPRESSION = {1: "", 5: "LZW", 7: "JPEG", 8: "deflate", 32773: "PackBits", 50000: "zstd"}


def tiff(data: bytes, name: str) -> FormatInfo | None:
    """TIFF and BigTIFF: read the first image file directory for size, depth and samples."""
    head = data[:4]
    if head in (b"II*\x00", b"MM\x00*"):
        big = False
    elif head in (b"II+\x00", b"MM\x00+"):
        big = True
    else:
        return None
    end = "<" if head[0] == ord("I") else ">"
    label = "OME-TIFF" if b"<OME" in data[:65536] else ("BigTIFF" if big else "TIFF")
    ifd = unpack(end + ("Q" if big else "I"), data, 8 if big else 4)
    values: dict[str, int] = {}
    if ifd is not None:
        count = unpack(end + ("Q" if big else "H"), data, ifd[0])
        entry_fmt = end + ("HHQQ" if big else "HHII")
        entry_size = 20 if big else 12
        first = ifd[0] + (8 if big else 2)
        for i in range(min(count[0], 512) if count else 0):
            entry = unpack(entry_fmt, data, first + i * entry_size)
            if entry is None:
                break
            tag, typ, n, value = entry
            if tag not in _TIFF_TAGS:
                continue
            if typ == 3 and n <= (4 if big else 2):  # SHORT values sit left-justified
                raw = data[first + i * entry_size + (12 if big else 8) :][:2]
                value = int.from_bytes(raw, "little" if end == "<" else "big")
            elif typ == 3:  # several SHORTs (bits per sample): the first, at the offset
                short = unpack(end + "H", data, value)
                value = short[0] if short else 0
            values[_TIFF_TAGS[tag]] = value
    extra: list[str] = []
    if "bits" in values:
        samples = values.get("samples", 1)
        extra.append(f"{values['bits']}-bit" + (f" × {samples} samples" if samples > 1 else ""))
    compression = _TIFF_COMPRESSION.get(values.get("compression", 1), "compressed")
    extra.append(compression)
    return _image("tiff", label, values.get("width"), values.get("height"), *extra)


def bmp(data: bytes, name: str) -> FormatInfo | None:
    """Windows bitmap: "BM" is a weak magic, so the DIB header must look right too."""
    if not data.startswith(b"BM"):
        return None
    dib = unpack("<I", data, 14)
    if dib is None or dib[0] not in (12, 40, 52, 56, 64, 108, 124):
        return None
    if dib[0] == 12:
        fields = unpack("<HHHH", data, 18)
    else:
        fields = unpack("<iiHH", data, 18)
    if fields is None or fields[2] != 1:
        return None
    width, height, _, bpp = fields
    return _image("bmp", "BMP", width, abs(height), f"{bpp}-bit")


def webp(data: bytes, name: str) -> FormatInfo | None:
    """WebP: lossy (VP8), lossless (VP8L) and extended (VP8X) headers."""
    if not (data.startswith(b"RIFF") and data[8:12] == b"WEBP"):
        return None
    chunk = data[12:16]
    width = height = None
    mode = ""
    if chunk == b"VP8 " and data[23:26] == b"\x9d\x01\x2a" and (size := unpack("<HH", data, 26)):
        width, height, mode = size[0] & 0x3FFF, size[1] & 0x3FFF, "lossy"
    elif chunk == b"VP8L" and len(data) >= 25 and data[20] == 0x2F:
        bits = int.from_bytes(data[21:25], "little")
        width, height, mode = (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1, "lossless"
    elif chunk == b"VP8X" and len(data) >= 30:
        width = int.from_bytes(data[24:27], "little") + 1
        height = int.from_bytes(data[27:30], "little") + 1
        mode = "extended"
    return _image("webp", "WebP", width, height, mode)


def heif(data: bytes, name: str) -> FormatInfo | None:
    """HEIC/AVIF: an ISO-BMFF ``ftyp`` box with an image brand (size not parsed)."""
    if data[4:8] != b"ftyp":
        return None
    brand = data[8:12]
    if brand in (b"avif", b"avis"):
        return _image("avif", "AVIF", None, None)
    if brand in (b"heic", b"heix", b"heim", b"heis", b"mif1", b"msf1"):
        return _image("heif", "HEIF", None, None)
    return None


IMAGE_PROBES = (png, jpeg, gif, tiff, webp, bmp, heif)
"""Image probes, in the order they are tried."""
