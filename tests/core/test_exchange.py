"""The exchange file: contents, determinism, scope, validation of bad files, import rules, merge."""

import hashlib
import json

import pytest

from annotator.core.errors import ExchangeError
from annotator.core.exchange import export_file as exchange
from annotator.core.exchange.apply import import_annotations
from annotator.core.exchange.export_file import (
    Scope,
    build_export,
    dumps,
    parse_export,
    read_export,
    write_export,
)
from annotator.core.exchange.merge import merge_exports, merge_files
from annotator.core.schema.templates import create_project

pytestmark = pytest.mark.engines  # on SQLite and on PostgreSQL (tests/conftest.py)

TEXT = "Intro 😀 “claim” here.\nA second line\u00a0with NBSP and 𝔸 more text to give context on both sides."


@pytest.fixture
def team(new_project):
    """A coder's project with one document, two annotators, a subcategory and three annotations."""
    project = new_project("coder", title="Coder")
    doc = project.add_document("Doc", TEXT, source="doc.txt", metadata={"lang": "en"}).document
    alice, bob = project.add_annotator("alice"), project.add_annotator("bob")
    cats = project.categories()
    sub = project.add_category("Statistic", parent_id=cats[0].id, colour="#123456",
                               attributes=[{"name": "checked", "type": "boolean"}])
    start = TEXT.index("“claim”")
    project.add_annotation(doc.id, sub.id, alice.id, start, start + 7, note="a, \"quoted\"\nnote",
                           attributes={"checked": True})
    project.add_annotation(doc.id, cats[1].id, bob.id, 0, 7)
    project.add_annotation(doc.id, cats[2].id, alice.id, TEXT.index("𝔸"), TEXT.index("𝔸") + 1)
    yield project, doc, (alice, bob), cats, sub
    project.close()


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# -- export --------------------------------------------------------------------------------


def test_export_contents(team):
    project, doc, (alice, bob), cats, sub = team
    data = build_export(project)
    assert (data["format"], data["version"], data["offsets"]) == ("annotator-export", 3,  # issue 15: version 3
                                                                   {"unit": "code_point", "end": "exclusive"})
    assert data["projects"] == [{"id": project.info().id, "name": "Coder"}]
    [exported] = data["documents"]
    assert exported == {"id": doc.id, "title": "Doc", "sha256": doc.sha256, "length": len(TEXT),
                        "source": "doc.txt", "metadata": {"lang": "en"}, "text": TEXT}
    assert [a["name"] for a in data["annotators"]] == sorted(["alice", "bob"], key=lambda n: {
        "alice": alice.id, "bob": bob.id}[n])
    by_quote = {a["quote"]: a for a in data["annotations"]}
    claim = by_quote["“claim”"]
    assert claim["prefix"] == TEXT[:TEXT.index("“")][-32:]
    assert claim["suffix"] == TEXT[TEXT.index("”") + 1:][:32]
    assert (claim["category_id"], claim["annotator_id"], claim["attributes"]) == (sub.id, alice.id, {"checked": True})
    assert by_quote["𝔸"]["end"] - by_quote["𝔸"]["start"] == 1  # code points, not UTF-16 units
    assert [c["id"] for c in data["categories"]] == sorted(c.id for c in project.categories())
    assert data["annotations"] == sorted(data["annotations"],
                                         key=lambda a: (a["document_id"], a["start"], a["end"], a["id"]))


def test_export_is_deterministic_and_diffable(team, tmp_path):
    project = team[0]
    write_export(project, tmp_path / "1.json")
    write_export(project, tmp_path / "2.json")
    raw = (tmp_path / "1.json").read_bytes()
    assert raw == (tmp_path / "2.json").read_bytes()
    lines = raw.decode("utf-8").splitlines()
    assert len(lines) > 10 and sum(1 for line in lines if '"quote":' in line) == 3  # one annotation per line
    assert "😀" in raw.decode("utf-8")  # UTF-8, not \\u escapes
    assert parse_export(raw, "x") == build_export(project)


