"""Export formats for other tools, written from Annotator's own export (``annotator-export``, v1).

Every ``to_*`` function takes the validated export dict and returns the whole file as a ``str``;
the caller writes it as UTF-8. ``write_other`` exports a project to a file in any of them, the CSV
streamed from the database (its memory that of the Annotator export, whatever the size).
Outputs keep the export's order (annotations by document, start, end, id), so the same export
always gives byte-identical output. Where a format needs a category
label, it is the category's path from the root joined with " / " ("Claims / Factual claim"), or
the plain name for a top-level category, because names are only unique among siblings. In each
name a ``\\`` is written ``\\\\`` and a ``/`` is written ``\\/`` (``category_label``), so the
only unescaped "/" are the joins and two categories never share a label: ``A > "B / C"`` is
``A / B \\/ C`` and ``"A / B" > C`` is ``A \\/ B / C``; ``category_path`` reads a label back.

CSV (``to_csv``, ``.csv``)
    One row per annotation with the columns document_title, document_id, start, end, quote,
    category (the label), category_id, annotator, note, annotation_id, then one
    ``attribute:<name>`` column for every attribute name that an annotation uses or a category
    defines, sorted by name. Text values
    are written as they are, other values as JSON; a value an annotation lacks is an empty cell.
    Offsets are Annotator's: Unicode code points, end exclusive. Rows end with "\\n" and cells are
    quoted only when needed, so a note or quote with line breaks stays inside one quoted cell.
    Python's csv writer does not quote a lone carriage return when rows end with "\\n", which
    would split the row for readers, so a row holding one is written with every cell quoted.
    Text cells that a spreadsheet would run as a formula (starting with ``=``, ``+``, ``-``, ``@``,
    a tab or a carriage return) get a leading ``'`` (outputs.csv_cell); offsets and numeric
    attribute values are numbers and stay as they are. The file starts with the UTF-8 byte-order
    mark, without which spreadsheet programs read UTF-8 as the system's code page ("Ã©" for "é").
    ``raw=True`` (``--raw-csv``), for programs that read the file, writes every text as it is and
    no byte-order mark.

doccano JSONL (``to_doccano_jsonl``, ``.jsonl``)
    doccano's sequence-labelling import: one JSON object per line with ``text`` and ``label``, a
    list of ``[start, end, "label"]``. One line per (document, annotator) pair that has
    annotations, in document order, then by annotator name and id; labels by start, end, label.
    The extra keys ``annotator``, ``annotator_id``, ``document_id`` and ``title`` become metadata
    on import, so one file carries every annotator's work and each line says whose it is.
    Offsets are converted: doccano's editor (JavaScript) counts UTF-16 code units, not code
    points (doccano issues #2290 and #2484), so each character outside the Basic Multilingual
    Plane (most emoji) counts 2 there. The gold layer's line (annotator "Gold standard") also has
    ``"role": "gold"``. The file therefore fits a doccano project with "Count
    grapheme clusters as one character" off (the default). A Python reader of this file must
    convert back: ``text[start:end]`` is only right for texts without such characters.
    Overlapping spans are all written, but doccano's importer keeps them only in a project with
    "Allow overlapping spans" ticked: otherwise it drops each span that starts before the previous
    kept one ends (its SpanCleaner). Import with the encoding set to UTF-8: doccano's default,
    "Auto", guesses with chardet, which takes a small UTF-8 file for another encoding (chardet
    4.0.0 reads ``{"text": "The minister said é", ...}`` as ISO-8859-1).
    The document text is required: an export made with ``--no-text`` is refused. U+0085, U+2028
    and U+2029 are written as JSON escapes, so no line splitter can break a record in two.

W3C Web Annotation (``to_web_annotation``, ``.jsonld``)
    A JSON-LD ``AnnotationCollection`` (Web Annotation Data Model) with all annotations in one
    embedded ``AnnotationPage``; without annotations the collection has ``total`` 0 and no page
    (a page holds at least one annotation, §5.2). The collection and page carry the ids the model
    requires: ``urn:uuid:`` names derived (UUID version 5) from the ids of the projects the
    annotations were made in (the exported project's when there are none), so they are stable
    between exports of the same projects. ``created`` and ``modified`` are written in UTC with
    "Z" (§3.3.1). Each annotation is ``urn:uuid:<annotation id>`` with
    its creator (a Person), a ``tagging`` body holding the category label, a ``commenting`` body
    for a non-empty note, a ``describing`` body holding the attribute values as JSON text when
    there are any, and a target whose source is ``urn:uuid:<document id>``, selected by a
    ``TextPositionSelector`` and a ``TextQuoteSelector`` (exact text with up to 32 characters of
    prefix and suffix). The model counts positions in Unicode code points, Annotator's unit, so
    offsets are written unchanged. Only the standard vocabulary is used. Annotator's ids are
    UUIDs; an id that is not (the exchange format allows any string) is replaced by a UUID
    version 5 derived from it, so every ``urn:uuid:`` stays valid and stable.

The gold layer (its annotator is ``GOLD_ID``, named "Gold standard") is labelled as such in each:
its CSV rows name "Gold standard" as their annotator; its doccano line has ``"role": "gold"``
besides that name; each of its W3C annotations has, as creator, the adjudicator who decided it (a
Person), and an ``assessing`` body "Gold standard: <kind of decision>". ``annotator export --gold``
writes the gold layer alone (export_file.GOLD_ONLY).

The native format (``.json``) is written by another module, and REFI-QDA projects (``.qdpx``) by
exchange.qdpx.write; ``format_for_extension`` names them "annotator" and "qdpx" so that callers can
choose a writer from a file name.
"""

