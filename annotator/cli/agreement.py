"""``annotator agreement``: inter-annotator agreement from the command line.

Two kinds of input, one command:

- ``--reliability-data FILE.csv``: item-level measures on a units × coders table (header row of coder
  names, one row per unit, empty cell = missing; the ReCal / KALPHA layout);
- ``SOURCE ...`` (a project file or export files): span-level measures, in :func:`run_span_report`.

The reports are written by ``annotator.core.agreement.report`` (the same functions as the
dashboard's Export); this module parses the arguments and draws the terminal tables.

Giving neither, or both, is a usage error (exit 2). A file that cannot be used (malformed CSV, fewer
than two coders, a level that does not fit the values) is one line on stderr and exit 1.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from annotator.cli.output import UsageError
from annotator.cli.output import table as _table


def add_agreement_arguments(p: argparse.ArgumentParser) -> None:
    """The arguments of ``agreement`` (annotator.cli.COMMANDS names this module for it)."""
    p.description = (
        "Agreement measures. With --reliability-data: percent agreement, Cohen's kappa, Scott's pi, "
        "Bennett's S (two coders), Fleiss' kappa, Krippendorff's alpha with a bootstrap 95% interval, and "
        "per category alpha and Fleiss' kappa. With --against-gold: each coder against the gold standard. "
        "'annotator docs agreement' (item level) and "
        "'annotator docs agreement-spans' (span level) describe them."
    )
    p.add_argument("sources", nargs="*", metavar="SOURCE",
                   help="a project file or export files (span-level measures)")
    p.add_argument("--annotators", metavar="LIST", type=_names,
                   help="SOURCE only: comma-separated annotator names or ids (default: every coder who annotated)")
    p.add_argument("--documents", metavar="LIST", type=_names,
                   help="SOURCE only: comma-separated document titles or ids"
                        " (default: documents every coder annotated)")
    p.add_argument("--categories", metavar="LIST", type=_names,
                   help="SOURCE only: comma-separated category ids, full paths ('Claims / Opinion') or names"
                        " that only one category has (default: all)")
    p.add_argument("--pair", metavar="A,B", type=_names,
                   help="SOURCE only: the two coders (names or ids) of the confusion matrix (default: the first two)")
    p.add_argument("--done-only", action="store_true",
                   help="SOURCE only: only the documents every chosen coder marked done ('annotator status')")
    p.add_argument("--against-gold", action="store_true",
                   help="SOURCE only: each coder against the gold standard (span F1, unitizing alpha, token "
                        "kappa per category) and what the adjudicator changed of each coder's work")
    p.add_argument("--reliability-data", metavar="FILE",
                   help="CSV: a header row of coder names, one row per unit, an empty cell is a missing value")
    p.add_argument("--level", choices=("nominal", "ordinal", "interval", "ratio"), default="nominal",
                   help="level of measurement for Krippendorff's alpha and Gwet's AC2 weights (default: nominal)")
    p.add_argument("--format", choices=("table", "json", "csv", "html"), default="table",
                   help="html: a standalone page, as the dashboard's Export writes (SOURCE only)")
    p.add_argument("--raw-csv", action="store_true",
                   help="csv: write cells as they are (by default text starting with = + - @ gets a leading ')")
    p.add_argument("--resamples", type=_resamples, default=1000, metavar="N",
                   help="bootstrap resamples for the 95%% intervals: alpha's (--reliability-data, resampling units) or "
                        "the span measures' (SOURCE, resampling documents) (default: 1000)")
    p.add_argument("--no-gamma", dest="gamma", action="store_false",
                   help="leave gamma, gamma-cat and gamma-k out of a span report (its exact alignments take "
                        "about 15 ms a document: 30 s for 2,000 documents, the rest of the report 3 s)")
    p.add_argument("--seed", type=int, default=1, metavar="N",
                   help="seed of the bootstrap, so the intervals are repeatable (default: 1)")
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
    if args.reliability_data and args.done_only:
        raise UsageError("--done-only needs SOURCE files (a project or export files), not --reliability-data")
    if args.reliability_data and args.sources:
        raise UsageError("give either SOURCE files (span-level) or --reliability-data FILE (item-level), not both")
    if args.reliability_data:
        if args.pair:
            raise UsageError("--pair needs SOURCE files (a project or export files), not --reliability-data")
        if args.against_gold:
            raise UsageError("--against-gold needs SOURCE files (a project or export files), not --reliability-data")
        return run_reliability_report(args)
    if args.sources and args.against_gold:
        return run_gold_report(args)
    if args.sources:
        return run_span_report(args)
    raise UsageError("agreement needs SOURCE files (a project or export files) or --reliability-data FILE.csv")


def run_span_report(args: argparse.Namespace) -> int:
    """Span-level agreement on a project or export files (``annotator agreement SOURCE...``)."""
    from annotator.core.agreement.choice import chosen_span_report, pick_pair
    from annotator.core.agreement.report import span_report_as_dict, span_report_text
    from annotator.core.agreement.sources import load_sources, narrow

    data = narrow(load_sources(args.sources), args.annotators)
    coders = data.coders(list(data.annotators) if args.annotators else None)
    report, data = chosen_span_report(
        data, coders, documents=(narrow(data, documents=args.documents).texts if args.documents else None),
        categories=args.categories, done_only=args.done_only, pair=pick_pair(data, args.pair, coders),
        resamples=args.resamples, seed=args.seed, gamma=args.gamma)
    if args.format == "table":
        print(_render_span_table(", ".join(map(str, args.sources)), span_report_as_dict(report, data)))
    else:
        sys.stdout.write(span_report_text(args.format, report, data, args.raw_csv))
    return 0


def _render_span_table(sources: str, result: dict[str, Any]) -> str:
    from annotator.core.agreement.report import (
        ALPHA_READING,
        CATALOGUE,
        PAIR_MEASURES,
        counted,
        documents_line,
        show_interval,
        show_value,
        span_measures,
    )

    lines = [f"{sources}: {counted(len(result['coders']), 'coder')} ({', '.join(result['coders'])}), "
             f"{documents_line(result['documents'], len(result['documents_excluded']))}", ""]
    overall = result["overall"]
    lines.append(_table(["measure", "overall", "95% interval"],
                        [[m.short, show_value(overall[m.key]),
                          show_interval(overall[f"{m.key}_ci95"]) if f"{m.key}_ci95" in overall else ""]
                         for m in span_measures("overall")], right={1}))
    if result.get("bootstrap"):
        boot = result["bootstrap"]
        lines.append(f"(95% intervals: {boot['resamples']} resamples of the documents, percentile method, "
                     f"seed {boot['seed']})")
    lines += ["", "per category:"]
    per = span_measures("category")
    lines.append(_table(["category"] + [m.short for m in per],
                        [[values["label"]] + [show_value(values[m.key]) for m in per]
                         for values in result["per_category"].values()],
                        right=set(range(1, len(per) + 1))))
    if result["pairs"]:
        lines += ["", "pairs:"]
        lines.append(_table(["coders"] + [CATALOGUE[k].short for k in PAIR_MEASURES],
                            [[" / ".join(p["coders"])] + [show_value(p[k]) for k in PAIR_MEASURES]
                             for p in result["pairs"]], right={1, 2, 3}))
    lines += ["", f"{len(result['disagreements'])} disagreements (--format json lists them)"]
    if result["notes"]:
        lines += ["", "notes:"] + [f"  {note}" for note in result["notes"][:30]]
    lines += ["", ALPHA_READING]
    return "\n".join(lines)


def run_gold_report(args: argparse.Namespace) -> int:
    """Each coder against the gold standard (``annotator agreement SOURCE... --against-gold``)."""
    from annotator.core.agreement.against_gold import against_gold, against_gold_csv, against_gold_json
    from annotator.core.agreement.sources import load_sources, narrow, pick_categories

    if args.format == "html":
        raise UsageError("--against-gold writes table, json or csv")
    if args.pair:
        raise UsageError("--pair chooses the confusion matrix of a span report, not --against-gold")
    # the categories are passed, not narrowed away: which documents a coder worked on counts every category
    data = narrow(load_sources(args.sources), args.annotators, args.documents)
    result = against_gold(data, list(data.annotators) if args.annotators else None,
                          categories=pick_categories(data, args.categories),
                          documents=list(data.texts) if args.documents else None, done_only=args.done_only)
    if args.format == "csv":
        sys.stdout.write(against_gold_csv(result, data, args.raw_csv))
    elif args.format == "json":
        sys.stdout.write(against_gold_json(result, data))
    else:
        print(_render_gold_table(", ".join(map(str, args.sources)), result, data))
    return 0


def _render_gold_table(sources: str, result: dict[str, Any], data) -> str:
    from annotator.core.agreement.against_gold import CHANGES, MEASURES, decision_text, version_text
    from annotator.core.agreement.report import CATALOGUE, counted, show_value
    from annotator.core.storage.tables import GOLD_NAME

    rows, name = result["per_coder"], (lambda c: data.annotators.get(c, c))
    names = [name(row["coder"]) for row in rows]
    lines = [f"{sources}: {counted(len(rows), 'coder')} against the {GOLD_NAME.lower()} ({', '.join(names)}), "
             f"{counted(len(result['documents']), 'document')} with gold", ""]
    body = [["documents"] + [str(len(row["documents"])) for row in rows]]
    body += [[CATALOGUE[key].short] + [show_value(row[key]) for row in rows] for key in MEASURES]
    lines.append(_table(["measure"] + names, body, right=set(range(1, len(rows) + 1))))
    lines += ["", "token kappa per category:"]
    lines.append(_table(["category"] + names,
                        [[data.categories.get(c, c)] + [show_value(row["per_category"][c]["token_kappa"])
                                                        for row in rows] for c in result["categories"]],
                        right=set(range(1, len(rows) + 1))))
    for row, coder in zip(rows, names):
        changes = row["changes"]
        kinds = [f"{n} {kind}" for kind in CHANGES if (n := sum(c.change == kind for c in changes))]
        lines += ["", f"what the adjudicator changed of {coder}'s work: {counted(len(changes), 'change')}"
                      + (f" ({', '.join(kinds)})" if kinds else "")
                      + (f"; {counted(row['open'], 'place')} not adjudicated yet" if row["open"] else "")]
        if changes:
            lines.append(_table(["document", "position", "change", coder, GOLD_NAME.lower(), "decision", "reason"], [
                [data.documents.get(c.document, c.document), f"{c.start:,}–{c.end:,}", c.change,
                 version_text(c.coder_spans, data) or "nothing", version_text(c.gold_spans, data) or "nothing",
                 decision_text(c.decisions, data), " / ".join(d.reason for d in c.decisions if d.reason)]
                for c in changes]))
    return "\n".join(lines)


def run_reliability_report(args: argparse.Namespace) -> int:
    from annotator.core.agreement.reliability import reliability_report
    from annotator.core.agreement.reliability_io import (
        read_reliability_csv,
        reliability_as_dict,
        reliability_csv,
        reliability_json,
    )

    if args.format == "html":
        raise UsageError("--format html is for span-level reports (SOURCE files); use table, json or csv here")
    data = read_reliability_csv(args.reliability_data)
    report = reliability_report(data, args.level, resamples=args.resamples, seed=args.seed)
    if args.format == "json":
        sys.stdout.write(reliability_json(report, resamples=args.resamples, seed=args.seed))
    elif args.format == "csv":
        sys.stdout.write(reliability_csv(report, resamples=args.resamples, seed=args.seed, raw=args.raw_csv))
    else:
        print(_render_table(args.reliability_data, reliability_as_dict(report, resamples=args.resamples,
                                                                       seed=args.seed)))
    return 0


def _render_table(path: str, result: dict[str, Any]) -> str:
    from annotator.core.agreement.report import ALPHA_READING, RELIABILITY_MEASURES, show_value

    coders = result["coders"]
    lines = [f"{path}: {len(coders)} coders ({', '.join(coders)}), {result['units']} units "
             f"({result['pairable_units']} coded by two or more), level {result['level']}", ""]
    rows = []
    for measure in RELIABILITY_MEASURES:
        value = result[measure.key]
        extra = ""
        if measure.key == "percent_agreement" and value is not None:
            extra = f"{value * 100:.1f}%"
        if measure.key == "krippendorff_alpha" and result["krippendorff_alpha_ci95"] is not None:
            low, high = result["krippendorff_alpha_ci95"]
            boot = result["bootstrap"]
            extra = f"95% CI [{low:.3f}, {high:.3f}] ({boot['resamples']} resamples of units, seed {boot['seed']})"
        if measure.key.startswith("gwet_") and result.get(f"{measure.key}_ci95"):
            extra = "95% CI [{:.3f}, {:.3f}] (Gwet's standard error)".format(*result[f"{measure.key}_ci95"])
        rows.append([measure.short, show_value(value), extra])
    lines.append(_table(["measure", "value", ""], rows, right={1}))
    lines += ["", "per category (category versus the rest):"]
    lines.append(_table(["category", "Krippendorff's alpha", "Fleiss' kappa", "Gwet's AC1"],
                        [[key, show_value(v["krippendorff_alpha"]), show_value(v["fleiss_kappa"]),
                          show_value(v.get("gwet_ac1"))] for key, v in result["per_category"].items()],
                        right={1, 2, 3}))
    if result["notes"]:
        lines += ["", "notes:"] + [f"  {note}" for note in result["notes"]]
    lines += ["", ALPHA_READING]
    return "\n".join(lines)
