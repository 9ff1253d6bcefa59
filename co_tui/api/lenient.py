"""Lenient decoding: the slow path for a response that does not fit the models exactly.

:func:`co_tui.api.codec.decode` first decodes with msgspec's typed decoder (fast, and right for
every well-formed answer). When that fails validation, :func:`decode_leniently` decodes the body
untyped and reads it against the models' declared types (``msgspec.inspect``), record by record,
the way the official SDK reads a page:

- a timestamp (any integer field) sent as a float keeps its whole seconds;
- ``null`` for a field that cannot be ``null`` gives the field's default;
- a number where a string is expected becomes its decimal text (``next_token``, parameter values);
- a value that cannot be read as its field's type gives the field's default; the record is kept;
- a record of a page (search results, folder items) that cannot be read at all is skipped and
  counted in the page's ``unreadable`` field. A record cannot be read when it is not an object,
  when a required field (an ``id``) is missing or not readable as text, or when one of its
  identity fields (``created`` of an asset or a capsule, ``path`` of a folder item) holds a value
  that is not ``null`` and cannot be read;
- permissions are all or nothing: a user or group entry that cannot be read makes the whole
  answer unreadable, since saving a list with an entry left out would take that access away.

Reading follows the models' type tree, which is a few levels deep and not recursive, so the
depth of the work is bounded by the models whatever the body's depth. Values typed ``Any``
(custom metadata) are kept as decoded; msgspec refuses bodies nested past Python's recursion
limit, and that refusal is turned into :class:`UnreadableResponse` here.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, TypeVar

import msgspec
import msgspec.inspect as mi

from co_tui.api.models import (
    Capsule,
    CapsuleSearchResults,
    DataAsset,
    DataAssetSearchResults,
    Folder,
    FolderItem,
    GroupPermissions,
    Permissions,
    UserPermissions,
)

__all__ = ["UnreadableResponse", "decode_leniently"]

T = TypeVar("T")


class UnreadableResponse(msgspec.ValidationError):
    """The body is JSON of a shape no reading can turn into the expected model.

    A ``msgspec.ValidationError`` (so a ``ValueError``), as the typed decoder would have
    raised: the client reports it as an unexpected response.
    """


_BAD: Any = object()
"""What a coercion returns for a value it cannot read."""

_Coerce = Callable[[Any], Any]

_INT_MIN = -(2**63)
_INT_MAX = 2**63 - 1

RECORD_LISTS: dict[type[msgspec.Struct], str] = {
    DataAssetSearchResults: "results",
    CapsuleSearchResults: "results",
    Folder: "items",
}
"""Page models, and the field holding their records: a record that cannot be read is skipped and
counted in the page's ``unreadable`` field."""

IDENTITY_FIELDS: dict[type[msgspec.Struct], frozenset[str]] = {
    DataAsset: frozenset({"created"}),
    Capsule: frozenset({"created"}),
    FolderItem: frozenset({"path"}),
}
"""Fields besides the required ones without which a record is not itself: a value that is not
``null`` but cannot be read makes the record unreadable instead of taking the default."""

ALL_OR_NOTHING: frozenset[type[msgspec.Struct]] = frozenset(
    {Permissions, UserPermissions, GroupPermissions}
)
"""Models where a value that cannot be read fails the whole answer (see the module docstring)."""

LOCAL_FIELDS = frozenset({"unreadable"})
"""Fields this client fills in itself; the same key in a server's answer is ignored."""

_UNTYPED = msgspec.json.Decoder(float_hook=float)
"""Untyped decoding; a number too large for a float reads as infinity instead of failing."""


# --- scalars ----------------------------------------------------------------------------------


def _any(value: Any) -> Any:
    return value


def _none(value: Any) -> Any:
    return None if value is None else _BAD


def _str(value: Any) -> Any:
    if type(value) is str:
        return value
    if type(value) is int:
        return str(value)
    if type(value) is float and math.isfinite(value):
        return repr(value)
    return _BAD


def _int(value: Any) -> Any:
    if type(value) is int:
        return value if _INT_MIN <= value <= _INT_MAX else _BAD
    if type(value) is str:
        text = value.strip()
        try:
            return _int(int(text))
        except ValueError:
            try:
                value = float(text)
            except ValueError:
                return _BAD
    if type(value) is float and math.isfinite(value):
        return _int(int(value))  # whole seconds of a float timestamp: truncated
    return _BAD


def _float(value: Any) -> Any:
    if type(value) is float:
        return value if math.isfinite(value) else _BAD
    if type(value) is int:
        try:
            return float(value)
        except OverflowError:
            return _BAD
    if type(value) is str:
        try:
            return _float(float(value.strip()))
        except ValueError:
            return _BAD
    return _BAD


