"""A project holding a row in every table, for the tests of ``annotator copy`` and server backups."""

from __future__ import annotations

from pathlib import Path

from annotator.core.agreement.adjudication import adjudication_units
from annotator.core.exchange.export_file import write_export
from annotator.core.project.gold import GoldSpan
from annotator.core.schema.templates import create_project

TEXT = "Grüße, ﬁne 😀 𐌰𠀋 naïve\u00a0café e\u0301 — “quoted”\nThe minister said taxes will rise.\n"


def rich_project(path: Path) -> Path:
    """Nested categories with attributes, documents with metadata, coders, annotations with notes
    and attributes, a gold decision, statuses and settings."""
    with create_project(path) as project:
        cats = project.categories()
        child = project.add_category("Sub-claim ünï", parent_id=cats[0].id,
                                     attributes=[{"name": "score", "type": "number", "min": 0, "max": 10}])
        grandchild = project.add_category("Detail 😀", parent_id=child.id)
        one = project.add_document("Ünïcødé 😀", TEXT, source="one.txt",
                                   metadata={"b": 1, "a": ["ß", {"z": None, "y": 1.5}]}).document
        two = project.add_document("Two", "Another text with an NBSP:\u00a0here.\n", metadata={}).document
        alice, bob = project.add_annotator("alice"), project.add_annotator("Ayşe")
        a = project.add_annotation(one.id, cats[0].id, alice.id, 0, 5)
        b = project.add_annotation(one.id, cats[0].id, bob.id, 0, 5, note="emoji 😀 inside\nsecond line")
        project.add_annotation(one.id, child.id, alice.id, TEXT.index("😀"), TEXT.index("😀") + 1,
                               attributes={"score": 7})
        project.add_annotation(two.id, grandchild.id, bob.id, 8, 12)
        unit = adjudication_units(project)[0]
        project.decide(one.id, unit_id=unit.id, start=unit.start, end=unit.end, kind="accepted",
                       spans=[GoldSpan(0, 5, cats[0].id)], sources=[a.id, b.id], by=alice.id, reason="both")
        project.set_document_status(one.id, alice.id, "done")
        project.set_document_status(two.id, bob.id, "in progress")
        project.set_setting("blind_coding", True, by=alice.id)
    return path


def export_bytes(project, path: Path) -> bytes:
    write_export(project, path)
    return path.read_bytes()
