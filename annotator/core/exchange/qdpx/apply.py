"""Importing a REFI-QDA project (.qdpx) into a project (``annotator import PROJECT study.qdpx``,
File → Import Documents…). See docs/refi-qda.md, "Import".

The whole package is read and checked first (``package``, ``read``): a hostile or broken one is
refused with one QdpxError and nothing changes. Then one transaction, committed after a backup
of the state before (none when nothing changes):

- the codebook is merged as ``schema import`` merges a .qdc (``schema.apply.merge_categories``);
- users become coders: matched by id (the user's GUID), then by name (ignoring case), else added;
- each text source (``plainTextPath`` inside the zip, or ``PlainTextContent``) is decoded as a text
  file is (``documents.decoding.decode_bytes``) and becomes a document (one of the same text
  already in the project is matched instead); PDF, image, audio and video sources are skipped and
  counted;
- each coding of a text selection becomes an annotation (its id the coding's GUID), with the
  selection's Description and linked Notes as its note. Positions are converted to code points
  over the normalised text under the rule ``rules.choose_rule`` picks for the source; a coding
  that cannot be placed, or whose code is not in the codebook, is refused with its reason and the
  others import. A coding the project already holds (same id) is skipped.
"""

from __future__ import annotations

import gc
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path

from sqlmodel import select

from annotator.core.documents.decoding import decode_bytes
from annotator.core.errors import AnnotatorError, QdpxError, ReadError, ValidationError, quoted
from annotator.core.exchange.qdpx.package import open_package
from annotator.core.exchange.qdpx.read import QdeProject, Selection, Source, guid_key, read_qde
from annotator.core.exchange.qdpx.rules import Choice, choose_rule, describe, origin_rule
from annotator.core.project.annotations import insert_annotations
from annotator.core.project.bulk import existing_ids
from annotator.core.project.changes import NOTHING, Changes
from annotator.core.project.coders import name_key
from annotator.core.project.project import NewDocument, Project, insert_documents
from annotator.core.schema.apply import SchemaImportReport, merge_categories
from annotator.core.storage.tables import GOLD_ID, GOLD_NAME, Annotation, Annotator, Document, new_id
from annotator.core.text import CONTROL_CHARACTERS, LIMITS, normalise

Progress = Callable[[int, int, str], None]


@dataclass
class QdpxImportReport:
    """What a .qdpx import did; every list holds one plain sentence per item."""

    file: Path
    project: str = ""  # the REFI-QDA project's name
    origin: str = ""
    backup: Path | None = None
    documents_added: int = 0
    documents_matched: int = 0
    schema: SchemaImportReport | None = None
    coders_added: int = 0
    coders_matched: int = 0
    codings_imported: int = 0
    codings_converted: int = 0  # imported at offsets other than the file's positions
    codings_present: int = 0  # already in the project (same id)
    rules: dict[str, int] = field(default_factory=dict)  # the rule used -> how many sources
    skipped: dict[str, int] = field(default_factory=dict)  # "PDF" -> sources skipped
    skipped_codings: int = 0  # on the skipped sources
    refused: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    changes: Changes = NOTHING

    def lines(self) -> list[str]:
        """The summary as text, one line each."""
        schema = self.schema
        kinds = sorted(self.skipped, key=str.casefold)
        skipped = ", ".join(f"{self.skipped[kind]} {kind} source(s)" for kind in kinds) or "none"
        return [
            f"read {self.file.name}: the REFI-QDA project {quoted(self.project)}"
            + (f" written by {self.origin}" if self.origin else ""),
            f"documents: {self.documents_added} imported, {self.documents_matched} already in the project",
            f"codes: {len(schema.added)} added, {len(schema.updated)} updated, {len(schema.unchanged)} unchanged"
            if schema else "codes: none",
            f"coders: {self.coders_added} added, {self.coders_matched} matched",
            f"codings: {self.codings_imported} imported ({self.codings_converted} converted), {self.codings_present} "
            f"already in the project, {len(self.refused)} refused",
            f"skipped (not text): {skipped}"
            + (f" with {self.skipped_codings} coding(s)" if self.skipped_codings else ""),
            *(f"positions: {rule}: {n} source(s)" for rule, n in self.rules.items()),
        ]


@dataclass
class _Text:
    """One text source, read: its raw text (BOM and line ends as in its file) and where it came from."""

    source: Source
    raw: str
    where: str  # the member, or "PlainTextContent"


def import_qdpx(project: Project, path: str | Path, progress: Progress | None = None) -> QdpxImportReport:
    """Import the REFI-QDA project at ``path`` into ``project``; see the module docstring."""
    collecting = gc.isenabled()
    gc.disable()  # 100,000s of small objects (elements, selections, rows): cyclic collections took 3/4 of the time
    try:
        return _import(project, Path(path), progress)
    finally:
        if collecting:
            gc.enable()


