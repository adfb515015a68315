"""The documentation ships inside the package (issue 13, point 18): every page of docs/ is in the
wheel's mapping and the bundle's, is found through importlib.resources where a wheel puts it, and
no text a user reads points to a docs/ folder they do not have."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

from annotator.core import resources

ROOT = Path(__file__).resolve().parents[2]
PAGES = sorted(p.name for p in (ROOT / "docs").glob("*.md"))


def force_include() -> dict[str, str]:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return pyproject["tool"]["hatch"]["build"]["targets"]["wheel"]["force-include"]


def test_every_page_is_found_with_its_title():
    pages = resources.doc_pages()
    assert list(pages) == PAGES and len(PAGES) >= 9
    assert pages["agreement.md"] == "Agreement measures"
    assert pages["exchange-format.md"] == "The exchange file (annotator-export, version 3)"  # no Markdown left
    for name in PAGES:
        assert resources.read_doc(name) == (ROOT / "docs" / name).read_text(encoding="utf-8")


def test_the_wheel_maps_every_page_into_the_package():
    mapping = force_include()
    assert {name: mapping.get(f"docs/{name}") for name in PAGES} == {name: f"annotator/docs/{name}" for name in PAGES}


def test_the_bundle_takes_every_page_into_the_package():
    spec = (ROOT / "packaging" / "annotator.spec").read_text(encoding="utf-8")
    assert '*[(str(page), "annotator/docs") for page in sorted((ROOT / "docs").glob("*.md"))]' in spec


def test_an_installed_package_finds_its_own_copy(tmp_path):
    """Lay the package out as the wheel does (pyproject's force-include), away from the checkout,
    and ask it for its pages in a fresh interpreter."""
    site = tmp_path / "site"
    shutil.copytree(ROOT / "annotator", site / "annotator", ignore=shutil.ignore_patterns("__pycache__"))
    for source, target in force_include().items():
        copy = shutil.copytree if (ROOT / source).is_dir() else shutil.copy2
        (site / target).parent.mkdir(parents=True, exist_ok=True)
        copy(ROOT / source, site / target)
    assert not (site / "docs").exists()  # nothing beside the package to fall back on
    code = ("from annotator.core import resources\n"
            "print(resources.docs_root())\n"
            "print(sorted(resources.doc_pages()))\n"
            "print(len(resources.read_doc('workspace.md')))\n")
    result = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True,
                            env={"PYTHONPATH": str(site), "PATH": "/usr/bin:/bin"})
    assert result.returncode == 0, result.stderr
    root, pages, length = result.stdout.splitlines()
    assert root == str(site / "annotator" / "docs")
    assert pages == str(PAGES)
    assert int(length) == len((ROOT / "docs" / "workspace.md").read_text(encoding="utf-8"))


def _texts(path: Path):
    """The string constants of a module that are not docstrings (what a user may read)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
                  and node.body and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)}
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
            yield node.lineno, node.value


def test_no_text_a_user_reads_points_to_a_docs_folder():
    found = [f"{path.relative_to(ROOT)}:{line}: {text[:60]!r}"
             for path in sorted((ROOT / "annotator").rglob("*.py")) for line, text in _texts(path) if "docs/" in text]
    assert found == []

