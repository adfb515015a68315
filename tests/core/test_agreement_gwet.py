"""Gwet's AC1 and AC2 (annotator.core.agreement.gwet): the handbook's worked examples, Gwet's
definitions where they differ from kappa and alpha (singly-rated units, one category), the weights,
the item-level report and the CLI, and irrCAC's answers on random data with missing values.

Provenance. The worked examples are the data sets of Gwet, *Handbook of Inter-Rater Reliability*,
4th ed. (2014), as shipped with irrCAC (afergadis/irrCAC 0.4.4, ``irrCAC.datasets``; the R package
irrCAC, by Gwet, documents ``cac.raw4raters`` as "Handbook, 4th Edition, page #120"), with the values
irrCAC's own tests assert (``test/unit/irrCAC/raw/test_gwet.py`` and ``table/test_gwet.py``, rounded to
3 decimals there). The random comparison reads tests/fixtures/gwet/irrcac_values.json, written by
tests/fixtures/gwet/make_irrcac_values.py with irrCAC 0.4.4 (its ``CAC(...).gwet()``)."""

import json
import math
from pathlib import Path

import numpy as np
import pytest

from annotator.cli import main
from annotator.core.agreement.common import Undefined
from annotator.core.agreement.gwet import (
    GwetResult,
    gwet,
    gwet_ac1,
    gwet_ac1_per_category,
    gwet_ac2,
    gwet_weights,
    t_quantile,
)
from annotator.core.agreement.reliability import cohen_kappa, krippendorff_alpha, reliability_report
from annotator.core.agreement.reliability_data import ReliabilityData
from annotator.core.errors import ValidationError

N = None
FIXTURE = json.loads((Path(__file__).parents[1] / "fixtures" / "gwet" / "irrcac_values.json").read_text())

# Gwet (2014), p. 120 (irrCAC.datasets.raw_4raters): 12 units × 4 raters, categories 1..5, missing values.
# (The same data as Krippendorff 2011's 4 observers × 12 units, up to which coder rated unit 12.)
RAW_4RATERS = [[1, 1, N, 1], [2, 2, 3, 2], [3, 3, 3, 3], [3, 3, 3, 3], [2, 2, 2, 2], [1, 2, 3, 4],
               [4, 4, 4, 4], [1, 1, 2, 1], [2, 2, 2, 2], [N, 5, 5, 5], [N, N, 1, 1], [N, N, 3, N]]
# Gwet (2014) (irrCAC.datasets.raw_5observers): 15 units × 5 observers, scores 0..3.
RAW_5OBSERVERS = [[1, 1, 2, N, 2], [1, 1, 0, 1, N], [2, 3, 3, 3, N], [N, 0, 0, N, 0], [0, 0, 0, N, 0],
                  [0, 0, 0, N, 0], [1, 0, 2, N, 1], [1, N, 2, 0, N], [2, 2, 2, N, 2], [2, 1, 1, 1, N],
                  [N, 1, 0, 0, N], [0, 0, 0, 0, N], [1, 2, 2, 2, N], [3, 3, 2, 2, 3], [1, 1, 1, N, 1]]
# irrCAC.datasets.raw_g1g2 (4 raters × 14 units, a..e) and raw_ben_gerry (2 raters × 12 units).
RAW_G1G2 = [list(r) for r in zip(
    ["a", "b", "c", "c", "b", "a", "d", "a", "b", N, N, N, "b", "b"],
    ["a", "b", "c", "c", "b", "b", "d", "a", "b", "e", N, N, "b", "a"],
    [N, "c", "c", "c", "b", "c", "d", "b", "b", "e", "a", "c", "c", "c"],
    ["a", "b", "c", "c", "b", "d", "d", "a", "b", "e", "a", N, "b", "b"])]
RAW_BEN_GERRY = [list(r) for r in zip("a a b b d c c c e d d a".split(),
                                      ["b", "a", "b", "b", "b", "c", "c", "c", "e", N, "d", "d"])]