_BOOL_WORDS = {"true": True, "false": False, "1": True, "0": False}


def _bool(value: Any) -> Any:
    if type(value) is bool:
        return value
    if type(value) is str:
        return _BOOL_WORDS.get(value.strip().lower(), _BAD)
    if type(value) is int and value in (0, 1):
        return bool(value)
    return _BAD


_SCALARS: dict[type[mi.Type], _Coerce] = {
    mi.AnyType: _any,
    mi.NoneType: _none,
    mi.StrType: _str,
    mi.IntType: _int,
    mi.FloatType: _float,
    mi.BoolType: _bool,
}

_EXACT: dict[type[mi.Type], Callable[[Any], bool]] = {
    mi.StrType: lambda v: type(v) is str,
    mi.IntType: lambda v: type(v) is int,
    mi.FloatType: lambda v: type(v) in (int, float),
    mi.BoolType: lambda v: type(v) is bool,
    mi.ListType: lambda v: type(v) is list,
    mi.VarTupleType: lambda v: type(v) is list,
    mi.DictType: lambda v: type(v) is dict,
    mi.StructType: lambda v: type(v) is dict,
}
"""Which union member a JSON value already is (tried before coercing to the others)."""


# --- containers -------------------------------------------------------------------------------


def _union(node: mi.UnionType) -> _Coerce:
    nullable = any(isinstance(t, mi.NoneType) for t in node.types)
    members = [(_EXACT.get(type(t), lambda _v: False), _compile(t))
               for t in node.types if not isinstance(t, mi.NoneType)]

    def coerce(value: Any) -> Any:
        if value is None:
            return None if nullable else _BAD
        ordered = [c for exact, c in members if exact(value)]
        ordered += [c for exact, c in members if not exact(value)]
        for member in ordered:
            result = member(value)
            if result is not _BAD:
                return result
        return _BAD

    return coerce


def _sequence(node: mi.ListType | mi.VarTupleType, *, strict: bool) -> _Coerce:
    item = _compile(node.item_type)
    make: Callable[[list[Any]], Any] = tuple if isinstance(node, mi.VarTupleType) else list

    def coerce(value: Any) -> Any:
        if type(value) is not list:
            return _BAD
        items = [item(v) for v in value]
        if strict and any(v is _BAD for v in items):
            raise UnreadableResponse("an entry of a list cannot be read")
        return make([v for v in items if v is not _BAD])

    return coerce


def _dict(node: mi.DictType) -> _Coerce:
    key = _compile(node.key_type)
    val = _compile(node.value_type)

    def coerce(value: Any) -> Any:
        if type(value) is not dict:
            return _BAD
        out = {}
        for k, v in value.items():
            k2, v2 = key(k), val(v)
            if k2 is not _BAD and v2 is not _BAD:
                out[k2] = v2
        return out

    return coerce


def _records(node: mi.Type, field: str) -> Callable[[Any], tuple[list[Any], int]]:
    """The record list of a page: (readable records, how many were skipped)."""
    if isinstance(node, mi.UnionType):  # `list[X] | None` is read like `list[X]`
        node = next(t for t in node.types if not isinstance(t, mi.NoneType))
    assert isinstance(node, (mi.ListType, mi.VarTupleType))
    item = _compile(node.item_type)

    def read(value: Any) -> tuple[list[Any], int]:
        if value is None:
            return [], 0
        if type(value) is not list:
            raise UnreadableResponse(f"`{field}` is not a list")
        records = [item(v) for v in value]
        kept = [r for r in records if r is not _BAD]
        return kept, len(records) - len(kept)

    return read


def _struct(node: mi.StructType) -> _Coerce:
    cls = node.cls
    strict = cls in ALL_OR_NOTHING
    identity = IDENTITY_FIELDS.get(cls, frozenset())
    record_field = RECORD_LISTS.get(cls)
    plan: list[tuple[str, str, _Coerce, bool, bool]] = []
    records: Callable[[Any], tuple[list[Any], int]] | None = None
    records_key = ""
    for field in node.fields:
        if field.name in LOCAL_FIELDS:
            continue
        if field.name == record_field:
            records = _records(field.type, field.name)
            records_key = field.encode_name
            continue
        if isinstance(field.type, (mi.ListType, mi.VarTupleType)):
            coerce = _sequence(field.type, strict=strict)
        elif isinstance(field.type, mi.UnionType) and strict:
            coerce = _strict_union(field.type)
        else:
            coerce = _compile(field.type)
        plan.append((field.encode_name, field.name, coerce, field.required,
                     field.name in identity))

    int_keys = frozenset(f.encode_name for f in node.fields if _is_int(f.type))

    def coerce_struct(value: Any) -> Any:
        if type(value) is not dict:
            return _BAD
        if records is None:
            # Most records of a page that failed as a whole are fine, or odd only in the two
            # ways real servers are (a float timestamp, a null): mend those two and read the
            # record in C; only what is still refused takes the field-by-field reading below.
            try:
                return msgspec.convert(_mend(value, int_keys), cls, strict=False)
            except msgspec.ValidationError:
                pass
        kwargs: dict[str, Any] = {}
        for key, name, coerce, required, is_identity in plan:
            raw = value.get(key, _BAD)
            if raw is _BAD:
                if required:
                    return _BAD
                continue
            result = coerce(raw)
            if result is _BAD:
                if required or (is_identity and raw is not None):
                    return _BAD
                if strict and raw is not None:
                    raise UnreadableResponse(f"`{key}` of {cls.__name__} cannot be read")
                continue
            kwargs[name] = result
        if records is not None:
            kwargs[records_key], kwargs["unreadable"] = records(value.get(records_key))
        return cls(**kwargs)

    return coerce_struct


