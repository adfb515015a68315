"""Where agreement data comes from: a project file, or one or more export files (merged), reduced
to plain data the measures take, and narrowed to the annotators, documents and categories asked for.

Names or ids select: ``--annotators alice,bob`` matches an annotator's id or name (exactly), and the
same for documents (id or title). A category is named by its id, its full path ("Claims / Opinion",
from the categories' parents) or its own name when only one category has it; an ambiguous name is
refused, listing the candidates (``pick_categories``). A name that matches nothing is an error naming
it, so a typo never silently drops a coder. ``only_done`` keeps the documents every chosen coder
marked done (their statuses come with a project, or with version-2 export files).

Categories are shown by their full path (``AgreementData.categories``, id → path), so two categories
that share a name under different parents never meet in a report.

Which documents count (``counted_documents``) is decided on the coders' annotations of every
category, before ``--categories`` narrows them, so a per-category run compares the same documents as
the full report.

The gold layer (the annotations of ``GOLD_ID``, which adjudication writes) is not a coder: it is
kept apart in ``gold`` (and the adjudicator's decisions in ``decisions``), so that coder-versus-coder
agreement never counts it, and ``against_gold`` compares each coder with it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from annotator.core.errors import ValidationError, quoted
from annotator.core.storage.tables import GOLD_ID
from annotator.core.text import pick


@dataclass(frozen=True)
class GoldDecision:
    """One adjudication decision as the reports need it: where (the unit's extent), what, who, why."""

    document: str
    start: int
    end: int
    kind: str  # accepted, merged, edited, created or rejected
    decided_by: str = ""
    reason: str = ""


@dataclass
class AgreementData:
    """Plain data for the measures: document lengths, spans, and display names."""

    texts: dict[str, int]  # document id → length in code points
    spans: list[tuple[str, str, int, int, str]]  # (document id, annotator id, start, end, category id)
    annotators: dict[str, str]  # id → name
    categories: dict[str, str]  # id → full path ("Parent / Child", other_formats.category_label)
    documents: dict[str, str]  # id → title
    notes: list[str] = field(default_factory=list)
    contents: dict[str, str] = field(default_factory=dict)  # id → text, where the source holds it
    statuses: dict[tuple[str, str], str] = field(default_factory=dict)  # (document id, annotator id) → status
    annotation_ids: list[str] = field(default_factory=list)  # one per span, in the order of ``spans``
    gold: list[tuple[str, int, int, str]] = field(default_factory=list)  # (document id, start, end, category id)
    gold_ids: list[str] = field(default_factory=list)  # one per gold span, in the order of ``gold``
    decisions: list[GoldDecision] = field(default_factory=list)
    category_names: dict[str, str] = field(default_factory=dict)  # id → the category's own name
    # (document id, annotator id) of every coder's annotation of any category, kept when
    # ``narrow`` drops categories: which documents count does not depend on them (counted_documents)
    annotated: set[tuple[str, str]] | None = None

    @property
    def has_gold(self) -> bool:
        """The sources hold a gold layer: a gold annotation or a decision (a rejection leaves no span)."""
        return bool(self.gold or self.decisions)

    def annotated_pairs(self) -> set[tuple[str, str]]:
        """(document id, annotator id) for every coder's annotation of any category: ``annotated`` when
        ``narrow`` kept it (the categories narrowed away), else read from ``spans``."""
        return self.annotated if self.annotated is not None else {(s[0], s[1]) for s in self.spans}

    def coders_who_annotated(self) -> list[str]:
        """Annotator ids with at least one span (of any category), in the order of ``annotators``."""
        annotated = dict.fromkeys(coder for _doc, coder in sorted(self.annotated_pairs()))
        return [c for c in self.annotators if c in annotated] + [c for c in annotated if c not in self.annotators]

    def coders(self, chosen: list[str] | None = None) -> list[str]:
        """The coders to compare: ``chosen`` (ids), else every coder who annotated. The one "at least
        two coders" rule of the CLI and the dashboard: ValidationError when fewer remain. A coder
        without annotations is named in ``notes`` ("bob has no annotations in these sources; left
        out" when left out by default), never dropped silently."""
        annotated = set(self.coders_who_annotated())
        if chosen is None:
            coders = [c for c in self.annotators if c in annotated] + [c for c in annotated if c not in self.annotators]
            idle = [c for c in self.annotators if c not in annotated]
        else:
            coders = list(chosen)
            idle = [c for c in coders if c not in annotated]
        for c in idle:
            note = f"{self.annotators.get(c, c)} has no annotations in these sources" + ("; left out" if chosen is None
                                                                                          else "")
            if note not in self.notes:
                self.notes.append(note)
        if len(coders) < 2:
            names = ", ".join(self.annotators.get(c, c) for c in coders) or "none"
            raise ValidationError(f"agreement needs annotations by at least two coders; these sources have: {names}")
        return coders

    def token_texts(self) -> dict:
        """What the span measures tokenise: every document's text when all are known (word tokens),
        else the lengths (character tokens), with a note saying so."""
        if self.texts and all(doc in self.contents for doc in self.texts):
            return {doc: self.contents[doc] for doc in self.texts}
        if self.texts:
            self.notes.append("some documents have no text in the source (exported with --no-text): "
                              "token measures count characters instead of words")
        return dict(self.texts)


def load_sources(paths: list[str | Path]) -> AgreementData:
    """One project file, or export files (merged as ``annotator merge`` would)."""
    project = project_source(paths)
    return _from_project(project) if project is not None else _from_exports([Path(p) for p in paths])


def project_source(paths: list[str | Path]) -> Path | str | None:
    """The project file (or server URL) when ``paths`` is one project alone; None when they are
    all something else (export files, read later); ValidationError for none at all, or a project
    among other files."""
    from annotator.core.errors import NotAProjectError
    from annotator.core.storage.db import read_header
    from annotator.core.storage.location import is_server_url, parse_location

    servers = [p for p in paths if is_server_url(p)]
    if servers:
        if len(paths) > 1:
            raise ValidationError(f"{parse_location(servers[0]).display}: give one project alone, or only export files")
        return servers[0]
    paths = [Path(p) for p in paths]
    if not paths:
        raise ValidationError("name a project file or one or more export files")
    projects = []
    for path in paths:
        try:
            read_header(path)
            projects.append(path)
        except NotAProjectError:
            pass
    if projects and len(paths) > 1:
        raise ValidationError(f"{projects[0]}: give one project file alone, or only export files")
    return projects[0] if projects else None


def _from_project(path: Path) -> AgreementData:
    from annotator.core.project.project import Project

    with Project.open(path, mode="read") as project:
        return from_project(project)


def from_project(project) -> AgreementData:
    """The agreement data of an open project."""
    documents = project.documents()
    rows = project.annotation_rows(quote_limit=0)
    categories = project.categories()
    return _split_gold(AgreementData(
        texts={d.id: d.length for d in documents},
        spans=[(r.document_id, r.annotator_id, r.start, r.end, r.category_id) for r in rows],
        annotators={a.id: a.name for a in project.annotators()},
        categories=category_paths([(c.id, c.name, c.parent_id) for c in categories]),
        documents={d.id: d.title for d in documents},
        contents={d.id: project.document(d.id).text for d in documents},
        statuses=project.status_matrix(),
        annotation_ids=[r.id for r in rows],
        decisions=[GoldDecision(d.document_id, d.start, d.end, d.kind, d.decided_by or "", d.reason or "")
                   for d in project.decisions()],
        category_names={c.id: c.name for c in categories},
    ))


def _from_exports(paths: list[Path]) -> AgreementData:
    from annotator.core.exchange.merge import merge_files

    data, _report = merge_files(paths)
    return from_export_data(data)


def from_export_data(data: dict[str, Any]) -> AgreementData:
    return _split_gold(AgreementData(
        texts={d["id"]: d["length"] for d in data["documents"]},
        spans=[(a["document_id"], a["annotator_id"], a["start"], a["end"], a["category_id"])
               for a in data["annotations"]],
        annotators={a["id"]: a["name"] for a in data["annotators"]},
        categories=category_paths([(c["id"], c["name"], c.get("parent_id")) for c in data["categories"]]),
        category_names={c["id"]: c["name"] for c in data["categories"]},
        documents={d["id"]: d.get("title", d["id"]) for d in data["documents"]},
        contents={d["id"]: d["text"] for d in data["documents"] if "text" in d},
        statuses={(s["document_id"], s["annotator_id"]): s["status"] for s in data.get("statuses", ())},
        annotation_ids=[a["id"] for a in data["annotations"]],
        decisions=[GoldDecision(d["document_id"], d["start"], d["end"], d["kind"], d.get("decided_by") or "",
                                d.get("reason") or "") for d in data.get("decisions", ())],
    ))


def category_paths(categories: list[tuple[str, str, str | None]]) -> dict[str, str]:
    """id → the category's full path from the root, "Parent / Child" (``category_label``: a "/" in a
    name is escaped, so two paths never share a label), for (id, name, parent id) rows."""
    from annotator.core.exchange.other_formats import category_label

    by_id = {cid: (name, parent) for cid, name, parent in categories}
    paths = {}
    for cid in by_id:
        names, seen, at = [], set(), cid
        while at in by_id and at not in seen:  # `seen` only guards against a cycle
            seen.add(at)
            names.append(by_id[at][0])
            at = by_id[at][1]
        paths[cid] = category_label(names[::-1])
    return paths


def pick_categories(data: AgreementData, wanted: list[str] | None) -> list[str] | None:
    """The category ids that ``wanted`` stands for, in order: each entry is an id, a full path
    ("Claims / Opinion"; a top-level category's path is its name, so "Opinion" names the top-level
    one even when "Claims / Opinion" exists) or a category's own name when only one category has it. An ambiguous name
    or an unknown word is a ValidationError with one plain message (the candidates' paths and ids,
    or what is known). None when ``wanted`` is None (every category)."""
    if wanted is None:
        return None
    by_path = {path: cid for cid, path in data.categories.items()}
    by_name: dict[str, list[str]] = {}
    for cid, name in (data.category_names or data.categories).items():
        by_name.setdefault(name, []).append(cid)
    chosen: list[str] = []
    for word in wanted:
        if word in data.categories:
            chosen.append(word)
        elif word in by_path:
            chosen.append(by_path[word])
        elif len(by_name.get(word, ())) == 1:
            chosen.append(by_name[word][0])
        elif word in by_name:
            listed = "; ".join(f"{data.categories.get(c, c)} (id {c})" for c in by_name[word])
            raise ValidationError(f"category name {quoted(word, 60)} is ambiguous: {listed}; "
                                  "give the full path or the id")
        else:
            known = sorted(by_path)
            listed = ", ".join(known[:10]) + (", …" if len(known) > 10 else "") if known else "none"
            raise ValidationError(f"no category named {quoted(word, 60)} (known: {listed})")
    return list(dict.fromkeys(chosen))


def _split_gold(data: AgreementData) -> AgreementData:
    """The gold layer's annotations moved from the coders' ``spans`` into ``gold``; the gold
    annotator left out of ``annotators`` (and of the statuses), so no coder list offers it."""
    ids = data.annotation_ids or [""] * len(data.spans)
    coder = [k for k, s in enumerate(data.spans) if s[1] != GOLD_ID]
    if len(coder) < len(data.spans):
        data.gold = [(s[0], s[2], s[3], s[4]) for s in data.spans if s[1] == GOLD_ID]
        data.gold_ids = [ids[k] for k, s in enumerate(data.spans) if s[1] == GOLD_ID]
        data.spans = [data.spans[k] for k in coder]
        data.annotation_ids = [ids[k] for k in coder] if data.annotation_ids else []
    data.annotators.pop(GOLD_ID, None)
    data.statuses = {k: v for k, v in data.statuses.items() if k[1] != GOLD_ID}
    return data


def narrow(data: AgreementData, annotators: list[str] | None = None, documents: list[str] | None = None,
           categories: list[str] | None = None) -> AgreementData:
    """The data limited to the annotators, documents and categories given (ids or names)."""
    coder_ids = pick("annotator", annotators or None, data.annotators)
    doc_ids = pick("document", documents or None, data.documents)
    cat_ids = pick_categories(data, categories or None)
    kept = [k for k, s in enumerate(data.spans)
            if (coder_ids is None or s[1] in coder_ids) and (doc_ids is None or s[0] in doc_ids)
            and (cat_ids is None or s[4] in cat_ids)]
    spans = [data.spans[k] for k in kept]
    ids = [data.annotation_ids[k] for k in kept] if data.annotation_ids else []
    keep = lambda ids, full: {k: v for k, v in full.items() if ids is None or k in ids}  # noqa: E731
    gold = [k for k, g in enumerate(data.gold)
            if (doc_ids is None or g[0] in doc_ids) and (cat_ids is None or g[3] in cat_ids)]
    annotated = {(d, c) for d, c in data.annotated_pairs()
                 if (coder_ids is None or c in coder_ids) and (doc_ids is None or d in doc_ids)}
    return AgreementData(keep(doc_ids, data.texts), spans, keep(coder_ids, data.annotators),
                         keep(cat_ids, data.categories), keep(doc_ids, data.documents), list(data.notes),
                         keep(doc_ids, data.contents),
                         {k: v for k, v in data.statuses.items() if doc_ids is None or k[0] in doc_ids}, ids,
                         [data.gold[k] for k in gold], [data.gold_ids[k] for k in gold] if data.gold_ids else [],
                         [d for d in data.decisions if doc_ids is None or d.document in doc_ids],
                         keep(cat_ids, data.category_names), annotated)


def done_by_all(data: AgreementData, coders: list[str]) -> list[str]:
    """The documents (ids, in the data's order) that every one of ``coders`` marked done."""
    return [doc for doc in data.texts if all(data.statuses.get((doc, coder)) == "done" for coder in coders)]


def only_done(data: AgreementData, coders: list[str]) -> AgreementData:
    """The data limited to the documents every one of ``coders`` marked done, with a note saying
    how many; ValidationError when there is none."""
    done = done_by_all(data, coders)
    names = ", ".join(data.annotators.get(c, c) for c in coders)
    if not done:
        raise ValidationError(f"no document is marked done by every chosen coder ({names})")
    narrowed = narrow(data, documents=done)
    narrowed.notes.append(f"only the {len(done)} of {len(data.texts)} documents marked done by {names}")
    return narrowed