from __future__ import annotations

import bisect
import io
import json
import re
import tempfile
import uuid
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

from annotator.core.errors import ValidationError
from annotator.core.exchange.export_file import Scope, build_export, export_stream
from annotator.core.files import open_output, write_csv, write_text
from annotator.core.storage.tables import GOLD_ID, GOLD_NAME

_CSV_FIXED_COLUMNS = ["document_title", "document_id", "start", "end", "quote", "category", "category_id",
                      "annotator", "note", "annotation_id"]
BOM = "\ufeff"  # starts the spreadsheet CSV, so that spreadsheet programs read it as UTF-8

_W3C_CONTEXT = "http://www.w3.org/ns/anno.jsonld"
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")  # one code point, two UTF-16 code units
# Valid inside JSON strings but taken as line breaks by str.splitlines and some JSONL readers.
_LINE_BREAKS_IN_JSON = {"\x85": "\\u0085", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def category_label(path: list[str]) -> str:
    """The label of the category at ``path`` (names from the root): each name with ``\\`` written
    ``\\\\`` and ``/`` written ``\\/``, joined with " / ". Only the joins hold an unescaped "/",
    so two paths never share a label: ``A > "B / C"`` is ``A / B \\/ C``, ``"A / B" > C`` is
    ``A \\/ B / C``. A name without "/" or "\\" is written as it is."""
    return " / ".join(name.replace("\\", "\\\\").replace("/", "\\/") for name in path)


def category_path(label: str) -> list[str]:
    """The names (from the root) that ``category_label`` joined into ``label``."""
    names, name, chars = [], [], iter(label)
    for char in chars:
        if char == "\\":
            name.append(next(chars, ""))
        elif char == "/":  # a join, " / ": the spaces around it belong to the join
            names.append("".join(name)[:-1])
            name = []
            next(chars, "")
        else:
            name.append(char)
    return [*names, "".join(name)]


def _category_labels(export: dict) -> dict[str, str]:
    """Category id -> label: ``category_label`` of the path from the root."""
    by_id = {c["id"]: c for c in export["categories"]}
    labels = {}
    for cat_id, cat in by_id.items():
        names, seen = [], set()
        while cat is not None and cat["id"] not in seen:  # `seen` only guards against a cycle
            seen.add(cat["id"])
            names.append(cat["name"])
            cat = by_id.get(cat.get("parent_id"))
        labels[cat_id] = category_label(names[::-1])
    return labels


def to_csv(export: dict, raw: bool = False) -> str:
    """One row per annotation, with a column per attribute name (see the module docstring)."""
    out = io.StringIO()
    _write_csv(out, export, _attribute_names(export, export["annotations"]), raw)
    return out.getvalue()


def _attribute_names(export: dict, annotations: Iterable[dict]) -> list[str]:
    names = {a["name"] for c in export["categories"] for a in c.get("attributes") or []}
    names.update(name for ann in annotations for name in ann["attributes"])
    return sorted(names)


def _write_csv(out: TextIO, export: dict, names: list[str], raw: bool) -> int:
    """The CSV of ``export`` (its annotations may be an iterator) to ``out``; the rows written."""
    labels = _category_labels(export)
    titles = {d["id"]: d["title"] for d in export["documents"]}
    annotators = {a["id"]: a["name"] for a in export["annotators"]}

    def rows():
        yield _CSV_FIXED_COLUMNS + [f"attribute:{name}" for name in names]
        for ann in export["annotations"]:
            row = [titles[ann["document_id"]], ann["document_id"], ann["start"], ann["end"],
                   ann["quote"], labels[ann["category_id"]], ann["category_id"], annotators[ann["annotator_id"]],
                   ann["note"], ann["id"]]
            yield row + [_cell(ann["attributes"][name]) if name in ann["attributes"] else "" for name in names]

    if not raw:
        out.write(BOM)
    return write_csv(out, rows(), raw) - 1


def write_other(project, path: str | Path, fmt: str, scope: Scope = Scope(), raw_csv: bool = False,
                warn=None) -> dict[str, int]:
    """Export ``project`` (limited to ``scope``) in ``fmt``, a key of EXPORT_FORMATS, to ``path``
    (``-``: standard output); returns how many annotations, documents and annotators. The CSV is
    streamed from the database to the file (through a temporary file, until the attribute columns
    are known), so its memory stays that of the Annotator export; the others are built whole."""
    if fmt != "csv":
        data = build_export(project, scope, warn=warn)
        write_text(path, render(fmt, data, raw_csv, project.info().id))
        return {key: len(data[key]) for key in ("annotations", "documents", "annotators")}
    data = export_stream(project, scope, include_text=False, warn=warn)
    with tempfile.TemporaryFile() as spool:  # the rows wait here while their attribute names are gathered
        names = {a["name"] for c in data["categories"] for a in c.get("attributes") or []}
        for ann in data["annotations"]:
            names.update(ann["attributes"])
            spool.write(json.dumps(ann).encode() + b"\n")
        spool.seek(0)
        data["annotations"] = (json.loads(line) for line in spool)
        with open_output(path) as handle:
            text = io.TextIOWrapper(handle, encoding="utf-8", newline="")
            try:
                count = _write_csv(text, data, sorted(names), raw_csv)
                text.flush()
            finally:
                text.detach()  # the handle stays open_output's to close
    return {"annotations": count, "documents": len(data["documents"]), "annotators": len(data["annotators"])}


def to_doccano_jsonl(export: dict) -> str:
    """doccano sequence-labelling JSONL, one line per (document, annotator); offsets in UTF-16
    code units (see the module docstring). Raises ValidationError if the export has no texts."""
    if any("text" not in doc for doc in export["documents"]):
        raise ValidationError("doccano JSONL needs the documents' text; export without --no-text")
    labels = _category_labels(export)
    annotators = sorted(export["annotators"], key=lambda a: (a["name"], a["id"]))
    grouped: dict[tuple[str, str], list[dict]] = {}
    for ann in export["annotations"]:
        grouped.setdefault((ann["document_id"], ann["annotator_id"]), []).append(ann)

    lines = []
    for doc in export["documents"]:
        to_utf16 = _utf16_offsets(doc["text"])
        for annotator in annotators:
            anns = grouped.get((doc["id"], annotator["id"]))
            if not anns:
                continue
            spans = sorted([to_utf16(a["start"]), to_utf16(a["end"]), labels[a["category_id"]]]
                           for a in anns)
            record = {"text": doc["text"], "label": spans, "annotator": annotator["name"],
                      "annotator_id": annotator["id"], "document_id": doc["id"], "title": doc["title"]}
            if annotator["id"] == GOLD_ID:
                record["role"] = "gold"
            line = json.dumps(record, ensure_ascii=False, separators=(", ", ": "))
            for char, escape in _LINE_BREAKS_IN_JSON.items():
                line = line.replace(char, escape)  # these only occur inside JSON strings
            lines.append(line + "\n")
    return "".join(lines)


def to_web_annotation(export: dict, project_id: str | None = None) -> str:
    """A W3C Web Annotation ``AnnotationCollection`` as JSON-LD (see the module docstring).
    ``project_id``: the project exported, which names the collection when no annotation does."""
    labels = _category_labels(export)
    annotators = {a["id"]: a["name"] for a in export["annotators"]}
    sources = [p["id"] for p in export["projects"]] or ([] if project_id is None else [project_id])
    collection_id = uuid.uuid5(uuid.NAMESPACE_URL, "urn:annotator:collection:" + ",".join(sources))
    decided = {gold: d for d in export.get("decisions", ()) for gold in d["gold"]}
    items = []
    for ann in export["annotations"]:
        body = [{"type": "TextualBody", "purpose": "tagging", "value": labels[ann["category_id"]]}]
        creator = ann["annotator_id"]
        if creator == GOLD_ID:  # the gold layer: the adjudicator made it, assessing the coders' work
            decision = decided.get(ann["id"])
            creator = decision["decided_by"] if decision else ann["modified_by"] or GOLD_ID
            body.append({"type": "TextualBody", "purpose": "assessing",
                         "value": f"{GOLD_NAME}: {decision['kind']}" if decision else GOLD_NAME})
        if ann["note"]:
            body.append({"type": "TextualBody", "purpose": "commenting", "value": ann["note"],
                         "format": "text/plain"})
        if ann["attributes"]:
            body.append({"type": "TextualBody", "purpose": "describing", "format": "application/json",
                         "value": json.dumps(ann["attributes"], sort_keys=True, ensure_ascii=False)})
        items.append({
            "id": _urn(ann["id"]),
            "type": "Annotation",
            "created": _utc(ann["created"]),
            "modified": _utc(ann["modified"]),
            "creator": {"id": _urn(creator), "type": "Person", "name": annotators.get(creator, GOLD_NAME)},
            "body": body,
            "target": {
                "source": _urn(ann["document_id"]),
                "selector": [
                    {"type": "TextPositionSelector", "start": ann["start"], "end": ann["end"]},
                    {"type": "TextQuoteSelector", "exact": ann["quote"], "prefix": ann["prefix"],
                     "suffix": ann["suffix"]},
                ],
            },
        })
    collection = {
        "@context": _W3C_CONTEXT,
        "id": f"urn:uuid:{collection_id}",
        "type": "AnnotationCollection",
        # §5.1: a collection SHOULD have a label; an export without annotations names no project
        "label": ", ".join(p["name"] for p in export["projects"]) or "Annotator export",
        "total": len(items),
    }
    if items:  # a page holds at least one annotation: an empty collection has none
        collection["first"] = {"id": f"urn:uuid:{uuid.uuid5(collection_id, 'page:0')}", "type": "AnnotationPage",
                               "startIndex": 0, "items": items}
    return json.dumps(collection, ensure_ascii=False, indent=2) + "\n"


EXPORT_FORMATS: dict[str, Callable[[dict], str]] = {
    "csv": to_csv,
    "doccano": to_doccano_jsonl,
    "w3c": to_web_annotation,
}

_EXTENSIONS = {".csv": "csv", ".jsonl": "doccano", ".jsonld": "w3c", ".json": "annotator", ".qdpx": "qdpx"}


def render(fmt: str, export: dict, raw_csv: bool = False, project_id: str | None = None) -> str:
    """The export in format ``fmt`` (a key of EXPORT_FORMATS); ``raw_csv``: see ``to_csv``;
    ``project_id``: see ``to_web_annotation``."""
    if fmt == "csv":
        return to_csv(export, raw=raw_csv)
    return to_web_annotation(export, project_id) if fmt == "w3c" else EXPORT_FORMATS[fmt](export)


def format_for_extension(path: str) -> str | None:
    """The export format a file name asks for, by its extension (any case), or None."""
    return _EXTENSIONS.get(Path(path).suffix.lower())


def _cell(value: Any) -> Any:
    """An attribute value for a CSV cell: text and numbers as they are, anything else as JSON."""
    if isinstance(value, str) or (isinstance(value, (int, float)) and not isinstance(value, bool)):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _utc(stamp: str) -> str:
    """An export time (ISO 8601 with seconds and an offset) in UTC with "Z", as the model requires."""
    moment = datetime.fromisoformat(stamp.replace("Z", "+00:00")).astimezone(UTC)
    return moment.isoformat().removesuffix("+00:00") + "Z"


def _urn(an_id: str) -> str:
    """``urn:uuid:<id>``; an id that is not a UUID is replaced by a UUID derived from it."""
    try:
        valid = str(uuid.UUID(an_id)) == an_id
    except ValueError:
        valid = False
    return f"urn:uuid:{an_id if valid else uuid.uuid5(uuid.NAMESPACE_URL, 'urn:annotator:id:' + an_id)}"


def _utf16_offsets(text: str) -> Callable[[int], int]:
    """A function turning a code point offset into ``text`` into a UTF-16 code unit offset."""
    astral = [m.start() for m in _ASTRAL.finditer(text)]
    return lambda offset: offset + bisect.bisect_left(astral, offset)
