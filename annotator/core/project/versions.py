"""Versions of the shared objects (format 6; issue 19, point 5): no lost writes between clients.

A category, a setting and a decision carry a ``version``: 1 when made, one more at each change.
The tables map it as SQLAlchemy's ``version_id_col``, so every UPDATE of such a row is
``UPDATE … SET …, version = :seen + 1 WHERE id = :id AND version = :seen`` and 0 rows end the
transaction (StaleDataError, turned into StaleWriteError by ``Project._tx``). A caller that
changes what it showed passes the version it read (``version=``, or ``seen=`` for a unit's
decisions); ``expect`` compares it with the row read in the write transaction and refuses the
write, nothing written, with a message naming what changed and who changed it when the row says.
Without a version the write is based on the transaction's own read (a CLI command), as before.
"""

from __future__ import annotations

from sqlmodel import Session

from annotator.core.errors import StaleWriteError
from annotator.core.project.ownership import _name


def stale(what: str, now: int | None, seen: int, by: str | None = None, s: Session | None = None) -> StaleWriteError:
    """The error for a write to ``what`` ("the category 'Opinion'") based on version ``seen``
    when it is at ``now`` (None: deleted since), changed by coder ``by`` (an id) if known."""
    who = _name(s, by) if by and s is not None else "another coder"
    if now is None:
        return StaleWriteError(f"{what} was deleted by {who} since you loaded it; nothing was written: "
                               "make your change again on the current state if it still applies")
    had = "it was not set yet" if seen == 0 else f"you had {seen}"
    return StaleWriteError(f"{what} was changed by {who} since you loaded it (version {now}, {had}); "
                           "nothing was written: make your change again on the current state")


def expect(row, seen: int | None, what: str, by: str | None = None, s: Session | None = None) -> None:
    """Refuse the write when the caller read version ``seen`` of ``row`` and it is at another now
    (``row`` None: it was deleted, or never made: version 0)."""
    if seen is None:
        return
    now = 0 if row is None and seen == 0 else (None if row is None else row.version)
    if now != seen:
        raise stale(what, now, seen, by, s)
