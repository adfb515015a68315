"""Benchmark: Krippendorff's alpha (nominal) on 5 coders × 1,000,000 units with 10% missing values,
Annotator's `krippendorff_alpha` against the `krippendorff` package, in the same process.

Workload (not timed): each unit has a true category (5 categories); each coder gives it with
probability 0.8, otherwise a random category; then 10% of the cells, at random, become missing (NaN).
The same float64 matrix goes to both: units × coders to ours, its coders × units transpose (a
contiguous copy, made before timing) to `krippendorff.alpha(..., level_of_measurement="nominal")`.
Each run times both, in alternating order; the script prints every run, each median and the ratio
ours / package (below 1 is faster). Target: ratio ≤ 1. Check: the two alphas agree to 1e-9,
otherwise exit 1.

Also reported, without a target: the bootstrap 95% interval of alpha (1,000 resamples of units),
and alpha at the interval level, for ours and the package.

Run:  .venv/bin/python benchmarks/bench_agreement.py [--runs 5] [--units 1000000] [--coders 5] [--seed 1]
"""

from __future__ import annotations

import argparse
import platform
import statistics
import sys
import time

import numpy as np


def make_data(units: int, coders: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    truth = rng.integers(0, 5, units)
    agree = rng.random((units, coders)) < 0.8
    data = np.where(agree, truth[:, None], rng.integers(0, 5, (units, coders))).astype(np.float64)
    data[rng.random(data.shape) < 0.10] = np.nan
    return data


def timed(function):
    start = time.perf_counter()
    result = function()
    return time.perf_counter() - start, result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--units", type=int, default=1_000_000)
    parser.add_argument("--coders", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    import krippendorff

    from annotator.core.agreement.reliability import krippendorff_alpha, krippendorff_alpha_bootstrap

    data = make_data(args.units, args.coders, args.seed)
    transposed = np.ascontiguousarray(data.T)
    missing = np.isnan(data).mean()
    print(f"workload: {args.coders} coders × {args.units:,} units, {missing:.1%} missing, 5 categories "
          f"(numpy {np.__version__}, Python {platform.python_version()})")

    ours_times, theirs_times, failed = [], [], False
    for run in range(1, args.runs + 1):
        order = ("ours", "theirs") if run % 2 else ("theirs", "ours")
        results = {}
        for who in order:
            if who == "ours":
                seconds, results[who] = timed(lambda: krippendorff_alpha(data, "nominal"))
                ours_times.append(seconds)
            else:
                seconds, results[who] = timed(
                    lambda: krippendorff.alpha(reliability_data=transposed, level_of_measurement="nominal"))
                theirs_times.append(seconds)
        same = abs(results["ours"] - results["theirs"]) <= 1e-9
        failed |= not same
        print(f"run {run}: ours {ours_times[-1]:.3f} s, krippendorff {theirs_times[-1]:.3f} s, "
              f"alpha {results['ours']:.6f} / {results['theirs']:.6f}{'' if same else '  MISMATCH'}")

    ours, theirs = statistics.median(ours_times), statistics.median(theirs_times)
    ratio = ours / theirs
    print(f"median: ours {ours:.3f} s, krippendorff {theirs:.3f} s, ratio ours/krippendorff {ratio:.2f} "
          f"({theirs / ours:.1f}× faster) target ratio ≤ 1: {'met' if ratio <= 1 else 'MISSED'}")

    seconds, interval = timed(lambda: krippendorff_alpha_bootstrap(data, "nominal", resamples=1000, seed=1))
    print(f"bootstrap (no target): 1,000 resamples of units in {seconds:.3f} s, "
          f"95% CI [{interval.low:.5f}, {interval.high:.5f}]")
    ours_s, ours_alpha = timed(lambda: krippendorff_alpha(data, "interval"))
    theirs_s, theirs_alpha = timed(
        lambda: krippendorff.alpha(reliability_data=transposed, level_of_measurement="interval"))
    print(f"interval level (no target): ours {ours_s:.3f} s, krippendorff {theirs_s:.3f} s, "
          f"alpha {ours_alpha:.6f} / {theirs_alpha:.6f}")
    if abs(ours_alpha - theirs_alpha) > 1e-9:
        failed = True
    if failed:
        print("FAILED: the two implementations disagree", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
