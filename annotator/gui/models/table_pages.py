"""The pages of rows the annotation table model holds, moved by one edit instead of read again
(issue 16, point 2): a row inserted at, or removed from, a known place shifts the rows after it
by one, across the pages held. Pure functions over ``{page number: rows}``; the model reads the
rows a page then misses (at most a few, from a row it still holds, on the index).

Held pages are seen as runs: pages next to each other, every one but the last full, are one
list of rows from the run's first row on. An edit inserts into, removes from or shifts each run;
the runs are then cut into pages again, whole ones (every row known) and pieces (some rows of a
page known, the others shifted in from a page not held).
"""

from __future__ import annotations

from typing import NamedTuple


class Piece(NamedTuple):
    """Rows of one page after an edit, where only some are known: ``rows`` from row ``at`` of the
    page on, in a page of ``length`` rows."""

    at: int
    rows: list
    length: int


def runs_of(pages: dict[int, list], size: int) -> list[tuple[int, list]]:
    """The held pages as runs: ``(index of the first row, rows)``, by place."""
    runs: list[tuple[int, list]] = []
    for page in sorted(pages):
        rows = pages[page]
        if runs and runs[-1][0] + len(runs[-1][1]) == page * size:  # the page before is held and full
            runs[-1][1].extend(rows)
        else:
            runs.append((page * size, list(rows)))
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
