"""Tests for annotator.core.exchange.other_formats: CSV, doccano JSONL and W3C Web Annotation exports.

The export below is built by hand: documents with astral characters (😀, two UTF-16 code units
each), NBSP, U+2028 and several lines; two annotators whose name order differs from their id
order; categories nested three deep, with the same name ("Other") under two parents; overlapping
spans; a note with a newline, a comma and double quotes; attribute values of several types.
"""

from __future__ import annotations

import copy
import csv
import io
import json
import re
import uuid
from datetime import datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from annotator.core.errors import ValidationError
from annotator.core.exchange.other_formats import (
    EXPORT_FORMATS,
    category_label,
    category_path,
    format_for_extension,
    to_csv,
    to_doccano_jsonl,
    to_web_annotation,
)

PROJECT = "f0000000-0000-4000-8000-000000000001"
BOB = "a1000000-0000-4000-8000-000000000001"  # sorts before Alice by id, after her by name
ALICE = "a2000000-0000-4000-8000-000000000002"
CLAIMS = "c1000000-0000-4000-8000-000000000001"
FACTUAL = "c2000000-0000-4000-8000-000000000002"
OPINIONS = "c3000000-0000-4000-8000-000000000003"
CLAIMS_OTHER = "c4000000-0000-4000-8000-000000000004"
OPINIONS_OTHER = "c5000000-0000-4000-8000-000000000005"
STATISTIC = "c6000000-0000-4000-8000-000000000006"
# Listed in this order in "documents"; annotations sort by document id, so PLAIN's come first.
EMOJI = "9d000000-0000-4000-8000-000000000001"
PLAIN = "1d000000-0000-4000-8000-000000000002"
EMPTY = "5d000000-0000-4000-8000-000000000003"

EMOJI_TEXT = "Intro 😀 claim one.\nThe\u00a0minister said 😀😀 it was 42%.\u2028Done."
PLAIN_TEXT = "Plain text.\nSecond line, no emoji."
NOTE = 'Check "this", please\nsecond line'

# id, document, start, end, category, annotator, note, attributes (in the export's order)
ROWS = [
    ("b0000000-0000-4000-8000-000000000001", PLAIN, 0, 5, OPINIONS_OTHER, BOB, "", {}),
    ("b0000000-0000-4000-8000-000000000002", PLAIN, 12, 23, CLAIMS_OTHER, ALICE, "", {"source": "tv"}),
    ("b0000000-0000-4000-8000-000000000003", EMOJI, 6, 13, CLAIMS, BOB, "", {}),
    ("b0000000-0000-4000-8000-000000000004", EMOJI, 8, 17, FACTUAL, ALICE, NOTE,
     {"tags": ["a", "b"], "confidence": 0.8, "source": "tv"}),
    ("b0000000-0000-4000-8000-000000000005", EMOJI, 32, 42, STATISTIC, ALICE, "", {"confidence": 1}),
    ("b0000000-0000-4000-8000-000000000006", EMOJI, 37, 50, FACTUAL, BOB, "", {}),
    ("b0000000-0000-4000-8000-000000000007", EMOJI, 52, 56, OPINIONS, ALICE, "", {}),
]
IDS = [row[0] for row in ROWS]


def category(cat_id, name, parent=None, position=0, attributes=()):
    return {"id": cat_id, "name": name, "colour": "#336699", "description": "", "shortcut": None,
            "parent_id": parent, "position": position, "attributes": list(attributes)}


