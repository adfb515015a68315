"""Files shipped in the top-level resources/ folder (default schema, sample texts, later icons).

A wheel and a PyInstaller bundle carry that folder as ``annotator/resources`` (pyproject's
force-include; the PyInstaller spec adds it under the same name). A source checkout, including an
editable install, has it beside the package instead. Both are reached through
``importlib.resources`` Traversables, so no code builds paths from ``__file__``.
"""

from __future__ import annotations

import json
from importlib import resources
from importlib.resources.abc import Traversable


def resource_root() -> Traversable:
    """The resources folder, wherever this installation keeps it."""
    package = resources.files("annotator")
    inside = package / "resources"
    if inside.is_dir():
        return inside
    beside = package.parent / "resources"  # a source checkout
    if beside.is_dir():
        return beside
    raise FileNotFoundError("Annotator's resources folder is missing from this installation")


def _node(*parts: str) -> Traversable:
    node = resource_root()
    for part in parts:
        node = node / part
    return node


def read_text(*parts: str) -> str:
    """Text of a resource file, e.g. ``read_text("schemas", "claims.json")``."""
    return _node(*parts).read_text(encoding="utf-8")


def file_names(*parts: str, suffix: str = "") -> list[str]:
    """Sorted names of the files in a resource folder that end with ``suffix``, e.g.
    ``file_names("samples", suffix=".txt")``."""
    return sorted(n.name for n in _node(*parts).iterdir() if n.is_file() and n.name.endswith(suffix))


def read_json(*parts: str):
    """Parsed JSON of a resource file."""
    return json.loads(read_text(*parts))
