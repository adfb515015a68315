"""Benchmark: γ, γ-cat and γ-k (annotator.core.agreement.spans.gamma), and pygamma-agreement beside it.

Workload: bench_agreement_spans.build (3 coders, documents of about 17,000 characters, about 94
spans per coder per document, many overlapping; see that file), not timed.

Timed, medians of --runs runs:
1. gamma_measures on 3 coders x 1 document (target 0.5 s);
2. the full span report with γ (span_report, every measure) on 3 coders x --documents documents
   (default 200, target 10 s);
3. when /tmp/venv-gamma holds pygamma-agreement (python3 -m venv /tmp/venv-gamma &&
   /tmp/venv-gamma/bin/pip install pygamma-agreement), its compute_gamma (default statistical
   sampler, precision_level 0.02, α = β = Δ∅ = 1) on the first --pygamma-documents documents, one
   subprocess, against Annotator's γ on the same single documents: time per document, the ratio,
   and both values (γ is stochastic on both sides: expect agreement to about 0.05 · (1 − γ)).
   Skipped when the venv is missing.

Run:  .venv/bin/python benchmarks/bench_gamma.py [--runs 3] [--documents 200] [--pygamma-documents 3]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_agreement_spans

from annotator.core.agreement.common import is_defined
from annotator.core.agreement.spans import prepare, span_report
from annotator.core.agreement.spans.gamma import gamma_document_stats, gamma_measures

PYGAMMA = Path("/tmp/venv-gamma/bin/python")
ONE_TARGET, REPORT_TARGET = 0.5, 10.0

PYGAMMA_SCRIPT = r"""
import json, sys, time, warnings, logging
logging.disable(logging.WARNING)
import numpy as np
import pygamma_agreement as pa
from pyannote.core import Segment
out = []
for path in sys.argv[1:]:
    c = pa.Continuum()
    for coder, cat, s, e in json.load(open(path)):
        c.add(coder, Segment(s, e), cat)
    np.random.seed(4772)
    t = time.perf_counter()
    g = c.compute_gamma(pa.CombinedCategoricalDissimilarity(), precision_level=0.02)
    gamma = float(g.gamma)
    out.append({"seconds": time.perf_counter() - t, "gamma": gamma,
                "observed": float(g.observed_disorder), "samples": g.n_samples})
print(json.dumps(out))
"""


def median_time(fn, runs):
    times, result = [], None
    for _ in range(runs):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), times, result


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--documents", type=int, default=200)
    ap.add_argument("--pygamma-documents", type=int, default=3)
    args = ap.parse_args()
    texts, spans = bench_agreement_spans.build(args.seed, args.documents)
    first = next(iter(texts))
    one_spans = [s for s in spans if s[0] == first]
    print(f"workload: 3 coders x {len(texts)} documents, {len(spans):,} spans "
          f"({len(spans) / len(texts) / 3:.1f} per coder per document)")

    ok = True
    med, times, r = median_time(lambda: gamma_measures(prepare({first: texts[first]}, one_spans)), args.runs)
    print(f"gamma, 3 coders x 1 document ({len(one_spans) / 3:.0f} spans each): runs "
          + ", ".join(f"{t:.3f}" for t in times) + f" s; median {med:.3f} s (target {ONE_TARGET} s, "
          f"ratio {med / ONE_TARGET:.2f}); γ {r['overall']['gamma']:.3f}, γ-cat {r['overall']['gamma_cat']:.3f}, "
          f"{r['samples']} samples")
    ok &= med <= ONE_TARGET

    med, times, rep = median_time(lambda: span_report(texts, spans), args.runs)
    g = rep["overall"]
    print(f"span report with gamma, 3 coders x {len(texts)} documents: runs "
          + ", ".join(f"{t:.3f}" for t in times) + f" s; median {med:.3f} s (target {REPORT_TARGET} s, "
          f"ratio {med / REPORT_TARGET:.2f}); γ {g['gamma']:.3f}, γ-cat {g['gamma_cat']:.3f}")
    t_without = median_time(lambda: span_report(texts, spans, gamma=False), args.runs)[0]
    print(f"  the same report without gamma: median {t_without:.3f} s (gamma's share {med - t_without:.3f} s)")
    ok &= med <= REPORT_TARGET and is_defined(g["gamma"])

    if not PYGAMMA.exists():
        print("pygamma-agreement: skipped (no /tmp/venv-gamma)")
        return 0 if ok else 1
    docs = list(texts)[:args.pygamma_documents]
    with tempfile.TemporaryDirectory() as tmp:
        paths = []
        for d in docs:
            rows = [[c, k, s, e] for doc, c, s, e, k in spans if doc == d]
            path = Path(tmp) / f"{d}.json"
            path.write_text(json.dumps(rows))
            paths.append(str(path))
        script = Path(tmp) / "run.py"
        script.write_text(PYGAMMA_SCRIPT)
        proc = subprocess.run([str(PYGAMMA), str(script), *paths], capture_output=True, text=True)
    if proc.returncode:
        print(f"pygamma-agreement failed: {proc.stderr[-500:]}")
        return 1
    theirs = json.loads(proc.stdout.strip().splitlines()[-1])
    ours_t = []
    for d, th in zip(docs, theirs, strict=True):
        doc_spans = [s for s in spans if s[0] == d]
        med, _times, st = median_time(lambda doc_spans=doc_spans, d=d: gamma_document_stats(
            prepare({d: texts[d]}, doc_spans)), args.runs)
        r = gamma_measures(None, stats=st)
        ours_t.append(med)
        print(f"  {d}: pygamma {th['seconds']:.2f} s, γ {th['gamma']:.4f} ({th['samples']} samples, "
              f"observed {th['observed']:.6f}); Annotator {med:.3f} s, γ {r['overall']['gamma']:.4f} "
              f"({r['samples']} samples, observed {st.observed[0] / st.mean_units[0]:.6f}); "
              f"ratio {th['seconds'] / med:.0f}x")
    print(f"pygamma-agreement on {len(docs)} documents: median {statistics.median(t['seconds'] for t in theirs):.2f} s "
          f"per document, Annotator {statistics.median(ours_t):.3f} s: "
          f"{statistics.median(t['seconds'] for t in theirs) / statistics.median(ours_t):.0f}x faster")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