def make_export() -> dict:
    texts = {EMOJI: EMOJI_TEXT, PLAIN: PLAIN_TEXT, EMPTY: "Nothing annotated here."}
    documents = [
        {"id": doc_id, "title": title, "sha256": "0" * 64, "length": len(texts[doc_id]),
         "source": f"{title}.txt", "metadata": {}, "text": texts[doc_id]}
        for doc_id, title in ((EMOJI, "Speech 😀"), (PLAIN, "Plain notes"), (EMPTY, "Empty"))
    ]
    annotations = []
    for n, (ann_id, doc_id, start, end, cat_id, annotator_id, note, attributes) in enumerate(ROWS):
        text = texts[doc_id]
        annotations.append({
            "id": ann_id, "document_id": doc_id, "start": start, "end": end,
            "quote": text[start:end], "prefix": text[max(0, start - 32):start], "suffix": text[end:end + 32],
            "category_id": cat_id, "annotator_id": annotator_id, "project_id": PROJECT, "note": note,
            "attributes": attributes, "created": f"2024-05-01T10:00:0{n}.000000+00:00",
            "modified": f"2024-05-02T11:00:0{n}.000000+00:00",
        })
    return {
        "format": "annotator-export", "version": 1,
        "offsets": {"unit": "code_point", "end": "exclusive"},
        "projects": [{"id": PROJECT, "name": "Blog posts"}],
        "categories": [
            category(CLAIMS, "Claims"),
            category(FACTUAL, "Factual claim", CLAIMS, 0,
                     [{"name": "confidence", "type": "number"}, {"name": "checked", "type": "boolean"}]),
            category(STATISTIC, "Statistic", FACTUAL),
            category(CLAIMS_OTHER, "Other", CLAIMS, 1),
            category(OPINIONS, "Opinions", position=1),
            category(OPINIONS_OTHER, "Other", OPINIONS),
        ],
        "annotators": [{"id": BOB, "name": "Bob"}, {"id": ALICE, "name": "Alice"}],
        "documents": documents,
        "annotations": annotations,
    }


def test_the_hand_built_export_is_consistent():
    export = make_export()
    quotes = [a["quote"] for a in export["annotations"]]
    assert quotes == ["Plain", "Second line", "😀 claim", "claim one", "said 😀😀 it", "😀😀 it was 42%",
                      "Done"]
    keys = [(a["document_id"], a["start"], a["end"], a["id"]) for a in export["annotations"]]
    assert keys == sorted(keys)


# --- CSV --------------------------------------------------------------------------------------


def read_csv(content: str) -> list[list[str]]:
    assert content.startswith("\ufeff")  # the byte-order mark (see test_csv_starts_with_a_bom...)
    return list(csv.reader(io.StringIO(content[1:], newline="")))


def test_csv_rows():
    rows = read_csv(to_csv(make_export()))
    assert rows == [
        ["document_title", "document_id", "start", "end", "quote", "category", "category_id", "annotator", "note",
         "annotation_id", "attribute:checked", "attribute:confidence", "attribute:source", "attribute:tags"],
        ["Plain notes", PLAIN, "0", "5", "Plain", "Opinions / Other", OPINIONS_OTHER, "Bob", "", IDS[0],
         "", "", "", ""],
        ["Plain notes", PLAIN, "12", "23", "Second line", "Claims / Other", CLAIMS_OTHER, "Alice", "", IDS[1],
         "", "", "tv", ""],
        ["Speech 😀", EMOJI, "6", "13", "😀 claim", "Claims", CLAIMS, "Bob", "", IDS[2], "", "", "", ""],
        ["Speech 😀", EMOJI, "8", "17", "claim one", "Claims / Factual claim", FACTUAL, "Alice", NOTE, IDS[3],
         "", "0.8", "tv", '["a", "b"]'],
        ["Speech 😀", EMOJI, "32", "42", "said 😀😀 it", "Claims / Factual claim / Statistic", STATISTIC, "Alice", "",
         IDS[4], "", "1", "", ""],
        ["Speech 😀", EMOJI, "37", "50", "😀😀 it was 42%", "Claims / Factual claim", FACTUAL, "Bob", "", IDS[5],
         "", "", "", ""],
        ["Speech 😀", EMOJI, "52", "56", "Done", "Opinions", OPINIONS, "Alice", "", IDS[6], "", "", "", ""],
    ]


