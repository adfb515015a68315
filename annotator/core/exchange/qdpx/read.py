"""Reading ``project.qde`` (QDA-XML, namespace ``urn:QDA-XML:project:1.0``) into plain data:
``read_qde`` gives the project's name and origin, its users, its text sources with their
selections and codings, its notes, and the non-text sources it skips (counted by kind). The
codebook is read by ``core.schema.files.parse_qdc``, the reader of .qdc files, so a project's codes
are checked exactly as a codebook's.

The prolog is read first with ``core.files.safe_xml_parser``, up to the root element: a DOCTYPE or
entity declaration (which may only stand there) is refused before anything else is read. The
rest is parsed by ElementTree's C parser as a stream, a source at a time (each source's subtree is
dropped once read, so memory stays bounded by the largest source). A position that is not a whole
number refuses the file (QdpxError naming the selection); elements of other namespaces are
ignored with everything inside them.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from typing import Any
from xml.parsers import expat

from annotator.core.errors import QdpxError, SchemaFileError
from annotator.core.files import XmlRefusal, parse_xml, safe_xml_parser
from annotator.core.schema.files import PROJECT_NAMESPACE, parse_qdc

_NAMESPACES = ("", PROJECT_NAMESPACE)
_INTEGER = re.compile(r"\s*([+-]?\d{1,18})\s*")
NON_TEXT = {"PDFSource": "PDF", "PictureSource": "image", "AudioSource": "audio", "VideoSource": "video"}
MAX_DEPTH = 200  # elements nested inside each other (codes nest; nothing else goes deep)


def guid_key(value: str | None) -> str:
    """A GUID as Annotator compares them: without braces or spaces, lower case."""
    if not value:
        return ""
    if value[0] in "{ \t\r\n" or value[-1] in "} \t\r\n":
        value = value.strip().strip("{}").strip()
    return value.lower()


@dataclass
class Coding:
    guid: str
    code: str  # the CodeRef's targetGUID (guid_key)
    user: str  # creatingUser (guid_key; "" when not given)
    created: str
    notes: list[str] = field(default_factory=list)  # NoteRef targets


@dataclass
class Selection:
    guid: str
    start: int
    end: int
    user: str
    created: str
    modified: str
    description: str = ""
    notes: list[str] = field(default_factory=list)
    codings: list[Coding] = field(default_factory=list)


@dataclass
class Source:
    guid: str
    name: str
    path: str  # plainTextPath ("" when the text is given as PlainTextContent)
    content: str | None = None  # PlainTextContent
    selections: list[Selection] = field(default_factory=list)


@dataclass
class Note:
    guid: str
    path: str
    content: str | None = None


@dataclass
class QdeProject:
    name: str
    origin: str
    creator: str  # creatingUserGUID of the project
    users: dict[str, str] = field(default_factory=dict)  # guid -> name
    sources: list[Source] = field(default_factory=list)
    notes: dict[str, Note] = field(default_factory=dict)
    skipped: dict[str, int] = field(default_factory=dict)  # "PDF" -> sources of that kind
    skipped_codings: int = 0  # codings on those sources
    codebook: list[dict[str, Any]] = field(default_factory=list)  # categories, as parse_qdc gives them


def read_qde(raw: bytes, name: str) -> QdeProject:
    """The project ``raw`` holds; ``name`` ("study.qdpx (project.qde)") starts every message."""
    if not raw.strip():
        raise QdpxError(f"{name}: the file is empty")
    _check_prolog(raw, name)
    reader = _Reader(name)
    parser = ET.XMLPullParser(events=("start", "end"))
    try:
        for at in range(0, len(raw), _CHUNK):
            parser.feed(raw[at:at + _CHUNK])
            reader.events(parser.read_events())
        parser.close()
        reader.events(parser.read_events())
    except ET.ParseError as exc:
        line, column = exc.position
        raise QdpxError(f"{name}: not well-formed XML at line {line}, column {column + 1}: "
                        f"{expat.ErrorString(exc.code)}") from None
    except (LookupError, UnicodeError) as exc:  # an encoding declaration Python does not know
        raise QdpxError(f"{name}: cannot decode the XML ({str(exc)[:80]})") from None
    if reader.project is None:
        raise QdpxError(f"{name}: not a REFI-QDA project: no <Project> element")
    return reader.project


_CHUNK = 1 << 20


class _Root(Exception):  # noqa: N818 (not an error: the prolog ended)
    pass


def _check_prolog(raw: bytes, name: str) -> None:
    """Refuse a DOCTYPE or entity declaration, and a root other than <Project>, before the rest is read."""
    parser = safe_xml_parser("REFI-QDA projects")

    def root(tag: str, _attrs) -> None:
        namespace, _, local = tag.rpartition(" ")
        if local != "Project" or namespace not in _NAMESPACES:
            raise XmlRefusal(f"not a REFI-QDA project: the root element is <{local}> in "
                             f"{namespace or 'no namespace'}, not <Project> in {PROJECT_NAMESPACE}")
        raise _Root

    parser.StartElementHandler = root
    try:
        parse_xml(parser, raw, name, QdpxError)
    except _Root:
        return


def _names(local: str) -> frozenset[str]:
    return frozenset((local, f"{{{PROJECT_NAMESPACE}}}{local}"))


_USER, _CODEBOOK, _TEXT, _NOTE = _names("User"), _names("CodeBook"), _names("TextSource"), _names("Note")
_CONTENT, _SELECTION, _DESCRIPTION = _names("PlainTextContent"), _names("PlainTextSelection"), _names("Description")
_CODING, _CODE_REF, _NOTE_REF = _names("Coding"), _names("CodeRef"), _names("NoteRef")
_SOURCES, _USERS, _NOTES = _names("Sources"), _names("Users"), _names("Notes")
_NON_TEXT = {tag: kind for local, kind in NON_TEXT.items() for tag in _names(local)}


class _Reader:
    """Turns the parser's events into a QdeProject, reading each child of <Users>, <Sources> and
    <Notes> (and the <CodeBook>) whole at its end and dropping it."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.project: QdeProject | None = None
        self.stack: list[ET.Element] = []

    def events(self, events) -> None:
        stack = self.stack
        for event, element in events:
            if event == "start":
                if len(stack) > MAX_DEPTH:
                    raise QdpxError(f"{self.name}: elements are nested more than {MAX_DEPTH} deep")
                if not stack:
                    attrs = element.attrib
                    self.project = QdeProject(attrs.get("name", ""), attrs.get("origin", ""),
                                              guid_key(attrs.get("creatingUserGUID")))
                stack.append(element)
                continue
            stack.pop()
            if len(stack) == 1 and element.tag in _CODEBOOK:
                self.codebook(element)
                stack[0].remove(element)
            elif len(stack) == 2 and stack[1].tag not in _CODEBOOK:  # the codebook is read whole
                self.child(stack[1].tag, element)
                stack[1].remove(element)

    def child(self, parent: str, element: ET.Element) -> None:
        project, tag = self.project, element.tag
        if parent in _USERS and tag in _USER:
            attrs = element.attrib
            project.users[guid_key(attrs.get("guid"))] = (attrs.get("name") or attrs.get("id") or "").strip()
        elif parent in _SOURCES and tag in _TEXT:
            project.sources.append(self.source(element))
        elif parent in _SOURCES and tag in _NON_TEXT:
            kind = _NON_TEXT[tag]
            project.skipped[kind] = project.skipped.get(kind, 0) + 1
            project.skipped_codings += sum(1 for e in element.iter() if e.tag in _CODING)
        elif parent in _NOTES and tag in _NOTE:
            content = next((c.text or "" for c in element if c.tag in _CONTENT), None)
            note = Note(guid_key(element.get("guid")), element.get("plainTextPath", ""), content)
            project.notes[note.guid] = note

    def source(self, element: ET.Element) -> Source:
        source = Source(guid_key(element.get("guid")), element.get("name", ""), element.get("plainTextPath", ""))
        for child in element:
            if child.tag in _CONTENT:
                source.content = child.text or ""
            elif child.tag in _SELECTION:
                source.selections.append(self.selection(child))
        return source

    def selection(self, element: ET.Element) -> Selection:
        attrs = element.attrib
        guid = guid_key(attrs.get("guid"))
        start, end = self.position(attrs, "startPosition", guid), self.position(attrs, "endPosition", guid)
        selection = Selection(guid, start, end, guid_key(attrs.get("creatingUser")), attrs.get("creationDateTime", ""),
                              attrs.get("modifiedDateTime", ""))
        for child in element:
            tag = child.tag
            if tag in _CODING:
                coding = Coding(guid_key(child.get("guid")), "", guid_key(child.get("creatingUser")),
                                child.get("creationDateTime", ""))
                for ref in child:
                    if ref.tag in _CODE_REF:
                        coding.code = coding.code or guid_key(ref.get("targetGUID"))
                    elif ref.tag in _NOTE_REF:
                        coding.notes.append(guid_key(ref.get("targetGUID")))
                selection.codings.append(coding)
            elif tag in _DESCRIPTION:
                selection.description = child.text or ""
            elif tag in _NOTE_REF:
                selection.notes.append(guid_key(child.get("targetGUID")))
        return selection

    def position(self, attrs, key: str, guid: str) -> int:
        match = _INTEGER.fullmatch(attrs.get(key, ""))
        if match is None:
            raise QdpxError(f"{self.name}: <PlainTextSelection> {guid or '(no guid)'}: {key} "
                            f"{attrs.get(key, '(missing)')!r} is not a whole number")
        return int(match.group(1))

    def codebook(self, element: ET.Element) -> None:
        """The codes, checked by the .qdc reader (its lines count from the <CodeBook>)."""
        try:
            self.project.codebook = parse_qdc(ET.tostring(element), f"{self.name}, its <CodeBook>")["categories"]
        except SchemaFileError as exc:
            raise QdpxError(str(exc)) from None
