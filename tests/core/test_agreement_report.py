"""The agreement report as users see it: one measure catalogue, and one JSON, CSV and HTML form of
the span report (annotator/core/agreement/report.py), whatever front end writes it."""

from __future__ import annotations

import csv
import io
import json

import pytest

from annotator.core.agreement import reliability, spans
from annotator.core.agreement.report import (
    CATALOGUE,
    RELIABILITY_MEASURES,
    SPAN_MEASURES,
    compact_title,
    counted,
    disagreement_quotes,
    documents_line,
    fixed,
    show_value,
    span_report_as_dict,
    span_report_csv,
    span_report_html,
    span_report_json,
    span_report_text,
    verdict,
)
from annotator.core.agreement.sources import AgreementData
from annotator.core.errors import ValidationError

TEXT = "one two three four five six seven eight nine ten"
HOSTILE = "<script>alert(1)</script>"


def data(annotators=None) -> AgreementData:
    annotators = annotators or {"a1": "=alice", "b1": HOSTILE}
    return AgreementData(
        texts={"d1": len(TEXT), "d2": len(TEXT)},
        spans=[("d1", "a1", 0, 7, "c1"), ("d1", "b1", 0, 7, "c1"), ("d1", "a1", 8, 13, "c2"),
               ("d1", "b1", 8, 18, "c1"), ("d2", "a1", 0, 3, "c1")],
        annotators=annotators,
        categories={"c1": '"><img src=x onerror=alert(1)>', "c2": "+Opinion", "c3": "@unused"},
        documents={"d1": "</td><script>x()</script>", "d2": "-second"},
        contents={"d1": TEXT, "d2": TEXT},
    )


def report(d: AgreementData):
    return spans.span_report(d.token_texts(), d.spans, coders=d.coders(), categories=list(d.categories))


def test_the_catalogue_names_every_measure_once():
    assert [m.key for m in SPAN_MEASURES] == list(spans.MEASURES)
    assert [m.key for m in RELIABILITY_MEASURES] == list(reliability.MEASURES)
    assert len({m.label for m in CATALOGUE.values()}) == len(CATALOGUE)
    assert all(m.about for m in CATALOGUE.values())
    assert [m.key for m in SPAN_MEASURES if not m.verdict] == ["span_f1_exact", "span_f1_overlap", "token_ac1"]
    assert (verdict(0.8), verdict(0.667), verdict(0.5), verdict(None)) == (
        "reliable (≥ 0.800)", "tentative (0.667–0.800)", "unreliable (< 0.667)", "")


def test_json_has_names_and_a_note_for_every_null():
    d = data()
    result = json.loads(span_report_json(report(d), d))
    assert result["coders"] == ["=alice", HOSTILE] and result["documents"] == 1
    assert result["documents_excluded"] == ["-second"]  # bob never annotated it
    assert set(result["per_category"]) == {"c1", "c2", "c3"}  # keyed by id, the path as the label
    assert [v["label"] for v in result["per_category"].values()] == ['"><img src=x onerror=alert(1)>', "+Opinion",
                                                                     "@unused"]
    assert result["names"]["documents"] == {"d1": "</td><script>x()</script>", "d2": "-second"}
    assert result["confusion"]["labels"][-1] == "(none)"
    nulls = [(scope, key) for scope, values in [("overall.", result["overall"])]
             + [(f"category {v['label']}.", v) for v in result["per_category"].values()]
             + [(f"pair {' / '.join(p['coders'])}.", p) for p in result["pairs"]]
             for key, value in values.items() if value is None]
    assert nulls and all(any(note.startswith(f"{scope}{key}: ") for note in result["notes"]) for scope, key in nulls)


def test_csv_guards_names_keeps_numbers_and_says_why_a_cell_is_empty():
    d = data()
    rows = list(csv.reader(io.StringIO(span_report_csv(report(d), d), newline="")))
    assert rows[0] == ["scope", "item", "measure", "value", "note"]
    assert {r[0] for r in rows[1:]} == {"overall", "category", "document", "pair"}
    assert ["category", "'+Opinion"] in [r[:2] for r in rows] and ["document", "</td><script>x()</script>"] in [
        r[:2] for r in rows]
    assert any(r[1] == "'=alice / <script>alert(1)</script>" for r in rows if r[0] == "pair")
    empty = [r for r in rows[1:] if r[3] == ""]
    assert empty and all(r[4] for r in empty)  # every empty value has its reason
    assert all(r[4] == "" and float(r[3]) <= 1 for r in rows[1:] if r[3])  # numbers stay numbers
    raw = list(csv.reader(io.StringIO(span_report_csv(report(d), d, raw=True), newline="")))
    assert ["category", "+Opinion"] in [r[:2] for r in raw]
    assert span_report_text("csv", report(d), d, raw=True) == span_report_csv(report(d), d, raw=True)


