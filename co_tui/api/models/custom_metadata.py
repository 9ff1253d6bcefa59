"""The deployment's custom metadata fields (``codeocean.custom_metadata``)."""

from __future__ import annotations

from co_tui.api.models._base import _Model

__all__ = [
    "CustomMetadata",
    "CustomMetadataField",
    "CustomMetadataFieldRange",
]


class CustomMetadataFieldRange(_Model):
    """Allowed numeric range of a custom-metadata field."""

    min: float | None = None
    max: float | None = None


class CustomMetadataField(_Model):
    """One admin-defined custom-metadata field."""

    name: str
    type: str = "string"
    range: CustomMetadataFieldRange | None = None
    allowed_values: list[str | float] | None = None
    multiple: bool | None = None
    units: str | None = None
    category: str | None = None
    required: bool | None = None


class CustomMetadata(_Model):
    """The deployment's custom-metadata schema."""

    fields: list[CustomMetadataField] | None = None
    categories: list[str] | None = None
