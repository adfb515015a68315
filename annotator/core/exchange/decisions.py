"""The gold layer in the exchange file (version 3): checking its decisions, and joining the
decisions of several files or of a file and a project.

A decision is a plain dict with every field of the ``Decision`` model (docs/exchange-format.md).
The join is the same everywhere (merge.py for files, apply.py for an import into a project):

- versions of one decision id: the newer ``decided`` wins, equal times fall back to the canonical
  JSON; their ``replaces`` lists are joined (a set union), so no replacement is ever forgotten;
- a decision that any decision names in ``replaces`` is dropped, and a gold annotation is kept only
  while a kept decision names it in ``gold`` (so the gold annotations a dropped decision alone made
  go with it);
- two or more decisions left on one ``unit_id`` are a conflict: all are kept (the unit must be
  decided again), and ``conflict_lines`` says who decided what there.

Each step is a join (a union, then a choice by a total order), so merging stays commutative,
associative and idempotent.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

from annotator.core.errors import ValidationError, quoted
from annotator.core.storage.tables import DECISION_KINDS, GOLD_ID
from annotator.core.text import CONTROL_CHARACTERS, LONE_SURROGATES, check_integer, check_timestamp

ID_LISTS = ("sources", "gold", "replaces")  # a decision's lists of ids, each written sorted
MAX_INTEGER = 2**31 - 1


def role(annotator_id: str) -> str:
    """An annotator entry's ``role``: "gold" for the gold layer's fixed id, "coder" for anyone else."""
    return "gold" if annotator_id == GOLD_ID else "coder"


def canonical_decision(decision: dict[str, Any]) -> dict[str, Any]:
    """The decision with its id lists sorted (the order they are written in), without the
    project's own ``version`` (format 6), which no exchange file holds."""
    return {**{k: v for k, v in decision.items() if k != "version"}, **{key: sorted(decision[key]) for key in ID_LISTS}}


def decision_order(decision: dict[str, Any]) -> tuple:
    """Decisions are written by document, start, end and id, like annotations."""
    return decision["document_id"], decision["start"], decision["end"], decision["id"]


def _key(item: dict[str, Any]) -> str:
    return json.dumps(item, ensure_ascii=False, sort_keys=True)


# -- checking ---------------------------------------------------------------------------------


def check_decisions(data: dict[str, Any], lengths: dict[str, int], fail: Callable,
                    annotations: dict[str, dict[str, Any]]) -> None:
    """Version 3: each decision names a document of the file, a known kind, its extent inside the
    document, a coder as its decider (who, like ``modified_by``, may be absent from the file), and
    gold annotations of the file that it alone made; a coder annotation it took (``sources``) may
    be absent (a gold-only export), but one that is there is a coder's on the same document. Every
    gold annotation is made by one decision (export_check checks it). ``annotations``: the file's
    annotations that the decisions name, by id (each with its annotator_id and document_id)."""
    for index, entry in enumerate(data["annotators"]):
        if entry.get("role", role(entry["id"])) != role(entry["id"]):
            fail(["annotators", index, "role"], f"is {quoted(entry['role'])} but must be {quoted(role(entry['id']))}"
                 + (" (only the gold layer's id is the gold layer)" if entry["role"] == "gold" else ""))
    decisions = data.get("decisions", ())
    ids = {d["id"] for d in decisions}
    made_by: dict[str, int] = {}
    for index, decision in enumerate(decisions):
        where = ["decisions", index]
        for field, low in (("start", 0), ("end", 1)):
            try:
                check_integer(decision[field], "", low, MAX_INTEGER)
            except ValidationError as exc:
                fail([*where, field], str(exc).strip())
        try:
            check_timestamp(decision["decided"], "")
        except ValidationError as exc:
            fail([*where, "decided"], str(exc).strip())
        if decision["kind"] not in DECISION_KINDS:
            fail([*where, "kind"], f"unknown kind {quoted(decision['kind'])} (known: {', '.join(DECISION_KINDS)})")
        doc = decision["document_id"]
        if doc not in lengths:
            fail([*where, "document_id"], f"unknown document {doc}")
        if decision["start"] >= decision["end"]:
            fail([*where, "end"], f"end {decision['end']} is not after start {decision['start']}")
        if decision["end"] > lengths[doc]:
            fail([*where, "end"], f"end {decision['end']} is past the end of the document ({lengths[doc]} characters)")
        if decision["unit_id"] is None and decision["kind"] != "created":
            fail([*where, "unit_id"], f"is null, but only a \"created\" decision has no unit (this one is "
                                      f"{quoted(decision['kind'])})")
        if decision["decided_by"] == GOLD_ID:
            fail([*where, "decided_by"], "names the gold layer, which never decides: a decision names the coder "
                                         "who decided it")
        reason = decision["reason"]
        if CONTROL_CHARACTERS.search(reason) or LONE_SURROGATES.search(reason):
            fail([*where, "reason"], "contains control characters or invalid Unicode")
        for key in ID_LISTS:
            if len(set(decision[key])) != len(decision[key]):
                fail([*where, key], "names an id twice")
        if (decision["kind"] == "rejected") != (not decision["gold"]):
            fail([*where, "gold"], "a rejection makes no gold annotations" if decision["gold"]
                 else f"a decision of kind {quoted(decision['kind'])} makes at least one gold annotation")
        for at, ann_id in enumerate(decision["gold"]):
            ann = annotations.get(ann_id)
            if ann is None:
                fail([*where, "gold", at], f"unknown annotation {ann_id}")
            if ann["annotator_id"] != GOLD_ID or ann["document_id"] != doc:
                fail([*where, "gold", at], f"annotation {ann_id} is not a gold annotation of document {doc}")
            if ann_id in made_by:
                fail([*where, "gold", at], f"gold annotation {ann_id} is also made by the decision at "
                                           f"$.decisions[{made_by[ann_id]}]")
            made_by[ann_id] = index
        for at, ann_id in enumerate(decision["sources"]):
            ann = annotations.get(ann_id)
            if ann is not None and (ann["annotator_id"] == GOLD_ID or ann["document_id"] != doc):
                fail([*where, "sources", at], f"annotation {ann_id} is not a coder's annotation of document {doc}")
        for at, other in enumerate(decision["replaces"]):
            if other in ids:
                fail([*where, "replaces", at], f"decision {other} is in the file: a replaced decision is dropped, "
                                               "never kept beside the one that replaced it")


