"""Issue 16 point 5: export files are read as a stream (json_stream, export_read), in any valid
JSON layout, with the same result as parsing them whole, and a file over the old 128 MiB limit
reads, imports and merges."""

import json

import pytest

from annotator.core.errors import ExchangeError
from annotator.core.exchange import export_read, json_stream
from annotator.core.exchange.apply import import_annotations
from annotator.core.exchange.export_file import (
    build_export,
    dumps,
    export_stream,
    parse_export,
    read_export,
    save,
    write_export,
)
from annotator.core.exchange.merge import write_merge
from annotator.core.schema.templates import create_project
from tests import stream_check

TEXT = "Intro 😀 “claim” here.\nA second line\u00a0with NBSP and 𝔸 more text to give context on both sides."


@pytest.fixture
def small(project):
    doc = project.add_document("Doc", TEXT).document
    alice = project.add_annotator("alice")
    cats = project.categories()
    project.add_annotations({"document_id": doc.id, "category_id": cats[i % len(cats)].id, "annotator_id": alice.id,
                             "start": i, "end": i + 5, "note": f"note {i}"} for i in range(7))
    return project


def layouts(data: dict) -> dict[str, bytes]:
    """The same export in Annotator's layout and in others a program may write."""
    keys = list(data)
    return {
        "annotator": dumps(data),
        "pretty": json.dumps(data, indent=2, ensure_ascii=False).encode(),
        "minified": json.dumps(data, separators=(",", ":")).encode(),
        "annotations first": json.dumps({k: data[k] for k in ["annotations", *keys]}).encode(),
        "keys reversed": json.dumps({k: data[k] for k in reversed(keys)}, indent=1).encode(),
        "byte-order mark": b"\xef\xbb\xbf" + dumps(data),
    }


@pytest.fixture
def tiny_blocks(monkeypatch):
    """Blocks of 7 bytes and chunks of 2 annotations: every value crosses a block boundary, and
    every check runs on a chunk that is not the first."""
    monkeypatch.setattr(json_stream, "READ_BYTES", 7)
    monkeypatch.setattr(export_read, "CHUNK", 2)


def test_every_export_a_test_reads_is_also_parsed_whole_and_must_agree(small, tmp_path):
    """tests/conftest.py puts stream_check in front of the streamed reader for every test."""
    assert export_read._read is stream_check.read_and_compare
    path = tmp_path / "a.json"
    write_export(small, path)
    before = len(stream_check.compared)
    read_export(path)
    assert stream_check.compared[before:] == [str(path)]


@pytest.mark.parametrize("layout", ["annotator", "pretty", "minified", "annotations first", "keys reversed",
                                    "byte-order mark"])
def test_every_layout_reads_as_the_full_parse_does(small, tmp_path, tiny_blocks, layout):
    data = build_export(small)
    raw = layouts(data)[layout]
    path = tmp_path / "x.json"
    path.write_bytes(raw)
    streamed = read_export(path)
    assert streamed == parse_export(raw, str(path)) == data
    with export_read.open_export(path) as export:
        sizes = [len(chunk) for chunk in export.chunks()]
    assert sizes == [2, 2, 2, 1]


def test_a_cut_file_is_refused_in_the_full_parse_words_wherever_it_ends(small, tmp_path, tiny_blocks):
    """RFC 8259 §2: "A JSON text is a serialized value"; a file cut anywhere is none. The streamed
    reader names the same line and column as the full parse (stream_check compares each refusal)."""
    raw = dumps(build_export(small))
    path = tmp_path / "cut.json"
    messages, before = [], len(stream_check.compared)
    cuts = range(0, len(raw) - 1, 23)
    for end in cuts:
        path.write_bytes(raw[:end])
        with pytest.raises(ExchangeError) as caught:
            read_export(path)
        messages.append(str(caught.value).removeprefix(f"{path}: "))
    assert len(stream_check.compared) - before == len(cuts)  # each refusal as the full parse words it
    assert messages[0] == "the file is empty"
    assert any(m.endswith("the file ends too early (truncated?)") for m in messages)
    assert any(m.endswith("Unterminated string starting at") for m in messages)


