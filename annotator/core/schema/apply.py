"""Import a schema into a project: ``import_schema`` reads and checks the whole file first
(annotator.core.schema.files), then merges it into the project in one transaction, committed after
a backup of the state before (none when nothing changes):

- each category of the file is matched to a project category by id, then by name (ignoring case)
  under the same (matched) parent; a project category is matched at most once;
- a matched category takes the file's colour, description, shortcut and attribute definitions,
  where the file holds them (a .qdc holds no shortcuts or attributes; a missing ``<Description>``
  or ``color`` keeps the project's). Matched by id, it also takes the file's name. Its place in
  the tree (parent, order) stays the project's;
- an unmatched category is added under its (matched) parent, after the existing siblings, with
  the file's id when the project does not use it yet;
- a shortcut the project already gives to a category the file does not re-assign is not taken:
  the category keeps its old shortcut (or none) and a note says so.

Nothing is ever deleted or duplicated, and importing the same file twice changes nothing. See
docs/schema-format.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlmodel import Session, select

from annotator.core.errors import AnnotatorError, SchemaFileError, ValidationError, quoted
from annotator.core.project.changes import NOTHING, Changes
from annotator.core.schema import rules as schema
from annotator.core.schema.files import read_schema
from annotator.core.storage.tables import Category, new_id, now

if TYPE_CHECKING:
    from annotator.core.project.project import Project


@dataclass
class SchemaImportReport:
    """What a schema import did: category names (with their parents, "A / B") per outcome."""

    file: Path
    backup: Path | None = None
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    changes: Changes = NOTHING  # the schema, when a category was added or updated
    source: str = ""  # what was read, when the file is not a schema file: "the codebook of the REFI-QDA project …"

    def lines(self) -> list[str]:
        """The summary as text, one line each."""
        return ([f"read {self.source}"] if self.source else []) + [
            f"categories: {len(self.added)} added, {len(self.updated)} updated, {len(self.unchanged)} unchanged"]


def import_schema(project: Project, path: str | Path) -> SchemaImportReport:
    """Merge a schema file into ``project``; see the module docstring. SchemaFileError (the
    project unchanged) when the file is not a valid schema or cannot be merged."""
    path = Path(path)
    data = read_schema(path)
    summary = SchemaImportReport(file=path, source=data.get("source", ""))
    with project.transaction(backup="before-schema-import") as tx:
        try:
            merge_categories(tx.session, data["categories"], summary)
        except AnnotatorError as exc:
            raise SchemaFileError(f"{path}: {exc}") from exc
    summary.backup = tx.backup
    summary.changes = Changes(schema=bool(summary.added or summary.updated))
    return summary



def merge_categories(s: Session, nodes: list[dict[str, Any]], summary: SchemaImportReport,
                     ids: dict[str, str] | None = None) -> None:
    """Merge checked category nodes (``read_schema``'s) into the project in the open session ``s``,
    as the module docstring says; ``ids``, when given, gets each node's id mapped to the project
    category it became (a REFI-QDA import follows its codings' CodeRefs through it)."""
    # Everything is looked up in memory: a file of 10,000 categories must not cost 10,000 queries
    # over the whole table (the nodes were checked by _Checker already).
    local = {c.id: c for c in s.exec(select(Category)).all()}
    by_place = {(c.parent_id, c.name.casefold()): c for c in local.values()}
    next_position: dict[str | None, int] = {}
    for c in local.values():
        next_position[c.parent_id] = max(next_position.get(c.parent_id, 0), c.position + 1)
    colours = {c.colour for c in local.values()}
    matched: set[str] = set()
    matched_labels: list[tuple[str, str]] = []  # (label, category id), in file order
    shortcuts: list[tuple[Category, str | None, str, bool]] = []  # (category, wanted, label, added)
    changed: dict[str, bool] = {}
    stamp = now()

    def walk(items: list[dict[str, Any]], parent: str | None, path: str) -> None:
        for node in items:
            label = f"{path}{node['name']}"
            place = (parent, node["name"].casefold())
            cat = local.get(node.get("id")) if node.get("id") not in matched else None
            by_id = cat is not None
            if cat is None and place in by_place and by_place[place].id not in matched:
                cat = by_place[place]
            if cat is None:
                if place in by_place:  # already matched by id to another node of the file
                    raise ValidationError(f"category {quoted(label)} would be a second category of that name there")
                colour = node.get("colour") or schema.next_colour(colours)
                cat = Category(id=node["id"] if node.get("id") and node["id"] not in local else new_id(),
                               name=node["name"], colour=colour, description=node.get("description", ""),
                               shortcut=None, parent_id=parent, position=next_position.get(parent, 0),
                               attributes=node.get("attributes", []), created=stamp, modified=stamp)
                s.add(cat)
                local[cat.id], by_place[place] = cat, cat
                next_position[parent] = cat.position + 1
                colours.add(colour)
                summary.added.append(label)
                if node.get("shortcut"):
                    shortcuts.append((cat, node["shortcut"], label, True))
            else:
                changes = {}
                if by_id and node["name"] != cat.name:
                    changes["name"] = node["name"]
                for key in ("colour", "description", "attributes"):
                    if key in node and node[key] != getattr(cat, key):
                        changes[key] = node[key]
                if "shortcut" in node and node["shortcut"] != cat.shortcut:
                    shortcuts.append((cat, node["shortcut"], label, False))
                if "name" in changes:
                    new_place = (cat.parent_id, changes["name"].casefold())
                    if by_place.get(new_place, cat) is not cat:
                        raise ValidationError(f"category {quoted(cat.name)} is renamed {quoted(changes['name'])} "
                                              "in the file, but the project has another category of that name")
                    del by_place[(cat.parent_id, cat.name.casefold())]
                    by_place[new_place] = cat
                for key, value in changes.items():
                    setattr(cat, key, value)
                if "colour" in changes:
                    colours.add(changes["colour"])
                changed[cat.id] = bool(changes)
                matched_labels.append((label, cat.id))
            matched.add(cat.id)
            if ids is not None and node.get("id"):
                ids[node["id"]] = cat.id
            walk(node.get("children", []), cat.id, f"{label} / ")

    walk(nodes, None, "")
    s.flush()
    # Shortcuts last, so that a file may swap keys between categories: free the ones that
    # change, then give each wanted key to its category unless another category holds it.
    old = {cat.id: cat.shortcut for cat, *_ in shortcuts}
    for cat, *_ in shortcuts:
        cat.shortcut = None
    holders = {c.shortcut.casefold(): c for c in local.values() if c.shortcut is not None}
    for cat, wanted, label, added in shortcuts:
        holder = holders.get(wanted.casefold()) if wanted is not None else None
        if holder is None:
            cat.shortcut = wanted
        else:
            keep = old[cat.id] if old[cat.id] is not None and old[cat.id].casefold() not in holders else None
            cat.shortcut = keep
            kept = f"keeps {quoted(keep)}" if keep else "has no shortcut"
            summary.notes.append(f"category {quoted(label)}: shortcut {quoted(wanted)} is used by "
                                 f"{quoted(holder.name)}; "
                                 f"{'added without a shortcut' if added else kept}")
        if cat.shortcut is not None:
            holders[cat.shortcut.casefold()] = cat
        if not added and cat.shortcut != old[cat.id]:
            changed[cat.id] = True
    for cat_id, was_changed in changed.items():
        if was_changed:
            local[cat_id].modified = stamp
    for cat in local.values():
        s.add(cat)
    s.flush()
    for label, cat_id in matched_labels:
        (summary.updated if changed[cat_id] else summary.unchanged).append(label)