def _import(project: Project, path: Path, progress: Progress | None) -> QdpxImportReport:
    if progress:
        progress(0, 0, f"Reading {path.name}…")
    qde, texts, notes = _read(path)
    report = QdpxImportReport(path, qde.name, qde.origin)
    report.skipped, report.skipped_codings = dict(qde.skipped), qde.skipped_codings
    if progress:
        progress(0, 0, "Importing…")
    with project.transaction(backup="before-qdpx-import") as tx:
        s = tx.session
        report.schema = SchemaImportReport(file=path)
        codes: dict[str, str] = {}
        try:
            merge_categories(s, qde.codebook, report.schema, codes)
        except AnnotatorError as exc:
            raise QdpxError(f"{path}: the codebook: {exc}") from exc
        codes = {guid_key(key): value for key, value in codes.items()}
        coders = _coders(s, qde, path, report)
        texts = [text for text in texts if _has_text(text, report)]
        rows, seen = [], set()
        for text, document_id in zip(texts, _documents(s, texts, path, report)):
            rows += _codings(text, document_id, qde, codes, coders, notes, report, seen)
        present = existing_ids(s, Annotation, {row["id"] for row in rows})
        fresh = [row for row in rows if row["id"] not in present]
        report.codings_present = len(rows) - len(fresh)
        report.codings_converted = sum(row["converted"] for row in fresh)
        for row in rows:
            del row["converted"]
        insert_annotations(s, fresh)
        report.codings_imported = len(fresh)
    report.backup = tx.backup
    wrote = report.documents_added or report.coders_added or report.codings_imported or (
        report.schema.added or report.schema.updated)
    report.changes = Changes(schema=bool(report.schema.added or report.schema.updated), corpus=bool(wrote))
    return report


def _read(path: Path) -> tuple[QdeProject, list[_Text], dict[str, str]]:
    """Everything the import needs from the package, checked, before the project is touched."""
    with open_package(path) as package:
        qde = read_qde(package.qde(), f"{path} ({package.qde_name})")
        texts = []
        for source in qde.sources:
            what = f"the source {quoted(source.name or source.guid)}"
            if source.path:
                member = package.source_member(source.path, f"{what}'s plainTextPath")
                texts.append(_Text(source, _decoded(package.read(member), path, member), member))
            elif source.content is not None:
                texts.append(_Text(source, source.content, "PlainTextContent"))
            else:
                raise QdpxError(f"{path}: {what} has neither a plainTextPath nor a "
                                "PlainTextContent")
        notes = {}
        for note in qde.notes.values():
            if note.content is not None:
                notes[note.guid] = note.content
            elif note.path:
                member = package.source_member(note.path, f"the note {note.guid}'s plainTextPath")
                notes[note.guid] = _decoded(package.read(member), path, member)
    return qde, texts, notes


def _decoded(data: bytes, path: Path, member: str) -> str:
    """A source's text as Annotator decodes a text file, with the BOM kept (a rule may count it)."""
    try:
        text, encoding = decode_bytes(data) if data else ("", "utf-8")
    except ReadError as exc:
        raise QdpxError(f"{path}: its {member}: {exc}") from None
    return "\ufeff" + text if encoding.endswith("(BOM)") else text


def _coders(s, qde: QdeProject, path: Path, report: QdpxImportReport) -> dict[str, str]:
    """Each user's GUID -> the coder's id: the coder of that id, else of that name, else a new one."""
    held = {a.id: a.name for a in s.exec(select(Annotator).where(Annotator.id != GOLD_ID)).all()}
    taken = set(held) | {GOLD_ID}
    by_name = {}
    for coder_id, name in held.items():
        by_name.setdefault(name_key(name), coder_id)
    users = dict(qde.users)
    anonymous = False  # a coding without a creatingUser (on it or its selection)
    for text in qde.sources:  # users named by a selection or coding but not listed
        for selection in text.selections:
            for coding in selection.codings:
                anonymous = anonymous or not (coding.user or selection.user)
                for guid in (coding.user, selection.user):
                    if guid:
                        users.setdefault(guid, "")
    fallback = qde.creator or "refi-qda-import"  # whose those codings become: the project's creator
    if anonymous:
        users.setdefault(fallback, "" if qde.creator else f"{path.stem} (REFI-QDA)")
    out: dict[str, str] = {}
    for guid, name in users.items():
        name = CONTROL_CHARACTERS.sub("", " ".join(name.split()))[:LIMITS["name"]] or f"user {guid[:8]}"
        if name_key(name) == name_key(GOLD_NAME):
            name += " (REFI-QDA)"
        if guid in held:
            out[guid] = guid
        elif name_key(name) in by_name:
            out[guid] = by_name[name_key(name)]
        else:
            coder_id = guid if _usable_id(guid) and guid not in taken else new_id()
            taken.add(coder_id)
            s.add(Annotator(id=coder_id, name=name))
            out[guid] = coder_id
            held[coder_id] = name
            by_name[name_key(name)] = coder_id
            report.coders_added += 1
            continue
        report.coders_matched += 1
    out[""] = out.get(fallback, "")
    s.flush()
    return out


