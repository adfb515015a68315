"""``annotator export``, ``import-annotations`` and ``merge``: annotations in exchange files."""

from __future__ import annotations

import argparse

from annotator.cli.output import (
    EXIT_FAILED,
    UsageError,
    print_import_report,
    print_list,
    summary_stream,
    warn,
)


def _export_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("project", metavar="PROJECT")
    p.add_argument("-o", "--output", required=True, metavar="FILE",
                   help="the file to write ('-': standard output); .json, .csv, .jsonl (doccano), .jsonld (W3C) "
                        "or .qdpx (REFI-QDA) choose the format")
    p.add_argument("--format", choices=("annotator", "csv", "doccano", "w3c", "qdpx"),
                   help="annotator: Annotator's exchange JSON (default for .json); csv; doccano: JSONL; "
                        "w3c: Web Annotation JSON-LD; qdpx: a REFI-QDA project for MAXQDA, ATLAS.ti, NVivo, QualCoder")
    p.add_argument("--qdpx-positions", choices=("standard", "nvivo", "maxqda"),
                   help="qdpx: count selection positions as the receiving tool does: standard (REFI-QDA: "
                        "characters; the default), nvivo (UTF-16 units, source texts with CR LF), maxqda (one "
                        "extra per line end)")
    p.add_argument("--qdpx-line-ends", choices=("lf", "crlf"),
                   help="qdpx: the line ends of the source texts written (default: crlf for nvivo, else lf); "
                        "positions are counted over the texts as written")
    p.add_argument("--no-text", action="store_true", help="leave the documents' text out (annotator format)")
    p.add_argument("--handout", action="store_true",
                   help="a handout for coders: documents, schema and settings, without anyone's annotations "
                        "(coders start from it with 'annotator init PROJECT --from FILE')")
    p.add_argument("--gold", action="store_true",
                   help="the gold standard alone: its annotations, and in the annotator format the decisions that "
                        "made them, without the coders' annotations (every format)")
    p.add_argument("--raw-csv", action="store_true",
                   help="csv: for programs, not spreadsheets: no UTF-8 byte-order mark, and cells as they are "
                        "(by default the file starts with a BOM and text starting with = + - @ gets a leading ')")
    p.add_argument("--documents", metavar="LIST", help="only these documents (comma-separated ids or titles)")
    p.add_argument("--annotators", metavar="LIST", help="only these annotators (comma-separated ids or names)")
    p.add_argument("--categories", metavar="LIST", help="only these categories (comma-separated ids or names)")
    p.set_defaults(func=cmd_export)


def _import_annotations_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("project", metavar="PROJECT")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.set_defaults(func=cmd_import_annotations)


def _merge_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("-o", "--output", required=True, metavar="FILE", help="the file to write ('-': standard output)")
    p.set_defaults(func=cmd_merge)


ARGUMENTS = {"export": _export_arguments, "import-annotations": _import_annotations_arguments,
             "merge": _merge_arguments}


def _pick(kind: str, wanted: str | None, names: dict[str, str]) -> frozenset[str] | None:
    """Ids of the items a comma-separated list of ids or names gives (None: no list, everything)."""
    from annotator.core.text import pick

    words = None if wanted is None else [w.strip() for w in wanted.split(",") if w.strip()]
    chosen = pick(kind, words, names)
    return None if chosen is None else frozenset(chosen)


