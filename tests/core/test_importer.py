"""Importing files and folders: per-file transactions, duplicates, failures, backups, progress, cancel."""

import uuid

import pytest

from annotator.core.documents.importing import collect_files, import_paths
from annotator.core.documents.readers import ImportOptions


def test_folder_import_is_recursive_by_extension_and_per_file(project, tmp_path, annotator_home):
    folder = tmp_path / "corpus"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.txt").write_text("First text.\n", encoding="utf-8")
    (folder / "sub" / "b.md").write_text("# Second\n\nWith 😀\r\n", encoding="utf-8")
    (folder / "sub" / "c.jsonl").write_text('{"text": "row one"}\n{"text": "row two"}\n{"text": \n', encoding="utf-8")
    (folder / "notes.xyz").write_text("ignored: unknown extension")
    (folder / ".hidden").mkdir()
    (folder / ".hidden" / "h.txt").write_text("hidden, skipped")
    (folder / "empty.txt").write_bytes(b"")
    report = import_paths(project, [folder])
    assert [f.path.name for f in report.files] == ["a.txt", "empty.txt", "b.md", "c.jsonl"]
    failures = {f.path.name: f.error for f in report.failures}
    assert failures == {"empty.txt": "file is empty", "c.jsonl": failures["c.jsonl"]}
    assert failures["c.jsonl"].startswith("line 3: invalid JSON")
    # the broken .jsonl left nothing behind; the others imported
    docs = project.documents()
    assert [(d.title, d.source) for d in docs] == [("a.txt", "a.txt"), ("b.md", "sub/b.md")]
    assert project.document(docs[1].id).text == "# Second\n\nWith 😀\n"
    assert not report.ok
    assert report.backup is None  # the project was empty: nothing to back up
    assert report.files[0].encoding == "utf-8"


def test_duplicates_are_skipped_and_reported_and_no_backup_is_taken(project, tmp_path, annotator_home):
    (tmp_path / "a.txt").write_text("Same words.\n")
    first = import_paths(project, [tmp_path / "a.txt"])
    assert len(first.added) == 1
    (tmp_path / "b.txt").write_text("Same words.\r\n")  # same text once normalised
    second = import_paths(project, [tmp_path / "b.txt"])
    assert second.added == [] and second.ok
    [(path, existing)] = second.duplicates
    assert (path.name, existing.title) == ("b.txt", "a.txt")
    assert second.backup is None  # nothing changed: no backup
    assert project.counts().documents == 1
    (tmp_path / "c.txt").write_text("Other words.\n")
    third = import_paths(project, [tmp_path / "b.txt", tmp_path / "c.txt"])
    assert third.backup is not None and third.backup.parent == annotator_home / "backups"


def test_missing_paths_and_empty_folders_are_failures(project, tmp_path):
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "x.bin").write_bytes(b"\0\1")
    report = import_paths(project, [tmp_path / "missing.txt", tmp_path / "empty"])
    assert [f.error for f in report.failures] == [
        "no such file or folder",
        "no importable files in this folder"
        " (looked for .txt, .md, .markdown, .html, .htm, .docx, .pdf, .csv, .tsv, .jsonl)",
    ]
    assert project.counts().documents == 0


def test_split_option_reaches_the_reader(project, tmp_path):
    (tmp_path / "many.txt").write_text("One\nbody\n\n\nTwo\nbody two\n")
    report = import_paths(project, [tmp_path / "many.txt"], ImportOptions(split_blank_lines=2))
    assert [d.title for d in report.added] == ["One", "Two"]
    assert [d.metadata for d in report.added] == [{"part": 1, "line": 1}, {"part": 2, "line": 5}]


def test_progress_and_cancel(project, tmp_path):
    for i in range(5):
        (tmp_path / f"{i}.txt").write_text(f"text number {i}")
    seen = []

    def progress(done, total, path):
        seen.append((done, total))

    report = import_paths(project, [tmp_path], progress=progress, is_cancelled=lambda: len(seen) >= 3)
    assert report.cancelled and not report.ok
    assert seen == [(0, 5), (1, 5), (2, 5)]
    assert project.counts().documents == 3  # what was imported before cancelling stays


def test_collect_files_is_sorted_and_relative(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "z.txt").write_text("z")
    (tmp_path / "a.txt").write_text("a")
    assert [(p.name, src, err) for p, src, err in collect_files([tmp_path])] == [
        ("a.txt", "a.txt", None), ("z.txt", "b/z.txt", None)]


def test_unexpected_reader_errors_become_a_failure_not_a_crash(project, tmp_path, monkeypatch):
    import annotator.core.documents.importing as importer

    def boom(path, options):
        raise RuntimeError("reader bug")

    monkeypatch.setattr(importer, "read_file", boom)
    (tmp_path / "a.txt").write_text("a")
    report = import_paths(project, [tmp_path / "a.txt"])
    assert report.failures[0].error == "unexpected error: RuntimeError: reader bug"


def test_shared_corpus_splits_into_seven_posts(project, corpus):
    report = import_paths(project, [corpus / "anti-imperialist-blog-posts-2024.txt"],
                          ImportOptions(split_blank_lines=2))
    titles = [d.title for d in report.added]
    assert len(titles) == 7
    assert titles[0].startswith("Second Trump assassination attempt")
    assert titles[-1].startswith("The U.S. empire fears confrontation with Iran")


