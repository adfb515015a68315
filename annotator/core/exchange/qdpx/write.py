"""Writing a REFI-QDA project (.qdpx): ``annotator export PROJECT -o study.qdpx``.

The zip holds ``sources/<guid>.txt`` (each document's text, UTF-8, no BOM, its line ends as asked)
and ``project.qde`` (QDA-XML, valid against the standard's Project.xsd): ``<Users>`` (the coders,
the gold layer's "Gold standard" among them when exported), the ``<CodeBook>`` as the .qdc export
builds it (schema.files.codebook_element), and one ``<TextSource>`` per document with
``plainTextPath="internal://<guid>.txt"``, holding one ``<PlainTextSelection>`` per annotation
(its note as the selection's ``<Description>``) with one ``<Coding>`` and its ``<CodeRef>``.
Positions are counted under the receiving tool's rule (positions.py, over the text as written).

The output is deterministic: guids are Annotator's ids (UUIDs) or derived from them, lists are in
the export's order (documents by id, annotations by start, end, id), the zip's members carry a
fixed time (1980-01-01), and nothing records when the export was made; so exporting the same
project twice gives the same bytes. What the format has no place for is counted, never dropped
silently (``QdpxExport.lost``). A text that XML 1.0 cannot hold (stored before such characters
were refused) stops the export with one line naming it; nothing is written. docs/refi-qda.md.
"""

from __future__ import annotations

import hashlib
import re
import uuid
import xml.etree.ElementTree as ET
import zipfile
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from annotator import __version__
from annotator.core.errors import ValidationError, quoted
from annotator.core.exchange.export_file import Scope, export_stream
from annotator.core.exchange.other_formats import _utc
from annotator.core.exchange.qdpx.positions import MAXQDA, NVIVO, STANDARD, PositionRule, UnitMap
from annotator.core.files import open_output
from annotator.core.schema.files import _NOT_XML, PROJECT_NAMESPACE, codebook_element, refi_guid, xml_text
from annotator.core.text import clean_line

POSITIONS: dict[str, PositionRule] = {"standard": STANDARD, "nvivo": NVIVO, "maxqda": MAXQDA}
LINE_ENDS = {"lf": "\n", "crlf": "\r\n"}
TOOL_LINE_ENDS = {"standard": "lf", "nvivo": "crlf", "maxqda": "lf"}  # the default for each tool
TOOLS = {"standard": "any tool (the REFI-QDA standard)", "nvivo": "NVivo", "maxqda": "MAXQDA"}
NAME_CHARS = 100  # a selection's name: the start of its quote, as the standard's examples name them
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # every member's time: the export's own time is never recorded
_LEVEL = 1  # deflate's fastest: project.qde is repetitive XML, which it still packs several times
_SOURCES_MARK = b"<Sources />"  # where the streamed <Sources> go in the serialised head
# A quote holding any of these goes through clean_line for its name (one class, cheap to search: it
# holds all clean_line changes, and a few astral characters clean_line keeps, which costs only time)
_NOT_IN_A_NAME = re.compile("[\x00-\x1f\x7f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff\U0001fffe-\U0010ffff]")
_CODING_NAMESPACE = uuid.NAMESPACE_URL.bytes + b"annotator-coding:"


@dataclass
class QdpxExport:
    """What ``write_qdpx`` wrote, and what the format could not hold: ``lost`` lists
    ``(count, singular, plural)`` of each kind of thing left out."""

    documents: int = 0
    annotations: int = 0
    annotators: int = 0
    categories: int = 0
    positions: str = "standard"
    line_ends: str = "lf"
    attributes: int = 0  # annotations with attribute values
    lost: list[tuple[int, str, str]] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {"annotations": self.annotations, "documents": self.documents, "annotators": self.annotators}

    def lost_items(self) -> list[str]:
        """Each kind of thing left out, with its count: "120 annotations' attributes"."""
        return [f"{count:,} {singular if count == 1 else plural}" for count, singular, plural in self.lost if count]

    def lost_line(self) -> str:
        """"not in the .qdpx: 120 annotations' attributes, 3 document statuses", or "" when nothing was lost."""
        items = self.lost_items()
        return "not in the .qdpx (the format has no place for them): " + ", ".join(items) if items else ""

    @property
    def rule(self) -> PositionRule:
        """How the positions were counted: the tool's rule over the source texts as written. The
        standard counts the code points of the file (REFI-QDA 1.5, 10.2), so over CR LF texts a
        CR LF is two of them."""
        rule = POSITIONS[self.positions]
        return replace(rule, crlf=2) if self.positions == "standard" and self.line_ends == "crlf" else rule

    def describe(self) -> str:
        """The receiving tool's choices in words, for a report line."""
        return f"positions for {TOOLS[self.positions]}: {self.rule.describe()}; line ends {self.line_ends.upper()}"


