"""Schema exchange: Annotator schema JSON and REFI-QDA .qdc, round trips, merging into a project,
and malformed or hostile files refused with one message, changing nothing."""

import json

import pytest

from annotator.core.errors import SchemaFileError
from annotator.core.schema.apply import import_schema
from annotator.core.schema.files import (
    MAX_CATEGORIES,
    MAX_DEPTH,
    MAX_FILE_BYTES,
    export_schema,
    read_schema,
    schema_format,
    write_schema,
)
from annotator.core.schema.templates import create_project

pytestmark = pytest.mark.engines  # on SQLite and on PostgreSQL (tests/conftest.py)

TYPED = [{"name": "score", "type": "number", "min": 0, "max": 5},
         {"name": "tags", "type": "multiple", "choices": ["a", "b"], "default": ["a"]}]


@pytest.fixture
def rich(project):
    """The Claims schema plus a two-level subtree with awkward names, descriptions and attributes."""
    claim = project.categories()[0]
    sub = project.add_category("Numbers & <stats>", parent_id=claim.id, colour="#123abc", shortcut="Ctrl+1",
                               description="Line one\nline \"two\" & 'three'\ttabbed 😀", attributes=TYPED)
    project.add_category("Ünïcode “quotes”", parent_id=sub.id, description="")
    project.add_category("Last", colour="#ffffff")
    return project


def tree(project, fields=("id", "name", "colour", "shortcut", "description", "attributes")):
    def strip(nodes):
        return [{**{k: n[k] for k in fields}, "children": strip(n["children"])} for n in nodes]
    return strip(export_schema(project)["categories"])


def new_project(tmp_path, name="empty"):
    return create_project(tmp_path / f"{name}.annotator", template=None)


def test_format_from_extension():
    assert (schema_format("a.json"), schema_format("b.QDC"), schema_format("c.xml"), schema_format("d")) == \
        ("json", "qdc", None, None)


def test_json_export_has_the_shape_of_the_shipped_schema(rich, tmp_path):
    write_schema(rich, tmp_path / "s.json")
    data = json.loads((tmp_path / "s.json").read_text("utf-8"))
    assert list(data) == ["format", "version", "name", "description", "categories"]
    assert (data["format"], data["version"], data["name"]) == ("annotator-schema", 1, "test")
    first = data["categories"][0]
    assert list(first) == ["id", "name", "colour", "shortcut", "description", "attributes", "children"]
    assert first["attributes"][0]["type"] == "choice"
    assert first["children"][0]["children"][0]["name"] == "Ünïcode “quotes”"
    write_schema(rich, tmp_path / "again.json")
    assert (tmp_path / "s.json").read_bytes() == (tmp_path / "again.json").read_bytes()


def test_json_round_trip_into_an_empty_project_gives_the_same_schema(rich, tmp_path):
    write_schema(rich, tmp_path / "s.json")
    with new_project(tmp_path) as other:
        summary = import_schema(other, tmp_path / "s.json")
        assert tree(other) == tree(rich)
        assert [c.position for c in other.categories()] == [c.position for c in rich.categories()]
    assert len(summary.added) == 7 and summary.updated == summary.unchanged == summary.notes == []
    assert "Factual claim / Numbers & <stats> / Ünïcode “quotes”" in summary.added
    assert summary.backup.is_file()


def test_qdc_round_trip_keeps_what_the_format_holds(rich, tmp_path):
    assert write_schema(rich, tmp_path / "s.qdc") == 7
    raw = (tmp_path / "s.qdc").read_text("utf-8")
    assert '<CodeBook xmlns="urn:QDA-XML:codebook:1.0" origin="Annotator ' in raw
    assert 'name="Numbers &amp; &lt;stats&gt;" isCodable="true" color="#123ABC"' in raw
    assert "shortcut" not in raw.lower() and "score" not in raw
    with new_project(tmp_path) as other:
        import_schema(other, tmp_path / "s.qdc")
        fields = ("id", "name", "colour", "description")
        assert tree(other, fields) == tree(rich, fields)
        assert {c.shortcut for c in other.categories()} == {None}
        assert {json.dumps(c.attributes) for c in other.categories()} == {"[]"}