def _is_int(node: mi.Type) -> bool:
    """True for an integer field (``int`` or ``int | None``): a timestamp, a size, a count."""
    if isinstance(node, mi.UnionType):
        return any(isinstance(t, mi.IntType) for t in node.types)
    return isinstance(node, mi.IntType)


def _mend(value: dict[str, Any], int_keys: frozenset[str]) -> dict[str, Any]:
    """``value`` without its ``null`` entries (each field then takes its default, which for an
    optional field is ``null`` anyway) and with finite floats in integer fields truncated, when
    the whole number fits 64 bits as :func:`_int` requires (a float past that is left as it is,
    refused, and the field-by-field reading decides, as it would for that integer)."""
    return {k: (int(v) if type(v) is float and k in int_keys and math.isfinite(v)
                and _INT_MIN <= v < -_INT_MIN else v)
            for k, v in value.items() if v is not None}


def _strict_union(node: mi.UnionType) -> _Coerce:
    """A union inside an all-or-nothing model, with its list members strict too."""
    nullable = any(isinstance(t, mi.NoneType) for t in node.types)
    inner = [t for t in node.types if not isinstance(t, mi.NoneType)]
    if len(inner) == 1 and isinstance(inner[0], (mi.ListType, mi.VarTupleType)):
        seq = _sequence(inner[0], strict=True)
        return lambda v: None if v is None and nullable else seq(v)
    return _union(node)


_COMPILED: dict[Any, _Coerce] = {}


def _compile(node: mi.Type) -> _Coerce:
    """A function reading a decoded JSON value as ``node``'s type (``_BAD`` when it cannot)."""
    scalar = _SCALARS.get(type(node))
    if scalar is not None:
        return scalar
    if isinstance(node, mi.StructType):
        cached = _COMPILED.get(node.cls)
        if cached is None:
            cached = _COMPILED[node.cls] = _struct(node)
        return cached
    if isinstance(node, mi.UnionType):
        return _union(node)
    if isinstance(node, (mi.ListType, mi.VarTupleType)):
        return _sequence(node, strict=False)
    if isinstance(node, mi.DictType):
        return _dict(node)
    if isinstance(node, mi.LiteralType):
        values = set(node.values)
        return lambda v: v if v in values else _BAD
    raise TypeError(f"no lenient reading for {node!r}")  # a model uses a type not handled here


def _reader(type_: Any) -> _Coerce:
    reader = _COMPILED.get(("top", type_))
    if reader is None:
        reader = _COMPILED[("top", type_)] = _compile(mi.type_info(type_))
    return reader


_JSON_KIND = {dict: "an object", list: "an array", str: "a string", bool: "a boolean",
              int: "a number", float: "a number", type(None): "null"}


def decode_leniently(data: bytes | str, type_: type[T]) -> T:
    """Decode ``data`` as ``type_`` by the rules of this module.

    Raises :class:`UnreadableResponse` when the body, read as leniently as that, is still not a
    ``type_`` (an array where an object is expected, a record without an id on its own, a body
    nested deeper than Python's recursion limit), and ``msgspec.DecodeError`` when it is not
    JSON at all.
    """
    try:
        value = _UNTYPED.decode(data)
    except RecursionError:
        raise UnreadableResponse("the JSON is nested too deeply to read") from None
    result = _reader(type_)(value)
    if result is _BAD:
        name = getattr(type_, "__name__", str(type_))
        raise UnreadableResponse(
            f"expected {name}, got {_JSON_KIND.get(type(value), 'something else')}"
            + (" that cannot be read as one" if type(value) is dict else "")
        )
    return result  # type: ignore[no-any-return]
