"""Typed attribute definitions of categories, and annotation values checked against them."""

import csv
import io
import json

import pytest

from annotator.core.errors import ValidationError
from annotator.core.exchange.apply import import_annotations
from annotator.core.exchange.export_file import build_export, dumps
from annotator.core.exchange.merge import merge_exports
from annotator.core.exchange.other_formats import render
from annotator.core.project import commands
from annotator.core.schema.rules import (
    ATTRIBUTE_TYPES,
    AttributeType,
    check_attribute_definitions,
    format_value,
    parse_value,
)
from annotator.core.schema.templates import create_project, load_template

pytestmark = pytest.mark.engines  # on SQLite and on PostgreSQL (tests/conftest.py)

DEFINITIONS = [
    {"name": "verdict", "type": "choice", "choices": ["true", "false"], "default": "true"},
    {"name": "topics", "type": "multiple", "choices": ["health", "money"], "default": ["money"]},
    {"name": "checked", "type": "boolean", "default": False},
    {"name": "score", "type": "number", "min": 0, "max": 10, "default": 5},
    {"name": "source", "type": "text", "default": ""},
]


def test_every_type_with_its_fields_is_accepted_and_copied():
    out = check_attribute_definitions(DEFINITIONS)
    assert out == DEFINITIONS and out[0] is not DEFINITIONS[0]
    assert check_attribute_definitions(None) == []
    assert check_attribute_definitions([{"name": " n ", "type": "number"}]) == [{"name": "n", "type": "number"}]


def test_one_list_of_attribute_types_with_labels_and_values_read_back_as_written():
    assert [t.value for t in AttributeType] == list(ATTRIBUTE_TYPES) == ["text", "choice", "multiple", "boolean",
                                                                          "number"]
    assert [t.label for t in AttributeType] == ["Text", "Single choice", "Multiple choice", "Yes/no", "Number"]
    assert [t for t in AttributeType if t.has_choices] == [AttributeType.CHOICE, AttributeType.MULTIPLE]
    for definition in DEFINITIONS:
        assert parse_value(definition["type"], format_value(definition["default"])) == definition["default"]
    assert [format_value(v) for v in (None, True, 2.0, 2.5, ["a", "b"])] == ["", "yes", "2", "2.5", "a, b"]
    assert [parse_value("number", t) for t in ("3", "3.0", "2,5", "1e1")] == [3, 3.0, 2.5, 10.0]
    assert parse_value("boolean", "Off") is False and parse_value("multiple", " a,, b ") == ["a", "b"]
    with pytest.raises(ValidationError, match="the max of “x” must be a number, not “lots”"):
        parse_value("number", "lots", "the max of “x”")
    with pytest.raises(ValidationError, match="must be yes or no, not “maybe”"):
        parse_value("boolean", "maybe")
    with pytest.raises(ValidationError, match="type must be one of text, choice, multiple, boolean, number"):
        check_attribute_definitions([{"name": "x", "type": "multi"}])


def test_the_claims_schema_is_valid():
    for category in load_template("claims")["categories"]:
        check_attribute_definitions(category["attributes"])