def test_csv_text_quotes_only_where_needed_and_ends_lines_with_lf():
    content = to_csv(make_export())
    assert "\r" not in content
    assert content.endswith("\n")
    assert f"Plain notes,{PLAIN},0,5,Plain,Opinions / Other,{OPINIONS_OTHER},Bob,,{IDS[0]},,,,\n" in content
    assert ',"Check ""this"", please\nsecond line",' in content
    assert ',"[""a"", ""b""]"\n' in content


def test_csv_keeps_a_carriage_return_inside_its_cell():
    export = make_export()
    export["annotations"][2]["note"] = "one\rtwo"
    rows = read_csv(to_csv(export))
    assert len(rows) == 8
    assert rows[3][8] == "one\rtwo"
    assert rows[3][:3] == ["Speech 😀", EMOJI, "6"]


def test_csv_encodes_other_values_as_json_and_has_no_attribute_columns_when_none_exist():
    export = make_export()
    export["annotations"][0]["attributes"] = {"flag": True, "nested": {"b": "é", "a": None}}
    rows = read_csv(to_csv(export))
    assert rows[0][10:] == ["attribute:checked", "attribute:confidence", "attribute:flag",
                           "attribute:nested", "attribute:source", "attribute:tags"]
    assert rows[1][10:] == ["", "", "true", '{"a": null, "b": "é"}', "", ""]

    for ann in export["annotations"]:
        ann["attributes"] = {}
    for cat in export["categories"]:
        cat["attributes"] = []
    assert read_csv(to_csv(export))[0][-1] == "annotation_id"


def test_csv_starts_with_a_bom_unless_raw():
    """A spreadsheet program guesses the encoding of a CSV without a byte-order mark (Excel takes
    the system's code page), so the spreadsheet CSV starts with the UTF-8 BOM; the raw CSV is
    for programs and has none."""
    content = to_csv(make_export())
    assert content.encode("utf-8").startswith(b"\xef\xbb\xbfdocument_title,")
    assert content.count("\ufeff") == 1
    raw = to_csv(make_export(), raw=True)
    assert raw.startswith("document_title,") and "\ufeff" not in raw
    assert raw == content[1:]  # nothing in this export needs the formula guard
    rows = list(csv.DictReader(io.StringIO(content.encode("utf-8").decode("utf-8-sig"), newline="")))
    assert rows[4]["quote"] == "said 😀😀 it" and rows[4]["category_id"] == STATISTIC


# --- category labels --------------------------------------------------------------------------


def ambiguous_export() -> dict:
    """Two categories whose plain paths joined with " / " are the same text: A > "B / C" and
    "A / B" > C (real codebooks have names such as "Enthusiasm / buy-in"), and names with "\\"."""
    export = make_export()
    export["categories"] += [
        category("e1", "A"), category("e2", "B / C", "e1"), category("e3", "A / B"), category("e4", "C", "e3"),
        category("e5", "back\\slash/"), category("e6", "\\/", "e5"),
    ]
    for ann, cat in zip(export["annotations"], ("e2", "e4", "e5", "e6")):
        ann["category_id"] = cat
    return export


def test_category_labels_are_unambiguous_in_every_format():
    export = ambiguous_export()
    expected = ["A / B \\/ C", "A \\/ B / C", "back\\\\slash\\/", "back\\\\slash\\/ / \\\\\\/"]
    csv_labels = [row[5] for row in read_csv(to_csv(export))[1:5]]
    assert csv_labels == expected
    assert [row[6] for row in read_csv(to_csv(export))[1:5]] == ["e2", "e4", "e5", "e6"]
    w3c = [item["body"][0]["value"] for item in json.loads(to_web_annotation(export))["first"]["items"][:4]]
    assert w3c == expected
    doccano = {label for line in to_doccano_jsonl(export).splitlines() for *_, label in json.loads(line)["label"]}
    assert set(expected) <= doccano
    assert [category_path(label) for label in expected] == [
        ["A", "B / C"], ["A / B", "C"], ["back\\slash/"], ["back\\slash/", "\\/"]]