def test_qdc_from_another_tool_reads_guids_colours_and_nesting(tmp_path, project):
    (tmp_path / "maxqda.qdc").write_text(
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<CodeBook xmlns="urn:QDA-XML:codebook:1.0" origin="MAXQDA 2022">\n'
        '<Codes><Code guid="{A1B2C3D4-0000-4000-8000-00000000000A}" name="Emotion" isCodable="false">'
        '<Description>Feelings</Description><NoteRef targetGUID="x"/>'
        '<Code guid="A1B2C3D4-0000-4000-8000-00000000000B" name="Joy" isCodable="true" color="#ff00AA"/>'
        '</Code><Code guid="not-a-guid" name="Other" isCodable="true"/></Codes>'
        '<Sets><Set guid="A1B2C3D4-0000-4000-8000-00000000000C" name="S"/></Sets></CodeBook>', "utf-8")
    summary = import_schema(project, tmp_path / "maxqda.qdc")
    assert summary.added == ["Emotion", "Emotion / Joy", "Other"]
    emotion = project.category("a1b2c3d4-0000-4000-8000-00000000000a")
    joy = project.category("a1b2c3d4-0000-4000-8000-00000000000b")
    assert (emotion.description, joy.parent_id, joy.colour) == ("Feelings", emotion.id, "#ff00aa")
    assert project.category("not-a-guid").name == "Other"
    # Read twice: nothing changes.
    again = import_schema(project, tmp_path / "maxqda.qdc")
    assert (again.added, again.updated, len(again.unchanged)) == ([], [], 3)


def test_import_merges_by_id_then_by_name_and_never_duplicates(rich, tmp_path, dump):
    write_schema(rich, tmp_path / "s.json")
    data = json.loads((tmp_path / "s.json").read_text("utf-8"))
    claim, opinion = data["categories"][0], data["categories"][1]
    claim["name"], claim["colour"], claim["description"] = "Claim", "#111111", "new guideline"
    claim["children"][0]["attributes"] = []
    opinion["id"] = "00000000-0000-4000-8000-000000000001"  # another id, same name: matched by name
    opinion["shortcut"] = "P"  # Prediction's key: the file gives Prediction "O" instead (a swap)
    data["categories"][3]["shortcut"] = "O"
    data["categories"].append({"name": "Brand new", "children": [{"name": "Child", "shortcut": "N"}]})
    (tmp_path / "edited.json").write_text(json.dumps(data), "utf-8")
    summary = import_schema(rich, tmp_path / "edited.json")
    assert summary.added == ["Brand new", "Brand new / Child"]
    assert summary.updated == ["Claim", "Claim / Numbers & <stats>", "Opinion", "Prediction"]
    assert summary.unchanged == ["Claim / Numbers & <stats> / Ünïcode “quotes”", "Unverified allegation", "Last"]
    cats = {c.name: c for c in rich.categories()}
    assert (cats["Claim"].colour, cats["Claim"].description) == ("#111111", "new guideline")
    assert cats["Numbers & <stats>"].attributes == []
    assert (cats["Opinion"].shortcut, cats["Prediction"].shortcut) == ("P", "O")
    assert cats["Opinion"].id == "9922c253-8692-50d8-8070-ea4804e9ff52"  # the project's id stays
    assert cats["Child"].parent_id == cats["Brand new"].id
    before = dump(rich)
    again = import_schema(rich, tmp_path / "edited.json")
    assert (again.added, again.updated) == ([], [])
    assert dump(rich) == before


def test_a_shortcut_held_by_a_category_outside_the_file_is_not_taken(project, tmp_path):
    (tmp_path / "s.json").write_text(json.dumps({"format": "annotator-schema", "version": 1, "categories": [
        {"name": "Opinion", "shortcut": "F"}, {"name": "Extra", "shortcut": "U"}]}), "utf-8")
    summary = import_schema(project, tmp_path / "s.json")
    cats = {c.name: c for c in project.categories()}
    assert (cats["Opinion"].shortcut, cats["Extra"].shortcut, cats["Factual claim"].shortcut) == ("O", None, "F")
    assert summary.notes == [
        "category 'Opinion': shortcut 'F' is used by 'Factual claim'; keeps 'O'",
        "category 'Extra': shortcut 'U' is used by 'Unverified allegation'; added without a shortcut",
    ]
    assert summary.unchanged == ["Opinion"]


def test_a_rename_by_id_that_clashes_refuses_the_whole_import(project, tmp_path, dump):
    first, second = project.categories()[:2]
    (tmp_path / "s.json").write_text(json.dumps({"format": "annotator-schema", "version": 1, "categories": [
        {"id": first.id, "name": "Fresh", "colour": "#000000"}, {"id": second.id, "name": "Unverified allegation"}]}))
    before = dump(project)
    with pytest.raises(SchemaFileError, match="s.json: category 'Opinion' is renamed 'Unverified allegation' in the "
                                              "file, but the project has another category of that name"):
        import_schema(project, tmp_path / "s.json")
    assert dump(project) == before


