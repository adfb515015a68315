"""Benchmark: the full span agreement report (annotator.core.agreement.spans.span_report).

Workload (built once, not timed): 3 coders x 200 documents of about 17,000 characters (sentences
of the sample corpus in ../shared/corpus when it exists, else synthetic words; see workload.py),
about 94 spans per coder per document. Each document gets 99 "reference" spans (5 to 300
characters, 6 categories, many overlapping); each coder keeps a reference span with probability
0.9, moves each of its ends by up to 10 characters half the time, changes its category 10% of the
time, and adds about 5 spans of its own: coders agree a lot but not perfectly, as in a real study.

Timed: span_report(texts, spans) with every measure (unitizing alpha 1995, the 2016 family, span
F1 exact and overlap, token kappa and alpha, per category, per document, per pair, the confusion
matrix and the disagreements), with the texts given as strings (word tokens). Prints each run,
the median of --runs runs (default 5), the ratio to the target (2 s for 200 documents, 5 s for
2,000) and the process's peak RSS; exits non-zero when the report is incomplete. --documents 2000
is the scale run of issue 16 (target 5 s and 500 MB).

Run:  .venv/bin/python benchmarks/bench_agreement_spans.py [--runs 5] [--seed 1] [--documents 200]
"""

from __future__ import annotations

import argparse
import random
import resource
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import workload

from annotator.core.agreement.common import is_defined
from annotator.core.agreement.spans import MEASURES, span_report

TARGET_S = 2.0
SCALE_TARGET = (5.0, 500)  # seconds and MB of peak RSS at 2,000 documents (issue 16)
CODERS = ["ann", "bob", "cy"]
DOCUMENTS = 200
DOC_CHARS = 17_000
SPANS = 99
CATEGORIES = [f"cat{k}" for k in range(6)]


def build(seed: int, documents: int = DOCUMENTS):
    rng = random.Random(seed)
    sentences = workload.load_sentences(rng)
    texts, spans = {}, []
    for d in range(documents):
        doc = f"doc{d:03d}"
        text = workload.paragraphs(rng, sentences, f"Document {d}\n\n", DOC_CHARS, lambda s, r: s)[:DOC_CHARS]
        texts[doc] = text
        n = len(text)
        reference = []
        for _ in range(SPANS):
            start = rng.randrange(n - 5)
            reference.append((start, min(n, start + rng.randint(5, 300)), rng.choice(CATEGORIES)))
        for coder in CODERS:
            for start, end, cat in reference:
                if rng.random() > 0.9:
                    continue
                if rng.random() < 0.5:
                    start = min(n - 1, max(0, start + rng.randint(-10, 10)))  # stays inside the text
                    end = min(n, max(start + 1, end + rng.randint(-10, 10)))
                if rng.random() < 0.1:
                    cat = rng.choice(CATEGORIES)
                spans.append((doc, coder, start, end, cat))
            for _ in range(5):
                start = rng.randrange(n - 5)
                spans.append((doc, coder, start, min(n, start + rng.randint(5, 300)), rng.choice(CATEGORIES)))
    return texts, spans


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--documents", type=int, default=DOCUMENTS, help=f"documents (default {DOCUMENTS}; 2000: issue 16)")
    args = ap.parse_args()
    texts, spans = build(args.seed, args.documents)
    chars = sum(len(t) for t in texts.values())
    print(f"workload: {len(CODERS)} coders x {len(texts)} documents, {chars:,} characters "
          f"({chars / len(texts):,.0f} per document), {len(spans):,} spans "
          f"({len(spans) / len(texts) / len(CODERS):.1f} per coder per document); text from {workload.text_source()}")
    target_s, target_mb = SCALE_TARGET if args.documents > DOCUMENTS else (TARGET_S, None)
    times, report = [], None
    for run in range(args.runs):
        report = None  # the last run's report is not held while the next one is made
        t0 = time.perf_counter()
        report = span_report(texts, spans)
        times.append(time.perf_counter() - t0)
        print(f"run {run + 1}: {times[-1]:.3f} s")
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux
    ok = (len(report["per_document"]) == args.documents and len(report["pairs"]) == 3
          and all(is_defined(report["overall"][k]) or k == "cu_alpha_2016" for k in MEASURES))
    overall = ", ".join(f"{k} {v:.3f}" if is_defined(v) else f"{k} undefined" for k, v in report["overall"].items())
    print(f"overall: {overall}")
    print(f"disagreements: {len(report['disagreements']):,}")
    med = statistics.median(times)
    memory = f"; peak RSS {peak_mb:,.0f} MB (workload included" + (f", target {target_mb} MB)" if target_mb else ")")
    print(f"span report: median {med:.3f} s for {len(CODERS)} coders x {args.documents} documents "
          f"(target {target_s:g} s, ratio {med / target_s:.2f}){memory}")
    if not ok:
        print("FAILED: the report is incomplete", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
