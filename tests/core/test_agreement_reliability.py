"""Item-level agreement (annotator.core.agreement.reliability): published worked examples, undefined
cases, the bootstrap, and property tests against reference libraries (installed for tests only)."""

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from annotator.core.agreement.common import Undefined
from annotator.core.agreement.reliability import (
    BootstrapInterval,
    bennett_s,
    cohen_kappa,
    fleiss_kappa,
    fleiss_kappa_per_category,
    krippendorff_alpha,
    krippendorff_alpha_bootstrap,
    krippendorff_alpha_per_category,
    percent_agreement,
    reliability_report,
    scott_pi,
)
from annotator.core.agreement.reliability_data import LEVELS, ReliabilityData
from annotator.core.errors import ValidationError

N = None

# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section on the general form:
# 4 observers × 12 units, missing values allowed (one row per observer, as printed).
KRIPPENDORFF_2011 = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, N, N, N],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, N, 3],
    [N, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, N],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, N],
]
K2011_UNITS = [list(unit) for unit in zip(*KRIPPENDORFF_2011)]  # units × coders

# Fleiss (1971), "Measuring nominal scale agreement among many raters": 30 patients, 6 psychiatrists
# each, 5 diagnoses (1 depression, 2 personality disorder, 3 schizophrenia, 4 neurosis, 5 other).
# Fleiss printed the counts per patient and diagnosis; these rows give the same counts (the order of
# the raters within a row does not matter to kappa). Also R irr's `diagnoses` data set.
FLEISS_1971 = [
    [4, 4, 4, 4, 4, 4], [2, 2, 2, 5, 5, 5], [2, 3, 3, 3, 3, 5], [5, 5, 5, 5, 5, 5], [2, 2, 2, 4, 4, 4],
    [1, 1, 3, 3, 3, 3], [3, 3, 3, 3, 5, 5], [1, 1, 3, 3, 3, 4], [1, 1, 4, 4, 4, 4], [5, 5, 5, 5, 5, 5],
    [1, 4, 4, 4, 4, 4], [1, 2, 4, 4, 4, 4], [2, 2, 2, 3, 3, 3], [1, 4, 4, 4, 4, 4], [2, 2, 4, 4, 4, 5],
    [3, 3, 3, 3, 3, 5], [1, 1, 1, 4, 5, 5], [1, 1, 1, 1, 1, 2], [2, 2, 4, 4, 4, 4], [1, 3, 3, 5, 5, 5],
    [5, 5, 5, 5, 5, 5], [2, 4, 4, 4, 4, 4], [2, 2, 4, 5, 5, 5], [1, 1, 4, 4, 4, 4], [1, 4, 4, 4, 4, 5],
    [2, 2, 2, 2, 2, 4], [1, 1, 1, 1, 5, 5], [2, 2, 4, 4, 4, 4], [1, 3, 3, 3, 3, 3], [5, 5, 5, 5, 5, 5],
]


def _units_from_table(table: list[list[int]]) -> list[list[str]]:
    """Two coders' units from a contingency table of counts (rows: coder A's category, columns: B's)."""
    units = []
    for i, row in enumerate(table):
        for j, count in enumerate(row):
            units += [[f"c{i + 1}", f"c{j + 1}"]] * count
    return units


# --- published worked examples -------------------------------------------------------------------


@pytest.mark.parametrize("level, published", [
    ("nominal", 0.743), ("ordinal", 0.815), ("interval", 0.849), ("ratio", 0.797),
])
def test_krippendorff_2011_example(level, published):
    alpha = krippendorff_alpha(K2011_UNITS, level)
    assert round(alpha, 3) == published


