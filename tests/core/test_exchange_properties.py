"""Property-based tests of the exchange format (annotator-export, version 1).

Hypothesis draws a *project spec*: 1-3 documents whose texts mix ASCII, spaces, newlines, NBSP,
curly quotes, dashes, U+2028 and astral characters ("😀", "𝔸", the two code points of "🇫🇷"), 1-3
annotators, the default Claims schema (optionally with a subcategory) and up to 15 annotations
with random, possibly overlapping or nested spans, notes and attribute values. A real project is
built from the spec in a temporary folder, then these laws are checked:

1. round trip: export -> import into a new project -> export gives the same bytes; reading the
   bytes back gives the dict that was written; every quote is ``text[start:end]``;
2. determinism: exporting the same project again (later, or after reopening it) gives the same
   bytes, and the bytes hold no time of export;
3. idempotent import: importing a file a second time adds and changes nothing;
4. merge laws, on the exports of coders who share the lead's documents: commutative,
   idempotent, associative, keeping every coder's annotations, and readable again;
5. importing the merged file into an empty project restores every annotation with its quote;
6. whatever note, name, title or source the project stores exports to a readable file.

Temporary folders are made inside each example (the autouse ANNOTATOR_HOME fixture is function
scoped, hence the suppressed health check; backups made by imports go there).
"""

from __future__ import annotations

import json
import re
import string
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotator.core.errors import ValidationError
from annotator.core.exchange.apply import import_annotations
from annotator.core.exchange.export_file import build_export, dumps, parse_export, read_export, write_export
from annotator.core.exchange.merge import merge_exports
from annotator.core.project.coders import name_key
from annotator.core.project.project import Project
from annotator.core.schema.rules import with_defaults
from annotator.core.schema.templates import create_project
from annotator.core.text import sha256_text

SETTINGS = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

# Pieces texts are made of, half of them plain ASCII. "🇫🇷" is one piece of two code points (a
# span may still cut it in half); "e\u0301" is e with a combining accent.
PLAIN = (*string.ascii_letters, *string.digits, " ")
SPECIAL = (" ", "\n", "\t", "\u00a0", "“", "”", "‘", "’", "—", "é", "e\u0301", "\u2028", "😀", "𝔸", "🇫🇷")
PIECES = st.one_of(st.sampled_from(PLAIN), st.sampled_from(SPECIAL))

# -- strategies ------------------------------------------------------------------------------

def texts(min_size: int = 0, max_size: int = 40) -> st.SearchStrategy[str]:
    return st.lists(PIECES, min_size=min_size, max_size=max_size).map("".join)


def names(fallback: str) -> st.SearchStrategy[str]:
    """A name from the alphabet; a blank one (refused by the project) becomes ``fallback``."""
    return texts(0, 12).map(lambda s: s if s.strip() else fallback)


CLAIMS_CATEGORIES = 4  # top-level categories of resources/schemas/claims.json
VERDICTS = ("not checked", "accurate", "misleading", "false", "unprovable")  # claims.json
TAGS = ("a", "b b", "é 😀")
# Values must fit the category's attribute definitions: the first Claims category has "verdict",
# the generated subcategory (second in tree order) one attribute of each type.
SUB_ATTRIBUTES = [{"name": "confidence", "type": "number"}, {"name": "label", "type": "text"},
                  {"name": "tags", "type": "multiple", "choices": list(TAGS)}, {"name": "ok", "type": "boolean"}]
FIRST_VALUES = st.fixed_dictionaries({}, optional={"verdict": st.one_of(st.none(), st.sampled_from(VERDICTS))})
SUB_VALUES = st.fixed_dictionaries({}, optional={
    "confidence": st.one_of(st.integers(-(2**53), 2**53), st.floats(-1e6, 1e6, allow_nan=False)),
    "label": texts(0, 10), "tags": st.lists(st.sampled_from(TAGS), unique=True), "ok": st.booleans()})


def attribute_values(category: int, categories: int) -> st.SearchStrategy[dict[str, Any]]:
    if category == 0:
        return FIRST_VALUES
    if category == 1 and categories > CLAIMS_CATEGORIES:
        return SUB_VALUES
    return st.just({})


@dataclass(frozen=True)
class AnnotationSpec:
    document: int  # index into the spec's texts
    category: int  # index into project.categories() (tree order)
    annotator: int  # index into the annotators of whoever makes it
    start: int
    end: int
    note: str
    attributes: dict[str, Any]


@dataclass(frozen=True)
class ProjectSpec:
    texts: tuple[str, ...]
    titles: tuple[str, ...]
    subcategory: str | None  # a subcategory under the first Claims category
    annotators: tuple[str, ...] = ()
    annotations: tuple[AnnotationSpec, ...] = ()


