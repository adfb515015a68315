"""Files shipped in the top-level resources/ folder (default schema, sample texts, icons, desktop
files) and docs/ folder (the documentation pages, which the app's Help shows).

A wheel and a PyInstaller bundle carry those folders as ``annotator/resources`` and
``annotator/docs`` (pyproject's force-include; the PyInstaller spec adds them under the same
names). A source checkout, including an editable install, has them beside the package instead. Both are reached through
``importlib.resources`` Traversables, so no code builds paths from ``__file__``.
"""

from __future__ import annotations

import json
from importlib import resources
from importlib.resources.abc import Traversable


def _shipped(name: str) -> Traversable:
    """The top-level folder ``name`` shipped inside the package (a wheel, a bundle), or beside it
    (a source checkout)."""
    package = resources.files("annotator")
    inside = package / name
    if inside.is_dir():
        return inside
    beside = package.parent / name  # a source checkout
    if beside.is_dir():
        return beside
    raise FileNotFoundError(f"Annotator's {name} folder is missing from this installation")


def resource_root() -> Traversable:
    """The resources folder, wherever this installation keeps it."""
    return _shipped("resources")


def docs_root() -> Traversable:
    """The documentation (the top-level docs/ folder's pages), wherever this installation keeps it."""
    return _shipped("docs")


def doc_pages() -> dict[str, str]:
    """The documentation pages by file name (``"agreement.md"``), each with its title (its first
    heading), in file-name order."""
    pages = {}
    for node in sorted(docs_root().iterdir(), key=lambda n: n.name):
        if node.is_file() and node.name.endswith(".md"):
            first = next((line for line in node.read_text(encoding="utf-8").splitlines() if line.strip()), "")
            pages[node.name] = first.lstrip("#").strip().replace("`", "") or node.name
    return pages


def read_doc(name: str) -> str:
    """The Markdown text of the documentation page ``name`` (e.g. ``"agreement.md"``)."""
    if name not in doc_pages():
        raise FileNotFoundError(f"no documentation page named {name!r}")
    return (docs_root() / name).read_text(encoding="utf-8")


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
