"""Schema templates: the schemas a new project can start from.

The built-in ones ship in resources/schemas/ (the *Claims* schema, always listed first); user
templates are Annotator schema JSON files (docs/schema-format.md) in ``paths.data_dir() /
"templates"``, one per template, named ``<template name>.json``. ``save_template`` writes the
current project's schema there; ``create_project(path, template=<template name>)`` starts a new
project from one (``Project.create`` itself knows no templates: it takes the categories).
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any, NamedTuple

from annotator import paths
from annotator.core import resources
from annotator.core.errors import ValidationError, quoted
from annotator.core.files import open_output
from annotator.core.project.project import Project
from annotator.core.schema.files import export_schema, parse_schema_json, read_schema, schema_json
from annotator.core.text import CONTROL_CHARACTERS, LONE_SURROGATES

log = logging.getLogger(__name__)

BUILT_IN = "built-in"
USER = "user"
DEFAULT = "claims"  # the resource file of the default template
MAX_NAME = 100
_FORBIDDEN = re.compile(r'[/\\:*?"<>|]')
_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)), *(f"lpt{i}" for i in range(1, 10))}


class Template(NamedTuple):
    """A template as listed: its name and where it comes from (``"built-in"`` or ``"user"``)."""

    name: str
    source: str


def templates_dir() -> Path:
    """The folder of user templates (not created until a template is saved)."""
    return paths.data_dir() / "templates"


def _built_ins() -> dict[str, str]:
    """Built-in templates, display name -> resource file stem; the default first."""
    stems = [n.removesuffix(".json") for n in resources.file_names("schemas", suffix=".json")]
    stems.sort(key=lambda stem: (stem != DEFAULT, stem))
    out: dict[str, str] = {}
    for stem in stems:
        data = _built_in_data(stem)
        out[data.get("name") or stem] = stem
    return out


def _built_in_data(stem: str) -> dict[str, Any]:
    data = resources.read_text("schemas", f"{stem}.json").encode("utf-8")
    return parse_schema_json(data, f"built-in template {stem}")


def _user_files() -> dict[str, Path]:
    folder = templates_dir()
    if not folder.is_dir():
        return {}
    return {p.stem: p for p in sorted(folder.glob("*.json"), key=lambda p: p.stem.casefold())
            if p.is_file() and not p.name.startswith(".")}


def list_templates() -> list[Template]:
    """The built-in templates (*Claims* first), then the user's, by name."""
    return [Template(name, BUILT_IN) for name in _built_ins()] + [Template(name, USER) for name in _user_files()]


def load_template(name: str) -> dict[str, Any]:
    """A template's checked schema (``{"name", "description", "categories"}``) by its name, any
    case: a built-in one (also by its resource name, e.g. ``"claims"``) or a user one.
    ValidationError when there is none; SchemaFileError when a user template file is broken."""
    wanted = name.strip().casefold() if isinstance(name, str) else ""
    for display, stem in _built_ins().items():
        if wanted in (display.casefold(), stem.casefold()):
            return _built_in_data(stem)
    for stem, path in _user_files().items():
        if stem.casefold() == wanted:
            return read_schema(path)
    raise ValidationError(f"no schema template named {quoted(name)}")


def template_categories(name: str = DEFAULT) -> list[dict[str, Any]]:
    """The checked category nodes of the template ``name`` (the default: *Claims*), for
    ``Project.create``; errors as ``load_template``."""
    return load_template(name)["categories"]


def create_project(path: str | Path, name: str | None = None, template: str | None = DEFAULT) -> Project:
    """``Project.create`` with the categories of the template ``template`` (see ``load_template``:
    a built-in one such as ``"claims"`` or ``"Claims"``, the default, or one the user saved), or
    without categories for None. The template is read before the file is made."""
    return Project.create(path, name, template_categories(template) if template else ())


def check_template_name(name: str) -> str:
    """A usable template name (it becomes a file name), stripped; ValidationError otherwise."""
    clean = name.strip() if isinstance(name, str) else ""
    if not clean:
        raise ValidationError("a template needs a name")
    if len(clean) > MAX_NAME:
        raise ValidationError(f"a template name can have at most {MAX_NAME} characters")
    if _FORBIDDEN.search(clean) or CONTROL_CHARACTERS.search(clean) or LONE_SURROGATES.search(clean) \
            or "\n" in clean or "\t" in clean:
        raise ValidationError(f"template name {clean!r} may not contain / \\ : * ? \" < > | or control characters")
    if clean.startswith(".") or clean.endswith(".") or clean.split(".")[0].casefold() in _RESERVED:
        raise ValidationError(f"template name {quoted(clean)} cannot be used as a file name")
    return clean


def save_template(project: Project, name: str, replace: bool = False) -> Path:
    """Save the project's schema as the user template ``name``; returns the file written.

    Refused when the name is not usable, is a built-in template's, or is an existing user
    template's (ignoring case) and ``replace`` is false."""
    clean = check_template_name(name)
    for display, stem in _built_ins().items():
        if clean.casefold() in (display.casefold(), stem.casefold()):
            raise ValidationError(f"{quoted(display)} is a built-in template; choose another name")
    existing = next((p for stem, p in _user_files().items() if stem.casefold() == clean.casefold()), None)
    if existing is not None and not replace:
        raise ValidationError(f"a template named {quoted(existing.stem)} already exists; "
                              "replace it or choose another name")
    folder = templates_dir()
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{clean}.json"
    data = export_schema(project, name=clean, description=f"Saved from the project {quoted(project.info().name)}.")
    with open_output(existing or target) as handle:
        handle.write(schema_json(data))
    if existing is not None and existing.name != target.name:  # replaced, under a name in another case
        existing.replace(target)
    return target
