"""Category operations of ``Project`` (a mixin; see project.py for the transaction rules)."""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, update
from sqlmodel import Session, select

from annotator.core.errors import NotFoundError, ValidationError, quoted
from annotator.core.project.changes import Changes
from annotator.core.project.versions import expect, stale
from annotator.core.schema import rules as schema
from annotator.core.storage.engine_sql import code_point_order
from annotator.core.storage.tables import Annotation, Category, new_id, now
from annotator.core.text import check_id, check_integer, check_timestamp

_UNSET: Any = object()


@dataclass(frozen=True)
class CategoryDeletionReport:
    """What ``delete_category`` removed, enough to put it all back (undo)."""

    category: Category
    reassigned_to: str | None = None
    reassigned: list[tuple[str, str]] = field(default_factory=list)  # (annotation id, old modified)
    deleted_annotations: list[dict[str, Any]] = field(default_factory=list)
    values_before: dict[str, dict[str, Any]] = field(default_factory=dict)  # reassigned ones whose values were cut
    documents: frozenset[str] = frozenset()  # the documents of the annotations reassigned or deleted
    # Subcategories moved up a level (delete_category with lift_children): (id, old position, old modified).
    lifted: list[tuple[str, int, str]] = field(default_factory=list)
    positions_before: dict[str, int] = field(default_factory=dict)  # the siblings renumbered around the lifted ones

    @property
    def changes(self) -> Changes:
        ids = [ann_id for ann_id, _ in self.reassigned] + [row["id"] for row in self.deleted_annotations]
        return Changes.of(annotations=ids, documents=self.documents, schema=True)


@dataclass(frozen=True)
class CategoryMergeReport:
    """What ``merge_category`` did, enough to undo it."""

    source_name: str
    target_name: str
    target_id: str
    deleted: CategoryDeletionReport  # the source, with its annotations reassigned to the target
    children: list[tuple[str, int, str]] = field(default_factory=list)  # (id, old position, old modified)

    @property
    def changes(self) -> Changes:
        return self.deleted.changes


@dataclass(frozen=True)
class CategoryMoveReport:
    """What ``move_category`` did, enough to undo it."""

    category_id: str
    parent_before: str | None
    modified_before: str
    positions_before: dict[str, int]  # the category's and its new siblings'
    changes: Changes = Changes.of(schema=True)