@given(st.lists(st.text(alphabet="ab /\\", min_size=1, max_size=6), min_size=1, max_size=4),
       st.lists(st.text(alphabet="ab /\\", min_size=1, max_size=6), min_size=1, max_size=4))
def test_category_labels_of_different_paths_differ(one, other):
    assert category_path(category_label(one)) == one
    assert (category_label(one) == category_label(other)) == (one == other)


# --- doccano JSONL ----------------------------------------------------------------------------


def utf16_slice(text: str, start: int, end: int) -> str:
    return text.encode("utf-16-le")[2 * start:2 * end].decode("utf-16-le")


def test_doccano_lines_by_document_order_then_annotator_name():
    content = to_doccano_jsonl(make_export())
    assert content.endswith("\n")
    records = [json.loads(line) for line in content.split("\n")[:-1]]
    assert [(r["title"], r["annotator"]) for r in records] == [
        ("Speech 😀", "Alice"), ("Speech 😀", "Bob"), ("Plain notes", "Alice"), ("Plain notes", "Bob")]
    assert records[0] == {
        "text": EMOJI_TEXT,
        "label": [[9, 18, "Claims / Factual claim"], [33, 45, "Claims / Factual claim / Statistic"],
                  [55, 59, "Opinions"]],
        "annotator": "Alice", "annotator_id": ALICE, "document_id": EMOJI, "title": "Speech 😀",
    }
    assert records[1]["label"] == [[6, 14, "Claims"], [38, 53, "Claims / Factual claim"]]
    assert records[1]["annotator_id"] == BOB
    assert records[2]["label"] == [[12, 23, "Claims / Other"]]
    assert records[3]["label"] == [[0, 5, "Opinions / Other"]]


def test_doccano_offsets_are_utf16_code_units():
    export = make_export()
    quotes = {(a["document_id"], a["annotator_id"], a["quote"]) for a in export["annotations"]}
    records = [json.loads(line) for line in to_doccano_jsonl(export).split("\n")[:-1]]
    found = {(r["document_id"], r["annotator_id"], utf16_slice(r["text"], start, end))
             for r in records for start, end, _ in r["label"]}
    assert found == quotes
    # Code point slicing of the same numbers is wrong once an emoji precedes the span.
    assert EMOJI_TEXT[33:45] != "said 😀😀 it"
    assert PLAIN_TEXT[12:23] == "Second line"  # no astral characters: both units agree


def test_doccano_raw_line_format_and_line_breaks_inside_strings():
    content = to_doccano_jsonl(make_export())
    assert content.split("\n")[3] == (
        '{"text": "Plain text.\\nSecond line, no emoji.", "label": [[0, 5, "Opinions / Other"]], '
        f'"annotator": "Bob", "annotator_id": "{BOB}", "document_id": "{PLAIN}", "title": "Plain notes"}}'
    )
    assert "\u2028" not in content and "\\u2028" in content
    assert "\u00a0" in content and "😀" in content  # not ASCII-escaped
    assert len(content.splitlines()) == 4
    assert json.loads(content.splitlines()[0])["text"] == EMOJI_TEXT


def test_doccano_needs_the_text():
    export = make_export()
    del export["documents"][2]["text"]
    with pytest.raises(ValidationError) as error:
        to_doccano_jsonl(export)
    assert str(error.value) == "doccano JSONL needs the documents' text; export without --no-text"


# --- W3C Web Annotation -----------------------------------------------------------------------

# xsd:dateTime (XML Schema 2, 3.2.7) in UTC, "Z" as the zone: yyyy-mm-ddThh:mm:ss(.s+)?Z
XSD_DATETIME_UTC = re.compile(r"-?\d{4,}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z")
MOTIVATIONS = {"assessing", "bookmarking", "classifying", "commenting", "describing", "editing",
               "highlighting", "identifying", "linking", "moderating", "questioning", "replying",
               "tagging"}