def write_qdpx(project, path: str | Path, scope: Scope = Scope(), positions: str = "standard",
               line_ends: str | None = None, warn=None) -> QdpxExport:
    """Export ``project`` (limited to ``scope``) to the REFI-QDA project ``path`` (``-``: standard
    output), positions counted as the tool ``positions`` (a key of POSITIONS) counts them, over
    source texts written with ``line_ends`` ("lf" or "crlf"; None: the tool's, TOOL_LINE_ENDS). The
    zip is written to a temporary file and renamed over ``path`` once complete (files.open_output)."""
    if positions not in POSITIONS:
        raise ValidationError(f"unknown position rule {quoted(positions)}; use one of {', '.join(POSITIONS)}")
    line_ends = line_ends or TOOL_LINE_ENDS[positions]
    if line_ends not in LINE_ENDS:
        raise ValidationError(f"unknown line ends {quoted(line_ends)}; use lf or crlf")
    data = export_stream(project, scope, include_text=True, warn=warn)
    report = QdpxExport(positions=positions, line_ends=line_ends, categories=len(data["categories"]))
    head = _head(project, data, report)
    with open_output(path) as handle, zipfile.ZipFile(handle, "w", zipfile.ZIP_DEFLATED, True, _LEVEL) as archive:
        maps = {}
        for doc in data["documents"]:  # the sources first: their unit maps count the positions
            raw = doc["text"].replace("\n", LINE_ENDS[line_ends])
            maps[doc["id"]] = UnitMap(raw, report.rule)
            archive.writestr(_member(f"sources/{refi_guid(doc['id'], 'document')}.txt"), raw.encode("utf-8"))
            del doc["text"]
        with archive.open(_member("project.qde"), "w", force_zip64=True) as qde:
            before, _, after = head.partition(_SOURCES_MARK)
            qde.write(before)
            if data["documents"]:
                qde.write(b"<Sources>\n")
                _write_sources(qde, data, maps, report)
                qde.write(b"  </Sources>")
            qde.write(after)
    report.lost = _lost(project, data, report)
    return report


