"""Schema files: a project's categories as Annotator schema JSON or a REFI-QDA codebook (.qdc).

Export writes the whole tree (``write_schema``). Reading (``read_schema``) checks the whole file
first, refusing anything malformed or hostile with one ``SchemaFileError`` that names the file, the
place and the reason. Merging a file into a project is annotator.core.schema.apply. See
docs/schema-format.md.
"""

from __future__ import annotations

import json
import re
import uuid
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import TYPE_CHECKING, Any

from annotator import __version__
from annotator.core.errors import ReadError, SchemaFileError, ValidationError, quoted
from annotator.core.files import (
    MissingFileError,
    XmlRefusal,
    open_bounded,
    open_output,
    parse_json,
    parse_xml,
    read_bounded,
    safe_xml_parser,
)
from annotator.core.schema import rules as schema
from annotator.core.storage.tables import Category

if TYPE_CHECKING:
    from annotator.core.project.project import Project

FORMAT = "annotator-schema"
VERSION = 1
QDC_NAMESPACE = "urn:QDA-XML:codebook:1.0"
QDC_NAMESPACE_0_4 = "urn:QDA-XML:codebook:0:4"  # the draft's namespace, which ATLAS.ti still names
PROJECT_NAMESPACE = "urn:QDA-XML:project:1.0"  # project.qde, inside a .qdpx: its <CodeBook> is read
_QDA_NAMESPACES = ("", QDC_NAMESPACE, QDC_NAMESPACE_0_4, PROJECT_NAMESPACE)
FORMATS = {".json": "json", ".qdc": "qdc", ".qde": "qdc", ".qdpx": "qdpx"}
# Codebook.xsd requires at least one <Code> in <Codes>: a schema without categories is written
# with this one code, which is not codable, and reading skips it (docs/schema-format.md).
EMPTY_CODEBOOK_GUID = str(uuid.uuid5(uuid.NAMESPACE_URL, "annotator:empty-codebook"))
EMPTY_CODEBOOK_NAME = "(no categories)"
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")  # not XML 1.0 Chars

MAX_FILE_BYTES = 16 * 1024 * 1024
MAX_CATEGORIES = 10_000
MAX_DEPTH = 32  # levels of categories
MAX_ID = 100
_NODE_KEYS = ("id", "name", "colour", "shortcut", "description", "attributes", "children")
_TOP_KEYS = ("format", "version", "name", "description", "categories")
_GUID = re.compile(r"\{?([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})\}?")


def schema_format(path: str | Path) -> str | None:
    """``"json"``, ``"qdc"`` (a .qdc codebook, or a REFI-QDA project.qde) or ``"qdpx"`` from the
    file name's extension; None for any other."""
    return FORMATS.get(Path(path).suffix.lower())


# -- export ----------------------------------------------------------------------------------

def export_schema(project: Project, name: str | None = None, description: str = "") -> dict[str, Any]:
    """The project's categories as an ``annotator-schema`` version 1 dict: nested, siblings in
    their order, every field present."""
    cats = project.categories()
    children: dict[str | None, list[Category]] = {}
    for cat in cats:
        children.setdefault(cat.parent_id, []).append(cat)

    def nodes(parent: str | None) -> list[dict[str, Any]]:
        return [{"id": c.id, "name": c.name, "colour": c.colour, "shortcut": c.shortcut,
                 "description": c.description, "attributes": c.attributes or [], "children": nodes(c.id)}
                for c in children.get(parent, [])]

    return {"format": FORMAT, "version": VERSION, "name": project.info().name if name is None else name,
            "description": description, "categories": nodes(None)}


