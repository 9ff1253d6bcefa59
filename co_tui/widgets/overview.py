"""Text of the asset detail panes: overview, provenance, sharing and "attached to".

Pure functions from API models to :class:`~textual.content.Content`; every server string goes
through :func:`co_tui.safe_text.display`. The screen puts the results into ``Static`` widgets and
the link lists (:func:`link_prompt`) into an ``OptionList``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from rich.cells import cell_len
from textual.content import Content
from textual.geometry import Size
from textual.widget import Widget

from co_tui.api.capsules import AttachedTo
from co_tui.api.models import (
    Capsule,
    CustomMetadata,
    CustomMetadataField,
    DataAsset,
    Permissions,
)
from co_tui.formatting import format_count, format_date, format_size
from co_tui.safe_text import display, join
from co_tui.widgets.asset_state import state_content

__all__ = [
    "LABEL_WIDTH",
    "UNAVAILABLE",
    "FieldList",
    "describe_attached",
    "describe_overview",
    "describe_provenance",
    "describe_sharing",
    "field_row",
    "label_width",
    "link_prompt",
    "origin_text",
    "overview_rows",
    "provenance_rows",
    "title_line",
]

LABEL_WIDTH = 16
"""Least cells of the label column; a longer label (``Nextflow profile``) widens it for every
row, so values always start in one column (:func:`label_width`)."""
UNAVAILABLE = "not available"
"""Shown for a linked asset, capsule or computation that is gone or not visible (404 / 403)."""

_MUTED = "$text-muted"


def label_width(rows: Iterable[tuple[str, Content]], least: int = LABEL_WIDTH) -> int:
    """Cells of the label column for ``rows``: the longest label and a space, at least
    ``least``."""
    return max([least, *(cell_len(label) + 1 for label, _ in rows)])


def _head(label: str, width: int) -> Content:
    return Content.styled(label + " " * max(1, width - cell_len(label)), "bold")


def field_row(label: str, value: Content, width: int = LABEL_WIDTH) -> Content:
    """``label`` (ours) padded to ``width`` cells, then ``value``; continuation lines of a
    multi-line value are indented under the value."""
    if "\n" in value.plain:
        pad = Content(" " * width)
        lines = value.split("\n")
        value = Content("\n").join(
            line if i == 0 else Content.assemble(pad, line) for i, line in enumerate(lines)
        )
    return Content.assemble(_head(label, width), value)


def _fixed(content: Content, width: int) -> Content:
    """``content`` padded with spaces to ``width`` cells."""
    return content.pad_right(max(0, width - content.cell_length))


def _rows(rows: Sequence[tuple[str, Content]]) -> Content:
    width = label_width(rows)
    return Content("\n").join(field_row(label, value, width) for label, value in rows)


def _state(asset: DataAsset) -> Content:
    return state_content(asset.state)


def title_line(asset: DataAsset | None, asset_id: str) -> Content:
    """The screen's top line: the asset's name, type and state."""
    if asset is None:
        return Content.assemble(("Data asset ", "bold"), display(asset_id, style=_MUTED))
    return Content.assemble(
        display(asset.name or asset.id, style="bold"),
        "  ",
        display(asset.type or "?", style=_MUTED),
        " · ",
        _state(asset),
    )


def origin_text(asset: DataAsset) -> Content:
    """``internal (Code Ocean storage)`` or ``external: s3://bucket/prefix``."""
    bucket = asset.source_bucket
    if bucket is None or not bucket.bucket:
        return Content("internal (Code Ocean storage)")
    scheme = {"gcp": "gs"}.get(bucket.origin, "s3")
    location = f"{scheme}://{bucket.bucket}/{(bucket.prefix or '').lstrip('/')}"
    if asset.is_external:
        return Content.assemble("external: ", display(location))
    return Content.assemble("internal, copied from ", display(location))


def _value_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (int, float)):
        return f"{value:g}" if isinstance(value, float) else str(value)
    if isinstance(value, list) and all(isinstance(v, (str, int, float)) for v in value):
        return ", ".join(_value_text(v) for v in value)
    try:
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    except (TypeError, ValueError):
        return repr(value)