@dataclass(frozen=True)
class TeamSpec:
    """A lead project holding the documents, and coders each annotating a copy of it."""

    lead: ProjectSpec
    coders: tuple[ProjectSpec, ...]  # each with one annotator; texts as the lead's
    coder_schema: str | None


@st.composite
def annotation_specs(draw, doc_texts: tuple[str, ...], categories: int, annotators: int,
                     max_size: int) -> tuple[AnnotationSpec, ...]:
    out = []
    for _ in range(draw(st.integers(0, max_size))):
        document = draw(st.integers(0, len(doc_texts) - 1))
        length = len(doc_texts[document])
        start = draw(st.integers(0, length - 1))
        end = draw(st.integers(start + 1, length))
        category = draw(st.integers(0, categories - 1))
        out.append(AnnotationSpec(
            document=document, category=category,
            annotator=draw(st.integers(0, annotators - 1)), start=start, end=end,
            note=draw(st.one_of(st.just(""), texts(1, 20))), attributes=draw(attribute_values(category, categories)),
        ))
    return tuple(out)


@st.composite
def documents_and_schema(draw) -> tuple[tuple[str, ...], tuple[str, ...], str | None]:
    # Short texts, and texts longer than the 32 code points of context kept around each quote.
    bodies = draw(st.lists(st.one_of(texts(0, 12), texts(40, 100)), min_size=1, max_size=3))
    doc_texts = tuple(f"{i}:{body}" for i, body in enumerate(bodies))  # distinct and never blank
    titles = tuple(draw(texts(0, 10)) for _ in doc_texts)
    subcategory = draw(st.one_of(st.none(), names("Sub").map(lambda s: "Sub " + s)))
    return doc_texts, titles, subcategory


def category_count(subcategory: str | None) -> int:
    return CLAIMS_CATEGORIES + (subcategory is not None)


@st.composite
def project_specs(draw, max_annotations: int = 15) -> ProjectSpec:
    doc_texts, titles, subcategory = draw(documents_and_schema())
    # one project's coders have different names (ignoring case and surrounding spaces: issue 14)
    annotators = tuple(draw(st.lists(names("coder"), min_size=1, max_size=3, unique_by=name_key)))
    annotations = draw(annotation_specs(doc_texts, category_count(subcategory), len(annotators), max_annotations))
    return ProjectSpec(doc_texts, titles, subcategory, annotators, annotations)


@st.composite
def team_specs(draw) -> TeamSpec:
    doc_texts, titles, subcategory = draw(documents_and_schema())
    lead = ProjectSpec(doc_texts, titles, subcategory)
    coders = tuple(
        ProjectSpec(doc_texts, titles, None, (draw(names(f"coder {i}")),),
                    draw(annotation_specs(doc_texts, category_count(subcategory), 1, 6)))
        for i in range(draw(st.integers(2, 3)))
    )
    return TeamSpec(lead, coders, draw(st.sampled_from([None, "claims"])))


# -- building projects -----------------------------------------------------------------------

Row = tuple  # (text, start, end, quote, category id, annotator name, note, attributes as JSON)


def add_spec_annotations(project: Project, spec: ProjectSpec) -> list[Row]:
    """Add the spec's annotators and annotations to a project that holds the spec's documents;
    returns the rows ``annotation_rows`` should find in its export."""
    doc_ids = [project.document_by_sha256(sha256_text(text)).id for text in spec.texts]
    categories = [c.id for c in project.categories()]
    definitions = {c.id: c.attributes or [] for c in project.categories()}
    coders = [project.add_annotator(name) for name in spec.annotators]
    items, expected = [], []
    for a in spec.annotations:
        text, category, coder = spec.texts[a.document], categories[a.category], coders[a.annotator]
        items.append(dict(document_id=doc_ids[a.document], category_id=category, annotator_id=coder.id,
                          start=a.start, end=a.end, note=a.note, attributes=a.attributes))
        stored = with_defaults(a.attributes, definitions[category])  # a new annotation takes the defaults
        expected.append((text, a.start, a.end, text[a.start:a.end], category, coder.name, a.note,
                         canonical_json(stored)))
    project.add_annotations(items)
    return expected


def build_project(path: Path, spec: ProjectSpec) -> tuple[Project, list[Row]]:
    """A Claims project holding everything in ``spec`` (the caller closes it)."""
    project = create_project(path)
    if spec.subcategory is not None:
        parent = project.categories()[0]
        project.add_category(spec.subcategory, parent_id=parent.id, attributes=SUB_ATTRIBUTES)
    for title, text in zip(spec.titles, spec.texts):
        project.add_document(title, text)
    return project, add_spec_annotations(project, spec)