def cmd_export(args: argparse.Namespace) -> int:
    from annotator.core.exchange import other_formats as formats
    from annotator.core.exchange.export_file import GOLD_ONLY, Scope, write_export
    from annotator.core.project.project import Project

    fmt = args.format or formats.format_for_extension(args.output) or "annotator"
    if args.no_text and fmt != "annotator":
        raise UsageError("--no-text applies to the annotator format only")
    if args.raw_csv and fmt != "csv":
        raise UsageError("--raw-csv applies to the csv format only")
    if (args.qdpx_positions or args.qdpx_line_ends) and fmt != "qdpx":
        raise UsageError("--qdpx-positions and --qdpx-line-ends apply to the qdpx format only")
    if args.gold and (args.handout or args.annotators):
        raise UsageError("--gold exports the gold standard alone: not with --handout or --annotators")
    if args.handout:
        return _handout(args, fmt)
    with Project.open(args.project, mode="read") as project:
        scope = Scope(
            documents=_pick("document", args.documents, {d.id: d.title for d in project.documents()}),
            annotators=GOLD_ONLY if args.gold else _pick("annotator", args.annotators,
                                                         {a.id: a.name for a in project.annotators()}),
            categories=_pick("category", args.categories, {c.id: c.name for c in project.categories()}),
        )
        if fmt == "qdpx":
            return _qdpx(args, project, scope)
        if fmt == "annotator":  # streamed from the database to the file
            counts = write_export(project, args.output, scope, include_text=not args.no_text, warn=warn)
        else:  # the CSV streamed too
            counts = formats.write_other(project, args.output, fmt, scope, args.raw_csv, warn=warn)
    _exported(args, counts, fmt)
    return 0


def _exported(args: argparse.Namespace, counts: dict[str, int], what: str) -> None:
    decisions = f" and {counts['decisions']} decision(s)" if counts.get("decisions") else ""
    print(f"exported {counts['annotations']} {'gold ' if args.gold else ''}annotation(s){decisions} on "
          f"{counts['documents']} document(s) by {counts['annotators']} annotator(s) to {args.output} ({what})",
          file=summary_stream(args))


def _qdpx(args: argparse.Namespace, project, scope) -> int:
    """A REFI-QDA project; the summary says what the format could not hold, with counts."""
    from annotator.core.exchange.qdpx.write import write_qdpx

    written = write_qdpx(project, args.output, scope, args.qdpx_positions or "standard", args.qdpx_line_ends,
                         warn=warn)
    _exported(args, written.counts(), f"qdpx; {written.describe()}")
    if written.lost_line():
        print(written.lost_line(), file=summary_stream(args))
    return 0


def _handout(args: argparse.Namespace, fmt: str) -> int:
    from annotator.core.exchange.handout import write_handout
    from annotator.core.project.project import Project

    if fmt != "annotator" or args.no_text or args.annotators or args.categories:
        raise UsageError("--handout writes Annotator's exchange JSON with the documents' texts and the whole "
                         "schema: only --documents may narrow it")
    with Project.open(args.project, mode="read") as project:
        documents = _pick("document", args.documents, {d.id: d.title for d in project.documents()})
        counts = write_handout(project, args.output, documents, warn=warn)
    print(f"wrote a handout of {counts['documents']} document(s) and {counts['categories']} category(ies), "
          f"without annotations, to {args.output}", file=summary_stream(args))
    return 0


def cmd_import_annotations(args: argparse.Namespace) -> int:
    from annotator.core.exchange.apply import import_annotations
    from annotator.core.project.project import Project

    with Project.open(args.project) as project:
        summary = import_annotations(project, args.files)
    print_import_report(summary, ("re-anchored", summary.reanchored), ("conflicts", summary.conflicts),
                        ("decisions in conflict (decide these units again)", summary.decision_conflicts),
                        ("notes", summary.notes), rejected=summary.rejected)
    return EXIT_FAILED if summary.rejected else 0


def cmd_merge(args: argparse.Namespace) -> int:
    from annotator.core.exchange.merge import write_merge

    counts, report = write_merge(args.files, args.output)  # streamed: files of any size
    print(f"merged {report.files} file(s) into {args.output}: {counts['annotations']} annotation(s) by "
          f"{counts['annotators']} annotator(s) on {counts['documents']} document(s)"
          + (f", {counts['decisions']} decision(s)" if counts["decisions"] else ""),
          file=summary_stream(args))
    print_list("differences resolved", report.conflicts, stream=summary_stream(args))
    print_list("decisions in conflict (decide these units again)", report.decision_conflicts,
               stream=summary_stream(args))
    return 0