FIELDS_LOADING = "…"
"""A number's place while the schema (which says whether it is a date) is being read."""
FIELDS_FAILED = "? (field types not read: r retries)"
"""A number's place when the schema could not be read: it may be a date, never shown raw."""


def _metadata_value(value: Any, spec: CustomMetadataField | None, unknown: str) -> Content:
    """One value; a number whose field is not in the schema we hold says ``unknown`` instead
    (an epoch of a date field must never show raw, ``1679356800``)."""
    number = isinstance(value, (int, float)) and not isinstance(value, bool)
    if spec is None and number and unknown:
        return Content.styled(unknown, _MUTED)
    if spec is not None and spec.type == "date" and number:
        text = format_date(value, utc=True, never="")
    else:
        text = _value_text(value)
    if spec is not None and spec.units and isinstance(value, (int, float)):
        text = f"{text} {spec.units}"
    return display(text)


def _custom_metadata(
    asset: DataAsset, schema: CustomMetadata | None, schema_failed: bool
) -> Content | None:
    """The asset's custom metadata: the schema's fields first, in the schema's order, then the
    free keys by name. Without a schema (still loading, or failed) numbers are placeholders."""
    values: Mapping[str, Any] = asset.custom_metadata or {}
    if not values:
        return None
    specs = {f.name: f for f in (schema.fields or [])} if schema is not None else {}
    ordered = [name for name in specs if name in values]
    ordered += sorted(name for name in values if name not in specs)
    width = min(28, max(len(name) for name in ordered) + 1)
    unknown = "" if schema is not None else FIELDS_FAILED if schema_failed else FIELDS_LOADING
    lines = [
        Content.assemble(_fixed(display(f"{name}:", max_cells=width), width), " ",
                         _metadata_value(values[name], specs.get(name), unknown))
        for name in ordered
    ]
    return Content("\n").join(lines)


def _size_row(asset: DataAsset) -> Content:
    size = format_size(asset.size)
    return Content(f"{size} ({asset.size:,} bytes)" if size and asset.size else size or "unknown")


def describe_overview(asset: DataAsset, *, schema: CustomMetadata | None = None,
                      schema_failed: bool = False) -> Content:
    """Every field of ``asset`` as aligned ``label  value`` lines (provenance excluded)."""
    return _rows(overview_rows(asset, schema=schema, schema_failed=schema_failed))


def overview_rows(
    asset: DataAsset, *, schema: CustomMetadata | None = None, schema_failed: bool = False
) -> list[tuple[str, Content]]:
    """Every field of ``asset`` as ``(label, value)`` rows (provenance excluded).

    ``schema`` is the deployment's custom-metadata fields (None: still loading, or
    ``schema_failed``): it orders the custom metadata and says which numbers are dates."""
    rows: list[tuple[str, Content]] = [
        ("Name", display(asset.name, style="bold")),
        ("ID", display(asset.id)),
        ("Type", display(asset.type or "unknown")),
        ("State", _state(asset)),
    ]
    if asset.failure_reason:
        rows.append(("Failure reason", display(asset.failure_reason, multiline=True,
                                                style="$error")))
    description = asset.description or ""
    rows.append(("Description", display(description, multiline=True) if description.strip()
                 else Content.styled("no description", _MUTED)))
    rows += [
        ("Created", Content(format_date(asset.created, never="unknown"))),
        ("Created by", display(asset.owner_email or asset.owner or "unknown")),
        ("Files", Content(format_count(asset.files) or "unknown")),
        ("Size", _size_row(asset)),
        ("Mount", display(f"/data/{asset.mount}" if asset.mount else "none")),
        ("Tags", join(*[display(t) for t in asset.tags], separator=", ") if asset.tags
         else Content.styled("none", _MUTED)),
        ("Origin", origin_text(asset)),
        ("Last used", Content(format_date(asset.last_used))),
    ]
    if asset.nextflow_profile:
        rows.append(("Nextflow profile", display(asset.nextflow_profile)))
    if asset.last_transferred:
        rows.append(("Last transferred", Content(format_date(asset.last_transferred))))
    if asset.transfer_error:
        rows.append(("Transfer error", display(asset.transfer_error, multiline=True,
                                                style="$error")))
    metadata = _custom_metadata(asset, schema, schema_failed)
    if metadata is not None:
        rows.append(("Custom metadata", metadata))
    if asset.app_parameters:
        params = [
            Content.assemble(display(p.name or "?"), " = ", display(p.value or ""))
            for p in asset.app_parameters
        ]
        rows.append(("App parameters", Content("\n").join(params)))
    if asset.contained_data_assets:
        rows.append(("Contains", Content(
            f"{len(asset.contained_data_assets)} data assets (listed below)")))
    return rows


