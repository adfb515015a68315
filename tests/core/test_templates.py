"""Schema templates: the built-in Claims first, user templates saved as JSON in the data folder,
and new projects started from either."""

import json

import pytest

from annotator import paths
from annotator.core.errors import SchemaFileError, ValidationError
from annotator.core.schema.files import export_schema
from annotator.core.schema.templates import (
    Template,
    create_project,
    list_templates,
    load_template,
    save_template,
    templates_dir,
)

TYPED = [{"name": "tone", "type": "choice", "choices": ["calm", "angry"], "default": "calm"}]


def schema_of(project):
    return export_schema(project, name="", description="")["categories"]


def test_claims_is_the_first_and_only_built_in_template():
    assert list_templates() == [Template("Claims", "built-in")]
    assert not templates_dir().exists()  # listing creates nothing
    assert load_template("claims") == load_template("Claims") == load_template(" CLAIMS ")


def test_save_list_and_start_a_project_from_a_user_template(project, tmp_path):
    project.add_category("Framing", colour="#123456", shortcut="G", description="How it is put",
                         attributes=TYPED, parent_id=project.categories()[1].id)
    path = save_template(project, "My study")
    assert path == paths.data_dir() / "templates" / "My study.json"
    data = json.loads(path.read_text("utf-8"))
    assert (data["format"], data["version"], data["name"]) == ("annotator-schema", 1, "My study")
    assert list_templates() == [Template("Claims", "built-in"), Template("My study", "user")]
    with create_project(tmp_path / "new.annotator", template="my study") as new:
        assert schema_of(new) == schema_of(project)
        assert [c.position for c in new.categories()] == [c.position for c in project.categories()]


def test_claims_still_works_by_either_name(tmp_path):
    with (create_project(tmp_path / "a.annotator") as a,
          create_project(tmp_path / "b.annotator", template="Claims") as b):
        assert schema_of(a) == schema_of(b)
        assert [c.shortcut for c in a.categories()] == ["F", "O", "U", "P"]


@pytest.mark.parametrize("name, message", [
    ("", "a template needs a name"),
    ("   ", "a template needs a name"),
    ("a/b", "may not contain"),
    ("a\\b", "may not contain"),
    ("what?", "may not contain"),
    ("tab\there", "may not contain"),
    ("x" * 101, "at most 100 characters"),
    (".hidden", "cannot be used as a file name"),
    ("CON", "cannot be used as a file name"),
    ("nul.txt", "cannot be used as a file name"),
    ("claims", "'Claims' is a built-in template; choose another name"),
    ("CLAIMS", "'Claims' is a built-in template"),
])
def test_invalid_or_built_in_names_are_refused(project, name, message):
    with pytest.raises(ValidationError, match=message):
        save_template(project, name)
    assert not templates_dir().exists() or not any(templates_dir().iterdir())


def test_an_existing_user_template_is_replaced_only_when_asked(project, tmp_path):
    save_template(project, "Team")
    project.add_category("Extra")
    with pytest.raises(ValidationError, match="a template named 'Team' already exists; replace it"):
        save_template(project, "team")
    assert [c["name"] for c in load_template("Team")["categories"]][-1] == "Prediction"
    path = save_template(project, "team", replace=True)
    assert path.name == "team.json"
    assert list_templates()[1:] == [Template("team", "user")]
    assert [c["name"] for c in load_template("TEAM")["categories"]][-1] == "Extra"


def test_unknown_and_broken_templates(project, tmp_path):
    with pytest.raises(ValidationError, match="no schema template named 'nope'"):
        create_project(tmp_path / "x.annotator", template="nope")
    assert not (tmp_path / "x.annotator").exists()
    templates_dir().mkdir(parents=True)
    (templates_dir() / "Broken.json").write_text("{not json", "utf-8")
    assert Template("Broken", "user") in list_templates()
    with pytest.raises(SchemaFileError, match="Broken.json: not valid JSON"):
        create_project(tmp_path / "y.annotator", template="Broken")
    assert not (tmp_path / "y.annotator").exists()
