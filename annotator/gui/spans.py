"""A per-block index of a document's annotations, in Qt units, for painting and hit-testing.

A document view shows one text split into Qt blocks (one per line). Painting a block must not look
at every annotation of a long document, so each span is cut once into per-block pieces in
block-local UTF-16 positions. Adding or removing a span touches only the blocks it covers.
Plain Python (no widgets): the view's painting and hit-testing (and the adjudication overview's
highlighter) read it, the tests drive it directly.

A long document's spans are read a part at a time from a ``SpanSource`` (span_source.py): at
first only the long spans (few) and the document's count; the spans starting in a stretch of
``BUCKET`` code points are read when a block they may touch is first cut (painting, a click, the
idle cutting), so the first screen is shown without reading the rest. ``loaded`` holds what is
read; ``spans`` answers for the whole document (a question about one span reads that one, its
length is the count, going through all of them reads the rest first).
"""

from __future__ import annotations

import time
from bisect import bisect_left, bisect_right, insort
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from itertools import compress
from operator import attrgetter
from typing import Protocol

from annotator.gui.offsets import OffsetMap


@dataclass(frozen=True, slots=True)
class Span:
    id: str
    start: int  # code points, [start, end)
    end: int
    category_id: str
    annotator_id: str


class SpanSource(Protocol):
    """Where a SpanIndex reads a document's spans, as ``(id, start, end, category_id, annotator_id)``."""

    def count(self) -> int:
        """How many the document has."""

    def window(self, low: int, high: int, longer_than: int | None = None) -> list[tuple]:
        """Those starting in ``[low, high)`` (only those more than ``longer_than`` long, given it)."""

    def one(self, span_id: str) -> tuple | None:
        """That one, if the document has it."""

    def is_new(self, span_id: str) -> bool:
        """Whether that one was stored after the source was made (not one of those it had)."""

    def removed(self) -> None:
        """An annotation was deleted (``is_new`` may need to look again)."""

    def starts(self, size: int, longest: int) -> dict[int, int]:
        """How many of those at most ``longest`` long start in each stretch of ``size``: ``start // size`` → count."""


class SpanMap(Mapping):
    """A SpanIndex's spans by id, for the whole document: looking one up that is not loaded yet
    reads it (and the spans starting near it), ``len`` is the count (without reading them), and
    going through them all reads the rest first."""

    __slots__ = ("_index",)

    def __init__(self, index: SpanIndex) -> None:
        self._index = index

    def __getitem__(self, span_id: str) -> Span:
        span = self._index.find(span_id)
        if span is None:
            raise KeyError(span_id)
        return span

    def __contains__(self, span_id: object) -> bool:
        return isinstance(span_id, str) and self._index.find(span_id) is not None

    def __len__(self) -> int:
        return self._index.count

    def __iter__(self) -> Iterator[str]:
        self._index.load_all()
        return iter(self._index.loaded)