def _named(kind: str, object_id: str, name: str | None) -> Content:
    if name is None:
        return Content.assemble(display(object_id), (f"  (loading {kind} name…)", _MUTED))
    if name == UNAVAILABLE:
        return Content.assemble(display(object_id), (f"  ({kind} {UNAVAILABLE})", _MUTED))
    return Content.assemble(display(name, style="bold"), "  ", display(object_id, style=_MUTED))


def describe_provenance(asset: DataAsset, names: Mapping[str, str]) -> Content | None:
    """The provenance block of a result (``None`` when the asset has none)."""
    rows = provenance_rows(asset, names)
    return _rows(rows) if rows is not None else None


def provenance_rows(
    asset: DataAsset, names: Mapping[str, str]
) -> list[tuple[str, Content]] | None:
    """The provenance of a result as ``(label, value)`` rows (``None`` when it has none).

    ``names`` maps capsule / computation ids to their names as they arrive (missing: still
    loading; :data:`UNAVAILABLE`: gone or not visible).
    """
    prov = asset.provenance
    if prov is None:
        return None
    rows: list[tuple[str, Content]] = []
    if prov.capsule:
        rows.append(("Capsule", _named("capsule", prov.capsule, names.get(prov.capsule))))
    if prov.computation:
        rows.append(("Computation", _named("computation", prov.computation,
                                           names.get(prov.computation))))
    rows += [
        ("Commit", display(prov.commit or "unknown")),
        ("Run script", display(prov.run_script or "unknown")),
        ("Docker image", display(prov.docker_image or "unknown")),
    ]
    count = len(prov.data_assets or [])
    rows.append(("Input assets", Content(f"{count} (listed below)" if count else "none")))
    return rows


class FieldList(Widget):
    """``label  value`` rows; long values wrap under their own column (a hanging indent)."""

    DEFAULT_CSS = """
    FieldList { height: auto; }
    """

    def __init__(
        self,
        rows: Sequence[tuple[str, Content]] = (),
        *,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self._rows = list(rows)
        self._label_width = label_width(self._rows)
        self._layout: tuple[int, list[Content]] = (-1, [])

    def set_rows(self, rows: Sequence[tuple[str, Content]], *, least: int = LABEL_WIDTH) -> None:
        """Replace the rows; the label column fits the longest label (at least ``least``
        cells, to line up with another list)."""
        self._rows = list(rows)
        self._label_width = label_width(self._rows, least)
        self._layout = (-1, [])
        self.refresh(layout=True)

    @property
    def label_width(self) -> int:
        """Cells of the label column (where the values start)."""
        return self._label_width

    @property
    def rows(self) -> list[tuple[str, Content]]:
        """The rows shown."""
        return list(self._rows)

    def _lines(self, width: int) -> list[Content]:
        if self._layout[0] == width:
            return self._layout[1]
        column = self._label_width
        room = max(10, width - column)
        pad = Content(" " * column)
        lines: list[Content] = []
        for label, value in self._rows:
            head = _head(label, column)
            pieces: list[Content] = []
            for line in value.split("\n", allow_blank=True) or [Content("")]:
                pieces.extend(line.wrap(room) if line.cell_length > room else [line])
            for number, piece in enumerate(pieces or [Content("")]):
                lines.append(Content.assemble(head if number == 0 else pad, piece))
        self._layout = (width, lines)
        return lines

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self._lines(width))

    def render(self) -> Content:
        return Content("\n").join(self._lines(self.content_region.width or 80))


