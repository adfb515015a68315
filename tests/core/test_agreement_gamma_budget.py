"""γ's exact alignment is NP-hard for three coders or more: a pile of mutually overlapping units
gives up at the work budget (gamma_align.MAX_STEPS, MAX_CANDIDATES) and the report says why,
rather than running for minutes (3 coders x 14 such spans took 223 s before the budget)."""

import numpy as np
import pytest

from annotator.core.agreement.common import Undefined
from annotator.core.agreement.spans import gamma_align, prepare, span_report
from annotator.core.agreement.spans.gamma import gamma_document_stats


def pile(coders: int, spans: int, seed: int = 3):
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(coders):
        starts = rng.integers(0, 60, spans)
        out.append((starts, np.minimum(starts + rng.integers(60, 90, spans), 150), rng.integers(0, 2, spans)))
    return out


@pytest.mark.parametrize("coders, spans", [(3, 10), (5, 20)])
def test_a_pile_of_overlapping_units_is_too_costly(coders, spans):
    with pytest.raises(gamma_align.TooCostlyError):
        gamma_align.best_alignment(pile(coders, spans))


def test_a_small_pile_is_still_aligned_exactly():
    assert gamma_align.best_alignment(pile(3, 6)).total > 0


def test_the_report_names_the_document_and_keeps_the_other_measures():
    texts = {"calm": 400, "pile": 150}
    rows = [("calm", c, 10 * i, 10 * i + 8, "x") for c in ("a", "b", "c") for i in range(30)]
    for c, (starts, ends, cats) in zip(("a", "b", "c"), pile(3, 10)):
        rows += [("pile", c, int(s), int(e), "xy"[int(k)]) for s, e, k in zip(starts, ends, cats)]
    stats = gamma_document_stats(prepare(texts, rows))
    assert isinstance(stats.problem, Undefined) and "document pile" in stats.problem.reason
    report = span_report(texts, rows)
    assert isinstance(report["overall"]["gamma"], Undefined)
    assert "too costly to align exactly" in report["overall"]["gamma"].reason
    assert isinstance(report["overall"]["unitizing_alpha"], float)  # the rest of the report stands
