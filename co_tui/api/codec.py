"""JSON in and out of the models: a fast typed decode, with the lenient reader as fallback.

Kept apart from :mod:`co_tui.api.models` so that the models know nothing of decoding and
:mod:`co_tui.api.lenient` (which needs the models) is imported here at the top, with no cycle.

A decode is one C call that holds the event loop (and the GIL) until it ends: a folder listing
of 100,000 files (~9 MB) takes 35-50 ms. :func:`decode_async`, which the client uses, reads such
a body in steps instead: a first pass keeps each record as raw JSON (~10 ms), then the records
are decoded :data:`SLICE_RECORDS` at a time, yielding to the loop between slices (~3 ms each),
to the same result as :func:`decode`.
"""

from __future__ import annotations

import asyncio
from typing import Any, TypeVar

import msgspec

from co_tui.api.lenient import UnreadableResponse, decode_leniently
from co_tui.api.models import Folder

__all__ = ["SLICE_BYTES", "SLICE_RECORDS", "decode", "decode_async", "encode"]

SLICE_BYTES = 1 << 20
"""Bodies larger than this, of a type in :data:`SLICED`, are decoded in slices."""
SLICE_RECORDS = 5_000
"""Records decoded between two yields to the event loop."""
SLICED: dict[Any, str] = {Folder: "items"}
"""Models whose one field from the server is a list of records, and that field's name."""

T = TypeVar("T")

_ENCODER = msgspec.json.Encoder()
_DECODERS: dict[Any, msgspec.json.Decoder[Any]] = {}


def decode(data: bytes | str, type_: type[T]) -> T:
    """Decode JSON ``data`` into ``type_`` (a model, or e.g. ``list[Model]``), tolerantly.

    The typed msgspec decoder reads every well-formed answer; an answer it refuses is read again
    by :func:`co_tui.api.lenient.decode_leniently` (float timestamps, ``null`` fields, numbers
    for strings, pages with a record that cannot be read ...). Raises ``ValueError``
    subclasses only: ``msgspec.DecodeError`` when the body is not JSON (or not UTF-8),
    :class:`~co_tui.api.lenient.UnreadableResponse` (a ``msgspec.ValidationError``) when even
    the lenient reading fails or the body is nested too deeply; the client turns both into
    :class:`~co_tui.api.errors.UnexpectedResponseError`.
    """
    decoder = _DECODERS.get(type_)
    if decoder is None:
        decoder = _DECODERS[type_] = msgspec.json.Decoder(type_, strict=False)
    try:
        value = decoder.decode(data)
    except msgspec.ValidationError:
        return decode_leniently(data, type_)
    except RecursionError:
        raise UnreadableResponse("the JSON is nested too deeply to read") from None
    if getattr(value, "unreadable", 0):  # counted by this client only, never taken from a server
        value = msgspec.structs.replace(value, unreadable=0)
    return value  # type: ignore[no-any-return]


async def decode_async(data: bytes | str, type_: type[T]) -> T:
    """:func:`decode`, in slices that let the event loop run when ``data`` is a big body of a
    type in :data:`SLICED` (see the module docstring); the same result, or the same error."""
    field = SLICED.get(type_)
    if field is None or not isinstance(data, bytes) or len(data) <= SLICE_BYTES:
        return decode(data, type_)
    shell = _DECODERS.get((type_, "raw"))
    if shell is None:
        shape = msgspec.defstruct(f"{type_.__name__}Records", [(field, list[msgspec.Raw], [])])
        shell = _DECODERS[(type_, "raw")] = msgspec.json.Decoder(shape)
    try:
        raws: list[msgspec.Raw] = getattr(shell.decode(data), field)
    except (msgspec.ValidationError, RecursionError):
        return decode(data, type_)  # an odd shape: the usual way (lenient, or its error)
    records: list[Any] = []
    unreadable = 0
    head = b'{"' + field.encode() + b'":['
    for start in range(0, len(raws), SLICE_RECORDS):
        await asyncio.sleep(0)
        part = decode(head + b",".join(raws[start:start + SLICE_RECORDS]) + b"]}", type_)
        records.extend(getattr(part, field))
        unreadable += getattr(part, "unreadable", 0)
    return type_(**{field: records, "unreadable": unreadable})


def encode(value: Any) -> bytes:
    """Encode a model (or list of models, or plain JSON data) as JSON bytes."""
    return _ENCODER.encode(value)
