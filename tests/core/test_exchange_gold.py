"""The gold layer in the exchange file (issue 15, point 1): version 3 carries the gold annotations
(annotator GOLD_ID, role "gold") and the decisions; reading checks them; merging joins them.

The files here are built by hand as dicts (``team_file``), so each rule is seen on its own: two
coders (alice, bob) marked one document, and an adjudicator decided its units.
"""

from __future__ import annotations

import itertools
import json

import pytest

from annotator.core.errors import ExchangeError
from annotator.core.exchange.export_file import VERSION, dumps, parse_export
from annotator.core.exchange.merge import merge_exports
from annotator.core.storage.tables import GOLD_ID
from annotator.core.text import sha256_text

TEXT = "The minister said the economy grew by 4% last year. Critics disagree with that claim entirely."
DOC = "d0000000-0000-4000-8000-000000000001"
PROJECT = "f0000000-0000-4000-8000-000000000001"
CLAIM, OPINION = "c1000000-0000-4000-8000-000000000001", "c2000000-0000-4000-8000-000000000002"
ALICE, BOB = "a1000000-0000-4000-8000-000000000001", "a2000000-0000-4000-8000-000000000002"
LEA, MAX = "a3000000-0000-4000-8000-000000000003", "a4000000-0000-4000-8000-000000000004"
UNIT1, UNIT2 = "e1000000-0000-4000-8000-000000000001", "e2000000-0000-4000-8000-000000000002"
NAMES = {ALICE: "alice", BOB: "bob", LEA: "lea", MAX: "max"}
T0 = "2026-12-01T10:00:00.000000+00:00"


def annotation(ann_id, start, end, coder, category=CLAIM, modified=T0):
    return {"id": ann_id, "document_id": DOC, "start": start, "end": end, "quote": TEXT[start:end],
            "prefix": TEXT[max(0, start - 32):start], "suffix": TEXT[end:end + 32], "category_id": category,
            "annotator_id": coder, "project_id": PROJECT, "note": "", "attributes": {}, "created": T0,
            "modified": modified, "modified_by": None}


def decision(dec_id, unit, start, end, kind, by, gold=(), sources=(), replaces=(), decided=T0, rule=None,
             reason=""):
    return {"id": dec_id, "document_id": DOC, "unit_id": unit, "start": start, "end": end, "kind": kind,
            "sources": list(sources), "gold": list(gold), "replaces": list(replaces), "rule": rule,
            "decided_by": by, "decided": decided, "reason": reason}


CODERS = [annotation("b0000000-0000-4000-8000-000000000001", 4, 50, ALICE),
          annotation("b0000000-0000-4000-8000-000000000002", 0, 50, BOB),
          annotation("b0000000-0000-4000-8000-000000000003", 52, 94, ALICE, OPINION)]


def team_file(*layers, coders=(ALICE, BOB, LEA, MAX)) -> dict:
    """A version-3 export: the coders' annotations and, for each (gold annotations, decisions) in
    ``layers``, the gold layer's annotations and decisions."""
    gold = [ann for anns, _ in layers for ann in anns]
    decisions = [d for _, decs in layers for d in decs]
    annotators = [{"id": c, "name": NAMES[c], "role": "coder"} for c in coders]
    if gold or decisions:
        annotators.append({"id": GOLD_ID, "name": "Gold standard", "role": "gold"})
    return {"format": "annotator-export", "version": VERSION, "offsets": {"unit": "code_point", "end": "exclusive"},
            "settings": {}, "projects": [{"id": PROJECT, "name": "Claims study"}],
            "categories": [{"id": cat, "name": name, "colour": "#336699", "description": "", "shortcut": None,
                            "parent_id": None, "position": n, "attributes": []}
                           for n, (cat, name) in enumerate(((CLAIM, "Claim"), (OPINION, "Opinion")))],
            "annotators": annotators,
            "documents": [{"id": DOC, "title": "Speech", "sha256": sha256_text(TEXT), "length": len(TEXT),
                           "source": "speech.txt", "metadata": {}, "text": TEXT}],
            "statuses": [], "annotations": [*CODERS, *gold], "decisions": decisions}


def gold(ann_id, start, end, category=CLAIM):
    return annotation(ann_id, start, end, GOLD_ID, category)


# Lea takes alice's span on unit 1 and rejects unit 2; Max, in his own copy, takes bob's on unit 1.
LEA_ACCEPTS = ([gold("90000000-0000-4000-8000-000000000001", 4, 50)],
               [decision("d1000000-0000-4000-8000-000000000001", UNIT1, 0, 50, "accepted", LEA,
                         gold=["90000000-0000-4000-8000-000000000001"], sources=[CODERS[0]["id"]])])
