"""Every file Annotator writes (exports, merges, schemas, templates, reports, guidelines, copies) goes
through here, so that no command can overwrite a project and no reader sees half a file; and every
file it reads whole (documents, exports, schema files, reliability data) is opened here, bounded
(``open_bounded``, ``read_bounded``: a regular file of at most so many bytes, a FIFO refused at once);
``parse_json`` reads the bytes of a JSON file with one-line reasons, and ``safe_xml_parser`` with
``parse_xml`` the bytes of an XML file (expat, refusing any DOCTYPE before it is read).

The target is checked first (``check_target``): a folder, an SQLite database (an Annotator project or
any other: the 16-byte SQLite header of an existing file is read), or a project's ``-wal``, ``-shm``
or ``-journal`` companion is refused with one line naming the file. Symbolic links and relative
paths are resolved before the check, so a link to a project is refused too.

Then ``open_output`` writes:

- ``-``: to standard output (bytes, no temporary file);
- a new or regular file: into a temporary file beside it, ``.NAME.annotator-tmp-PID-XXXXXXXX``,
  flushed to disk and renamed over the target only once complete (a failure leaves the old file);
  an existing file keeps its permission bits. A symbolic link is written through: the file it
  points to is replaced, the link stays a link;
- an existing character device or FIFO (``/dev/null``, a terminal, a pipe), or any path under
  ``/dev/`` or ``/proc/`` (such as ``/dev/stdout``): in place, never replaced. A FIFO is opened
  without waiting: if no program reads from it, the write is refused instead of hanging.
  Block devices and sockets are refused.

A process killed while writing leaves its temporary file behind; the next write to the same target
removes temporary files of that target whose process is gone (or that are over an hour old).
``storage.backups.copy_project`` writes a project copy the same way (``temp_path``, ``sync_folder``).

CSV cells go through ``csv_cell`` (see there); ``csv_text`` builds a whole CSV file with it, ``write_csv``
writes one to a text handle as its rows come.
"""

from __future__ import annotations

import csv
import errno
import io
import json
import os
import re
import secrets
import stat
import sys
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, BinaryIO, TextIO
from xml.parsers import expat

from annotator.core.errors import AnnotatorError, ReadError

SQLITE_HEADER = b"SQLite format 3\x00"
ANNOTATOR_APPLICATION_ID = b"ANNO"  # PRAGMA application_id, at offset 68 of the header
COMPANIONS = ("-wal", "-shm", "-journal")
TEMP_MARK = ".annotator-tmp-"
STALE_TEMP_SECONDS = 3600
STDOUT = "-"
MiB = 1024 * 1024


class OutputError(AnnotatorError):
    """A file Annotator was asked to write and cannot or must not: the message names it."""


class MissingFileError(ReadError):
    """``open_bounded``: there is no file at the path."""


# -- reading -----------------------------------------------------------------------------------