def test_html_escapes_every_text_from_the_project():
    d = data()
    page = span_report_html(report(d), d)
    assert page.startswith("<!DOCTYPE html>") and page.count("<script") == 0 and "<img" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "&quot;&gt;&lt;img" in page
    assert "Unitizing α (Krippendorff 1995/2004)" in page and "reliable" in page
    assert page.count("<table>") == 5 and page.count("</td><script>") == 0  # confusion included
    assert "<h2>Confusion: =alice / &lt;script&gt;" in page


def test_at_least_two_coders_is_one_rule():
    d = data()
    assert d.coders() == ["a1", "b1"] and d.coders(["b1", "a1"]) == ["b1", "a1"]
    alone = data({"a1": "alice", "b1": "bob", "c1": "carol"})
    alone.spans = [s for s in alone.spans if s[1] == "a1"]
    with pytest.raises(ValidationError, match="at least two coders; these sources have: alice$"):
        alone.coders()
    with pytest.raises(ValidationError, match="these sources have: none$"):
        AgreementData({}, [], {"x": "x"}, {}, {}).coders()
    assert alone.coders(["a1", "c1"]) == ["a1", "c1"]  # chosen coders count, annotated or not


def test_an_empty_report_is_still_written():
    d = data()
    empty = spans.span_report(d.token_texts(), [], coders=["a1", "b1"], categories=list(d.categories))
    result = span_report_as_dict(empty, d)
    assert all(v is None for v in result["overall"].values()) and result["notes"]
    assert "nothing annotated" in span_report_html(empty, d) or "share no documents" in span_report_html(empty, d)


# -- what the dashboard shows (issue 13, points 20 and 21) ----------------------------------------


def test_a_value_that_rounds_to_zero_has_no_sign():
    assert show_value(-0.0001) == show_value(-0.0) == show_value(0.0004) == "0.000"
    assert fixed(-0.004, 2) == "0.00" and fixed(-0.4, 0) == "0"
    assert show_value(-0.0005001) == "-0.001" and fixed(-10.0001, 3) == "-10.000" and fixed(-0.5, 3) == "-0.500"


def test_counts_have_the_right_plural():
    assert counted(1, "document") == "1 document" and counted(2, "document") == "2 documents"
    assert counted(0, "coder") == "0 coders" and counted(1, "category", "categories") == "1 category"
    assert documents_line(1, 0) == "1 document"
    assert documents_line(2, 1) == "2 documents (1 left out: not every coder annotated it or marked it done)"
    assert documents_line(1, 3) == "1 document (3 left out: not every coder annotated them or marked them done)"
    d = data({"a1": "alice", "b1": "bob"})
    page = span_report_html(spans.span_report(d.token_texts(), d.spans, documents=["d1"]), d)
    assert "Coders: alice, bob · 1 document</p>" in page


def test_a_long_title_keeps_its_start_and_end():
    title = "2026-03-14 Riverside Gazette — council budget debate on cycling infrastructure, full transcript.txt"
    short = compact_title(title)
    assert len(short) <= 40 and short.startswith("2026-03-14 Riverside") and short.endswith("transcript.txt")
    assert "…" in short and compact_title("Article  2\n") == "Article 2"


def test_each_coder_s_quoted_text_of_a_disagreement():
    d = data({"a1": "alice", "b1": "bob"})
    items = report(d)["disagreements"]
    quotes = disagreement_quotes(items, d)
    by_place = {(i["document"], i["start"], i["end"]): q for i, q in zip(items, quotes)}
    # d1 8–13 "three": alice +Opinion, bob the first category over 8–18 "three four"
    c1 = d.categories["c1"]
    assert by_place[("d1", 8, 13)] == {"a1": "+Opinion: “three”", "b1": f"{c1}: “three four”"}
    assert by_place[("d1", 13, 18)] == {"a1": "nothing", "b1": f"{c1}: “three four”"}
    without_text = AgreementData(d.texts, d.spans, d.annotators, d.categories, d.documents)
    assert disagreement_quotes(items, without_text)[0]["b1"] == f"{c1}: 8–18"