def test_krippendorff_2011_nominal_exactly():
    # by hand, as in the paper: 40 pairable values (unit 12 has one value), marginals n_c = 9, 13, 10, 5, 3;
    # disagreeing coincidences: unit 2 (2,2,3,2) 6/3, unit 6 (1,2,3,4) 12/3, unit 8 (1,1,2,1) 6/3 = 8
    n_c = [9, 13, 10, 5, 3]
    expected = 1 - (40 - 1) * 8 / (40 * 40 - sum(n * n for n in n_c))
    assert krippendorff_alpha(K2011_UNITS) == pytest.approx(expected, abs=1e-12)


def test_fleiss_1971_example():
    assert round(fleiss_kappa(FLEISS_1971), 3) == 0.430
    # Fleiss (1971) also gives kappa for each diagnosis against the others
    per_category = fleiss_kappa_per_category(FLEISS_1971)
    assert {k: round(v, 3) for k, v in per_category.items()} == {1: 0.245, 2: 0.245, 3: 0.520, 4: 0.471, 5: 0.566}
    # the per-category kappa is Fleiss' kappa on the data recoded to "category" / "rest"
    for value, kappa in per_category.items():
        binary = [[cell == value for cell in row] for row in FLEISS_1971]
        assert fleiss_kappa(binary) == pytest.approx(kappa, abs=1e-12)


def test_cohen_1960_examples():
    # Cohen (1960): three categories, proportions of 200 units. The agreement matrix with
    # p_o = .44 + .20 + .06 = .70 and p_c = .60·.50 + .30·.30 + .10·.20 = .41 gives kappa = .29/.59 = .492.
    table = [[88, 14, 18], [10, 40, 10], [2, 6, 12]]
    units = _units_from_table(table)
    assert percent_agreement(units) == pytest.approx(0.70)
    assert round(cohen_kappa(units), 3) == 0.492
    assert cohen_kappa(units) == pytest.approx(0.29 / 0.59)
    # Cohen's Table 1: p_o = .25 + .02 + .02 = .29 and p_c = .20 + .09 + .06 = .35 (kappa = -.092).
    # Kappa depends only on the diagonal and the margins; this table has the printed ones.
    table1 = [[50, 30, 20], [20, 4, 36], [10, 26, 4]]
    units = _units_from_table(table1)
    assert percent_agreement(units) == pytest.approx(0.29)
    assert cohen_kappa(units) == pytest.approx((0.29 - 0.35) / 0.65)
    assert round(cohen_kappa(units), 3) == -0.092


def test_two_coder_measures_by_hand():
    units = [["a", "a"], ["a", "b"], ["b", "b"], ["b", "b"], ["c", N], [N, N]]
    # units both coded: 4; p_o = 3/4; A: a a b b → (.5, .5, 0); B: a b b b → (.25, .75, 0)
    assert percent_agreement(units) == pytest.approx(0.75)
    assert cohen_kappa(units) == pytest.approx((0.75 - (0.5 * 0.25 + 0.5 * 0.75)) / (1 - 0.5))
    pooled = [0.375, 0.625]
    pe = sum(p * p for p in pooled)
    assert scott_pi(units) == pytest.approx((0.75 - pe) / (1 - pe))
    # q = 3: "c" was used (by coder 1, on a unit coder 2 left out)
    assert bennett_s(units) == pytest.approx((0.75 - 1 / 3) / (1 - 1 / 3))
    assert bennett_s(units, q=4) == pytest.approx((0.75 - 1 / 4) / (1 - 1 / 4))
    with pytest.raises(ValidationError, match="q = 2"):
        bennett_s(units, q=2)


def test_percent_agreement_is_the_mean_share_of_agreeing_pairs():
    units = [[1, 1, 1], [1, 1, 2], [1, 2, N], [3, N, N]]
    # unit 1: 3/3 pairs agree, unit 2: 1/3, unit 3: 0/1, unit 4 not pairable
    assert percent_agreement(units) == pytest.approx((1 + 1 / 3 + 0) / 3)
    # with the same number of coders on every unit it is Fleiss' P̄
    complete = [[1, 1, 1], [1, 1, 2], [1, 2, 3]]
    assert percent_agreement(complete) == pytest.approx((1 + 1 / 3 + 0) / 3)


