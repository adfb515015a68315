"""``annotator adjudicate``: automatic pre-merge, headless (docs/adjudication.md#pre-merge).

``annotator adjudicate PROJECT`` fills the project's gold layer where the coders agree (one
transaction, after a backup) and leaves the rest open for the adjudication view. ``annotator
adjudicate SOURCE... -o GOLD.json`` reads a project or export files, changes none of them, and
writes an export file holding the gold layer; the same sources in any order give the same bytes.
The work is core.agreement.premerge (the strategies) and core.agreement.premerge_file (the file).
"""

from __future__ import annotations

import argparse

from annotator.cli.output import UsageError, summary_stream


def _adjudicate_arguments(p: argparse.ArgumentParser) -> None:
    p.description = (
        "Automatic pre-merge: where the coders agree, take their span into the gold layer as an accepted "
        "decision; leave the rest open for a person (Tools → Adjudicate…). A decision a person made is never "
        "replaced. 'annotator docs adjudication' describes the strategies."
    )
    p.add_argument("sources", nargs="+", metavar="SOURCE",
                   help="a project file, or export files (merged as 'annotator merge' would)")
    p.add_argument("-o", "--output", metavar="GOLD.json",
                   help="write an export file holding the gold layer ('-': standard output) and change no "
                        "source; without it, a project alone is pre-merged in place (after a backup)")
    p.add_argument("--strategy", choices=("unanimous", "majority", "none"), default="unanimous",
                   help="unanimous (default): every considered coder marked the same span and category; "
                        "majority: a span and category at least --min-agree coders marked; none: decide nothing")
    p.add_argument("--min-agree", metavar="K",
                   help="majority only: a number of coders (2 or more) or a share of them (0.5 or 50%%, "
                        "rounded up); default: more than half")
    p.add_argument("--documents", metavar="LIST", help="only these documents (comma-separated titles or ids)")
    p.add_argument("--done-only", action="store_true",
                   help="only documents marked done, and per document only the coders who marked it done")
    p.add_argument("--by", metavar="NAME",
                   help="the coder (name or id) who runs the pre-merge, recorded with each decision "
                        "(default: the project's lead)")
    p.set_defaults(func=cmd_adjudicate)


ARGUMENTS = {"adjudicate": _adjudicate_arguments}


def cmd_adjudicate(args: argparse.Namespace) -> int:
    from annotator.core.agreement.premerge import strategy
    from annotator.core.agreement.sources import project_source
    from annotator.core.errors import ValidationError

    if args.min_agree is not None and args.strategy != "majority":
        raise UsageError(f"--min-agree applies to --strategy majority only, not {args.strategy}")
    try:
        how = strategy(args.strategy, args.min_agree)
    except ValidationError as exc:
        raise UsageError(str(exc)) from None
    documents = None if args.documents is None else [w.strip() for w in args.documents.split(",") if w.strip()]
    if args.documents is not None and not documents:
        raise UsageError("--documents: expected a comma-separated list of titles or ids")
    project = project_source(args.sources)
    if args.output is None:
        if project is None:
            raise UsageError("export files are never changed: give -o GOLD.json to write the gold layer, "
                             "or a project file alone to pre-merge in place")
        return _in_place(args, project, how, documents)
    return _to_file(args, how, documents)


def _in_place(args, path, how, documents) -> int:
    from annotator.core.agreement.premerge import premerge
    from annotator.core.agreement.premerge_file import document_ids
    from annotator.core.project.project import Project

    with Project.open(path) as project:
        by = _acting(args, {a.id: a.name for a in project.annotators()}, project.setting("lead"))
        report = premerge(project, how, by=by, documents=document_ids(project, documents),
                          done_only=args.done_only, backup="before-premerge")
    for line in report.lines():
        print(line)
    print(f"backup before pre-merge: {report.backup or 'none (nothing changed)'}")
    return 0


def _to_file(args, how, documents) -> int:
    from annotator.core.agreement.premerge_file import read_gold_sources, write_gold

    sources = read_gold_sources(args.sources)
    by = _acting(args, sources.coders, sources.lead)
    report, counts = write_gold(sources, args.output, how, by=by, documents=documents, done_only=args.done_only)
    stream = summary_stream(args)
    for line in report.lines():
        print(line, file=stream)
    print(f"wrote the gold layer ({counts['annotations']} gold annotation(s) on {counts['documents']} "
          f"document(s)) to {args.output}", file=stream)
    return 0


def _acting(args, names: dict[str, str], lead) -> str:
    """The id of the coder who runs the pre-merge: ``--by`` (a name or an id of the sources), else the lead."""
    from annotator.cli.output import one_coder
    from annotator.core.errors import ValidationError

    by = one_coder(names, args.by, ValidationError) if args.by is not None else lead if isinstance(lead, str) else None
    if by is None:
        raise UsageError("say who runs the pre-merge: --by NAME (a coder of the sources; the project has no lead)")
    return by
