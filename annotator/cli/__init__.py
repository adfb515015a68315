"""The command line: headless commands over the core, for scripts and teams.

``annotator`` alone opens the GUI (annotator.__main__ hands :func:`main` the function that opens
it; this package never imports the GUI). Errors are one line on stderr naming the file and the
reason, with a non-zero exit: 1 for a failed operation, 2 for a wrong argument, 70 for an internal
error (its traceback goes to the log file, never to the terminal); see annotator.cli.output.

Each command lives in the module :data:`COMMANDS` names (pip's ``commands/__init__.py`` layout);
only the module of the command being run is imported. A command module has a dictionary
``ARGUMENTS`` mapping each of its command names to a function that adds the command's arguments
to its parser and sets ``func``, the function that runs it (``args`` in, exit status out).
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable, Collection, Sequence
from pathlib import Path
from typing import NamedTuple

from annotator import __version__
from annotator.applog import setup_logging
from annotator.cli.output import EXIT_FAILED, EXIT_INTERRUPTED, Parser, UsageError, report_error
from annotator.cli.terminal import EarlyClose, SafeText
from annotator.paths import FolderNotWritableError


class Command(NamedTuple):
    module: str  # the module whose ARGUMENTS configure the command
    summary: str  # its line in 'annotator --help'


COMMANDS: dict[str, Command] = {
    "open": Command("annotator.cli", "open the app on a project (default: the default project)"),
    "init": Command("annotator.cli.project", "create a new project file with the default Claims schema"),
    "import": Command("annotator.cli.project", "import files and folders as documents"),
    "documents": Command("annotator.cli.project", "list a project's documents"),
    "export": Command("annotator.cli.exchange",
                      "export annotations (with documents, schema and coders) to a file"),
    "import-annotations": Command("annotator.cli.exchange", "import export files of other coders into a project"),
    "merge": Command("annotator.cli.exchange", "merge export files of several coders into one, without a project"),
    "schema": Command("annotator.cli.schema", "show, export or import a project's tag schema (categories)"),
    "agreement": Command("annotator.cli.agreement",
                         "inter-annotator agreement: item-level on reliability data (CSV), span-level on projects"),
    "adjudicate": Command("annotator.cli.adjudicate", "pre-merge: take into the gold layer the spans the coders "
                                                      "agree on, in a project or to a gold export file"),
    "coders": Command("annotator.cli.coders", "list a project's coders with counts and last activity, or rename one"),
    "backups": Command("annotator.cli.backups", "list a project's automatic backups, newest first"),
    "restore": Command("annotator.cli.backups", "replace a project's content with one of its backups "
                                                "(the current state is backed up first)"),
    "copy": Command("annotator.cli.copying", "copy a whole project to a new file or an empty PostgreSQL database"),
    "delete-documents": Command("annotator.cli.project",
                                "delete documents and their annotations (after a backup)"),
    "settings": Command("annotator.cli.settings", "show a project's settings, or turn blind coding on or off"),
    "status": Command("annotator.cli.status", "show or set each coder's status per document (not started, "
                                              "in progress, done), or the documents x coders matrix"),
    "server": Command("annotator.cli.server", "set up a team server's roles (PostgreSQL), add a coder's role, "
                                              "list them"),
    "paths": Command("annotator.cli.project", "show the folders Annotator writes to"),
    "docs": Command("annotator.cli.docs", "list the documentation installed with Annotator, or print a page"),
}


def _open_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("project", nargs="?", metavar="PROJECT")


ARGUMENTS = {"open": _open_arguments}  # opening the app is main's own: see open_app


def build_parser(only: Collection[str] | None = None) -> argparse.ArgumentParser:
    """The parser of every command, or one that knows the arguments of the commands in ``only``
    alone (every command is still listed by name and summary), so that only their modules are
    imported."""
    parser = Parser(
        prog="annotator",
        description="Annotate text corpora. Without a command, opens the app on the default project.",
        epilog="Projects, settings, logs and backups live in the user's data folders ('annotator paths' "
        "shows them); the environment variable ANNOTATOR_HOME redirects all of them.",
    )
    parser.add_argument("--version", action="version", version=f"annotator {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    for name, (module, summary) in COMMANDS.items():
        p = sub.add_parser(name, help=summary)
        if only is None or name in only:
            importlib.import_module(module).ARGUMENTS[name](p)
    return parser


def command_in(argv: Sequence[str]) -> str | None:
    """The command ``argv`` names: its first word that is not an option (the top level has only
    --help and --version, which take no value)."""
    return next((word for word in argv if not word.startswith("-")), None)


def main(argv: Sequence[str] | None = None, *, open_app: Callable[[Path | str | None], int] | None = None) -> int:
    """Run the CLI; returns the exit status. ``open_app(project)`` runs the app for ``open`` and for
    no command at all; without it (a script calling main) they are a usage error."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    try:
        log_file = setup_logging()
    except OSError as exc:
        reason = exc if isinstance(exc, FolderNotWritableError) else f"cannot write to the logs folder: {exc}"
        print(f"annotator: error: {reason}", file=sys.stderr)
        return EXIT_FAILED
    args = None
    streams = sys.stdout, sys.stderr
    # no escape sequences from names; a reader that stops early (| head -1) ends only the output
    sys.stdout, sys.stderr = SafeText(EarlyClose(sys.stdout)), SafeText(EarlyClose(sys.stderr))
    try:
        command = command_in(args_list)
        args = build_parser(only=[command] if command else []).parse_args(args_list)
        if args.command in (None, "open"):
            if open_app is None:
                raise UsageError("the app opens from 'annotator' or 'python -m annotator' only")
            project = getattr(args, "project", None)
            if project and not project.strip().lower().startswith(("postgresql:", "postgres:")):
                project = Path(project)  # a PostgreSQL URL stays a string (core.storage.location)
            return open_app(project or None)
        return args.func(args)
    except KeyboardInterrupt:
        print("annotator: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as exc:
        return report_error(exc, args, args_list, log_file)
    finally:
        sys.stdout, sys.stderr = streams
