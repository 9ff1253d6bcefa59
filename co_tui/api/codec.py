"""JSON in and out of the models: a fast typed decode, with the lenient reader as fallback.

Kept apart from :mod:`co_tui.api.models` so that the models know nothing of decoding and
:mod:`co_tui.api.lenient` (which needs the models) is imported here at the top, with no cycle.
"""

from __future__ import annotations

from typing import Any, TypeVar

import msgspec

from co_tui.api.lenient import UnreadableResponse, decode_leniently

__all__ = ["decode", "encode"]

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


def encode(value: Any) -> bytes:
    """Encode a model (or list of models, or plain JSON data) as JSON bytes."""
    return _ENCODER.encode(value)
