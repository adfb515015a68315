"""``annotator delete-documents``: delete documents (with their annotations) from a project."""

from __future__ import annotations

import argparse

from annotator.cli import UsageError


def add_delete_documents_parser(sub) -> None:
    """Register ``delete-documents`` on the CLI's subparsers."""
    p = sub.add_parser("delete-documents", help="delete documents and their annotations (after a backup)")
    p.add_argument("project", metavar="PROJECT")
    p.add_argument("documents", nargs="+", metavar="DOC", help="a document id or title")


def cmd_delete_documents(args: argparse.Namespace) -> int:
    from annotator.core.project.project import Project

    with Project.open(args.project) as project:
        docs = project.documents()
        chosen: dict[str, None] = {}
        for word in args.documents:
            hits = [d.id for d in docs if word in (d.id, d.title)]
            if not hits:
                raise UsageError(f"no document {word!r} in the project")
            chosen.update(dict.fromkeys(hits))
        backup = project.backup("before-delete-documents")
        deleted = project.delete_documents(chosen)
    counts: dict[str, int] = {}
    for ann in deleted.annotations:
        counts[ann["document_id"]] = counts.get(ann["document_id"], 0) + 1
    for doc in deleted.documents:
        n = counts.get(doc["id"], 0)
        print(f"deleted {doc['title']!r} ({doc['id']}) with {n} annotation{'' if n == 1 else 's'}")
    print(f"backup before delete: {backup}")
    return 0
