"""Edit metadata without a UI: the form, its validation, conflict detection and the save flow.

The edit dialog shows an asset as text (:class:`MetadataForm`), the user types, and
:func:`check_form` turns the text back into typed values (:class:`AssetValues`) or errors keyed by
field (``name``, ``description``, ``mount``, ``tags``, ``custom:<field>``) before any request.
:func:`save_metadata` then re-reads the asset: if someone else changed a field since the dialog
opened it returns a :class:`Conflict` with both versions of each such field, otherwise it PUTs
the fields that differ from the server (:func:`changed_fields`; the API takes all five, so the
others carry the server's own values, byte for byte) and says which in :attr:`Saved.fields`.
A PUT whose outcome is unknown is never re-sent; the asset is read back instead.

The form holds the text to send. The dialog's edit fields (``co_tui.edit_buffer``) give back
every character of the server's value the user did not delete, so opening and saving never
rewrites a field, and an edited field keeps its joiners, bidi marks, tabs and even the control
characters the server had; only control characters *added* by typing or pasting are refused.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Literal

from co_tui.api.errors import ApiError
from co_tui.api.models import CustomMetadata, DataAsset, DataAssetUpdateParams
from co_tui.operations.field_values import (
    check_custom,
    format_custom,
    has_controls,
    mount_error,
    tag_error,
)
from co_tui.report import describe_change_failure

if TYPE_CHECKING:
    from co_tui.api.client import CodeOceanClient

__all__ = [
    "BASIC_FIELDS", "AssetValues", "Conflict", "FieldConflict", "FormCheck", "MetadataForm",
    "SaveFailed", "SaveResult", "Saved", "Side", "changed_fields", "check_form", "custom_key",
    "field_labels", "find_conflicts", "save_metadata",
]

BASIC_FIELDS: tuple[tuple[str, str], ...] = (
    ("name", "Name"), ("description", "Description"), ("mount", "Mount"), ("tags", "Tags"),
)
"""Keys and labels of the fields every asset has, in form order."""
CUSTOM_PREFIX = "custom:"
Side = Literal["mine", "theirs"]


def custom_key(name: str) -> str:
    """The field key of custom-metadata field ``name`` (in errors and conflicts)."""
    return CUSTOM_PREFIX + name


@dataclass(frozen=True)
class AssetValues:
    """The five editable fields of an asset as typed values (what a PUT sends)."""

    name: str
    description: str
    mount: str
    tags: tuple[str, ...]
    custom: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def of(cls, asset: DataAsset) -> AssetValues:
        """The editable values of ``asset`` (a missing description or map counts as empty)."""
        return cls(asset.name, asset.description or "", asset.mount, tuple(asset.tags or ()),
                   dict(asset.custom_metadata or {}))

    def keys(self) -> list[str]:
        """Every field key of these values: the basic ones, then one per custom field."""
        return [key for key, _ in BASIC_FIELDS] + [custom_key(k) for k in self.custom]

    def get(self, key: str) -> Any:
        """The value of field ``key`` (``None`` for an absent custom field)."""
        if key.startswith(CUSTOM_PREFIX):
            return self.custom.get(key[len(CUSTOM_PREFIX):])
        return getattr(self, key)

    def with_value(self, key: str, value: Any) -> AssetValues:
        """A copy with field ``key`` set to ``value`` (``None`` removes a custom field)."""
        if not key.startswith(CUSTOM_PREFIX):
            return replace(self, **{key: value})
        custom = dict(self.custom)
        custom.pop(key[len(CUSTOM_PREFIX):], None)
        if value is not None:
            custom[key[len(CUSTOM_PREFIX):]] = value
        return replace(self, custom=custom)

    def to_params(self, keys: Sequence[str] | None = None) -> DataAssetUpdateParams:
        """The PUT body with exactly these values: every field, or only the fields of ``keys``
        (any ``custom:`` key sends the whole custom-metadata map; the others stay ``None``,
        which :meth:`~co_tui.api.data_assets.DataAssets.update_metadata` fills from the
        server's current asset)."""
        wanted = {key.split(":", 1)[0] for key in keys} if keys is not None else None

        def pick(field_name: str, value: Any) -> Any:
            return value if wanted is None or field_name in wanted else None

        return DataAssetUpdateParams(
            name=pick("name", self.name), description=pick("description", self.description),
            tags=pick("tags", list(self.tags)), mount=pick("mount", self.mount),
            custom_metadata=pick("custom", dict(self.custom)))


# --- the form -----------------------------------------------------------------------------------


@dataclass
class MetadataForm:
    """The edit dialog's fields as text (raw: the dialog does its own escaping for display)."""

    name: str
    description: str
    mount: str
    tags: list[str]
    custom: dict[str, str] = field(default_factory=dict)
    """Text per schema field name; fields outside the schema are not edited (kept as they are)."""

    @classmethod
    def of(cls, values: AssetValues, schema: CustomMetadata | None) -> MetadataForm:
        """The form showing ``values``, with one entry per schema field."""
        specs = {spec.name: spec for spec in (schema.fields or [])} if schema else {}
        return cls(
            name=values.name, description=values.description, mount=values.mount,
            tags=list(values.tags),
            custom={name: format_custom(values.custom.get(name), spec)
                    for name, spec in specs.items()},
        )


@dataclass(frozen=True)
class FormCheck:
    """The outcome of :func:`check_form`: the typed values, or errors keyed by field."""

    values: AssetValues | None
    errors: dict[str, str]

    @property
    def ok(self) -> bool:
        """True when the form may be saved."""
        return not self.errors


def _check_tags(texts: Sequence[str], original: Sequence[str]) -> tuple[list[str], str | None]:
    tags: list[str] = []
    seen: set[str] = set()
    for text in texts:
        kept = text in original  # the server's own tags pass as they are
        error = None if kept else tag_error(text)
        if error:
            return tags, error
        tag = text if kept else text.strip()
        if tag.casefold() in seen:
            return tags, f"duplicate tag: {tag}"
        seen.add(tag.casefold())
        tags.append(tag)
    return tags, None


def check_form(
    form: MetadataForm, original: AssetValues, schema: CustomMetadata | None
) -> FormCheck:
    """Validate ``form`` before any request; ``original`` is what the dialog opened with.

    Rules: a non-empty name and single-line text without control characters other than those
    the server's value already had (:func:`has_controls`); a mount that is one
    folder name; tags neither empty nor duplicated (ignoring case); each schema field of the
    right type (number, date as epoch seconds, string), allowed value and range. A required field
    may not be cleared (one that was already empty when the dialog opened does not block a
    rename). Custom fields outside the schema are kept unchanged.
    """
    errors: dict[str, str] = {}
    name, description, mount = form.name, form.description, form.mount
    if not name.strip():
        errors["name"] = "name must not be empty"
    elif name != original.name and has_controls(name, original=original.name):
        errors["name"] = "name must not contain control characters"
    if description != original.description and has_controls(
        description, multiline=True, original=original.description
    ):
        errors["description"] = "description must not contain control characters"
    if mount != original.mount and (problem := mount_error(mount)):
        errors["mount"] = problem
    tags, tag_problem = _check_tags(form.tags, original.tags)
    if tag_problem:
        errors["tags"] = tag_problem
    custom, custom_errors = check_custom(form.custom, schema, original.custom)
    errors.update({custom_key(name_): text for name_, text in custom_errors.items()})
    if errors:
        return FormCheck(None, errors)
    return FormCheck(AssetValues(name, description, mount, tuple(tags), custom), {})


# --- saving -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FieldConflict:
    """A field someone else changed while the dialog was open."""

    key: str
    label: str
    base: Any
    """The value when the dialog opened."""
    mine: Any
    theirs: Any

    @property
    def default(self) -> Side:
        """The suggested side: theirs when the user did not touch the field, else mine."""
        return "theirs" if self.mine == self.base else "mine"


@dataclass(frozen=True)
class Saved:
    """The asset was saved (or had nothing to save); ``asset`` is the server's version."""

    asset: DataAsset
    wrote: bool = True
    reconciled: bool = False
    """The PUT's answer was lost and a read-back showed every field saved."""
    fields: tuple[str, ...] = ()
    """Keys of the fields the save changed on the server (empty when nothing differed)."""


@dataclass(frozen=True)
class Conflict:
    """Someone else changed ``fields`` since the dialog opened. Nothing was written."""

    current: DataAsset
    base: AssetValues
    mine: AssetValues
    theirs: AssetValues
    fields: tuple[FieldConflict, ...]

    def resolve(self, choices: Mapping[str, Side]) -> AssetValues:
        """Mine, with ``theirs`` taken for each field chosen so (missing keys: the default)."""
        values = self.mine
        for conflict in self.fields:
            if choices.get(conflict.key, conflict.default) == "theirs":
                values = values.with_value(conflict.key, conflict.theirs)
        return values


@dataclass(frozen=True)
class SaveFailed:
    """Nothing was saved (``outcome == "not_saved"``), or it is not known (``"unknown"``)."""

    error: ApiError
    outcome: Literal["not_saved", "unknown"]
    message: str
    """What happened, for the user (contains server text: show it through ``display``)."""


SaveResult = Saved | Conflict | SaveFailed


def _label(key: str) -> str:
    return dict(BASIC_FIELDS).get(key, key.removeprefix(CUSTOM_PREFIX))


def changed_fields(base: AssetValues, mine: AssetValues) -> list[str]:
    """Keys of the fields whose value in ``mine`` differs from ``base`` (compared exactly), in
    form order."""
    keys = dict.fromkeys([*base.keys(), *mine.keys()])
    return [key for key in keys if mine.get(key) != base.get(key)]


def field_labels(keys: Sequence[str]) -> str:
    """``["name", "custom:project"]`` -> ``"name, project"`` (for a message)."""
    return ", ".join(_label(key).lower() if key in dict(BASIC_FIELDS) else _label(key)
                     for key in keys)


def find_conflicts(
    base: AssetValues, mine: AssetValues, theirs: AssetValues
) -> list[FieldConflict]:
    """Fields changed on the server since ``base`` to a value other than ``mine``."""
    keys = dict.fromkeys([*base.keys(), *mine.keys(), *theirs.keys()])
    return [
        FieldConflict(key, _label(key), base.get(key), mine.get(key), theirs.get(key))
        for key in keys
        if theirs.get(key) != base.get(key) and theirs.get(key) != mine.get(key)
    ]


async def save_metadata(
    client: CodeOceanClient, asset_id: str, base: AssetValues, mine: AssetValues
) -> SaveResult:
    """Save ``mine`` over the asset the dialog opened as ``base``.

    Re-reads the asset first: fields changed by someone else since ``base`` give a
    :class:`Conflict` (resolve it, then call again with ``base=conflict.theirs``). When nothing
    differs from the server the PUT is skipped; otherwise only the differing fields come from
    ``mine``. An unknown outcome is reconciled by reading the
    asset back: saved when every field equals what was sent, never re-sent.
    """
    try:
        current = await client.data_assets.get_data_asset(asset_id)
    except ApiError as exc:
        return SaveFailed(exc, "not_saved", describe_change_failure(exc))
    theirs = AssetValues.of(current)
    conflicts = find_conflicts(base, mine, theirs)
    if conflicts:
        return Conflict(current, base, mine, theirs, tuple(conflicts))
    changed = tuple(changed_fields(theirs, mine))
    if not changed:
        return Saved(current, wrote=False)
    try:
        # Only the changed fields come from the form; the others are the server's own values.
        updated = await client.data_assets.update_metadata(asset_id, mine.to_params(changed),
                                                           current=current)
    except ApiError as exc:
        if not exc.outcome_unknown:
            return SaveFailed(exc, "not_saved",
                              describe_change_failure(exc) + ". Nothing was saved.")
        return await _reconcile(client, asset_id, mine, exc, changed)
    return Saved(updated, fields=changed)


async def _reconcile(
    client: CodeOceanClient, asset_id: str, sent: AssetValues, error: ApiError,
    changed: tuple[str, ...],
) -> SaveResult:
    """After an unknown outcome: read the asset back and tell whether ``sent`` is on the server."""
    try:
        after = await client.data_assets.get_data_asset(asset_id)
    except ApiError as read_error:
        return SaveFailed(error, "unknown", (
            f"{describe_change_failure(error)}. The change may or may not have been saved, and "
            f"reading the asset back failed too ({read_error.message}). Nothing was re-sent; "
            "saving again re-reads the asset first."))
    if AssetValues.of(after) == sent:
        return Saved(after, reconciled=True, fields=changed)
    return SaveFailed(error, "not_saved", (
        f"{describe_change_failure(error)}. The asset was read back: the change was not saved. "
        "Nothing was re-sent."))