@dataclass
class Team:
    lead: bytes
    coders: list[dict[str, Any]]  # the coders' exports, as read back
    rows: list[Row]  # every coder's annotations


def build_team(tmp: Path, team: TeamSpec) -> Team:
    """The lead exports its documents (and schema); each coder imports that file into a new
    project, so documents and categories keep their ids, annotates and exports."""
    lead, _ = build_project(tmp / "lead.annotator", team.lead)
    with lead:
        write_export(lead, tmp / "lead.json")
    exports, rows = [], []
    for i, coder in enumerate(team.coders):
        with create_project(tmp / f"coder{i}.annotator", template=team.coder_schema) as project:
            import_annotations(project, [tmp / "lead.json"])
            rows += add_spec_annotations(project, coder)
            write_export(project, tmp / f"coder{i}.json")
        exports.append(read_export(tmp / f"coder{i}.json"))
    return Team((tmp / "lead.json").read_bytes(), exports, rows)


@contextmanager
def temp_dir() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="annotator-exchange-") as tmp:
        yield Path(tmp)


# -- checking exports ------------------------------------------------------------------------

def canonical_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def export_bytes(project: Project) -> bytes:
    return dumps(build_export(project))


def annotation_rows(data: dict[str, Any]) -> list[Row]:
    """Each annotation of an export with its document's text and coder's name, sorted."""
    doc_texts = {d["id"]: d["text"] for d in data["documents"]}
    coders = {a["id"]: a["name"] for a in data["annotators"]}
    return sorted((doc_texts[a["document_id"]], a["start"], a["end"], a["quote"], a["category_id"],
                   coders[a["annotator_id"]], a["note"], canonical_json(a["attributes"]))
                  for a in data["annotations"])


def assert_quotes_intact(data: dict[str, Any]) -> None:
    doc_texts = {d["id"]: d["text"] for d in data["documents"]}
    for a in data["annotations"]:
        text = doc_texts[a["document_id"]]
        assert a["quote"] == text[a["start"]:a["end"]], a
        assert a["prefix"] == text[max(0, a["start"] - 32):a["start"]], a
        assert a["suffix"] == text[a["end"]:a["end"] + 32], a


def assert_clean(summary) -> None:
    assert (summary.rejected, summary.reanchored, summary.conflicts) == ([], [], [])


def merge(*exports: dict[str, Any]) -> bytes:
    merged, report = merge_exports([(str(i), data) for i, data in enumerate(exports)])
    assert report.conflicts == []
    return dumps(merged)


def parse(raw: bytes) -> dict[str, Any]:
    return parse_export(raw, "x")


# -- properties ------------------------------------------------------------------------------

@SETTINGS
@given(spec=project_specs(), target_schema=st.sampled_from([None, "claims"]))
def test_round_trip_through_import_is_byte_identical(spec: ProjectSpec, target_schema: str | None):
    with temp_dir() as tmp:
        project, expected = build_project(tmp / "a.annotator", spec)
        with project:
            data = build_export(project)
            write_export(project, tmp / "a.json")
        raw = (tmp / "a.json").read_bytes()
        assert raw == dumps(data)
        assert parse_export(dumps(data), "a.json") == data
        assert_quotes_intact(data)
        assert annotation_rows(data) == sorted(expected)

        with create_project(tmp / "b.annotator", template=target_schema) as copy:
            summary = import_annotations(copy, [tmp / "a.json"])
            write_export(copy, tmp / "b.json")
        assert_clean(summary)
        assert summary.annotations_added == len(spec.annotations)
        assert (tmp / "b.json").read_bytes() == raw


@SETTINGS
@given(spec=project_specs())
def test_export_is_deterministic_and_holds_no_export_time(spec: ProjectSpec):
    with temp_dir() as tmp:
        project, _ = build_project(tmp / "a.annotator", spec)
        with project:
            first = export_bytes(project)
            time.sleep(0.002)  # timestamps have microseconds: a time of export would now differ
            second = export_bytes(project)
            write_export(project, tmp / "a.json")
        with Project.open(tmp / "a.annotator") as reopened:
            third = export_bytes(reopened)
    assert first == second == third
    data = parse(first)
    assert set(data) == {"format", "version", "offsets", "projects", "categories", "annotators",
                         "documents", "annotations", "settings", "statuses", "decisions"}  # version 3 (issue 15)
    # Every date in the file is an annotation's own created/modified time, or when a status was set.
    stamps = {s.decode() for s in re.findall(rb"\d{4}-\d{2}-\d{2}T[0-9:.]+[+-]\d{2}:\d{2}", first)}
    assert stamps <= ({a[k] for a in data["annotations"] for k in ("created", "modified")}
                      | {s["modified"] for s in data["statuses"]})


