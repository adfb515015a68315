"""``annotator coders``: a project's coders (name, id, annotation count, last activity), and renaming one."""

from __future__ import annotations

import argparse
import json

from annotator.cli.output import clip, table


def _coders_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("project", metavar="PROJECT")
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.add_argument("--rename", nargs=2, metavar=("OLD", "NEW"),
                   help="rename coder OLD (a name or an id) to NEW; exports name coders by id, so later "
                        "exports carry the new name")
    p.add_argument("--by", metavar="NAME",
                   help="the coder making the change (a name or an id): once the project has a lead, only the "
                        "lead renames other coders")
    p.set_defaults(func=cmd_coders)


ARGUMENTS = {"coders": _coders_arguments}


def cmd_coders(args: argparse.Namespace) -> int:
    from annotator.core.project.project import Project

    if args.rename:
        return _rename(args)
    with Project.open(args.project, mode="read") as project:
        coders = project.coders()
    if args.format == "json":
        print(json.dumps([{"id": c.id, "name": c.name, "annotation_count": c.annotations,
                           "last_activity": c.last_activity, "created": c.created} for c in coders],
                         ensure_ascii=False, indent=2))
        return 0
    if not coders:
        print("no coders yet (a coder is added with their first annotation, or by an import)")
        return 0
    print(table(["name", "id", "annotations", "last activity (UTC)"],
                [[clip(c.name, 40), c.id, str(c.annotations), (c.last_activity or "—")[:19].replace("T", " ")]
                 for c in coders], right={2}))
    return 0


def _rename(args: argparse.Namespace) -> int:
    from annotator.cli.output import coder_id
    from annotator.core.errors import quoted
    from annotator.core.project.project import Project

    old, new = args.rename
    with Project.open(args.project) as project:
        by = coder_id(project, args.by) if args.by else None
        renamed = project.rename_annotator(coder_id(project, old), new, by=by)
    if not renamed.changes:
        print(f"coder {quoted(renamed.old_name)} ({renamed.id}) already has that name; nothing changed")
    else:
        print(f"renamed coder {quoted(renamed.old_name)} ({renamed.id}) to {quoted(renamed.new_name)}")
    return 0