@pytest.mark.parametrize("definitions, message", [
    ("verdict", "must be a list of objects"),
    ([{"type": "text"}], "attribute 1 needs a name"),
    ([{"name": "  ", "type": "text"}], "attribute 1 needs a name"),
    ([{"name": "a", "type": "text"}, {"name": "A", "type": "text"}], "'A' is defined twice"),
    ([{"name": "a"}], "attribute 'a': type must be one of text, choice, multiple, boolean, number"),
    ([{"name": "a", "type": "date"}], "attribute 'a': type must be one of"),
    ([{"name": "a", "type": "text", "colour": "red"}], "attribute 'a': unknown field\\(s\\) 'colour'"),
    ([{"name": "a", "type": "choice"}], "attribute 'a': a choice attribute needs a non-empty list of choices"),
    ([{"name": "a", "type": "multiple", "choices": []}], "needs a non-empty list of choices"),
    ([{"name": "a", "type": "choice", "choices": "xy"}], "needs a non-empty list of choices"),
    ([{"name": "a", "type": "choice", "choices": ["x", "x"]}], "choice 'x' is listed twice"),
    ([{"name": "a", "type": "choice", "choices": ["x", ""]}], "every choice must be non-empty text"),
    ([{"name": "a", "type": "choice", "choices": ["x", 1]}], "every choice must be non-empty text"),
    ([{"name": "a", "type": "text", "choices": ["x"]}],
     "attribute 'a': only choice and multiple attributes have choices"),
    ([{"name": "a", "type": "boolean", "choices": ["x"]}], "only choice and multiple"),
    ([{"name": "a", "type": "text", "min": 1}], "attribute 'a': only number attributes have a min"),
    ([{"name": "a", "type": "number", "max": "9"}], "attribute 'a': max must be a number"),
    ([{"name": "a", "type": "number", "min": True}], "min must be a number"),
    ([{"name": "a", "type": "number", "min": float("nan")}], "min must be a number"),
    ([{"name": "a", "type": "number", "min": 5, "max": 1}], "attribute 'a': min 5 is greater than max 1"),
    ([{"name": "a", "type": "choice", "choices": ["x"], "default": "y"}],
     "attribute 'a': the default must be one of 'x'"),
    ([{"name": "a", "type": "multiple", "choices": ["x"], "default": "x"}], "the default must be a list of choices"),
    ([{"name": "a", "type": "multiple", "choices": ["x"], "default": ["x", "z"]}], "the default holds 'z'"),
    ([{"name": "a", "type": "boolean", "default": "yes"}], "the default must be true or false"),
    ([{"name": "a", "type": "number", "max": 3, "default": 4}], "the default is 4, above the maximum 3"),
    ([{"name": "a", "type": "number", "default": "4"}], "the default must be a number"),
    ([{"name": "a", "type": "text", "default": 4}], "the default must be text"),
])
def test_bad_definitions_are_refused_naming_the_attribute(definitions, message):
    with pytest.raises(ValidationError, match=message):
        check_attribute_definitions(definitions)


def test_bad_definitions_are_refused_by_the_project(project, dump):
    before = dump(project)
    with pytest.raises(ValidationError, match="attribute 'x': type must be"):
        project.add_category("New", attributes=[{"name": "x", "type": "colour"}])
    with pytest.raises(ValidationError, match="min 2 is greater"):
        project.update_category(project.categories()[1].id,
                                attributes=[{"name": "n", "type": "number", "min": 2, "max": 1}])
    assert dump(project) == before


@pytest.fixture
def typed(filled):
    project, (doc, _), (alice, _), cats = filled
    cat = project.add_category("Typed", attributes=DEFINITIONS)
    return project, doc, alice, cat, cats


GOOD = {"verdict": "false", "topics": ["health", "money"], "checked": True, "score": 2.5, "source": "AP"}


def test_values_that_fit_are_stored(typed):
    project, doc, alice, cat, _ = typed
    ann = project.add_annotation(doc.id, cat.id, alice.id, 0, 3, attributes=GOOD)
    assert project.annotation(ann.id).attributes == GOOD
    nothing = {"verdict": None, "topics": [], "checked": None, "score": None, "source": None}
    assert project.update_annotation(ann.id, attributes=nothing, by=alice.id).attributes == nothing
    assert project.update_annotation(ann.id, attributes={"score": 10}, by=alice.id).attributes == {"score": 10}


