"""One vocabulary for core operations: results are named ``...Report`` and long operations report
progress in one shape, ``progress(done, total, label)`` (``changes.Progress``)."""

import dataclasses

from annotator.core.documents.importing import ImportReport, import_paths
from annotator.core.exchange.apply import AnnotationImportReport, import_annotations
from annotator.core.exchange.export_file import write_export
from annotator.core.exchange.merge import MergeReport
from annotator.core.schema.apply import SchemaImportReport


def test_every_operation_result_is_a_report():
    for report in (ImportReport, AnnotationImportReport, SchemaImportReport, MergeReport):
        assert dataclasses.is_dataclass(report) and report.__name__.endswith("Report")


def test_document_and_annotation_imports_report_progress_in_one_shape(project, tmp_path):
    for name in ("a.txt", "b.txt"):
        (tmp_path / name).write_text(f"the text of {name}", "utf-8")
    seen = []
    import_paths(project, [tmp_path / "a.txt", tmp_path / "b.txt"], progress=lambda *a: seen.append(a))
    assert seen == [(0, 2, "a.txt"), (1, 2, "b.txt"), (2, 2, "")]
    export = tmp_path / "export.json"
    write_export(project, export)
    seen.clear()
    import_annotations(project, [export], progress=lambda *a: seen.append(a))
    assert seen == [(0, 0, "Reading export.json…"), (0, 0, "Importing…")]
    assert all(isinstance(d, int) and isinstance(t, int) and isinstance(label, str) for d, t, label in seen)
