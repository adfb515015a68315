"""A per-block index of a document's annotations, in Qt units, for painting and hit-testing.

A document view shows one text split into Qt blocks (one per line). Painting a block must not look
at every annotation of a long document, so each span is cut once into per-block pieces in
block-local UTF-16 positions. Adding or removing a span touches only the blocks it covers.
Plain Python (no widgets): the highlighter and the view read it, the tests drive it directly.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from annotator.gui.offsets import OffsetMap


@dataclass(frozen=True, slots=True)
class Span:
    id: str
    start: int  # code points, [start, end)
    end: int
    category_id: str
    annotator_id: str


class SpanIndex:
    def __init__(self, text: str, spans: Iterable[Span | tuple] = ()) -> None:
        self.text = text
        self.offsets = OffsetMap(text)
        starts = [0]
        find = text.find
        i = find("\n")
        while i != -1:
            starts.append(i + 1)
            i = find("\n", i + 1)
        self.block_starts = starts  # code point where each block starts
        self._block_starts_qt = [self.offsets.to_qt(s) for s in starts] if self.offsets._astral else starts
        self.spans: dict[str, Span] = {}
        self.by_category: Counter[str] = Counter()  # how many spans each category and coder has here
        self.by_annotator: Counter[str] = Counter()
        self.pieces: dict[int, list[tuple[int, int, str]]] = {}  # block → (qt start, qt end, id), by start
        self._lanes: dict[int, dict[str, int]] = {}
        for span in spans:
            self._insert(span if isinstance(span, Span) else Span(*span), sort=False)
        for pieces in self.pieces.values():
            pieces.sort()

    # -- changes -------------------------------------------------------------------------------

    def add(self, span: Span) -> list[int]:
        """Add (or replace) a span; returns the blocks to repaint."""
        touched = self.remove(span.id) if span.id in self.spans else []
        return sorted(set(touched) | set(self._insert(span, sort=True)))

    def remove(self, span_id: str) -> list[int]:
        """Remove a span; returns the blocks to repaint."""
        span = self.spans.pop(span_id, None)
        if span is None:
            return []
        self.by_category[span.category_id] -= 1
        self.by_annotator[span.annotator_id] -= 1
        blocks = self.blocks_of(span)
        for block in blocks:
            self.pieces[block] = [p for p in self.pieces.get(block, ()) if p[2] != span_id]
            self._lanes.pop(block, None)
        return blocks

    def _insert(self, span: Span, sort: bool) -> list[int]:
        self.spans[span.id] = span
        self.by_category[span.category_id] += 1
        self.by_annotator[span.annotator_id] += 1
        to_qt = self.offsets.to_qt
        starts = self.block_starts
        first = bisect_right(starts, span.start) - 1
        last = bisect_right(starts, max(span.start, span.end - 1)) - 1
        for block in range(first, last + 1):
            start = max(span.start, starts[block])
            end = span.end if block + 1 == len(starts) else min(span.end, starts[block + 1] - 1)  # not the newline
            if end <= start:
                continue
            block_start_qt = self._block_starts_qt[block]
            piece = (to_qt(start) - block_start_qt, to_qt(end) - block_start_qt, span.id)
            pieces = self.pieces.get(block)
            if pieces is None:
                self.pieces[block] = [piece]
            else:
                pieces.append(piece)
                if sort:
                    pieces.sort()
            if self._lanes:
                self._lanes.pop(block, None)
        return list(range(first, last + 1))

    # -- questions -----------------------------------------------------------------------------

    def blocks_of(self, span: Span) -> list[int]:
        first = self.block_of(span.start)
        last = self.block_of(max(span.start, span.end - 1))
        return list(range(first, last + 1))

    def block_of(self, offset: int) -> int:
        """The block holding code point ``offset``."""
        return bisect_right(self.block_starts, offset) - 1

    def block_pieces(self, block: int) -> list[tuple[int, int, str]]:
        return self.pieces.get(block, [])

    def lanes(self, block: int, shown) -> dict[str, int]:
        """A lane (0, 1, 2, …) for each shown span in a block (``shown(span)`` says which), so that
        spans overlapping in the block never share one: the order of the stripes painted under
        the text. Cached per block until the block changes or ``forget_lanes`` is called."""
        cached = self._lanes.get(block)
        if cached is not None:
            return cached
        lanes: dict[str, int] = {}
        ends: list[int] = []  # per lane, where its last piece ends
        for start, end, span_id in self.pieces.get(block, ()):
            if not shown(self.spans[span_id]):
                continue
            for lane, lane_end in enumerate(ends):
                if lane_end <= start:
                    ends[lane] = end
                    lanes[span_id] = lane
                    break
            else:
                lanes[span_id] = len(ends)
                ends.append(end)
        self._lanes[block] = lanes
        return lanes

    def forget_lanes(self) -> None:
        """Drop cached lanes (after the set of shown spans changed)."""
        self._lanes.clear()

    def at(self, offset: int) -> list[Span]:
        """Spans covering code point ``offset``, shortest (innermost) first."""
        block = self.block_of(offset)
        local = self.offsets.to_qt(offset) - self._block_starts_qt[block]
        hits = [self.spans[i] for s, e, i in self.pieces.get(block, ()) if s <= local < e]
        return sorted(hits, key=lambda sp: (sp.end - sp.start, sp.start, sp.id))

    def qt_range(self, span: Span) -> tuple[int, int]:
        """The span's document positions in Qt units."""
        return self.offsets.to_qt(span.start), self.offsets.to_qt(span.end)
