"""Hostile or broken REFI-QDA packages (issue 17, point 6): each gets one QdpxError naming the file
and the reason, and the project is left as it was (no document, code, coder or coding, no backup).
REFI-QDA 1.5, section 8.1: "The QDPX file is a zip file containing the project.qde file and a
sources folder"; section 8.3: "Internal files must exist within the sources subfolder"."""

from __future__ import annotations

import zipfile

import pytest

from annotator.core.errors import QdpxError
from annotator.core.exchange.qdpx import package as qdpx_package
from annotator.core.exchange.qdpx.apply import import_qdpx
from annotator.core.exchange.qdpx.package import open_package
from annotator.core.schema.templates import create_project
from annotator.core.storage.backups import list_backups
from tests.core.qdpx_fixtures import (
    ALICE,
    CLAIM,
    TEXT,
    Sel,
    Src,
    codebook,
    guid,
    qde,
    vendor_package,
    write_qdpx,
)


@pytest.fixture
def empty(tmp_path):
    with create_project(tmp_path / "empty.annotator", template=None) as project:
        project.add_document("Already here", "a document the project held before")
        yield project


def refused(project, path, dump) -> str:
    """The message of the import's refusal, after checking that it changed nothing."""
    before = dump(project)
    with pytest.raises(QdpxError) as caught:
        import_qdpx(project, path)
    assert dump(project) == before
    assert list_backups(project.path) == []
    message = str(caught.value)
    assert message.startswith(str(path)) and "\n" not in message
    return message


def good_qde() -> tuple[bytes, dict[str, bytes]]:
    return qde("qualcoder", "QualCoder 3.5", {ALICE: "Alice"}, codebook([(CLAIM, "Claim", "#FF0000")]),
               [Src("One", TEXT, [Sel("Second line", CLAIM)])])


def with_member(tmp_path, name: str, data: bytes = b"x", **info) -> object:
    raw, members = good_qde()
    path = write_qdpx(tmp_path / "study.qdpx", raw, members)
    with zipfile.ZipFile(path, "a") as archive:
        entry = zipfile.ZipInfo(name)
        for key, value in info.items():
            setattr(entry, key, value)
        archive.writestr(entry, data)
    return path


def test_a_file_that_is_not_a_zip_is_refused(empty, tmp_path, dump):
    path = tmp_path / "study.qdpx"
    path.write_text("<Project/>", "utf-8")
    assert "not a zip file" in refused(empty, path, dump)


def test_a_missing_file_is_refused(empty, tmp_path, dump):
    assert "cannot read the file" in refused(empty, tmp_path / "nothing.qdpx", dump)


@pytest.mark.parametrize("name", ["../evil.txt", "sources/../../evil.txt", "/etc/evil", "C:/evil.txt",
                                  "sources\\evil.txt"])
def test_member_names_outside_the_package_are_refused(empty, tmp_path, dump, name):
    message = refused(empty, with_member(tmp_path, name), dump)
    assert "named outside the package" in message


def test_a_symbolic_link_is_refused(empty, tmp_path, dump):
    path = with_member(tmp_path, "sources/link.txt", b"/etc/passwd", external_attr=(0o120777 << 16))
    assert "is a symbolic link" in refused(empty, path, dump)


def test_a_zip_bomb_is_refused_from_the_directory_before_unpacking(empty, tmp_path, dump):
    path = with_member(tmp_path, "sources/bomb.txt", b"\0" * (8 * 2**20), compress_type=zipfile.ZIP_DEFLATED)
    assert "compressed more than 200 to 1: refused as a zip bomb" in refused(empty, path, dump)


def test_the_total_unpacked_size_is_limited(empty, tmp_path, dump, monkeypatch):
    monkeypatch.setattr(qdpx_package, "MAX_UNPACKED_BYTES", 3000)
    path = with_member(tmp_path, "sources/big.txt", bytes(range(256)) * 10)
    assert "refused as a zip bomb" in refused(empty, path, dump)


