"""REFI-QDA round trip (issue 17, point 7): export a project to .qdpx, import it into an empty
project, and get back the same documents, categories (colours and tree), coders and annotations
(offsets, categories, coders, notes); exporting again gives the same project.qde apart from what
the format cannot hold (the receiving project's own name)."""

from __future__ import annotations

import re
import zipfile

import pytest

from annotator.core.exchange.qdpx.apply import import_qdpx
from annotator.core.exchange.qdpx.write import POSITIONS, write_qdpx
from annotator.core.schema.templates import create_project


def _project(path):
    project = create_project(path)
    first = project.add_document("Doc é 😀", "First line 😀 with emoji\r\nSecond line, café.\nThird 𝄞 line").document
    second = project.add_document("Other", "Plain text here.").document
    alice, bob = project.add_annotator("Alice"), project.add_annotator("Bob")
    top = project.categories()[0]
    child = project.add_category("Sub-claim", "#123456", parent_id=top.id)
    grandchild = project.add_category("Detail <&>", "#abcdef", parent_id=child.id)
    cats = [c.id for c in project.categories()]
    text = project.document(first.id).text
    project.add_annotations([
        {"document_id": first.id, "category_id": cats[0], "annotator_id": alice.id, "start": 0, "end": 5,
         "note": "a note <&> with\nlines"},
        {"document_id": first.id, "category_id": child.id, "annotator_id": bob.id,
         "start": text.index("😀"), "end": text.index("😀") + 1},
        {"document_id": first.id, "category_id": grandchild.id, "annotator_id": bob.id,
         "start": text.index("Second"), "end": text.index("𝄞") + 1, "note": "over a line end"},
        {"document_id": first.id, "category_id": cats[1], "annotator_id": alice.id,
         "start": text.index("line, café"), "end": len(text)},
        {"document_id": second.id, "category_id": cats[0], "annotator_id": alice.id, "start": 6, "end": 10},
    ])
    return project


def _contents(project):
    """Everything point 7 names, by names and texts rather than by row ids."""
    categories = {c.id: c for c in project.categories()}

    def path(cat_id):
        names = []
        while cat_id is not None:
            names.append(categories[cat_id].name)
            cat_id = categories[cat_id].parent_id
        return "/".join(reversed(names))

    coders = {a.id: a.name for a in project.annotators()}
    documents = {d.id: project.document(d.id) for d in project.documents()}
    return {
        "documents": sorted((d.title, d.text) for d in documents.values()),
        "categories": sorted((path(c.id), c.colour.lower()) for c in categories.values()),
        "coders": sorted(name for cid, name in coders.items() if any(
            a.annotator_id == cid for a in project.annotations())),
        "annotations": sorted((a.id, documents[a.document_id].title, a.start, a.end, path(a.category_id),
                               coders[a.annotator_id], a.note or "") for a in project.annotations()),
    }


def _qde(path):
    with zipfile.ZipFile(path) as archive:
        return archive.read("project.qde").decode("utf-8")


@pytest.mark.parametrize("tool", sorted(POSITIONS))
def test_export_then_import_gives_the_project_back(tmp_path, tool):
    source = _project(tmp_path / "a.annotator")
    target = create_project(tmp_path / "b.annotator")
    try:
        write_qdpx(source, tmp_path / "study.qdpx", positions=tool)
        report = import_qdpx(target, tmp_path / "study.qdpx")
        assert not report.refused
        assert _contents(target) == _contents(source)
        write_qdpx(target, tmp_path / "again.qdpx", positions=tool)
        first, again = _qde(tmp_path / "study.qdpx"), _qde(tmp_path / "again.qdpx")
        # The one difference: the project's name is the receiving project's own.
        name = re.compile(r'(<Project [^>]*?)name="[^"]*"')
        assert name.sub(r"\1", first) == name.sub(r"\1", again)
        assert first != again
    finally:
        source.close()
        target.close()


def test_importing_the_same_package_again_changes_nothing(tmp_path):
    source = _project(tmp_path / "a.annotator")
    target = create_project(tmp_path / "b.annotator")
    try:
        write_qdpx(source, tmp_path / "study.qdpx", positions="nvivo")
        import_qdpx(target, tmp_path / "study.qdpx")
        before = _contents(target)
        again = import_qdpx(target, tmp_path / "study.qdpx")
        assert _contents(target) == before and not again.refused
    finally:
        source.close()
        target.close()
