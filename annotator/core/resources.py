"""Files shipped in the top-level resources/ folder (default schema, sample texts, icons, desktop files).

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


def read_bytes(*parts: str) -> bytes:
    """Bytes of a resource file, e.g. ``read_bytes("icons", "annotator.svg")``."""
    return _node(*parts).read_bytes()


ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


def app_icon_pngs() -> dict[int, bytes]:
    """The application icon as PNG bytes by pixel size (resources/icons/hicolor, made by
    packaging/make_icons.py); sizes missing from this installation are left out."""
    from annotator import APP_ID

    found = {}
    for size in ICON_SIZES:
        node = _node("icons", "hicolor", f"{size}x{size}", "apps", f"{APP_ID}.png")
        if node.is_file():
            found[size] = node.read_bytes()
    return found


def read_json(*parts: str):
    """Parsed JSON of a resource file."""
    return json.loads(read_text(*parts))
