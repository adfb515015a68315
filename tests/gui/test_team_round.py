"""Issue 15, point 9: a whole team round on the sample corpus (../shared/corpus), the way a team
works: the lead hands out the articles; three coders code apart and mark them done; their exports
are merged into the lead's project; a majority pre-merge takes what two of three agree on; the lead
settles the rest by keyboard in Tools → Adjudicate…; the gold standard is exported alone; each coder
is scored against it. Every step but the keys goes through the command line, as a team would."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from annotator.cli import main as cli
from annotator.core.project.project import Project
from annotator.core.storage.tables import GOLD_ID
from annotator.gui.context import CurrentAnnotator
from annotator.gui.main_window import MainWindow
from annotator.gui.settings import settings
from tests.conftest import CORPUS, shared

CODERS = ("Alice", "Bob", "Carol")  # numbered 1, 2, 3 in the adjudication view (by name)


def run(capsys, *args) -> str:
    code = cli([str(a) for a in args])
    out, err = capsys.readouterr()
    assert code == 0, f"annotator {' '.join(map(str, args))}: {err}"
    return out


def sentences(text: str, count: int) -> list[tuple[int, int]]:
    """``count`` sentences of 60-300 characters from the middle of ``text``, as (start, end)."""
    found = [(m.start(), m.end()) for m in re.finditer(r"[A-Z][^.!?\n]{60,300}[.!?]", text)]
    middle = len(found) // 3
    return found[middle:middle + count]


def plan(s: tuple[int, int], cats: dict[str, str]) -> dict[str, list[tuple[int, int, str]]]:
    """Six sentences, each coded so that the round meets every kind of unit (see the test)."""
    (a0, e0), (a1, e1), (a2, e2), (a3, e3), (a4, e4), (a5, e5) = s
    half = (a2 + e2) // 2
    fact, opinion, prediction = cats["Factual claim"], cats["Opinion"], cats["Prediction"]
    return {
        "Alice": [(a0, e0, fact), (a1, e1, fact), (a2, e2, opinion), (a3, e3, prediction), (a4, e4, fact),
                  (a5, e5, opinion)],
        "Bob": [(a0, e0, fact), (a1, e1, fact), (a2, e2, opinion), (a4, e4 - 5, fact), (a5, e5, fact)],
        "Carol": [(a0, e0, fact), (a1, e1, opinion), (a2, half, opinion), (a4 + 5, e4, fact),
                  (a5, e5, prediction)],
    }


# What the adjudicator does with each unit the pre-merge leaves open, by the sentence it starts at:
# sentence 3 (Alice alone) is rejected, sentence 4 (three boundaries) takes Bob's, sentence 5 (three
# categories) takes Alice's.
KEYS = {3: Qt.Key.Key_R, 4: Qt.Key.Key_2, 5: Qt.Key.Key_1}


@pytest.fixture
def round_files(tmp_path, capsys):
    files = sorted(shared(CORPUS).glob("*.txt"))
    assert len(files) >= 2
    lead_path = tmp_path / "lead.annotator"
    run(capsys, "init", lead_path)
    run(capsys, "import", lead_path, *files)
    with Project.open(lead_path) as lead:
        lea = lead.add_annotator("Lea")
        lead.set_setting("lead", lea.id, by=lea.id)
        docs = [(d.id, lead.document(d.id).text) for d in lead.documents()]
        cats = {c.name: c.id for c in lead.categories()}
    run(capsys, "export", lead_path, "--handout", "-o", tmp_path / "handout.json")
    where = {doc: sentences(text, 6) for doc, text in docs}
    exports = []
    for name in CODERS:
        mine = tmp_path / f"{name.lower()}.annotator"
        run(capsys, "init", mine, "--from", tmp_path / "handout.json")
        with Project.open(mine) as project:
            me = project.add_annotator(name)
            for doc, spans in where.items():
                for start, end, cat in plan(spans, cats)[name]:
                    project.add_annotation(doc, cat, me.id, start, end)
                project.set_document_status(doc, me.id, "done")
        exports.append(tmp_path / f"{name.lower()}.json")
        run(capsys, "export", mine, "-o", exports[-1])
    return lead_path, exports, where, cats


def test_three_coders_merge_premerge_adjudicate_by_keyboard_export_gold_and_score(
        round_files, tmp_path, capsys, qtbot, dialogs):
    lead_path, exports, where, cats = round_files
    team = tmp_path / "team.json"
    run(capsys, "merge", *reversed(exports), "-o", team)
    run(capsys, "import-annotations", lead_path, team)
    premerged = run(capsys, "adjudicate", lead_path, "--strategy", "majority", "--min-agree", "2", "--done-only")
    assert "backup before pre-merge" in premerged
    with Project.open(lead_path) as lead:
        rules = sorted({d.rule for d in lead.decisions()})
        assert rules == ["majority 2/3"] and len(lead.decisions()) == 3 * len(where)  # sentences 0, 1, 2

    # The rest by keyboard, as the lead.
    project = Project.open(lead_path)
    window = MainWindow(project)
    qtbot.addWidget(window)
    lea = project.find_annotator("Lea")
    window.context.annotator = CurrentAnnotator("Lea", lea.id)
    window.show()
    settings().setValue("adjudicate/blind", False)
    window.actions["tools.adjudicate"].trigger()
    adj = window.adjudication
    qtbot.waitExposed(adj)
    adj.activateWindow()
    adj.setFocus()
    qtbot.waitUntil(adj.isActiveWindow)  # its keys are window shortcuts
    total = 6 * len(where)
    assert adj.filters.progress.text() == f"{3 * len(where)} of {total} resolved"
    for _ in range(3 * len(where)):
        starts = [s for s, _ in where[adj.unit.document]]
        QTest.keyClick(adj, KEYS[starts.index(adj.unit.start)])
    assert adj.filters.progress.text() == f"{total} of {total} resolved", dialogs
    adj.close()
    window.close()
    project.close()

    with Project.open(lead_path, mode="read") as lead:
        kinds = sorted(d.kind for d in lead.decisions())
        assert kinds == ["accepted"] * 5 * len(where) + ["rejected"] * len(where)
        gold = {(a.document_id, a.start, a.end, a.category_id) for a in lead.annotations(annotator_id=GOLD_ID)}
    expected = set()
    for doc, s in where.items():
        alice, bob = plan(s, cats)["Alice"], plan(s, cats)["Bob"]
        for start, end, cat in (alice[0], alice[1], alice[2], bob[3], alice[5]):  # sentence 3 rejected
            expected.add((doc, start, end, cat))
    assert gold == expected

    # The gold standard alone, as exchange JSON (with its decisions) and as CSV.
    run(capsys, "export", lead_path, "--gold", "-o", tmp_path / "gold.json")
    data = json.loads((tmp_path / "gold.json").read_text(encoding="utf-8"))
    assert {a["annotator_id"] for a in data["annotations"]} == {GOLD_ID}
    assert len(data["annotations"]) == len(expected) and len(data["decisions"]) == total
    assert {d["decided_by"] for d in data["decisions"]} == {lea.id}
    run(capsys, "export", lead_path, "--gold", "-o", tmp_path / "gold.csv")
    rows = list(csv.DictReader(io.StringIO((tmp_path / "gold.csv").read_text(encoding="utf-8-sig"))))
    assert len(rows) == len(expected) and {r["annotator"] for r in rows} == {"Gold standard"}

    # Each coder against the gold. Per article, the gold has 5 spans; exact matches: Alice 4 of her 6
    # (sentences 0, 1, 2, 5), Bob 4 of his 5 (0, 1, 2, 4), Carol 1 of her 5 (0). F1 = 2·TP / (|coder| + |gold|).
    report = json.loads(run(capsys, "agreement", lead_path, "--against-gold", "--format", "json"))
    scores = {c["coder"]: c for c in report["per_coder"]}
    assert sorted(report["coders"]) == list(CODERS)
    assert scores["Alice"]["span_f1_exact"] == pytest.approx(8 / 11)
    assert scores["Bob"]["span_f1_exact"] == pytest.approx(8 / 10)
    assert scores["Carol"]["span_f1_exact"] == pytest.approx(2 / 10)
    changed = {name: sorted(c["change"] for c in scores[name]["changes"]) for name in CODERS}
    assert changed["Alice"] == sorted(["rejected", "boundary"] * len(where))
    assert changed["Bob"] == ["category"] * len(where)
    assert changed["Carol"] == sorted(["category", "boundary", "boundary", "category"] * len(where))