class CategoriesMixin:
    def categories(self) -> list[Category]:
        """All categories in tree order: each parent followed by its children, by position."""
        with self._tx() as s:
            rows = list(s.exec(select(Category).order_by(*code_point_order(s, Category.position, Category.name))).all())
        children: dict[str | None, list[Category]] = {}
        for row in rows:
            children.setdefault(row.parent_id, []).append(row)
        ordered: list[Category] = []

        def walk(parent: str | None) -> None:
            for row in children.get(parent, []):
                ordered.append(row)
                walk(row.id)

        walk(None)
        return ordered

    def category(self, category_id: str) -> Category:
        """One category; NotFoundError if there is none with this id."""
        with self._tx() as s:
            return _get(s, category_id)

    def add_category(
        self,
        name: str,
        colour: str | None = None,
        description: str = "",
        shortcut: str | None = None,
        parent_id: str | None = None,
        attributes: list[dict[str, Any]] | None = None,
        position: int | None = None,
        id: str | None = None,
    ) -> Category:
        """Add a category under ``parent_id`` (None: top level), last among its siblings unless
        ``position`` is given. Without a colour it gets the first unused palette colour."""
        with self._tx(write=True) as s:
            return insert_category(s, name, colour, description, shortcut, parent_id, attributes, position, id)

    def add_categories_tree(self, nodes: Iterable[dict[str, Any]], parent_id: str | None = None) -> list[Category]:
        """Add nested category dicts (keys as in schema files: id, name, colour, shortcut,
        description, attributes, children) in one transaction."""
        with self._tx(write=True) as s:
            return insert_tree(s, nodes, parent_id)

    def update_category(self, category_id: str, *, name: Any = _UNSET, colour: Any = _UNSET,
                        description: Any = _UNSET, shortcut: Any = _UNSET, parent_id: Any = _UNSET,
                        attributes: Any = _UNSET, position: Any = _UNSET, modified: str | None = None,
                        version: int | None = None) -> Category:
        """Change any of a category's fields; the others stay. Returns the updated category.
        ``version``: the one the caller read (``Category.version``); StaleWriteError, nothing
        written, when another client changed or deleted the category since (versions.py)."""
        with self._tx(write=True) as s:
            cat = _seen(s, category_id, version)
            new_parent = cat.parent_id if parent_id is _UNSET else parent_id
            if parent_id is not _UNSET:
                _check_parent(s, category_id, new_parent)
            if name is not _UNSET or parent_id is not _UNSET:
                cat.name = _unique_name(s, schema.clean_name(cat.name if name is _UNSET else name),
                                        new_parent, category_id)
            if colour is not _UNSET:
                cat.colour = schema.normalise_colour(colour)
            if description is not _UNSET:
                cat.description = schema.clean_description(description)
            if shortcut is not _UNSET:
                cat.shortcut = _unique_shortcut(s, schema.clean_shortcut(shortcut), category_id)
            if attributes is not _UNSET:
                cat.attributes = schema.check_attribute_definitions(attributes)
            if parent_id is not _UNSET:
                cat.parent_id = new_parent
                if position is _UNSET:
                    cat.position = _next_position(s, new_parent)
            if position is not _UNSET:
                cat.position = check_position(position)
            cat.modified = check_timestamp(modified, "a category's modified time") if modified else now()
            s.add(cat)
            return cat

    def rename_category(self, category_id: str, name: str) -> Category:
        """Give a category a new name (unique among its siblings)."""
        return self.update_category(category_id, name=name)

    def recolour_category(self, category_id: str, colour: str) -> Category:
        """Give a category a new colour (``#rrggbb``)."""
        return self.update_category(category_id, colour=colour)

    def reorder_categories(self, ordered_ids: list[str]) -> dict[str, int]:
        """Put sibling categories in this order (positions 0, 1, ...). Returns their old
        positions, by id, for undo."""
        if len(set(ordered_ids)) != len(ordered_ids):
            raise ValidationError("a category is listed twice in the new order")
        with self._tx(write=True) as s:
            cats = [_get(s, cid) for cid in ordered_ids]
            if len({c.parent_id for c in cats}) > 1:
                raise ValidationError("only categories under the same parent can be reordered together")
            old = {c.id: c.position for c in cats}
            for index, cat in enumerate(cats):
                cat.position = index
                s.add(cat)
            return old

    def restore_category(self, row: dict[str, Any]) -> Category:
        """Put back a deleted category exactly as ``model_dump()`` gave it (undo)."""
        with self._tx(write=True) as s:
            return insert_category(s, row["name"], row["colour"], row["description"], row["shortcut"], row["parent_id"],
                        row["attributes"], row["position"], row["id"], row["created"], row["modified"])

    def set_category_positions(self, positions: dict[str, int]) -> None:
        """Set positions directly (undo of ``reorder_categories``)."""
        with self._tx(write=True) as s:
            _set_positions(s, positions)

    def delete_category(self, category_id: str, reassign_to: str | None = None,
                        delete_annotations: bool = False, lift_children: bool = False,
                        version: int | None = None) -> CategoryDeletionReport:
        """Delete a category that has no subcategories, or (``lift_children``) one whose
        subcategories move up one level into its place among its siblings (in their order; refused
        if a name is taken there).

        If annotations use it, the call is refused unless ``reassign_to`` names another category
        (they move there, keeping the attribute values that category defines and that fit it) or
        ``delete_annotations`` is true (they are deleted), all in this one transaction. Returns
        what was removed, for undo (``restore_deleted_category``). ``version``: the one the caller
        read, as for ``update_category``: a category another client changed since is not deleted.
        """
        with self._tx(write=True) as s:
            _seen(s, category_id, version)
            if lift_children:
                return _delete_lifting(s, category_id, reassign_to, delete_annotations)
            return _delete(s, category_id, reassign_to, delete_annotations)

    def restore_deleted_category(self, deleted: CategoryDeletionReport) -> None:
        """Undo ``delete_category`` exactly, in one transaction: the category, its reassigned
        annotations (category, attribute values and ``modified``) or its deleted ones."""
        with self._tx(write=True) as s:
            _restore(s, deleted)

    def merge_category(self, source_id: str, target_id: str, version: int | None = None) -> CategoryMergeReport:
        """Merge the category ``source_id`` into ``target_id``, in one transaction.

        The source's annotations move to the target (keeping the attribute values the target
        defines and that fit it; the others are dropped), its subcategories move under the target
        (after the target's own, in their order), and the source is deleted. Refused when the
        two are the same, when the target is a subcategory of the source, or when a moved
        subcategory's name is already used under the target. Returns what changed, for undo
        (``restore_merged_category``). ``version``: the source's, as the caller read it (a source
        another client changed since is not merged away).
        """
        with self._tx(write=True) as s:
            source, target = _seen(s, source_id, version), _get(s, target_id)
            if source_id == target_id:
                raise ValidationError(f"cannot merge category {quoted(source.name)} into itself")
            ancestor = target.parent_id
            while ancestor is not None:
                if ancestor == source_id:
                    raise ValidationError(f"cannot merge category {quoted(source.name)} into its own subcategory "
                                          f"{quoted(target.name)}")
                ancestor = _get(s, ancestor).parent_id
            children = _children(s, source_id)
            taken = {c.name.casefold(): c.name for c in s.exec(select(Category).where(Category.parent_id == target_id))}
            for child in children:
                if child.name.casefold() in taken:
                    raise ValidationError(f"cannot merge {quoted(source.name)} into {quoted(target.name)}: both have a "
                                          f"subcategory named {quoted(child.name)}; rename or merge one first")
            moved: list[tuple[str, int, str]] = []
            position = _next_position(s, target_id)
            stamp = now()
            for child in children:
                moved.append((child.id, child.position, child.modified))
                child.parent_id, child.position, child.modified = target_id, position, stamp
                position += 1
                s.add(child)
            s.flush()
            deleted = _delete(s, source_id, target_id, False)
            return CategoryMergeReport(source.name, target.name, target_id, deleted, moved)

    def restore_merged_category(self, merged: CategoryMergeReport) -> None:
        """Undo ``merge_category`` exactly, in one transaction."""
        with self._tx(write=True) as s:
            _restore(s, merged.deleted)
            source_id = merged.deleted.category.id
            for child_id, position, modified in merged.children:
                child = _get(s, child_id)
                child.parent_id, child.position, child.modified = source_id, position, modified
                s.add(child)

    def move_category(self, category_id: str, parent_id: str | None, index: int,
                      version: int | None = None) -> CategoryMoveReport:
        """Put a category under ``parent_id`` (None: the top level) at ``index`` among its new
        siblings (not counting itself; clamped to the ends), in one transaction; the siblings are
        numbered 0, 1, ... in the new order. A new parent is refused as ``update_category`` refuses
        it (the category itself or its subcategory, a name taken there) and stamps ``modified``.
        Returns what changed, for undo (``restore_moved_category``). ``version``: the moved
        category's, as the caller read it (one another client changed or moved since stays put).
        Moves of different categories among the same siblings both take effect."""
        with self._tx(write=True) as s:
            cat = _seen(s, category_id, version)
            before = {"parent_before": cat.parent_id, "modified_before": cat.modified}
            if parent_id != cat.parent_id:
                _check_parent(s, category_id, parent_id)
                _unique_name(s, cat.name, parent_id, category_id)
                cat.parent_id, cat.modified = parent_id, now()
                s.add(cat)
            siblings = [c for c in _children(s, parent_id) if c.id != category_id]
            index = max(0, min(check_integer(index, "a position among siblings", *POSITIONS), len(siblings)))
            positions = {c.id: c.position for c in (cat, *siblings)}
            _renumber(s, [*siblings[:index], cat, *siblings[index:]])
            return CategoryMoveReport(category_id, positions_before=positions, **before)

    def restore_moved_category(self, moved: CategoryMoveReport) -> None:
        """Undo ``move_category`` exactly, in one transaction."""
        with self._tx(write=True) as s:
            cat = _get(s, moved.category_id)
            cat.parent_id, cat.modified = moved.parent_before, moved.modified_before
            s.add(cat)
            _set_positions(s, moved.positions_before)