def test_folder_links_leading_outside_are_skipped_and_reported(project, tmp_path):
    import os

    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "passwd.txt").write_text("secret")
    corpus = tmp_path / "corpus"
    (corpus / "sub").mkdir(parents=True)
    (corpus / "a.txt").write_text("inside text")
    os.symlink(outside / "passwd.txt", corpus / "pw.txt")
    os.symlink(outside, corpus / "linked")  # a folder link: never walked (could loop)
    os.symlink(corpus, corpus / "sub" / "loop")
    os.symlink("nowhere.txt", corpus / "broken.txt")
    os.symlink("self.txt", corpus / "self.txt")  # a link loop
    os.symlink(corpus / "a.txt", corpus / "sub" / "inside.txt")  # inside: kept
    report = import_paths(project, [corpus])
    assert [f.path.name for f in report.files] == ["a.txt", "inside.txt"]
    assert all("secret" != project.document(d.id).text for d in project.documents())
    notes = "\n".join(report.notes)
    assert f"skipped {corpus / 'pw.txt'}: a link to {outside / 'passwd.txt'}, outside {corpus}" in notes
    assert f"skipped {corpus / 'linked'}: a link to a folder ({outside})" in notes
    assert f"skipped {corpus / 'sub' / 'loop'}: a link to a folder" in notes
    assert f"skipped {corpus / 'broken.txt'}: a broken link (nowhere.txt, which does not exist)" in notes
    assert f"skipped {corpus / 'self.txt'}: a broken link (a loop of links)" in notes
    assert len(report.notes) == 5


def test_a_link_named_directly_is_followed_and_reported(project, tmp_path):
    import os

    (tmp_path / "real.txt").write_text("linked text")
    os.symlink(tmp_path / "real.txt", tmp_path / "link.txt")
    report = import_paths(project, [tmp_path / "link.txt"])
    assert len(report.added) == 1 and report.ok
    assert report.notes == [f"followed link {tmp_path / 'link.txt'} -> {tmp_path / 'real.txt'}"]


def test_a_fifo_is_refused_at_once(project, tmp_path):
    import os

    os.mkfifo(tmp_path / "pipe.txt")
    (tmp_path / "folder").mkdir()
    os.mkfifo(tmp_path / "folder" / "pipe.txt")
    report = import_paths(project, [tmp_path / "pipe.txt", tmp_path / "folder"])
    assert [f.error for f in report.failures] == ["not a regular file", report.failures[1].error]
    assert report.failures[1].error.startswith("no importable files")


# -- the import dialog's preview (issue 13, point 17) ---------------------------------------------

def _preview_corpus(tmp_path):
    folder = tmp_path / "corpus"
    (folder / "sub").mkdir(parents=True)
    (folder / "posts.txt").write_text("One\nbody\n\n\nTwo\nbody\n\nstill two\n\n\nThree\n", encoding="utf-8")
    (folder / "sub" / "chapters.md").write_text("Chapter 1\na\nChapter 2\nb\n", encoding="utf-8")
    (folder / "sub" / "rows.csv").write_text("title,text\nr1,one\nr2,two\nr3,three\n", encoding="utf-8")
    (folder / "sub" / "empty.txt").write_bytes(b"")
    (tmp_path / "single.txt").write_text("Alone.\n\n\nStill alone? No: a second part.\n", encoding="utf-8")
    return [folder, tmp_path / "single.txt"]


@pytest.mark.parametrize("options", [
    ImportOptions(), ImportOptions(split_blank_lines=2), ImportOptions(split_blank_lines=1),
    ImportOptions(split_regex=r"^Chapter \d"), ImportOptions(split_regex=r"^T"),
])
def test_the_preview_counts_what_the_import_makes_file_by_file(tmp_path, options):
    from annotator.core.documents.importing import preview_import
    from annotator.core.schema.templates import create_project

    paths = _preview_corpus(tmp_path)
    previews = preview_import(paths, options)
    with create_project(tmp_path / f"p{uuid.uuid4().hex}.annotator") as project:
        report = import_paths(project, paths, options)
    assert [p.path for p in previews] == [f.path for f in report.files]
    made = {f.path: (len(f.added) + len(f.duplicates) if not f.error else None, f.error) for f in report.files}
    assert {p.path: (p.documents, p.note) for p in previews} == made
    assert [p.source for p in previews] == ["posts.txt", "sub/chapters.md", "sub/empty.txt", "sub/rows.csv",
                                            "single.txt"]  # a folder's files by their path inside it
    assert [p.chosen for p in previews] == [paths[0]] * 4 + [paths[1]]


def test_the_preview_of_splitting_on_two_blank_lines(tmp_path):
    from annotator.core.documents.importing import preview_import

    paths = _preview_corpus(tmp_path)
    counts = [p.documents for p in preview_import(paths, ImportOptions(split_blank_lines=2))]
    assert counts == [3, 1, None, 3, 2]
    assert [p.documents for p in preview_import(paths)] == [1, 1, None, 3, 1]


def test_the_preview_caps_its_work(tmp_path):
    from annotator.core.documents.importing import preview_import

    paths = _preview_corpus(tmp_path)
    big = tmp_path / "big.txt"
    big.write_text("x" * 2**20 + "\n", encoding="utf-8")
    previews = preview_import([big, *paths], max_bytes=2**20, max_files=3)
    assert [(p.documents, p.note) for p in previews] == [
        (None, "not counted (larger than 1 MiB)"),
        (1, None), (1, None), (None, "file is empty"),
        *[(None, "not counted (the preview reads 3 files at most)")] * 2,
    ]
    calls = []
    cancelled = preview_import(paths, is_cancelled=lambda: calls.append(1) or len(calls) > 2)
    assert len(cancelled) == 2
