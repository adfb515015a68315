"""The command line: headless commands over the core, for scripts and teams.

``annotator`` alone opens the GUI. Errors are one line on stderr naming the file and the reason,
with a non-zero exit: 1 for a failed operation, 2 for a wrong argument, 70 for an internal error
(its traceback goes to the log file, never to the terminal).
"""

from __future__ import annotations

import argparse
import codecs
import json
import logging
import re
import sys
from collections.abc import Sequence
from pathlib import Path

from annotator import __version__, paths
from annotator.applog import setup_logging
from annotator.core.errors import AnnotatorError, brief, is_database_error, one_line, user_message
from annotator.terminal import SafeText

log = logging.getLogger(__name__)

EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_INTERNAL = 70


class UsageError(Exception):
    """A wrong argument; printed as one line, exit 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one plain line instead of usage + error
        raise UsageError(f"{message} (see '{self.prog} --help')")


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {brief(text)}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected 1 or more, got {value}")
    return value


def _regex(text: str) -> str:
    try:
        re.compile(text)
    except re.error as exc:
        raise argparse.ArgumentTypeError(f"invalid regular expression {brief(text)}: {exc}") from None
    return text


def _encoding(text: str) -> str:
    try:
        codecs.lookup(text)
    except LookupError:
        raise argparse.ArgumentTypeError(f"unknown encoding {brief(text)}") from None
    return text


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="annotator",
        description="Annotate text corpora. Without a command, opens the app on the default project.",
        epilog="Projects, settings, logs and backups live in the user's data folders ('annotator paths' "
        "shows them); the environment variable ANNOTATOR_HOME redirects all of them.",
    )
    parser.add_argument("--version", action="version", version=f"annotator {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    p = sub.add_parser("open", help="open the app on a project (default: the default project)")
    p.add_argument("project", nargs="?", metavar="PROJECT")

    p = sub.add_parser("init", help="create a new project file with the default Claims schema")
    p.add_argument("project", metavar="PROJECT", help="path of the new project (e.g. study.annotator)")
    p.add_argument("--name", help="project name (default: the file name)")
    start = p.add_mutually_exclusive_group()
    start.add_argument("--empty", action="store_true", help="start without categories")
    start.add_argument("--template", metavar="NAME",
                       help="start from this schema template (default: Claims; 'annotator schema templates' lists them)")

    p = sub.add_parser("import", help="import files and folders as documents")
    p.add_argument("project", metavar="PROJECT")
    p.add_argument("paths", nargs="+", metavar="PATH", help=".txt .md .html .docx .pdf .csv .tsv .jsonl files or folders")
    p.add_argument("--encoding", type=_encoding, help="text encoding of .txt/.md/.html/.csv/.jsonl files (default: detected)")
    split = p.add_mutually_exclusive_group()
    split.add_argument("--split-on-blank-lines", type=_positive_int, metavar="N",
                       help="start a new document after N or more consecutive blank lines")
    split.add_argument("--split-regex", type=_regex, metavar="RE", help="start a new document at each line matching RE")
    p.add_argument("--text-field", metavar="NAME", help="CSV/JSONL column holding the text (default: text)")
    p.add_argument("--title-field", metavar="NAME", help="CSV/JSONL column holding the title (default: title, if present)")

    p = sub.add_parser("documents", help="list a project's documents")
    p.add_argument("project", metavar="PROJECT")
    p.add_argument("--format", choices=("table", "json"), default="table")

    p = sub.add_parser("export", help="export annotations (with documents, schema and coders) to a file")
    p.add_argument("project", metavar="PROJECT")
    p.add_argument("-o", "--output", required=True, metavar="FILE",
                   help="the file to write ('-': standard output); .json, .csv, .jsonl (doccano) or .jsonld (W3C) "
                        "choose the format")
    p.add_argument("--format", choices=("annotator", "csv", "doccano", "w3c"),
                   help="annotator: Annotator's exchange JSON (default for .json); csv; doccano: JSONL; "
                        "w3c: Web Annotation JSON-LD")
    p.add_argument("--no-text", action="store_true", help="leave the documents' text out (annotator format)")
    p.add_argument("--raw-csv", action="store_true",
                   help="csv: write cells as they are (by default text starting with = + - @ gets a leading ')")
    p.add_argument("--documents", metavar="LIST", help="only these documents (comma-separated ids or titles)")
    p.add_argument("--annotators", metavar="LIST", help="only these annotators (comma-separated ids or names)")
    p.add_argument("--categories", metavar="LIST", help="only these categories (comma-separated ids or names)")

    p = sub.add_parser("import-annotations", help="import export files of other coders into a project")
    p.add_argument("project", metavar="PROJECT")
    p.add_argument("files", nargs="+", metavar="FILE")

    p = sub.add_parser("merge", help="merge export files of several coders into one, without a project")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("-o", "--output", required=True, metavar="FILE", help="the file to write ('-': standard output)")

    p = sub.add_parser("schema", help="show, export or import a project's tag schema (categories)")
    schema_sub = p.add_subparsers(dest="schema_command", metavar="ACTION", parser_class=_Parser, required=True)
    q = schema_sub.add_parser("show", help="print the category tree with shortcuts and attributes")
    q.add_argument("project", metavar="PROJECT")
    q = schema_sub.add_parser("export", help="write the schema as Annotator JSON (.json) or a REFI-QDA codebook (.qdc)")
    q.add_argument("project", metavar="PROJECT")
    q.add_argument("-o", "--output", required=True, metavar="FILE", help="the file to write; .json or .qdc ('-': standard output, JSON)")
    q = schema_sub.add_parser("import", help="merge a schema file (.json or .qdc) into a project")
    q.add_argument("project", metavar="PROJECT")
    q.add_argument("file", metavar="FILE")
    schema_sub.add_parser("templates", help="list the schema templates new projects can start from")

    from annotator.cli_agreement import add_agreement_parser

    add_agreement_parser(sub)
    from annotator.cli_backups import add_backup_parsers

    add_backup_parsers(sub)
    from annotator.cli_files import add_files_parser

    add_files_parser(sub)
    from annotator.cli_documents import add_delete_documents_parser

    add_delete_documents_parser(sub)
    sub.add_parser("paths", help="show the folders Annotator writes to")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the exit status."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    try:
        log_file = setup_logging()
    except OSError as exc:
        print(f"annotator: error: cannot write to the logs folder: {exc}", file=sys.stderr)
        return EXIT_FAILED
    args = None
    streams = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = SafeText(sys.stdout), SafeText(sys.stderr)  # no escape sequences from names
    try:
        args = build_parser().parse_args(args_list)
        return _dispatch(args)
    except UsageError as exc:
        print(f"annotator: error: {one_line(str(exc))}", file=sys.stderr)
        return EXIT_USAGE
    except AnnotatorError as exc:
        print(f"annotator: error: {user_message(exc)}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print("annotator: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_FAILED
    except Exception as exc:
        damaged = _damage_of(args)
        if damaged is not None:  # a damaged page read back as odd data: the file, not a bug, is the cause
            log.exception("error on a damaged project running %s", args_list)
            print(f"annotator: error: {one_line(damaged)}", file=sys.stderr)
            return EXIT_FAILED
        if not is_database_error(exc):
            log.exception("internal error running %s", args_list)
            print(f"annotator: internal error: {user_message(exc)} (details in {log_file})", file=sys.stderr)
            return EXIT_INTERNAL
        log.exception("database error running %s", args_list)  # the SQL and parameters go to the log only
        project = getattr(args, "project", None)
        where = f"{Path(project).name}: " if project else ""
        print(f"annotator: error: {where}{user_message(exc)} (details in {log_file})", file=sys.stderr)
        return EXIT_FAILED
    finally:
        sys.stdout, sys.stderr = streams


def _damage_of(args: argparse.Namespace | None) -> str | None:
    """The damaged-project message for the command's project, if that file fails its check."""
    project = getattr(args, "project", None)
    if not isinstance(project, str) or not Path(project).is_file():
        return None
    from annotator.core.storage import db

    try:
        problem = db.damage(Path(project))
    except Exception:  # the check itself must not hide the first error
        log.exception("checking %s for damage", project)
        return None
    return db.damaged_message(Path(project), problem) if problem else None