def schema_json(data: dict[str, Any]) -> bytes:
    """The bytes of a schema JSON file: UTF-8, two-space indent, a newline at the end."""
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def schema_qdc(data: dict[str, Any]) -> bytes:
    """The bytes of a REFI-QDA codebook for a schema dict. Shortcuts and attribute definitions
    have no place in the format and are left out."""
    root = codebook_element(data)
    root.set("origin", f"Annotator {__version__}")
    ET.indent(root)
    ET.register_namespace("", QDC_NAMESPACE)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def codebook_element(data: dict[str, Any], namespace: str = QDC_NAMESPACE, kind: str = ".qdc") -> ET.Element:
    """The ``<CodeBook>`` of a schema dict, its tags in ``namespace`` ("": unqualified, for a
    document whose root declares the namespace). ValidationError for a text XML cannot hold
    (``kind``, the file being exported, is named in the message)."""
    def tag(name: str) -> str:
        return f"{{{namespace}}}{name}" if namespace else name

    root = ET.Element(tag("CodeBook"))
    codes = ET.SubElement(root, tag("Codes"))

    def add(parent: ET.Element, node: dict[str, Any]) -> None:
        for text in (node["name"], node.get("description") or ""):
            xml_text(text, f"category {node['name']!r}", f"rename it or edit its guideline before exporting a {kind}")
        attrs = {"guid": refi_guid(node["id"]), "name": node["name"], "isCodable": "true"}
        if node.get("colour"):
            attrs["color"] = node["colour"].upper()
        code = ET.SubElement(parent, tag("Code"), attrs)
        if node.get("description"):
            ET.SubElement(code, tag("Description")).text = node["description"]
        for child in node.get("children", []):
            add(code, child)

    for node in data["categories"]:
        add(codes, node)
    if not data["categories"]:
        empty = ET.SubElement(codes, tag("Code"), {
            "guid": EMPTY_CODEBOOK_GUID, "name": EMPTY_CODEBOOK_NAME, "isCodable": "false"})
        ET.SubElement(empty, tag("Description")).text = (
            "The schema has no categories. A codebook must hold at least one code, so Annotator writes "
            "this one, which is not codable; Annotator skips it when it reads the codebook.")
    return root


def xml_text(text: str, what: str, fix: str) -> str:
    """``text`` if XML 1.0 can hold it; otherwise ValidationError: "``what`` holds U+FFFE, which
    XML cannot hold; ``fix``" (a text stored before such characters were refused)."""
    odd = _NOT_XML.search(text)
    if odd:
        raise ValidationError(f"{what} holds U+{ord(odd.group()):04X}, which XML cannot hold; {fix}")
    return text


def refi_guid(an_id: str, kind: str = "category") -> str:
    """A REFI-QDA guid for the id of a ``kind`` ("category", "document", ...): the id itself when
    it is a UUID (Annotator's ids are); otherwise a UUID derived from it, always the same."""
    if _GUID.fullmatch(an_id):
        return _GUID.fullmatch(an_id).group(1).lower()
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"annotator-{kind}:{an_id}"))


def write_schema(project: Project, path: str | Path, fmt: str | None = None) -> int:
    """Write the project's schema to ``path`` as ``fmt`` (``"json"`` or ``"qdc"``; default: from
    the extension). Returns the number of categories written."""
    fmt = fmt or schema_format(path)
    if fmt not in ("json", "qdc") or Path(path).suffix.lower() in (".qde", ".qdpx"):
        raise ValidationError(f"{path}: unknown schema format; use a .json or .qdc file name")
    data = export_schema(project)
    with open_output(path) as handle:
        handle.write(schema_json(data) if fmt == "json" else schema_qdc(data))
    return len(project.categories())


# -- reading ---------------------------------------------------------------------------------

