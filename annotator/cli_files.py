"""``annotator copy PROJECT TARGET``: a consistent single-file copy of a project, safe while the app
(or another command) has it open and is writing. See storage.backups.copy_project."""

from __future__ import annotations

import argparse


def add_files_parser(sub) -> None:
    """Register ``copy`` on the CLI's subparsers."""
    p = sub.add_parser("copy", help="write a consistent single-file copy of a project (safe while it is open)",
                       description="Copy PROJECT to TARGET through SQLite's backup API, check the copy "
                       "(quick_check) and only then give it its name. TARGET must not be a project.")
    p.add_argument("project", metavar="PROJECT")
    p.add_argument("target", metavar="TARGET", help="the new file (e.g. study-copy.annotator)")


def cmd_copy(args: argparse.Namespace) -> int:
    from annotator.core.storage.backups import copy_project

    size = copy_project(args.project, args.target)
    print(f"copied {args.project} to {args.target} ({size / 2**20:.1f} MiB, checked)")
    return 0