def _dispatch(args: argparse.Namespace) -> int:
    if args.command in (None, "open"):
        from annotator.gui.app import run  # only the GUI imports Qt

        return run(Path(args.project) if getattr(args, "project", None) else None)
    if args.command == "agreement":
        from annotator.cli_agreement import cmd_agreement

        return cmd_agreement(args)
    if args.command in ("backups", "restore"):
        from annotator import cli_backups

        return {"backups": cli_backups.cmd_backups, "restore": cli_backups.cmd_restore}[args.command](args)
    if args.command == "copy":
        from annotator.cli_files import cmd_copy

        return cmd_copy(args)
    if args.command == "delete-documents":
        from annotator.cli_documents import cmd_delete_documents

        return cmd_delete_documents(args)
    commands = {"init": cmd_init, "import": cmd_import, "documents": cmd_documents, "paths": cmd_paths,
                "export": cmd_export, "import-annotations": cmd_import_annotations, "merge": cmd_merge,
                "schema": cmd_schema}
    return commands[args.command](args)


def cmd_init(args: argparse.Namespace) -> int:
    from annotator.core.project.project import Project

    with Project.create(args.project, name=args.name,
                        schema=None if args.empty else (args.template or "claims")) as project:
        counts = project.counts()
    print(f"created {args.project} with {counts.categories} categories")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from annotator.core.documents.importing import import_paths
    from annotator.core.project.project import Project
    from annotator.core.documents.readers import ImportOptions

    options = ImportOptions(
        encoding=args.encoding, split_blank_lines=args.split_on_blank_lines, split_regex=args.split_regex,
        text_field=args.text_field, title_field=args.title_field,
    )
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
            print(f"skipped  {name}: already in the project as {doc.title!r}")
    files_ok = sum(1 for f in report.files if not f.error)
    print(
        f"summary: {len(report.added)} document(s) imported from {files_ok} file(s), "
        f"{len(report.duplicates)} duplicate(s) skipped, {len(report.failures)} file(s) failed"
        + (f"; backup before import: {report.backup}" if report.backup else "")
    )
    return 0 if report.ok else EXIT_FAILED


