"""The default Claims schema: shipped in resources/, usable guidelines, distinct colours and keys."""

import re

from annotator.core import resources
from annotator.core.schema.templates import load_template


def test_new_projects_get_the_claims_schema(project):
    cats = project.categories()
    names = [c.name for c in cats]
    assert names[:3] == ["Factual claim", "Opinion", "Unverified allegation"]
    assert len({c.colour for c in cats}) == len(cats)
    assert len({c.shortcut.casefold() for c in cats}) == len(cats)
    for cat in cats:
        assert re.fullmatch(r"#[0-9a-f]{6}", cat.colour)
        words = cat.description.split()
        assert len(words) >= 50, f"{cat.name}: the guideline should be a real paragraph"
        assert "Example" in cat.description, f"{cat.name}: the guideline needs an example"
        assert "not count" in cat.description, f"{cat.name}: say what does not count"


def test_the_schema_is_read_through_importlib_resources():
    data = load_template("claims")
    assert data["name"] == "Claims"
    assert resources.resource_root().joinpath("schemas", "claims.json").is_file()


def test_category_ids_are_the_same_in_every_new_project(tmp_path):
    from annotator.core.schema.templates import create_project

    with create_project(tmp_path / "a.annotator") as a, create_project(tmp_path / "b.annotator") as b:
        assert [c.id for c in a.categories()] == [c.id for c in b.categories()]


def test_empty_project_has_no_categories(tmp_path):
    from annotator.core.schema.templates import create_project

    with create_project(tmp_path / "e.annotator", template=None) as p:
        assert p.categories() == []
