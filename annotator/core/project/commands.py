"""Undoable edits, Qt-free (glue's ``glue/core/command.py`` pattern).

A command holds everything it needs to do and undo itself against a ``Project``; ``do`` may be
called again after ``undo`` (redo) and gives the same ids, so later commands in a history still
find what they refer to. Undo puts back the rows exactly, ``modified`` timestamps included;
redo is a new edit and stamps the time it happens. The GUI wraps each command in a
``QUndoCommand`` on one ``QUndoStack``; tests drive them directly. ``do`` and ``undo`` are each
one transaction of the project, and each returns the ``Changes`` it made (the window refreshes
from that, never from the command's fields).
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from typing import Any, Protocol

from annotator.core.errors import quoted
from annotator.core.project.changes import Changes
from annotator.core.storage.tables import new_id


class Command(Protocol):
    label: str

    def do(self, project) -> Changes: ...

    def undo(self, project) -> Changes: ...


_ANNOTATION_EDITABLE = ("category_id", "start", "end", "note", "attributes")
_CATEGORY_EDITABLE = ("name", "colour", "description", "shortcut", "parent_id", "attributes", "position")
SCHEMA = Changes(schema=True)  # what a category edit that moves no annotation changes


def _annotation_changes(ids: list[str], rows: Iterable[Mapping[str, Any]] | None) -> Changes:
    """The annotations ``ids`` and the documents their rows sit in."""
    return Changes.of(ids, (row["document_id"] for row in rows or () if "document_id" in row))


Coder = str | tuple[str, str]  # the acting coder: an id, or (id, name) to add them first if new


def _acting(project, by: Coder) -> str:
    """The acting coder's id; with ``(id, name)`` their row is added first if the project does not
    hold it yet (the app makes a coder's row with their first edit)."""
    if isinstance(by, str):
        return by
    if by[0] not in {a.id for a in project.annotators()}:
        project.add_annotator(by[1], id=by[0])
    return by[0]


class AddAnnotations:
    """Add one or more annotations (e.g. a new span, or "annotate all matches"). ``annotator``:
    ``(id, name)`` of the coder, added first if the project does not hold it yet (the app makes a
    coder's row with their first annotation, so that edit is the one that waits and is retried)."""

    def __init__(self, items: Iterable[Mapping[str, Any]], label: str | None = None,
                 annotator: tuple[str, str] | None = None) -> None:
        self.annotator = annotator
        self.items = [dict(item, id=item.get("id") or new_id()) for item in items]
        self.ids = [item["id"] for item in self.items]
        n = len(self.items)
        self.label = label or ("Add annotation" if n == 1 else f"Add {n} annotations")
        self._rows: list[dict[str, Any]] | None = None  # exact rows, kept by undo for redo

    def do(self, project) -> Changes:
        if self.annotator:
            _acting(project, self.annotator)
        if self._rows:
            project.add_annotations(copy.deepcopy(self._rows), restore=True)
        else:
            project.add_annotations(copy.deepcopy(self.items))
        return _annotation_changes(self.ids, self.items)

    def undo(self, project) -> Changes:
        # Undoing an add takes back what it made: each annotation is deleted as its own coder's.
        self._rows = []
        for coder in dict.fromkeys(item["annotator_id"] for item in self.items):
            self._rows += project.delete_annotations([item["id"] for item in self.items
                                                      if item["annotator_id"] == coder], by=coder)
        return _annotation_changes(self.ids, self._rows)


class DeleteAnnotations:
    """Delete annotations as coder ``by``; undo restores them with their ids and timestamps."""

    def __init__(self, ids: Iterable[str], label: str | None = None, *, by: Coder) -> None:
        self.by = by
        self.ids = list(ids)
        n = len(self.ids)
        self.label = label or ("Delete annotation" if n == 1 else f"Delete {n} annotations")
        self._rows: list[dict[str, Any]] = []

    def do(self, project) -> Changes:
        self._rows = project.delete_annotations(self.ids, by=_acting(project, self.by))
        return _annotation_changes(self.ids, self._rows)

    def undo(self, project) -> Changes:
        project.add_annotations(copy.deepcopy(self._rows), restore=True)
        return _annotation_changes(self.ids, self._rows)


class UpdateAnnotations:
    """Change category, span, note or attribute values of annotations, as coder ``by`` (who is
    recorded as their ``modified_by``; undo puts back the one before)."""

    def __init__(self, changes: Mapping[str, Mapping[str, Any]], label: str | None = None, *, by: Coder) -> None:
        self.by = by
        for fields in changes.values():
            unknown = set(fields) - set(_ANNOTATION_EDITABLE)
            if unknown:
                raise ValueError(f"cannot change {sorted(unknown)} of an annotation")
        self.changes = {k: dict(v) for k, v in changes.items()}
        self.label = label or ("Edit annotation" if len(changes) == 1 else f"Edit {len(changes)} annotations")
        self._before: dict[str, dict[str, Any]] = {}

    def do(self, project) -> Changes:
        if not self._before:
            for ann_id in self.changes:
                row = project.annotation(ann_id).model_dump()
                self._before[ann_id] = {k: copy.deepcopy(row[k])
                                        for k in (*_ANNOTATION_EDITABLE, "modified", "modified_by")}
        updated = project.update_annotations([(ann_id, copy.deepcopy(fields))
                                              for ann_id, fields in self.changes.items()], by=_acting(project, self.by))
        return Changes.of(self.changes, (a.document_id for a in updated))

    def undo(self, project) -> Changes:
        updated = project.update_annotations([(ann_id, copy.deepcopy(before))
                                              for ann_id, before in self._before.items()], by=_acting(project, self.by))
        return Changes.of(self._before, (a.document_id for a in updated))


def UpdateAnnotation(annotation_id: str, label: str | None = None, *, by: Coder, **fields: Any) -> UpdateAnnotations:
    """Change one annotation as coder ``by``, e.g. ``UpdateAnnotation(id, by=me, category_id=other)``."""
    names = {"category_id": "Change category", "note": "Edit note", "attributes": "Edit attributes"}
    default = names.get(next(iter(fields)), "Adjust span") if len(fields) == 1 else "Edit annotation"
    return UpdateAnnotations({annotation_id: fields}, label or default, by=by)


class AddCategory:
    """Add a category; undo deletes it (it can have no annotations yet)."""

    def __init__(self, name: str, label: str | None = None, **fields: Any) -> None:
        self.id = fields.pop("id", None) or new_id()
        self.fields = dict(fields, name=name)
        self.label = label or f"Add category {quoted(name)}"
        self._row: dict[str, Any] | None = None

    def do(self, project) -> Changes:
        if self._row is None:
            cat = project.add_category(id=self.id, **self.fields)
            self._row = cat.model_dump()
        else:
            project.restore_category(self._row)
        return SCHEMA

    def undo(self, project) -> Changes:
        project.delete_category(self.id)
        return SCHEMA


class UpdateCategory:
    """Rename, recolour, re-describe, re-shortcut or re-parent a category. ``version``: the
    category's as the caller showed it; undo and redo pass the version this client's own last write
    left (``Project.written_version``), so one over another client's newer change is refused
    (StaleWriteError)."""

    def __init__(self, category_id: str, label: str | None = None, version: int | None = None,
                 **fields: Any) -> None:
        unknown = set(fields) - set(_CATEGORY_EDITABLE)
        if unknown:
            raise ValueError(f"cannot change {sorted(unknown)} of a category")
        self.id = category_id
        self.fields = fields
        names = {"name": "Rename category", "colour": "Recolour category", "parent_id": "Move category"}
        self.label = label or (names.get(next(iter(fields)), "Edit category") if len(fields) == 1 else "Edit category")
        self._before: dict[str, Any] | None = None
        self.version = version

    def do(self, project) -> Changes:
        if self._before is None:
            row = project.category(self.id).model_dump()
            self._before = {k: copy.deepcopy(row[k]) for k in (*self.fields, "modified")}
            if "parent_id" in self.fields:
                self._before["position"] = row["position"]
            project.update_category(self.id, version=self.version, **copy.deepcopy(self.fields))
        else:  # redo
            project.update_category(self.id, version=project.written_version(self.id), **copy.deepcopy(self.fields))
        return SCHEMA

    def undo(self, project) -> Changes:
        project.update_category(self.id, version=project.written_version(self.id), **copy.deepcopy(self._before))
        return SCHEMA


class ReorderCategories:
    """Put sibling categories in a new order."""

    def __init__(self, ordered_ids: list[str], label: str = "Reorder categories") -> None:
        self.ordered_ids = list(ordered_ids)
        self.label = label
        self._old: dict[str, int] = {}

    def do(self, project) -> Changes:
        self._old = project.reorder_categories(self.ordered_ids)
        return SCHEMA

    def undo(self, project) -> Changes:
        project.set_category_positions(self._old)
        return SCHEMA


class _Operation:
    """A command that is one core operation returning a report: ``do`` runs it (``_run``) and keeps
    the report, ``undo`` hands the report to the project's matching restore (``_restore``); both
    return the report's ``changes``."""

    _report = None

    def _run(self, project):
        raise NotImplementedError

    def _restore(self, project, report) -> None:
        raise NotImplementedError

    def do(self, project) -> Changes:
        self._report = self._run(project)
        return self._report.changes

    def undo(self, project) -> Changes:
        self._restore(project, self._report)
        return self._report.changes


class DeleteCategory(_Operation):
    """Delete a category, reassigning or deleting its annotations; undo restores all of it."""

    lift_children = False  # its subcategories move up into its place (DeleteCategoryLiftingChildren)

    def __init__(self, category_id: str, reassign_to: str | None = None, delete_annotations: bool = False,
                 label: str = "Delete category", version: int | None = None) -> None:
        self.id = category_id
        self.reassign_to = reassign_to
        self.delete_annotations = delete_annotations
        self.label = label
        self.version = version  # the one the coder saw; checked on the first do (undo restores it anew)

    def _run(self, project):
        report = project.delete_category(self.id, self.reassign_to, self.delete_annotations,
                                         lift_children=self.lift_children, version=self.version)
        self.version = None
        return report

    def _restore(self, project, report) -> None:
        project.restore_deleted_category(report)


class MergeCategory(_Operation):
    """Merge one category into another: its annotations and subcategories move to the target
    and it is deleted (``Project.merge_category``); undo puts everything back exactly.

    The label is "Merge A into B"; without ``label`` it is set from the names on the first ``do``
    (which the GUI runs before it puts the command on its stack)."""

    def __init__(self, source_id: str, target_id: str, label: str | None = None, version: int | None = None) -> None:
        self.source_id = source_id
        self.target_id = target_id
        self.label = label or "Merge category"
        self._fixed_label = label is not None
        self.version = version  # the source's, as the coder saw it; checked on the first do

    def _run(self, project):
        merged = project.merge_category(self.source_id, self.target_id, version=self.version)
        self.version = None
        if not self._fixed_label:
            self.label = f"Merge {merged.source_name} into {merged.target_name}"
            self._fixed_label = True
        return merged

    def _restore(self, project, report) -> None:
        project.restore_merged_category(report)



class RenameAnnotator(_Operation):
    """Rename a coder (``Project.rename_annotator``: a project-level edit, the same name rule as a
    new coder); undo gives the old name back."""

    def __init__(self, annotator_id: str, name: str, label: str = "Rename coder", by: str | None = None) -> None:
        self.id = annotator_id
        self.name = name
        self.label = label
        self.by = by  # the acting coder (once the project has a lead, only the lead renames others)

    def _run(self, project):
        return project.rename_annotator(self.id, self.name, by=self.by)

    def _restore(self, project, report) -> None:
        project.rename_annotator(self.id, report.old_name, by=self.by)


class DeleteDocuments:
    """Delete documents with their annotations; undo restores documents, positions and
    annotations exactly (ids and timestamps included)."""

    def __init__(self, ids: Iterable[str], label: str | None = None) -> None:
        self.ids = list(ids)
        n = len(self.ids)
        self.label = label or ("Delete document" if n == 1 else f"Delete {n} documents")
        self._deleted = None

    def do(self, project) -> Changes:
        self._deleted = project.delete_documents(self.ids)
        return Changes.of(documents=self.ids, corpus=True)

    def undo(self, project) -> Changes:
        project.restore_documents(self._deleted)
        return Changes.of(documents=self.ids, corpus=True)


class SetDocumentStatus:
    """Set a coder's status for a document; undo puts back the row as it was (its time included).
    ``name``: the coder's name, to add their row first when the project does not hold it yet (a
    coder may mark a document before their first annotation)."""

    def __init__(self, document_id: str, annotator_id: str, status: str, label: str | None = None,
                 name: str | None = None) -> None:
        self.document_id, self.annotator_id, self.status, self.name = document_id, annotator_id, status, name
        self.label = label or f"Mark document {status}"
        self._before = None

    def do(self, project) -> Changes:
        if self.name and self.annotator_id not in {a.id for a in project.annotators()}:
            project.add_annotator(self.name, id=self.annotator_id)
        self._before = project.document_status_row(self.document_id, self.annotator_id)
        return project.set_document_status(self.document_id, self.annotator_id, self.status)

    def undo(self, project) -> Changes:
        return project.restore_document_status(self.document_id, self.annotator_id, self._before)


# -- schema composites: one core operation each (one transaction, one undo step) --------------


class MoveCategory(_Operation):
    """Put a category under ``parent_id`` (None: the top level) at ``index`` among its new siblings
    (``Project.move_category``, which also reorders them); undo puts parent, order and ``modified``
    back exactly."""

    def __init__(self, category_id: str, parent_id: str | None, index: int, label: str = "Move category",
                 version: int | None = None) -> None:
        self.id = category_id
        self.parent_id = parent_id
        self.index = index
        self.label = label
        self.version = version  # the one the coder saw; checked on the first do

    def _run(self, project):
        report = project.move_category(self.id, self.parent_id, self.index, version=self.version)
        self.version = None
        return report

    def _restore(self, project, report) -> None:
        project.restore_moved_category(report)


class DeleteCategoryLiftingChildren(DeleteCategory):
    """``DeleteCategory`` for a category with subcategories: they move up one level into its place
    (``Project.delete_category(..., lift_children=True)``), in the same transaction and undo step."""

    lift_children = True


# -- adjudication: the gold layer and its decisions (core/project/gold.py) ---------------------


class _DecisionCommand:
    """A decision operation as one undo step: the first ``do`` runs it, undo and redo put the rows
    back exactly (``Project.undo_decision``/``redo_decision``), so redo gives the same ids; either
    is refused (StaleWriteError) when another client changed those decisions since. The first
    ``do`` takes what the caller saw: ``seen`` (Decide), ``version`` (EditGold, SetDecisionReason),
    ``versions`` (Reopen)."""

    label = "Decide"

    def __init__(self, by: Coder) -> None:
        self.by = by
        self.change = None

    def _run(self, project, by: str):
        raise NotImplementedError

    def do(self, project) -> Changes:
        if self.change is None:
            self.change = self._run(project, _acting(project, self.by))
            return self.change.changes
        return project.redo_decision(self.change)

    def undo(self, project) -> Changes:
        return project.undo_decision(self.change)


class Decide(_DecisionCommand):
    """Decide a unit (``Project.decide``): accept, merge, create gold spans or reject."""

    def __init__(self, document_id: str, label: str | None = None, *, by: Coder, **fields: Any) -> None:
        super().__init__(by)
        self.document_id, self.fields = document_id, fields
        self.label = label or {"rejected": "Reject unit", "created": "Add gold span",
                               "merged": "Merge spans"}.get(fields.get("kind"), "Accept")

    def _run(self, project, by: str):
        return project.decide(self.document_id, by=by, **copy.deepcopy(self.fields))


class EditGold(_DecisionCommand):
    """Change a gold span's edges, category, note or attributes (``Project.edit_gold``)."""

    def __init__(self, annotation_id: str, label: str | None = None, *, by: Coder, version: int | None = None,
                 **fields: Any) -> None:
        super().__init__(by)
        self.annotation_id, self.fields, self.version = annotation_id, fields, version
        self.label = label or ("Change gold category" if set(fields) == {"category_id"} else "Adjust gold span")

    def _run(self, project, by: str):
        return project.edit_gold(self.annotation_id, by=by, version=self.version, **copy.deepcopy(self.fields))


class SetDecisionReason(_DecisionCommand):
    """Give a decision its reason (``Project.set_decision_reason``)."""

    label = "Give a reason"

    def __init__(self, decision_id: str, reason: str, *, by: Coder, version: int | None = None) -> None:
        super().__init__(by)
        self.decision_id, self.reason, self.version = decision_id, reason, version

    def _run(self, project, by: str):
        return project.set_decision_reason(self.decision_id, self.reason, by=by, version=self.version)


class Reopen(_DecisionCommand):
    """Remove decisions and their gold spans (``Project.reopen``): the units are open again."""

    label = "Reopen unit"

    def __init__(self, decision_ids: Iterable[str], *, by: Coder, versions: dict[str, int] | None = None) -> None:
        super().__init__(by)
        self.decision_ids, self.versions = list(decision_ids), versions

    def _run(self, project, by: str):
        return project.reopen(self.decision_ids, by=by, versions=self.versions)