def from_table(table):
    """Two raters' contingency table (rows: rater A's category 1..q, columns: rater B's) as units."""
    return [[i + 1, j + 1] for i, row in enumerate(table) for j, count in enumerate(row) for _ in range(count)]


# Gwet (2014) (irrCAC.datasets.table_cont3x3abstractors): 100 pregnant women, 2 abstractors, 3 types.
ABSTRACTORS = from_table([[13, 0, 0], [0, 20, 7], [0, 4, 56]])
# irrCAC.datasets.table_cont4x4diagnosis: 223 psychiatric patients, 2 diagnosis methods, 4 categories.
DIAGNOSIS = from_table([[40, 4, 4, 17], [6, 25, 2, 13], [4, 1, 21, 12], [15, 5, 9, 45]])


# -- the handbook's worked examples ---------------------------------------------------------------

# irrCAC test_gwet_raw4raters and test_gwet_raw4raters_{ordinal,quadratic,ratio}_weights:
# (AC, p_a, p_e, se, CI low); CI high is 1 (capped) in all four.
@pytest.mark.parametrize("weights, expected", [
    ("identity", (0.775, 0.818, 0.190, 0.143, 0.461)),
    ("ordinal", (0.899, 0.968, 0.685, 0.107, 0.664)),
    ("quadratic", (0.914, 0.975, 0.714, 0.104, 0.685)),
    ("ratio", (0.857, 0.954, 0.678, 0.122, 0.589)),
])
def test_four_raters_with_missing_values(weights, expected):
    result = gwet(RAW_4RATERS, weights)
    got = (result.value, result.pa, result.pe, result.se, result.ci95[0])
    assert tuple(round(x, 3) for x in got) == expected
    assert result.ci95[1] == 1.0
    assert (result.units, result.pairable_units) == (12, 11)


@pytest.mark.parametrize("rows, expected", [
    # irrCAC test_gwet_raw5observers: AC1, p_a, p_e, se, CI
    (RAW_5OBSERVERS, (0.497, 0.616, 0.236, 0.122, 0.235, 0.758)),
    (RAW_G1G2, (0.685, 0.744, 0.187, 0.134, 0.396, 0.973)),  # test_gwet_raw_g1g2
    (RAW_BEN_GERRY, (0.661, 0.727, 0.194, 0.184, 0.257, 1.0)),  # test_gwet_raw_ben_gerry
])
def test_raw_data_examples(rows, expected):
    result = gwet(rows)
    got = (result.value, result.pa, result.pe, result.se, *result.ci95)
    assert tuple(round(x, 3) for x in got) == expected


@pytest.mark.parametrize("rows, expected", [
    # irrCAC table/test_gwet.py, test_gwet_cont3x3abstractors[_ordinal|_quadratic|_ratio_weights]
    (ABSTRACTORS, {"identity": 0.849, "ordinal": 0.925, "quadratic": 0.940, "ratio": 0.963}),
    # test_gwet_cont4x4diagnosis[_ordinal|_quadratic|_ratio_weights]
    (DIAGNOSIS, {"identity": 0.456, "ordinal": 0.324, "quadratic": 0.299, "ratio": 0.359}),
])
def test_contingency_table_examples(rows, expected):
    # Only the coefficient: irrCAC's table form estimates the variance with 1/n where the raw form
    # (ours) has 1/(n − 1), so their standard errors differ by sqrt(n / (n − 1)).
    assert {w: round(gwet(rows, w).value, 3) for w in expected} == expected


# -- Gwet's definitions where they differ from kappa and alpha ------------------------------------