LEA_REJECTS = ([], [decision("d1000000-0000-4000-8000-000000000002", UNIT2, 52, 94, "rejected", LEA,
                             sources=[CODERS[2]["id"]], reason="an opinion about a claim, not a claim")])
MAX_ACCEPTS = ([gold("90000000-0000-4000-8000-000000000003", 0, 50)],
               [decision("d2000000-0000-4000-8000-000000000001", UNIT1, 0, 50, "accepted", MAX,
                         gold=["90000000-0000-4000-8000-000000000003"], sources=[CODERS[1]["id"]],
                         decided="2026-12-01T11:00:00.000000+00:00")])


def read(data: dict) -> dict:
    return parse_export(dumps(data), "team.json")


# -- the file ----------------------------------------------------------------------------------


def test_a_version_3_file_round_trips_with_its_gold_layer_and_decisions():
    data = team_file(LEA_ACCEPTS, LEA_REJECTS)
    raw = dumps(data)
    back = parse_export(raw, "team.json")
    assert back["version"] == 3
    assert dumps(back) == raw
    roles = {a["id"]: a["role"] for a in back["annotators"]}
    assert roles[GOLD_ID] == "gold" and {roles[c] for c in (ALICE, BOB, LEA, MAX)} == {"coder"}
    assert back["decisions"] == sorted(data["decisions"], key=lambda d: (d["start"], d["end"], d["id"]))
    lines = raw.decode().split("\n")
    # "decisions" comes before the (long) annotations, one decision a line, keys sorted, like every list
    at = lines.index('"decisions":[')
    assert lines[at + 3:at + 5] == ["],", '"annotations":[']
    assert [json.loads(line.rstrip(","))["id"] for line in lines[at + 1:at + 3]] == [
        "d1000000-0000-4000-8000-000000000001", "d1000000-0000-4000-8000-000000000002"]
    assert lines[at + 1].startswith('{"decided":"2026-12-01T10:00:00.000000+00:00","decided_by":')


def test_the_id_lists_of_a_decision_are_written_sorted():
    data = team_file(([gold("90000000-0000-4000-8000-000000000002", 0, 3),
                       gold("90000000-0000-4000-8000-000000000001", 4, 9)],
                      [decision("d9", UNIT1, 0, 50, "merged", LEA,
                                gold=["90000000-0000-4000-8000-000000000002", "90000000-0000-4000-8000-000000000001"],
                                sources=[CODERS[1]["id"], CODERS[0]["id"]], replaces=["z", "a"])]))
    [written] = json.loads(dumps(data))["decisions"]
    assert written["gold"] == sorted(written["gold"]) and written["sources"] == sorted(written["sources"])
    assert written["replaces"] == ["a", "z"]


def test_the_shipped_version_3_schema_is_valid_and_describes_what_is_written():
    """JSON Schema 2020-12 (the reference validator): the schema is a valid schema, and a file with
    a gold layer and decisions passes it."""
    import jsonschema

    from annotator.core import resources

    schema = resources.read_json("formats", "annotator-export-v3.schema.json")
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.Draft202012Validator(schema).validate(json.loads(dumps(team_file(LEA_ACCEPTS, LEA_REJECTS))))
    assert schema["properties"]["decisions"]["items"]["properties"]["kind"]["enum"] == [
        "accepted", "merged", "edited", "created", "rejected"]


@pytest.mark.parametrize("version", [1, 2])
def test_older_files_are_read_as_version_3_without_decisions(version):
    data = json.loads(dumps(team_file(coders=(ALICE, BOB))))
    data["version"] = version
    del data["decisions"]
    for entry in data["annotators"]:
        del entry["role"]
    if version == 1:
        del data["settings"], data["statuses"]
        for ann in data["annotations"]:
            del ann["modified_by"]
    back = parse_export(json.dumps(data).encode(), "old.json")
    assert back["version"] == 3 and back["decisions"] == []
    assert [a["role"] for a in back["annotators"]] == ["coder", "coder"]
    assert dumps(back) == dumps(team_file(coders=(ALICE, BOB)))


def _bad(change):
    data = json.loads(dumps(team_file(LEA_ACCEPTS, LEA_REJECTS)))
    change(data)
    return data