def link_prompt(
    asset_id: str, found: DataAsset | str | None, *, mount: str | None = None
) -> Content:
    """One line of a link list: the linked asset's name and id, ``loading…`` or ``not
    available``."""
    where = Content("")
    if mount:
        where = Content.assemble("  ", display(f"/data/{mount}", style=_MUTED))
    if isinstance(found, DataAsset):
        return Content.assemble(
            ("→ ", "bold"), display(found.name or found.id, style="bold"), where, "  ",
            display(found.id, style=_MUTED),
        )
    status = "loading…" if found is None else found
    return Content.assemble(("→ ", _MUTED), display(asset_id), where, "  ", (status, _MUTED))


def describe_sharing(permissions: Permissions | None, *, note: str | None = None) -> Content:
    """Users, groups and everyone with their roles; ``note`` replaces the list (``only owners
    can see sharing``, ``loading…``)."""
    if permissions is None:
        return Content.styled(note or "loading…", _MUTED)
    users = permissions.users or []
    groups = permissions.groups or []
    lines: list[Content] = [Content.styled("Users", "bold")]
    lines += [Content.assemble("  ", _fixed(display(u.role, max_cells=12), 12), " ",
                               display(u.email)) for u in users] or [
        Content.styled("  none", _MUTED)]
    lines.append(Content(""))
    lines.append(Content.styled("Groups", "bold"))
    lines += [Content.assemble("  ", _fixed(display(g.role, max_cells=12), 12), " ",
                               display(g.group)) for g in groups] or [
        Content.styled("  none", _MUTED)]
    lines.append(Content(""))
    lines.append(Content.assemble(("Everyone", "bold"), "  ",
                                  display(permissions.everyone or "none")))
    if permissions.share_assets is not None:
        lines.append(Content(""))
        lines.append(Content("Viewers may share the asset further." if permissions.share_assets
                             else "Only owners may share the asset."))
    if note:
        lines += [Content(""), Content.styled(note, _MUTED)]
    return Content("\n").join(lines)


def _capsule_lines(items: Sequence[Capsule], kind: str, current: str | None) -> list[Content]:
    if not items:
        return [Content.styled(f"  no {kind}s", _MUTED)]
    lines = []
    for item in items:
        mark = Content("")
        if item.id == current:
            mark = Content.styled("  ◀ this capsule", "bold $accent")
        lines.append(Content.assemble(
            "  ", display(item.name or item.id, style="bold"), "  ",
            display(item.id, style=_MUTED), mark,
        ))
    return lines


def describe_attached(
    attached: AttachedTo | None, *, current_capsule: str | None = None, note: str | None = None
) -> Content:
    """The capsules and pipelines that use the asset; ``current_capsule`` (env
    ``CO_CAPSULE_ID``) is marked as "this capsule"."""
    if attached is None:
        return Content.styled(note or "loading…", _MUTED)
    lines = [Content.styled(f"Capsules ({len(attached.capsules)})", "bold")]
    lines += _capsule_lines(attached.capsules, "capsule", current_capsule)
    lines += [Content(""), Content.styled(f"Pipelines ({len(attached.pipelines)})", "bold")]
    lines += _capsule_lines(attached.pipelines, "pipeline", current_capsule)
    if current_capsule:
        inside = any(c.id == current_capsule for c in attached.capsules)
        lines += [Content(""), Content.assemble(
            "Running inside capsule ", display(current_capsule), ": ",
            "this asset is attached to it." if inside else "this asset is not attached to it.",
        )]
    lines += [Content(""), Content.styled(
        "Found by searching capsules and pipelines for the asset's id.", _MUTED)]
    return Content("\n").join(lines)
