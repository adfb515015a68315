"""``annotator copy PROJECT TARGET``: a consistent single-file copy of a project, safe while the app
(or another command) has it open and is writing. See core.files.copy_project."""

from __future__ import annotations

import argparse


def _copy_arguments(p: argparse.ArgumentParser) -> None:
    p.description = ("Copy PROJECT to TARGET through SQLite's backup API, check the copy "
                     "(quick_check) and only then give it its name. TARGET must not be a project.")
    p.add_argument("project", metavar="PROJECT")
    p.add_argument("target", metavar="TARGET", help="the new file (e.g. study-copy.annotator)")
    p.set_defaults(func=cmd_copy)


ARGUMENTS = {"copy": _copy_arguments}


def cmd_copy(args: argparse.Namespace) -> int:
    from annotator.core.files import copy_project

    size = copy_project(args.project, args.target)
    print(f"copied {args.project} to {args.target} ({size / 2**20:.1f} MiB, checked)")
    return 0
