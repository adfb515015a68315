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
import csv
import json
import sys
from typing import Any

from annotator.cli import UsageError, _table


def add_agreement_parser(sub) -> None:
    """Register ``agreement`` on the CLI's subparsers."""
    p = sub.add_parser(
        "agreement", help="inter-annotator agreement: item-level on reliability data (CSV), span-level on projects",
        description="Agreement measures. With --reliability-data: percent agreement, Cohen's kappa, Scott's pi, "
        "Bennett's S (two coders), Fleiss' kappa, Krippendorff's alpha with a bootstrap 95% interval, and "
        "per category alpha and Fleiss' kappa. See docs/agreement.md.",
    )
    p.add_argument("sources", nargs="*", metavar="SOURCE",
                   help="a project file or export files (span-level measures)")
    p.add_argument("--reliability-data", metavar="FILE",
                   help="CSV: a header row of coder names, one row per unit, an empty cell is a missing value")
    p.add_argument("--level", choices=("nominal", "ordinal", "interval", "ratio"), default="nominal",
                   help="level of measurement for Krippendorff's alpha (default: nominal)")
    p.add_argument("--format", choices=("table", "json", "csv"), default="table")
    p.add_argument("--resamples", type=_resamples, default=1000, metavar="N",
                   help="bootstrap resamples for alpha's 95%% interval (default: 1000)")
    p.add_argument("--seed", type=int, default=1, metavar="N",
                   help="seed of the bootstrap, so the interval is repeatable (default: 1)")


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
    """Span-level agreement on projects / export files (``annotator agreement SOURCE...``).

    A stub until the span-level report lands: replace this function."""
    raise UsageError("agreement on projects and export files (SOURCE) is not available yet; "
                     "use --reliability-data FILE.csv")


def run_reliability_report(args: argparse.Namespace) -> int:
    from annotator.core.agreement.reliability import reliability_report
    from annotator.core.agreement.reliability_io import read_reliability_csv, report_as_dict

    data = read_reliability_csv(args.reliability_data)
    report = reliability_report(data, args.level, resamples=args.resamples, seed=args.seed)
    result = report_as_dict(report, resamples=args.resamples, seed=args.seed)
    if args.format == "json":
        print(json.dumps(result, ensure_ascii=False, indent=2))
    elif args.format == "csv":
        _write_csv(result)
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


def _write_csv(result: dict[str, Any]) -> None:
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(["measure", "category", "value"])
    for name in _LABELS:
        writer.writerow([name, "", "" if result[name] is None else repr(result[name])])
    ci = result["krippendorff_alpha_ci95"]
    writer.writerow(["krippendorff_alpha_ci95_low", "", "" if ci is None else repr(ci[0])])
    writer.writerow(["krippendorff_alpha_ci95_high", "", "" if ci is None else repr(ci[1])])
    for key, measures in result["per_category"].items():
        for name, value in measures.items():
            writer.writerow([name, key, "" if value is None else repr(value)])
    for note in result["notes"]:
        writer.writerow(["note", "", note])
