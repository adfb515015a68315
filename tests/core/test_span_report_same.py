"""The span report made faster for 2,000 documents (issue 16, point 7) gives the same report as
before: randomized cases (overlapping spans of one coder, duplicates, empty spans, a document one
coder left alone, texts given as strings and as lengths) against the reports the code before the
change wrote (tests/fixtures/span-report-before.json, made by ``python
tests/core/test_span_report_same.py`` at commit 9faf695)."""

import json
import random
import sys
from pathlib import Path

from annotator.core.agreement.common import Undefined
from annotator.core.agreement.spans import span_disagreements, span_report

BEFORE = Path(__file__).resolve().parents[1] / "fixtures" / "span-report-before.json"
WORDS = ["a", "bb", "ccc", "dddd", "ee", "f", "ggggg"]


def _case(seed: int, coders: list[str], as_text: bool):
    rng = random.Random(seed)
    texts, spans = {}, []
    for d in range(12):
        words = rng.choices(WORDS, k=rng.randint(10, 80))
        text = "".join(w + rng.choice([" ", " ", "\n", "  ", "\t"]) for w in words)
        doc = f"doc{d:02d}"
        texts[doc] = text if as_text else len(text)
        n = len(text)
        for coder in coders:
            if d == 3 and coder == coders[-1]:
                continue  # this coder left the document alone: it is excluded
            for _ in range(rng.randint(0, 14)):
                start = rng.randrange(n)
                end = min(n, start + rng.randint(0, 30))  # some empty
                cat = rng.choice(["A", "B", "C", "D"] if coder != coders[0] else ["A", "B", "C"])
                spans.append((doc, coder, start, end, cat))
                if rng.random() < 0.2:
                    spans.append((doc, coder, start, end, cat))  # an exact duplicate
                if rng.random() < 0.3:  # the same coder, overlapping
                    spans.append((doc, coder, max(0, start - 2), min(n, end + 3), rng.choice(["A", "B"])))
    return texts, spans


CASES = {
    "three coders, word tokens": (1, ["ann", "bob", "cy"], True, None),
    "three coders, characters, pair bob and cy": (2, ["ann", "bob", "cy"], False, ("bob", "cy")),
    "two coders, word tokens": (3, ["ann", "bob"], True, None),
    "four coders, characters": (4, ["ann", "bob", "cy", "dee"], False, ("dee", "ann")),
}


def _plain(value):
    if isinstance(value, Undefined):
        return {"undefined": value.reason}
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def _reports() -> dict:
    out = {}
    for name, (seed, coders, as_text, pair) in CASES.items():
        texts, spans = _case(seed, coders, as_text)
        out[name] = _plain(span_report(texts, spans, confusion_pair=pair))
    return out


ADDED = {"token_ac1", "gamma", "gamma_cat", "gamma_k"}  # measures added to the report since (issue 18)


def _without_added(value):
    if isinstance(value, dict):
        return {k: _without_added(v) for k, v in value.items() if k not in ADDED}
    return [_without_added(v) for v in value] if isinstance(value, list) else value


def test_the_span_report_is_the_same_as_before_the_speed_work():
    before = json.loads(BEFORE.read_text(encoding="utf-8"))
    now = _without_added(json.loads(json.dumps(_reports())))  # the same float and key handling as the file
    assert now.keys() == before.keys()
    for name in before:
        assert len(now[name]["disagreements"]) > 100, name  # the cases do disagree
        for key in before[name]:
            assert now[name][key] == before[name][key], (name, key)
    texts, spans = _case(1, ["ann", "bob", "cy"], True)
    assert _plain(span_disagreements(texts, spans)) == before["three coders, word tokens"]["disagreements"]


def test_the_benchmark_makes_only_valid_spans_at_2000_documents(monkeypatch):
    # benchmarks/bench_agreement_spans.py moved a start by up to 10 characters without keeping it
    # inside the text: at 2,000 documents 12 spans started at or past their document's end, and
    # span_report refused them (ValueError "... is outside the document").
    import importlib.util

    folder = Path(__file__).resolve().parents[2] / "benchmarks"
    monkeypatch.syspath_prepend(str(folder))
    spec = importlib.util.spec_from_file_location("bench_agreement_spans", folder / "bench_agreement_spans.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    texts, spans = bench.build(1, documents=2000)
    assert len(texts) == 2000
    bad = [s for s in spans if not 0 <= s[2] < s[3] <= len(texts[s[0]])]
    assert bad == []


if __name__ == "__main__":  # writes the reference file (run once, on the code before the change)
    BEFORE.write_text(json.dumps(_reports(), sort_keys=True) + "\n", encoding="utf-8")
    sys.exit(0)
