"""The per-block span index the view paints and hit-tests from (plain Python)."""

from annotator.gui.spans import Span, SpanIndex

TEXT = "ab😀cd\nsecond line\n\nfourth 🇫🇷 end"


def span(id, start, end, cat="c", who="a"):
    return Span(id, start, end, cat, who)


def test_pieces_are_block_local_utf16_and_skip_the_newline():
    index = SpanIndex(TEXT, [span("x", 1, 10)])  # "b😀cd\nsec"
    assert index.block_starts == [0, 6, 18, 19]
    assert index.pieces == {0: [(1, 6, "x")], 1: [(0, 4, "x")]}  # 😀 is two units; "\n" not painted
    assert index.blocks_of(index.spans["x"]) == [0, 1]


def test_astral_characters_shift_later_blocks_and_hits():
    start = TEXT.index("end")
    index = SpanIndex(TEXT, [span("e", start, start + 3)])
    local = len("fourth 🇫🇷 ".encode("utf-16-le")) // 2
    assert index.pieces[3] == [(local, local + 3, "e")]
    assert [s.id for s in index.at(start + 1)] == ["e"]
    assert index.at(start - 1) == []


def test_add_replace_remove_report_the_blocks_to_repaint_and_keep_counts():
    index = SpanIndex(TEXT)
    assert index.add(span("x", 0, 3, cat="op")) == [0]
    assert index.add(span("x", 7, 20, cat="fact")) == [0, 1, 2, 3]  # moved: old and new blocks
    assert index.by_category["fact"] == 1 and index.by_category["op"] == 0
    assert index.pieces[0] == [] and index.pieces[1] == [(1, 11, "x")] and index.pieces[3] == [(0, 1, "x")]
    assert index.remove("x") == [1, 2, 3] and index.remove("x") == []
    assert sum(index.by_annotator.values()) == 0


def test_overlapping_spans_get_different_lanes_and_at_lists_innermost_first():
    index = SpanIndex(TEXT, [span("outer", 6, 17), span("inner", 8, 12), span("later", 13, 16), span("other", 0, 2)])
    lanes = index.lanes(1, lambda s: True)
    assert lanes["outer"] != lanes["inner"] and lanes["outer"] != lanes["later"]
    assert lanes["inner"] == lanes["later"]  # they do not overlap: one lane is enough
    assert [s.id for s in index.at(9)] == ["inner", "outer"]
    index.forget_lanes()
    assert index.lanes(1, lambda s: s.id != "outer") == {"inner": 0, "later": 0}


def test_rank_is_the_place_by_start_end_and_id_with_long_spans_and_ties():
    """SpanIndex.rank: the annotation table's Span order (start, end, id), found by bisection."""
    import random

    rng = random.Random(7)
    text = "x" * 20_000
    spans = []
    for n in range(600):
        start = rng.choice((0, 5, 5, 100, rng.randrange(19_000)))
        length = rng.choice((1, 3, 3, 50, SpanIndex.LONG + 10))  # some long ones, kept apart
        spans.append(Span(f"s{n:03}{rng.choice('ab')}", start, min(20_000, start + length), "c", "a"))
    index = SpanIndex(text, spans)
    order = sorted(index.spans.values(), key=lambda s: (s.start, s.end, s.id))
    assert [index.rank(s.id) for s in order] == list(range(len(order)))
    index.add(Span("new", 5, 9, "c", "a"))
    index.remove(order[10].id)
    order = sorted(index.spans.values(), key=lambda s: (s.start, s.end, s.id))
    assert [index.rank(s.id) for s in order] == list(range(len(order)))
    assert index.rank("nope") is None
