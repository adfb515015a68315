"""Errors the core raises. Every one carries a plain message meant for a user.

The CLI prints ``str(error)`` on one line and exits non-zero; the GUI shows it in a dialog.
Nothing else should reach a user, so core code converts library exceptions into these.
``user_message`` turns any exception into the one line a user sees (CLI and GUI alike); ``brief``
quotes a value from the input in a message without echoing kilobytes of it.
"""

import sqlite3

MESSAGE_LIMIT = 300  # characters of one printed message


class AnnotatorError(Exception):
    """Base class: a problem a user can understand and act on."""


class NotFoundError(AnnotatorError):
    """A document, category, annotator or annotation id that the project does not hold."""


class ValidationError(AnnotatorError):
    """Data that breaks a rule (offsets out of range, empty name, bad colour, ...)."""


class NotAProjectError(AnnotatorError):
    """A path that is missing, not SQLite, not an Annotator project, or from a newer version."""


class ReadError(AnnotatorError):
    """A file that cannot be read as a document. The message gives the reason, not the path;
    the importer puts the path in front of it."""


class ExchangeError(AnnotatorError):
    """An export file that cannot be used: the message names the file, the place (a JSON path
    such as ``$.annotations[3].start``) and the reason."""


class SchemaFileError(AnnotatorError):
    """A schema file (Annotator schema JSON or REFI-QDA .qdc) that cannot be used: the message
    names the file, the place and the reason."""


class QdpxError(AnnotatorError):
    """A REFI-QDA project (.qdpx) that cannot be imported, hostile or broken: the message names
    the file (and the member or line) and the reason; nothing was changed."""


class BackupError(AnnotatorError):
    """A backup that could not be written or restored (a full or unwritable backups folder, a
    backup of another project); the operation that needed it did not run."""


class DamagedProjectError(AnnotatorError):
    """A project file whose pages or tables are damaged: it is refused for writing."""


class ReadOnlyError(AnnotatorError):
    """A change to a project that is open read-only (a read-only file or folder, or a damaged file)."""


class OwnershipError(AnnotatorError):
    """A change to, or the deletion of, another coder's annotation while the project's
    ``lead_override`` setting is off."""


class StaleWriteError(AnnotatorError):
    """A change to a shared object (a category, a setting, a decision) made from an older read of
    it: another coder changed it since. Nothing was written; the caller reloads and tries again."""


class ProjectBusyError(AnnotatorError):
    """Another program holds the project's write lock longer than we waited; nothing was changed,
    so the same operation can simply be tried again."""


class ServerError(AnnotatorError):
    """A PostgreSQL server that cannot be reached, refused the login, or refused a request (a
    permission the coder's role lacks). The message names the server by ``Location.display``."""


class ServerUnavailableError(ServerError):
    """The server cannot be reached (SQLSTATE class 08, or libpq's connection failure)."""


class ConnectionLostError(ServerUnavailableError):
    """The connection to the server broke while a project was open (the server stopped or
    restarted, the network dropped, an administrator ended the session). The transaction it met
    rolled back on the server, so nothing of that operation was saved; it can be done again once
    the server answers."""


class LoginFailedError(ServerError):
    """The server refused the user name or the password (SQLSTATE class 28)."""


class PermissionDeniedError(ServerError):
    """The coder's database role may not do this (SQLSTATE 42501)."""


def brief(value, width: int = 60, show=repr) -> str:
    """``repr(value)`` (or ``show(value)``) for a message, clipped to about ``width`` characters."""
    try:
        text = show(value)
    except ValueError:  # an int of more than 4,300 digits
        text = f"a {value.bit_length():,}-bit number"
    return text if len(text) <= width else text[: width - 4] + "…" + text[-3:]


def quoted(text: str, width: int = 200) -> str:
    """A name, title or quote for a message: the text itself between single quotes, clipped to
    about ``width`` characters. Not ``repr``, which shows a user's text as Python would (the
    backslashes of "C:\\data" doubled, "Tom's notes" in double quotes, "\\n" for a line break)."""
    text = str(text)
    return f"'{text if len(text) <= width else text[: width - 1] + '…'}'"


def one_line(text: str, limit: int = MESSAGE_LIMIT) -> str:
    """``text`` as one line (runs of white space, line breaks included, become one space) of at
    most ``limit`` characters."""
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def is_busy(exc: BaseException) -> bool:
    """True for SQLite's "database is locked" (SQLITE_BUSY / SQLITE_LOCKED), raw or wrapped by
    SQLAlchemy."""
    orig = getattr(exc, "orig", exc)
    return isinstance(orig, sqlite3.Error) and getattr(orig, "sqlite_errorcode", None) in (
        sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED) or "database is locked" in str(orig)