@contextmanager
def open_bounded(path: str | os.PathLike[str], max_bytes: int, kind: str | None = None) -> Iterator[BinaryIO]:
    """A binary handle on the regular file ``path`` for reading. ReadError, with a reason that
    does not name the path (the caller puts it in front), when the file is missing
    (MissingFileError) or cannot be read, when it is not a regular file (a FIFO is refused at once,
    never waited on), or when it holds more than ``max_bytes``: "the file is 3.5 MiB; ``kind``
    of up to 2 MiB are accepted" (no ``kind``: "files of this kind are read up to 2 MiB"). An
    OSError while the block reads becomes a ReadError too."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except OSError as error:
        kind_of_error = MissingFileError if isinstance(error, FileNotFoundError) else ReadError
        raise kind_of_error(f"cannot read the file ({error.strerror or error})") from None
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        os.close(fd)
        raise ReadError("is a folder, not a file" if stat.S_ISDIR(info.st_mode) else
                        "not a regular file (a pipe or device)")
    with os.fdopen(fd, "rb") as handle:
        if info.st_size > max_bytes:
            limit = f"{max_bytes // MiB} MiB"
            raise ReadError(f"the file is {_mib(info.st_size)} MiB; "
                            + (f"{kind} of up to {limit} are accepted" if kind else
                               f"files of this kind are read up to {limit}"))
        try:
            yield handle
        except OSError as error:
            raise ReadError(f"cannot read the file ({error.strerror or error})") from None


def read_bounded(path: str | os.PathLike[str], max_bytes: int, kind: str | None = None) -> bytes:
    """The bytes of ``path``, read through ``open_bounded`` (see there for the errors)."""
    with open_bounded(path, max_bytes, kind) as handle:
        data = handle.read(max_bytes + 1)
    if len(data) > max_bytes:  # it grew while we looked
        raise ReadError(f"the file is larger than {max_bytes // MiB} MiB")
    return data


def strict_json(text: str | bytes) -> Any:
    """json.loads that refuses NaN and Infinity, which are not JSON."""
    return json.loads(text, parse_constant=_no_constant)


def _no_constant(name: str):
    raise ValueError(f"{name} is not a JSON value")


def parse_json(raw: bytes, name: str, error: type[Exception], not_utf8: str = "", truncated: bool = False) -> Any:
    """The value of a JSON file's bytes (UTF-8, a BOM allowed; ``strict_json``), or ``error`` with one
    line starting with ``name``: empty, not UTF-8 (``not_utf8`` appended), not valid JSON (where; with
    ``truncated``, an end too early says so), nested too deeply."""
    if not raw.strip():
        raise error(f"{name}: the file is empty")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise error(f"{name}: not UTF-8 text (byte {exc.start}){not_utf8}") from None
    del raw
    try:
        return strict_json(text)
    except json.JSONDecodeError as exc:
        ends_early = truncated and exc.pos >= len(text.rstrip())
        where = "the file ends too early (truncated?)" if ends_early else exc.msg
        raise error(f"{name}: not valid JSON at line {exc.lineno}, column {exc.colno}: {where}") from None
    except RecursionError:
        raise error(f"{name}: JSON nested too deeply") from None
    except ValueError as exc:  # NaN or Infinity
        raise error(f"{name}: not valid JSON: {exc}") from None


class XmlRefusal(Exception):  # noqa: N818 (a refusal, not an error of the program)
    """Raised by a handler of a ``safe_xml_parser`` to refuse the file; the message is the reason."""


def safe_xml_parser(kind: str) -> expat.XMLParserType:
    """An expat parser (namespaces split by a space, text buffered) that refuses any DOCTYPE
    before it is read: no entity, internal or external, is ever declared or expanded (no "billion
    laughs", no file or network access). ``kind`` names the files in the refusal ("schema files")."""
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.buffer_text = True

    def refuse(*_args):
        raise XmlRefusal(f"the file declares a DOCTYPE or entities, which {kind} may not (refused before "
                         "reading them)")

    for handler in ("StartDoctypeDeclHandler", "EntityDeclHandler", "UnparsedEntityDeclHandler",
                    "NotationDeclHandler", "ExternalEntityRefHandler", "SkippedEntityHandler"):
        setattr(parser, handler, refuse)
    return parser


def parse_xml(parser: expat.XMLParserType, raw: bytes, name: str, error: type[Exception]) -> None:
    """Run ``parser`` (a ``safe_xml_parser`` with its handlers set) over ``raw``; ``error`` with one
    line starting with ``name`` when a handler refuses (``XmlRefusal``), the XML is not well-formed,
    nested too deeply, or in an encoding Python does not know."""
    try:
        parser.Parse(raw, True)
    except XmlRefusal as exc:
        raise error(f"{name}: {exc}") from None
    except expat.ExpatError as exc:
        raise error(f"{name}: not well-formed XML at line {exc.lineno}, column {exc.offset + 1}: "
                    f"{expat.ErrorString(exc.code)}") from None
    except RecursionError:
        raise error(f"{name}: elements are nested too deeply") from None
    except (LookupError, UnicodeError) as exc:  # an encoding declaration Python does not know
        reason = str(exc) if len(str(exc)) <= 80 else str(exc)[:79] + "…"
        raise error(f"{name}: cannot decode the XML ({reason})") from None


def _mib(size: int) -> str:
    """A size in MiB for a message: whole when it is whole, else with one decimal."""
    return f"{size // MiB}" if size % MiB == 0 else f"{size / MiB:.1f}"


# -- checking a target -----------------------------------------------------------------------

def sqlite_kind(path: str | os.PathLike[str]) -> str | None:
    """"an Annotator project" or "an SQLite database" when ``path`` is an existing regular file
    with the SQLite header, else None. Never opens a FIFO or device, never changes the file."""
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            return None
        with open(path, "rb") as handle:
            head = handle.read(72)
    except OSError:
        return None
    if not head.startswith(SQLITE_HEADER):
        return None
    if head[68:72] == ANNOTATOR_APPLICATION_ID or _application_id(path) == ANNOTATOR_APPLICATION_ID:
        return "an Annotator project"
    return "an SQLite database"


def _application_id(path) -> bytes | None:
    """The application id as SQLite reads it: the file's header may be older than its -wal."""
    import sqlite3

    uri = "file:" + os.path.realpath(path).replace("?", "%3f").replace("#", "%23") + "?mode=ro"
    try:
        conn = sqlite3.connect(uri, uri=True)
        try:
            return conn.execute("PRAGMA application_id").fetchone()[0].to_bytes(4, "big", signed=True)
        finally:
            conn.close()
    except (sqlite3.Error, OverflowError):
        return None


def check_target(path: str | os.PathLike[str]) -> None:
    """Refuse (OutputError) a target that must not be written: see the module docstring."""
    if str(path) == STDOUT:
        return
    given = Path(path)
    real = Path(os.path.realpath(given))
    kind = sqlite_kind(real)
    if kind:
        raise OutputError(f"{given}: is {kind}; choose another file name for the output")
    for candidate in {given, real}:
        for suffix in COMPANIONS:
            if candidate.name.endswith(suffix) and len(candidate.name) > len(suffix):
                owner = candidate.with_name(candidate.name[: -len(suffix)])
                if sqlite_kind(owner):
                    raise OutputError(f"{given}: belongs to the project {owner} (its {suffix[1:]} file); "
                                      "choose another file name for the output")
    if real.is_dir():
        raise OutputError(f"{given}: is a folder; choose a file name for the output")


# -- writing -----------------------------------------------------------------------------------

@contextmanager
def open_output(path: str | os.PathLike[str]) -> Iterator[BinaryIO]:
    """A binary handle for ``path`` (``-``: standard output); see the module docstring.
    OutputError, naming the file, when it is refused or cannot be written."""
    if str(path) == STDOUT:
        out = sys.stdout.buffer
        yield out
        out.flush()
        return
    check_target(path)
    given = Path(path)
    real = Path(os.path.realpath(given))
    try:
        st = os.stat(given)
    except FileNotFoundError:
        st = None
    except OSError as exc:
        raise output_error(given, exc) from None
    if st is not None and (not stat.S_ISREG(st.st_mode) or _is_system_path(given)):
        with _in_place(given, st) as handle:
            yield handle
        return
    temp = temp_path(real)
    try:
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    except OSError as exc:
        raise output_error(given, exc) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        if st is not None:
            os.chmod(temp, stat.S_IMODE(st.st_mode))
        os.replace(temp, real)
        sync_folder(real.parent)
    except OSError as exc:
        temp.unlink(missing_ok=True)
        raise output_error(given, exc) from None
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


def is_stdout(path: str | os.PathLike[str]) -> bool:
    """True for ``-`` and for a path that is standard output itself (``/dev/stdout``, or the file
    stdout is redirected to): a command then prints its summary to stderr instead."""
    if str(path) == STDOUT:
        return True
    try:
        mine, out = os.stat(path), os.fstat(sys.stdout.fileno())
    except (OSError, ValueError, AttributeError, io.UnsupportedOperation):
        return False
    return (mine.st_dev, mine.st_ino) == (out.st_dev, out.st_ino)


def write_bytes(path: str | os.PathLike[str], data: bytes) -> None:
    with open_output(path) as handle:
        handle.write(data)


def write_text(path: str | os.PathLike[str], text: str) -> None:
    """Write ``text`` as UTF-8 (line endings as they are) to ``path`` through ``open_output``."""
    write_bytes(path, text.encode("utf-8"))


def remove_stale_temps(target: Path) -> list[Path]:
    """Remove temporary files of ``target`` left by a process that was killed while writing it
    (its pid is gone) or that are older than STALE_TEMP_SECONDS. Returns what was removed."""
    pattern = re.compile(re.escape(f".{target.name}{TEMP_MARK}") + r"(\d+)-[0-9a-f]{8}")
    removed = []
    try:
        names = os.listdir(target.parent)
    except OSError:
        return removed
    for name in names:
        match = pattern.fullmatch(name)
        if not match:
            continue
        temp = target.parent / name
        try:
            old = time.time() - temp.lstat().st_mtime > STALE_TEMP_SECONDS
            if old or not _alive(int(match.group(1))):
                temp.unlink()
                removed.append(temp)
        except OSError:
            continue
    return removed


def temp_path(real: Path) -> Path:
    """The name of a new temporary file for ``real`` (after removing stale ones)."""
    remove_stale_temps(real)
    return real.with_name(f".{real.name}{TEMP_MARK}{os.getpid()}-{secrets.token_hex(4)}")


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return pid > 0
    return True


def _is_system_path(path: Path) -> bool:
    """/dev/stdout, /dev/fd/N, /proc/self/fd/N: a link to an open file, written in place."""
    absolute = os.path.abspath(path)
    return absolute.startswith(("/dev/", "/proc/"))


@contextmanager
def _in_place(path: Path, st: os.stat_result) -> Iterator[BinaryIO]:
    mode = st.st_mode
    if stat.S_ISBLK(mode) or stat.S_ISSOCK(mode):
        kind = "a block device" if stat.S_ISBLK(mode) else "a socket"
        raise OutputError(f"{path}: is {kind}; choose a file name for the output")
    nonblock = getattr(os, "O_NONBLOCK", 0)  # POSIX; a FIFO is opened without waiting for a reader
    flags = os.O_WRONLY | nonblock | (os.O_TRUNC if stat.S_ISREG(mode) else 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        if exc.errno == errno.ENXIO and stat.S_ISFIFO(mode):
            raise OutputError(f"{path}: is a pipe that no program is reading from; nothing written") from None
        raise output_error(path, exc) from None
    if nonblock:
        import fcntl

        fcntl.fcntl(fd, fcntl.F_SETFL, fcntl.fcntl(fd, fcntl.F_GETFL) & ~nonblock)
    try:
        with os.fdopen(fd, "wb") as handle:
            yield handle
    except BrokenPipeError:
        raise  # its reader stopped early (`-o /dev/stdout | head -1`): the caller decides
    except OSError as exc:
        raise output_error(path, exc) from None


def sync_folder(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def output_error(path: Path, exc: OSError) -> OutputError:
    """The OutputError for an OSError met writing ``path``."""
    return OutputError(f"{path}: cannot write the file ({exc.strerror or exc})")


# -- CSV -------------------------------------------------------------------------------------

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: Any, raw: bool = False) -> Any:
    """A CSV cell that a spreadsheet will not run as a formula (OWASP's CSV injection rule): text
    starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading ``'``.
    Numbers (int, float; not bool) are the program's own values and are written as they are, so
    a kappa of -0.25 stays a number; any text, even "-1", is treated as data and neutralised.
    ``raw=True`` leaves every cell as it is (for machine readers)."""
    if raw or not isinstance(value, str):
        return value
    return "'" + value if value.startswith(_FORMULA_START) else value


def csv_text(rows: Iterable[Iterable[Any]], raw: bool = False) -> str:
    """A whole CSV file, rows ending with ``\\n``, every cell through ``csv_cell`` (see ``write_csv``)."""
    out = io.StringIO()
    write_csv(out, rows, raw)
    return out.getvalue()


def write_csv(out: TextIO, rows: Iterable[Iterable[Any]], raw: bool = False) -> int:
    """Write CSV rows to ``out`` as they come, rows ending with ``\\n``, every cell through
    ``csv_cell``; returns how many. A row holding a carriage return is written with every cell
    quoted (Python's writer leaves a lone ``\\r`` unquoted when rows end with ``\\n``, which would
    split the row for readers)."""
    minimal = csv.writer(out, lineterminator="\n")
    quote_all = csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_ALL)
    count = 0
    for row in rows:
        cells = [csv_cell(cell, raw) for cell in row]
        (quote_all if any(isinstance(c, str) and "\r" in c for c in cells) else minimal).writerow(cells)
        count += 1
    return count
