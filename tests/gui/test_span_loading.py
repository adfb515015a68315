"""Issue 16, point 1: a long document's span index reads its spans a part at a time (plain
Python, driven here with a source held in a dict, as the project would answer): at first the
long spans and the count only; the spans that can touch a block when the block is first cut; the
whole document for a question about all of it. What it holds in the end is what a full read
holds, whatever edits came in between, and a block's lanes never change when later spans arrive."""

from __future__ import annotations

import random
from collections import Counter

import pytest

from annotator.gui.spans import Span, SpanIndex

LINE = "A line with 😀 in it, and words after the emoji to make it longer than most.\n"
LINES = 4000


class Source:
    """The document's spans as the project holds them: edits below change ``rows`` first, as
    the project does before the view hears of them."""

    def __init__(self, rows: dict[str, Span]) -> None:
        self.rows = rows
        self.stored = set(rows)  # those it had, still stored
        self.counted = self.started = 0
        self.windows: list[tuple[int, int]] = []

    def is_new(self, span_id):
        return span_id not in self.stored

    def removed(self):
        self.stored &= set(self.rows)

    def starts(self, size, longest):
        self.started += 1
        return Counter(s.start // size for s in self.rows.values() if s.end - s.start <= longest)

    def count(self) -> int:
        self.counted += 1
        return len(self.rows)

    def window(self, low, high, longer_than=None):
        self.windows.append((low, high))
        return sorted((row(s) for s in self.rows.values() if low <= s.start < high
                       and (longer_than is None or s.end - s.start > longer_than)), key=lambda r: r[1:3] + r[:1])

    def one(self, span_id):
        span = self.rows.get(span_id)
        return None if span is None else row(span)


def row(span: Span) -> tuple:
    """The row a source gives."""
    return (span.id, span.start, span.end, span.category_id, span.annotator_id)


@pytest.fixture
def text():
    return LINE * LINES


def make_spans(text: str, n: int = 3000, seed: int = 7) -> dict[str, Span]:
    rng = random.Random(seed)
    spans = {}
    for i in range(n):
        start = rng.randrange(len(text) - 50)
        length = rng.choice([5, 40, 300, 2000]) if i % 97 else 9000  # a few longer than LONG
        spans[f"s{i:05}"] = Span(f"s{i:05}", start, min(len(text), start + length), f"c{i % 3}", f"a{i % 2}")
    return spans


@pytest.fixture(autouse=True)
def lazy(monkeypatch):
    monkeypatch.setattr(SpanIndex, "EAGER", 0, raising=False)  # these documents are small: read them part by part


def test_opening_reads_the_long_spans_and_the_count_only(text):
    spans = make_spans(text)
    index = SpanIndex(text, source=Source(spans))
    long = {i for i, s in spans.items() if s.end - s.start > SpanIndex.LONG}
    assert long and set(index.loaded) == long
    assert index.count == len(index.spans) == len(spans) and not index.complete
    assert index.counts() is None  # not before all are read


def test_a_block_cut_reads_what_can_touch_it_and_its_lanes_never_change(text):
    spans = make_spans(text)
    source = Source(spans)
    lazy, full = SpanIndex(text, source=source), SpanIndex(text, spans.values())

    def shown(span):
        return span.category_id != "c2"
    blocks = list(range(len(lazy.block_starts)))
    random.Random(3).shuffle(blocks)
    early = {}
    for block in blocks[:200]:
        assert lazy.block_pieces(block) == full.block_pieces(block)
        early[block] = dict(lazy.lanes(block, shown))
        assert early[block] == full.lanes(block, shown)
    assert not lazy.complete and len(lazy.loaded) < len(spans)
    lazy.load_all()
    assert lazy.complete and lazy.loaded == full.loaded
    for block, lanes in early.items():
        assert lazy.lanes(block, shown) == lanes  # the spans read later changed no lane
    assert lazy.pieces == full.pieces
    assert lazy.counts() == (full.by_category, full.by_annotator)
    assert all(lazy.rank(i) == full.rank(i) for i in list(spans)[::50])


def test_ranks_while_reading_count_the_spans_not_read_yet_by_bucket(text):
    spans = make_spans(text)
    source = Source(spans)
    index = SpanIndex(text, source=source)

    def rank_of(span_id):  # by (start, end, id), as the annotation table's Span column
        return sorted(spans.values(), key=lambda s: (s.start, s.end, s.id)).index(spans[span_id])

    for block in (0, 1, len(index.block_starts) // 2):
        index.block_pieces(block)
    ids = [i for i in index.loaded] + [i for i in spans if spans[i].end - spans[i].start > SpanIndex.LONG]
    assert all(index.rank(i) == rank_of(i) for i in ids) and not index.complete
    assert source.started == 1  # the buckets counted once
    new = Span("new", len(text) // 3, len(text) // 3 + 5, "c0", "a0")
    spans["new"] = new
    index.add(new)  # a creation: the counts still hold
    far = next(s for s in spans.values() if s.id not in index.loaded and s.start > len(text) // 2)
    moved = Span(far.id, 7, 12, far.category_id, far.annotator_id)
    spans[far.id] = moved
    index.add(moved)  # one not read yet moved: counted again
    assert [index.rank(i) for i in ("new", far.id)] == [rank_of("new"), rank_of(far.id)]
    assert source.started == 2 and not index.complete


def test_looking_one_up_reads_the_stretch_it_starts_in(text):
    spans = make_spans(text)
    source = Source(spans)
    index = SpanIndex(text, source=source)
    far = max(spans.values(), key=lambda s: (s.end - s.start <= SpanIndex.LONG, s.start))
    assert far.id not in index.loaded and far.id in index.spans and index.spans[far.id] == far
    low, high = source.windows[-1]
    assert low <= far.start < high and high - low == SpanIndex.BUCKET
    assert "nothing" not in index.spans and index.spans.get("nothing") is None
    assert set(index.spans) == set(spans) and index.complete  # going through them reads them all


def test_edits_while_reading_are_neither_lost_nor_duplicated_and_the_count_holds(text):
    spans = make_spans(text)
    source = Source(spans)
    index = SpanIndex(text, source=source)
    index.block_pieces(0)  # the first screen
    unread = [s for s in spans.values() if s.id not in index.loaded and s.start > len(text) // 2]

    def edit(span: Span | None, remove: str | None = None):
        if remove is not None:
            spans.pop(remove, None)  # (another document's, for the last one)
            index.remove(remove)
        else:
            spans[span.id] = span
            counted = source.counted
            index.add(span)
            assert index.count == len(spans) and source.counted == counted  # a creation or a move: not counted
        assert index.count == len(spans)

    edit(Span("new-far", len(text) - 30, len(text) - 20, "c0", "a0"))  # created where nothing is read
    edit(Span("new-near", 3, 9, "c1", "a1"))  # created on the first screen
    moved = unread[0]
    edit(Span(moved.id, 10, 20, "c2", moved.annotator_id))  # one not read yet, moved to the top
    edit(None, remove=unread[1].id)  # one not read yet, deleted
    edit(None, remove="new-near")
    edit(Span("new-near", 3, 9, "c1", "a1"))  # the deletion undone
    edit(None, remove=unread[2].id)
    edit(unread[2])  # and that one's
    edit(Span("long-new", 100, 100 + 2 * SpanIndex.LONG, "c0", "a1"))
    edit(None, remove="not in this document")
    index.pieces  # noqa: B018 - cut (and so read) every block, as idle time does
    assert index.complete and index.loaded == spans
    assert index.counts() == (Counter(s.category_id for s in spans.values()),
                              Counter(s.annotator_id for s in spans.values()))
    full = SpanIndex(text, spans.values())
    assert index.pieces == full.pieces


def test_without_a_source_or_with_few_spans_everything_is_there_at_once(text, monkeypatch):
    spans = make_spans(text, n=50)
    assert SpanIndex(text, spans.values()).complete
    monkeypatch.setattr(SpanIndex, "EAGER", 50)
    index = SpanIndex(text, source=Source(spans))
    assert index.complete and index.loaded == spans and index.counts() is not None
