"""``annotator copy SOURCE TARGET``: a whole project to a new place (issue 19, point 3). Either may
be a project file or a PostgreSQL URL (``postgresql://user@host/db``): file to server, server to
file, server to server, file to file.

Between two files the copy is SQLite's page by page (storage.backups.copy_project: safe while the
app has the project open and writes, checked with quick_check, then named). Where a server is
involved, the rows are copied table by table from one snapshot of the source into a new file or an
empty database, in one transaction (storage.copying.copy_project)."""

from __future__ import annotations

import argparse


def _copy_arguments(p: argparse.ArgumentParser) -> None:
    p.description = ("Copy the project SOURCE to TARGET, a new file or an empty PostgreSQL database: "
                     "a file to a server (postgresql://user@host/db), a server to a file, or a file to a file. "
                     "The source is read in one consistent snapshot while others may go on writing; the target "
                     "is written in one transaction (a file under a temporary name, checked, then named) and "
                     "must not exist yet (a database: hold no table). Between two files the copy is SQLite's "
                     "page by page (the target may also be an existing file that is not a project).")
    p.add_argument("project", metavar="SOURCE", help="the project: a file or a postgresql:// URL")
    p.add_argument("target", metavar="TARGET",
                   help="the new file (e.g. study-copy.annotator) or an empty database's postgresql:// URL")
    p.set_defaults(func=cmd_copy)


ARGUMENTS = {"copy": _copy_arguments}


def cmd_copy(args: argparse.Namespace) -> int:
    from annotator.core.storage.location import is_server_url

    if not (is_server_url(args.project) or is_server_url(args.target)):
        from annotator.core.storage.backups import copy_project

        size = copy_project(args.project, args.target)
        print(f"copied {args.project} to {args.target} ({size / 2**20:.1f} MiB, checked)")
        return 0
    from annotator.core.storage import copying

    report = copying.copy_project(args.project, args.target)
    how = "in one transaction" if is_server_url(args.target) else "checked"
    print(f"copied {report.source} to {report.target} ({report.documents:,} documents, "
          f"{report.annotations:,} annotations, {report.rows.get('annotators', 0):,} coders, {how})")
    return 0