def test_an_over_large_member_is_refused(empty, tmp_path, dump, monkeypatch):
    monkeypatch.setattr(qdpx_package, "MAX_MEMBER_BYTES", 1000)
    path = with_member(tmp_path, "sources/big.txt", bytes(range(256)) * 5)
    assert "members of up to" in refused(empty, path, dump)


def test_a_member_larger_than_its_directory_says_is_refused_while_reading(tmp_path):
    raw, members = good_qde()
    path = write_qdpx(tmp_path / "study.qdpx", raw, members)
    with open_package(path) as package:
        package.members[package.qde_name].file_size = 10  # as a lying directory would say
        with pytest.raises(QdpxError, match="holds more than the zip's directory says|cannot be unpacked"):
            package.qde()


def test_a_zip_without_project_qde_is_refused(empty, tmp_path, dump):
    path = tmp_path / "study.qdpx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("sources/a.txt", "text")
    assert "no project.qde at the root of the zip" in refused(empty, path, dump)


def test_two_qde_files_and_no_project_qde_are_refused(empty, tmp_path, dump):
    raw, members = good_qde()
    path = write_qdpx(tmp_path / "study.qdpx", raw, members, "one.qde")
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr("two.qde", raw)
    assert "found one.qde, two.qde" in refused(empty, path, dump)


def test_atlas_ti_names_its_project_file_after_the_project(empty, tmp_path):
    report = import_qdpx(empty, vendor_package(tmp_path, "atlasti"))  # Study.qde, no project.qde
    assert report.documents_added == 1 and report.codings_imported == 3


def test_a_missing_source_is_refused(empty, tmp_path, dump):
    raw, _members = good_qde()
    message = refused(empty, write_qdpx(tmp_path / "study.qdpx", raw, {}), dump)
    assert "the source 'One''s plainTextPath names 'internal://" in message
    assert "which the package does not hold" in message


def test_a_source_outside_the_package_is_not_read(empty, tmp_path, dump):
    raw, members = good_qde()
    raw = raw.replace(b'plainTextPath="internal://', b'plainTextPath="absolute:///etc/')
    assert "outside the package; only sources inside the .qdpx are read" in refused(
        empty, write_qdpx(tmp_path / "study.qdpx", raw, members), dump)


@pytest.mark.parametrize("declaration", [
    b'<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>',
    b'<!DOCTYPE p [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
    b'<!DOCTYPE p SYSTEM "http://example.invalid/evil.dtd">',
])
def test_a_doctype_or_entity_declaration_is_refused(empty, tmp_path, dump, declaration):
    raw, members = good_qde()
    raw = raw.replace(b"?>", b"?>" + declaration, 1)
    message = refused(empty, write_qdpx(tmp_path / "study.qdpx", raw, members), dump)
    assert "(project.qde): the file declares a DOCTYPE or entities, which REFI-QDA projects may not" in message


def test_invalid_xml_is_refused(empty, tmp_path, dump):
    raw, members = good_qde()
    message = refused(empty, write_qdpx(tmp_path / "study.qdpx", raw[:-40], members), dump)
    assert "(project.qde): not well-formed XML at line" in message


@pytest.mark.parametrize("value", ["12.5", "ten", "", "1e3"])
def test_positions_that_are_not_integers_are_refused(empty, tmp_path, dump, value):
    # Project.xsd: <xsd:attribute name="startPosition" type="xsd:integer" use="required"/>
    raw, members = good_qde()
    raw = raw.replace(b'startPosition="', f'startPosition="{value}" x="'.encode(), 1)
    message = refused(empty, write_qdpx(tmp_path / "study.qdpx", raw, members), dump)
    assert f"<PlainTextSelection> {guid('qualcoder-0-sel-0')}: startPosition {value!r} is not a whole number" in message


def test_a_root_other_than_project_is_refused(empty, tmp_path, dump):
    message = refused(empty, write_qdpx(tmp_path / "study.qdpx", b"<CodeBook/>", {}), dump)
    assert "not a REFI-QDA project: the root element is <CodeBook>" in message
