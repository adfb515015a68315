"""Importing export files into a project (``annotator import-annotations``, File → Import Annotations).

All files of one import are applied in one transaction, committed after a backup of the state
before (none when the import changes nothing). Each file is read as a stream (export_read) and
its annotations are checked and applied a chunk at a time, so a file of any size imports in
bounded memory; a file that is not a valid export, wherever the problem is, refuses the whole
import (the transaction is rolled back: the project is as it was). Within the transaction:

- documents are matched by SHA-256; a missing one is created from the file's text (keeping its
  id), or reported when the file carries no text (its annotations are rejected);
- categories are matched by id, then by name under the same parent; unknown ones are added;
  the project's own categories are not changed;
- annotators are matched by id; unknown ones are added;
- every annotation's quote is checked against the document's text. If the offsets disagree but
  prefix + quote + suffix occurs exactly once, the annotation is re-anchored there; otherwise it is
  rejected. So is one whose attribute values do not fit the definitions of the project's category
  it maps to (an unknown attribute, a wrong type, not a choice, out of range): the others still
  import. An id the project already holds with the same content is skipped; with different
  content the newer ``modified`` wins and the conflict is reported. Each keeps its ``modified_by``;
- coders' statuses (version 2) are matched by (document, coder): the newer ``modified`` wins, as
  in a merge; a status of a document that is not in the project is skipped;
- settings (version 2) are taken from the file only when the project has none set at all (a new
  project, such as one started from a lead's handout). Otherwise the project keeps its own, and
  each value of the file that differs is reported: an import never flips a project's setting. A
  key this version does not know is reported and ignored;
- the gold layer (version 3): decisions join the project's by id, as in a merge (exchange.decisions:
  the newer ``decided`` wins; a decision that one of the file's or the project's names in
  ``replaces`` is dropped, or deleted from the project, with the gold annotations only it made);
  the gold annotations come with the decisions that made them, ids kept, their document mapped
  like the coders' annotations. Two or more decisions left on one unit are kept and reported as a
  conflict (the unit must be decided again). A decision whose document or gold annotation did not
  import is rejected and reported.

Importing the same file twice changes nothing.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import delete
from sqlmodel import select

from annotator.core.errors import AnnotatorError, ValidationError, quoted
from annotator.core.exchange.chunk_check import Columns
from annotator.core.exchange.decisions import (
    canonical_decision,
    conflict_lines,
    conflicts,
    join_versions,
    kept_gold,
    surviving,
)
from annotator.core.exchange.export_read import open_export
from annotator.core.exchange.plain_rows import plain_rows
from annotator.core.project.annotations import insert_annotations
from annotator.core.project.bulk import (
    BULK_ROWS,
    EMPTY_JSON,
    KnownValues,
    annotation_records,
    bulk_cache,
    holds_annotations,
    insert_plain_rows,
)
from annotator.core.project.categories import insert_category
from annotator.core.project.changes import NOTHING, Changes, Progress
from annotator.core.project.gold import insert_decisions
from annotator.core.project.project import LOCAL_SETTINGS, SETTINGS, NewDocument, Project, insert_documents
from annotator.core.project.statuses import merge_statuses
from annotator.core.schema.rules import check_attribute_values
from annotator.core.storage.tables import (
    GOLD_ID,
    Annotation,
    Annotator,
    Category,
    Decision,
    Document,
    Origin,
    ProjectSetting,
)
from annotator.core.text import LIMITS, check_field, check_id, check_value


@dataclass
class AnnotationImportReport:
    """What an import did; every list holds one plain sentence per item."""

    files: list[Path] = field(default_factory=list)
    backup: Path | None = None
    documents_added: int = 0
    documents_matched: int = 0
    categories_added: int = 0
    categories_matched: int = 0
    annotators_added: int = 0
    annotators_matched: int = 0
    annotations_added: int = 0
    annotations_skipped: int = 0
    annotations_updated: int = 0
    statuses_added: int = 0
    statuses_updated: int = 0
    decisions_added: int = 0
    decisions_updated: int = 0
    decisions_dropped: int = 0  # replaced: not imported, or deleted from the project
    decision_conflicts: list[str] = field(default_factory=list)  # units two or more decisions name
    settings_applied: list[str] = field(default_factory=list)  # keys taken from a file
    reanchored: list[str] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    changes: Changes = NOTHING  # an import touching anything: the corpus (and the schema if categories came)

    def lines(self) -> list[str]:
        """The summary as text, one line each."""
        return [
            f"documents: {self.documents_added} added, {self.documents_matched} already in the project",
            f"categories: {self.categories_added} added, {self.categories_matched} matched",
            f"annotators: {self.annotators_added} added, {self.annotators_matched} matched",
            f"annotations: {self.annotations_added} added, {self.annotations_skipped} skipped (already there), "
            f"{len(self.reanchored)} re-anchored, {len(self.rejected)} rejected, "
            f"{len(self.conflicts)} conflicting ({self.annotations_updated} updated from the file)",
            f"statuses: {self.statuses_added} added, {self.statuses_updated} updated"
            + (f"; settings taken from the file: {', '.join(self.settings_applied)}" if self.settings_applied else ""),
            f"decisions: {self.decisions_added} added, {self.decisions_updated} updated, {self.decisions_dropped} "
            f"dropped (replaced by a newer decision), {len(self.decision_conflicts)} unit(s) in conflict",
        ]


def import_annotations(project: Project, paths: Iterable[str | Path],
                       progress: Progress | None = None) -> AnnotationImportReport:
    """Import export files into ``project``; see the module docstring. Raises ExchangeError
    (the project unchanged) when a file is not a valid export. Each file is read as a stream
    (export_read) and imported a chunk of annotations at a time, all in the one transaction, which
    a file found invalid at any point rolls back whole. ``progress(0, 0, label)`` says which step
    is running: "Reading NAME…" as a file is opened and its head read, "Importing…" as its
    annotations are read and imported."""
    paths = [Path(path) for path in paths]
    summary = AnnotationImportReport(files=paths)
    local_project = project.info().id
    with project.transaction(backup="before-annotation-import") as tx:
        for path in paths:
            if progress:
                progress(0, 0, f"Reading {path.name}…")
            # A large page cache while the rows go in, as for one insert of BULK_ROWS or more.
            with open_export(path) as export, bulk_cache(tx.session.connection(), BULK_ROWS):
                if progress:
                    progress(0, 0, "Importing…")
                _apply(tx.session, export.head, export.columned(), path.name, local_project, summary)
    return _summed(summary, tx.backup)


def import_read_exports(project: Project, loaded: list[tuple[Path, dict[str, Any]]],
                        progress: Progress | None = None,
                        backup: str | None = "before-annotation-import") -> AnnotationImportReport:
    """``import_annotations`` of files already read and checked (``read_export``), as (path, data);
    ``backup=None`` for a project that needs none (a scratch project about to be thrown away)."""
    summary = AnnotationImportReport(files=[path for path, _ in loaded])
    if progress:
        progress(0, 0, "Importing…")
    local_project = project.info().id
    with project.transaction(backup=backup) as tx:
        for path, data in loaded:
            _apply(tx.session, data, [(data["annotations"], None)], path.name, local_project, summary)
    return _summed(summary, tx.backup)


def _summed(summary: AnnotationImportReport, backup: Path | None) -> AnnotationImportReport:
    summary.backup = backup
    wrote = (summary.documents_added or summary.categories_added or summary.annotators_added
             or summary.annotations_added or summary.annotations_updated
             or summary.statuses_added or summary.statuses_updated or summary.settings_applied
             or summary.decisions_added or summary.decisions_updated or summary.decisions_dropped)
    summary.changes = Changes(schema=bool(summary.categories_added), corpus=bool(wrote))
    return summary


def _apply(s, data: dict[str, Any], chunks: Iterable[tuple[list[dict[str, Any]], Columns | None]], name: str,
           local_project: str, summary: AnnotationImportReport) -> None:
    """One file into the project: ``data`` is its head (every list but the annotations), which
    come as ``chunks`` (the file read as a stream: each checked before it comes), each with its
    columns where the quick checks took them (export_read.StreamedExport.columned)."""
    # Provenance: remember the other projects the annotations come from.
    for proj in data["projects"]:
        if proj["id"] != local_project and s.get(Origin, proj["id"]) is None:
            s.add(Origin(id=check_id(proj["id"], f"{name}: a project id"), name=proj["name"]))

    # Documents, by SHA-256.
    by_sha = dict(s.exec(select(Document.sha256, Document.id)).all())  # texts only for matched documents
    doc_map: dict[str, str] = {}
    texts: dict[str, str] = {}
    for doc in data["documents"]:
        if doc["sha256"] in by_sha:
            doc_map[doc["id"]] = by_sha[doc["sha256"]]
            texts[doc["id"]] = doc.get("text") or s.get(Document, doc_map[doc["id"]]).text  # same SHA-256: same text
            summary.documents_matched += 1
        elif "text" in doc:
            new = NewDocument(doc["title"], doc["text"], doc["source"], doc["metadata"], doc["id"])
            [added] = insert_documents(s, [new])
            doc_map[doc["id"]], texts[doc["id"]] = added.document.id, doc["text"]
            by_sha[doc["sha256"]] = added.document.id
            summary.documents_added += 1
        else:
            summary.notes.append(f"{name}: document {quoted(doc['title'])} is not in the project "
                                 "and the file has no text")

    # Categories, parents first: by id, then by name under the same parent.
    local = {c.id: c for c in s.exec(select(Category)).all()}
    cat_map: dict[str, str] = {}
    pending = list(data["categories"])
    while pending:
        ready = [c for c in pending if c["parent_id"] is None or c["parent_id"] in cat_map]
        for cat in ready:
            parent = cat_map.get(cat["parent_id"]) if cat["parent_id"] else None
            same_name = next((c for c in local.values() if c.parent_id == parent
                              and c.name.casefold() == cat["name"].casefold()), None)
            if cat["id"] in local:
                cat_map[cat["id"]] = cat["id"]
                summary.categories_matched += 1
            elif same_name is not None:
                cat_map[cat["id"]] = same_name.id
                summary.categories_matched += 1
            else:
                shortcut = cat["shortcut"]
                if shortcut and any((c.shortcut or "").casefold() == shortcut.casefold() for c in local.values()):
                    summary.notes.append(f"{name}: category {quoted(cat['name'])} added without its shortcut "
                                         f"{quoted(shortcut)}, which the project already uses")
                    shortcut = None
                try:
                    added = insert_category(s, cat["name"], cat["colour"], cat["description"], shortcut,
                                                    parent, cat["attributes"], cat["position"], cat["id"])
                except AnnotatorError as exc:
                    raise AnnotatorError(f"{name}: category {quoted(cat['name'])}: {exc}") from exc
                local[added.id] = added
                cat_map[cat["id"]] = added.id
                summary.categories_added += 1
            pending.remove(cat)

    # Annotators, by id.
    known = set(s.exec(select(Annotator.id)).all())
    for coder in data["annotators"]:
        if coder["id"] in known:
            summary.annotators_matched += 1
        else:
            s.add(Annotator(id=check_id(coder["id"], f"{name}: an annotator id"),
                            name=check_field(coder["name"], f"{name}: an annotator's name", LIMITS["name"])))
            known.add(coder["id"])
            summary.annotators_added += 1
    s.flush()

    # Annotations (of the gold layer, only those the decisions kept make).
    plan = _plan_decisions(s, data, doc_map, name, summary)
    # Attribute values that fit their category's definitions, remembered (they repeat from row to row).
    # Stored as insert_annotations stores them (annotations._values_json), for the plain path.
    fitting = KnownValues(lambda category, values: _stored_values(values, local[category].attributes or []))
    # A project without annotations holds none of the file's: its ids were found unique as it was read.
    none_held = not holds_annotations(s)
    for chunk, columns in chunks:  # a file read as a stream: its annotations a chunk at a time
        existing = {} if none_held else annotation_records(s, columns["id"] if columns else [a["id"] for a in chunk])
        plain = None if existing or not columns else plain_rows(columns, doc_map, cat_map, texts, fitting,
                                                                 local_project)
        if plain is not None:  # every annotation of the chunk new, plain and where its quote is
            insert_plain_rows(s, plain)
            summary.annotations_added += len(plain)
            continue
        new_rows = []
        for ann in chunk:
            if ann["annotator_id"] == GOLD_ID and ann["id"] not in plan.gold:
                continue  # made by a decision that was replaced
            if ann["document_id"] not in doc_map:
                summary.rejected.append(f"{_label(name, ann)}: its document is not in the project")
                continue
            start, end = _anchor(texts[ann["document_id"]], ann)
            if start is None:
                summary.rejected.append(f"{_label(name, ann)}: {end}")
                continue
            if ann["attributes"] and fitting.stored(cat_map[ann["category_id"]], ann["attributes"]) is None:
                try:  # values not seen before in this file, or values that do not fit: the message
                    definitions = local[cat_map[ann["category_id"]]].attributes or []
                    check_attribute_values(ann["attributes"], definitions, _label(name, ann))
                except ValidationError as exc:
                    summary.rejected.append(str(exc))
                    continue
            if (start, end) != (ann["start"], ann["end"]):
                summary.reanchored.append(f"{_label(name, ann)}: moved from {ann['start']}–{ann['end']} "
                                          f"to {start}–{end}")
            row = {
                "id": ann["id"], "document_id": doc_map[ann["document_id"]], "category_id": cat_map[ann["category_id"]],
                "annotator_id": ann["annotator_id"], "start": start, "end": end, "note": ann["note"],
                "attributes": ann["attributes"], "created": ann["created"], "modified": ann["modified"],
                "origin_id": None if ann["project_id"] == local_project else ann["project_id"],
                "modified_by": ann["modified_by"],
            }
            mine = existing.get(ann["id"])
            if mine is None:
                new_rows.append(row)
            elif mine == row:
                summary.annotations_skipped += 1
            elif row["modified"] > mine["modified"]:
                _update(s, row)
                summary.annotations_updated += 1
                summary.conflicts.append(f"{_label(name, ann)}: differs from the project's; the file's is newer "
                                         "and replaced it")
            else:
                summary.conflicts.append(f"{_label(name, ann)}: differs from the project's; the project's is newer "
                                         "and was kept")
        insert_annotations(s, new_rows)
        summary.annotations_added += len(new_rows)
    _apply_decisions(s, plan, name, summary)
    _apply_statuses(s, data, doc_map, summary)
    _apply_settings(s, data, name, summary)


def _stored_values(values: dict[str, Any], definitions: list[dict[str, Any]]) -> str:
    """Attribute values that fit ``definitions``, as insert_annotations stores them (JSON)."""
    check_value(values, "")
    check_attribute_values(values, definitions, "")
    return json.dumps(values) if values else EMPTY_JSON


def _label(name: str, ann: dict[str, Any]) -> str:
    """An annotation as a report line names it."""
    return f"{name}: {quoted(ann['quote'][:40])} (annotation {ann['id'][:8]})"


def _apply_statuses(s, data: dict[str, Any], doc_map: dict[str, str], summary: AnnotationImportReport) -> None:
    outcomes = merge_statuses(s, [dict(status, document_id=doc_map[status["document_id"]])
                                  for status in data["statuses"]
                                  if status["document_id"] in doc_map])  # else not in the project (noted)
    summary.statuses_added += outcomes.count("added")
    summary.statuses_updated += outcomes.count("updated")


def _apply_settings(s, data: dict[str, Any], name: str, summary: AnnotationImportReport) -> None:
    """The file's settings into a project with none set; otherwise each difference is reported."""
    held = {row.key: row.value for row in s.exec(select(ProjectSetting)).all()}
    for key, value in sorted(data["settings"].items()):
        if key not in SETTINGS:
            summary.notes.append(f"{name}: setting {quoted(key)} is not known to this version; ignored")
        elif key in LOCAL_SETTINGS:
            summary.notes.append(f"{name}: setting {key} belongs to the project it was set in; ignored")
        elif not held:
            s.add(ProjectSetting(key=key, value=value))
            summary.settings_applied.append(key)
        elif held.get(key) != value:
            summary.notes.append(f"{name}: setting {key} is {json.dumps(value)} in the file but "
                                 f"{json.dumps(held.get(key))} in the project; the project's is kept")
    s.flush()


