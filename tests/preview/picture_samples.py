"""Pictures made with Pillow for the picture-preview tests: deterministic, with real pixels."""

from __future__ import annotations

import io
import struct
import zlib

from PIL import Image


def scene(width: int = 160, height: int = 100) -> Image.Image:
    """Left half red, right half blue, a white bar across the middle third (easy to check in a
    drawing: colours by position)."""
    image = Image.new("RGB", (width, height), (220, 30, 30))
    image.paste((30, 60, 220), (width // 2, 0, width, height))
    image.paste((250, 250, 250), (0, height // 3, width, 2 * height // 3))
    return image


def encode(image: Image.Image, fmt: str, **options: object) -> bytes:
    """``image`` saved as ``fmt`` (``PNG``, ``JPEG``, ``TIFF``...)."""
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


def animated_gif() -> bytes:
    """Three frames: red, green, blue (the first frame is the one drawn)."""
    frames = [Image.new("RGB", (40, 30), colour) for colour in
              ((230, 20, 20), (20, 230, 20), (20, 20, 230))]
    buffer = io.BytesIO()
    frames[0].save(buffer, "GIF", save_all=True, append_images=frames[1:], duration=100)
    return buffer.getvalue()


def noisy_png(width: int = 1200, height: int = 900) -> bytes:
    """A PNG of about 1-3 MB that does not compress well (larger than one preview chunk)."""
    noise = Image.effect_noise((width, height), 40).convert("RGB")
    return encode(Image.blend(noise, scene(width, height), 0.6), "PNG")


def bomb_png(side: int = 30_000) -> bytes:
    """A tiny greyscale PNG whose header claims ``side`` x ``side`` pixels (900 megapixels),
    with a valid but short stream: what a decompression bomb looks like to a header check."""
    def chunk(tag: bytes, payload: bytes) -> bytes:
        crc = zlib.crc32(tag + payload) & 0xFFFFFFFF
        return struct.pack(">I", len(payload)) + tag + payload + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    row = b"\x00" + b"\x00" * ((side + 7) // 8)
    compressor = zlib.compressobj(9)
    data = b"".join(compressor.compress(row) for _ in range(2000)) + compressor.flush()
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data)
            + chunk(b"IEND", b""))