@pytest.mark.parametrize("values, message", [
    ({"colour": "red"}, "unknown attribute 'colour' \\(its category defines 'verdict', 'topics'"),
    ({"verdict": "maybe"}, "attribute 'verdict' must be one of 'true', 'false' \\(got 'maybe'\\)"),
    ({"verdict": 1}, "attribute 'verdict' must be one of"),
    ({"topics": "health"}, "attribute 'topics' must be a list of choices"),
    ({"topics": ["health", "sport"]}, "attribute 'topics' holds 'sport'"),
    ({"topics": ["health", "health"]}, "attribute 'topics' lists a choice twice"),
    ({"checked": 1}, "attribute 'checked' must be true or false"),
    ({"score": "3"}, "attribute 'score' must be a number"),
    ({"score": True}, "attribute 'score' must be a number"),
    ({"score": 11}, "attribute 'score' is 11, above the maximum 10"),
    ({"score": -1}, "attribute 'score' is -1, below the minimum 0"),
    ({"source": ["x"]}, "attribute 'source' must be text"),
    ({"source": "a\x01b"}, "attribute 'source' is too long or holds control characters"),
    ({"source": "a\x00b"}, "attribute values 'source': a NUL character \\(U\\+0000\\)"),
])
def test_values_that_do_not_fit_are_refused_naming_annotation_and_attribute(typed, dump, values, message):
    project, doc, alice, cat, _ = typed
    ann = project.add_annotation(doc.id, cat.id, alice.id, 0, 3)
    before = dump(project)
    with pytest.raises(ValidationError, match=f"^annotation: {message}"):
        project.add_annotation(doc.id, cat.id, alice.id, 0, 3, attributes=values)
    with pytest.raises(ValidationError, match=f"^annotation 2: {message}"):
        project.add_annotations([dict(document_id=doc.id, category_id=cat.id, annotator_id=alice.id, start=0, end=1),
                                 dict(document_id=doc.id, category_id=cat.id, annotator_id=alice.id, start=0, end=1,
                                      attributes=values)])
    with pytest.raises(ValidationError, match=f"^annotation {ann.id}: {message}"):
        project.update_annotation(ann.id, attributes=values, by=alice.id)
    assert dump(project) == before


def test_a_category_without_definitions_takes_no_values(filled):
    project, (doc, _), (alice, _), cats = filled
    with pytest.raises(ValidationError, match="unknown attribute 'a' \\(its category defines none\\)"):
        project.add_annotation(doc.id, cats[1].id, alice.id, 0, 3, attributes={"a": 1})


def test_new_values_are_checked_against_the_new_category(typed):
    project, doc, alice, cat, cats = typed
    ann = project.add_annotation(doc.id, cats[1].id, alice.id, 0, 3)
    with pytest.raises(ValidationError, match="unknown attribute 'score'"):
        project.update_annotation(ann.id, attributes={"score": 1}, by=alice.id)
    moved = project.update_annotation(ann.id, category_id=cat.id, attributes={"score": 1}, by=alice.id)
    assert (moved.category_id, moved.attributes) == (cat.id, {"score": 1})
    with pytest.raises(ValidationError, match="attribute 'verdict' must be one of 'not checked'"):
        project.update_annotation(ann.id, category_id=cats[0].id, attributes={"verdict": "true"}, by=alice.id)


def test_changing_only_the_category_keeps_the_values_that_fit_it(typed, dump):
    project, doc, alice, cat, cats = typed
    ann = project.add_annotation(doc.id, cat.id, alice.id, 0, 3, attributes=GOOD)
    project.update_category(cats[1].id, attributes=[{"name": "score", "type": "number", "max": 3},
                                                    {"name": "verdict", "type": "choice", "choices": ["x"]}])
    command = commands.UpdateAnnotation(ann.id, category_id=cats[1].id, by=alice.id)
    before = dump(project)
    command.do(project)
    assert project.annotation(ann.id).attributes == {"score": 2.5}  # verdict "false" is not a choice there
    command.undo(project)
    assert dump(project) == before


def test_undo_puts_back_values_even_after_the_definitions_changed(typed, dump):
    project, doc, alice, cat, _ = typed
    ann = project.add_annotation(doc.id, cat.id, alice.id, 0, 3, attributes=GOOD)
    delete = commands.DeleteAnnotations([ann.id], by=alice.id)
    delete.do(project)
    project.update_category(cat.id, attributes=[])
    before = dump(project)
    delete.undo(project)
    assert project.annotation(ann.id).attributes == GOOD
    delete.do(project)
    assert dump(project) == before