@SETTINGS
@given(spec=project_specs())
def test_importing_the_same_file_twice_changes_nothing(spec: ProjectSpec):
    with temp_dir() as tmp:
        project, _ = build_project(tmp / "a.annotator", spec)
        with project:
            write_export(project, tmp / "a.json")
            # A project's own export, imported into it, is already all there.
            own = import_annotations(project, [tmp / "a.json"])
            assert own.annotations_added == own.documents_added == own.annotators_added == 0
            assert own.annotations_skipped == len(spec.annotations)
            assert export_bytes(project) == (tmp / "a.json").read_bytes()

        with create_project(tmp / "b.annotator", template=None) as copy:
            first = import_annotations(copy, [tmp / "a.json"])
            after_first = export_bytes(copy)
            second = import_annotations(copy, [tmp / "a.json"])
            assert export_bytes(copy) == after_first
    assert_clean(first)
    assert_clean(second)
    assert (first.documents_added, first.annotations_added) == (len(spec.texts), len(spec.annotations))
    assert (second.documents_added, second.annotations_added) == (0, 0)
    assert (second.categories_added, second.annotators_added, second.annotations_updated) == (0, 0, 0)
    assert second.documents_matched == len(spec.texts)
    assert second.annotations_skipped == len(spec.annotations)


@SETTINGS
@given(team=team_specs())
def test_merge_is_commutative_idempotent_and_associative(team: TeamSpec):
    with temp_dir() as tmp:
        built = build_team(tmp, team)
    a, b = built.coders[:2]
    c = built.coders[2] if len(built.coders) > 2 else parse(built.lead)  # the lead: no annotations

    assert merge(a, b) == merge(b, a)
    for single in (a, b, c):
        assert merge(single, single) == dumps(single)
    assert merge(parse(merge(a, b)), c) == merge(a, parse(merge(b, c)))

    merged = parse(merge(*built.coders))  # parse_export accepts the merged file
    assert len(merged["annotations"]) == sum(len(x["annotations"]) for x in built.coders)
    assert {x["id"] for x in merged["annotators"]} == {x["id"] for e in built.coders for x in e["annotators"]}
    assert {x["id"] for x in merged["projects"]} == {x["id"] for e in built.coders for x in e["projects"]}
    for export in built.coders:  # every annotation is kept as its coder wrote it
        for ann in export["annotations"]:
            assert ann in merged["annotations"]
    assert annotation_rows(merged) == sorted(built.rows)
    assert_quotes_intact(merged)


@SETTINGS
@given(team=team_specs())
def test_importing_the_merged_file_restores_every_annotation(team: TeamSpec):
    with temp_dir() as tmp:
        built = build_team(tmp, team)
        (tmp / "team.json").write_bytes(merge(*built.coders))
        with create_project(tmp / "team.annotator", template=None) as project:
            summary = import_annotations(project, [tmp / "team.json"])
            restored = build_export(project)
    assert_clean(summary)
    assert summary.annotations_added == len(built.rows)
    assert_quotes_intact(restored)
    assert annotation_rows(restored) == sorted(built.rows)
    assert dumps(restored) == merge(*built.coders)  # exporting the import gives the merged file



ANY_TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=12)


def near(limit: int) -> st.SearchStrategy[str]:
    """Text just under, at and over a length limit of the export schema."""
    return st.integers(limit - 1, limit + 1).map(lambda n: "x" * n)


@SETTINGS
@given(note=st.one_of(ANY_TEXT, near(100_000)), name=st.one_of(ANY_TEXT, near(200)),
       title=st.one_of(ANY_TEXT, near(1000)), source=st.one_of(ANY_TEXT, near(4096)))
def test_whatever_the_project_stores_exports_to_a_readable_file(note: str, name: str, title: str, source: str):
    """Any character (control characters, "\\r", NUL...) and length: the project may refuse a
    value or clean it, but what it stores must make an export that reads back unchanged."""

    def accepted(add, value: str, fallback: str):
        try:
            return add(value)
        except ValidationError:
            return add(fallback)

    with temp_dir() as tmp, create_project(tmp / "a.annotator") as project:
        doc = accepted(lambda t: project.add_document(t, "Hello", source=source), title, "T").document
        coder = accepted(project.add_annotator, name, "alice")
        category = project.categories()[0].id
        ann = accepted(lambda n: project.add_annotation(doc.id, category, coder.id, 0, 2, note=n), note, "")
        raw = export_bytes(project)
        data = parse(raw)  # raises ExchangeError if the writer wrote what the reader refuses
        assert [a["note"] for a in data["annotations"]] == [ann.note]
        assert [a["name"] for a in data["annotators"]] == [coder.name]
        assert [(d["title"], d["source"]) for d in data["documents"]] == [(doc.title, doc.source)]