# -- categories keyed by id, shown by their path (issue 18, point 6) -------------------------------


def two_opinions_export() -> dict:
    """Two categories named "Opinion", one under "Claims" and one under "Evidence"; alice and bob
    agree on the first, disagree on the second."""
    def ann(i, who, start, end, cat):
        return {"id": f"a{i}", "document_id": "d1", "annotator_id": who, "start": start, "end": end,
                "category_id": cat}

    return {"documents": [{"id": "d1", "length": len(TEXT), "text": TEXT, "title": "one"}],
            "annotators": [{"id": "al", "name": "alice"}, {"id": "bo", "name": "bob"}],
            "categories": [{"id": "claims", "name": "Claims", "parent_id": None},
                           {"id": "op1", "name": "Opinion", "parent_id": "claims"},
                           {"id": "evidence", "name": "Evidence", "parent_id": None},
                           {"id": "op2", "name": "Opinion", "parent_id": "evidence"}],
            "annotations": [ann(1, "al", 0, 7, "op1"), ann(2, "bo", 0, 7, "op1"),
                            ann(3, "al", 8, 18, "op2"), ann(4, "bo", 14, 24, "op2")]}


def test_two_categories_of_one_name_under_different_parents_never_collide():
    from annotator.core.agreement.sources import from_export_data

    d = from_export_data(two_opinions_export())
    assert d.categories["op1"] == "Claims / Opinion" and d.categories["op2"] == "Evidence / Opinion"
    result = span_report_as_dict(report(d), d)
    per = result["per_category"]
    assert {per["op1"]["label"], per["op2"]["label"]} == {"Claims / Opinion", "Evidence / Opinion"}
    assert per["op1"]["span_f1_exact"] == 1.0 and per["op2"]["span_f1_exact"] == 0.0  # both kept, each its own
    assert result["names"]["categories"]["op2"] == "Evidence / Opinion"
    rows = list(csv.reader(io.StringIO(span_report_csv(report(d), d), newline="")))
    items = {r[1] for r in rows if r[0] == "category"}
    assert {"Claims / Opinion", "Evidence / Opinion"} <= items


def test_categories_are_picked_by_id_path_or_an_unambiguous_name():
    from annotator.core.agreement.sources import from_export_data, narrow, pick_categories

    d = from_export_data(two_opinions_export())
    assert pick_categories(d, ["op2", "Claims / Opinion", "Evidence"]) == ["op2", "op1", "evidence"]
    with pytest.raises(ValidationError) as refused:
        pick_categories(d, ["Opinion"])
    assert str(refused.value) == ("category name 'Opinion' is ambiguous: Claims / Opinion (id op1); "
                                  "Evidence / Opinion (id op2); give the full path or the id")
    with pytest.raises(ValidationError, match="no category named 'Opinon'"):
        narrow(d, categories=["Opinon"])
    assert {s[4] for s in narrow(d, categories=["Evidence / Opinion"]).spans} == {"op2"}
    export = two_opinions_export()
    export["categories"].append({"id": "op0", "name": "Opinion", "parent_id": None})
    top = from_export_data(export)  # a top-level category's path is its name: that names it alone
    assert pick_categories(top, ["Opinion"]) == ["op0"]


# -- which documents count does not depend on the categories (issue 18, point 7) -------------------


def documents_data() -> AgreementData:
    """d1: both coders mark X; d2: alice marks X, bob only Y; d3: only alice; d4: only alice, and bob
    marked it done (he found nothing there)."""
    return AgreementData(
        texts={d: len(TEXT) for d in ("d1", "d2", "d3", "d4")},
        spans=[("d1", "a", 0, 7, "X"), ("d1", "b", 0, 7, "X"), ("d1", "a", 8, 13, "Y"), ("d1", "b", 8, 18, "Y"),
               ("d2", "a", 0, 13, "X"), ("d2", "b", 14, 24, "Y"), ("d2", "a", 14, 24, "Y"),
               ("d3", "a", 0, 3, "X"), ("d4", "a", 4, 8, "X")],
        annotators={"a": "alice", "b": "bob"}, categories={"X": "X", "Y": "Y"},
        documents={d: d for d in ("d1", "d2", "d3", "d4")}, contents={d: TEXT for d in ("d1", "d2", "d3", "d4")},
        statuses={("d4", "b"): "done"})