def _delete(s: Session, category_id: str, reassign_to: str | None, delete_annotations: bool) -> CategoryDeletionReport:
    if reassign_to is not None and delete_annotations:
        raise ValidationError("choose either to reassign the annotations or to delete them, not both")
    cat = _get(s, category_id)
    if s.exec(select(Category.id).where(Category.parent_id == category_id)).first():
        raise ValidationError(f"category {quoted(cat.name)} has subcategories; move or delete them first")
    used = s.exec(select(Annotation).where(Annotation.category_id == category_id)).all()
    reassigned: list[tuple[str, str]] = []
    values_before: dict[str, dict[str, Any]] = {}
    deleted: list[dict[str, Any]] = []
    if used and reassign_to is None and not delete_annotations:
        raise ValidationError(
            f"category {quoted(cat.name)} is used by {len(used)} annotation(s); "
            "reassign them to another category or delete them"
        )
    if reassign_to is not None:
        if reassign_to == category_id:
            raise ValidationError("cannot reassign annotations to the category being deleted")
        definitions = _get(s, reassign_to).attributes or []
        reassigned = [(a.id, a.modified) for a in used]
        fitted: dict[str, dict[str, Any]] = {}
        for ann in used:
            if ann.attributes:
                kept = schema.fit_attribute_values(ann.attributes, definitions)
                if kept != ann.attributes:
                    values_before[ann.id] = dict(ann.attributes)
                    fitted[ann.id] = kept
        if reassigned:
            s.exec(update(Annotation).where(Annotation.category_id == category_id)
                   .values(category_id=reassign_to, modified=now()))
        for ann_id, kept in fitted.items():
            s.exec(update(Annotation).where(Annotation.id == ann_id).values(attributes=kept))
    elif delete_annotations:
        deleted = [a.model_dump() for a in used]
        for ann in used:
            s.delete(ann)
        s.flush()
    s.delete(cat)
    s.flush()
    return CategoryDeletionReport(cat, reassign_to, reassigned, deleted, values_before,
                           frozenset(a.document_id for a in used))


