"""``annotator status``: each coder's status per document (not started, in progress, done)."""

from __future__ import annotations

import argparse
import json

from annotator.cli.output import UsageError, clip, one_coder, table


def _status_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("project", metavar="PROJECT")
    p.add_argument("--annotator", metavar="NAME",
                   help="the coder whose statuses to show or set (an id or a name; "
                        "not needed when the project has one coder)")
    p.add_argument("--set", action="append", metavar="DOC=STATUS", dest="assignments",
                   help="set the coder's status of a document (an id or a title) to 'not started', "
                        "'in progress' or 'done'; may be repeated")
    p.add_argument("--matrix", action="store_true", help="every document's status for every coder")
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.set_defaults(func=cmd_status)


ARGUMENTS = {"status": _status_arguments}


def _assignment(text: str) -> tuple[str, str]:
    document, sep, status = text.rpartition("=")
    if not sep or not document.strip():
        raise UsageError(f"--set {text}: give DOC=STATUS, e.g. --set 'Letter 3=done'")
    return document.strip(), status.strip().replace("-", " ").replace("_", " ").lower()


def cmd_status(args: argparse.Namespace) -> int:
    from annotator.core.project.project import Project
    from annotator.core.project.statuses import check_status
    from annotator.core.text import pick

    if args.matrix and args.assignments:
        raise UsageError("--matrix shows statuses; give --set without it")
    assignments = [_assignment(text) for text in args.assignments or ()]
    for _, status in assignments:
        check_status(status)
    with Project.open(args.project, mode="write" if assignments else "read") as project:
        docs = project.documents()
        coders = project.annotators(gold=False)
        names = {c.id: c.name for c in coders}
        if args.matrix:
            return _matrix(project.status_matrix(), docs, coders, args.format)
        coder = _coder(args.annotator, names)
        titles = {d.id: d.title for d in docs}
        chosen = [(doc_id, status) for document, status in assignments  # every name checked before any is set
                  for doc_id in pick("document", [document], titles)]
        for doc_id, status in chosen:
            project.set_document_status(doc_id, coder, status)
            print(f"{names[coder]}: {clip(titles[doc_id], 60)} is {status}")
        if assignments:
            return 0
        statuses = {r.document_id: r.status for r in project.document_statuses(annotator_id=coder)}
    rows = [(d, statuses.get(d.id, "not started")) for d in docs]
    if args.format == "json":
        print(json.dumps({"annotator": {"id": coder, "name": names[coder]},
                          "documents": [{"id": d.id, "title": d.title, "status": s} for d, s in rows]},
                         ensure_ascii=False, indent=2))
        return 0
    print(f"{names[coder]}: " + ", ".join(f"{n} {s}" for s, n in _tally(s for _, s in rows)))
    print(table(["id", "title", "status"], [[d.id[:8], clip(d.title, 60), s] for d, s in rows]))
    return 0


def _coder(wanted: str | None, names: dict[str, str]) -> str:
    if wanted is None:
        if len(names) == 1:
            return next(iter(names))
        known = ", ".join(sorted(names.values())) or "none yet"
        raise UsageError(f"name the coder with --annotator (known: {known})")
    return one_coder(names, wanted, UsageError)


def _tally(statuses) -> list[tuple[str, int]]:
    from annotator.core.project.statuses import STATUSES

    seen = list(statuses)
    return [(s, seen.count(s)) for s in STATUSES]


def _matrix(matrix: dict[tuple[str, str], str], docs, coders, form: str) -> int:
    def status(doc_id: str, coder_id: str) -> str:
        return matrix.get((doc_id, coder_id), "not started")

    if form == "json":
        print(json.dumps({
            "annotators": [{"id": c.id, "name": c.name} for c in coders],
            "documents": [{"id": d.id, "title": d.title, "statuses": {c.id: status(d.id, c.id) for c in coders}}
                          for d in docs],
        }, ensure_ascii=False, indent=2))
        return 0
    if not coders:
        print("no coders yet: a coder's status starts with their first annotation")
        return 0
    print(table(["id", "title", *(clip(c.name, 20) for c in coders)],
                [[d.id[:8], clip(d.title, 40), *(status(d.id, c.id) for c in coders)] for d in docs]))
    return 0