# --- undefined cases and wrong requests ----------------------------------------------------------


def test_one_category_only_is_undefined_everywhere():
    units = [["x", "x"], ["x", "x"], ["x", N]]
    assert percent_agreement(units) == 1.0
    for measure in (cohen_kappa, scott_pi, bennett_s, fleiss_kappa, krippendorff_alpha):
        result = measure(units) if measure is not fleiss_kappa else measure(units[:2])
        assert isinstance(result, Undefined), measure
        assert "one" in result.reason
    assert isinstance(krippendorff_alpha_per_category(units)["x"], Undefined)


def test_fewer_than_two_coders_on_every_unit():
    units = [[1, N, N], [N, 2, N], [N, N, 3]]
    for measure in (percent_agreement, krippendorff_alpha):
        result = measure(units)
        assert isinstance(result, Undefined) and "two or more coders" in result.reason
    assert isinstance(krippendorff_alpha_bootstrap(units, seed=1), Undefined)
    result = cohen_kappa([[1, N], [N, 2]])
    assert isinstance(result, Undefined) and "both coders" in result.reason


def test_two_coder_measures_with_three_coders_are_undefined():
    for measure in (cohen_kappa, scott_pi, bennett_s):
        result = measure(K2011_UNITS)
        assert isinstance(result, Undefined) and "two coders; the data have 4" in result.reason
    # a pair can be selected by name
    data = ReliabilityData.from_rows(K2011_UNITS, coders=["A", "B", "C", "D"])
    pair = data.select("A", "B")
    assert cohen_kappa(pair) == cohen_kappa([[row[0], row[1]] for row in K2011_UNITS])
    with pytest.raises(ValidationError, match="no coder 'E'"):
        data.select("A", "E")


def test_fleiss_kappa_needs_the_same_number_of_ratings():
    result = fleiss_kappa(K2011_UNITS)
    assert isinstance(result, Undefined)
    assert "same number of ratings" in result.reason and "between 1 and 4" in result.reason
    assert all(isinstance(v, Undefined) for v in fleiss_kappa_per_category(K2011_UNITS).values())
    # units nobody coded are left out; missing cells are fine when every unit has m ratings
    rows = [[1, 2, N], [N, 1, 1], [2, N, 2], [N, N, N]]
    assert fleiss_kappa(rows) == pytest.approx(fleiss_kappa([[1, 2], [1, 1], [2, 2]]))


def test_levels_that_do_not_fit_the_values_are_refused():
    words = [["yes", "no"], ["no", "no"], ["yes", "yes"]]
    assert isinstance(krippendorff_alpha(words, "nominal"), float)
    for level in ("ordinal", "interval", "ratio"):
        with pytest.raises(ValidationError, match=f"the {level} level needs numbers"):
            krippendorff_alpha(words, level)
    with pytest.raises(ValidationError, match="ratio level needs values of 0 or more"):
        krippendorff_alpha([[-1, 2], [3, 3]], "ratio")
    with pytest.raises(ValidationError, match="unknown level 'metric'"):
        krippendorff_alpha([[1, 2], [3, 3]], "metric")
    with pytest.raises(ValidationError, match="unit 2 has 3 value"):
        ReliabilityData.from_rows([[1, 2], [1, 2, 3]])
    with pytest.raises(ValidationError, match="coder 'a' appears twice"):
        ReliabilityData.from_rows([[1, 2]], coders=["a", "a"])