def _warn(message: str) -> None:
    print(f"warning: {message}", file=sys.stderr)


def cmd_documents(args: argparse.Namespace) -> int:
    from annotator.core.project.project import Project
    from annotator.core.text import mend_value

    with Project.open(args.project, mode="read") as project:
        docs = project.documents()
    if args.format == "json":
        rows = [
            {"id": d.id, "title": d.title, "length": d.length, "sha256": d.sha256, "annotation_count": d.annotation_count,
             "source": d.source, "metadata": mend_value(d.metadata, f"document {d.title!r} metadata", _warn),
             "created": d.created}
            for d in docs
        ]
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    if not docs:
        print("no documents (add some with: annotator import PROJECT PATH...)")
        return 0
    print(_table(
        ["id", "title", "length", "annotations", "source"],
        [[d.id[:8], _clip(d.title, 60), str(d.length), str(d.annotation_count), _clip(d.source, 30)] for d in docs],
        right={2, 3},
    ))
    return 0


def _pick(kind: str, wanted: str | None, items: list[tuple[str, str]]) -> frozenset[str] | None:
    """Ids of the items named in a comma-separated list of ids or names; UsageError for unknown ones."""
    if wanted is None:
        return None
    chosen: set[str] = set()
    for word in (w.strip() for w in wanted.split(",")):
        if not word:
            continue
        hits = {item_id for item_id, name in items if word in (item_id, name)}
        if not hits:
            raise UsageError(f"no {kind} {word!r} in the project")
        chosen |= hits
    return frozenset(chosen)


def cmd_export(args: argparse.Namespace) -> int:
    from annotator.core.exchange import other_formats as formats
    from annotator.core.exchange.export_file import Scope, build_export, write_export
    from annotator.core.files import write_text
    from annotator.core.project.project import Project

    fmt = args.format or formats.format_for_extension(args.output) or "annotator"
    if args.no_text and fmt != "annotator":
        raise UsageError("--no-text applies to the annotator format only")
    if args.raw_csv and fmt != "csv":
        raise UsageError("--raw-csv applies to the csv format only")
    with Project.open(args.project, mode="read") as project:
        scope = Scope(
            documents=_pick("document", args.documents, [(d.id, d.title) for d in project.documents()]),
            annotators=_pick("annotator", args.annotators, [(a.id, a.name) for a in project.annotators()]),
            categories=_pick("category", args.categories, [(c.id, c.name) for c in project.categories()]),
        )
        if fmt == "annotator":  # streamed from the database to the file
            counts = write_export(project, args.output, scope, include_text=not args.no_text, warn=_warn)
        else:
            data = build_export(project, scope, warn=_warn)
            write_text(args.output, formats.render(fmt, data, raw_csv=args.raw_csv))
            counts = {key: len(data[key]) for key in ("annotations", "documents", "annotators")}
    print(f"exported {counts['annotations']} annotation(s) on {counts['documents']} document(s) "
          f"by {counts['annotators']} annotator(s) to {args.output} ({fmt})", file=_summary_stream(args))
    return 0


