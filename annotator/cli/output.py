"""What every command shares: the exit codes, UsageError and the parser that raises it, argument
types, tables and lists on the terminal, and the one line an error becomes.

Exit codes: 0 done, 1 a failed operation (an AnnotatorError: its message says why), 2 a wrong
argument (UsageError), 70 an internal error (its traceback goes to the log file, never to the
terminal), 130 interrupted. A program reading standard output that stops early (``| head -1``)
changes nothing: the rest of the output is dropped (terminal.EarlyClose) and the command finishes
and exits with its own status, printing nothing more.
"""

from __future__ import annotations

import argparse
import codecs
import io
import logging
import re
import sys
from pathlib import Path

from annotator.core.errors import AnnotatorError, brief, is_database_error, one_line, user_message

log = logging.getLogger("annotator.cli")

EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_INTERNAL = 70
EXIT_INTERRUPTED = 130


class UsageError(Exception):
    """A wrong argument; printed as one line, exit 2."""


class Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one plain line instead of usage + error
        raise UsageError(f"{message} (see '{self.prog} --help')")


# -- argument types ---------------------------------------------------------------------------


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {brief(text)}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected 1 or more, got {value}")
    return value


def regex(text: str) -> str:
    try:
        re.compile(text)
    except re.error as exc:
        raise argparse.ArgumentTypeError(f"invalid regular expression {brief(text)}: {exc}") from None
    return text


def encoding(text: str) -> str:
    try:
        codecs.lookup(text)
    except LookupError:
        raise argparse.ArgumentTypeError(f"unknown encoding {brief(text)}") from None
    return text


# -- printing ---------------------------------------------------------------------------------


def warn(message: str) -> None:
    print(f"warning: {message}", file=sys.stderr)


def summary_stream(args: argparse.Namespace):
    """Where a command's summary goes: stderr when its output file is standard output ('-');
    nowhere when that output's reader stopped early (``-o - | head -1``)."""
    from annotator.core.files import is_stdout

    if getattr(sys.stdout, "closed_early", False):
        return io.StringIO()
    return sys.stderr if is_stdout(args.output) else sys.stdout


def print_list(title: str, lines: list[str], limit: int = 20, stream=None) -> None:
    if not lines:
        return
    stream = stream or sys.stdout  # looked up now: tests (capsys) replace sys.stdout after import
    print(f"{title}:", file=stream)
    for line in lines[:limit]:
        print(f"  {line}", file=stream)
    if len(lines) > limit:
        print(f"  … and {len(lines) - limit} more", file=stream)


def print_import_report(report, *lists: tuple[str, list[str]], rejected: list[str] | tuple = (),
                        rejected_title: str = "rejected") -> None:
    """An import's report: its summary lines, each (title, lines) list, what was rejected (on
    stderr, under ``rejected_title``) and the backup made before it."""
    for line in report.lines():
        print(line)
    for title, lines in lists:
        print_list(title, lines)
    print_list(rejected_title, rejected, stream=sys.stderr)
    print(f"backup before import: {report.backup or 'none (nothing changed)'}")


def one_coder(names: dict[str, str], wanted: str, error: type[Exception] = AnnotatorError) -> str:
    """The id of the one coder ``wanted`` names (a name or an id, as ``core.text.pick`` reads them),
    among ``names`` (id -> name); ``error`` when several coders share that name."""
    from annotator.core.errors import quoted
    from annotator.core.text import pick

    chosen = pick("annotator", [wanted], names)
    if len(chosen) > 1:
        raise error(f"{len(chosen)} coders are named {quoted(wanted, 60)}; give one's id: " + ", ".join(chosen))
    return chosen[0]


def coder_id(project, wanted: str) -> str:
    """``one_coder`` among a project's coders; ValidationError (exit 1) when the name is shared."""
    from annotator.core.errors import ValidationError

    return one_coder({a.id: a.name for a in project.annotators(gold=False)}, wanted, ValidationError)


def clip(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def table(header: list[str], rows: list[list[str]], right: set[int] = frozenset()) -> str:
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]

    def line(cells: list[str]) -> str:
        padded = (c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in enumerate(zip(cells, widths)))
        return "  ".join(padded).rstrip()

    return "\n".join([line(header), line(["-" * w for w in widths]), *map(line, rows)])


# -- errors -----------------------------------------------------------------------------------


def shown_argv(argv: list[str]) -> list[str]:
    """``argv`` as the log may keep it: a PostgreSQL URL without its password."""
    from annotator.core.storage.location import is_server_url, parse_location

    shown = []
    for word in argv:
        if is_server_url(word):
            try:
                word = parse_location(word, require_driver=False).display
            except AnnotatorError:
                word = word.split("://", 1)[0] + "://…"
        shown.append(word)
    return shown


def project_label(project) -> str:
    """How an error names the command's project: the file's name, or the URL without its password."""
    from annotator.core.storage.location import is_server_url, parse_location

    if is_server_url(project):
        try:
            return parse_location(project, require_driver=False).display
        except AnnotatorError:
            return "the server"
    return Path(project).name


def report_error(exc: Exception, args: argparse.Namespace | None, argv: list[str], log_file: Path) -> int:
    """Print the one line ``exc`` becomes on stderr and return the exit status."""
    argv = shown_argv(argv)
    project = getattr(args, "project", None)
    if isinstance(project, str) and not isinstance(exc, AnnotatorError):
        from annotator.core.errors import server_error

        mapped = server_error(exc, project_label(project))  # a server's error met outside a transaction
        if mapped is not None:
            log.error("server error running %s", argv, exc_info=exc)
            exc = mapped
    if isinstance(exc, UsageError):
        print(f"annotator: error: {one_line(str(exc))}", file=sys.stderr)
        return EXIT_USAGE
    if isinstance(exc, AnnotatorError):
        print(f"annotator: error: {user_message(exc)}", file=sys.stderr)
        return EXIT_FAILED
    if isinstance(exc, BrokenPipeError):
        from annotator.core.files import is_stdout

        output = getattr(args, "output", None)
        if output is None or is_stdout(output):
            return 0  # the reader of standard output stopped early (`| head -1`): nothing more to say
        print(f"annotator: error: {output}: the program reading it stopped before the end", file=sys.stderr)
        return EXIT_FAILED
    damaged = _damage_of(args)
    if damaged is not None:  # a damaged page read back as odd data: the file, not a bug, is the cause
        log.error("error on a damaged project running %s", argv, exc_info=exc)
        print(f"annotator: error: {one_line(damaged)}", file=sys.stderr)
        return EXIT_FAILED
    if not is_database_error(exc):
        log.error("internal error running %s", argv, exc_info=exc)
        print(f"annotator: internal error: {user_message(exc)} (details in {log_file})", file=sys.stderr)
        return EXIT_INTERNAL
    log.error("database error running %s", argv, exc_info=exc)  # the SQL and parameters go to the log only
    where = f"{project_label(project)}: " if project else ""
    print(f"annotator: error: {where}{user_message(exc)} (details in {log_file})", file=sys.stderr)
    return EXIT_FAILED


def _damage_of(args: argparse.Namespace | None) -> str | None:
    """The damaged-project message for the command's project, if that file fails its check."""
    project = getattr(args, "project", None)
    if not isinstance(project, str) or not Path(project).is_file():
        return None
    from annotator.core.storage import db

    try:
        problem = db.damage(Path(project))
    except Exception:  # the check itself must not hide the first error
        log.exception("checking %s for damage", project)
        return None
    return db.damaged_message(Path(project), problem) if problem else None