def _anchor(text: str, ann: dict[str, Any]) -> tuple[int | None, int | str]:
    """The span of the annotation in ``text``: its own offsets if the quote is there, else the
    one place where prefix + quote + suffix occurs; ``(None, reason)`` if there is none."""
    start, end, quote = ann["start"], ann["end"], ann["quote"]
    if text[start:end] == quote:
        return start, end
    needle = ann["prefix"] + quote + ann["suffix"]
    first = text.find(needle)
    if first < 0:
        return None, "its quote with its context is not in the document"
    if text.find(needle, first + 1) >= 0:
        return None, "its offsets do not match the text and its quote with its context occurs more than once"
    start = first + len(ann["prefix"])
    return start, start + len(quote)


def _update(s, row: dict[str, Any]) -> None:
    ann = s.get(Annotation, row["id"])
    for key, value in row.items():
        setattr(ann, key, value)
    s.add(ann)
    s.flush()


@dataclass
class _DecisionPlan:
    """What an import does to the decisions: the file's to write (new or newer than the
    project's, document mapped), the project's to delete, and the file's gold annotations to import."""

    write: list[dict[str, Any]]
    delete: list[dict[str, Any]]
    gold: set[str]
    ids: set[str]  # the file's decisions (those whose document is in the project)
    titles: dict[str, str]
    names: dict[str, str]


