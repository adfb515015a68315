"""``annotator backups PROJECT`` and ``annotator restore PROJECT BACKUP``: list a project's
automatic backups and put one back."""

from __future__ import annotations

import argparse
from pathlib import Path

from annotator.cli.output import table
from annotator.core.errors import BackupError


def _backups_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("project", metavar="PROJECT")
    p.set_defaults(func=cmd_backups)


def _restore_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("project", metavar="PROJECT")
    p.add_argument("backup", metavar="BACKUP",
                   help="a number or file name from 'annotator backups PROJECT', or the path of a backup file")
    p.set_defaults(func=cmd_restore)


ARGUMENTS = {"backups": _backups_arguments, "restore": _restore_arguments}


def cmd_backups(args: argparse.Namespace) -> int:
    from annotator.core.storage import backups, db
    from annotator.core.storage.location import is_server_url

    if is_server_url(args.project):  # a server project's backups are files too, named by its id
        from annotator.core.project.project import Project

        with Project.open(args.project, mode="read") as project:
            path, found = project.where, backups.list_backups(None, id=project.info().id)
    else:
        path = Path(args.project).expanduser()
        db.check_project_file(path)
        found = backups.list_backups(path)
    if not found:
        print(f"no backups yet of {path} (one is taken before every import, upgrade and restore)")
        return 0
    print(table(["#", "time", "reason", "size", "file"],
                [[str(i), b.local_time(), b.reason, backups.human_size(b.size), b.path.name]
                 for i, b in enumerate(found, 1)],
                right={0, 3}))
    print(f"restore one with: annotator restore {path} NUMBER")
    return 0


def pick_backup(path: Path, wanted: str) -> Path:
    """The backup file ``wanted`` names: a number or a name from the listing, or a path."""
    from annotator.core.storage import backups

    listed = backups.list_backups(path)
    if wanted.isdigit():
        number = int(wanted)
        if not 1 <= number <= len(listed):
            raise BackupError(f"{path}: no backup number {number} ('annotator backups {path}' lists "
                              f"{len(listed)})")
        return listed[number - 1].path
    for backup in listed:
        if wanted == backup.path.name:
            return backup.path
    candidate = Path(wanted).expanduser()
    if candidate.is_file():
        return candidate
    raise BackupError(f"{wanted}: no such backup of {path} (see 'annotator backups {path}')")


def cmd_restore(args: argparse.Namespace) -> int:
    from annotator.core.storage import backups, db
    from annotator.core.storage.location import is_server_url, parse_location

    if is_server_url(args.project):
        shown = parse_location(args.project).display
        raise BackupError(f"{shown}: a server project is not restored in place; copy the backup into an empty "
                          f"database instead (annotator copy BACKUP URL), nothing was changed")

    path = Path(args.project).expanduser()
    db.check_project_file(path)
    chosen = pick_backup(path, args.backup)
    before = backups.restore_backup(path, chosen)
    print(f"restored {path} from {chosen.name}")
    print(f"the state before the restore is kept in {before}")
    return 0
