"""``annotator init``, ``import``, ``documents``, ``delete-documents`` and ``paths``: a project and
its documents."""

from __future__ import annotations

import argparse
import json
import sys

from annotator.cli.output import EXIT_FAILED, clip, encoding, positive_int, regex, table, warn
from annotator.core.errors import quoted


def _init_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("project", metavar="PROJECT",
                   help="path of the new project (e.g. study.annotator), or the URL of an empty PostgreSQL "
                        "database (postgresql://user@host/dbname)")
    p.add_argument("--name", help="project name (default: the file name, or the database's)")
    start = p.add_mutually_exclusive_group()
    start.add_argument("--empty", action="store_true", help="start without categories")
    start.add_argument("--template", metavar="NAME",
                       help="start from this schema template"
                            " (default: Claims; 'annotator schema templates' lists them)")
    start.add_argument("--from", dest="handout", metavar="FILE",
                       help="start from a lead's handout ('annotator export --handout'): its documents, schema "
                            "and settings")
    p.set_defaults(func=cmd_init)


def _import_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("project", metavar="PROJECT")
    p.add_argument("paths", nargs="+", metavar="PATH",
                   help=".txt .md .html .docx .pdf .csv .tsv .jsonl files or folders, or REFI-QDA projects (.qdpx: "
                        "documents, codebook, coders and codings)")
    p.add_argument("--encoding", type=encoding,
                   help="text encoding of .txt/.md/.html/.csv/.jsonl files (default: detected)")
    split = p.add_mutually_exclusive_group()
    split.add_argument("--split-on-blank-lines", type=positive_int, metavar="N",
                       help="start a new document after N or more consecutive blank lines")
    split.add_argument("--split-regex", type=regex, metavar="RE", help="start a new document at each line matching RE")
    p.add_argument("--text-field", metavar="NAME", help="CSV/JSONL column holding the text (default: text)")
    p.add_argument("--title-field", metavar="NAME",
                   help="CSV/JSONL column holding the title (default: title, if present)")
    p.set_defaults(func=cmd_import)


def _documents_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("project", metavar="PROJECT")
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.set_defaults(func=cmd_documents)


def _delete_documents_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("project", metavar="PROJECT")
    p.add_argument("documents", nargs="+", metavar="DOC", help="a document id or title")
    p.set_defaults(func=cmd_delete_documents)


def _paths_arguments(p: argparse.ArgumentParser) -> None:
    p.set_defaults(func=cmd_paths)


ARGUMENTS = {"init": _init_arguments, "import": _import_arguments, "documents": _documents_arguments,
             "delete-documents": _delete_documents_arguments, "paths": _paths_arguments}


def cmd_init(args: argparse.Namespace) -> int:
    from annotator.core.schema.templates import create_project

    if args.handout:
        return _init_from(args)
    with create_project(args.project, name=args.name,
                        template=None if args.empty else (args.template or "claims")) as project:
        counts = project.counts()
        shown = project.where if project.is_server else args.project
    print(f"created {shown} with {counts.categories} categories")
    return 0


def _init_from(args: argparse.Namespace) -> int:
    from annotator.core.exchange.handout import create_from_handout

    with create_from_handout(args.project, args.handout, name=args.name) as project:
        counts = project.counts()
        blind = project.setting("blind_coding", False)
        shown = project.where if project.is_server else args.project
    print(f"created {shown} from the handout {args.handout}: {counts.documents} document(s), "
          f"{counts.categories} categories{'; blind coding is on' if blind else ''}")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from annotator.core.documents.importing import import_paths
    from annotator.core.documents.readers import ImportOptions
    from annotator.core.project.project import Project

    options = ImportOptions(
        encoding=args.encoding, split_blank_lines=args.split_on_blank_lines, split_regex=args.split_regex,
        text_field=args.text_field, title_field=args.title_field,
    )
    packages = [path for path in args.paths if path.lower().endswith(".qdpx")]
    if packages:  # REFI-QDA projects: each one transaction (the other paths import after them)
        status = _import_qdpx(args.project, packages)
        args.paths = [path for path in args.paths if path not in packages]
        if not args.paths:
            return status
    with Project.open(args.project) as project:
        report = import_paths(project, args.paths, options)
    for note in report.notes:
        print(note)
    for result in report.files:
        name = str(result.path)
        if result.error:
            print(f"annotator: error: {name}: {result.error}", file=sys.stderr)
            continue
        encoding = f" ({result.encoding})" if result.encoding else ""
        if result.added:
            n = len(result.added)
            print(f"imported {name}{encoding}: {n} document{'s' if n != 1 else ''}")
        for doc in result.duplicates:
            print(f"skipped  {name}: already in the project as {quoted(doc.title)}")
    files_ok = sum(1 for f in report.files if not f.error)
    print(
        f"summary: {len(report.added)} document(s) imported from {files_ok} file(s), "
        f"{len(report.duplicates)} duplicate(s) skipped, {len(report.failures)} file(s) failed"
        + (f"; backup before import: {report.backup}" if report.backup else "")
    )
    return 0 if report.ok else EXIT_FAILED


def _import_qdpx(project_path: str, packages: list[str]) -> int:
    """``annotator import PROJECT study.qdpx``: each package's report; 1 when a coding was refused."""
    from annotator.cli.output import print_import_report
    from annotator.core.exchange.qdpx.apply import import_qdpx
    from annotator.core.project.project import Project

    refused = False
    with Project.open(project_path) as project:
        for package in packages:
            report = import_qdpx(project, package)
            print_import_report(report, ("notes", report.notes), rejected=report.refused,
                                rejected_title="codings refused")
            refused = refused or bool(report.refused)
    return EXIT_FAILED if refused else 0


def cmd_documents(args: argparse.Namespace) -> int:
    from annotator.core.project.project import Project
    from annotator.core.text import mend_value

    with Project.open(args.project, mode="read") as project:
        docs = project.documents()
    if args.format == "json":
        rows = [
            {"id": d.id, "title": d.title, "length": d.length, "sha256": d.sha256,
             "annotation_count": d.annotation_count, "source": d.source,
             "metadata": mend_value(d.metadata, f"document {quoted(d.title)} metadata", warn),
             "created": d.created}
            for d in docs
        ]
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    if not docs:
        print("no documents (add some with: annotator import PROJECT PATH...)")
        return 0
    print(table(
        ["id", "title", "length", "annotations", "source"],
        [[d.id[:8], clip(d.title, 60), str(d.length), str(d.annotation_count), clip(d.source, 30)] for d in docs],
        right={2, 3},
    ))
    return 0


def cmd_delete_documents(args: argparse.Namespace) -> int:
    from annotator.core.project.project import Project
    from annotator.core.text import pick

    with Project.open(args.project) as project:
        chosen = pick("document", args.documents, {d.id: d.title for d in project.documents()})
        backup = project.backup("before-delete-documents")
        deleted = project.delete_documents(chosen)
    counts: dict[str, int] = {}
    for ann in deleted.annotations:
        counts[ann["document_id"]] = counts.get(ann["document_id"], 0) + 1
    for doc in deleted.documents:
        n = counts.get(doc["id"], 0)
        print(f"deleted {quoted(doc['title'])} ({doc['id']}) with {n} annotation{'' if n == 1 else 's'}")
    print(f"backup before delete: {backup}")
    return 0


def cmd_paths(args: argparse.Namespace) -> int:
    from annotator import paths

    for name, folder in paths.all_dirs().items():
        print(f"{name:8} {folder}")
    print(f"{'project':8} {paths.default_project_path()}  (default)")
    return 0
