"""Inter-annotator agreement (Qt-free).

reliability.py: item-level measures on reliability data (units × coders, missing values allowed).
spans.py: span-level measures on annotations over texts (unitizing alpha, span F1, token measures).
common.py: what every measure returns when it is undefined, and shared helpers.
"""