def test_values_are_hashables_and_missing_is_none_or_nan():
    rows = [[("t", 1), ("t", 1)], [("t", 2), float("nan")], [("t", 2), ("t", 1)]]
    data = ReliabilityData.from_rows(rows)
    assert data.values == (("t", 1), ("t", 2)) and not data.numeric
    assert percent_agreement(data) == 0.5
    # a numpy array (float with NaN) and the same rows as lists give the same answers
    array = np.array(K2011_UNITS, dtype=float)
    for level in LEVELS:
        assert krippendorff_alpha(array, level) == pytest.approx(krippendorff_alpha(K2011_UNITS, level), abs=1e-12)
    assert ReliabilityData.from_rows(array).values == (1.0, 2.0, 3.0, 4.0, 5.0)
    # non-integral floats take the sorting path
    halves = array / 2 + 0.25
    assert krippendorff_alpha(halves, "interval") == pytest.approx(krippendorff_alpha(array, "interval"))


def test_per_category_alpha_is_alpha_on_the_recoded_data():
    per_category = krippendorff_alpha_per_category(K2011_UNITS)
    assert set(per_category) == {1, 2, 3, 4, 5}
    for value, alpha in per_category.items():
        recoded = [[N if cell is N else cell == value for cell in unit] for unit in K2011_UNITS]
        assert krippendorff_alpha(recoded) == pytest.approx(alpha, abs=1e-12)


# --- the bootstrap -------------------------------------------------------------------------------


def test_bootstrap_is_seedable_and_brackets_alpha():
    first = krippendorff_alpha_bootstrap(FLEISS_1971, resamples=500, seed=7)
    assert isinstance(first, BootstrapInterval)
    assert first == krippendorff_alpha_bootstrap(FLEISS_1971, resamples=500, seed=7)
    assert first != krippendorff_alpha_bootstrap(FLEISS_1971, resamples=500, seed=8)
    alpha = krippendorff_alpha(FLEISS_1971)
    assert first.low < alpha < first.high and first.resamples == 500
    for level in LEVELS:
        interval = krippendorff_alpha_bootstrap(K2011_UNITS, level, resamples=300, seed=1)
        assert -1 <= interval.low <= krippendorff_alpha(K2011_UNITS, level) <= interval.high <= 1


@pytest.mark.parametrize("level", LEVELS)
def test_bootstrap_matches_plain_resampling_of_units(level):
    """The multinomial-over-patterns shortcut draws from the same distribution as resampling units."""
    rng = np.random.default_rng(3)
    rows = [[v if rng.random() > 0.15 else N for v in (rng.integers(0, 3) + (0 if rng.random() < 0.6 else 1),) * 3]
            for _ in range(60)]
    rows = [[(cell + int(rng.integers(0, 2))) if cell is not N else N for cell in row] for row in rows]
    pairable = [row for row in rows if sum(cell is not N for cell in row) >= 2]
    plain = []
    for _ in range(1500):
        sample = [pairable[i] for i in rng.integers(0, len(pairable), len(pairable))]
        alpha = krippendorff_alpha(sample, level)
        if not isinstance(alpha, Undefined):
            plain.append(alpha)
    low, high = np.quantile(plain, [0.025, 0.975])
    ours = krippendorff_alpha_bootstrap(rows, level, resamples=3000, seed=5)
    assert ours.low == pytest.approx(low, abs=0.04) and ours.high == pytest.approx(high, abs=0.04)


def test_report_holds_every_measure():
    report = reliability_report(K2011_UNITS, "interval", resamples=200, seed=1)
    assert report.measures["krippendorff_alpha"] == pytest.approx(0.849, abs=5e-4)
    assert isinstance(report.measures["cohen_kappa"], Undefined)
    assert isinstance(report.measures["fleiss_kappa"], Undefined)
    assert report.units == 12 and report.pairable_units == 11
    assert report.coders == ("coder 1", "coder 2", "coder 3", "coder 4")
    assert set(report.per_category) == {1, 2, 3, 4, 5}
    assert report.alpha_ci95.low < report.measures["krippendorff_alpha"] < report.alpha_ci95.high


# --- property tests against reference implementations -------------------------------------------

krippendorff = pytest.importorskip("krippendorff")