def test_every_rating_in_one_category_gives_one_as_irrcac_does():
    case = FIXTURE["paradox"]  # irrCAC 0.4.4 gives 1.0 (it sets p_e to 1 − 1e-15)
    rows = case["rows"]
    assert case["irrcac"]["identity"]["value"] == 1.0
    assert gwet_ac1(rows) == 1.0
    for level in ("nominal", "ordinal", "interval", "ratio"):
        assert gwet_ac2(rows, level) == 1.0
    result = gwet(rows)
    assert isinstance(result.se, Undefined) and isinstance(result.ci95, Undefined)
    # the paradox: kappa-like measures have no value here
    assert isinstance(krippendorff_alpha(rows), Undefined)
    assert isinstance(cohen_kappa([[1, 1], [1, 1]]), Undefined) and gwet_ac1([[1, 1], [1, 1]]) == 1.0


def test_a_unit_rated_once_counts_in_the_chance_term_only():
    # by hand: [[1, 1], [1, 2]] has p_a = 1/2, π = (3/4, 1/4), p_e = 2·(3/4)(1/4) = 3/8, AC1 = 0.2.
    # Adding a unit rated 2 by one coder leaves p_a alone but moves π to (1/2, 1/2): p_e = 1/2, AC1 = 0.
    base = gwet([[1, 1], [1, 2]])
    assert (base.pa, base.pe, base.value) == pytest.approx((0.5, 0.375, 0.2))
    more = gwet([[1, 1], [1, 2], [2, N]])
    assert (more.pa, more.pe, more.value) == pytest.approx((0.5, 0.5, 0.0), abs=1e-12)
    assert (more.units, more.pairable_units) == (3, 2)
    # Krippendorff's alpha ignores that unit altogether
    assert krippendorff_alpha([[1, 1], [1, 2], [2, N]]) == krippendorff_alpha([[1, 1], [1, 2]])
    # and a unit nobody rated counts nowhere
    assert gwet([[1, 1], [1, 2], [2, N], [N, N]]).value == pytest.approx(0.0, abs=1e-12)


def test_high_agreement_on_a_rare_category_keeps_ac1_high():
    # 2 coders, 100 units: 98 both "no", 2 where they split: kappa is about 0 (the paradox), AC1 near 0.98
    rows = [["no", "no"]] * 98 + [["yes", "no"], ["no", "yes"]]
    assert cohen_kappa(rows) == pytest.approx(-0.0101, abs=1e-4)
    assert gwet_ac1(rows) == pytest.approx(0.9796, abs=1e-4)


def test_q_counts_the_values_the_chosen_coders_used():
    # coder C alone uses 9; a selection of A and B is the same as their two columns alone
    rows = [[1, 1, 9], [2, 1, 9], [2, 2, 1], [3, 3, 9]]
    pair = ReliabilityData.from_rows(rows, ["A", "B", "C"]).select("A", "B")
    assert 9 in pair.values
    for weights in ("identity", "ordinal", "quadratic", "ratio"):
        assert gwet(pair, weights) == gwet([r[:2] for r in rows], weights)


def test_undefined_without_a_pair():
    assert isinstance(gwet_ac1([[1, N], [N, 2]]), Undefined)
    assert "two or more" in gwet([[1, N], [N, 2]]).reason
    assert isinstance(gwet_ac1([[N, N]]), Undefined)
    assert isinstance(gwet_ac1(np.empty((0, 3))), Undefined)


# -- weights --------------------------------------------------------------------------------------

def test_weights_as_gwet_defines_them():
    # by hand from the definitions in irrCAC weights.py (after Gwet 2014), values 1, 2, 3
    assert gwet_weights("identity", (1, 2, 3)) == pytest.approx(np.eye(3))
    assert gwet_weights("ordinal", (1, 2, 3)) == pytest.approx(np.array(
        [[1, 2 / 3, 0], [2 / 3, 1, 2 / 3], [0, 2 / 3, 1]]))  # 1 − C(|k−l|+1, 2) / C(3, 2)
    assert gwet_weights("quadratic", (1, 2, 3)) == pytest.approx(np.array(
        [[1, 0.75, 0], [0.75, 1, 0.75], [0, 0.75, 1]]))
    # ratio: 1 − ((k − l)/(k + l))² / ((3 − 1)/(3 + 1))²
    assert gwet_weights("ratio", (1, 2, 3)) == pytest.approx(np.array(
        [[1, 5 / 9, 0], [5 / 9, 1, 21 / 25], [0, 21 / 25, 1]]))
    # ordinal weights use ranks only; quadratic and ratio use the values
    assert gwet_weights("ordinal", (1, 5, 100)) == pytest.approx(gwet_weights("ordinal", (1, 2, 3)))
    assert gwet_weights("quadratic", (0, 1, 4))[0, 1] == pytest.approx(1 - 1 / 16)
    # a 0 is allowed for ratio weights (irrCAC refuses it): 0/0 between two zeros is taken as 0
    w = gwet_weights("ratio", (0, 1, 2))
    assert w[0, 0] == 1 and w[0, 2] == 0 and w[0, 1] == pytest.approx(0.0) and w[1, 2] == pytest.approx(8 / 9)


