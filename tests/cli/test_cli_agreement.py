"""annotator agreement --reliability-data: table, json and csv output, null + notes, one line for bad input."""

import csv
import io
import json

import pytest

# Krippendorff (2011): 4 coders × 12 units with missing values, one row per unit
K2011_CSV = """A,B,C,D
1,1,,1
2,2,3,2
3,3,3,3
3,3,3,3
2,2,2,2
1,2,3,4
4,4,4,4
1,1,2,1
2,2,2,2
,5,5,5
,,1,1
,3,,
"""


@pytest.fixture
def k2011(tmp_path):
    path = tmp_path / "k2011.csv"
    path.write_text(K2011_CSV, encoding="utf-8")
    return path


@pytest.mark.parametrize("level, alpha",
                         [("nominal", 0.743), ("ordinal", 0.815), ("interval", 0.849), ("ratio", 0.797)])
def test_json_report_on_krippendorff_2011(k2011, run, level, alpha):
    code, out, err = run("agreement", "--reliability-data", k2011, "--level", level, "--format", "json")
    assert (code, err) == (0, "")
    result = json.loads(out)
    assert round(result["krippendorff_alpha"], 3) == alpha
    for key in ("percent_agreement", "cohen_kappa", "scott_pi", "bennett_s", "fleiss_kappa",
                "krippendorff_alpha", "krippendorff_alpha_ci95", "per_category", "notes"):
        assert key in result
    low, high = result["krippendorff_alpha_ci95"]
    assert low <= result["krippendorff_alpha"] <= high
    # four coders with missing values: the two-coder measures and Fleiss' kappa are null, with reasons
    for key in ("cohen_kappa", "scott_pi", "bennett_s", "fleiss_kappa"):
        assert result[key] is None
        assert any(note.startswith(f"{key}: ") for note in result["notes"])
    assert set(result["per_category"]) == {"1", "2", "3", "4", "5"}
    assert round(result["per_category"]["1"]["krippendorff_alpha"], 3) == 0.720
    assert result["per_category"]["1"]["fleiss_kappa"] is None
    assert result["coders"] == ["A", "B", "C", "D"] and result["units"] == 12 and result["pairable_units"] == 11


def test_two_coders_string_values_and_a_fixed_seed(tmp_path, run):
    path = tmp_path / "pair.csv"
    path.write_text("ann,bob\nyes,yes\nno,no\nyes,no\nno,no\n,yes\nmaybe,maybe\n", encoding="utf-8")
    code, out, _ = run("agreement", "--reliability-data", path, "--format", "json")
    result = json.loads(out)
    assert code == 0
    assert result["percent_agreement"] == pytest.approx(4 / 5)
    assert all(isinstance(result[key], float) for key in ("cohen_kappa", "scott_pi", "bennett_s"))
    # the unit only bob coded makes the number of ratings differ: Fleiss' kappa is null, with the reason
    assert result["fleiss_kappa"] is None
    assert result["notes"][0].startswith("fleiss_kappa: Fleiss' kappa needs the same number of ratings")
    assert set(result["per_category"]) == {"maybe", "no", "yes"}
    again = json.loads(run("agreement", "--reliability-data", path, "--format", "json")[1])
    assert again == result  # the bootstrap seed defaults to 1: the same interval every time
    other = json.loads(run("agreement", "--reliability-data", path, "--format", "json", "--seed", "2")[1])
    assert other["krippendorff_alpha"] == result["krippendorff_alpha"]
    # strings at the interval level: one line, exit 1
    code, out, err = run("agreement", "--reliability-data", path, "--level", "interval")
    assert code == 1 and out == ""
    assert err == ("annotator: error: the interval level needs numbers, but the data hold 'maybe'; "
                   "use the nominal level for categories\n")


def test_table_and_csv_output(k2011, run):
    code, out, _ = run("agreement", "--reliability-data", k2011, "--level", "interval")
    assert code == 0
    assert "4 coders (A, B, C, D), 12 units (11 coded by two or more), level interval" in out
    assert "Krippendorff's alpha  0.849  95% CI [" in out
    assert "notes:" in out and "0.667" in out and "0.800" in out
    code, out, _ = run("agreement", "--reliability-data", k2011, "--format", "csv")
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == ["measure", "category", "value"]
    values = {(m, c): v for m, c, v in rows[1:] if m != "note"}
    assert round(float(values[("krippendorff_alpha", "")]), 3) == 0.743
    assert values[("cohen_kappa", "")] == ""
    assert float(values[("krippendorff_alpha_ci95_low", "")]) < float(values[("krippendorff_alpha_ci95_high", "")])
    assert round(float(values[("krippendorff_alpha", "5")]), 3) == 1.0
    assert any(m == "note" and v.startswith("cohen_kappa: ") for m, _, v in rows)


@pytest.mark.parametrize("content, message", [
    ("A,B\n1,2\n3\n", "line 3: 1 cell(s), but the header names 2 coder(s)"),
    ("A,B\n1,2\n1,2,3\n", "line 3: 3 cell(s), but the header names 2 coder(s)"),
    ('A,B\n1,2\n"3,4\n', "line 3: malformed CSV"),
    ("A\n1\n2\n", "line 1: agreement needs at least two coders (columns); the header names 1"),
    ("A,A\n1,2\n", "line 1: coder 'A' appears twice"),
    ("A,\n1,2\n", "line 1: coder 2 has no name"),
    ("", "empty; expected a header row of coder names"),
    ("A,B\n", "no units: the header is the only row"),
    (",\n1,2\n", "line 1: the header row (coder names) is empty"),
])
def test_bad_files_get_one_line_and_exit_1(tmp_path, run, content, message):
    path = tmp_path / "bad.csv"
    path.write_text(content, encoding="utf-8")
    code, out, err = run("agreement", "--reliability-data", path)
    assert code == 1 and out == ""
    assert err.startswith(f"annotator: error: {path}: {message}") and err.count("\n") == 1


def test_unreadable_files(tmp_path, run):
    latin = tmp_path / "latin.csv"
    latin.write_bytes("A,B\nx,y\ncaf\xe9,x\n".encode("latin-1"))
    code, _, err = run("agreement", "--reliability-data", latin)
    assert code == 1 and err == f"annotator: error: {latin}: line 3: not UTF-8 text\n"
    code, _, err = run("agreement", "--reliability-data", tmp_path / "missing.csv")
    assert code == 1 and "missing.csv: cannot read the file" in err and err.count("\n") == 1
    negative = tmp_path / "neg.csv"
    negative.write_text("A,B\n-1,2\n3,3\n", encoding="utf-8")
    code, _, err = run("agreement", "--reliability-data", negative, "--level", "ratio")
    assert code == 1 and "ratio level needs values of 0 or more" in err


def test_usage_errors_exit_2(k2011, run):
    code, _, err = run("agreement")
    assert code == 2 and "SOURCE files" in err and "--reliability-data" in err
    code, _, err = run("agreement", k2011, "--reliability-data", k2011)
    assert code == 2 and "not both" in err
    code, _, err = run("agreement", "--reliability-data", k2011, "--level", "metric")
    assert code == 2 and "invalid choice: 'metric'" in err
    code, _, err = run("agreement", "--reliability-data", k2011, "--resamples", "0")
    assert code == 2 and "expected 1 to 100000" in err


def test_html_is_for_span_reports(k2011, run):
    code, out, err = run("agreement", "--reliability-data", k2011, "--format", "html")
    assert code == 2 and out == "" and "--format html is for span-level reports" in err
