"""Benchmark: Gwet's AC1 and AC2 on 5 coders × 100,000 units with 10% missing values, Annotator's
`gwet` against irrCAC's `CAC(...).gwet()` when irrCAC can be imported, in the same process.

Workload (not timed): each unit has a true value (1..5); each coder gives it with probability 0.8,
otherwise a random value; then 10% of the cells, at random, become missing (NaN). Ours gets the
float64 units × coders matrix (timed: coding it into a ReliabilityData, AC and its standard error);
irrCAC gets a pandas DataFrame of the same matrix made before timing (timed: `CAC(frame,
weights=w).gwet()`, which also computes the standard error). Weights: identity (AC1), ordinal,
quadratic, ratio. The script prints each median and the ratio ours / irrCAC (below 1 is faster).
Check: the coefficients agree to 1e-9, otherwise exit 1. No target: the figures go in
benchmarks/README.md ("Gwet's AC1 and AC2").

irrCAC is not in the project's environment (it pins scipy==1.12.0, pandas<3); to time it, run with a
throwaway venv that has it, the worktree on the path:

    python3 -m venv /tmp/venv-gwet && /tmp/venv-gwet/bin/pip install irrCAC==0.4.4 numpy
    PYTHONPATH=. /tmp/venv-gwet/bin/python benchmarks/bench_gwet.py [--runs 5] [--units 100000] [--coders 5]

Without irrCAC it times ours only.
"""

from __future__ import annotations

import argparse
import platform
import sys
import warnings

import numpy as np
from workload import median_time

WEIGHTS = ("identity", "ordinal", "quadratic", "ratio")


def make_data(units: int, coders: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    truth = rng.integers(1, 6, units)
    agree = rng.random((units, coders)) < 0.8
    data = np.where(agree, truth[:, None], rng.integers(1, 6, (units, coders))).astype(np.float64)
    data[rng.random(data.shape) < 0.10] = np.nan
    return data


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--units", type=int, default=100_000)
    parser.add_argument("--coders", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    from annotator.core.agreement.gwet import gwet

    try:
        import pandas as pd
        from irrCAC.raw import CAC as cac  # noqa: N811
    except ImportError:
        cac = None
    data = make_data(args.units, args.coders, args.seed)
    print(f"workload: {args.coders} coders × {args.units:,} units, {np.isnan(data).mean():.1%} missing, "
          f"5 values (numpy {np.__version__}, Python {platform.python_version()}, "
          f"irrCAC {'not installed' if cac is None else 'installed'})")
    frame = pd.DataFrame(data) if cac is not None else None
    failed = False
    gwet(data[:1000], "identity")  # warm up
    for weights in WEIGHTS:
        ours_s, ours = median_time(lambda w=weights: gwet(data, w), args.runs)
        line = f"{weights:>9}: ours {ours_s * 1000:8.1f} ms (AC {ours.value:.6f}, se {ours.se:.6f})"
        if cac is not None:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                theirs_s, theirs = median_time(
                    lambda w=weights: cac(frame, weights=w, digits=15).gwet()["est"], max(1, args.runs // 2))
            line += f"   irrCAC {theirs_s * 1000:8.1f} ms   ratio {ours_s / theirs_s:.3f}"
            if abs(theirs["coefficient_value"] - ours.value) > 1e-9:
                line += f"   MISMATCH {theirs['coefficient_value']!r}"
                failed = True
        print(line)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