def assert_urn_uuid(value):
    assert isinstance(value, str) and value.startswith("urn:uuid:")
    assert str(uuid.UUID(value[len("urn:uuid:"):])) == value[len("urn:uuid:"):]


def assert_web_annotation_shape(collection: dict):
    """The parts of the Web Annotation Data Model (sections 3-5) this export uses."""
    assert collection["@context"] == "http://www.w3.org/ns/anno.jsonld"
    assert collection["type"] == "AnnotationCollection"
    assert_urn_uuid(collection["id"])
    assert isinstance(collection["label"], str) and collection["label"]  # §5.1: SHOULD have a label
    if collection["total"] == 0:
        # §5.1: "A Collection that has a total number of Annotations greater than 0 MUST have exactly
        # 1 first page"; §5.2: "Each Page MUST have an array of 1 or more Annotations as the value of
        # items", so an empty collection has no page.
        assert "first" not in collection
        return
    page = collection["first"]
    assert page["type"] == "AnnotationPage"
    assert_urn_uuid(page["id"])
    assert page["id"] != collection["id"]
    assert page["startIndex"] == 0
    assert collection["total"] == len(page["items"])
    for item in page["items"]:
        assert set(item) == {"id", "type", "created", "modified", "creator", "body", "target"}
        assert item["type"] == "Annotation"
        assert_urn_uuid(item["id"])
        for stamp in (item["created"], item["modified"]):
            # §3.3.1: "The datetime MUST be a xsd:dateTime with the UTC timezone expressed as "Z"."
            assert XSD_DATETIME_UTC.fullmatch(stamp), stamp
            assert datetime.fromisoformat(stamp).utcoffset() == timedelta(0)
        assert item["creator"]["type"] == "Person" and isinstance(item["creator"]["name"], str)
        assert_urn_uuid(item["creator"]["id"])
        assert item["body"] and item["body"][0]["purpose"] == "tagging"
        for body in item["body"]:
            assert body["type"] == "TextualBody"
            assert body["purpose"] in MOTIVATIONS
            assert isinstance(body["value"], str)
        target = item["target"]
        assert set(target) == {"source", "selector"}
        assert_urn_uuid(target["source"])
        position, quote = target["selector"]
        assert position["type"] == "TextPositionSelector"
        assert isinstance(position["start"], int) and 0 <= position["start"] < position["end"]
        assert quote["type"] == "TextQuoteSelector"
        assert all(isinstance(quote[key], str) for key in ("exact", "prefix", "suffix"))


def test_web_annotation_collection():
    export = make_export()
    content = to_web_annotation(export)
    assert content.endswith("}\n")
    assert content.startswith('{\n  "@context": "http://www.w3.org/ns/anno.jsonld",\n')
    collection = json.loads(content)
    assert_web_annotation_shape(collection)
    assert collection["label"] == "Blog posts"
    assert collection["total"] == 7
    items = collection["first"]["items"]
    assert [item["id"] for item in items] == [f"urn:uuid:{ann_id}" for ann_id in IDS]
    assert [item["creator"]["name"] for item in items] == ["Bob", "Alice", "Bob", "Alice", "Alice", "Bob",
                                                          "Alice"]
    assert [item["body"][0]["value"] for item in items] == [
        "Opinions / Other", "Claims / Other", "Claims", "Claims / Factual claim",
        "Claims / Factual claim / Statistic", "Claims / Factual claim", "Opinions"]

    texts = {doc["id"]: doc["text"] for doc in export["documents"]}
    for item, ann in zip(items, export["annotations"]):
        position, quote = item["target"]["selector"]
        assert item["target"]["source"] == f"urn:uuid:{ann['document_id']}"
        assert (position["start"], position["end"]) == (ann["start"], ann["end"])  # code points
        assert quote["exact"] == texts[ann["document_id"]][ann["start"]:ann["end"]] == ann["quote"]
        assert (quote["prefix"], quote["suffix"]) == (ann["prefix"], ann["suffix"])
        assert item["creator"]["id"] == f"urn:uuid:{ann['annotator_id']}"
        assert (item["created"], item["modified"]) == (ann["created"].replace(".000000+00:00", "Z"),
                                                        ann["modified"].replace(".000000+00:00", "Z"))


