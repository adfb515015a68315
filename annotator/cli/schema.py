"""``annotator schema show|export|import|templates``: a project's tag schema (categories)."""

from __future__ import annotations

import argparse

from annotator.cli.output import Parser, UsageError, print_import_report, summary_stream
from annotator.core.errors import quoted


def _schema_arguments(p: argparse.ArgumentParser) -> None:
    schema_sub = p.add_subparsers(dest="schema_command", metavar="ACTION", parser_class=Parser, required=True)
    q = schema_sub.add_parser("show", help="print the category tree with shortcuts and attributes")
    q.add_argument("project", metavar="PROJECT")
    q = schema_sub.add_parser("export", help="write the schema as Annotator JSON (.json) or a REFI-QDA codebook (.qdc)")
    q.add_argument("project", metavar="PROJECT")
    q.add_argument("-o", "--output", required=True, metavar="FILE",
                   help="the file to write; .json or .qdc ('-': standard output, JSON)")
    q = schema_sub.add_parser("import", help="merge a schema file (.json or .qdc, or the codebook of a REFI-QDA "
                                             "project: .qdpx or project.qde) into a project")
    q.add_argument("project", metavar="PROJECT")
    q.add_argument("file", metavar="FILE")
    schema_sub.add_parser("templates", help="list the schema templates new projects can start from")
    p.set_defaults(func=cmd_schema)


ARGUMENTS = {"schema": _schema_arguments}


def cmd_schema(args: argparse.Namespace) -> int:
    from annotator.core.project.project import Project
    from annotator.core.schema import files as schema_files
    from annotator.core.schema import templates
    from annotator.core.schema.apply import import_schema

    if args.schema_command == "templates":
        for template in templates.list_templates():
            print(f"{template.name}  ({template.source})")
        return 0
    if args.schema_command == "export":
        fmt = "json" if args.output == "-" else schema_files.schema_format(args.output)
        if fmt is None:
            raise UsageError(f"cannot tell the schema format of {quoted(args.output)}: use a .json or .qdc file name")
        with Project.open(args.project, mode="read") as project:
            count = schema_files.write_schema(project, args.output, fmt)
        lost = " (shortcuts and attributes are not part of .qdc)" if fmt == "qdc" else ""
        print(f"exported {count} categor{'y' if count == 1 else 'ies'} to {args.output} ({fmt}){lost}",
              file=summary_stream(args))
        return 0
    if args.schema_command == "import":
        with Project.open(args.project) as project:
            summary = import_schema(project, args.file)
        print_import_report(summary, ("added", summary.added), ("updated", summary.updated), ("notes", summary.notes))
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