def test_levels_pick_the_weights():
    for level, weights in (("nominal", "identity"), ("ordinal", "ordinal"), ("interval", "quadratic"),
                           ("ratio", "ratio")):
        assert gwet_ac2(RAW_4RATERS, level) == gwet(RAW_4RATERS, weights).value
    assert gwet_ac2(RAW_4RATERS, "nominal") == gwet_ac1(RAW_4RATERS)


def test_bad_requests_are_one_plain_error():
    with pytest.raises(ValidationError, match="needs numbers"):
        gwet_ac2([["a", "b"], ["b", "b"]], "ordinal")
    with pytest.raises(ValidationError, match="0 or more"):
        gwet_ac2([[-1, 2], [2, 2]], "ratio")
    with pytest.raises(ValidationError, match="unknown weights"):
        gwet(RAW_4RATERS, "linear")
    with pytest.raises(ValidationError, match="unknown level"):
        gwet_ac2(RAW_4RATERS, "cardinal")


# -- against irrCAC on random data ----------------------------------------------------------------

def close(ours, theirs, what, tolerance=1e-9):
    if theirs is None:
        return
    assert ours == pytest.approx(theirs, abs=tolerance), what


@pytest.mark.parametrize("index", range(len(FIXTURE["random"])))
def test_random_tables_match_irrcac(index):
    case = FIXTURE["random"][index]
    rows = case["rows"]
    for weights, expected in case["irrcac"].items():
        result = gwet(rows, weights)
        assert isinstance(result, GwetResult), (weights, result)
        for key in ("value", "pa", "pe", "se"):
            close(getattr(result, key), expected[key], f"{weights} {key}")
        if not isinstance(result.ci95, Undefined):  # irrCAC's t quantile (scipy 1.12) is off by up to ~1e-9
            close(result.ci95[0], expected["ci95"][0], f"{weights} ci low", 1e-8)
            close(result.ci95[1], expected["ci95"][1], f"{weights} ci high", 1e-8)
    per_category = gwet_ac1_per_category(rows)
    for value, expected in case["per_category"]:
        close(per_category[value], expected, f"category {value}")


def test_the_random_fixture_covers_the_ground():
    cases = FIXTURE["random"]
    shapes = {(len(c["rows"][0]), len({v for r in c["rows"] for v in r if v is not None})) for c in cases}
    assert {m for m, _ in shapes} == {2, 3, 4, 5, 6} and {q for _, q in shapes} >= {2, 3, 4, 5, 6}
    assert sum(any(v is None for r in c["rows"] for v in r) for c in cases) > 100  # missing values
    assert sum("ratio" in c["irrcac"] for c in cases) > 100
    assert any(isinstance(c["rows"][0][0], str) for c in cases)