def test_web_annotation_bodies():
    items = json.loads(to_web_annotation(make_export()))["first"]["items"]
    assert items[2]["body"] == [{"type": "TextualBody", "purpose": "tagging", "value": "Claims"}]
    assert items[3]["body"] == [
        {"type": "TextualBody", "purpose": "tagging", "value": "Claims / Factual claim"},
        {"type": "TextualBody", "purpose": "commenting", "value": NOTE, "format": "text/plain"},
        {"type": "TextualBody", "purpose": "describing", "format": "application/json",
         "value": '{"confidence": 0.8, "source": "tv", "tags": ["a", "b"]}'},
    ]
    assert [body["purpose"] for body in items[4]["body"]] == ["tagging", "describing"]
    assert items[4]["target"]["selector"][1] == {
        "type": "TextQuoteSelector", "exact": "said 😀😀 it",
        "prefix": "Intro 😀 claim one.\nThe\u00a0minister ", "suffix": " was 42%.\u2028Done."}


def test_web_annotation_times_are_utc_with_z():
    """§3.3.1 created/modified: "The datetime MUST be a xsd:dateTime with the UTC timezone
    expressed as "Z"." An export time with another offset is moved to UTC."""
    export = make_export()
    export["annotations"][0]["created"] = "2024-05-01T12:30:00.250000+02:00"
    export["annotations"][0]["modified"] = "2024-05-01T10:30:00Z"
    item = json.loads(to_web_annotation(export))["first"]["items"][0]
    assert (item["created"], item["modified"]) == ("2024-05-01T10:30:00.250000Z", "2024-05-01T10:30:00Z")
    assert "+00:00" not in to_web_annotation(make_export())


def test_an_empty_collection_has_no_page_and_the_id_of_its_project():
    """§5.2: "Each Page MUST have an array of 1 or more Annotations as the value of items"; the
    collection's id (§5.1: "exactly 1 IRI that identifies it") is the exported project's when no
    annotation names a project."""
    export = make_export()
    export["annotations"], export["projects"] = [], []
    one = json.loads(to_web_annotation(export, project_id=PROJECT))
    assert_web_annotation_shape(one)
    assert one["total"] == 0 and "first" not in one and one["label"] == "Annotator export"  # not ""
    other = json.loads(to_web_annotation(export, project_id="f0000000-0000-4000-8000-000000000002"))
    assert one["id"] != other["id"]
    assert json.loads(to_web_annotation(export, project_id=PROJECT))["id"] == one["id"]  # stable
    export["projects"] = [{"id": PROJECT, "name": "Blog posts"}]
    assert json.loads(to_web_annotation(export))["id"] == one["id"]


def test_web_annotation_ids_follow_the_projects():
    export = make_export()
    first = json.loads(to_web_annotation(export))
    export["annotations"] = export["annotations"][:1]
    assert json.loads(to_web_annotation(export))["id"] == first["id"]
    export["projects"].append({"id": "f0000000-0000-4000-8000-000000000002", "name": "Speeches"})
    second = json.loads(to_web_annotation(export))
    assert second["label"] == "Blog posts, Speeches"
    assert second["id"] != first["id"] and second["first"]["id"] != first["first"]["id"]


