"""Benchmark: what the bootstrap 95% intervals (spans/bootstrap.py, issue 18 point 5) add to the span
report: span_report on bench_agreement_spans.py's workload (3 coders x 200 documents, about 94
spans per coder per document, built once, not timed) without intervals and with --resamples (default
1000), alternating, in one process after one warm-up run. Prints each run, the medians, the ratio,
and the share of the time the intervals take; exits non-zero when an interval is missing.

Run:  .venv/bin/python benchmarks/bench_agreement_intervals.py [--runs 5] [--resamples 1000] [--documents 200]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_agreement_spans as workload

from annotator.core.agreement.reliability import BootstrapInterval
from annotator.core.agreement.spans import span_report
from annotator.core.agreement.spans.report import INTERVAL_MEASURES


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--resamples", type=int, default=1000)
    ap.add_argument("--documents", type=int, default=workload.DOCUMENTS)
    args = ap.parse_args()
    texts, spans = workload.build(1, args.documents)
    span_report(texts, spans, resamples=10, seed=1)  # warm-up (imports, BLAS threads)
    plain, boot = [], []
    report = {}
    for run in range(args.runs):
        t = time.perf_counter()
        span_report(texts, spans)
        plain.append(time.perf_counter() - t)
        t = time.perf_counter()
        report = span_report(texts, spans, resamples=args.resamples, seed=1)
        boot.append(time.perf_counter() - t)
        print(f"run {run + 1}: without intervals {plain[-1]:.2f} s, with {args.resamples} resamples {boot[-1]:.2f} s")
    a, b = statistics.median(plain), statistics.median(boot)
    print(f"median without {a:.2f} s, with {b:.2f} s: ratio {b / a:.2f}, the intervals {b - a:.2f} s")
    for key in INTERVAL_MEASURES:
        ci = report["overall"][f"{key}_ci95"]
        print(f"  {key}: {report['overall'][key]:.4f} [{ci.low:.4f}, {ci.high:.4f}]"
              if isinstance(ci, BootstrapInterval) else f"  {key}: no interval ({ci})")
    return 0 if all(isinstance(report["overall"][f"{k}_ci95"], BootstrapInterval) for k in INTERVAL_MEASURES) else 1


if __name__ == "__main__":
    sys.exit(main())
