"""Property test of the CSV, doccano and W3C writers: over random projects (the strategies of
test_exchange_properties, plus a chain of categories whose names hold "/", "\\" and spaces), each
export passes its own format's rules on reading:

- W3C Web Annotation: the Data Model's rules that test_formats checks (assert_web_annotation_shape:
  the context, ids, types, UTC "Z" times, bodies, selectors, no empty page), and each annotation's
  selectors find its quote;
- doccano JSONL: what doccano's importer accepts (backend/data_import/pipeline: parsers.JSONLParser
  reads the file line by line in text mode with universal newlines, ``json.loads(line.rstrip())``;
  builders.ColumnBuilder needs the ``text`` column, non-empty; label.SpanLabel takes each label as
  ``[start_offset, end_offset, label]`` with two non-negative ints, ``start_offset < end_offset``
  and a non-empty label; the other keys become metadata), and its offsets, in UTF-16 code units,
  find the quotes;
- CSV: our own columns, read back with Python's csv module: every column, every annotation in the
  export's order, the offsets, the quote, the label (read back with ``category_path``) and the
  category id, the annotator, note and attribute values.
"""

from __future__ import annotations

import csv
import io
import json

from hypothesis import given
from hypothesis import strategies as st

from annotator.core.exchange.export_file import build_export
from annotator.core.exchange.other_formats import BOM, category_label, category_path, render
from annotator.core.files import csv_cell
from tests.core.test_exchange_properties import SETTINGS, ProjectSpec, build_project, project_specs, temp_dir
from tests.core.test_formats import assert_web_annotation_shape

# Names that a plain " / " join would confuse: slashes, backslashes, the join itself.
LABEL_NAMES = st.lists(st.text(alphabet="ab /\\", min_size=1, max_size=8).map(lambda s: f"x{s}y"),
                       min_size=0, max_size=3)
CSV_COLUMNS = ["document_title", "document_id", "start", "end", "quote", "category", "category_id", "annotator",
               "note", "annotation_id"]


def paths(data: dict) -> dict[str, list[str]]:
    """Category id -> its names from the root."""
    by_id = {c["id"]: c for c in data["categories"]}

    def path(cat_id):
        cat = by_id[cat_id]
        return ([] if cat["parent_id"] is None else path(cat["parent_id"])) + [cat["name"]]

    return {cat_id: path(cat_id) for cat_id in by_id}


def check_web_annotation(content: str, data: dict) -> None:
    collection = json.loads(content)
    assert_web_annotation_shape(collection)
    items = collection["first"]["items"] if data["annotations"] else []
    assert collection["total"] == len(items) == len(data["annotations"])
    texts = {d["id"]: d["text"] for d in data["documents"]}
    labels = paths(data)
    for item, ann in zip(items, data["annotations"]):
        position, quote = item["target"]["selector"]
        text = texts[ann["document_id"]]
        assert text[position["start"]:position["end"]] == quote["exact"] == ann["quote"]  # code points (§4.2.4)
        assert text[:position["start"]].endswith(quote["prefix"]) and text[position["end"]:].startswith(quote["suffix"])
        assert category_path(item["body"][0]["value"]) == labels[ann["category_id"]]


def check_doccano(content: str, data: dict) -> None:
    texts = {d["id"]: d["text"] for d in data["documents"]}
    coders = {a["id"]: a["name"] for a in data["annotators"]}
    labels = paths(data)
    expected = sorted((a["document_id"], a["annotator_id"], a["quote"], tuple(labels[a["category_id"]]))
                      for a in data["annotations"])
    found = []
    for line in io.StringIO(content, newline=None):  # doccano: open(filename, encoding=...) and `for line in f`
        row = json.loads(line.rstrip())
        assert isinstance(row, dict)
        assert isinstance(row["text"], str) and row["text"]
        assert row["text"] == texts[row["document_id"]] and row["annotator"] == coders[row["annotator_id"]]
        units = row["text"].encode("utf-16-le")
        assert isinstance(row["label"], list) and row["label"]
        for span in row["label"]:
            assert isinstance(span, list) and len(span) == 3
            start, end, label = span
            assert all(type(n) is int for n in (start, end)) and 0 <= start < end <= len(units) // 2
            assert isinstance(label, str) and label
            found.append((row["document_id"], row["annotator_id"], units[2 * start:2 * end].decode("utf-16-le"),
                          tuple(category_path(label))))
    assert sorted(found) == expected


def check_csv(content: str, raw: str, data: dict) -> None:
    assert content.startswith(BOM) and not raw.startswith(BOM)
    titles = {d["id"]: d["title"] for d in data["documents"]}
    coders = {a["id"]: a["name"] for a in data["annotators"]}
    labels = paths(data)
    for text, guard in ((content[len(BOM):], csv_cell), (raw, lambda value: value)):
        rows = list(csv.DictReader(io.StringIO(text, newline="")))
        assert len(rows) == len(data["annotations"])
        names = sorted({name for c in data["categories"] for name in (a["name"] for a in c["attributes"])}
                       | {name for a in data["annotations"] for name in a["attributes"]})
        header = next(csv.reader(io.StringIO(text, newline="")))
        assert header == CSV_COLUMNS + [f"attribute:{name}" for name in names]
        for row, ann in zip(rows, data["annotations"]):
            assert (int(row["start"]), int(row["end"])) == (ann["start"], ann["end"])
            assert row["document_id"] == ann["document_id"] and row["annotation_id"] == ann["id"]
            assert row["category_id"] == ann["category_id"]
            assert row["category"] == guard(category_label(labels[ann["category_id"]]))
            if guard is not csv_cell:
                assert category_path(row["category"]) == labels[ann["category_id"]]
            assert row["quote"] == guard(ann["quote"]) and row["note"] == guard(ann["note"])
            assert row["document_title"] == guard(titles[ann["document_id"]])
            assert row["annotator"] == guard(coders[ann["annotator_id"]])
            for name in names:
                cell = row[f"attribute:{name}"]
                if name not in ann["attributes"]:
                    assert cell == ""
                    continue
                value = ann["attributes"][name]
                if isinstance(value, str):
                    assert cell == guard(value)
                elif isinstance(value, (int, float)) and not isinstance(value, bool):
                    assert float(cell) == value
                else:
                    assert json.loads(cell) == value


@SETTINGS
@given(spec=project_specs(), label_names=LABEL_NAMES)
def test_csv_doccano_and_w3c_exports_pass_their_formats_rules(spec: ProjectSpec, label_names: list[str]):
    with temp_dir() as tmp:
        project, _ = build_project(tmp / "a.annotator", spec)
        with project:
            parent, doc, coder = None, project.documents()[0], project.add_annotator("slash coder")
            for name in label_names:  # a chain, so that no two siblings share a name
                parent = project.add_category(name, parent_id=parent).id
                project.add_annotation(doc.id, parent, coder.id, 0, 1)
            data = build_export(project)
            project_id = project.info().id
        check_web_annotation(render("w3c", data, project_id=project_id), data)
        check_doccano(render("doccano", data), data)
        check_csv(render("csv", data), render("csv", data, raw_csv=True), data)
