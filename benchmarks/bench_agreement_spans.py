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

--scaling (issue 18, point 10): ONE document with 1,250 ... 20,000 spans per coder (the same
generator, the text and the reference spans scaled together, so the density of spans stays that of
the default workload: about 181 characters per span per coder), for 2 and 5 coders. Each size runs in
a subprocess of its own; it times prepare, span_report and each measure alone on the prepared data
(unitizing_alpha, u_alpha_2016, span_f1, token_kappa, token_alpha, span_confusion,
span_disagreements): the median wall and CPU time of --runs runs (one run when a run takes more than
20 s), then one more run under tracemalloc for its peak (numpy's buffers included) above what was held before the
call. Prints a table per coder count (CPU time and peak) with the growth ratio per doubling of the
spans (2.0 is linear, 4.0 quadratic) and the subprocess's peak RSS.

--no-gamma: the report without γ (``gamma=False``), the figure of issue 16's target.

Run:  .venv/bin/python benchmarks/bench_agreement_spans.py [--runs 5] [--seed 1] [--documents 200] [--no-gamma]
      .venv/bin/python benchmarks/bench_agreement_spans.py --scaling [--runs 3] [--sizes 1250,...,20000]
                                                           [--coder-counts 2,5]
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import statistics
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import workload

from annotator.core.agreement.common import is_defined
from annotator.core.agreement.spans import (
    MEASURES,
    prepare,
    span_confusion,
    span_disagreements,
    span_f1,
    span_report,
    token_alpha,
    token_kappa,
    u_alpha_2016,
    unitizing_alpha,
)
from annotator.core.agreement.spans.gamma import KEYS as GAMMA_KEYS

TARGET_S = 2.0
SCALE_TARGET = (5.0, 500)  # seconds and MB of peak RSS at 2,000 documents (issue 16)
CODERS = ["ann", "bob", "cy"]
DOCUMENTS = 200
DOC_CHARS = 17_000
SPANS = 99
CATEGORIES = [f"cat{k}" for k in range(6)]


def build(seed: int, documents: int = DOCUMENTS, coders=CODERS, doc_chars: int = DOC_CHARS,
          reference_spans: int = SPANS):
    """The workload: ``documents`` texts of ``doc_chars`` characters, ``reference_spans`` reference
    spans in each, every coder of ``coders`` keeping, moving and adding spans as the module says."""
    rng = random.Random(seed)
    sentences = workload.load_sentences(rng)
    texts, spans = {}, []
    extra = round(5 * reference_spans / SPANS)
    for d in range(documents):
        doc = f"doc{d:03d}"
        text = workload.paragraphs(rng, sentences, f"Document {d}\n\n", doc_chars, lambda s, r: s)[:doc_chars]
        texts[doc] = text
        n = len(text)
        reference = []
        for _ in range(reference_spans):
            start = rng.randrange(n - 5)
            reference.append((start, min(n, start + rng.randint(5, 300)), rng.choice(CATEGORIES)))
        for coder in coders:
            for start, end, cat in reference:
                if rng.random() > 0.9:
                    continue
                if rng.random() < 0.5:
                    start = min(n - 1, max(0, start + rng.randint(-10, 10)))  # stays inside the text
                    end = min(n, max(start + 1, end + rng.randint(-10, 10)))
                if rng.random() < 0.1:
                    cat = rng.choice(CATEGORIES)
                spans.append((doc, coder, start, end, cat))
            for _ in range(extra):
                start = rng.randrange(n - 5)
                spans.append((doc, coder, start, min(n, start + rng.randint(5, 300)), rng.choice(CATEGORIES)))
    return texts, spans


SIZES = (1250, 2500, 5000, 10000, 20000)
PARTS = ("prepare", "span_report", "unitizing_alpha", "u_alpha_2016", "span_f1", "token_kappa",
         "token_alpha", "span_confusion", "span_disagreements")
SLOW_S = 20.0  # a part whose first run takes longer than this is run once


def one_document(seed: int, spans_per_coder: int, n_coders: int):
    """One document with about ``spans_per_coder`` spans per coder, at the default workload's density."""
    reference = round(spans_per_coder * SPANS / (0.9 * SPANS + 5))
    chars = round(DOC_CHARS * reference / SPANS)
    return build(seed, 1, [f"c{i}" for i in range(n_coders)], chars, reference)


def measure_size(seed: int, spans_per_coder: int, n_coders: int, runs: int) -> dict:
    """Time and trace every part on one document (run in a subprocess of its own)."""
    texts, spans = one_document(seed, spans_per_coder, n_coders)
    p = prepare(texts, spans)
    calls = {
        "prepare": lambda: prepare(texts, spans),
        "span_report": lambda: span_report(texts, spans),
        "unitizing_alpha": lambda: unitizing_alpha(p),
        "u_alpha_2016": lambda: u_alpha_2016(p),
        "span_f1": lambda: span_f1(p),
        "token_kappa": lambda: token_kappa(p),
        "token_alpha": lambda: token_alpha(p),
        "span_confusion": lambda: span_confusion(p),
        "span_disagreements": lambda: span_disagreements(p),
    }
    out = {"spans_per_coder": len(spans) / n_coders, "chars": sum(len(t) for t in texts.values()), "parts": {}}
    for name in PARTS:
        times, cpu = [], []
        for _ in range(runs):
            for d in p.docs:
                d._tokens = None  # every run tokenises afresh
            t0, c0 = time.perf_counter(), time.process_time()
            calls[name]()
            times.append(time.perf_counter() - t0)
            cpu.append(time.process_time() - c0)
            if times[-1] > SLOW_S:
                break
        for d in p.docs:
            d._tokens = None
        tracemalloc.start()
        base = tracemalloc.get_traced_memory()[0]
        result = calls[name]()
        peak = tracemalloc.get_traced_memory()[1] - base
        tracemalloc.stop()
        del result
        out["parts"][name] = {"s": statistics.median(times), "cpu": statistics.median(cpu), "runs": len(times),
                              "peak_mb": peak / 2**20}
    out["rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return out


def scaling(args) -> int:
    """The --scaling table: one subprocess per size and coder count."""
    sizes = [int(x) for x in args.sizes.split(",")]
    print(f"scaling: one document, spans per coder {sizes}, coders {args.coder_counts}, "
          f"median of {args.runs} runs (1 when a run takes > {SLOW_S:g} s); text from {workload.text_source()}")
    results = {}
    for m in [int(x) for x in args.coder_counts.split(",")]:
        rows = []
        for size in sizes:
            cmd = [sys.executable, __file__, "--one-size", str(size), "--one-coders", str(m),
                   "--runs", str(args.runs), "--seed", str(args.seed)]
            done = subprocess.run(cmd, capture_output=True, text=True)
            if done.returncode:
                print(done.stderr, file=sys.stderr)
                return 1
            rows.append(json.loads(done.stdout.strip().splitlines()[-1]))
            r = rows[-1]
            print(f"  {m} coders, {size:>6} spans/coder ({r['spans_per_coder']:.0f}, {r['chars']:,} chars): "
                  + ", ".join(f"{k} {v['s']:.3f} s (CPU {v['cpu']:.3f})" for k, v in r["parts"].items())
                  + f"; peak RSS {r['rss_mb']:.0f} MB", flush=True)
        results[m] = rows
        print(f"\n{m} coders: CPU time (s) / tracemalloc peak (MB), ratio per doubling in brackets "
              "(CPU time, the process's own, is less disturbed than wall time on a shared machine)")
        print("| part | " + " | ".join(f"{s:,}" for s in sizes) + " |")
        print("|---|" + "---|" * len(sizes))
        for name in PARTS:
            cells = []
            for k, r in enumerate(rows):
                v = r["parts"][name]
                cell = f"{v['cpu']:.3f} s / {v['peak_mb']:.1f} MB"
                if k:
                    prev = rows[k - 1]["parts"][name]
                    rt = v["cpu"] / prev["cpu"] if prev["cpu"] > 0 else float("nan")
                    rm = v["peak_mb"] / prev["peak_mb"] if prev["peak_mb"] > 0 else float("nan")
                    cell += f" ({rt:.1f}, {rm:.1f})"
                cells.append(cell)
            print(f"| {name} | " + " | ".join(cells) + " |")
        print("| peak RSS (process) | " + " | ".join(f"{r['rss_mb']:.0f} MB" for r in rows) + " |\n", flush=True)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1))
    return 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=None, help="runs (default 5; 3 with --scaling)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--documents", type=int, default=DOCUMENTS, help=f"documents (default {DOCUMENTS}; 2000: issue 16)")
    ap.add_argument("--no-gamma", action="store_true", help="the report without gamma (span_report(..., gamma=False))")
    ap.add_argument("--scaling", action="store_true", help="one document, growing spans per coder (issue 18)")
    ap.add_argument("--sizes", default=",".join(map(str, SIZES)), help="spans per coder, with --scaling")
    ap.add_argument("--coder-counts", default="2,5", help="coder counts, with --scaling")
    ap.add_argument("--json", help="with --scaling: also write the figures to this file")
    ap.add_argument("--one-size", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--one-coders", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one_size:
        print(json.dumps(measure_size(args.seed, args.one_size, args.one_coders, args.runs or 3)))
        return 0
    if args.scaling:
        args.runs = args.runs or 3
        return scaling(args)
    args.runs = args.runs or 5
    texts, spans = build(args.seed, args.documents)
    chars = sum(len(t) for t in texts.values())
    print(f"workload: {len(CODERS)} coders x {len(texts)} documents, {chars:,} characters "
          f"({chars / len(texts):,.0f} per document), {len(spans):,} spans "
          f"({len(spans) / len(texts) / len(CODERS):.1f} per coder per document); text from {workload.text_source()}")
    target_s, target_mb = SCALE_TARGET if args.documents > DOCUMENTS else (TARGET_S, None)
    times, cpu, report = [], [], None
    for run in range(args.runs):
        report = None  # the last run's report is not held while the next one is made
        t0, c0 = time.perf_counter(), time.process_time()
        report = span_report(texts, spans, gamma=not args.no_gamma)
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
        print(f"run {run + 1}: {times[-1]:.3f} s (CPU {cpu[-1]:.3f} s)")
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux
    ok = (len(report["per_document"]) == args.documents and len(report["pairs"]) == 3
          and all(is_defined(report["overall"][k]) or k == "cu_alpha_2016" or (args.no_gamma and k in GAMMA_KEYS)
                  for k in MEASURES))
    overall = ", ".join(f"{k} {v:.3f}" if is_defined(v) else f"{k} undefined" for k, v in report["overall"].items())
    print(f"overall: {overall}")
    print(f"disagreements: {len(report['disagreements']):,}")
    med = statistics.median(times)
    memory = f"; peak RSS {peak_mb:,.0f} MB (workload included" + (f", target {target_mb} MB)" if target_mb else ")")
    label = " without gamma" if args.no_gamma else ""
    print(f"span report{label}: median {med:.3f} s for {len(CODERS)} coders x {args.documents} documents "
          f"(CPU {statistics.median(cpu):.3f} s; target {target_s:g} s, ratio {med / target_s:.2f}){memory}")
    if not ok:
        print("FAILED: the report is incomplete", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