def _delete_lifting(s: Session, category_id: str, reassign_to: str | None,
                    delete_annotations: bool) -> CategoryDeletionReport:
    """``_delete`` after moving the subcategories up one level, into the category's place."""
    cat = _get(s, category_id)
    children = _children(s, category_id)
    if not children:
        return _delete(s, category_id, reassign_to, delete_annotations)
    siblings = _children(s, cat.parent_id)
    lifted = []
    stamp = now()
    for child in children:
        _unique_name(s, child.name, cat.parent_id, child.id)
        lifted.append((child.id, child.position, child.modified))
        child.parent_id, child.modified = cat.parent_id, stamp
        s.add(child)
    s.flush()
    deleted = _delete(s, category_id, reassign_to, delete_annotations)
    index = [c.id for c in siblings].index(category_id)
    positions = {c.id: c.position for c in siblings if c.id != category_id}
    _renumber(s, [*siblings[:index], *children, *siblings[index + 1:]])
    return dataclasses.replace(deleted, lifted=lifted, positions_before=positions)


def _restore(s: Session, deleted: CategoryDeletionReport) -> None:
    from annotator.core.project.annotations import insert_annotations

    row = deleted.category.model_dump()
    insert_category(s, row["name"], row["colour"], row["description"], row["shortcut"], row["parent_id"],
                    row["attributes"], row["position"], row["id"], row["created"], row["modified"])
    for ann_id, modified in deleted.reassigned:
        values: dict[str, Any] = {"category_id": row["id"], "modified": modified}
        if ann_id in deleted.values_before:
            values["attributes"] = deleted.values_before[ann_id]
        s.exec(update(Annotation).where(Annotation.id == ann_id).values(**values))
    if deleted.deleted_annotations:
        insert_annotations(s, copy.deepcopy(deleted.deleted_annotations), restore=True)
    for child_id, position, modified in deleted.lifted:
        child = _get(s, child_id)
        child.parent_id, child.position, child.modified = row["id"], position, modified
        s.add(child)
    _set_positions(s, deleted.positions_before)


def _children(s: Session, parent_id: str | None) -> list[Category]:
    """The categories directly under ``parent_id``, in their order."""
    return list(s.exec(select(Category).where(Category.parent_id == parent_id)
                       .order_by(*code_point_order(s, Category.position, Category.name))).all())


def _renumber(s: Session, ordered: list[Category]) -> None:
    """Give sibling categories the positions 0, 1, ... in this order."""
    _set_positions(s, {cat.id: index for index, cat in enumerate(ordered)})