def test_a_per_category_run_counts_the_documents_of_the_full_report():
    from annotator.core.agreement.choice import chosen_span_report, counted_documents

    d = documents_data()
    assert counted_documents(d, ["a", "b"]) == (["d1", "d2", "d4"], ["d3"])
    full, _ = chosen_span_report(d, ["a", "b"])
    only_x, _ = chosen_span_report(d, ["a", "b"], categories=["X"])
    assert full["documents"] == only_x["documents"] == ["d1", "d2", "d4"]
    assert full["documents_excluded"] == only_x["documents_excluded"] == ["d3"]
    assert list(only_x["per_category"]) == ["X"]
    # every per-category number is the full report's, except cuα: (k)cuα is read off the matrix of
    # the categories in the run (docs/agreement-spans.md), so it changes with them; and γ-k, read off
    # the best alignment of the units of the categories in the run
    same = {k: v for k, v in full["per_category"]["X"].items() if k not in ("cu_alpha_2016", "gamma_k")}
    assert {k: v for k, v in only_x["per_category"]["X"].items()
            if k not in ("cu_alpha_2016", "gamma_k")} == same
    assert isinstance(same["unitizing_alpha"], float) and isinstance(same["span_f1_overlap"], float)
    # before issue 18 the X-only run dropped d2 (bob has no X there) and d4: not the same numbers
    old = spans.span_report(d.token_texts(), [s for s in d.spans if s[4] == "X"], coders=["a", "b"],
                            categories=["X"])
    assert old["documents"] == ["d1"] and old["per_category"]["X"]["span_f1_exact"] != same["span_f1_exact"]


# -- the confusion pair, and coders without annotations (issue 18, point 8) ------------------------


def test_the_confusion_pair_is_chosen_and_every_pair_can_be_had():
    from annotator.core.agreement.choice import chosen_span_report, pick_pair

    d = documents_data()
    d.annotators["c"] = "carol"
    d.spans += [("d1", "c", 0, 7, "Y"), ("d2", "c", 0, 13, "X"), ("d4", "c", 0, 2, "X")]
    assert pick_pair(d, ["carol", "a"], ["a", "b", "c"]) == ("c", "a") and pick_pair(d, None, ["a", "b"]) is None
    for bad in (["alice", "alice"], ["alice"], ["alice", "bob", "carol"], ["alice", "carol"]):
        with pytest.raises(ValidationError, match=r"^--pair needs two different coders of the report \(alice, bob\)"):
            pick_pair(d, bad, ["a", "b"])
    report, used = chosen_span_report(d, ["a", "b", "c"], pair=("c", "a"), every_confusion=True)
    assert report["confusion"]["coders"] == ["c", "a"]
    assert [c["coders"] for c in report["confusions"]] == [["a", "b"], ["a", "c"], ["b", "c"]]
    assert span_report_as_dict(report, used)["confusion"]["coders"] == ["carol", "alice"]
    assert "<h2>Confusion: carol / alice</h2>" in span_report_html(report, used)


def test_a_coder_without_annotations_is_named_not_dropped_silently():
    d = documents_data()
    d.annotators["c"] = "carol"
    assert d.coders() == ["a", "b"] and "carol has no annotations in these sources; left out" in d.notes
    d.notes.clear()
    assert d.coders(["a", "c"]) == ["a", "c"] and d.notes == ["carol has no annotations in these sources"]
    d.spans = [s for s in d.spans if s[1] == "a"]
    with pytest.raises(ValidationError, match="at least two coders; these sources have: alice$"):
        d.coders()
    assert "bob has no annotations in these sources; left out" in d.notes


