"""Issue 15, points 4–6: Tools → Adjudicate… shows each unit's coders in lanes under the gold layer,
with a queue ("0 of 3 resolved") and filters; the keys decide (take coder k, union, intersection,
reject, edges and category afterwards, a reason), each decision one undo step, and the view moves
on to the next open unit; blind adjudication shows "Coder 1, 2, 3"."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from annotator.core.storage.tables import GOLD_ID
from annotator.gui.adjudication import open_adjudication
from annotator.gui.adjudication.keys import category_keys
from annotator.gui.context import CurrentAnnotator
from annotator.gui.main_window import MainWindow
from annotator.gui.settings import settings

TEXT = "Alpha beta gamma delta.\nEpsilon zeta eta theta.\nIota kappa lambda mu."
LINE2, LINE3 = TEXT.index("Epsilon"), TEXT.index("Iota")


def cat(project, name):
    return next(c.id for c in project.categories() if c.name == name)


@pytest.fixture
def team(project):
    """Alice, Bob and Carol on one document: a boundary unit (line 1), a partial one where Carol
    marked nothing and Alice and Bob differ in category (line 2), and full agreement (line 3)."""
    doc = project.add_document("Article", TEXT).document
    coders = {name: project.add_annotator(name).id for name in ("Alice", "Bob", "Carol")}
    factual, opinion, prediction = (cat(project, n) for n in ("Factual claim", "Opinion", "Prediction"))
    rows = [("Alice", 0, 10, factual), ("Bob", 0, 16, factual), ("Carol", 6, 16, factual),
            ("Alice", LINE2, LINE2 + 7, opinion), ("Bob", LINE2, LINE2 + 7, prediction),
            *((name, LINE3, LINE3 + 10, opinion) for name in ("Alice", "Bob", "Carol"))]
    ids = {}
    for name, start, end, category in rows:
        ann = project.add_annotation(doc.id, category, coders[name], start, end)
        ids.setdefault(name, []).append(ann.id)
    return doc, coders, ids


@pytest.fixture
def main(qtbot, project, team, dialogs):
    win = MainWindow(project)
    qtbot.addWidget(win)
    lead = project.annotator_named("Alice")
    win.context.annotator = CurrentAnnotator("Alice", lead.id)
    win.show()
    return win


@pytest.fixture
def adj(main, qtbot):
    settings().setValue("adjudicate/blind", False)
    main.actions["tools.adjudicate"].trigger()
    window = main.adjudication
    qtbot.waitExposed(window)
    window.activateWindow()
    window.setFocus()
    return window


def key(window, k, mods=Qt.KeyboardModifier.NoModifier):
    QTest.keyClick(window, k, mods)


def decisions(project):
    return project.decisions()


def gold(project):
    return [(a.start, a.end, a.category_id) for a in project.annotations(annotator_id=GOLD_ID)]


def titles(window):
    return [lane.title for lane in window.lanes.lanes]


def test_menu_opens_the_queue_with_a_lane_per_coder_under_gold(adj, shoot):
    assert adj.isVisible() and adj.windowTitle().startswith("Adjudicate")
    assert adj.filters.progress.text() == "0 of 3 resolved"
    assert adj.model.rowCount() == 3
    assert (adj.unit.start, adj.unit.end) == (0, 16)  # the first open unit
    assert titles(adj) == ["Gold", "1  Alice", "2  Bob", "3  Carol"]
    assert [lane.note for lane in adj.lanes.lanes[1:]] == ["Factual claim"] * 3  # the category as text
    assert len({lane.colour for lane in adj.lanes.lanes}) == 4  # a colour per coder, gold apart
    assert "1–9" in adj.help.text() and "R reject" in adj.help.text()  # the keys, visible
    assert "R / Delete: Nothing belongs here" in adj.help.toolTip()
    shoot(adj, "adjudicate.png")


def test_take_coder_two_then_undo(adj, main):
    project = main.project
    bob = project.annotator_named("Bob").id
    key(adj, Qt.Key.Key_2)
    [decision] = decisions(project)
    assert decision.kind == "accepted" and decision.decided_by == project.annotator_named("Alice").id
    bobs = [a.id for a in project.annotations(annotator_id=bob) if a.start == 0]
    assert decision.sources == bobs
    assert gold(project) == [(0, 16, cat(project, "Factual claim"))]
    assert adj.filters.progress.text() == "1 of 3 resolved"
    assert adj.unit.start == LINE2  # moved on to the next open unit
    assert adj.model.rowCount() == 2  # the queue shows what is left to do
    key(adj, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # one undo step
    assert decisions(project) == [] and gold(project) == []
    assert adj.filters.progress.text() == "0 of 3 resolved"
    assert adj.unit.start == 0  # back on the unit the undo opened again
    assert main.history.stack.count() == 1 and main.history.stack.index() == 0


def test_reject_records_nothing_belongs_here(adj, main):
    key(adj, Qt.Key.Key_N)  # the next open unit: line 2
    assert adj.unit.start == LINE2
    key(adj, Qt.Key.Key_R)
    [decision] = decisions(main.project)
    assert (decision.kind, decision.gold, decision.start) == ("rejected", [], LINE2)
    assert gold(main.project) == []
    assert adj.unit.start == LINE3


def test_union_and_intersection_merge(adj, main):
    project = main.project
    key(adj, Qt.Key.Key_U)
    [decision] = decisions(project)
    assert decision.kind == "merged" and len(decision.sources) == 3
    assert gold(project) == [(0, 16, cat(project, "Factual claim"))]
    assert adj.unit.start == LINE2
    adj.go_to(adj.session.unit_by_id[decision.unit_id])  # back to the unit decided (as a click in the queue)
    key(adj, Qt.Key.Key_I)  # deciding again replaces the decision: what all three marked
    [again] = decisions(project)
    assert again.kind == "merged" and again.replaces == [decision.id]
    assert gold(project) == [(6, 10, cat(project, "Factual claim"))]


def test_taking_a_coder_who_marked_nothing_is_refused_and_says_why(adj, main):
    key(adj, Qt.Key.Key_N)  # line 2, where Carol marked nothing
    assert adj.lanes.lanes[3].note == "marked nothing"
    key(adj, Qt.Key.Key_3)
    assert decisions(main.project) == []
    assert "marked nothing here" in adj.message.text()


def test_reason_and_edges_and_category_after_accepting(adj, main, qtbot):
    project = main.project
    key(adj, Qt.Key.Key_1)  # Alice's 0–10, then the view moves on
    [decision] = decisions(project)
    assert adj.unit.start == LINE2 and "the last decision" in adj.decision_line.text()
    key(adj, Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier)  # its start one character right
    key(adj, Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier | Qt.KeyboardModifier.ShiftModifier)  # end right
    assert gold(project) == [(1, 11, cat(project, "Factual claim"))]
    assert decisions(project)[0].kind == "edited"
    opinion = cat(project, "Opinion")
    shortcut = category_keys(project.categories())[opinion]
    QTest.keyClicks(adj, shortcut)
    assert gold(project) == [(1, 11, opinion)]
    key(adj, Qt.Key.Key_NumberSign)  # "#": the reason line
    assert adj.reason.hasFocus()
    QTest.keyClicks(adj.reason, "Alice 1 had it R")  # digits and letters are text here, not keys
    key(adj.reason, Qt.Key.Key_Delete)
    key(adj.reason, Qt.Key.Key_Return)
    [decision] = decisions(project)
    assert decision.reason == "Alice 1 had it R" and len(project.decisions()) == 1
    assert not adj.reason.hasFocus()
    stack = main.history.stack
    assert [stack.text(i) for i in range(stack.count())] == ["Accept", "Adjust gold span", "Adjust gold span",
                                                             "Change gold category", "Give a reason"]
    key(adj, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert decisions(project)[0].reason == ""


def test_category_keys_that_are_window_keys_take_shift(project):
    keys = category_keys(project.categories())
    names = {c.id: c.name for c in project.categories()}
    shown = {names[c]: k for c, k in keys.items()}
    assert shown["Factual claim"] == "F" and shown["Opinion"] == "O"
    assert shown["Unverified allegation"] == "Shift+U" and shown["Prediction"] == "Shift+P"


def test_next_and_previous_skip_what_is_decided(adj):
    assert adj.unit.start == 0
    key(adj, Qt.Key.Key_J)
    assert adj.unit.start == LINE2
    key(adj, Qt.Key.Key_R)  # line 2 decided; now on line 3
    assert adj.unit.start == LINE3
    key(adj, Qt.Key.Key_P)
    assert adj.unit.start == 0  # line 2 is resolved: skipped
    key(adj, Qt.Key.Key_Down)
    assert adj.unit.start == LINE3


def test_filters_narrow_the_queue(adj):
    bar = adj.filters
    bar.kind.setCurrentIndex(bar.kind.findData("agreement"))
    assert adj.model.rowCount() == 1 and adj.unit.start == LINE3
    assert bar.progress.text().startswith("0 of 1 resolved")
    bar.kind.setCurrentIndex(0)
    bar.category.setCurrentIndex(bar.category.findData(cat(adj.session.project, "Prediction")))
    assert adj.model.rowCount() == 1 and adj.unit.start == LINE2
    bar.category.setCurrentIndex(0)
    key(adj, Qt.Key.Key_R)
    bar.show.setCurrentIndex(bar.show.findData("resolved"))
    assert adj.model.rowCount() == 1 and adj.model.data(adj.model.index(0, 0)) == "✓"


def test_blind_shows_coder_numbers_and_the_digits_follow_them(adj, main):
    adj.blind.setChecked(True)
    assert titles(adj) == ["Gold", "1  Coder 1", "2  Coder 2", "3  Coder 3"]
    assert not any(name in " ".join(titles(adj)) for name in ("Alice", "Bob", "Carol"))
    assert settings().value("adjudicate/blind", type=bool) is True  # remembered
    second = adj.session.coders[1]
    key(adj, Qt.Key.Key_2)
    [decision] = decisions(main.project)
    assert {a.annotator_id for a in main.project.annotations() if a.id in decision.sources} == {second}


def test_only_the_lead_adjudicates(main, dialogs):
    project = main.project
    project.set_setting("lead", project.annotator_named("Bob").id)
    assert open_adjudication(main) is None
    assert dialogs and dialogs[-1][0] == "warning" and "Only the project's lead, Bob" in dialogs[-1][2]


def test_reopen_with_backspace_is_a_step_of_its_own(adj, main):
    key(adj, Qt.Key.Key_2)
    adj.go_to(adj.session.units[0])
    key(adj, Qt.Key.Key_Backspace)
    assert decisions(main.project) == [] and adj.filters.progress.text() == "0 of 3 resolved"
    key(adj, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert len(decisions(main.project)) == 1


def test_an_undo_in_the_workspace_and_a_coders_new_span_reach_the_window(adj, main):
    from annotator.core.project.commands import AddAnnotations

    key(adj, Qt.Key.Key_2)
    assert adj.filters.progress.text() == "1 of 3 resolved"
    main.undo()  # Edit → Undo in the workspace: the same history
    assert adj.filters.progress.text() == "0 of 3 resolved" and adj.unit.start == 0
    carol = main.project.annotator_named("Carol")
    doc = main.project.documents()[0].id
    start = TEXT.index("theta")
    main.history.run(AddAnnotations([dict(document_id=doc, category_id=cat(main.project, "Opinion"),
                                           annotator_id=carol.id, start=start, end=start + 5)]))
    assert adj.filters.progress.text() == "0 of 4 resolved"  # Carol's new span is a unit of its own
    assert adj.model.rowCount() == 4


def test_lanes_paint_at_utf16_positions_after_an_astral_character(qtbot, project):
    from annotator.gui.adjudication.lanes import Lane, LanesView

    text = "😀 one two three"
    view = LanesView()
    qtbot.addWidget(view)
    view.resize(800, 300)
    start = text.index("two")
    view.show_lanes(text, (start, start + 3), [Lane("a", "1  A", "#0072b2", [(start, start + 3, "c")])],
                    {"c": "#ff0000"})
    filled = [r for r in view.lanes[0].layout.formats() if r.format.background().color().red() == 255
              and r.format.background().color().green() < 255]
    assert [(r.start, r.length) for r in filled] == [(start + 1, 3)]  # the emoji is two UTF-16 units


def test_union_and_intersection_of_nested_and_overlapping_spans():
    from annotator.core.agreement.units import UnitSpan
    from annotator.gui.adjudication.spans import intersection, union

    spans = [UnitSpan("a", 0, 10, "X", "a1"), UnitSpan("a", 2, 4, "Y", "a2"),  # a: nested, two categories
             UnitSpan("b", 5, 20, "X", "b1"), UnitSpan("c", 8, 12, "X", "c1")]
    assert union(spans) == [(0, 20, "X", ("a1", "b1", "c1")), (2, 4, "Y", ("a2",))]
    assert intersection(spans) == [(8, 10, "X", ("a1", "b1", "c1"))]
    assert intersection([UnitSpan("a", 0, 3, "X", "a1"), UnitSpan("b", 5, 8, "X", "b1")]) == []


def test_switching_coder_closes_it_and_closing_the_workspace_is_quiet(adj, main, qtbot):
    bob = main.project.annotator_named("Bob")
    main.context.annotator = CurrentAnnotator("Bob", bob.id)
    main.history.start_over()  # what File → Switch Annotator… does after switching
    key(adj, Qt.Key.Key_1)
    assert decisions(main.project) == [] and "another coder" in adj.message.text()  # not Bob's to decide
    from annotator.core.project.commands import AddAnnotations

    doc = main.project.documents()[0].id
    main.history.run(AddAnnotations([dict(document_id=doc, category_id=cat(main.project, "Opinion"),
                                          annotator_id=bob.id, start=1, end=3)]))  # the stack moves
    assert not adj.isVisible()
    main.context.annotator = CurrentAnnotator("Alice", main.project.annotator_named("Alice").id)
    again = open_adjudication(main)
    key(again, Qt.Key.Key_1)
    main.close()  # the project closes; the undo stack's last moves must not read it
    qtbot.wait(10)


def test_the_docs_list_every_key_of_the_window():
    from pathlib import Path

    from annotator.gui.adjudication.keys import KEYS, TAKE

    page = (Path(__file__).resolve().parents[2] / "docs" / "adjudication.md").read_text(encoding="utf-8")
    section = page.split("## The adjudication view", 1)[1]
    arrows = {"Left": "←", "Right": "→", "Up": "↑", "Down": "↓", "Return": "Enter"}
    for key in (*KEYS, TAKE):
        for k in key.keys[:1] if key is TAKE else key.keys:
            for word, arrow in arrows.items():
                k = k.replace(word, arrow)
            assert k in section, f"docs/adjudication.md does not list {k} ({key.about})"


def test_a_union_over_two_categories_makes_two_gold_spans_and_tab_picks_the_one_to_move(adj, main):
    project = main.project
    key(adj, Qt.Key.Key_N)  # line 2: Alice's Opinion and Bob's Prediction over the same word
    unit = adj.unit
    key(adj, Qt.Key.Key_U)
    adj.go_to(unit)
    assert sorted(gold(project)) == sorted([(LINE2, LINE2 + 7, cat(project, "Opinion")),
                                            (LINE2, LINE2 + 7, cat(project, "Prediction"))])
    assert "Opinion, Prediction" in adj.lanes.lanes[0].note and "span 1 of 2" in adj.decision_line.text()
    key(adj, Qt.Key.Key_Tab)
    assert "span 2 of 2" in adj.decision_line.text()
    second = adj.session.gold_of(adj.session.target(unit))[1]
    key(adj, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier | Qt.KeyboardModifier.ShiftModifier)
    assert project.annotation(second[0]).end == LINE2 + 6


def test_a_unit_two_decisions_name_is_a_conflict_until_decided_again(adj, main):
    from annotator.core.project.gold import insert_decisions

    project = main.project
    key(adj, Qt.Key.Key_1)  # unit 1 accepted
    [first] = decisions(project)
    other = dict(first.model_dump(), id="00000000-0000-4000-8000-000000000001", kind="rejected", gold=[],
                 sources=[], reason="another adjudicator's file")
    with project.transaction() as tx:  # as an import of a second adjudicator's decision would
        insert_decisions(tx.session, [other])
    main.history.stack.clear()  # work outside the history: the window reads everything again
    assert adj.filters.progress.text() == "0 of 3 resolved"  # a conflict is not resolved
    bar = adj.filters
    bar.show.setCurrentIndex(bar.show.findData("conflict"))
    assert adj.model.rowCount() == 1 and adj.model.data(adj.model.index(0, 0)) == "⚠"
    assert adj.unit.id == first.unit_id and adj.lanes.lanes[0].note.startswith("conflict: 2 decisions")
    key(adj, Qt.Key.Key_2)  # decided again: both replaced
    [again] = decisions(project)
    assert sorted(again.replaces) == sorted([first.id, other["id"]])
    assert adj.filters.progress.text() == "1 of 3 resolved"
