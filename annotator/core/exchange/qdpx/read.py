"""Reading ``project.qde`` (QDA-XML, namespace ``urn:QDA-XML:project:1.0``) into plain data:
``read_qde`` gives the project's name and origin, its users, its text sources with their
selections and codings, its notes, and the non-text sources it skips (counted by kind). The
codebook is read by ``core.schema.files.parse_qdc``, the reader of .qdc files, so a project's codes
are checked exactly as a codebook's.

Parsed with ``core.files.safe_xml_parser`` (a DOCTYPE or entity declaration is refused before it
is read). A position that is not a whole number refuses the file (QdpxError naming the line);
elements of other namespaces are ignored with everything inside them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from annotator.core.errors import QdpxError, SchemaFileError
from annotator.core.files import XmlRefusal, parse_xml, safe_xml_parser
from annotator.core.schema.files import PROJECT_NAMESPACE, parse_qdc

_NAMESPACES = ("", PROJECT_NAMESPACE)
_INTEGER = re.compile(r"\s*([+-]?\d{1,18})\s*")
NON_TEXT = {"PDFSource": "PDF", "PictureSource": "image", "AudioSource": "audio", "VideoSource": "video"}
MAX_DEPTH = 200  # elements nested inside each other (codes nest; nothing else goes deep)


def guid_key(value: str | None) -> str:
    """A GUID as Annotator compares them: without braces or spaces, lower case."""
    return (value or "").strip().strip("{}").strip().lower()


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
    line: int  # of project.qde, for messages
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
    line: int = 0
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
    parser = safe_xml_parser("REFI-QDA projects")
    stack: list[str] = []  # local names, "" for what is ignored
    text: list[str] = []
    state: dict[str, Any] = {"project": None, "source": None, "selection": None, "coding": None, "note": None,
                             "skipped": None}

    def local_name(tag: str) -> str:
        namespace, _, local = tag.rpartition(" ")
        return local if namespace in _NAMESPACES else ""

    def position(attrs: dict[str, str], key: str) -> int:
        match = _INTEGER.fullmatch(attrs.get(key, ""))
        if match is None:
            raise XmlRefusal(f"line {parser.CurrentLineNumber}: <PlainTextSelection> {key} "
                             f"{attrs.get(key, '(missing)')!r} is not a whole number")
        return int(match.group(1))

    def start(tag: str, attrs: dict[str, str]) -> None:
        if len(stack) > MAX_DEPTH:
            raise XmlRefusal(f"elements are nested too deeply (line {parser.CurrentLineNumber})")
        element = local_name(tag)
        parent = stack[-1] if stack else None
        project: QdeProject | None = state["project"]
        if parent is None:
            if element != "Project":
                raise XmlRefusal(f"not a REFI-QDA project: the root element is <{tag.rpartition(' ')[2]}> in "
                                 f"{tag.rpartition(' ')[0] or 'no namespace'}, not <Project> in {PROJECT_NAMESPACE}")
            state["project"] = QdeProject(attrs.get("name", ""), attrs.get("origin", ""),
                                          guid_key(attrs.get("creatingUserGUID")))
        elif state["skipped"] is not None:  # inside a PDF, image, audio or video source
            project.skipped_codings += element == "Coding"
            element = element and "skipped"
        elif element == "User" and parent == "Users":
            project.users[guid_key(attrs.get("guid"))] = (attrs.get("name") or attrs.get("id") or "").strip()
        elif element == "TextSource" and parent == "Sources":
            source = Source(guid_key(attrs.get("guid")), attrs.get("name", ""), attrs.get("plainTextPath", ""),
                            line=parser.CurrentLineNumber)
            project.sources.append(source)
            state["source"] = source
        elif element in NON_TEXT and parent == "Sources":
            kind = NON_TEXT[element]
            project.skipped[kind] = project.skipped.get(kind, 0) + 1
            state["skipped"] = len(stack)
        elif element == "Note" and parent == "Notes":
            note = Note(guid_key(attrs.get("guid")), attrs.get("plainTextPath", ""))
            project.notes[note.guid] = note
            state["note"] = note
        elif element == "PlainTextContent" and parent in ("TextSource", "Note"):
            text.clear()
        elif element == "PlainTextSelection" and parent == "TextSource":
            selection = Selection(guid_key(attrs.get("guid")), position(attrs, "startPosition"),
                                  position(attrs, "endPosition"), parser.CurrentLineNumber,
                                  guid_key(attrs.get("creatingUser")), attrs.get("creationDateTime", ""),
                                  attrs.get("modifiedDateTime", ""))
            state["source"].selections.append(selection)
            state["selection"] = selection
        elif element == "Description" and parent == "PlainTextSelection":
            text.clear()
        elif element == "Coding" and parent == "PlainTextSelection":
            coding = Coding(guid_key(attrs.get("guid")), "", guid_key(attrs.get("creatingUser")),
                            attrs.get("creationDateTime", ""))
            state["selection"].codings.append(coding)
            state["coding"] = coding
        elif element == "CodeRef" and parent == "Coding" and state["coding"] is not None:
            state["coding"].code = guid_key(attrs.get("targetGUID"))
        elif element == "NoteRef" and parent in ("PlainTextSelection", "Coding"):
            owner = state["coding"] if parent == "Coding" else state["selection"]
            if owner is not None:
                owner.notes.append(guid_key(attrs.get("targetGUID")))
        stack.append(element)

    def end(_tag: str) -> None:
        element = stack.pop()
        parent = stack[-1] if stack else None
        if state["skipped"] == len(stack):
            state["skipped"] = None
        elif element == "PlainTextContent" and parent == "TextSource" and state["source"] is not None:
            state["source"].content = "".join(text)
        elif element == "PlainTextContent" and parent == "Note" and state["note"] is not None:
            state["note"].content = "".join(text)
        elif element == "Description" and parent == "PlainTextSelection":
            state["selection"].description = "".join(text)
        elif element in ("TextSource", "Note", "PlainTextSelection", "Coding"):
            state[{"TextSource": "source", "Note": "note", "PlainTextSelection": "selection",
                   "Coding": "coding"}[element]] = None

    def data(chunk: str) -> None:
        if len(stack) >= 2 and (stack[-1], stack[-2]) in (("PlainTextContent", "TextSource"),
                                                          ("PlainTextContent", "Note"),
                                                          ("Description", "PlainTextSelection")):
            text.append(chunk)

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = data
    parse_xml(parser, raw, name, QdpxError)
    project: QdeProject = state["project"]
    try:
        project.codebook = parse_qdc(raw, name)["categories"]
    except SchemaFileError as exc:
        if "without a <CodeBook>" not in str(exc):
            raise QdpxError(str(exc)) from None
    return project