def _plan_decisions(s, data: dict[str, Any], doc_map: dict[str, str], name: str,
                    summary: AnnotationImportReport) -> _DecisionPlan:
    held = {row.id: canonical_decision(row.model_dump()) for row in s.exec(select(Decision)).all()}
    joined, ids = dict(held), set()
    for decision in data["decisions"]:
        if decision["document_id"] not in doc_map:
            summary.rejected.append(f"{name}: decision {decision['id'][:8]} ({decision['kind']}): its document is "
                                    "not in the project")
            continue
        decision = canonical_decision(dict(decision, document_id=doc_map[decision["document_id"]]))
        ids.add(decision["id"])
        joined[decision["id"]] = join_versions(joined.get(decision["id"]), decision)
        if held.get(decision["id"]) not in (None, decision) and joined[decision["id"]] == held[decision["id"]]:
            summary.conflicts.append(f"{name}: decision {decision['id'][:8]} differs from the project's; "
                                     "the project's is newer and was kept")
    kept, dropped = surviving(joined.values())
    write = [d for d in kept if held.get(d["id"]) != d]
    delete = [held[d["id"]] for d in dropped if d["id"] in held]
    delete += [held[d["id"]] for d in write if d["id"] in held]  # an older version, written again below
    summary.decisions_dropped += sum(d["id"] in held for d in dropped)  # deleted from the project
    titles = dict(s.exec(select(Document.id, Document.title)).all())
    names = dict(s.exec(select(Annotator.id, Annotator.name)).all())
    names.update({a["id"]: a["name"] for a in data["annotators"]})
    return _DecisionPlan(write, delete, kept_gold(write), ids, titles, names)