def test_scope_and_no_text(team):
    project, doc, (alice, bob), cats, sub = team
    only_bob = build_export(project, Scope(annotators=frozenset({bob.id})))
    assert [a["annotator_id"] for a in only_bob["annotations"]] == [bob.id]
    assert [a["id"] for a in only_bob["annotators"]] == [bob.id]
    only_sub = build_export(project, Scope(categories=frozenset({sub.id})))
    assert {c["id"] for c in only_sub["categories"]} == {sub.id, cats[0].id}  # with its parent
    assert [a["category_id"] for a in only_sub["annotations"]] == [sub.id]
    other = project.add_document("Other", "Another text.").document
    only_other = build_export(project, Scope(documents=frozenset({other.id})))
    assert [d["id"] for d in only_other["documents"]] == [other.id] and only_other["annotations"] == []
    no_text = build_export(project, include_text=False)
    assert all("text" not in d for d in no_text["documents"])
    assert no_text["annotations"][0]["quote"]  # quotes stay, so the file can still be verified


# -- bad files -----------------------------------------------------------------------------


def good(team) -> dict:
    return json.loads(dumps(build_export(team[0])))


def mutate(data: dict, change) -> bytes:
    change(data)
    return json.dumps(data, ensure_ascii=False).encode("utf-8")


def ann_by_quote(data, quote):
    return next(a for a in data["annotations"] if a["quote"] == quote)


