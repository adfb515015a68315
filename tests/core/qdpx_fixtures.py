"""Fixture REFI-QDA packages (.qdpx), written by the tests into tmp_path, imitating how each tool
writes them (../shared/refi-qda/README.md; REFI-QDA 1.5 sections 8 and 10):

- NVivo 12.6: the sources folder spelt ``Sources``, each source UTF-8 with a BOM and CR LF line
  ends, positions in UTF-16 code units over the raw text (BOM not counted, CR LF as 2);
- ATLAS.ti 23: the project file named ``<name>.qde``, positions in code points;
- MAXQDA: positions with one extra character per line end;
- QualCoder 3.x: ``sources/<guid>.txt`` named ``internal://<guid>.txt``, code points, notes linked
  by NoteRef, one source given as PlainTextContent.

``Sel`` describes a selection by its quote (found in the source's normalised text), and the vendor's
rule turns it into the positions that tool writes, counted here by hand, independently of
annotator.core.exchange.qdpx.positions.
"""

from __future__ import annotations

import uuid
import xml.etree.ElementTree as ET
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

NS = "urn:QDA-XML:project:1.0"


def guid(seed: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "qdpx-fixture:" + seed))


@dataclass
class Sel:
    quote: str  # found in the normalised text (its first occurrence after ``after``)
    code: str  # the code's guid
    user: str | None = None
    description: str = ""
    note: str | None = None  # the text of a Note linked by NoteRef
    after: int = 0
    positions: tuple[int, int] | None = None  # as written, overriding the vendor's rule
    codings: int = 1


@dataclass
class Src:
    name: str
    text: str  # normalised text (LF line ends)
    selections: list[Sel] = field(default_factory=list)
    inline: bool = False  # as PlainTextContent instead of a file in sources/


def count(text: str, offset: int, vendor: str) -> int:
    """The position ``vendor`` writes for a code-point offset into the normalised text."""
    before = text[:offset]
    if vendor == "nvivo":  # UTF-16 units over the CR LF text, BOM not counted
        return len(before.replace("\n", "\r\n").encode("utf-16-le")) // 2
    if vendor == "maxqda":  # one extra per line end
        return offset + before.count("\n")
    return offset


def raw_text(text: str, vendor: str) -> bytes:
    """The source file's bytes as ``vendor`` writes it."""
    if vendor == "nvivo":
        return b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8")
    return text.encode("utf-8")


def codebook(codes: list[tuple[str, str, str]]) -> ET.Element:
    """A project's <CodeBook> of (guid, name, colour) codes, flat."""
    book = ET.Element(f"{{{NS}}}CodeBook")
    holder = ET.SubElement(book, f"{{{NS}}}Codes")
    for code_guid, name, colour in codes:
        ET.SubElement(holder, f"{{{NS}}}Code", {"guid": code_guid, "name": name, "isCodable": "true", "color": colour})
    return book


def codebook_from_qdc(raw: bytes) -> ET.Element:
    """A real .qdc's <CodeBook>, moved into the project namespace (as a tool puts it in project.qde)."""
    root = ET.fromstring(raw.removeprefix(b"\xef\xbb\xbf"))
    for element in root.iter():
        element.tag = f"{{{NS}}}{element.tag.rpartition('}')[2]}"
    for extra in [child for child in root if child.tag != f"{{{NS}}}Codes"]:
        root.remove(extra)  # Sets: not in ProjectType's CodeBook
    return root