@st.composite
def reliability_rows(draw, min_coders=2, max_coders=5, missing=True, max_value=4):
    coders = draw(st.integers(min_coders, max_coders))
    units = draw(st.integers(2, 25))
    cell = st.integers(0, max_value)
    if missing:
        cell = st.one_of(cell, cell, cell, st.none())
    return draw(st.lists(st.lists(cell, min_size=coders, max_size=coders), min_size=units, max_size=units))


PROPERTY_SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY_SETTINGS
@given(rows=reliability_rows(), level=st.sampled_from(LEVELS))
def test_alpha_matches_the_krippendorff_package(rows, level):
    ours = krippendorff_alpha(rows, level)
    assume(not isinstance(ours, Undefined))
    array = np.array([[np.nan if c is None else c for c in row] for row in rows], dtype=float)
    theirs = krippendorff.alpha(array.T, level_of_measurement=level)
    assert ours == pytest.approx(theirs, abs=1e-9)


@PROPERTY_SETTINGS
@given(rows=reliability_rows(min_coders=2, max_coders=2))
def test_two_coder_measures_match_nltk_and_sklearn(rows):
    from nltk.metrics.agreement import AnnotationTask
    from sklearn.metrics import cohen_kappa_score

    both = [row for row in rows if None not in row]
    assume(len(both) >= 1)
    kappa, pi, s = cohen_kappa(rows), scott_pi(rows), bennett_s(both)
    assume(not isinstance(kappa, Undefined) and not isinstance(pi, Undefined) and not isinstance(s, Undefined))
    # nltk assumes every coder coded every item: give it the units both coded (as ours uses)
    task = AnnotationTask(data=[(coder, str(u), row[coder]) for u, row in enumerate(both) for coder in (0, 1)])
    assert kappa == pytest.approx(task.kappa(), abs=1e-9)
    assert pi == pytest.approx(task.pi(), abs=1e-9)
    assert s == pytest.approx(task.S(), abs=1e-9)
    assert kappa == pytest.approx(cohen_kappa_score([r[0] for r in both], [r[1] for r in both]), abs=1e-9)
    assert percent_agreement(rows) == pytest.approx(task.avg_Ao(), abs=1e-12)


@PROPERTY_SETTINGS
@given(rows=reliability_rows(min_coders=2, max_coders=6, missing=False))
def test_fleiss_kappa_matches_statsmodels(rows):
    from statsmodels.stats.inter_rater import aggregate_raters
    from statsmodels.stats.inter_rater import fleiss_kappa as sm_fleiss_kappa

    ours = fleiss_kappa(rows)
    assume(not isinstance(ours, Undefined))
    table, _ = aggregate_raters(np.array(rows))
    assert ours == pytest.approx(sm_fleiss_kappa(table, method="fleiss"), abs=1e-9)
    assert percent_agreement(rows) == pytest.approx(
        np.mean(((table * table).sum(axis=1) - len(rows[0])) / (len(rows[0]) * (len(rows[0]) - 1))))


@PROPERTY_SETTINGS
@given(rows=reliability_rows(max_value=2))
def test_per_category_alpha_matches_the_krippendorff_package_on_recoded_data(rows):
    for value, ours in krippendorff_alpha_per_category(rows).items():
        if isinstance(ours, Undefined):
            continue
        recoded = np.array([[np.nan if c is None else float(c == value) for c in row] for row in rows])
        assert ours == pytest.approx(krippendorff.alpha(recoded.T, level_of_measurement="nominal"), abs=1e-9)


@PROPERTY_SETTINGS
@given(rows=reliability_rows())
def test_undefined_never_hides_as_nan(rows):
    report = reliability_report(rows, "interval", resamples=20, seed=0)
    for name, value in report.measures.items():
        assert isinstance(value, Undefined) or (isinstance(value, float) and math.isfinite(value)), name
        if isinstance(value, float):
            assert -1 - 1e-9 <= value <= 1 + 1e-9 or name in ("krippendorff_alpha", "gwet_ac2")  # may be < −1