def is_database_error(exc: BaseException) -> bool:
    """An error of SQLite or of psycopg (raw, or wrapped by SQLAlchemy with its SQL and parameters)."""
    orig = getattr(exc, "orig", exc)
    return isinstance(orig, sqlite3.Error) or _is_psycopg(orig)


def _is_psycopg(exc: BaseException) -> bool:
    return type(exc).__module__.split(".")[0] == "psycopg"


def _is_operational(exc: BaseException) -> bool:
    """psycopg's OperationalError or a subclass (ConnectionTimeout: a server that accepts and never answers)."""
    return any(kind.__name__ == "OperationalError" for kind in type(exc).__mro__)


def _reason(exc: BaseException) -> str:
    """The first line of the server's message, without libpq's "connection failed:" prefixes."""
    lines = [line.strip() for line in str(exc).strip().splitlines() if line.strip()]
    text = lines[0] if lines else exc.__class__.__name__
    for prefix in ("connection failed: ", "FATAL:  ", "ERROR:  "):
        text = text.removeprefix(prefix)
    return one_line(text, 160)


# libpq's and the server's words for a session that ended under the client (no SQLSTATE for most)
LOST_MARKERS = ("server closed the connection unexpectedly", "terminating connection", "connection is lost",
                "consuming input failed", "the connection is closed", "could not receive data from server")
LOST_STATES = ("57P01", "57P02")  # admin_shutdown (pg_terminate_backend, a fast stop), crash_shutdown


def connection_lost(where: str, reason: str, saved: str = "nothing of what was being done was saved"
                    ) -> ConnectionLostError:
    """The ConnectionLostError of the server ``where``; ``saved`` says what was kept (``where``
    and ``reason`` stay on the error, for a caller that knows more)."""
    # the reason last: a long one is what a clipped message (MESSAGE_LIMIT) loses
    error = ConnectionLostError(f"{where}: the connection to the server was lost; {saved} ({reason})")
    error.where, error.reason = where, reason
    return error


def server_error(exc: BaseException, where: str, established: bool = False) -> AnnotatorError | None:
    """The plain error for a psycopg error (raw or wrapped by SQLAlchemy) met on the server
    ``where`` (a ``Location.display``: never a password), or None when ``exc`` is not one of those
    the user can act on. libpq's messages never hold the password, so the reason is shown.
    ``established``: met by a project already open, so a server that cannot be reached (again) is
    a lost connection (ConnectionLostError), not a wrong address."""
    orig = getattr(exc, "orig", exc)
    if not _is_psycopg(orig):
        return None
    state = getattr(orig, "sqlstate", None) or ""
    text = str(orig)
    if state in LOST_STATES or getattr(exc, "connection_invalidated", False) or any(m in text for m in LOST_MARKERS):
        return connection_lost(where, _reason(orig))
    if state.startswith("28") or "password authentication failed" in text or "no password supplied" in text \
            or "authentication failed" in text:
        return LoginFailedError(f"{where}: the server refused the login ({_reason(orig)}); check the user name "
                                "and the password (~/.pgpass, PGPASSWORD or a service file)")
    if state == "3D000" or ("database" in text and "does not exist" in text and not state):
        return NotAProjectError(f"{where}: no such database on the server ({_reason(orig)}); an administrator "
                                "creates it (createdb), then: annotator init URL")
    if state.startswith("08") or state == "57P03" or (not state and _is_operational(orig)):
        if established:  # 57P03: the server is starting up or shutting down
            return connection_lost(where, _reason(orig))
        return ServerUnavailableError(f"{where}: cannot reach the PostgreSQL server ({_reason(orig)})")
    if state == "42501":
        return PermissionDeniedError(f"{where}: not allowed for this database role ({_reason(orig)})")
    if state in ("40001", "40P01"):
        return ProjectBusyError(f"{where}: another client changed the same data at the same moment; "
                                "nothing was changed, try again")
    if state == "55P03":
        return ProjectBusyError(f"{where}: another client is writing to the project; "
                                "try again when it has finished")
    if state == "25006":
        return ReadOnlyError(f"{where}: the project is open read-only; changes cannot be saved")
    return None


def user_message(exc: BaseException) -> str:
    """The one line a user sees for ``exc``: an AnnotatorError's message; for a database error
    the reason only (SQLAlchemy's SQL, parameters and "Background on this error" go to the log);
    anything else as ``Type: message``. Clipped to MESSAGE_LIMIT characters."""
    if isinstance(exc, AnnotatorError):
        return one_line(str(exc))
    if is_busy(exc):
        return "the database is locked by another program; try again when it has finished"
    if is_database_error(exc):
        reason = str(getattr(exc, "orig", exc)).strip().splitlines()
        return one_line(f"database error: {reason[0] if reason else exc.__class__.__name__}")
    return one_line(f"{exc.__class__.__name__}: {exc}")