def test_t_quantile_against_printed_tables():
    # two-sided 95% critical values of Student's t (any statistics table): df 1, 2, 10, 30, 120
    for df, t in ((1, 12.706), (2, 4.303), (10, 2.228), (30, 2.042), (120, 1.980)):
        assert round(t_quantile(0.975, df), 3) == t
    assert t_quantile(0.975, 10 ** 7) == pytest.approx(1.959964, abs=1e-6)  # the normal's
    # closed forms: df 1 is the Cauchy, tan(π (p − 1/2)); df 2 is (2p − 1) / sqrt(2 p (1 − p))
    assert t_quantile(0.975, 1) == pytest.approx(math.tan(math.pi * 0.475), rel=1e-13)
    assert t_quantile(0.975, 2) == pytest.approx(0.95 / math.sqrt(2 * 0.975 * 0.025), rel=1e-13)
    # either side of the switch to the expansion at 2,000 degrees of freedom
    assert t_quantile(0.975, 2000) == pytest.approx(t_quantile(0.975, 2001), abs=1e-6)


# -- in the item-level report and on the command line ----------------------------------------------

def test_reliability_report_has_ac1_and_ac2():
    report = reliability_report(RAW_4RATERS, "interval", resamples=10, seed=0)
    assert report.measures["gwet_ac1"] == pytest.approx(0.775444, abs=1e-6)
    assert report.measures["gwet_ac2"] == pytest.approx(gwet(RAW_4RATERS, "quadratic").value)
    per_category = gwet_ac1_per_category(RAW_4RATERS)
    assert {v: m["gwet_ac1"] for v, m in report.per_category.items()} == per_category
    assert report.gwet_ci95["gwet_ac1"] == gwet(RAW_4RATERS).ci95
    assert report.gwet_ci95["gwet_ac2"] == gwet(RAW_4RATERS, "quadratic").ci95
    one = reliability_report([[2, 2], [2, N], [2, 2]], "ordinal", resamples=10, seed=0)
    assert one.measures["gwet_ac1"] == one.measures["gwet_ac2"] == 1.0
    assert isinstance(one.gwet_ci95["gwet_ac1"], Undefined)
    assert isinstance(reliability_report([[1, N]], resamples=10).gwet_ci95["gwet_ac2"], Undefined)


def test_cli_json_and_csv(tmp_path, capsys):
    path = tmp_path / "four.csv"
    path.write_text("A,B,C,D\n" + "\n".join(",".join("" if v is None else str(v) for v in row)
                                            for row in RAW_4RATERS) + "\n", encoding="utf-8")
    assert main(["agreement", "--reliability-data", str(path), "--level", "ordinal", "--format", "json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert round(result["gwet_ac1"], 3) == 0.775 and round(result["gwet_ac2"], 3) == 0.899
    assert result["per_category"]["1"]["gwet_ac1"] == pytest.approx(gwet_ac1_per_category(RAW_4RATERS)[1])
    # irrCAC test_gwet_raw4raters[_ordinal_weights]: 95% CI (0.461, 1) and (0.664, 1)
    assert [round(x, 3) for x in result["gwet_ac1_ci95"]] == [0.461, 1.0]
    assert [round(x, 3) for x in result["gwet_ac2_ci95"]] == [0.664, 1.0]
    assert main(["agreement", "--reliability-data", str(path), "--format", "csv"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert any(line.startswith("gwet_ac1,,0.775") for line in lines)
    assert any(line.startswith("gwet_ac2,,0.775") for line in lines)  # nominal: AC2 = AC1
    assert any(line.startswith("gwet_ac1_ci95_low,,0.4608") for line in lines)
    assert main(["agreement", "--reliability-data", str(path), "--level", "ratio"]) == 0
    table = capsys.readouterr().out
    assert "Gwet's AC1" in table and "Gwet's AC2" in table and "0.857" in table and "[0.589, 1.000]" in table
    # the one-category case on the command line: 1, and the interval's reason as a note
    path.write_text("A,B\n2,2\n2,\n2,2\n", encoding="utf-8")
    assert main(["agreement", "--reliability-data", str(path), "--format", "json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["gwet_ac1"] == 1.0 and result["gwet_ac1_ci95"] is None and result["krippendorff_alpha"] is None
    assert any(note.startswith("gwet_ac1_ci95: every rating falls in one category") for note in result["notes"])
