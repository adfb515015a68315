"""The pages of rows the annotation table model holds, moved by one edit instead of read again
(issue 16, point 2): a row inserted at, or removed from, a known place shifts the rows after it
by one, across the pages held. Pure functions over ``{page number: rows}`` and ``{page number:
Piece}``; the model reads the rows a piece misses when they are shown (from a row it holds, on
the index).

The rows held are seen as runs: whole pages and pieces of pages that touch are one list of rows
from the run's first row on. An edit inserts into, removes from or shifts each run; the runs are
then cut into pages again, whole ones (every row known) and pieces (some rows of a page known: the
others shifted in from a page not held, or never read).
"""

from __future__ import annotations

from typing import NamedTuple


class Piece(NamedTuple):
    """Rows of one page after an edit, where only some are known: ``rows`` from row ``at`` of the
    page on, in a page of ``length`` rows."""

    at: int
    rows: list
    length: int


def runs_of(pages: dict[int, list], pieces: dict[int, Piece], size: int,
            more: tuple[tuple[int, list], ...] = ()) -> list[tuple[int, list]]:
    """The rows held, as runs ``(index of the first row, rows)`` by place: the whole pages, the
    pieces and ``more`` runs, those that touch or overlap joined."""
    held = [(page * size, rows) for page, rows in pages.items()]
    held += [(page * size + piece.at, piece.rows) for page, piece in pieces.items()]
    runs: list[tuple[int, list]] = []
    for start, rows in sorted([*held, *more], key=lambda run: run[0]):
        end = runs[-1][0] + len(runs[-1][1]) if runs else -1
        if start <= end:
            runs[-1][1].extend(rows[end - start:])
        else:
            runs.append((start, list(rows)))
    return runs


def edit_runs(runs: list[tuple[int, list]], at: int, row=None) -> list[tuple[int, list]]:
    """The runs after ``row`` was inserted at index ``at`` (``row`` None: the row at ``at`` removed)."""
    edited = []
    for start, rows in runs:
        end = start + len(rows)
        if row is not None:
            if at < start:
                start += 1
            elif at <= end:  # inside, or right after its last row
                rows.insert(at - start, row)
        elif at < start:
            start -= 1
        elif at < end:
            del rows[at - start]
        edited.append((start, rows))
    return edited


def cut(runs: list[tuple[int, list]], count: int, size: int) -> tuple[dict[int, list], dict[int, Piece]]:
    """The runs as pages of ``size`` rows in a table of ``count`` rows: the whole pages, and the
    pieces of pages some of whose rows are not known."""
    whole: dict[int, list] = {}
    pieces: dict[int, Piece] = {}
    for start, rows in runs:
        end = start + len(rows)
        if not rows:
            continue
        for page in range(start // size, (end - 1) // size + 1):
            low, high = page * size, min((page + 1) * size, count)
            first, last = max(low, start), min(high, end)
            if first >= last:
                continue
            known = rows[first - start:last - start]
            if (first, last) == (low, high):
                whole[page] = known
            else:
                pieces[page] = Piece(first - low, known, high - low)
    return whole, pieces
