"""Agreement data from a project or from export files, narrowed by names or ids."""

import pytest

from annotator.core.agreement.sources import load_sources, narrow
from annotator.core.errors import ValidationError
from annotator.core.exchange.export_file import write_export


def test_a_project_and_its_export_give_the_same_data(filled, tmp_path):
    project, docs, (alice, bob), cats = filled
    from_project = load_sources([project.path])
    write_export(project, tmp_path / "all.json")
    from_export = load_sources([tmp_path / "all.json"])
    assert sorted(from_project.spans) == sorted(from_export.spans)
    assert from_project.texts == from_export.texts == {d.id: len(project.document(d.id).text) for d in docs}
    assert from_project.annotators == from_export.annotators == {alice.id: "alice", bob.id: "bob"}


def test_narrowing_by_names_and_ids_and_an_unknown_name_is_an_error(filled):
    project, docs, (alice, bob), cats = filled
    data = load_sources([project.path])
    only = narrow(data, annotators=["alice"], documents=[docs[0].id])
    assert {s[1] for s in only.spans} == {alice.id} and set(only.texts) == {docs[0].id}
    with pytest.raises(ValidationError, match="no annotator named 'alcie'"):
        narrow(data, annotators=["alcie"])
    assert narrow(data, categories=[cats[1].name]).spans == [s for s in data.spans if s[4] == cats[1].id]


def test_a_project_with_export_files_is_refused(filled, tmp_path):
    project = filled[0]
    write_export(project, tmp_path / "x.json")
    with pytest.raises(ValidationError, match="one project file alone"):
        load_sources([project.path, tmp_path / "x.json"])