BAD = {  # what a reader must refuse, with the JSON path and the reason
    "decision on an unknown document": (lambda d: d["decisions"][0].update(document_id="nope"),
                                        "$.decisions[0].document_id: unknown document nope"),
    "unknown kind": (lambda d: d["decisions"][1].update(kind="vetoed"),
                     '$.decisions[1].kind: "vetoed" is not one of ["accepted", "merged", "edited", "created", '
                     '"rejected"]'),
    "gold annotation missing": (lambda d: d.update(annotations=[a for a in d["annotations"]
                                                                if a["annotator_id"] != GOLD_ID]),
                                "$.decisions[0].gold[0]: unknown annotation 90000000-0000-4000-8000-000000000001"),
    "gold that is a coder's": (lambda d: d["decisions"][0].update(gold=[CODERS[0]["id"]]),
                               f"$.decisions[0].gold[0]: annotation {CODERS[0]['id']} is not a gold annotation"),
    "a source that is gold": (lambda d: d["decisions"][1].update(sources=["90000000-0000-4000-8000-000000000001"]),
                              "$.decisions[1].sources[0]: annotation 90000000-0000-4000-8000-000000000001 is not "
                              "a coder's annotation"),
    "rejection with gold": (lambda d: d["decisions"][1].update(gold=d["decisions"][0]["gold"]),
                            "$.decisions[1].gold: a rejection makes no gold annotations"),
    "acceptance without gold": (lambda d: d["decisions"][0].update(gold=[]),
                                "$.decisions[0].gold: a decision of kind 'accepted' makes at least one"),
    "gold made by no decision": (lambda d: d["decisions"].pop(0),
                                 "$.annotations[1]: gold annotation 90000000-0000-4000-8000-000000000001 is made "
                                 "by no decision"),
    "the gold layer decides": (lambda d: d["decisions"][0].update(decided_by=GOLD_ID),
                               "$.decisions[0].decided_by: names the gold layer, which never decides"),
    "past the text": (lambda d: d["decisions"][0].update(end=10_000),
                      "$.decisions[0].end: end 10000 is past the end of the document"),
    "reversed extent": (lambda d: d["decisions"][0].update(start=40, end=30),
                        "$.decisions[0].end: end 30 is not after start 40"),
    "no unit": (lambda d: d["decisions"][0].update(unit_id=None),
                "$.decisions[0].unit_id: is null, but only a \"created\" decision has no unit"),
    "bad time": (lambda d: d["decisions"][0].update(decided="yesterday"), "$.decisions[0].decided: "),
    "duplicate id": (lambda d: d["decisions"][1].update(id=d["decisions"][0]["id"]),
                     "$.decisions[1].id: duplicate id"),
    "replaced decision kept": (lambda d: d["decisions"][1].update(replaces=[d["decisions"][0]["id"]]),
                               "$.decisions[1].replaces[0]: decision d1000000-0000-4000-8000-000000000001 is in "
                               "the file"),
    "a coder posing as gold": (lambda d: d["annotators"][0].update(role="gold"),
                               "$.annotators[0].role: is 'gold' but must be 'coder'"),
    "gold posing as a coder": (lambda d: d["annotators"][-1].update(role="coder"),
                               "$.annotators[4].role: is 'coder' but must be 'gold'"),
    "missing field": (lambda d: d["decisions"][0].pop("replaces"), '$.decisions[0]: "replaces" is a required'),
    "control character in a reason": (lambda d: d["decisions"][1].update(reason="a\x07b"),
                                      "$.decisions[1].reason: contains control characters"),
    "fractional start": (lambda d: d["decisions"][0].update(start=0.5),
                         "$.decisions[0].start: must be a whole number (got 0.5)"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_a_bad_gold_layer_is_refused_with_the_file_the_place_and_the_reason(case):
    change, message = BAD[case]
    with pytest.raises(ExchangeError) as info:
        parse_export(json.dumps(_bad(change)).encode(), "team.json")
    text = str(info.value)
    assert text.startswith("team.json: ") and message in text, text
    assert "\n" not in text


def test_a_decisions_source_may_be_absent_as_in_a_gold_only_file():
    data = team_file(LEA_ACCEPTS, LEA_REJECTS)
    data["annotations"] = [a for a in data["annotations"] if a["annotator_id"] == GOLD_ID]
    assert read(data)["decisions"][0]["sources"] == [CODERS[0]["id"]]


# -- merging -------------------------------------------------------------------------------------


def merged(*files: dict) -> bytes:
    return dumps(merge_exports([(f"file{n}.json", read(f)) for n, f in enumerate(files)])[0])


def test_two_adjudicators_files_merge_into_a_conflict_naming_the_unit_and_who_decided_what():
    lea, max_ = team_file(LEA_ACCEPTS, LEA_REJECTS), team_file(MAX_ACCEPTS)
    data, report = merge_exports([("lea.json", read(lea)), ("max.json", read(max_))])
    assert report.decision_conflicts == ["document 'Speech' 0–50: lea accepted, max accepted"]
    # both kept: the unit shows as in conflict and must be decided again
    assert [d["decided_by"] for d in data["decisions"] if d["unit_id"] == UNIT1] == [LEA, MAX]
    assert {a["id"] for a in data["annotations"] if a["annotator_id"] == GOLD_ID} == {
        "90000000-0000-4000-8000-000000000001", "90000000-0000-4000-8000-000000000003"}
    assert report.conflicts == []  # nothing resolved silently
    assert parse_export(dumps(data), "merged.json")["decisions"] == data["decisions"]


def test_a_rejection_against_an_acceptance_is_a_conflict_too():
    max_rejects = ([], [decision("d2000000-0000-4000-8000-000000000002", UNIT2, 52, 94, "rejected", MAX),
                        ])
    max_accepts = ([gold("90000000-0000-4000-8000-000000000004", 52, 94, OPINION)],
                   [decision("d2000000-0000-4000-8000-000000000003", UNIT2, 52, 94, "accepted", MAX,
                             gold=["90000000-0000-4000-8000-000000000004"], rule="majority 2/3")])
    _, report = merge_exports([("a", read(team_file(LEA_REJECTS))), ("b", read(team_file(max_accepts)))])
    assert report.decision_conflicts == ["document 'Speech' 52–94: lea rejected, max (pre-merge, majority 2/3) "
                                         "accepted"]
    _, report = merge_exports([("a", read(team_file(LEA_REJECTS))), ("b", read(team_file(max_rejects)))])
    assert report.decision_conflicts == ["document 'Speech' 52–94: lea rejected, max rejected"]


def test_a_replaced_decision_is_dropped_with_the_gold_it_alone_made():
    """Lea accepted alice's span, exported, then decided the unit again (bob's span): the newer
    decision replaces the older, so merging her two files keeps only the newer, without conflict."""
    again = ([gold("90000000-0000-4000-8000-000000000005", 0, 50)],
             [decision("d1000000-0000-4000-8000-000000000009", UNIT1, 0, 50, "accepted", LEA,
                       gold=["90000000-0000-4000-8000-000000000005"], sources=[CODERS[1]["id"]],
                       replaces=["d1000000-0000-4000-8000-000000000001"], decided="2026-12-01T12:00:00.000000+00:00")])
    for files in ([team_file(LEA_ACCEPTS), team_file(again)], [team_file(again), team_file(LEA_ACCEPTS)]):
        data, report = merge_exports([(str(n), read(f)) for n, f in enumerate(files)])
        assert [d["id"] for d in data["decisions"]] == ["d1000000-0000-4000-8000-000000000009"]
        assert [a["id"] for a in data["annotations"] if a["annotator_id"] == GOLD_ID] == [
            "90000000-0000-4000-8000-000000000005"]
        assert report.decision_conflicts == []


def test_versions_of_one_decision_join_by_id_the_newer_wins():
    later = json.loads(json.dumps(LEA_REJECTS))
    later[1][0].update(reason="changed my mind about the wording", decided="2026-12-01T13:00:00.000000+00:00")
    data, report = merge_exports([("old", read(team_file(LEA_REJECTS))), ("new", read(team_file(later)))])
    [kept] = data["decisions"]
    assert kept["reason"] == "changed my mind about the wording"
    assert report.conflicts == ["decision d1000000-0000-4000-8000-000000000002 differs between old and new; "
                                "the newer was kept"]
    assert report.decision_conflicts == []


FILES = {
    "lea": team_file(LEA_ACCEPTS, LEA_REJECTS),
    "max": team_file(MAX_ACCEPTS),
    "lea again": team_file(([gold("90000000-0000-4000-8000-000000000005", 0, 50)],
                            [decision("d1000000-0000-4000-8000-000000000009", UNIT1, 0, 50, "edited", LEA,
                                      gold=["90000000-0000-4000-8000-000000000005"],
                                      replaces=["d1000000-0000-4000-8000-000000000001"],
                                      decided="2026-12-01T12:00:00.000000+00:00")]), LEA_REJECTS),
    "coders only": team_file(),
}


@pytest.mark.parametrize(("a", "b"), list(itertools.combinations(sorted(FILES), 2)))
def test_merging_decisions_is_commutative(a, b):
    assert merged(FILES[a], FILES[b]) == merged(FILES[b], FILES[a])


@pytest.mark.parametrize("name", sorted(FILES))
def test_merging_decisions_is_idempotent(name):
    assert merged(FILES[name], FILES[name]) == merged(FILES[name]) == dumps(read(FILES[name]))


@pytest.mark.parametrize("order", list(itertools.permutations(["lea", "max", "lea again"])))
def test_merging_decisions_is_associative(order):
    a, b, c = (FILES[name] for name in order)
    left = merged(json.loads(merged(a, b)), c)
    right = merged(a, json.loads(merged(b, c)))
    assert left == right == merged(a, b, c)
