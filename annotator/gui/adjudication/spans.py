"""The span arithmetic of the adjudication keys, on a unit's coder spans (plain Python, no Qt).

``union``: per category, the stretches any coder marked with it, merged where they overlap or touch.
``intersection``: the stretches every coder in the unit marked (whatever the category), each with
the category most of the spans covering it carry (a tie goes to the category that comes first in
``order``). Both return ``(start, end, category, sources)`` tuples sorted by position, where
``sources`` are the annotation ids of the coder spans the piece was made from.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence


def union(spans: Sequence) -> list[tuple[int, int, str, tuple[str, ...]]]:
    """``spans``: UnitSpan-like (coder, start, end, category, annotation_id)."""
    pieces = []
    for category in sorted({s.category for s in spans}, key=str):
        run: list = []
        for s in sorted((s for s in spans if s.category == category), key=lambda s: (s.start, s.end)):
            if run and s.start <= run[1]:
                run[1] = max(run[1], s.end)
                run[2].append(s.annotation_id)
            else:
                if run:
                    pieces.append(run)
                run = [s.start, s.end, [s.annotation_id], category]
        if run:
            pieces.append(run)
    return sorted((start, end, category, _ids(ids)) for start, end, ids, category in pieces)


def intersection(spans: Sequence, order: Sequence[str] = ()) -> list[tuple[int, int, str, tuple[str, ...]]]:
    """The characters every coder of ``spans`` covers; empty when they share none."""
    coders = {s.coder for s in spans}
    points = sorted({p for s in spans for p in (s.start, s.end)})
    rank = {c: i for i, c in enumerate(order)}
    pieces: list[list] = []
    for a, b in zip(points, points[1:]):
        covering = [s for s in spans if s.start <= a and b <= s.end]
        if {s.coder for s in covering} != coders:
            continue
        counts = Counter(s.category for s in covering)
        category = min(counts, key=lambda c: (-counts[c], rank.get(c, len(rank)), str(c)))
        if pieces and pieces[-1][1] == a and pieces[-1][2] == category:
            pieces[-1][1] = b
            pieces[-1][3].extend(s.annotation_id for s in covering)
        else:
            pieces.append([a, b, category, [s.annotation_id for s in covering]])
    return [(start, end, category, _ids(ids)) for start, end, category, ids in pieces]


def _ids(ids) -> tuple[str, ...]:
    return tuple(sorted({i for i in ids if i is not None}))