# -- joining ----------------------------------------------------------------------------------


def newer(new: dict[str, Any], held: dict[str, Any]) -> bool:
    """Whether ``new`` beats ``held``, two versions of one decision: the newer ``decided``, then the
    canonical JSON (so the choice never depends on the order they come in)."""
    if new["decided"] != held["decided"]:
        return new["decided"] > held["decided"]
    return _key(new) > _key(held)


def join_versions(held: dict[str, Any] | None, new: dict[str, Any]) -> dict[str, Any]:
    """One decision id's two versions joined: the winner's fields, both ``replaces``."""
    if held is None or held == new:
        return new
    winner = new if newer(dict(new, replaces=[]), dict(held, replaces=[])) else held
    return dict(winner, replaces=sorted(set(held["replaces"]) | set(new["replaces"])))


def surviving(decisions: Iterable[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(kept, dropped): a decision another names in ``replaces`` is dropped."""
    decisions = list(decisions)
    replaced = {other for d in decisions for other in d["replaces"]}
    return ([d for d in decisions if d["id"] not in replaced], [d for d in decisions if d["id"] in replaced])


def kept_gold(kept: Iterable[dict[str, Any]]) -> set[str]:
    """The gold annotations the kept decisions made: the only ones that stay."""
    return {ann_id for d in kept for ann_id in d["gold"]}


def conflicts(kept: Iterable[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """The groups of two or more kept decisions on one unit, in document and extent order; each
    group by decision time, then id."""
    by_unit: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for decision in kept:
        if decision["unit_id"] is not None:
            by_unit.setdefault((decision["document_id"], decision["unit_id"]), []).append(decision)
    groups = [sorted(group, key=lambda d: (d["decided"], d["id"])) for group in by_unit.values() if len(group) > 1]
    return sorted(groups, key=lambda g: (g[0]["document_id"], min(d["start"] for d in g), g[0]["unit_id"]))


def conflict_lines(kept: Iterable[dict[str, Any]], titles: dict[str, str], names: dict[str, str]) -> list[str]:
    """One sentence per unit in conflict: 'document "X" 120–164: alice accepted, bob rejected'.
    ``titles``: document id -> title; ``names``: coder id -> name (an unknown id is shown as it is)."""
    lines = []
    for group in conflicts(kept):
        start, end = min(d["start"] for d in group), max(d["end"] for d in group)
        doc = group[0]["document_id"]
        who = ", ".join(f"{names.get(d['decided_by'], d['decided_by'])}"
                        f"{' (pre-merge, ' + d['rule'] + ')' if d['rule'] else ''} {d['kind']}" for d in group)
        lines.append(f"document {quoted(titles.get(doc, doc))} {start}–{end}: {who}")
    return lines
