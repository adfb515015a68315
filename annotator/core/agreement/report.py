"""The agreement reports as users see them (Qt-free).

- The measure catalogue, defined once: each measure's key (its name in JSON and CSV), its label (the
  dashboard and the HTML page), its short label (the terminal table), what it measures (the reading
  aid beside each number), and whether Krippendorff's thresholds apply to it; plus the thresholds
  and the reading aid themselves.
- One JSON, one CSV and one HTML form of the span report (``spans.span_report``); the item-level
  report's JSON and CSV forms are in ``reliability_io``, beside its reader.

``annotator agreement --format json|csv|html`` and the dashboard's Export both write through these
functions, so they give the same bytes for the same data.

One rule for a measure that does not apply (an ``Undefined``): its value is ``null`` in JSON, an
empty cell in CSV and "—" on screen, and its reason is a note: in ``notes`` (JSON), in the ``note``
column (CSV), or on the cell as a tooltip (HTML).

The span report as JSON (names beside ids; docs/agreement.md, "On the command line"). Categories are
keyed by id, with their full path ("Parent / Child") as the label, so two categories that share a
name under different parents never collide::

    {"coders": [names], "documents": count, "documents_excluded": [titles],
     "overall": {measure: number | null, "<measure>_ci95": [low, high] | null, ...},
     "bootstrap": {"method", "resamples", "seed", "defined_resamples": {measure: count}} | null,
     "per_category": {id: {"label": "Parent / Child", measure: ...}},
     "per_document": {id: {"title": title, measure: ...}},
     "pairs": [{"coders": [a, b], "span_f1_exact", "span_f1_overlap", "token_kappa"}],
     "confusion": {"coders": [a, b], "labels": [names..., "(none)"], "matrix": [[count]]} | null,
     "disagreements": [{"document": id, "title", "start", "end", "coders": {name: category | null |
                        [categories]}}],
     "names": {"annotators": {id: name}, "categories": {id: path}, "documents": {id: title}},
     "notes": [why each null is null, and notes of the source]}

``<measure>_ci95`` is the bootstrap 95% interval (``spans.bootstrap``: documents resampled) of
unitizing alpha, uα, both span F1s (and gamma, when computed), null with a note when it has none.

As CSV, one row per number: ``scope,item,measure,value,note`` (scope overall, category, document or
pair; the item is the category's full path, the document's title or "a / b"; an undefined value is empty
and its note says why; an interval is two rows after its value, ``<measure>_ci95_low`` and
``<measure>_ci95_high``). Numbers are written in full; text cells get ``files.csv_cell``'s formula
guard unless ``raw``.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass, field
from typing import Any

from annotator.core.agreement.common import Undefined
from annotator.core.agreement.reliability import MEASURES as RELIABILITY_KEYS
from annotator.core.agreement.reliability import BootstrapInterval
from annotator.core.agreement.sources import AgreementData
from annotator.core.agreement.spans import MEASURES as SPAN_KEYS
from annotator.core.files import csv_text


def _scopes(key: str) -> dict:
    return {"scopes": ONLY_IN[key]} if key in ONLY_IN else {}


@dataclass(frozen=True)
class Measure:
    """One measure as users see it."""

    key: str  # its name in the JSON and CSV output
    label: str  # on the dashboard and the HTML page
    short: str  # in the terminal table (narrow, plain)
    about: str  # what it measures, in one line
    verdict: bool = True  # chance-corrected, so read against Krippendorff's thresholds (F1 is not)
    scopes: tuple[str, ...] = ("overall", "category", "document")  # where the span report has it


# Span measures that exist in some scopes only: their values appear in those tables (terminal, JSON,
# CSV, HTML, dashboard) and nowhere else, without a "not computed" in the others. A measure not
# named here is in every scope. (gamma, gamma_cat, gamma_k: spans/gamma.py.)
ONLY_IN: dict[str, tuple[str, ...]] = {
    "gamma": ("overall", "document"),
    "gamma_cat": ("overall", "document"),
    "gamma_k": ("category",),
}


# each row: key, label, short, about[, verdict]; the scopes come from ONLY_IN
CATALOGUE: dict[str, Measure] = {row[0]: Measure(*row, **_scopes(row[0])) for row in (
    ("unitizing_alpha", "Unitizing α (Krippendorff 1995/2004)", "unitizing alpha (1995/2004)",
     "Where coders put units and which category they gave them, over the whole text; gaps count."),
    ("u_alpha_2016", "uα (2016)", "u-alpha (2016)",
     "The 2016 unitizing alpha: positions and categories together."),
    ("binary_u_alpha_2016", "|uα (2016)", "|u-alpha (2016)",
     "Unit or gap only, ignoring categories: do coders find the same stretches?"),
    ("cu_alpha_2016", "cuα (2016, two coders)", "cu-alpha (2016, 2 coders)",
     "Categories only, where both coders marked units."),
    ("span_f1_exact", "Span F1, exact", "span F1, exact",
     "Same start, end and category, as a share of both coders' spans.", False),
    ("span_f1_overlap", "Span F1, overlap", "span F1, overlap",
     "Same category and at least one shared character, one-to-one.", False),
    ("token_kappa", "Token κ (Cohen)", "token kappa",
     "Per word: covered by the category or not; chance-corrected."),
    ("token_alpha", "Token α (Krippendorff)", "token alpha",
     "Per word, as token κ, with Krippendorff's expected disagreement."),
    ("gamma", "γ (Mathet 2015)", "gamma (Mathet 2015)",
     "Where units are and which category, after pairing each coder's units at least cost; beyond chance."),
    ("gamma_cat", "γ-cat (Mathet 2017)", "gamma-cat (Mathet 2017)",
     "The categories of the units γ pairs up, weighted by how well they overlap; beyond chance."),
    ("gamma_k", "γ-k (per category)", "gamma-k (per category)",
     "γ-cat for one category: the pairs in which a unit has that category."),
    ("percent_agreement", "Percent agreement", "percent agreement",
     "The share of agreeing coder pairs per unit; not chance-corrected.", False),
    ("cohen_kappa", "Cohen's κ", "Cohen's kappa",
     "Two coders, beyond chance, each coder with their own distribution of values."),
    ("scott_pi", "Scott's π", "Scott's pi", "Two coders, beyond chance, from the pooled distribution."),
    ("bennett_s", "Bennett's S", "Bennett's S", "Two coders, beyond a uniform choice among the values."),
    ("fleiss_kappa", "Fleiss' κ", "Fleiss' kappa",
     "Any number of coders, the same number on every unit; beyond chance."),
    ("krippendorff_alpha", "Krippendorff's α", "Krippendorff's alpha",
     "Any number of coders, missing values allowed, at the level of measurement chosen."),
    ("gwet_ac1", "Gwet's AC1", "Gwet's AC1",
     "Any number of coders, missing values allowed; beyond chance, steady when one value is far more common.",
     False),
    ("gwet_ac2", "Gwet's AC2", "Gwet's AC2",
     "AC1 with partial credit for near values, weighted by the level of measurement (nominal: AC1).", False),
    ("token_ac1", "Token AC1 (Gwet)", "token AC1",
     "Per word, as token α, with Gwet's chance term: steady when a category covers little text.", False),
)}
SPAN_MEASURES: tuple[Measure, ...] = tuple(CATALOGUE[key] for key in SPAN_KEYS)


def span_measures(scope: str) -> tuple[Measure, ...]:
    """The span measures the report has in ``scope`` ("overall", "category" or "document")."""
    return tuple(m for m in SPAN_MEASURES if scope in m.scopes)

RELIABILITY_MEASURES: tuple[Measure, ...] = tuple(CATALOGUE[key] for key in RELIABILITY_KEYS)
PAIR_MEASURES = ("span_f1_exact", "span_f1_overlap", "token_kappa")  # what the report gives per coder pair

RELIABLE, TENTATIVE = 0.800, 0.667  # Krippendorff (2004, p. 241)
THRESHOLDS = "≥ 0.800 reliable; 0.667–0.800 for tentative conclusions only; below 0.667 not reliable"
ALPHA_READING = f"Reading alpha: {THRESHOLDS} (Krippendorff)."
READING_AID_TITLE = "Reading the numbers."
READING_AID = (
    "α and κ are 1 for perfect agreement, 0 for agreement no better than chance, and negative when coders "
    f"disagree systematically. Krippendorff's guidance: {THRESHOLDS} (the coding scheme or its guidelines "
    "need work). F1 is the share of spans the coders match (0 to 1) and is not chance-corrected. “—” means "
    "the measure does not apply (hover for why). Annotator's Help → Agreement Measures (on the command line, "
    "annotator docs agreement-spans) explains each measure."
)


def reading_aid_html() -> str:
    """The reading aid as a line of HTML (the dashboard's label, the report page)."""
    return f"<b>{html.escape(READING_AID_TITLE)}</b> {html.escape(READING_AID)}"


def show_value(value) -> str:
    """A measure on screen: three decimals, or "—" when it does not apply."""
    if isinstance(value, Undefined) or value is None:
        return "—"
    return fixed(value, 3)


def fixed(value: float, decimals: int) -> str:
    """``value`` with ``decimals`` decimals, a value that rounds to zero shown as 0 without a sign
    (-0.0001 is "0.000", not "-0.000")."""
    text = f"{value:.{decimals}f}"
    return text[1:] if text.startswith("-") and not text.strip("-0.") else text


def counted(n: int, word: str, plural: str | None = None) -> str:
    """"1 document", "2 documents" (``plural`` for words that do not just take an s)."""
    return f"{n:,} {word if n == 1 else plural or word + 's'}"


def documents_line(used: int, left_out: int) -> str:
    """"2 documents (1 left out: not every coder annotated it or marked it done)" for a span
    report's documents."""
    if not left_out:
        return counted(used, "document")
    it = "it" if left_out == 1 else "them"
    return f"{counted(used, 'document')} ({left_out:,} left out: not every coder annotated {it} or marked {it} done)"


def compact_title(title: str, limit: int = 40) -> str:
    """A document title short enough for a table cell: white space collapsed and, past ``limit``
    characters, the middle left out (the start and the end, where numbers and names tell documents
    apart, stay): "2026-03-14 Riverside Ga…l transcript.txt"."""
    title = " ".join(title.split())
    if len(title) <= limit:
        return title
    tail = limit * 2 // 5
    return title[:limit - tail - 1].rstrip() + "…" + title[-tail:].lstrip()


def verdict(value) -> str:
    """Krippendorff's reading of a chance-corrected value ("" when it does not apply)."""
    if isinstance(value, Undefined) or value is None:
        return ""
    if value >= RELIABLE:
        return f"reliable (≥ {RELIABLE:.3f})"
    if value >= TENTATIVE:
        return f"tentative ({TENTATIVE:.3f}–{RELIABLE:.3f})"
    return f"unreliable (< {TENTATIVE:.3f})"


def split(value) -> tuple[Any, str]:
    """The one rule for output: (the value, "") for a number, (None, the reason) for an Undefined."""
    if isinstance(value, Undefined):
        return None, value.reason
    return value, ""


def as_json(result: dict[str, Any]) -> str:
    """A report's JSON text (UTF-8 as is, indented, ending with a newline)."""
    return json.dumps(result, ensure_ascii=False, indent=2) + "\n"


# -- the span report -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """One line of numbers of the span report: overall, one category, one document or one coder pair."""

    scope: str  # "overall", "category", "document" or "pair"
    key: Any  # the category's or document's id, the pair's coder ids; None overall
    name: str  # the category's full path, the document's title, "alice / bob"; "" overall
    values: dict[str, float | None] = field(default_factory=dict)
    reasons: dict[str, str] = field(default_factory=dict)  # why a None is None (an interval's: key + "_ci95")
    intervals: dict[str, list[float] | None] = field(default_factory=dict)  # measure → [low, high] (overall)

    def notes(self) -> list[str]:
        where = {"overall": "overall.", "category": f"category {self.name}.", "document": f"document {self.name}.",
                 "pair": f"pair {self.name}."}[self.scope]
        return [f"{where}{key}: {reason}" for key, reason in self.reasons.items()]


def _row(scope: str, key: Any, name: str, values: dict, keys) -> Row:
    row = Row(scope, key, name)
    for measure in keys:
        row.values[measure], reason = split(values.get(measure, Undefined("not computed")))
        if reason:
            row.reasons[measure] = reason
        if f"{measure}_ci95" in values:  # a bootstrap interval (the overall row of a span report)
            ci = values[f"{measure}_ci95"]
            row.intervals[measure] = [ci.low, ci.high] if isinstance(ci, BootstrapInterval) else None
            if isinstance(ci, Undefined):
                row.reasons[f"{measure}_ci95"] = ci.reason
    return row


def show_interval(interval) -> str:
    """A 95% interval on screen, "[0.650, 0.770]", or "—" when there is none."""
    if isinstance(interval, BootstrapInterval):
        interval = [interval.low, interval.high]
    if not interval:
        return "—"
    return f"[{fixed(interval[0], 3)}, {fixed(interval[1], 3)}]"


def bootstrap_line(report: dict[str, Any]) -> str:
    """"95% intervals: 1,000 bootstrap resamples of the documents (percentile method), seed 1." ("" without)."""
    boot = report.get("bootstrap")
    if not boot:
        return ""
    return (f"95% intervals: {counted(boot['resamples'], 'bootstrap resample')} of the documents (percentile "
            f"method), seed {boot['seed']}.")


def _category(data: AgreementData, category) -> str | None:
    return None if category is None else data.categories.get(category, category)


def span_rows(report: dict[str, Any], data: AgreementData) -> list[Row]:
    """Every number of the span report, row by row, with names from ``data``."""
    coder = data.annotators.get
    keys = {scope: [m.key for m in span_measures(scope)] for scope in ("overall", "category", "document")}
    rows = [_row("overall", None, "", report.get("overall", {}), keys["overall"])]
    rows += [_row("category", c, _category(data, c), values, keys["category"])
             for c, values in report.get("per_category", {}).items()]
    rows += [_row("document", d, data.documents.get(d, d), values, keys["document"])
             for d, values in report.get("per_document", {}).items()]
    rows += [_row("pair", tuple(p["coders"]), " / ".join(coder(c, c) for c in p["coders"]), p, PAIR_MEASURES)
             for p in report.get("pairs", [])]
    return rows


def span_report_as_dict(report: dict[str, Any], data: AgreementData) -> dict[str, Any]:
    """The span report as JSON-ready data (the shape in this module's docstring)."""
    rows = span_rows(report, data)
    coder = lambda c: data.annotators.get(c, c)  # noqa: E731

    def named(value):
        return [_category(data, x) for x in value] if isinstance(value, list) else _category(data, value)

    confusion = report.get("confusion")
    documents = list(report.get("documents", [])) + list(report.get("documents_excluded", []))
    overall: dict[str, Any] = {}
    for key, value in rows[0].values.items():
        overall[key] = value
        if key in rows[0].intervals:
            overall[f"{key}_ci95"] = rows[0].intervals[key]
    boot = report.get("bootstrap")
    return {
        "coders": [coder(c) for c in report.get("coders", [])],
        "documents": len(report.get("documents", [])),
        "documents_excluded": [data.documents.get(d, d) for d in report.get("documents_excluded", [])],
        "overall": overall,
        "bootstrap": None if not boot else {
            "method": boot["method"], "resamples": boot["resamples"], "seed": boot["seed"],
            "defined_resamples": dict(boot["defined_resamples"])},
        "per_category": {row.key: {"label": row.name, **row.values} for row in rows if row.scope == "category"},
        "per_document": {row.key: {"title": row.name, **row.values} for row in rows if row.scope == "document"},
        "pairs": [{"coders": [coder(c) for c in row.key], **row.values} for row in rows if row.scope == "pair"],
        "confusion": None if not confusion else {
            "coders": [coder(c) for c in confusion["coders"]],
            "labels": [_category(data, c) if c is not None else "(none)" for c in confusion["labels"]],
            "matrix": confusion["matrix"]},
        "disagreements": [{"document": d["document"], "title": data.documents.get(d["document"], d["document"]),
                           "start": d["start"], "end": d["end"],
                           "coders": {coder(c): named(v) for c, v in d["coders"].items()}}
                          for d in report.get("disagreements", [])],
        "names": {"annotators": {c: coder(c) for c in report.get("coders", [])},
                  "categories": {c: _category(data, c) for c in report.get("categories", [])},
                  "documents": {d: data.documents.get(d, d) for d in documents}},
        "notes": list(data.notes) + [note for row in rows for note in row.notes()],
    }


def span_report_json(report: dict[str, Any], data: AgreementData) -> str:
    return as_json(span_report_as_dict(report, data))


def span_report_csv(report: dict[str, Any], data: AgreementData, raw: bool = False) -> str:
    """One row per number: scope, item, measure, value (empty when undefined), note (why)."""
    out: list[list[Any]] = [["scope", "item", "measure", "value", "note"]]
    for row in span_rows(report, data):
        for key, value in row.values.items():
            out.append([row.scope, row.name, key, "" if value is None else value, row.reasons.get(key, "")])
            if key in row.intervals:  # the 95% interval's ends, right after the value
                ci, why = row.intervals[key] or ["", ""], row.reasons.get(f"{key}_ci95", "")
                out += [[row.scope, row.name, f"{key}_ci95_low", ci[0], why],
                        [row.scope, row.name, f"{key}_ci95_high", ci[1], why]]
    return csv_text(out, raw)


def describe_disagreement(item: dict, data: AgreementData) -> str:
    """"alice: Opinion · bob: nothing" for one disagreement of the span report."""
    parts = []
    for coder, category in item["coders"].items():
        if isinstance(category, list):
            category = " + ".join(data.categories.get(c, c) for c in category)
        else:
            category = data.categories.get(category, category) if category else "nothing"
        parts.append(f"{data.annotators.get(coder, coder)}: {category}")
    return " · ".join(parts)


def disagreement_quotes(items: list[dict], data: AgreementData, limit: int = 80) -> list[dict[str, str]]:
    """For each disagreement of the span report, what each coder marked there: ``{coder id:
    'Opinion: “Critics call it a waste of money”'}``, the whole span each coder gave the category
    they have at that stretch, quoted from the text where the source holds it (else its position),
    several joined with " + ", and "nothing" for a coder without a span there."""
    by_coder: dict[tuple[str, str], list[tuple[int, int, str]]] = {}
    for document, coder, start, end, category in data.spans:
        by_coder.setdefault((document, coder), []).append((start, end, category))
    for spans in by_coder.values():
        spans.sort()
    out = []
    for item in items:
        text = data.contents.get(item["document"])
        cells = {}
        for coder, held in item["coders"].items():
            wanted = set(held) if isinstance(held, list) else {held} if held else set()
            parts = []
            for start, end, category in by_coder.get((item["document"], coder), ()):
                if start >= item["end"]:
                    break
                if end > item["start"] and category in wanted:
                    quote = f"“{_clip(text[start:end], limit)}”" if text is not None else f"{start:,}–{end:,}"
                    parts.append(f"{_category(data, category)}: {quote}")
            cells[coder] = " + ".join(dict.fromkeys(parts)) or "nothing"
        out.append(cells)
    return out


def _clip(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Agreement report</title>
<style>body{{font-family:sans-serif;max-width:60em;margin:2em auto;line-height:1.45;color:#222}}
table{{border-collapse:collapse;margin:1em 0}}td,th{{border:1px solid #ccc;padding:.3em .6em;text-align:left}}
th{{background:#f2f2f2}}</style></head><body>
<h1>Agreement report</h1><p>Coders: {coders} · {documents}</p>
<p>{aid}</p>
<h2>Overall</h2><table><tr><th>Measure</th><th>Value</th><th>95% interval</th><th>Reading</th>
<th>What it measures</th></tr>{overall}</table>
<p>{bootstrap}</p>
{per_category}
{per_document}
{confusion}
<h2>Disagreements</h2><table><tr><th>Document</th><th>Position</th><th>Coders</th></tr>{disagreements}</table>
<h2>Notes</h2><ul>{notes}</ul>
</body></html>
"""
MAX_HTML_DISAGREEMENTS = 2000


def span_report_html(report: dict[str, Any], data: AgreementData) -> str:
    """A standalone HTML page of the span report; every text from the project is escaped."""
    esc = html.escape
    rows = span_rows(report, data)

    def cell(row: Row, key: str) -> str:
        return f'<td title="{esc(row.reasons.get(key, ""))}">{esc(show_value(row.values.get(key)))}</td>'

    def table(title: str, scope: str) -> str:
        measures = span_measures(scope)
        head = "".join(f"<th>{esc(m.label)}</th>" for m in measures)
        body = "".join(f"<tr><td>{esc(row.name)}</td>" + "".join(cell(row, m.key) for m in measures) + "</tr>"
                       for row in rows if row.scope == scope)
        return f"<h2>{esc(title)}</h2><table><tr><th></th>{head}</tr>{body}</table>"

    def interval(row: Row, key: str) -> str:
        if key not in row.intervals:
            return "<td></td>"
        return f'<td title="{esc(row.reasons.get(key + "_ci95", ""))}">{esc(show_interval(row.intervals[key]))}</td>'

    overall = "".join(f"<tr><td>{esc(m.label)}</td>{cell(rows[0], m.key)}{interval(rows[0], m.key)}"
                      f"<td>{esc(verdict(rows[0].values.get(m.key)) if m.verdict else '')}</td>"
                      f"<td>{esc(m.about)}</td></tr>" for m in span_measures("overall"))
    disagreements = "".join(
        f"<tr><td>{esc(data.documents.get(d['document'], d['document']))}</td><td>{d['start']}–{d['end']}</td>"
        f"<td>{esc(describe_disagreement(d, data))}</td></tr>"
        for d in report.get("disagreements", [])[:MAX_HTML_DISAGREEMENTS])
    notes = list(data.notes) + [note for row in rows for note in row.notes()]
    return _PAGE.format(confusion=confusion_html(report.get("confusion"), data), bootstrap=esc(bootstrap_line(report)),
        coders=", ".join(esc(data.annotators.get(c, c)) for c in report.get("coders", [])),
        documents=counted(len(report.get("documents", [])), "document"), aid=reading_aid_html(), overall=overall,
        per_category=table("Per category", "category"), per_document=table("Per document", "document"),
        disagreements=disagreements, notes="".join(f"<li>{esc(n)}</li>" for n in notes))


def confusion_html(confusion: dict | None, data: AgreementData) -> str:
    """The confusion matrix of the report's pair as an HTML table, headed by the pair's names."""
    if not confusion or len(confusion.get("coders", [])) != 2:
        return ""
    esc, coder = html.escape, (lambda c: data.annotators.get(c, c))
    a, b = (coder(c) for c in confusion["coders"])
    labels = [_category(data, c) if c is not None else "(none)" for c in confusion["labels"]]
    head = "".join(f"<th>{esc(label)}</th>" for label in labels)
    body = "".join(f"<tr><th>{esc(label)}</th>" + "".join(f"<td>{n}</td>" for n in row) + "</tr>"
                   for label, row in zip(labels, confusion["matrix"]))
    return (f"<h2>Confusion: {esc(a)} / {esc(b)}</h2><p>Rows: {esc(a)}'s category · columns: {esc(b)}'s category. "
            f"“(none)”: a span the other coder did not mark.</p><table><tr><th></th>{head}</tr>{body}</table>")


SPAN_FORMATS = ("json", "csv", "html")


def span_report_text(fmt: str, report: dict[str, Any], data: AgreementData, raw: bool = False) -> str:
    """The span report in ``fmt`` (one of SPAN_FORMATS); ``raw``: CSV cells without the formula guard."""
    if fmt == "csv":
        return span_report_csv(report, data, raw)
    return {"json": span_report_json, "html": span_report_html}[fmt](report, data)