class SpanIndex:
    """Spans by id, with their per-block pieces. The pieces are cut lazily, a chunk of
    ``CHUNK_BLOCKS`` blocks at a time, when a block is first asked for (``block_pieces``), so
    opening a long document cuts only what is painted; ``pieces`` cuts every block. Given a
    ``source`` instead of ``spans``, the spans are read from it as the blocks are cut (see above)."""

    CHUNK_BLOCKS = 16  # (each chunk's spans read and cut in a few milliseconds of idle time)
    LONG = 4096  # code points: longer spans are kept apart (few), so a chunk finds the others by bisection
    BUCKET = 4096  # code points: the spans starting in a bucket are read together
    EAGER = 5000  # a source with at most this many spans is read whole at once (a few milliseconds)

    def __init__(self, text: str, spans: Iterable[Span | tuple] = (), source: SpanSource | None = None) -> None:
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
        self.loaded: dict[str, Span] = {}  # the spans read so far (all of them without a source)
        self.spans = SpanMap(self)
        # How many spans each category and coder has here (of those loaded: see ``counts``).
        self.by_category: Counter[str] = Counter()
        self.by_annotator: Counter[str] = Counter()
        self._pieces: dict[int, list[tuple[int, int, str]]] = {}  # block → (qt start, qt end, id), by start
        self._cut = bytearray((len(starts) + self.CHUNK_BLOCKS - 1) // self.CHUNK_BLOCKS)  # 1: chunk cut
        self._by_start: list[tuple[int, str]] = []  # (start, id) of the loaded spans but the long ones
        self._long: set[str] = set()
        self._lanes: dict[int, dict[str, int]] = {}
        self._source = source
        buckets = len(text) // self.BUCKET + 1
        self._buckets = bytearray(buckets) if source is not None else bytearray(b"\x01" * buckets)  # 1: read
        self.complete = source is None  # every span is loaded
        self._unloaded = 0  # how many of the document's spans are not loaded yet
        self._recount = False  # an edit of a span not loaded: ask the source for the count again
        self._starts: list[int] | None = None  # per bucket, how many short spans start there (for ranks)
        if source is None:
            self._arrive(spans)
            self._unloaded = 0
        else:
            self._unloaded = count = source.count()
            self._arrive(source.window(0, len(text) + 1, longer_than=None if count <= self.EAGER else self.LONG))
            if count <= self.EAGER:
                self._buckets[:] = b"\x01" * buckets
                self.complete, self._unloaded = True, 0

    # -- loading -------------------------------------------------------------------------------

    @property
    def count(self) -> int:
        """How many spans the document has (loaded or not)."""
        if self.complete:
            return len(self.loaded)
        if self._recount:
            self._unloaded, self._recount = self._source.count() - len(self.loaded), False
        return len(self.loaded) + self._unloaded

    def counts(self) -> tuple[Counter[str], Counter[str]] | None:
        """How many spans each category and coder has here, once every span is loaded (else None)."""
        return (self.by_category, self.by_annotator) if self.complete else None

    def find(self, span_id: str) -> Span | None:
        """The document's span with this id (read, with those starting near it, if not loaded yet)."""
        span = self.loaded.get(span_id)
        if span is not None or self.complete:
            return span
        row = self._source.one(span_id)
        if row is None:
            return None
        self._load(row[1], row[1] + 1)
        return self.loaded.get(span_id)

    def load_all(self) -> None:
        self._load(0, len(self.text) + 1)

    def _load(self, low: int, high: int) -> None:
        """Read the spans starting in ``[low, high)`` that are not read yet (whole buckets)."""
        if self.complete:
            return
        buckets, size = self._buckets, self.BUCKET
        last = min(len(buckets), (max(low, high - 1)) // size + 1)  # buckets [first, last)
        first = buckets.find(0, max(0, low // size), last)
        while first != -1:
            end = buckets.find(1, first, last)
            end = last if end == -1 else end
            self._arrive(self._source.window(first * size, end * size))
            buckets[first:end] = b"\x01" * (end - first)
            first = buckets.find(0, end, last)
        if buckets.find(0) == -1:
            self.complete, self._unloaded = True, 0

    def _arrive(self, rows: Iterable[Span | tuple]) -> None:
        """Take spans given or read: those not known yet (an edit may have brought one in first)."""
        loaded, long = self.loaded, self.LONG
        fresh = {span.id: span for span in map(_span, rows) if span.id not in loaded}
        loaded.update(fresh)
        new = list(fresh.values())
        if not new:
            return
        self._unloaded -= len(new)
        self.by_category.update(map(attrgetter("category_id"), new))
        self.by_annotator.update(map(attrgetter("annotator_id"), new))
        self._long.update(s.id for s in new if s.end - s.start > long)
        short = sorted((s.start, s.id) for s in new if s.end - s.start <= long)
        by_start = self._by_start
        at = bisect_left(by_start, short[0]) if short else 0
        if short and at == bisect_left(by_start, short[-1]):
            by_start[at:at] = short  # a stretch not read before: they all go between two loaded ones
        elif short:
            by_start += short
            by_start.sort()

    @property
    def pieces(self) -> dict[int, list[tuple[int, int, str]]]:
        """Every block's pieces (cutting the blocks not cut yet): block → (qt start, qt end, id)."""
        for chunk in range(len(self._cut)):
            self._cut_chunk(chunk)
        return self._pieces

    def is_cut(self, block: int) -> bool:
        """Whether the block's pieces are cut (painting or a question about it cuts them)."""
        return bool(self._cut[block // self.CHUNK_BLOCKS])

    def fully_cut(self) -> bool:
        return self._cut.find(0) == -1

    def cut_some(self, seconds: float) -> bool:
        """Cut chunks not cut yet for about ``seconds``; whether some are left."""
        deadline = time.perf_counter() + seconds
        chunk = self._cut.find(0)
        while chunk != -1:
            self._cut_chunk(chunk)
            if time.perf_counter() > deadline:
                break
            chunk = self._cut.find(0, chunk + 1)
        return not self.fully_cut()

    # -- changes -------------------------------------------------------------------------------

    def add(self, span: Span) -> list[int]:
        """Add (or replace) a span; returns the blocks to repaint."""
        unknown = span.id not in self.loaded and not self.complete
        new = unknown and self._source.is_new(span.id)  # else one of those not read yet
        blocks = self._cut_chunks_of(span)  # reads the spans near it first (the span itself, maybe)
        arrived = unknown and span.id in self.loaded
        if arrived and new:
            self._unloaded += 1  # read as one of those not read yet: it was not one of them
        elif unknown and not new and not arrived:
            self._unloaded -= 1  # one of those not read yet, read now
        if unknown and not new:
            self._starts = None  # it left a bucket not read yet
        touched = self._drop(span.id) if span.id in self.loaded else []
        self.loaded[span.id] = span
        self.by_category[span.category_id] += 1
        self.by_annotator[span.annotator_id] += 1
        if span.end - span.start > self.LONG:
            self._long.add(span.id)
        else:
            insort(self._by_start, (span.start, span.id))
        self._cut_span(span, blocks[0], blocks[-1], keep_sorted=True)
        return sorted(set(touched) | set(blocks))

    def remove(self, span_id: str) -> list[int]:
        """Remove a span (deleted); returns the blocks to repaint."""
        if not self.complete:
            self._source.removed()
            if span_id not in self.loaded:
                self._recount = True  # maybe one of those not read yet: counted again when asked
                self._starts = None
        return self._drop(span_id)

    def _drop(self, span_id: str) -> list[int]:
        span = self.loaded.get(span_id)
        if span is None:
            return []
        blocks = self._cut_chunks_of(span)
        del self.loaded[span_id]
        self.by_category[span.category_id] -= 1
        self.by_annotator[span.annotator_id] -= 1
        if span_id in self._long:
            self._long.discard(span_id)
        else:
            del self._by_start[bisect_left(self._by_start, (span.start, span_id))]
        for block in blocks:
            self._pieces[block] = [p for p in self._pieces.get(block, ()) if p[2] != span_id]
            self._lanes.pop(block, None)
        return blocks

    def rank(self, span_id: str) -> int | None:
        """How many spans come before this one by (start, end, id), the order of the annotation
        table's Span column: its row there, found here by bisection (SQL would count the rows
        before it, ~12 ms 150,000 rows deep). None for an unknown id. While the spans are read,
        those not read yet before it are counted by bucket (asked of the source once)."""
        span = self.loaded.get(span_id)
        if span is None:
            return None
        self._load(span.start, span.start + 1)  # its bucket (a long span's may not be read)
        unread = 0 if self.complete else self._unread_before(span.start // self.BUCKET)
        by_start, spans = self._by_start, self.loaded
        first = bisect_left(by_start, (span.start, ""))
        ties = [spans[i] for _, i in by_start[first:bisect_left(by_start, (span.start + 1, ""))]]
        ties += [spans[i] for i in self._long if spans[i].start == span.start]
        key = (span.end, span.id)
        return (unread + first + sum(1 for i in self._long if spans[i].start < span.start)
                + sum(1 for t in ties if (t.end, t.id) < key))

    def _unread_before(self, bucket: int) -> int:
        """How many short spans not read yet start before this bucket."""
        if self._starts is None:
            found = self._source.starts(self.BUCKET, self.LONG)
            self._starts = [found.get(b, 0) for b in range(len(self._buckets))]
        counts = self._starts[:bucket]
        return sum(counts) - sum(compress(counts, self._buckets[:bucket]))

    def _cut_chunks_of(self, span: Span) -> list[int]:
        """Cut the chunks of the span's blocks (before it changes there); returns its blocks."""
        blocks = self.blocks_of(span)
        for chunk in range(blocks[0] // self.CHUNK_BLOCKS, blocks[-1] // self.CHUNK_BLOCKS + 1):
            self._cut_chunk(chunk)
        return blocks

    def _cut_chunk(self, chunk: int) -> None:
        """Cut the pieces of the blocks of one chunk (once)."""
        if self._cut[chunk]:
            return
        self._cut[chunk] = 1
        first = chunk * self.CHUNK_BLOCKS
        last = min(first + self.CHUNK_BLOCKS, len(self.block_starts)) - 1
        low = self.block_starts[first]
        high = self.block_starts[last + 1] if last + 1 < len(self.block_starts) else len(self.text) + 1
        self._load(low - self.LONG, high)  # every span that may touch these blocks: none comes later
        by_start, spans = self._by_start, self.loaded
        ids = [span_id for _, span_id in by_start[bisect_left(by_start, (low - self.LONG,)):
                                                  bisect_left(by_start, (high,))]]
        ids += [span_id for span_id in self._long if spans[span_id].start < high]
        for span_id in ids:
            span = spans[span_id]
            if span.end > low:
                self._cut_span(span, max(first, self.block_of(span.start)),
                               min(last, self.block_of(max(span.start, span.end - 1))))
        for block in range(first, last + 1):
            if block in self._pieces:
                self._pieces[block].sort()

    def _cut_span(self, span: Span, first: int, last: int, keep_sorted: bool = False) -> None:
        """Add the span's pieces in blocks ``first`` to ``last`` (inserted in order with ``keep_sorted``)."""
        to_qt = self.offsets.to_qt
        starts = self.block_starts
        for block in range(first, last + 1):
            start = max(span.start, starts[block])
            end = span.end if block + 1 == len(starts) else min(span.end, starts[block + 1] - 1)  # not the newline
            if end <= start:
                continue
            block_start_qt = self._block_starts_qt[block]
            piece = (to_qt(start) - block_start_qt, to_qt(end) - block_start_qt, span.id)
            pieces = self._pieces.get(block)
            if pieces is None:
                self._pieces[block] = [piece]
            elif keep_sorted:
                insort(pieces, piece)
            else:
                pieces.append(piece)
            self._lanes.pop(block, None)

    # -- questions -----------------------------------------------------------------------------

    def blocks_of(self, span: Span) -> list[int]:
        first = self.block_of(span.start)
        last = self.block_of(max(span.start, span.end - 1))
        return list(range(first, last + 1))

    def block_of(self, offset: int) -> int:
        """The block holding code point ``offset``."""
        return bisect_right(self.block_starts, offset) - 1

    def block_pieces(self, block: int) -> list[tuple[int, int, str]]:
        """The block's pieces (cutting its chunk first if need be), by start."""
        if not 0 <= block < len(self.block_starts):
            return []  # a block of another text (the document shown before, not deleted yet)
        self._cut_chunk(block // self.CHUNK_BLOCKS)
        return self._pieces.get(block, [])

    def lanes(self, block: int, shown) -> dict[str, int]:
        """A lane (0, 1, 2, …) for each shown span in a block (``shown(span)`` says which), so that
        spans overlapping in the block never share one: the order of the stripes painted under
        the text. Cached per block until the block changes or ``forget_lanes`` is called."""
        cached = self._lanes.get(block)
        if cached is not None:
            return cached
        lanes: dict[str, int] = {}
        ends: list[int] = []  # per lane, where its last piece ends
        for start, end, span_id in self.block_pieces(block):
            if not shown(self.loaded[span_id]):
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
        hits = [self.loaded[i] for s, e, i in self.block_pieces(block) if s <= local < e]
        return sorted(hits, key=lambda sp: (sp.end - sp.start, sp.start, sp.id))

    def qt_range(self, span: Span) -> tuple[int, int]:
        """The span's document positions in Qt units."""
        return self.offsets.to_qt(span.start), self.offsets.to_qt(span.end)


def _span(row: Span | tuple) -> Span:
    return row if isinstance(row, Span) else Span(*row)
