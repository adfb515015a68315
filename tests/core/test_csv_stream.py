"""Issue 16 point 6: the CSV export streams from the database to the file (never a list of every
annotation, never the whole file as one string in memory), and writes exactly what it wrote before."""

import pytest

from annotator.cli import main
from annotator.core.exchange import export_file, other_formats
from annotator.core.exchange.export_file import GOLD_ONLY, Scope, build_export


@pytest.fixture
def coded(filled):
    """``filled`` with an attribute a category defines, one an annotation uses, and a cell a
    spreadsheet would run as a formula, holding a carriage return."""
    project, (doc1, _), (alice, _), cats = filled
    project.update_category(cats[1].id, attributes=[{"name": "score", "type": "number"}])
    project.add_annotation(doc1.id, cats[1].id, alice.id, 14, 22, note="=SUM(A1)\r\nline", attributes={"score": 2})
    return project


def forbid_whole_export(monkeypatch) -> None:
    def whole(*args, **kwargs):
        raise AssertionError("the CSV export built the whole export in memory")

    for module in (export_file, other_formats):
        monkeypatch.setattr(module, "build_export", whole)
    monkeypatch.setattr(other_formats, "to_csv", whole)  # the whole file as one string


@pytest.mark.parametrize("raw", [False, True])
@pytest.mark.parametrize("scope", [Scope(), Scope(annotators=GOLD_ONLY)], ids=["all", "gold"])
def test_the_csv_export_streams_and_writes_what_the_whole_export_gave(coded, tmp_path, monkeypatch, raw, scope):
    data = build_export(coded, scope)
    expected = other_formats.to_csv(data, raw=raw).encode("utf-8")
    forbid_whole_export(monkeypatch)
    counts = other_formats.write_other(coded, tmp_path / "x.csv", "csv", scope, raw_csv=raw)
    assert (tmp_path / "x.csv").read_bytes() == expected
    assert counts == {key: len(data[key]) for key in ("annotations", "documents", "annotators")}


def test_the_cli_csv_export_does_not_build_the_whole_export(coded, tmp_path, monkeypatch, capsys):
    expected = other_formats.to_csv(build_export(coded)).encode("utf-8")
    coded.close()
    forbid_whole_export(monkeypatch)
    assert main(["export", str(coded.path), "-o", str(tmp_path / "x.csv")]) == 0
    assert (tmp_path / "x.csv").read_bytes() == expected
    assert "exported 4 annotation(s) on 2 document(s) by 2 annotator(s)" in capsys.readouterr().out
