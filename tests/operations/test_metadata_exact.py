"""The edit form sends exactly what the user changed (Hypothesis, full Unicode).

The fields are simulated as the edit widgets hold them (``co_tui.edit_buffer``): the server
string is encoded, the user appends typed text or deletes the last unit, and the form decodes it.
For the name, description and a custom text field the checked value is then exactly ``s + t`` /
``s[:-1]`` / ``s``; for tags, adding ``t`` or removing the last tag gives exactly that list.
A field left alone is not changed, so :func:`changed_fields` does not list it.
"""

from __future__ import annotations

from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from co_tui.api.models import CustomMetadata, CustomMetadataField
from co_tui.edit_buffer import decode, encode, unit_bounds
from co_tui.operations.field_values import has_controls
from co_tui.operations.metadata import AssetValues, MetadataForm, changed_fields, check_form
from tests.edit_strings import biased_char, hostile_text

SCHEMA = CustomMetadata(fields=[CustomMetadataField(name="project", type="string")])
typed_text = st.text(biased_char, min_size=1, max_size=10)
"""What a user types or pastes (dangerous characters in it are refused, not rewritten)."""
op = st.sampled_from(["none", "append", "delete"])


def edited(server: str, action: str, typed: str, multiline: bool = False) -> str:
    """The field's text after ``action``, read back as the dialog reads it."""
    editable = encode(server, multiline=multiline)
    if action == "append":
        editable += encode(typed, multiline=multiline)
    elif action == "delete" and editable:
        editable = editable[: unit_bounds(editable, len(editable) - 1)[0]]
    return decode(editable)


def expect(server: str, action: str, typed: str) -> str:
    return {"none": server, "append": server + typed, "delete": server[:-1]}[action]


@settings(max_examples=400, deadline=None)
@given(hostile_text, st.lists(hostile_text, max_size=3, unique_by=str.casefold), typed_text,
       op, op, op, op)
@example(server="\u200d", tags=["\u200d\u200d "], typed="\u200d\u200d ", name_op="none",
         text_op="none", custom_op="none", tag_op="append")  # a stored tag typed again
def test_sent_values_are_exactly_the_edit(
    server: str, tags: list[str], typed: str, name_op: str, text_op: str, custom_op: str,
    tag_op: str,
) -> None:
    assume(server.strip() and all(tag.strip() for tag in tags))
    base = AssetValues(server, server, "mnt", tuple(tags), {"project": server})
    form = MetadataForm.of(base, SCHEMA)
    form.name = edited(server, name_op, typed)
    form.description = edited(server, text_op, typed, multiline=True)
    form.custom["project"] = edited(server, custom_op, typed)
    new_tag = typed.strip()
    if tag_op == "append":
        form.tags = [*form.tags, typed]
    elif tag_op == "delete":
        form.tags = form.tags[:-1]
    check = check_form(form, base, SCHEMA)

    want_name, want_text = expect(server, name_op, typed), expect(server, text_op, typed)
    want_custom = expect(server, custom_op, typed)
    adds_controls = any(
        has_controls(value, original=server, multiline=multiline)
        for value, multiline in ((want_name, False), (want_text, True), (want_custom, False)))
    bad_tag = tag_op == "append" and (
        not new_tag or has_controls(typed) or typed in tags  # a stored tag typed again
        or new_tag.casefold() in map(str.casefold, tags))
    if adds_controls or bad_tag or not want_name.strip():
        assert check.values is None  # refused before any request, never rewritten
        return
    values = check.values
    assert values is not None, check.errors
    assert (values.name, values.description) == (want_name, want_text)
    assert values.custom == ({"project": want_custom} if want_custom.strip() else {})
    want_tags = {"none": tuple(tags), "append": (*tags, new_tag), "delete": tuple(tags[:-1])}
    assert values.tags == want_tags[tag_op]
    changed = set(changed_fields(base, values))
    for key, value, before in (("name", want_name, server), ("description", want_text, server),
                               ("custom:project", values.custom.get("project"), server),
                               ("tags", values.tags, tuple(tags))):
        assert (key in changed) == (value != before), key


# --- several values in one field ------------------------------------------------------------------

MULTI = CustomMetadata(fields=[CustomMetadataField(name="labels", type="string", multiple=True)])
stored_item = st.text(biased_char, min_size=1, max_size=8).filter(
    lambda item: item.strip() and not has_controls(item))
"""A stored item may hold commas and edge spaces: the web app stores a list, not a text."""
added_item = st.text(st.characters(blacklist_characters=",", blacklist_categories=("Cc", "Cs")),
                     min_size=1, max_size=6).filter(lambda item: item == item.strip() and item)


@settings(max_examples=300, deadline=None)
@given(st.lists(stored_item, min_size=1, max_size=4), added_item, op)
@example([" \u200d", "\u200d", "0"], "x", "append")  # a first item with an edge space
@example([" \u200d", "\u200d", "0"], "x", "delete")
def test_several_values_keep_every_item_not_removed(
    items: list[str], added: str, action: str
) -> None:
    """Adding an item (typing ", x" at the end), removing the last one or nothing: the other
    items come back exactly, commas and edge spaces included (before, an item "a, b" came back
    as two items "a" and "b" as soon as the field was edited)."""
    assume(added not in items)
    base = AssetValues("n", "", "mnt", (), {"labels": items})
    form = MetadataForm.of(base, MULTI)
    shown = form.custom["labels"]
    if action == "append":
        form.custom["labels"] = f"{shown}, {added}"
    elif action == "delete":
        form.custom["labels"] = ", ".join(items[:-1])
    check = check_form(form, base, MULTI)
    values = check.values
    assert values is not None, check.errors
    want = {"none": items, "append": [*items, added], "delete": items[:-1]}[action]
    assert values.custom.get("labels", []) == want
