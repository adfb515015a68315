"""The sample project: shipped texts and example annotations, anchored by quote."""

import json
from collections import Counter
from pathlib import Path

import pytest

from annotator.core import resources
from annotator.core.errors import NotAProjectError
from annotator.core.project import samples
from annotator.core.project.project import Project
from annotator.core.project.samples import (
    SampleError,
    create_sample_project,
    locate,
    open_sample_project,
    sample_project_path,
)
from annotator.core.schema.templates import create_project
from annotator.core.text import normalise

SAMPLES = Path(__file__).resolve().parents[2] / "resources" / "samples"
TEXT_NAMES = sorted(p.name for p in SAMPLES.glob("*.txt"))
EXAMPLES = json.loads((SAMPLES / "annotations.json").read_text(encoding="utf-8"))


def _texts() -> dict[str, str]:
    """The sample files as a checkout holds them (bytes decoded, nothing translated)."""
    return {name: (SAMPLES / name).read_bytes().decode("utf-8") for name in TEXT_NAMES}


def _overlapping_pairs(spans: list[tuple[int, int]]) -> int:
    return sum(1 for i, a in enumerate(spans) for b in spans[i + 1:] if a[0] < b[1] and b[0] < a[1])


@pytest.fixture
def sample(tmp_path):
    with create_sample_project(tmp_path / "sample.annotator") as project:
        yield project


# -- the resources themselves ------------------------------------------------------------------


def test_the_sample_texts_look_like_the_corpus():
    texts = _texts()
    assert len(texts) == 4
    assert resources.file_names("samples", suffix=".txt") == TEXT_NAMES
    for name, text in texts.items():
        assert 1500 <= len(text) <= 3000, name
        assert "\r" not in text and not text.startswith("\ufeff"), name
        assert normalise(text) == text, name
        assert text.split("\n", 1)[0].strip(), f"{name}: the first line is the title"
        assert "“" in text and "”" in text and "’" in text and "—" in text, name
    everything = "".join(texts.values())
    for char in ("‘", "–", "…", "\u00a0"):
        assert char in everything, repr(char)
    assert sum(any(ord(c) > 0xFFFF for c in t) for t in texts.values()) == 1, "one text with an astral character"
    footnoted = [t for t in texts.values() if "[1]" in t]
    assert len(footnoted) == 1 and "\n[1] " in footnoted[0], "one footnote marker, with the note at the end"


def test_every_example_names_a_sample_text_and_a_claims_category():
    categories = {"Factual claim", "Opinion", "Unverified allegation", "Prediction"}
    per_text = Counter(e["document"] for e in EXAMPLES)
    assert set(per_text) == set(TEXT_NAMES)
    assert all(6 <= n <= 10 for n in per_text.values()), per_text
    for example in EXAMPLES:
        assert set(example) == {"document", "quote", "occurrence", "category", "note"}
        assert example["category"] in categories
        assert example["note"].strip()
    assert any(e["occurrence"] > 1 for e in EXAMPLES), "at least one example shows what occurrence is for"


# -- the project made from them ----------------------------------------------------------------


def test_sample_project_holds_the_four_texts(sample):
    texts = _texts()
    assert sample.info().name == "Sample project"
    assert [c.name for c in sample.categories()] == ["Factual claim", "Opinion", "Unverified allegation", "Prediction"]
    docs = sample.documents()
    assert [d.source for d in docs] == TEXT_NAMES
    for summary in docs:
        doc = sample.document(summary.id)
        assert doc.text == texts[summary.source]
        assert doc.title == texts[summary.source].split("\n", 1)[0]
        assert summary.annotation_count == sum(e["document"] == summary.source for e in EXAMPLES)


def test_every_annotation_quotes_its_example_exactly(sample):
    by_id = {d.id: d for d in sample.documents()}
    texts = {d.id: sample.document(d.id).text for d in by_id.values()}
    categories = {c.id: c.name for c in sample.categories()}
    [coder] = sample.annotators()
    assert coder.name == "Example coder"

    made = Counter()
    for ann in sample.annotations():
        assert ann.annotator_id == coder.id
        made[(by_id[ann.document_id].source, texts[ann.document_id][ann.start:ann.end], ann.start,
              categories[ann.category_id], ann.note)] += 1

    expected = Counter()
    files = _texts()
    for e in EXAMPLES:
        text = files[e["document"]]
        starts = [i for i in range(len(text)) if text.startswith(e["quote"], i)]
        expected[(e["document"], e["quote"], starts[e["occurrence"] - 1], e["category"], e["note"])] += 1
    assert made == expected