def test_intervals_in_json_csv_and_html():
    """Issue 18 point 5: ``<measure>_ci95`` beside each measure that has one, the bootstrap block, two
    CSV rows per interval, and a column of the HTML page; null with a note where there is none."""
    d = documents_data()
    rep = spans.span_report(d.token_texts(), d.spans, coders=["a", "b"], documents=["d1", "d2", "d4"],
                            resamples=200, seed=3)
    result = span_report_as_dict(rep, d)
    overall = result["overall"]
    assert list(overall)[:2] == ["unitizing_alpha", "unitizing_alpha_ci95"]
    low, high = overall["span_f1_overlap_ci95"]
    assert low <= high and "token_kappa_ci95" not in overall
    assert result["bootstrap"]["resamples"] == 200 and result["bootstrap"]["seed"] == 3
    rows = list(csv.reader(io.StringIO(span_report_csv(rep, d), newline="")))
    measures = [r[2] for r in rows if r[0] == "overall"]
    at = measures.index("span_f1_overlap")
    assert measures[at + 1:at + 3] == ["span_f1_overlap_ci95_low", "span_f1_overlap_ci95_high"]
    assert [float(r[3]) for r in rows if r[2].startswith("span_f1_overlap_ci95")] == [low, high]
    page = span_report_html(rep, d)
    assert "<th>95% interval</th>" in page and "200 bootstrap resamples of the documents" in page
    one = spans.span_report(d.token_texts(), d.spans, coders=["a", "b"], documents=["d1"], resamples=200, seed=3)
    result = span_report_as_dict(one, d)
    assert result["overall"]["u_alpha_2016_ci95"] is None
    assert "overall.u_alpha_2016_ci95: one document: resampling documents needs two or more" in result["notes"]
    rows = list(csv.reader(io.StringIO(span_report_csv(one, d), newline="")))
    assert ["overall", "", "u_alpha_2016_ci95_low", "", "one document: resampling documents needs two or more"] in rows


# -- measures in some scopes only (issue 18: gamma, gamma_cat, gamma_k from other branches) ---------


@pytest.fixture
def scoped(monkeypatch):
    """The report module with two measures of some scopes only, as the gamma branch adds them
    (their scopes from ``ONLY_IN``), and a report holding their values where they exist."""
    from annotator.core.agreement import report as module

    extra = tuple(module.Measure(key, label, key, "test measure", **module._scopes(key))
                  for key, label in (("gamma", "Gamma γ"), ("gamma_k", "Gamma γ-k")))
    assert [m.scopes for m in extra] == [("overall", "document"), ("category",)]
    monkeypatch.setattr(module, "SPAN_MEASURES", module.SPAN_MEASURES + extra)
    for m in extra:
        monkeypatch.setitem(module.CATALOGUE, m.key, m)
    d = data({"a1": "alice", "b1": "bob"})
    rep = report(d)
    rep["overall"]["gamma"] = 0.5
    for c in rep["per_category"]:
        rep["per_category"][c]["gamma_k"] = 0.25
    for doc in rep["per_document"]:
        rep["per_document"][doc]["gamma"] = 0.75
    return d, rep


def test_a_measure_of_some_scopes_appears_only_there_without_noise(scoped):
    d, rep = scoped
    result = span_report_as_dict(rep, d)
    assert result["overall"]["gamma"] == 0.5 and "gamma_k" not in result["overall"]
    assert all(v["gamma_k"] == 0.25 and "gamma" not in v for v in result["per_category"].values())
    assert all(v["gamma"] == 0.75 and "gamma_k" not in v for v in result["per_document"].values())
    assert not any("not computed" in note for note in result["notes"])
    rows = list(csv.reader(io.StringIO(span_report_csv(rep, d), newline="")))
    assert {r[0] for r in rows if r[2] == "gamma"} == {"overall", "document"}
    assert {r[0] for r in rows if r[2] == "gamma_k"} == {"category"}
    page = span_report_html(rep, d)
    per_category = page[page.index("<h2>Per category"):page.index("<h2>Per document")]
    assert "Gamma γ-k" in per_category and "Gamma γ<" not in per_category and "0.250" in per_category
    assert page.count("Gamma γ-k") == 1 and "0.500" in page[:page.index("<h2>Per category")]
    from annotator.cli.agreement import _render_span_table

    table = _render_span_table("x", result)
    overall, per = table.split("per category:")
    assert "gamma " in overall and "gamma_k" not in overall and "gamma_k" in per and "0.250" in per