def nested(depth):
    node = {"name": "leaf"}
    for i in range(depth - 1):
        node = {"name": f"n{i}", "children": [node]}
    return node


def schema_file(categories, **top):
    return json.dumps({"format": "annotator-schema", "version": 1, **top, "categories": categories})


HOSTILE_JSON = [
    (b"", "the file is empty"),
    (b"\xff\xfe{", "not UTF-8 text"),
    (b'{"format": "annotator-schema", "version": 1, "categories": [',
     "not valid JSON at line 1, column 61: Expecting value"),
    (b'{"format": "annotator-schema", "version": 1, "categories": [{"name": NaN}]}', "NaN is not a JSON value"),
    (b"[" * 100_000 + b"]" * 100_000, "JSON nested too deeply"),
    (b'{"format": "annotator-export", "version": 1}', 'not an Annotator schema \\(no "format": "annotator-schema"\\)'),
    (b'{"format": "annotator-schema", "version": 2, "categories": []}',
     "schema version 2 was written by a newer Annotator"),
    (b'{"format": "annotator-schema", "version": "1", "categories": []}', "\\$.version: must be a whole number"),
    (b'{"format": "annotator-schema", "version": 1}', "\\$.categories: must be a list of categories"),
    (b'{"format": "annotator-schema", "version": 1, "categories": [], "extra": 1}',
     "\\$: unknown field\\(s\\) 'extra'"),
    (schema_file([{"colour": "#000000"}]), "\\$.categories\\[0\\]: a category needs a name"),
    (schema_file([{"name": "  "}]), "\\$.categories\\[0\\]: a category needs a name"),
    (schema_file([{"name": 5}]), "\\$.categories\\[0\\]: the name must be text"),
    (schema_file(["Opinion"]), "\\$.categories\\[0\\]: must be an object"),
    (schema_file([{"name": "A", "colour": "red"}]), "\\$.categories\\[0\\] \\('A'\\): invalid colour 'red'"),
    (schema_file([{"name": "A", "shortcut": 7}]), "the shortcut must be text or null"),
    (schema_file([{"name": "A", "description": ["x"]}]), "the description must be text"),
    (schema_file([{"name": "A", "id": 12}]), "\\('A'\\): the id must be text of 1 to 100 characters"),
    (schema_file([{"name": "A", "size": 12}]), "\\$.categories\\[0\\]: unknown field\\(s\\) 'size'"),
    (schema_file([{"name": "A", "attributes": [{"name": "x", "type": "date"}]}]),
     "\\('A'\\): attribute 'x': type must be"),
    (schema_file([{"name": "A", "children": {"name": "B"}}]), "\\('A'\\).children: must be a list of categories"),
    (schema_file([{"name": "A", "children": [{"name": "B"}, {"name": "b"}]}]),
     "\\('A'\\).children: two categories named 'b' under the same parent"),
    (schema_file([{"name": "A", "id": "x"}, {"name": "B", "id": "x"}]), "\\('B'\\): id x is also used by"),
    (schema_file([{"name": "A", "shortcut": "k"}, {"name": "B", "shortcut": "K"}]),
     "\\('B'\\): shortcut 'K' is also given to category 'A'"),
    (schema_file([nested(MAX_DEPTH + 1)]), f"nested more than {MAX_DEPTH} levels deep"),
    (schema_file([{"name": f"c{i}"} for i in range(MAX_CATEGORIES + 1)]), "more than 10,000 categories"),
    (schema_file([{"name": "x" * 201}]), "the category name is too long"),
]


@pytest.mark.parametrize("content, message", HOSTILE_JSON, ids=range(len(HOSTILE_JSON)))
def test_malformed_json_is_refused_with_one_message_and_changes_nothing(project, tmp_path, dump, annotator_home,
                                                                       content, message):
    path = tmp_path / "bad.json"
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    before = dump(project)
    with pytest.raises(SchemaFileError, match=f"^{path}: .*{message}"):
        import_schema(project, path)
    assert dump(project) == before
    assert not list(annotator_home.glob("backups/*schema-import*"))  # refused before the backup


def test_the_deepest_and_largest_allowed_schema_imports_quickly(tmp_path):
    path = tmp_path / "deep.json"
    flat = [{"name": f"c{i}"} for i in range(MAX_CATEGORIES - MAX_DEPTH)]
    path.write_text(schema_file([nested(MAX_DEPTH), *flat]), "utf-8")
    with new_project(tmp_path) as other:
        summary = import_schema(other, path)
        assert len(summary.added) == MAX_CATEGORIES


