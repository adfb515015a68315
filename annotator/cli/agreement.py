"""``annotator agreement``: inter-annotator agreement from the command line.

Two kinds of input, one command:

- ``--reliability-data FILE.csv``: item-level measures on a units × coders table (header row of coder
  names, one row per unit, empty cell = missing; the ReCal / KALPHA layout);
- ``SOURCE ...`` (a project file or export files): span-level measures, in :func:`run_span_report`.

Giving neither, or both, is a usage error (exit 2). A file that cannot be used (malformed CSV, fewer
than two coders, a level that does not fit the values) is one line on stderr and exit 1.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from annotator.cli.output import UsageError, table as _table
from annotator.core.files import csv_text


def add_agreement_arguments(p: argparse.ArgumentParser) -> None:
    """The arguments of ``agreement`` (annotator.cli.COMMANDS names this module for it)."""
    p.description = (
        "Agreement measures. With --reliability-data: percent agreement, Cohen's kappa, Scott's pi, "
        "Bennett's S (two coders), Fleiss' kappa, Krippendorff's alpha with a bootstrap 95% interval, and "
        "per category alpha and Fleiss' kappa. See docs/agreement.md."
    )
    p.add_argument("sources", nargs="*", metavar="SOURCE",
                   help="a project file or export files (span-level measures)")
    p.add_argument("--annotators", metavar="LIST", type=_names,
                   help="SOURCE only: comma-separated annotator names or ids (default: every coder who annotated)")
    p.add_argument("--documents", metavar="LIST", type=_names,
                   help="SOURCE only: comma-separated document titles or ids (default: documents every coder annotated)")
    p.add_argument("--categories", metavar="LIST", type=_names,
                   help="SOURCE only: comma-separated category names or ids (default: all)")
    p.add_argument("--reliability-data", metavar="FILE",
                   help="CSV: a header row of coder names, one row per unit, an empty cell is a missing value")
    p.add_argument("--level", choices=("nominal", "ordinal", "interval", "ratio"), default="nominal",
                   help="level of measurement for Krippendorff's alpha (default: nominal)")
    p.add_argument("--format", choices=("table", "json", "csv"), default="table")
    p.add_argument("--raw-csv", action="store_true",
                   help="csv: write cells as they are (by default text starting with = + - @ gets a leading ')")
    p.add_argument("--resamples", type=_resamples, default=1000, metavar="N",
                   help="bootstrap resamples for alpha's 95%% interval (default: 1000)")
    p.add_argument("--seed", type=int, default=1, metavar="N",
                   help="seed of the bootstrap, so the interval is repeatable (default: 1)")
    p.set_defaults(func=cmd_agreement)


ARGUMENTS = {"agreement": add_agreement_arguments}


def _names(text: str) -> list[str]:
    names = [part.strip() for part in text.split(",") if part.strip()]
    if not names:
        raise argparse.ArgumentTypeError("expected a comma-separated list")
    return names


def _resamples(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if not 1 <= value <= 100_000:
        raise argparse.ArgumentTypeError(f"expected 1 to 100000, got {value}")
    return value


def cmd_agreement(args: argparse.Namespace) -> int:
    if args.reliability_data and args.sources:
        raise UsageError("give either SOURCE files (span-level) or --reliability-data FILE (item-level), not both")
    if args.reliability_data:
        return run_reliability_report(args)
    if args.sources:
        return run_span_report(args)
    raise UsageError("agreement needs SOURCE files (a project or export files) or --reliability-data FILE.csv")


def run_span_report(args: argparse.Namespace) -> int:
    """Span-level agreement on a project or export files (``annotator agreement SOURCE...``)."""
    from annotator.core.agreement.sources import load_sources, narrow
    from annotator.core.agreement.spans import span_report
    from annotator.core.errors import ValidationError

    data = narrow(load_sources(args.sources), args.annotators, args.documents, args.categories)
    coders = list(data.annotators) if args.annotators else sorted({s[1] for s in data.spans})
    if len(coders) < 2:
        names = ", ".join(data.annotators.get(c, c) for c in coders) or "none"
        raise ValidationError(f"agreement needs annotations by at least two coders; these sources have: {names}")
    texts = data.token_texts()
    report = span_report(texts, data.spans, coders=coders, categories=list(data.categories),
                         documents=list(data.texts) if args.documents else None)
    result = span_result(report, data)
    if args.format == "json":
        print(json.dumps(result, ensure_ascii=False, indent=2))
    elif args.format == "csv":
        _write_span_csv(result, args.raw_csv)
    else:
        print(_render_span_table(", ".join(map(str, args.sources)), result))
    return 0


SPAN_MEASURES = ("unitizing_alpha", "u_alpha_2016", "binary_u_alpha_2016", "cu_alpha_2016",
                 "span_f1_exact", "span_f1_overlap", "token_kappa", "token_alpha")


def span_result(report: dict[str, Any], data) -> dict[str, Any]:
    """The span report as JSON-ready data, with names instead of ids; ``null`` plus a note where a
    measure does not apply."""
    from annotator.core.agreement.common import Undefined

    notes: list[str] = list(data.notes)
    coder = lambda c: data.annotators.get(c, c)  # noqa: E731
    category = lambda c: None if c is None else data.categories.get(c, c)  # noqa: E731

    def measures(values: dict[str, Any], where: str) -> dict[str, Any]:
        out = {}
        for key in SPAN_MEASURES:
            value = values.get(key)
            if isinstance(value, Undefined):
                notes.append(f"{where}{key}: {value.reason}")
                value = None
            out[key] = value
        return out

    confusion = report.get("confusion")
    return {
        "coders": [coder(c) for c in report.get("coders", [])],
        "documents": len(report.get("documents", [])),
        "documents_excluded": [data.documents.get(d, d) for d in report.get("documents_excluded", [])],
        "overall": measures(report.get("overall", {}), "overall."),
        "per_category": {category(c): measures(v, f"{category(c)}.") for c, v in report.get("per_category", {}).items()},
        "per_document": {d: dict(title=data.documents.get(d, d), **measures(v, f"document {data.documents.get(d, d)}."))
                         for d, v in report.get("per_document", {}).items()},
        "pairs": [{"coders": [coder(c) for c in p["coders"]],
                   **{k: (None if isinstance(p.get(k), Undefined) else p.get(k))
                      for k in ("span_f1_exact", "span_f1_overlap", "token_kappa")}}
                  for p in report.get("pairs", [])],
        "confusion": None if not confusion else {
            "coders": [coder(c) for c in confusion["coders"]],
            "labels": [category(c) if c is not None else "(none)" for c in confusion["labels"]],
            "matrix": confusion["matrix"]},
        "disagreements": [{"document": d["document"], "title": data.documents.get(d["document"], d["document"]),
                           "start": d["start"], "end": d["end"],
                           "coders": {coder(c): ([category(x) for x in v] if isinstance(v, list) else category(v))
                                      for c, v in d["coders"].items()}}
                          for d in report.get("disagreements", [])],
        "notes": notes,
    }


_SPAN_LABELS = {
    "unitizing_alpha": "unitizing alpha (1995/2004)", "u_alpha_2016": "u-alpha (2016)",
    "binary_u_alpha_2016": "|u-alpha (2016)", "cu_alpha_2016": "cu-alpha (2016, 2 coders)",
    "span_f1_exact": "span F1, exact", "span_f1_overlap": "span F1, overlap",
    "token_kappa": "token kappa", "token_alpha": "token alpha",
}


def _render_span_table(sources: str, result: dict[str, Any]) -> str:
    lines = [f"{sources}: {len(result['coders'])} coders ({', '.join(result['coders'])}), "
             f"{result['documents']} documents"
             + (f" ({len(result['documents_excluded'])} left out: not every coder annotated them)"
                if result["documents_excluded"] else ""), ""]
    lines.append(_table(["measure", "overall"], [[_SPAN_LABELS[k], _fmt(v)] for k, v in result["overall"].items()],
                        right={1}))
    lines += ["", "per category:"]
    keys = list(SPAN_MEASURES)
    lines.append(_table(["category"] + [_SPAN_LABELS[k] for k in keys],
                        [[name] + [_fmt(values[k]) for k in keys] for name, values in result["per_category"].items()],
                        right=set(range(1, len(keys) + 1))))
    if result["pairs"]:
        lines += ["", "pairs:"]
        lines.append(_table(["coders", "span F1 exact", "span F1 overlap", "token kappa"],
                            [[" / ".join(p["coders"]), _fmt(p["span_f1_exact"]), _fmt(p["span_f1_overlap"]),
                              _fmt(p["token_kappa"])] for p in result["pairs"]], right={1, 2, 3}))
    lines += ["", f"{len(result['disagreements'])} disagreements (--format json lists them)"]
    if result["notes"]:
        lines += ["", "notes:"] + [f"  {note}" for note in result["notes"][:30]]
    lines += ["", "Reading alpha: ≥ 0.800 reliable; 0.667–0.800 for tentative conclusions only; "
              "below 0.667 not reliable (Krippendorff)."]
    return "\n".join(lines)


def _write_span_csv(result: dict[str, Any], raw: bool = False) -> None:
    rows = [["scope", "item", "measure", "value"]]
    rows += [["overall", "", key, value] for key, value in result["overall"].items()]
    rows += [["category", name, key, value] for name, values in result["per_category"].items()
             for key, value in values.items()]
    rows += [["document", values["title"], key, value] for values in result["per_document"].values()
             for key, value in values.items() if key != "title"]
    rows += [["pair", " / ".join(pair["coders"]), key, pair[key]] for pair in result["pairs"]
             for key in ("span_f1_exact", "span_f1_overlap", "token_kappa")]
    sys.stdout.write(csv_text(rows, raw))


def run_reliability_report(args: argparse.Namespace) -> int:
    from annotator.core.agreement.reliability import reliability_report
    from annotator.core.agreement.reliability_io import read_reliability_csv, report_as_dict

    data = read_reliability_csv(args.reliability_data)
    report = reliability_report(data, args.level, resamples=args.resamples, seed=args.seed)
    result = report_as_dict(report, resamples=args.resamples, seed=args.seed)
    if args.format == "json":
        print(json.dumps(result, ensure_ascii=False, indent=2))
    elif args.format == "csv":
        _write_csv(result, args.raw_csv)
    else:
        print(_render_table(args.reliability_data, result))
    return 0


_LABELS = {
    "percent_agreement": "percent agreement",
    "cohen_kappa": "Cohen's kappa",
    "scott_pi": "Scott's pi",
    "bennett_s": "Bennett's S",
    "fleiss_kappa": "Fleiss' kappa",
    "krippendorff_alpha": "Krippendorff's alpha",
}


def _fmt(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"


def _render_table(path: str, result: dict[str, Any]) -> str:
    coders = result["coders"]
    lines = [f"{path}: {len(coders)} coders ({', '.join(coders)}), {result['units']} units "
             f"({result['pairable_units']} coded by two or more), level {result['level']}", ""]
    rows = []
    for name, label in _LABELS.items():
        value = result[name]
        extra = ""
        if name == "percent_agreement" and value is not None:
            extra = f"{value * 100:.1f}%"
        if name == "krippendorff_alpha" and result["krippendorff_alpha_ci95"] is not None:
            low, high = result["krippendorff_alpha_ci95"]
            boot = result["bootstrap"]
            extra = f"95% CI [{low:.3f}, {high:.3f}] ({boot['resamples']} resamples of units, seed {boot['seed']})"
        rows.append([label, _fmt(value), extra])
    lines.append(_table(["measure", "value", ""], rows, right={1}))
    lines += ["", "per category (category versus the rest):"]
    lines.append(_table(["category", "Krippendorff's alpha", "Fleiss' kappa"],
                        [[key, _fmt(v["krippendorff_alpha"]), _fmt(v["fleiss_kappa"])]
                         for key, v in result["per_category"].items()], right={1, 2}))
    if result["notes"]:
        lines += ["", "notes:"] + [f"  {note}" for note in result["notes"]]
    lines += ["", "Reading alpha: ≥ 0.800 reliable; 0.667–0.800 for tentative conclusions only; "
              "below 0.667 not reliable (Krippendorff)."]
    return "\n".join(lines)


def _write_csv(result: dict[str, Any], raw: bool = False) -> None:
    ci = result["krippendorff_alpha_ci95"] or (None, None)
    rows = [["measure", "category", "value"]]
    rows += [[name, "", result[name]] for name in _LABELS]
    rows += [["krippendorff_alpha_ci95_low", "", ci[0]], ["krippendorff_alpha_ci95_high", "", ci[1]]]
    rows += [[name, key, value] for key, measures in result["per_category"].items() for name, value in measures.items()]
    rows += [["note", "", note] for note in result["notes"]]
    sys.stdout.write(csv_text(rows, raw))