def _member(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, _ZIP_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    info._compresslevel = _LEVEL  # read by writestr and open (3.13 names it compress_level, keeping this alias)
    info.create_system = 3  # Unix, on every system: the same bytes everywhere
    info.external_attr = 0o644 << 16
    return info


def _head(project, data: dict[str, Any], report: QdpxExport) -> bytes:
    """``project.qde`` without its sources (``_SOURCES_MARK`` where they go), every text checked."""
    name = xml_text(project.info().name, f"the project name {_shown(project.info().name)}",
                    "rename the project before exporting a .qdpx")
    origin = f"Annotator {__version__} (positions: {report.rule.describe()})"
    root = ET.Element("Project", {"xmlns": PROJECT_NAMESPACE, "name": name, "origin": origin})
    if data["annotators"]:
        users = ET.SubElement(root, "Users")
        for coder in data["annotators"]:
            xml_text(coder["name"], f"the coder {_shown(coder['name'])}", "rename the coder before exporting a .qdpx")
            ET.SubElement(users, "User", {"guid": refi_guid(coder["id"], "annotator"), "name": coder["name"]})
    root.append(codebook_element({"categories": _tree(data["categories"])}, "", ".qdpx"))
    for doc in data["documents"]:
        xml_text(doc["title"], f"the document {_shown(doc['title'])}", "rename it before exporting a .qdpx")
    if data["documents"]:
        ET.SubElement(root, "Sources")
    report.annotators = len(data["annotators"])
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def _shown(text: str) -> str:
    """A name for a message, each character XML cannot hold written as an escape (\\x0b)."""
    return quoted(_NOT_XML.sub(lambda odd: repr(odd.group())[1:-1], text), 60)


def _tree(categories: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The export's flat categories as the nested nodes of a schema dict, siblings in their order."""
    children: dict[str | None, list[dict[str, Any]]] = {}
    for cat in sorted(categories, key=lambda c: (c["position"], c["id"])):
        children.setdefault(cat["parent_id"], []).append(cat)

    def nodes(parent: str | None) -> list[dict[str, Any]]:
        return [{"id": c["id"], "name": c["name"], "colour": c["colour"], "description": c["description"],
                 "children": nodes(c["id"])} for c in children.get(parent, [])]

    return nodes(None)


def _write_sources(out, data: dict[str, Any], maps: dict[str, UnitMap], report: QdpxExport) -> None:
    """One <TextSource> per document, each serialised as its annotations come (documents and
    annotations are both in document-id order), so memory holds one document's annotations."""
    users = {coder["id"]: refi_guid(coder["id"], "annotator") for coder in data["annotators"]}
    codes = {cat["id"]: refi_guid(cat["id"]) for cat in data["categories"]}
    annotations = iter(data["annotations"])
    pending = next(annotations, None)
    for doc in data["documents"]:
        guid = refi_guid(doc["id"], "document")
        source = ET.Element("TextSource", {"guid": guid, "name": doc["title"],
                                           "plainTextPath": f"internal://{guid}.txt"})
        units = maps.pop(doc["id"])
        while pending is not None and pending["document_id"] == doc["id"]:
            source.append(_selection(pending, units, users, codes))
            report.annotations += 1
            report.attributes += bool(pending["attributes"])
            pending = next(annotations, None)
        report.documents += 1
        ET.indent(source, level=2)
        out.write(("    " + ET.tostring(source, encoding="unicode") + "\n").encode("utf-8"))  # faster than utf-8


def _selection(ann: dict[str, Any], units: UnitMap, users: dict[str, str], codes: dict[str, str]) -> ET.Element:
    """An annotation as a <PlainTextSelection> with its <Coding> and <CodeRef>; ``users`` and
    ``codes``: the guids of the coders and categories by id."""
    coder = users[ann["annotator_id"]]
    created = _stamp(ann["created"])
    name = ann["quote"][:NAME_CHARS]
    selection = ET.Element("PlainTextSelection", {
        "guid": refi_guid(ann["id"], "annotation"),
        "name": clean_line(name, NAME_CHARS) if _NOT_IN_A_NAME.search(name) else name,
        "startPosition": str(units.to_units(ann["start"])), "endPosition": str(units.to_units(ann["end"])),
        "creatingUser": coder, "creationDateTime": created})
    if ann["modified"] != ann["created"] or ann["modified_by"] is not None:  # changed since it was made
        selection.set("modifyingUser", users.get(ann["modified_by"], coder))
        selection.set("modifiedDateTime", _stamp(ann["modified"]))
    if ann["note"]:
        xml_text(ann["note"], f"the note of annotation {ann['id']}", "edit the note before exporting a .qdpx")
        ET.SubElement(selection, "Description").text = ann["note"]
    coding = ET.SubElement(selection, "Coding", {"guid": _coding_guid(ann["id"]), "creatingUser": coder,
                                                 "creationDateTime": created})
    ET.SubElement(coding, "CodeRef", {"targetGUID": codes[ann["category_id"]]})
    return selection


def _stamp(stored: str) -> str:
    """A stored time (ISO 8601, UTC) as xsd:dateTime in UTC with "Z", as other_formats writes it."""
    return stored[:-6] + "Z" if stored.endswith("+00:00") else _utc(stored)


def _coding_guid(annotation_id: str) -> str:
    """The guid of an annotation's one coding: ``uuid5(NAMESPACE_URL, "annotator-coding:" + id)``,
    derived from the annotation's id and always the same; built from the SHA-1 directly, without
    uuid.UUID objects, as it is made once per annotation."""
    digest = hashlib.sha1(_CODING_NAMESPACE + annotation_id.encode("utf-8")).hexdigest()
    variant = "89ab"[int(digest[16], 16) & 3]
    return f"{digest[:8]}-{digest[8:12]}-5{digest[13:16]}-{variant}{digest[17:20]}-{digest[20:32]}"


def _lost(project, data: dict[str, Any], report: QdpxExport) -> list[tuple[int, str, str]]:
    """What the export held that project.qde has no place for, kind by kind (see docs/refi-qda.md)."""
    own = project.info().id
    categories, documents = data["categories"], data["documents"]
    settings = sorted(data["settings"])
    return [
        (report.attributes, "annotation's attribute values", "annotations' attribute values"),
        (len(data["statuses"]), "document status", "document statuses"),
        (len(data["decisions"]), "gold decision", "gold decisions"),
        (sum(bool(d["metadata"]) for d in documents), "document's metadata", "documents' metadata"),
        (sum(bool(d["source"]) for d in documents), "document's source file name", "documents' source file names"),
        (sum(bool(c["shortcut"]) for c in categories), "category shortcut", "category shortcuts"),
        (sum(bool(c["attributes"]) for c in categories), "category's attribute definitions",
         "categories' attribute definitions"),
        (len(settings), f"project setting ({', '.join(settings)})", f"project settings ({', '.join(settings)})"),
        (sum(p["id"] != own for p in data["projects"]), "other project annotations came from (its name)",
         "other projects annotations came from (their names)"),
    ]