def test_files_larger_than_the_cap_are_refused_unread(project, tmp_path, dump):
    path = tmp_path / "huge.json"
    with path.open("wb") as handle:
        handle.truncate(MAX_FILE_BYTES + 1)
    before = dump(project)
    with pytest.raises(SchemaFileError, match="huge.json: the file is 16.0 MiB; schema files of up to 16 MiB"):
        import_schema(project, path)
    for missing, message in ((tmp_path / "none.json", "no such file"), (tmp_path, "is a folder")):
        with pytest.raises(SchemaFileError, match=message):
            import_schema(project, missing)
    assert dump(project) == before


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes><Code guid="a" name="&lol3;" isCodable="true"/></Codes></CodeBook>"""
EXTERNAL = """<?xml version="1.0"?>
<!DOCTYPE c [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes><Code name="&xxe;" isCodable="true"/></Codes></CodeBook>"""
PARAMETER = """<?xml version="1.0"?><!DOCTYPE c SYSTEM "http://example.invalid/evil.dtd">
<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes/></CodeBook>"""


def codebook(codes):
    return f'<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>{codes}</Codes></CodeBook>'


HOSTILE_XML = [
    (BILLION_LAUGHS, "declares a DOCTYPE or entities"),
    (EXTERNAL, "declares a DOCTYPE or entities"),
    (PARAMETER, "declares a DOCTYPE or entities"),
    ("<CodeBook><Codes><Code name='a'></Codes></CodeBook>", "not well-formed XML at line 1, column 35: mismatched tag"),
    ('<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>', "not well-formed XML at line 1"),
    (codebook('<Code name="&undefined;" isCodable="true"/>'), "undefined entity"),
    ("<Codes><Code name='a'/></Codes>", "not a REFI-QDA codebook: the root element is <Codes>, not <CodeBook>"),
    ("<Project><Codes/></Project>", "a REFI-QDA project without a <CodeBook>: it has no codes to import"),
    ('<CodeBook xmlns="urn:other"><Codes/></CodeBook>',
     "<CodeBook> is in the namespace 'urn:other', not 'urn:QDA-XML:codebook:1.0'"),
    (codebook('<Code guid="a" isCodable="true"/>'), "<Code> at line 1: has no name"),
    (codebook('<Code name=" " isCodable="true"/>'), "<Code> at line 1: has no name"),
    (codebook('<Code name="A" color="blue" isCodable="true"/>'), "<Code> at line 1 \\('A'\\): invalid colour 'blue'"),
    (codebook('<Code name="A" isCodable="true"/><Code name="a" isCodable="true"/>'), "two categories named 'a'"),
    (codebook('<Code name="A" guid="x"/><Code name="B" guid="x"/>'), "id x is also used by"),
    (codebook("<Code name='A'>" * (MAX_DEPTH + 1) + "</Code>" * (MAX_DEPTH + 1)), "nested more than 32 levels"),
    (codebook("<Code name='A'>" * 200 + "</Code>" * 200), "nested more than 32 levels"),
    ("<CodeBook><Codes>" + "<x>" * 200 + "</x>" * 200 + "</Codes></CodeBook>", "elements are nested too deeply"),
    (codebook("".join(f"<Code name='c{i}'/>" for i in range(MAX_CATEGORIES + 1))), "more than 10,000 codes"),
]


@pytest.mark.parametrize("content, message", HOSTILE_XML, ids=range(len(HOSTILE_XML)))
def test_malformed_or_hostile_qdc_is_refused_before_expansion(project, tmp_path, dump, content, message):
    path = tmp_path / "bad.qdc"
    path.write_text(content, "utf-8")
    before = dump(project)
    with pytest.raises(SchemaFileError, match=f"^{path}: .*({message})"):
        import_schema(project, path)
    assert dump(project) == before


def test_read_schema_guesses_the_format_of_other_names(rich, tmp_path):
    write_schema(rich, tmp_path / "s.qdc")
    write_schema(rich, tmp_path / "s.json")
    (tmp_path / "codebook.xml").write_bytes((tmp_path / "s.qdc").read_bytes())
    (tmp_path / "schema.txt").write_bytes((tmp_path / "s.json").read_bytes())
    assert [c["name"] for c in read_schema(tmp_path / "codebook.xml")["categories"]][:2] == ["Factual claim", "Opinion"]
    assert read_schema(tmp_path / "schema.txt")["name"] == "test"
    with pytest.raises(Exception, match="unknown schema format"):
        write_schema(rich, tmp_path / "s.yaml")