def read_schema(path: str | Path) -> dict[str, Any]:
    """Read and check a schema file (.json, .qdc, or the codebook of a REFI-QDA project: a .qdpx or
    its project.qde; by extension, and other names by their first bytes). Returns ``{"name",
    "description", "categories", "source"}`` with nested category dicts holding only the fields the
    file gives; ``source`` says what was read when it is not a schema file ("" for one), and a .qdc
    or .qde also gives ``project`` (the REFI-QDA project's name, None for a codebook).
    SchemaFileError otherwise."""
    path = Path(path)
    try:
        raw = None if schema_format(path) == "qdpx" else read_bounded(path, MAX_FILE_BYTES, "schema files")
        if raw is None or raw.startswith(b"PK\x03\x04"):  # a zip
            return _read_qdpx(path)
    except MissingFileError:
        raise SchemaFileError(f"{path}: no such file") from None
    except ReadError as exc:
        raise SchemaFileError(f"{path}: {exc}") from None
    fmt = schema_format(path) or ("qdc" if raw.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<") else "json")
    return parse_qdc(raw, str(path)) if fmt == "qdc" else parse_schema_json(raw, str(path))


MAX_QDPX_BYTES = 8 * 1024**3  # a whole project, sources included; only its .qde is read


def _read_qdpx(path: Path) -> dict[str, Any]:
    """The codebook of a REFI-QDA project file (.qdpx: a zip holding project.qde and its sources)."""
    import zipfile
    import zlib

    with open_bounded(path, MAX_QDPX_BYTES, "REFI-QDA projects") as handle:
        try:
            with zipfile.ZipFile(handle) as archive:
                members = [i for i in archive.infolist() if "/" not in i.filename and
                           i.filename.lower().endswith(".qde")]
                chosen = next((i for i in members if i.filename.lower() == "project.qde"),
                              members[0] if len(members) == 1 else None)
                if chosen is None:
                    raise SchemaFileError(f"{path}: a zip file without a project.qde, so not a REFI-QDA "
                                          "project (.qdpx)")
                if chosen.file_size > MAX_FILE_BYTES:
                    raise SchemaFileError(f"{path}: its {chosen.filename} is larger than "
                                          f"{MAX_FILE_BYTES // 1024**2} MiB; not read")
                with archive.open(chosen) as member:
                    raw = member.read(MAX_FILE_BYTES + 1)
        except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError) as exc:
            raise SchemaFileError(f"{path}: not a readable REFI-QDA project (.qdpx, a zip file): {exc}") from None
    if len(raw) > MAX_FILE_BYTES:
        raise SchemaFileError(f"{path}: its {chosen.filename} is larger than {MAX_FILE_BYTES // 1024**2} MiB")
    data = parse_qdc(raw, f"{path} ({chosen.filename})")
    if data["project"] is None:
        raise SchemaFileError(f"{path}: its {chosen.filename} holds a <CodeBook>, not a REFI-QDA <Project>")
    data["source"] = _project_source(data["project"], f"{chosen.filename} inside the .qdpx")
    return data


def _project_source(name: str, where: str) -> str:
    return (f"the codebook of the REFI-QDA project {quoted(name)} ({where}); only its codes are read, not its "
            "documents or codings")


def parse_schema_json(raw: bytes, name: str) -> dict[str, Any]:
    """Check the bytes of an Annotator schema JSON file; see ``read_schema``."""
    data = parse_json(raw, name, SchemaFileError)

    def fail(where: str, reason: str):
        raise SchemaFileError(f"{name}: {where}: {reason}")

    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise SchemaFileError(f"{name}: not an Annotator schema (no \"format\": \"{FORMAT}\")")
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool):
        fail("$.version", "must be a whole number")
    if version > VERSION:
        raise SchemaFileError(f"{name}: schema version {version} was written by a newer Annotator; "
                              f"this one reads version {VERSION}. Update Annotator.")
    if version != VERSION:
        fail("$.version", f"unknown version {version}")
    unknown = sorted(set(data) - set(_TOP_KEYS))
    if unknown:
        fail("$", f"unknown field(s) {', '.join(map(repr, unknown))}")
    for key in ("name", "description"):
        if key in data and not isinstance(data[key], str):
            fail(f"$.{key}", "must be text")
    if not isinstance(data.get("categories"), list):
        fail("$.categories", "must be a list of categories")
    state = _Checker(name)
    categories = [state.node(node, f"$.categories[{i}]", 1) for i, node in enumerate(data["categories"])]
    state.siblings(categories, "$.categories")
    return {"name": data.get("name", ""), "description": data.get("description", ""), "categories": categories,
            "source": ""}