def _has_text(text: _Text, report: QdpxImportReport) -> bool:
    """False (noted, and its codings refused) for a source without text."""
    if normalise(text.raw).strip():
        return True
    label = quoted(text.source.name or text.source.guid)
    report.notes.append(f"source {label}: no text; not imported")
    report.refused += [f"{_where(label, sel)}: its source has no text" for sel in text.source.selections
                       for _ in sel.codings]
    return False


def _documents(s, texts: list[_Text], path: Path, report: QdpxImportReport) -> list[str]:
    """The document of each text source, added (its id the source's GUID where free) or matched by
    its text, in one insert."""
    taken = existing_ids(s, Document, {text.source.guid for text in texts})
    try:
        added = insert_documents(s, [NewDocument(
            text.source.name or Path(text.where).stem, normalise(text.raw), f"{path.name}: {text.where}", {},
            text.source.guid if _usable_id(text.source.guid) and text.source.guid not in taken else None)
            for text in texts])
    except ValidationError as exc:
        raise QdpxError(f"{path}: {exc}") from None
    report.documents_added += sum(item.created for item in added)
    report.documents_matched += sum(not item.created for item in added)
    return [item.document.id for item in added]


def _codings(text: _Text, document_id: str, qde: QdeProject, codes: dict[str, str], coders: dict[str, str],
             notes: dict[str, str], report: QdpxImportReport, seen: set[str]) -> list[dict]:
    """The rows of one text source's codings, at offsets under the rule chosen for it (``seen``: the
    ids the rows of the package have taken so far)."""
    source = text.source
    label = quoted(source.name or source.guid)
    choice: Choice = choose_rule(text.raw, [(sel.start, sel.end) for sel in source.selections],
                                 origin_rule(qde.origin))
    rule = describe(choice.rule)
    report.rules[rule] = report.rules.get(rule, 0) + 1
    if choice.note:
        report.notes.append(f"source {label}: {choice.note}")
    rows = []
    for selection, placed, reason in zip(source.selections, choice.offsets, choice.reasons):
        if not selection.codings:
            report.notes.append(f"{_where(label, selection)}: a selection without a code; not imported")
        for coding in selection.codings:
            if placed is None:
                report.refused.append(f"{_where(label, selection)}: {reason}")
                continue
            if coding.code not in codes:
                report.refused.append(f"{_where(label, selection)}: its code {coding.code or '(none)'} is not in "
                                      "the codebook")
                continue
            note = _note(selection, coding, notes)
            if len(note) > LIMITS["note"]:
                report.refused.append(f"{_where(label, selection)}: its note is longer than {LIMITS['note']:,} "
                                      "characters")
                continue
            # The selection's guid for its first coding (a .qdpx Annotator wrote holds one coding per
            # selection, whose guid is the annotation's id: exported again, the same guids), else the coding's.
            ann_id = next((guid for guid in (selection.guid, coding.guid) if _usable_id(guid) and guid not in seen),
                          None) or new_id()
            seen.add(ann_id)
            created = _timestamp(coding.created) or _timestamp(selection.created)
            rows.append({
                "id": ann_id, "document_id": document_id, "category_id": codes[coding.code],
                "annotator_id": coders.get(coding.user or selection.user, coders[""]),
                "start": placed[0], "end": placed[1], "note": note, "attributes": None,
                "created": created, "modified": _timestamp(selection.modified) or created,
                "converted": placed != (selection.start, selection.end),
            })
    return rows


def _where(label: str, selection: Selection) -> str:
    return f"source {label}, selection {selection.guid[:8] or '(no guid)'} ({selection.start}–{selection.end})"


def _note(selection: Selection, coding, notes: dict[str, str]) -> str:
    """The selection's Description and the notes it and its coding link to, one paragraph each."""
    if not selection.notes and not coding.notes:
        return CONTROL_CHARACTERS.sub("", normalise(selection.description).strip())  # XML may hold U+007F
    parts = [normalise(selection.description).strip()] + [normalise(notes.get(ref, "")).strip()
                                               for ref in (*selection.notes, *coding.notes)]
    return CONTROL_CHARACTERS.sub("", "\n\n".join(part for part in parts if part))


def _usable_id(value: str) -> bool:
    """Whether a GUID can be an id as it is (``core.text.check_id``: 1 to 100 characters, no controls)."""
    return 0 < len(value) <= 100 and value.isprintable()


@lru_cache(maxsize=4096)
def _timestamp(value: str) -> str | None:
    """A creationDateTime as Annotator stores times (UTC, microseconds), or None if it is not one."""
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="microseconds")