def _set_positions(s: Session, positions: dict[str, int]) -> None:
    for category_id, position in positions.items():
        cat = _get(s, category_id)
        cat.position = position
        s.add(cat)
    s.flush()


def _seen(s: Session, category_id: str, version: int | None) -> Category:
    """The category, refused (StaleWriteError) when the caller read another ``version`` of it, or
    it was deleted since (versions.py); ``version`` None: no check."""
    if version is not None and s.get(Category, category_id) is None:
        raise stale("the category", None, version)
    cat = _get(s, category_id)
    expect(cat, version, f"the category {quoted(cat.name)}")
    return cat


def _get(s: Session, category_id: str) -> Category:
    cat = s.get(Category, category_id)
    if cat is None:
        raise NotFoundError(f"no category with id {category_id}")
    return cat


def insert_tree(s: Session, nodes: Iterable[dict[str, Any]], parent_id: str | None = None) -> list[Category]:
    """``add_categories_tree`` inside an open session; returns the categories added, parents first."""
    added: list[Category] = []

    def walk(items: Iterable[dict[str, Any]], parent: str | None) -> None:
        for node in items:
            cat = insert_category(s, node.get("name", ""), node.get("colour"), node.get("description", ""),
                                  node.get("shortcut"), parent, node.get("attributes"), None, node.get("id"))
            added.append(cat)
            walk(node.get("children", []), cat.id)

    walk(nodes, parent_id)
    return added


def insert_category(s: Session, name, colour, description, shortcut, parent_id, attributes, position, id,
                    created: str | None = None, modified: str | None = None) -> Category:
    """``add_category`` inside an open session (for operations made of several steps)."""
    if id is not None:
        check_id(id, "a category's id")
    for stamp, what in ((created, "created"), (modified, "modified")):
        if stamp:
            check_timestamp(stamp, f"a category's {what} time")
    if id is not None and s.get(Category, id) is not None:
        raise ValidationError(f"a category with id {id} already exists")
    if parent_id is not None:
        _get(s, parent_id)
    if colour is None:
        colour = schema.next_colour(set(s.exec(select(Category.colour)).all()))
    cat_id = id or new_id()
    stamp = now()
    cat = Category(
        id=cat_id,
        name=_unique_name(s, schema.clean_name(name), parent_id, None),
        colour=schema.normalise_colour(colour),
        description=schema.clean_description(description),
        shortcut=_unique_shortcut(s, schema.clean_shortcut(shortcut), None),
        parent_id=parent_id,
        position=_next_position(s, parent_id) if position is None else check_position(position),
        attributes=schema.check_attribute_definitions(attributes),
        created=created or stamp,
        modified=modified or created or stamp,
    )
    s.add(cat)
    s.flush()
    return cat


POSITIONS = (-(2**31), 2**31 - 1)  # the range a category's position may take


def check_position(value: Any) -> int:
    return check_integer(value, "a category's position", *POSITIONS)


def _next_position(s: Session, parent_id: str | None) -> int:
    top = s.exec(select(func.max(Category.position)).where(Category.parent_id == parent_id)).one()
    return 0 if top is None else top + 1


def _unique_name(s: Session, name: str, parent_id: str | None, own_id: str | None) -> str:
    siblings = s.exec(select(Category).where(Category.parent_id == parent_id)).all()
    for other in siblings:
        if other.id != own_id and other.name.casefold() == name.casefold():
            where = "at the top level" if parent_id is None else "under the same parent"
            raise ValidationError(f"a category named {quoted(other.name)} already exists {where}")
    return name


def _unique_shortcut(s: Session, shortcut: str | None, own_id: str | None) -> str | None:
    if shortcut is None:
        return None
    for other in s.exec(select(Category).where(Category.shortcut.is_not(None))).all():
        if other.id != own_id and other.shortcut.casefold() == shortcut.casefold():
            raise ValidationError(f"shortcut {quoted(shortcut)} is already used by category {quoted(other.name)}")
    return shortcut


def _check_parent(s: Session, category_id: str, parent_id: str | None) -> None:
    ancestor = parent_id
    while ancestor is not None:
        if ancestor == category_id:
            raise ValidationError("a category cannot be placed under itself or its own subcategory")
        ancestor = _get(s, ancestor).parent_id
