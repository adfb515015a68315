"""Inter-annotator agreement (Qt-free).

common.py: what every measure returns when it is undefined (``Undefined``, with the reason).
reliability_data.py: reliability data, a units × coders matrix in coded form, its limits and checks.
reliability.py: item-level measures on reliability data (missing values allowed), and their report.
gwet.py: Gwet's AC1 and AC2 (with its weights, standard error and interval) on reliability data.
reliability_io.py: reading reliability data from a CSV file (the ReCal / KALPHA layout).
unitizing.py: the unitizing alphas (1995/2004 and 2016) on plain arrays, one document at a time.
spans/: span-level measures on annotations over texts (unitizing alpha, span F1, token measures),
    and ``span_report`` with all of them.
sources.py: where the span data come from (a project, export files), narrowed to what was asked.
units.py: units of disagreement, the coders' overlapping spans grouped and classified (agreement,
    boundary, category, partial), each with an id derived from its content, for adjudication.
against_gold.py: each coder against the gold layer (the span measures of the pair coder, gold) and
    what the adjudicator changed of each coder's work, with its JSON and CSV.
report.py: the reports as users see them: the measure catalogue (labels, reading aids) and one JSON,
    CSV and HTML form of each report, used by ``annotator agreement`` and the dashboard alike.
"""