def test_web_annotation_ids_that_are_not_uuids_get_a_derived_uuid():
    export = make_export()
    export["annotations"][0]["id"] = "ann 1"
    export["annotators"][1]["id"] = "alice"
    export["documents"][1]["id"] = "doc/plain"
    for ann in export["annotations"]:
        ann["annotator_id"] = {ALICE: "alice"}.get(ann["annotator_id"], ann["annotator_id"])
        ann["document_id"] = {PLAIN: "doc/plain"}.get(ann["document_id"], ann["document_id"])
    collection = json.loads(to_web_annotation(export))
    assert_web_annotation_shape(collection)
    first, second = collection["first"]["items"][:2]
    assert first["id"] == f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, 'urn:annotator:id:ann 1')}"
    assert second["creator"]["id"] == f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, 'urn:annotator:id:alice')}"
    assert first["target"]["source"] == second["target"]["source"] != f"urn:uuid:{PLAIN}"
    assert collection["first"]["items"][2]["id"] == f"urn:uuid:{IDS[2]}"  # UUIDs stay as they are


# --- all formats ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(EXPORT_FORMATS))
def test_outputs_are_deterministic_and_leave_the_export_alone(name):
    export = make_export()
    before = copy.deepcopy(export)
    write = EXPORT_FORMATS[name]
    assert write(export) == write(make_export())
    assert export == before


def test_an_export_without_annotations():
    export = make_export()
    export["annotations"] = []
    assert to_csv(export) == ("\ufeffdocument_title,document_id,start,end,quote,category,category_id,annotator,"
                              "note,annotation_id,attribute:checked,attribute:confidence\n")
    assert to_doccano_jsonl(export) == ""
    collection = json.loads(to_web_annotation(export))
    assert_web_annotation_shape(collection)
    assert collection["total"] == 0 and "first" not in collection


def test_export_formats_table():
    assert EXPORT_FORMATS == {"csv": to_csv, "doccano": to_doccano_jsonl, "w3c": to_web_annotation}


@pytest.mark.parametrize("path, expected", [
    ("out.csv", "csv"), ("OUT.CSV", "csv"), ("dir.d/out.jsonl", "doccano"), ("a.b.jsonld", "w3c"),
    ("export.json", "annotator"), ("notes.txt", None), ("no_extension", None), ("out.csv.gz", None),
])
def test_format_for_extension(path, expected):
    assert format_for_extension(path) == expected


def doccano_without_overlaps(spans: list[list]) -> list[list]:
    """What doccano's importer keeps of a line's spans in a project that does not allow overlapping
    spans (its SpanCleaner, described in docs/exchange-format.md): in order of start, a span only
    if it starts at or after the end of the last one kept."""
    kept, last_end = [], -1
    for span in sorted(spans, key=lambda s: s[0]):
        if span[0] >= last_end:
            kept.append(span)
            last_end = span[1]
    return kept


def test_the_docs_say_what_doccano_does_with_overlaps_and_encodings():
    """Issue 13, point 7: one coder's nested spans (a line of this export) lose all but the first in a
    doccano project without "Allow overlapping spans"; the docs say so and say to choose UTF-8."""
    from pathlib import Path

    lines = [json.loads(line) for line in to_doccano_jsonl(make_export()).splitlines()]
    bob = next(line for line in lines if line["annotator"] == "Bob" and line["document_id"] == EMOJI)
    assert doccano_without_overlaps(bob["label"]) == bob["label"]  # Bob's spans do not overlap
    alice = next(line for line in lines if line["annotator"] == "Alice" and line["document_id"] == EMOJI)
    alice["label"].append([10, 12, "Claims"])  # inside her [9, 18] span
    assert len(doccano_without_overlaps(alice["label"])) == len(alice["label"]) - 1
    docs = " ".join((Path(__file__).parents[2] / "docs" / "exchange-format.md").read_text(encoding="utf-8").split())
    assert "keeps overlapping spans only in a project with **Allow overlapping spans** ticked" in docs
    assert "Choose **UTF-8** in doccano's import form. Its default, **Auto**" in docs