def test_offsets_are_code_points_after_the_emoji(sample):
    doc = next(sample.document(d.id) for d in sample.documents() if "📈" in sample.document(d.id).text)
    emoji_at = doc.text.index("📈")
    later = [a for a in sample.annotations(document_id=doc.id) if a.start > emoji_at]
    assert later
    for row in sample.annotation_rows(doc.id, quote_limit=10_000):
        assert row.quote == doc.text[row.start:row.end]


def test_the_examples_show_overlapping_spans(sample):
    overlapping_texts = 0
    for doc in sample.documents():
        spans = [(start, end) for _, start, end, _, _ in sample.annotation_spans(doc.id)]
        overlapping_texts += _overlapping_pairs(spans) > 0
    assert overlapping_texts >= 2
    # nested, and in different categories: a factual claim inside an opinion, for instance
    anns = sample.annotations()
    assert any(a is not b and a.document_id == b.document_id and a.start <= b.start and b.end <= a.end
               and a.category_id != b.category_id for a in anns for b in anns)


# -- opening it --------------------------------------------------------------------------------


def test_sample_project_lives_in_the_data_folder(annotator_home):
    assert sample_project_path() == annotator_home / "data" / "sample.annotator"


def test_open_sample_project_twice_adds_nothing(annotator_home):
    with open_sample_project() as first:
        counts = first.counts()
        ids = ([d.id for d in first.documents()], [a.id for a in first.annotations()])
    with open_sample_project() as again:
        assert again.path == sample_project_path()
        assert again.counts() == counts
        assert ([d.id for d in again.documents()], [a.id for a in again.annotations()]) == ids
    assert counts.documents == 4 and counts.annotators == 1 and counts.annotations == len(EXAMPLES)
    assert sorted(p.name for p in sample_project_path().parent.iterdir()) == ["sample.annotator"]


def test_open_sample_project_keeps_a_users_changes(annotator_home):
    with open_sample_project() as project:
        first = project.annotations()[0]
        project.delete_annotation(first.id, by=first.annotator_id)
    with open_sample_project() as project:
        assert project.counts().annotations == len(EXAMPLES) - 1


def test_an_unusable_sample_file_is_moved_aside_and_replaced(annotator_home):
    path = sample_project_path()
    path.write_bytes(b"not a project")
    with open_sample_project() as project:
        assert project.counts().documents == 4
    aside = [p for p in path.parent.iterdir() if p.name.startswith("sample.annotator.unusable-")]
    assert [p.read_bytes() for p in aside] == [b"not a project"]


@pytest.mark.parametrize("bad, message", [
    ({"quote": "words that are not in the text"}, "is not in"),
    ({"occurrence": 2}, "occurrence 2"),
    ({"category": "Rumour"}, "no category 'Rumour'"),
    ({"document": "missing.txt"}, "no sample text named 'missing.txt'"),
])
def test_an_example_that_does_not_resolve_is_a_bug(tmp_path, monkeypatch, bad, message):
    broken = [dict(EXAMPLES[0]), dict(EXAMPLES[1], **bad)]
    real = resources.read_json
    monkeypatch.setattr(samples.resources, "read_json",
                        lambda *parts: broken if parts[-1] == "annotations.json" else real(*parts))
    path = tmp_path / "sample.annotator"
    with pytest.raises(SampleError, match=message):
        create_sample_project(path)
    assert not path.exists(), "a failed sample leaves no file behind"


def test_create_refuses_an_existing_file(tmp_path):
    path = tmp_path / "taken.annotator"
    create_project(path).close()
    with pytest.raises(NotAProjectError, match="already exists"):
        create_sample_project(path)
    with Project.open(path) as untouched:
        assert untouched.counts().documents == 0


def test_locate():
    text = "aaa b aaa"
    assert locate(text, "aaa") == (0, 3)
    assert locate(text, "aaa", 2) == (6, 9)
    assert locate(text, "aa", 2) == (1, 3)  # occurrences may overlap
    assert locate(text, "aaa", 3) is None
    assert locate(text, "x") is None
    assert locate(text, "") is None
    assert locate(text, "aaa", 0) is None
    assert locate("😀 hi", "hi") == (2, 4)  # code points, not UTF-16 units