def qde(vendor: str, origin: str, users: dict[str, str], book: ET.Element, sources: list[Src],
        skipped: dict[str, int] | None = None, folder: str = "sources") -> tuple[bytes, dict[str, bytes]]:
    """project.qde's bytes and the members of sources/ for the sources, under ``vendor``'s rule."""
    project = ET.Element(f"{{{NS}}}Project", {"name": f"{vendor} study", "origin": origin})
    holder = ET.SubElement(project, f"{{{NS}}}Users")
    for user_guid, name in users.items():
        ET.SubElement(holder, f"{{{NS}}}User", {"guid": user_guid, "name": name})
    project.append(book)
    members: dict[str, bytes] = {}
    notes: list[tuple[str, str]] = []
    holder = ET.SubElement(project, f"{{{NS}}}Sources")
    first_user = next(iter(users), None)
    for index, src in enumerate(sources):
        src_guid = guid(f"{vendor}-source-{index}")
        attrs = {"guid": src_guid, "name": src.name}
        if not src.inline:
            attrs["plainTextPath"] = f"internal://{src_guid}.txt"
            members[f"{folder}/{src_guid}.txt"] = raw_text(src.text, vendor)
        element = ET.SubElement(holder, f"{{{NS}}}TextSource", attrs)
        if src.inline:
            ET.SubElement(element, f"{{{NS}}}PlainTextContent").text = src.text
        for n, sel in enumerate(src.selections):
            start = src.text.index(sel.quote, sel.after)
            end = start + len(sel.quote)
            positions = sel.positions or (count(src.text, start, vendor), count(src.text, end, vendor))
            sel_guid = guid(f"{vendor}-{index}-sel-{n}")
            user = {"creatingUser": sel.user or first_user} if sel.user or first_user else {}
            node = ET.SubElement(element, f"{{{NS}}}PlainTextSelection", {
                "guid": sel_guid, "startPosition": str(positions[0]), "endPosition": str(positions[1]),
                **user, "creationDateTime": "2024-05-01T10:00:00Z"})
            if sel.description:
                ET.SubElement(node, f"{{{NS}}}Description").text = sel.description
            for k in range(sel.codings):
                coding = ET.SubElement(node, f"{{{NS}}}Coding", {"guid": guid(f"{sel_guid}-coding-{k}"), **user})
                ET.SubElement(coding, f"{{{NS}}}CodeRef", {"targetGUID": sel.code})
            if sel.note is not None:
                note_guid = guid(f"{sel_guid}-note")
                notes.append((note_guid, sel.note))
                ET.SubElement(node, f"{{{NS}}}NoteRef", {"targetGUID": note_guid})
    for kind, n in (skipped or {}).items():
        for k in range(n):
            attrs = {"guid": guid(f"{vendor}-{kind}-{k}"), "name": f"{kind} {k}", "path": f"internal://{kind}{k}.bin"}
            element = ET.SubElement(holder, f"{{{NS}}}{kind}", attrs)
            if kind == "PDFSource":
                coding = ET.SubElement(element, f"{{{NS}}}Coding", {"guid": guid(f"{vendor}-{kind}-{k}-c")})
                ET.SubElement(coding, f"{{{NS}}}CodeRef", {"targetGUID": guid("any")})
    if notes:
        holder = ET.SubElement(project, f"{{{NS}}}Notes")
        for note_guid, text in notes:
            note = ET.SubElement(holder, f"{{{NS}}}Note", {"guid": note_guid, "name": "memo"})
            ET.SubElement(note, f"{{{NS}}}PlainTextContent").text = text
    ET.register_namespace("", NS)
    return ET.tostring(project, encoding="utf-8", xml_declaration=True), members


def write_qdpx(path: Path, qde_bytes: bytes, members: dict[str, bytes] | None = None,
               qde_name: str = "project.qde") -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(qde_name, qde_bytes)
        for name, data in (members or {}).items():
            archive.writestr(name, data)
    return path


CODES = [(guid("code-claim"), "Claim", "#FF0000"), (guid("code-evidence"), "Evidence", "#00AA00")]
CLAIM, EVIDENCE = CODES[0][0], CODES[1][0]
ALICE, BOB = guid("user-alice"), guid("user-bob")
TEXT = "First line of the interview.\nSecond line 😀 with an emoji.\n\nThird line: the claim is here.\n"


def vendor_package(tmp_path: Path, vendor: str, sources: list[Src] | None = None, **options) -> Path:
    """A package as ``vendor`` ("nvivo", "atlasti", "maxqda", "qualcoder") writes one."""
    origins = {"nvivo": "NVivo 12.6", "atlasti": "ATLAS.ti Win 23.4.0", "maxqda": "MAXQDA 2022",
               "qualcoder": "QualCoder 3.5"}
    sources = sources if sources is not None else [Src("Interview 1", TEXT, [
        Sel("Second line", CLAIM, ALICE, description="said twice"),
        Sel("emoji", EVIDENCE, BOB, note="a linked memo"),
        Sel("the claim is here", CLAIM, ALICE),
    ])]
    folder = "Sources" if vendor == "nvivo" else "sources"
    raw, members = qde(vendor, origins[vendor], {ALICE: "Alice", BOB: "Bob"}, codebook(CODES), sources,
                       folder=folder, **options)
    name = "Study.qde" if vendor == "atlasti" else "project.qde"
    return write_qdpx(tmp_path / f"{vendor}.qdpx", raw, members, name)