def test_import_rejects_annotations_whose_values_do_not_fit_and_keeps_the_others(typed, tmp_path):
    project, doc, alice, cat, cats = typed
    project.add_annotation(doc.id, cat.id, alice.id, 0, 3, attributes={"score": 9, "verdict": "true"})
    project.add_annotation(doc.id, cat.id, alice.id, 1, 4, attributes={"score": 1})
    project.add_annotation(doc.id, cats[0].id, alice.id, 2, 5, attributes={"verdict": "false"})
    (tmp_path / "team.json").write_bytes(dumps(build_export(project)))
    with create_project(tmp_path / "other.annotator") as other:
        # The same definitions but a maximum of 5 (new annotations store every default, see below).
        other.add_category("Typed", attributes=[dict(d, max=5) if d["name"] == "score" else d for d in DEFINITIONS])
        summary = import_annotations(other, [tmp_path / "team.json"])
        bad = project.annotations(category_id=cat.id)[0]  # the one at 0-3
        assert summary.rejected == [f"team.json: 'Hel' (annotation {bad.id[:8]}): attribute 'score' is 9, "
                                    "above the maximum 5"]
        assert summary.annotations_added == 5  # the three of filled(), score 1, and the verdict
        assert sorted(json.dumps(a.attributes, sort_keys=True) for a in other.annotations() if a.attributes) == \
            sorted(json.dumps(v, sort_keys=True) for v in ({"score": 1, **DEFAULTS}, {"verdict": "false"},
                                                            {"verdict": "not checked"}, {"verdict": "not checked"}))


DEFAULTS = {d["name"]: d["default"] for d in DEFINITIONS if d["name"] != "score"}


def test_a_new_annotation_stores_the_defaults_of_its_category(typed, dump):
    """The Annotation panel shows a default as the value; the project holds it too, so exports and
    agreement see what the coder saw. A value given (even None) is kept."""
    project, doc, alice, cat, cats = typed
    ann = project.add_annotation(doc.id, cat.id, alice.id, 0, 3)
    assert project.annotation(ann.id).attributes == {**DEFAULTS, "score": 5}
    given = project.add_annotation(doc.id, cat.id, alice.id, 0, 3, attributes={"score": 1, "verdict": None})
    assert project.annotation(given.id).attributes == {**DEFAULTS, "score": 1, "verdict": None}
    claim = project.add_annotation(doc.id, cats[0].id, alice.id, 0, 3)  # the Claims schema's verdict
    assert project.annotation(claim.id).attributes == {"verdict": "not checked"}
    plain = project.add_annotation(doc.id, cats[1].id, alice.id, 0, 3)  # a category without definitions
    assert project.annotation(plain.id).attributes == {}
    # The spreadsheet export fills the column.
    rows = list(csv.reader(io.StringIO(render("csv", build_export(project)).lstrip("\ufeff"))))
    column = rows[0].index("attribute:verdict")
    assert {row[column] for row in rows[1:] if row[rows[0].index("annotation_id")] == claim.id} == {"not checked"}


def test_undo_and_redo_of_a_new_annotation_keep_its_defaults(typed, dump):
    project, doc, alice, cat, _ = typed
    before = dump(project)
    command = commands.AddAnnotations([dict(document_id=doc.id, category_id=cat.id, annotator_id=alice.id,
                                            start=0, end=3)])
    command.do(project)
    after = dump(project)
    assert project.annotation(command.ids[0]).attributes == {**DEFAULTS, "score": 5}
    command.undo(project)
    assert dump(project) == before
    project.update_category(cat.id, attributes=[])  # redo puts back the row as it was made
    command.do(project)
    assert project.annotation(command.ids[0]).attributes == {**DEFAULTS, "score": 5}
    assert after["annotations"] == dump(project)["annotations"]


def test_imports_and_merges_keep_the_values_their_file_holds(typed, tmp_path):
    """An annotation in an export file is another coder's: importing or merging it stores its
    values as the file says, without the defaults of the importing project."""
    project, doc, alice, cat, _ = typed
    ann = project.add_annotation(doc.id, cat.id, alice.id, 0, 3)
    project.update_annotation(ann.id, attributes={}, by=alice.id)  # no values: as an older version stored it
    data = build_export(project)
    (tmp_path / "team.json").write_bytes(dumps(data))
    with create_project(tmp_path / "other.annotator") as other:
        other.add_category("Typed", attributes=DEFINITIONS)
        import_annotations(other, [tmp_path / "team.json"])
        assert other.annotation(ann.id).attributes == {}
    merged, _ = merge_exports([("a.json", data), ("b.json", data)])
    assert next(a for a in merged["annotations"] if a["id"] == ann.id)["attributes"] == {}