def _apply_decisions(s, plan: _DecisionPlan, name: str, summary: AnnotationImportReport) -> None:
    """Write the file's decisions whose gold annotations all imported (else keep the project's
    version), delete the project's replaced and older ones, then every gold annotation no decision
    makes any more, and report the units left with two or more decisions."""
    present = set(s.exec(select(Annotation.id).where(Annotation.annotator_id == GOLD_ID)).all())
    write, bad = [], set()
    for decision in plan.write:
        if set(decision["gold"]) <= present:
            write.append(decision)
        else:
            bad.add(decision["id"])
            summary.rejected.append(f"{name}: decision {decision['id'][:8]} ({decision['kind']}): a gold annotation "
                                    "it made was rejected")
    gone = [d for d in plan.delete if d["id"] not in bad]  # a rejected newer version leaves the project's
    # a decision written again (a newer one from the file) counts one more than the project's (format 6)
    held = dict(s.exec(select(Decision.id, Decision.version).where(Decision.id.in_([d["id"] for d in write]))).all())
    write = [dict(d, version=held[d["id"]] + 1) if d["id"] in held else d for d in write]
    s.execute(delete(Decision).where(Decision.id.in_([d["id"] for d in gone])))
    kept = [canonical_decision(row.model_dump()) for row in s.exec(select(Decision)).all()]
    orphans = (present & ({g for d in gone for g in d["gold"]} | plan.gold)) - kept_gold([*kept, *write])
    s.execute(delete(Annotation).where(Annotation.id.in_(orphans), Annotation.annotator_id == GOLD_ID))
    insert_decisions(s, write)
    updated = {d["id"] for d in gone}
    summary.decisions_updated += sum(d["id"] in updated for d in write)
    summary.decisions_added += sum(d["id"] not in updated for d in write)
    mine = [d for group in conflicts([*kept, *write]) if any(d["id"] in plan.ids for d in group) for d in group]
    summary.decision_conflicts += conflict_lines(mine, plan.titles, plan.names)