@pytest.mark.parametrize(("change", "message"), [
    (lambda d: d["annotations"][5].update(end=10**6), r"\$\.annotations\[5\]\.end: end 1000000 is past the end"),
    (lambda d: d["annotations"][4].update(start=1.5), r"\$\.annotations\[4\]\.start: must be a whole number"),
    (lambda d: d["annotations"][6].update(id=d["annotations"][1]["id"]),
     r"\$\.annotations\[6\]\.id: duplicate id .* \(also at \$\.annotations\[1\]\)"),
    (lambda d: d["annotations"][3].update(colour="red"),
     r"\$\.annotations\[3\]: \"colour\" is not an allowed property"),
    (lambda d: d["annotations"][5].update(note="\ud800"), r"\$\.annotations\[5\]\.note: "),
])
def test_a_refusal_in_a_later_chunk_names_its_place_in_the_file(small, tmp_path, tiny_blocks, dump, change, message):
    data = json.loads(dumps(build_export(small)))
    change(data)
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    other = create_project(tmp_path / "other.annotator", template=None)
    before = dump(other)
    with pytest.raises(ExchangeError, match=message):
        import_annotations(other, [path])  # refused after chunks were imported: rolled back whole
    assert dump(other) == before
    other.close()


def test_an_export_over_the_old_128_mib_limit_reads_imports_and_merges(small, tmp_path):
    """Issue 16: "whatever export writes, import and merge accept". The project's export, with
    1,400 more annotations whose notes have 100,000 characters (LIMITS["note"]), written by
    export's own writer (save: write_stream): a file of about 140 MB."""
    data = export_stream(small)
    first = next(iter(build_export(small)["annotations"]))

    place = {"start": 40, "end": 45, "quote": TEXT[40:45], "prefix": TEXT[8:40], "suffix": TEXT[45:77]}

    def annotations():  # in the file's order: after the project's own (which start before 40), by id
        yield from data["annotations"]
        for i in range(1400):
            yield dict(first, **place, id=f"big-{i:05d}", note=f"{i:05d}" + "n" * 99_995)

    path = tmp_path / "big.json"
    counts = save(dict(data, annotations=annotations()), path)
    assert counts["annotations"] == 1407 and path.stat().st_size > 128 * 1024 * 1024
    with export_read.open_export(path) as export:
        sizes = [len(chunk) for chunk in export.chunks()]
    assert sum(sizes) == 1407 and max(sizes) < 100  # chunks of about 8 MiB: memory does not grow with the file
    with create_project(tmp_path / "into.annotator", template=None) as into:
        report = import_annotations(into, [path])
        assert report.annotations_added == into.counts().annotations == 1407
    merged = tmp_path / "team.json"
    sizes, _ = write_merge([path], merged)
    assert sizes["annotations"] == 1407
    assert merged.read_bytes() == path.read_bytes()  # merge(A) is A


def test_two_annotations_lists_and_a_version_of_1_0_are_refused_by_both_readers(small, tmp_path):
    """Found by the fault suite's fuzz: a JSON parser keeps the last of two "annotations" lists
    silently, and 1.0 == 1 in Python made the reader look for a schema "v1.0" (an internal error)."""
    text = dumps(build_export(small)).decode()
    head, annotations = text.split('"annotations":', 1)
    twice = tmp_path / "twice.json"
    twice.write_text(head + '"annotations":[],\n"annotations":' + annotations, encoding="utf-8")
    one_point_o = tmp_path / "one-point-o.json"
    one_point_o.write_text(text.replace('"version":3', '"version":1.0', 1), encoding="utf-8")
    for path, reason in ((twice, '$: "annotations" is there twice'), (one_point_o, "$.version")):
        with pytest.raises(ExchangeError, match=f"^{path}: " + reason.replace("$", r"\$").replace(".", r"\.")):
            read_export(path)  # streamed, and (stream_check) parsed whole: the same refusal