def _summary_stream(args: argparse.Namespace):
    """Where a command's summary goes: stderr when its output file is standard output ('-')."""
    from annotator.core.files import is_stdout

    return sys.stderr if is_stdout(args.output) else sys.stdout


def _print_list(title: str, lines: list[str], limit: int = 20, stream=None) -> None:
    if not lines:
        return
    stream = stream or sys.stdout  # looked up now: tests (capsys) replace sys.stdout after import
    print(f"{title}:", file=stream)
    for line in lines[:limit]:
        print(f"  {line}", file=stream)
    if len(lines) > limit:
        print(f"  … and {len(lines) - limit} more", file=stream)


def cmd_import_annotations(args: argparse.Namespace) -> int:
    from annotator.core.exchange.apply import import_annotations
    from annotator.core.project.project import Project

    with Project.open(args.project) as project:
        summary = import_annotations(project, args.files)
    for line in summary.lines():
        print(line)
    _print_list("re-anchored", summary.reanchored)
    _print_list("conflicts", summary.conflicts)
    _print_list("notes", summary.notes)
    _print_list("rejected", summary.rejected, stream=sys.stderr)
    print(f"backup before import: {summary.backup or 'none (nothing changed)'}")
    return EXIT_FAILED if summary.rejected else 0


def cmd_merge(args: argparse.Namespace) -> int:
    from annotator.core.exchange.export_file import save
    from annotator.core.exchange.merge import merge_files

    merged, report = merge_files(args.files)
    save(merged, args.output)
    print(f"merged {report.files} file(s) into {args.output}: {len(merged['annotations'])} annotation(s) by "
          f"{len(merged['annotators'])} annotator(s) on {len(merged['documents'])} document(s)",
          file=_summary_stream(args))
    _print_list("differences resolved", report.conflicts, stream=_summary_stream(args))
    return 0


def cmd_schema(args: argparse.Namespace) -> int:
    from annotator.core.schema import files as schema_exchange, templates
    from annotator.core.schema.apply import import_schema
    from annotator.core.project.project import Project

    if args.schema_command == "templates":
        for template in templates.list_templates():
            print(f"{template.name}  ({template.source})")
        return 0
    if args.schema_command == "export":
        fmt = "json" if args.output == "-" else schema_exchange.schema_format(args.output)
        if fmt is None:
            raise UsageError(f"cannot tell the schema format of {args.output!r}: use a .json or .qdc file name")
        with Project.open(args.project, mode="read") as project:
            count = schema_exchange.write_schema(project, args.output, fmt)
        lost = " (shortcuts and attributes are not part of .qdc)" if fmt == "qdc" else ""
        print(f"exported {count} categor{'y' if count == 1 else 'ies'} to {args.output} ({fmt}){lost}",
              file=_summary_stream(args))
        return 0
    if args.schema_command == "import":
        with Project.open(args.project) as project:
            summary = import_schema(project, args.file)
        for line in summary.lines():
            print(line)
        _print_list("added", summary.added)
        _print_list("updated", summary.updated)
        _print_list("notes", summary.notes)
        print(f"backup before import: {summary.backup or 'none (nothing changed)'}")
        return 0
    with Project.open(args.project, mode="read") as project:
        cats = project.categories()
    if not cats:
        print("no categories (add some in the app, or with: annotator schema import PROJECT FILE)")
        return 0
    depth: dict[str | None, int] = {None: -1}
    for cat in cats:
        depth[cat.id] = depth[cat.parent_id] + 1
        line = "  " * depth[cat.id] + cat.name
        if cat.shortcut:
            line += f"  [{cat.shortcut}]"
        if cat.attributes:
            line += "  attributes: " + ", ".join(f"{a.get('name')} ({a.get('type', '?')})" for a in cat.attributes)
        print(line)
    return 0


def cmd_paths(args: argparse.Namespace) -> int:
    for name, folder in paths.all_dirs().items():
        print(f"{name:8} {folder}")
    print(f"{'project':8} {paths.default_project_path()}  (default)")
    return 0


def _clip(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _table(header: list[str], rows: list[list[str]], right: set[int] = frozenset()) -> str:
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]

    def line(cells: list[str]) -> str:
        return "  ".join(c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in enumerate(zip(cells, widths))).rstrip()

    return "\n".join([line(header), line(["-" * w for w in widths]), *map(line, rows)])
