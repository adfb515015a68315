"""The span report's all-documents-at-once paths (issue 16, point 7) against the per-document
functions they replace, and against themselves cut into many small blocks of documents: the same
counts, pairs, stretches and report, key for key and bit for bit."""

from __future__ import annotations

import importlib
import itertools
import pickle
import random

import numpy as np
import pytest

from annotator.core.agreement.spans import confusion, matching, prepare, span_report, tokens
from annotator.core.agreement.spans.confusion import (
    _confusion_all,
    _confusion_doc,
    _disagreements_all,
    _disagreements_doc,
)
from annotator.core.agreement.spans.matching import _f1_all, _f1_counts
from annotator.core.agreement.spans.prepare import _columns_one_by_one
from annotator.core.agreement.spans.tokens import _covered, _token_counts, _token_tables

prepare_module = importlib.import_module("annotator.core.agreement.spans.prepare")  # the package's name is the function
prepare_fn = prepare_module.prepare


def corpus(seed: int, documents: int = 7, coders=("ann", "bob", "cy"), categories: int = 4, with_text: bool = True):
    """Documents of words and runs of spaces (one empty, one of spaces only), spans that overlap,
    touch, repeat and nest, of several categories, by each coder."""
    rng = random.Random(seed)
    texts, spans = {}, []
    for d in range(documents):
        if d == 2:
            text = ""
        elif d == 3:
            text = "   \n  "
        else:
            words = [rng.choice(["a", "bb", "ccc", "dddd", "é", "𝔸x"]) for _ in range(rng.randint(5, 80))]
            text = "".join(w + rng.choice([" ", "  ", "\n", "\t "]) for w in words)
        doc = f"d{d}"
        texts[doc] = text if with_text else len(text)
        n = len(text)
        for coder in coders:
            for _ in range(rng.randint(0, 25) if n else 0):
                s = rng.randrange(n)
                e = min(n, s + rng.randint(0, 30))
                spans.append((doc, coder, s, e, f"c{rng.randrange(categories)}"))
            if n > 4:
                spans.append((doc, coder, 0, 2, "c0"))
                spans.append((doc, coder, 2, 4, "c0"))  # touching: two units
    spans += spans[:10]  # duplicates count once
    return texts, spans


def canon(x):
    return pickle.dumps(x)


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("with_text", [True, False])
def test_pooled_counts_are_the_per_document_ones(seed, with_text):
    texts, spans = corpus(seed, with_text=with_text)
    p = prepare(texts, spans)
    m, K = len(p.coders), len(p.categories)
    tok_pairs, tok_alpha = _token_tables(p, m, K)
    for n, doc in enumerate(p.docs):
        tp, ta = _token_counts(_covered(doc, m, K))
        assert np.array_equal(tok_pairs[n], tp) and np.array_equal(tok_alpha[n], ta)
    for a, b in itertools.permutations(range(m), 2):
        counts, same = _f1_all(p, a, b, K)
        conf = np.zeros((K + 1, K + 1), dtype=np.int64)
        left, right = [], []
        for n, doc in enumerate(p.docs):
            cnt, pairs = _f1_counts(doc, a, b, K)
            assert np.array_equal(counts[n], cnt)
            conf += _confusion_doc(doc, a, b, K, pairs)
            ba, bb = p.pool.raw_bounds[p.pool.coders[a]][n], p.pool.raw_bounds[p.pool.coders[b]][n]
            left += [i + ba for i, _ in pairs]
            right += [j + bb for _, j in pairs]
        assert same[0].tolist() == left and same[1].tolist() == right
        assert np.array_equal(_confusion_all(p, a, b, K, same), conf)
    shared: dict = {}
    assert _disagreements_all(p, {}) == [d for doc in p.docs for d in _disagreements_doc(doc, p, shared)]


@pytest.mark.parametrize("seed", range(4))
def test_small_blocks_give_the_same_report(seed, monkeypatch):
    texts, spans = corpus(seed, documents=9)
    whole = span_report(texts, spans, gamma=False, every_confusion=True, resamples=20, seed=1)
    monkeypatch.setattr(matching, "SPANS_PER_BLOCK", 3)
    monkeypatch.setattr(tokens, "TOKENS_PER_BLOCK", 5)
    monkeypatch.setattr(confusion, "CHUNK", 4)
    monkeypatch.setattr(prepare_module, "ROWS_PER_CHUNK", 7)
    assert canon(span_report(texts, spans, gamma=False, every_confusion=True, resamples=20, seed=1)) == canon(whole)


@pytest.mark.parametrize("seed", range(4))
def test_prepare_reads_columns_as_it_read_rows(seed):
    """The column reader and the row-at-a-time reader (used for unusual input) prepare the same."""
    texts, spans = corpus(seed)
    quick = prepare_fn(texts, spans)
    lengths = {d: len(t) for d, t in texts.items()}
    slow_rows = [(d, c, float(s), e, k) for d, c, s, e, k in spans]  # floats: read one row at a time
    slow = prepare_fn(texts, slow_rows)
    assert (quick.coders, quick.categories, quick.excluded_documents) == (slow.coders, slow.categories,
                                                                           slow.excluded_documents)
    for dq, ds in zip(quick.docs, slow.docs, strict=True):
        assert dq.doc_id == ds.doc_id
        assert all(np.array_equal(x, y) for rq, rs in zip(dq.raw, ds.raw) for x, y in zip(rq, rs))
        assert all(np.array_equal(x, y) for mq, ms in zip(dq.merged, ds.merged)
                   for uq, us in zip(mq, ms) for x, y in zip(uq, us))
    doc_pos = {d: n for n, d in enumerate(lengths)}
    cols = _columns_one_by_one(spans, doc_pos, np.array(list(lengths.values())))
    assert len(cols[0]) == len(spans)


def test_a_coder_listed_twice_and_unusual_rows():
    texts, spans = corpus(1)
    twice = span_report(texts, spans, coders=["ann", "bob", "ann"], gamma=False)
    assert twice["pairs"][1]["span_f1_exact"] == 1.0  # ann against ann
    with pytest.raises(ValueError, match="outside the document"):
        prepare(texts, spans + [("d0", "ann", 5, 4, "c0")])
    with pytest.raises(ValueError, match="unknown document"):
        prepare(texts, spans[:3] + [("nowhere", "ann", 0, 1, "c0")] + spans[3:])
    with pytest.raises(ValueError):
        prepare(texts, spans + [("d0", "ann", 0, 1)])
    same = span_report(texts, iter(spans), gamma=False)  # any iterable
    assert canon(same) == canon(span_report(texts, spans, gamma=False))