BAD = {
    "not json": (lambda d: None, b"this is not json", "not valid JSON at line 1, column 1"),
    "truncated": (None, None, "the file ends too early"),
    "other tool": (None, b'{"text": "x", "label": [[0, 1, "A"]]}', "not an Annotator export"),
    "future version": (lambda d: d.update(version=4), None, "export version 4 was written by a newer Annotator"),
    "start out of range": (lambda d: ann_by_quote(d, "𝔸").update(start=-1), None,
                           "$.annotations[2].start: -1 is less than the minimum of 0"),
    "end past the text": (lambda d: ann_by_quote(d, "𝔸").update(end=10_000), None,
                          "$.annotations[2].end: end 10000 is past the end of the document"),
    "reversed": (lambda d: ann_by_quote(d, "𝔸").update(start=90, end=80), None,
                 "$.annotations[2].end: end 80 is not after start 90"),
    "unknown document": (lambda d: d["annotations"][0].update(document_id="nope"), None,
                         "$.annotations[0].document_id: unknown document nope"),
    "unknown category": (lambda d: d["annotations"][1].update(category_id="nope"), None,
                         "$.annotations[1].category_id: unknown category nope"),
    "duplicate id": (lambda d: d["annotations"][1].update(id=d["annotations"][0]["id"]), None,
                     "$.annotations[1].id: duplicate id"),
    "sha mismatch": (lambda d: d["documents"][0].update(text=d["documents"][0]["text"].replace("claim", "clam!")), None,
                     "$.documents[0].sha256: does not match the SHA-256 of the included text"),
    "huge note": (lambda d: d["annotations"][0].update(note="x" * 10_000_000), None,
                  "$.annotations[0].note: is 10,000,000 characters long; at most 100,000 are allowed"),
    "control characters": (lambda d: d["annotators"][0].update(name="al\x07ice"), None,
                           "$.annotators[0].name: contains control characters"),
    "lone surrogate": (None, None, "invalid Unicode"),
    "fractional offset": (lambda d: ann_by_quote(d, "𝔸").update(start=0.5), None,
                          "$.annotations[2].start: must be a whole number (got 0.5)"),
    "fractional length": (lambda d: d["documents"][0].update(length=12.25), None,
                          "$.documents[0].length: must be a whole number (got 12.25)"),
    "wrong type": (lambda d: d["annotations"][0].update(start="3"), None,
                   '$.annotations[0].start: "3" is not of type "integer"'),
    "missing field": (lambda d: d["documents"][0].pop("sha256"), None,
                      '$.documents[0]: "sha256" is a required property'),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_files_get_one_clear_message_and_change_nothing(team, tmp_path, case, dump):
    project = team[0]
    change, raw, message = BAD[case]
    data = good(team)
    if case == "truncated":
        raw = dumps(data)[:-40]
    elif case == "lone surrogate":
        raw = dumps(data).replace(b'"name":"alice"', b'"name":"al\\ud800ice"')
    elif raw is None:
        raw = mutate(data, change)
    path = tmp_path / f"{case}.json"
    path.write_bytes(raw)
    before = dump(project)
    with pytest.raises(ExchangeError) as info:
        import_annotations(project, [path])
    text = str(info.value)
    assert text.startswith(f"{path}: ") and message in text
    assert "\n" not in text and len(text) < 400
    assert dump(project) == before
    with pytest.raises(ExchangeError):
        merge_files([path])


def test_a_huge_file_is_refused_before_it_is_read(tmp_path, monkeypatch):
    # issue 16: the limit is a protection of 8 GiB (it was 128 MiB, below what export writes)
    path = tmp_path / "huge.json"
    with path.open("wb") as handle:  # a sparse 9 GiB file: cheap to make
        handle.truncate(9 * 1024**3)
    with pytest.raises(ExchangeError, match=r"the file is 9216 MiB; exports of up to 8192 MiB are accepted"):
        read_export(path)


@pytest.mark.parametrize("version", [1, 2, 3])
def test_the_shipped_schema_is_a_valid_draft_2020_12_schema(version):
    import jsonschema

    from annotator.core import resources

    schema = resources.read_json("formats", f"annotator-export-v{version}.schema.json")
    jsonschema.Draft202012Validator.check_schema(schema)


def test_every_export_passes_the_shipped_schema_in_the_reference_validator(team):
    import jsonschema

    from annotator.core import resources

    schema = resources.read_json("formats", "annotator-export-v3.schema.json")  # what is written (issue 15)
    jsonschema.Draft202012Validator(schema).validate(build_export(team[0]))
    jsonschema.Draft202012Validator(schema).validate(build_export(team[0], include_text=False))


def test_whole_numbers_written_as_floats_read_as_the_integers_they_are(team, tmp_path):
    """JSON Schema 2020-12 (Core §4.2.1): the "integer" type "matches any number with a zero
    fractional part", so 0.0 is valid against the schema's integer offsets and cannot be refused by
    it: the reader and merge take it as the integer it equals, and merge writes it back as 0."""
    import jsonschema

    from annotator.core import resources

    raw = dumps(build_export(team[0]))
    data = json.loads(raw)
    for ann in data["annotations"]:
        ann["start"], ann["end"] = float(ann["start"]), float(ann["end"])
    for doc in data["documents"]:
        doc["length"] = float(doc["length"])
    for cat in data["categories"]:
        cat["position"] = float(cat["position"])
    schema = resources.read_json("formats", "annotator-export-v3.schema.json")  # what is written (issue 15)
    jsonschema.Draft202012Validator(schema).validate(data)  # the standard's validator takes 0.0
    path = tmp_path / "floats.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    assert b'"start": 0.0' in path.read_bytes()
    read = read_export(path)
    assert [type(a["start"]) for a in read["annotations"]] == [int] * len(read["annotations"])
    assert type(read["documents"][0]["length"]) is type(read["categories"][0]["position"]) is int
    merged, _ = merge_files([path])
    assert dumps(merged) == raw


@pytest.mark.parametrize("version", [1, 2, 3])
def test_the_shipped_schema_says_timestamps_are_date_times(version):
    from annotator.core import resources

    schema = resources.read_json("formats", f"annotator-export-v{version}.schema.json")
    fields = schema["properties"]["annotations"]["items"]["properties"]
    assert fields["created"]["format"] == fields["modified"]["format"] == "date-time"


# -- import ---------------------------------------------------------------------------------


def test_import_into_an_empty_project_and_round_trip(team, tmp_path):
    write_export(team[0], tmp_path / "a.json")
    with create_project(tmp_path / "empty.annotator", template=None) as other:
        summary = import_annotations(other, [tmp_path / "a.json"])
        assert (summary.documents_added, summary.categories_added, summary.annotators_added,
                summary.annotations_added) == (1, 5, 2, 3)
        assert summary.backup is not None and summary.backup.exists()
        write_export(other, tmp_path / "b.json")
        [doc] = other.documents()
        assert doc.id == team[1].id  # documents keep their ids, so a team's files line up
    assert (tmp_path / "a.json").read_bytes() == (tmp_path / "b.json").read_bytes()


def test_importing_twice_changes_nothing(team, tmp_path, dump):
    write_export(team[0], tmp_path / "a.json")
    with create_project(tmp_path / "other.annotator") as other:
        import_annotations(other, [tmp_path / "a.json"])
        before = dump(other)
        again = import_annotations(other, [tmp_path / "a.json"])
        assert dump(other) == before
        assert (again.annotations_added, again.annotations_skipped, again.documents_matched) == (0, 3, 1)
        assert again.conflicts == [] and again.rejected == []


def test_categories_match_by_id_then_by_name_and_annotators_by_id(team, tmp_path):
    data = good(team)
    sub = team[4]
    renamed = next(c for c in data["categories"] if c["id"] == sub.id)
    renamed["id"] = "another-id-same-name"
    for ann in data["annotations"]:
        if ann["category_id"] == sub.id:
            ann["category_id"] = "another-id-same-name"
    path = tmp_path / "f.json"
    path.write_bytes(dumps(data))
    summary = import_annotations(team[0], [path])
    assert (summary.categories_added, summary.categories_matched) == (0, 5)
    assert (summary.annotators_added, summary.annotators_matched) == (0, 2)
    assert summary.annotations_skipped == 3  # same ids, same content once the category is mapped


def test_reanchoring_and_rejection(team, tmp_path):
    data = good(team)
    claim = ann_by_quote(data, "“claim”")
    claim["start"] += 3  # another tool counted differently
    claim["end"] += 3
    ghost = ann_by_quote(data, "𝔸")
    ghost["quote"], ghost["prefix"], ghost["suffix"] = "missing words", "", ""
    path = tmp_path / "f.json"
    path.write_bytes(dumps(data))
    with create_project(tmp_path / "p.annotator", template=None) as project:
        summary = import_annotations(project, [path])
        assert len(summary.reanchored) == 1 and "moved from" in summary.reanchored[0]
        assert len(summary.rejected) == 1 and "not in the document" in summary.rejected[0]
        text = project.document(data["documents"][0]["id"]).text
        stored = project.annotation(claim["id"])
        assert text[stored.start:stored.end] == "“claim”"


def test_ambiguous_quote_is_rejected(tmp_path):
    with create_project(tmp_path / "a.annotator") as project:
        doc = project.add_document("D", "same same same").document
        coder = project.add_annotator("a")
        project.add_annotation(doc.id, project.categories()[0].id, coder.id, 5, 9)
        data = json.loads(dumps(build_export(project)))
    ann = data["annotations"][0]
    ann["start"], ann["end"], ann["prefix"], ann["suffix"] = 0, 3, "", ""  # "sam" != "same"
    path = tmp_path / "f.json"
    path.write_bytes(dumps(data))
    with create_project(tmp_path / "b.annotator") as other:
        summary = import_annotations(other, [path])
        assert "occurs more than once" in summary.rejected[0]
        assert other.count_annotations() == 0


def test_conflicts_newer_modified_wins(team, tmp_path):
    project = team[0]
    write_export(project, tmp_path / "old.json")
    data = good(team)
    newer = ann_by_quote(data, "“claim”")
    newer["note"], newer["modified"] = "edited elsewhere", "2999-01-01T00:00:00.000000+00:00"
    older = ann_by_quote(data, "𝔸")
    older["note"], older["modified"] = "stale edit", "2000-01-01T00:00:00.000000+00:00"
    path = tmp_path / "f.json"
    path.write_bytes(dumps(data))
    summary = import_annotations(project, [path])
    assert summary.annotations_updated == 1 and len(summary.conflicts) == 2
    assert project.annotation(newer["id"]).note == "edited elsewhere"
    assert project.annotation(older["id"]).note == ""


def test_a_failing_import_leaves_the_project_exactly_as_it_was(team, tmp_path, monkeypatch, dump):
    import annotator.core.exchange.apply as module

    write_export(team[0], tmp_path / "a.json")
    with create_project(tmp_path / "p.annotator", template=None) as project:
        before = dump(project)

        def broken(s, rows):
            raise RuntimeError("disk full")

        monkeypatch.setattr(module, "insert_annotations", broken)
        monkeypatch.setattr(module, "insert_plain_rows", broken)  # the short path of plain chunks
        with pytest.raises(RuntimeError):
            import_annotations(project, [tmp_path / "a.json"])
        assert dump(project) == before


def test_a_document_without_text_is_reported(team, tmp_path):
    write_export(team[0], tmp_path / "a.json", include_text=False)
    with create_project(tmp_path / "p.annotator", template=None) as project:
        summary = import_annotations(project, [tmp_path / "a.json"])
        assert "the file has no text" in summary.notes[0]
        assert len(summary.rejected) == 3 and project.count_annotations() == 0


# -- merge ----------------------------------------------------------------------------------


def test_merge_refuses_the_same_document_id_with_different_texts(team, tmp_path):
    a = good(team)
    b = good(team)
    b["documents"][0]["text"] = TEXT + " changed"
    b["documents"][0]["length"] = len(b["documents"][0]["text"])
    b["documents"][0]["sha256"] = hashlib.sha256(b["documents"][0]["text"].encode()).hexdigest()
    with pytest.raises(ExchangeError, match=r"has different texts in alice\.json and bob\.json"):
        merge_exports([("alice.json", a), ("bob.json", b)])


def test_merge_unifies_the_same_text_under_different_ids(team):
    a = good(team)
    b = json.loads(json.dumps(a))
    b["documents"][0]["id"] = "0" * 8  # smaller than any uuid4 here
    for ann in b["annotations"]:
        ann["document_id"] = "0" * 8
        ann["id"] = ann["id"][::-1]
    merged, _ = merge_exports([("a", a), ("b", b)])
    assert [d["id"] for d in merged["documents"]] == ["0" * 8]
    assert len(merged["annotations"]) == 6
    assert {x["document_id"] for x in merged["annotations"]} == {"0" * 8}
    assert exchange.parse_export(dumps(merged), "m") == merged


def test_nan_and_infinity_are_neither_stored_nor_read(team, tmp_path):
    from annotator.core.errors import ValidationError

    project, doc, (alice, _), cats, _ = team
    with pytest.raises(ValidationError, match=r"NaN \(not a JSON number\)"):
        project.add_annotation(doc.id, cats[0].id, alice.id, 0, 3, attributes={"score": float("nan")})
    raw = dumps(build_export(project)).replace(b'"attributes":{"checked":true}', b'"attributes":{"checked":NaN}')
    assert b"NaN" in raw
    for name, content in (("line.json", raw), ("whole.json", raw.replace(b"\n", b" "))):
        (tmp_path / name).write_bytes(content)
        with pytest.raises(ExchangeError, match="not valid JSON: NaN is not a JSON value"):
            read_export(tmp_path / name)


def test_line_reader_and_full_parse_agree_and_other_layouts_still_read(team, tmp_path):
    from annotator.core.exchange.export_file import _read_lines

    raw = dumps(build_export(team[0]))
    ours = tmp_path / "ours.json"
    ours.write_bytes(raw)
    assert _read_lines(ours) == json.loads(raw)  # the fast path took it
    pretty = tmp_path / "pretty.json"
    pretty.write_text(json.dumps(json.loads(raw), indent=2, ensure_ascii=False), encoding="utf-8")
    assert _read_lines(pretty) is None  # not our layout: parsed whole instead
    assert read_export(pretty) == read_export(ours)


@pytest.mark.parametrize("damage", ["drop a comma between items", "extra comma after the last item",
                                    "trailing text", "no final newline"])
def test_line_reader_is_as_strict_as_json(team, tmp_path, damage):
    lines = dumps(build_export(team[0])).decode("utf-8").split("\n")
    first_annotation = lines.index('"annotations":[') + 1
    if damage == "drop a comma between items":
        lines[first_annotation] = lines[first_annotation].rstrip(",")
    elif damage == "extra comma after the last item":
        last = lines.index("]", first_annotation) - 1
        lines[last] += ","
    elif damage == "trailing text":
        lines.append("garbage")
    text = "\n".join(lines)
    if damage == "no final newline":
        text = text.rstrip("\n")
    path = tmp_path / "damaged.json"
    path.write_text(text, encoding="utf-8")
    if damage == "no final newline":  # still valid JSON: the full parse accepts it
        assert read_export(path)["format"] == "annotator-export"
        return
    with pytest.raises(ExchangeError, match="not valid JSON"):
        read_export(path)