class _Checker:
    """Checks category nodes one by one (each the same way for JSON and .qdc), counting them."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.count = 0
        self.ids: dict[str, str] = {}
        self.shortcuts: dict[str, str] = {}

    def fail(self, where: str, reason: str):
        raise SchemaFileError(f"{self.name}: {where}: {reason}")

    def node(self, node: Any, where: str, depth: int) -> dict[str, Any]:
        self.count += 1
        if self.count > MAX_CATEGORIES:
            raise SchemaFileError(
                f"{self.name}: more than {MAX_CATEGORIES:,} categories; not a schema Annotator accepts")
        if depth > MAX_DEPTH:
            self.fail(where, f"categories are nested more than {MAX_DEPTH} levels deep")
        if not isinstance(node, dict):
            self.fail(where, "must be an object")
        unknown = sorted(set(node) - set(_NODE_KEYS))
        if unknown:
            self.fail(where, f"unknown field(s) {', '.join(map(repr, unknown))}")
        out: dict[str, Any] = {}
        try:
            if "name" not in node:
                raise ValidationError("a category needs a name")
            if not isinstance(node["name"], str):
                raise ValidationError("the name must be text")
            out["name"] = schema.clean_name(node["name"])
            where = f"{where} ({quoted(out['name'])})"
            out["id"] = self.category_id(node.get("id"), where)
            if node.get("colour") is not None:
                out["colour"] = schema.normalise_colour(node["colour"])
            if "shortcut" in node:
                shortcut = node["shortcut"]
                if shortcut is not None and not isinstance(shortcut, str):
                    raise ValidationError("the shortcut must be text or null")
                out["shortcut"] = schema.clean_shortcut(shortcut)
            if "description" in node:
                if not isinstance(node["description"], str):
                    raise ValidationError("the description must be text")
                out["description"] = schema.clean_description(node["description"])
            if "attributes" in node:
                out["attributes"] = schema.check_attribute_definitions(node["attributes"])
        except ValidationError as exc:
            self.fail(where, str(exc))
        self.shortcut(out.get("shortcut"), out["name"], where)
        children = node.get("children", [])
        if not isinstance(children, list):
            self.fail(f"{where}.children", "must be a list of categories")
        out["children"] = [self.node(child, f"{where}.children[{i}]", depth + 1) for i, child in enumerate(children)]
        self.siblings(out["children"], f"{where}.children")
        return out

    def category_id(self, value: Any, where: str) -> str | None:
        if value is None:
            return None
        if not isinstance(value, str) or not value.strip() or len(value) > MAX_ID \
                or schema.CONTROL_CHARACTERS.search(value) or schema.LONE_SURROGATES.search(value):
            raise ValidationError(f"the id must be text of 1 to {MAX_ID} characters")
        if value in self.ids:
            raise ValidationError(f"id {value} is also used by {self.ids[value]}")
        self.ids[value] = where
        return value

    def shortcut(self, shortcut: str | None, name: str, where: str) -> None:
        if shortcut is None:
            return
        other = self.shortcuts.get(shortcut.casefold())
        if other is not None:
            self.fail(where, f"shortcut {quoted(shortcut)} is also given to category {quoted(other)}")
        self.shortcuts[shortcut.casefold()] = name

    def siblings(self, nodes: list[dict[str, Any]], where: str) -> None:
        seen: set[str] = set()
        for node in nodes:
            if node["name"].casefold() in seen:
                self.fail(where, f"two categories named {quoted(node['name'])} under the same parent")
            seen.add(node["name"].casefold())


def parse_qdc(raw: bytes, name: str) -> dict[str, Any]:
    """Check the bytes of a REFI-QDA codebook; see ``read_schema``. Parsed with
    ``core.files.safe_xml_parser``, which refuses any DOCTYPE before it is read."""
    if not raw.strip():
        raise SchemaFileError(f"{name}: the file is empty")
    parser = safe_xml_parser("schema files")

    root: dict[str, Any] = {"children": [], "project": None}
    stack: list[tuple[str, dict[str, Any] | None]] = []  # (local element name, the code it opens)
    codes_open: list[dict[str, Any]] = []  # the Code elements open, innermost last
    text: list[str] = []
    count = [0]

    def local_name(tag: str) -> str:
        namespace, _, local = tag.rpartition(" ")
        if namespace not in _QDA_NAMESPACES:
            return ""  # another vocabulary: ignored with everything inside it
        return local

    def start(tag: str, attrs: dict[str, str]) -> None:
        if len(stack) > 2 * MAX_DEPTH + 8:
            raise XmlRefusal(f"elements are nested too deeply (line {parser.CurrentLineNumber})")
        element = local_name(tag)
        parent = stack[-1][0] if stack else None
        if parent is None:
            namespace, _, local = tag.rpartition(" ")
            if local not in ("CodeBook", "Project"):
                raise XmlRefusal(f"not a REFI-QDA codebook: the root element is <{local}>, not <CodeBook> "
                                    "(or a project's <Project>)")
            if element != local:
                raise XmlRefusal(f"not a REFI-QDA codebook: <{local}> is in the namespace {namespace!r}, "
                                    f"not {QDC_NAMESPACE!r}")
            if local == "Project":
                root["project"] = attrs.get("name", "")
        code = None
        kept = ""  # the name kept on the stack: "" for anything this reader ignores
        if parent is None:
            kept = element
        elif element == "CodeBook" and parent == "Project":
            kept = "CodeBook"
            root["codebook"] = True
        elif element == "Codes" and parent == "CodeBook":
            kept = "Codes"
        elif element == "Code" and parent in ("Codes", "Code"):
            count[0] += 1
            if count[0] > MAX_CATEGORIES:
                raise XmlRefusal(f"more than {MAX_CATEGORIES:,} codes; not a schema Annotator accepts")
            if len(codes_open) >= MAX_DEPTH:
                raise XmlRefusal(
                    f"codes are nested more than {MAX_DEPTH} levels deep (line {parser.CurrentLineNumber})")
            code = {"line": parser.CurrentLineNumber, "attrs": dict(attrs), "children": []}
            (codes_open[-1] if codes_open else root)["children"].append(code)
            codes_open.append(code)
            kept = "Code"
        elif element == "Description" and parent == "Code":
            text.clear()
            kept = "Description"
        stack.append((kept, code))

    def end(_tag: str) -> None:
        element, code = stack.pop()
        if code is not None:
            codes_open.pop()
        elif element == "Description":
            codes_open[-1]["description"] = "".join(text)

    def data(chunk: str) -> None:
        if stack and stack[-1][0] == "Description":
            text.append(chunk)

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = data
    parse_xml(parser, raw, name, SchemaFileError)

    state = _Checker(name)

    def convert(code: dict[str, Any], depth: int) -> dict[str, Any]:
        attrs = code["attrs"]
        where = f"<Code> at line {code['line']}"
        if not attrs.get("name", "").strip():
            state.fail(where, "has no name")
        node: dict[str, Any] = {"name": attrs["name"]}
        guid = attrs.get("guid", "").strip()
        if guid:
            match = _GUID.fullmatch(guid)
            node["id"] = match.group(1).lower() if match else guid
        if attrs.get("color", "").strip():
            node["colour"] = attrs["color"]
        if "description" in code:
            node["description"] = code["description"]
        node["children"] = [convert(child, depth + 1) for child in code["children"]]
        return node

    if root["project"] is not None and not root.get("codebook"):
        raise SchemaFileError(f"{name}: a REFI-QDA project without a <CodeBook>: it has no codes to import")
    if root["children"] and _is_empty_marker(root["children"][0]) and len(root["children"]) == 1:
        root["children"] = []  # what Annotator writes for a schema without categories
    nodes = [convert(code, 1) for code in root["children"]]
    # Check the converted tree exactly as a JSON file's, naming codes by line.
    categories = []
    for code, node in zip(root["children"], nodes):
        categories.append(_checked_qdc_node(state, code, node, 1))
    state.siblings(categories, "<Codes>")
    project = root["project"]
    source = "" if project is None else _project_source(project, f"{Path(name).name}, a project file")
    return {"name": "", "description": "", "categories": categories, "source": source, "project": project}


def _is_empty_marker(code: dict[str, Any]) -> bool:
    return (code["attrs"].get("guid", "").strip("{} ").lower() == EMPTY_CODEBOOK_GUID and not code["children"]
            and code["attrs"].get("isCodable") == "false")


def _checked_qdc_node(state: _Checker, code: dict[str, Any], node: dict[str, Any], depth: int) -> dict[str, Any]:
    children = node.pop("children")
    out = state.node(dict(node, children=[]), f"<Code> at line {code['line']}", depth)
    out["children"] = [_checked_qdc_node(state, c, n, depth + 1) for c, n in zip(code["children"], children)]
    state.siblings(out["children"], f"<Code> at line {code['line']} ({quoted(out['name'])})")
    return out
