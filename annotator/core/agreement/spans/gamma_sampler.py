"""γ's expected disorder: random continua from a seedable statistical sampler, and a
precision-driven stopping rule (Qt-free, numpy).

The sampler (pygamma-agreement's ``StatisticalContinuumSampler``, the default of its
``compute_gamma``; Mathet et al. 2015, section 5.2, describe the chance level as the disorder of
continua in which the coders' annotation habits are kept and their agreement is destroyed):
from the real data it takes the mean and standard deviation of

* the number of units per coder (one value per coder and document),
* the gaps: before each coder's first unit (when it starts after 0) and between each coder's
  consecutive units, ``start − previous end`` (negative where a coder's units overlap), with one
  extra 0 (as pygamma, so a continuum of single units has a gap distribution),
* the unit lengths,

and the share of each category. A random continuum gives every coder |⌊N(μ_n, σ_n)⌋| units (at
least one unit in all), laid left to right: start = previous end + N(μ_gap, σ_gap), length
|N(μ_len, σ_len)| (drawn again while shorter than 10⁻⁶), category drawn with the shares. Over
several documents the statistics are pooled over all documents and coders (positions within each
document), and each random continuum is document-sized.

The stopping rule: draw ``min_samples`` continua, then more in steps of ``step`` until the
half-width of the 95% confidence interval of the mean disorder, 1.96 · s / √N (s the standard
deviation of the N sampled disorders), is at most ``precision`` × the mean, or N reaches
``max_samples``. This is pygamma-agreement's rule (N ≥ (1.96 · s / (mean · precision))², applied
once there, sequentially here). Defaults: precision 0.02 (pygamma's "medium"), 30 to 1,000
samples. Everything random comes from ``numpy.random.Generator(PCG64(seed))``: the same data,
parameters and seed give the same value.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

_MIN_LENGTH = 1e-6  # pyannote.core's SEGMENT_PRECISION, below which pygamma draws the length again

MIN_SAMPLES, MAX_SAMPLES, STEP, PRECISION = 30, 1000, 10, 0.02


@dataclass(frozen=True)
class SamplerStats:
    """What the statistical sampler draws from (see the module docstring)."""

    n_coders: int
    units_mean: float
    units_std: float
    gap_mean: float
    gap_std: float
    length_mean: float
    length_std: float
    category_weights: np.ndarray  # one per category index, summing to 1

    @classmethod
    def fit(cls, documents: list, n_categories: int) -> SamplerStats:
        """``documents``: one continuum per document, each ``[(starts, ends, categories)]`` per
        coder (every coder's units sorted by start, then end)."""
        counts, gaps, lengths, cats = [], [np.zeros(1)], [], []
        for coders in documents:
            for s, e, k in coders:
                s, e = np.asarray(s, dtype=np.float64), np.asarray(e, dtype=np.float64)
                counts.append(s.size)
                if s.size:
                    gaps.append(s[1:] - e[:-1])
                    if s[0] > 0:
                        gaps.append(s[:1])
                    lengths.append(e - s)
                    cats.append(np.asarray(k))
        n_coders = len(documents[0]) if documents else 0
        gaps_a = np.concatenate(gaps)
        lengths_a = np.concatenate(lengths) if lengths else np.zeros(0)
        weights = np.bincount(np.concatenate(cats), minlength=n_categories).astype(np.float64) \
            if cats else np.zeros(n_categories)
        if weights.sum():
            weights /= weights.sum()
        counts_a = np.asarray(counts, dtype=np.float64)
        return cls(n_coders, float(counts_a.mean()), float(counts_a.std()), float(gaps_a.mean()),
                   float(gaps_a.std()), float(lengths_a.mean()) if lengths_a.size else 0.0,
                   float(lengths_a.std()) if lengths_a.size else 0.0, weights)

    def sample(self, rng: np.random.Generator) -> list:
        """One random continuum: ``[(starts, ends, categories)]`` per coder."""
        out, total = [], 0
        K = self.category_weights.size
        for _ in range(self.n_coders):
            n = abs(int(rng.normal(self.units_mean, self.units_std)))
            if total == 0:
                n = max(1, n)
            total += n
            gaps = rng.normal(self.gap_mean, self.gap_std, n)
            lengths = np.abs(rng.normal(self.length_mean, self.length_std, n))
            short = lengths < _MIN_LENGTH
            while short.any():
                lengths[short] = np.abs(rng.normal(self.length_mean, self.length_std, int(short.sum())))
                short = lengths < _MIN_LENGTH
            cats = rng.choice(K, size=n, p=self.category_weights)
            ends = np.cumsum(gaps + lengths)
            starts = ends - lengths
            out.append((starts, ends, cats.astype(np.int64)))
        return out


def sample_until_precise(draw, rng: np.random.Generator, *, precision: float = PRECISION,
                         min_samples: int = MIN_SAMPLES, max_samples: int = MAX_SAMPLES,
                         step: int = STEP) -> list:
    """``[draw(rng) for each sample]``, the first element of each result its disorder, drawn until
    the stopping rule of the module docstring holds."""
    if not 0 < precision < 1:
        raise ValueError(f"gamma: precision must lie between 0 and 1, not {precision!r}")
    if not 2 <= min_samples <= max_samples:
        raise ValueError("gamma: need 2 ≤ min_samples ≤ max_samples")
    results = [draw(rng) for _ in range(min_samples)]
    while len(results) < max_samples:
        values = np.array([r[0] for r in results])
        mean = values.mean()
        if mean <= 0 or 1.96 * values.std(ddof=1) / np.sqrt(values.size) <= precision * mean:
            break
        results.extend(draw(rng) for _ in range(min(step, max_samples - len(results))))
    return results
