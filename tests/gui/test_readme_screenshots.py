"""The README's screenshots (issue 13, point 19): docs/screenshots.py makes them from the sample
project, offscreen, and anyone can run it again after a GUI change."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

ROOT = Path(__file__).resolve().parents[2]
PICTURES = ("workspace.png", "schema-editor.png", "agreement.png", "adjudicate.png")


def colours(image: QImage, step: int = 4) -> dict[int, int]:
    """How many sampled pixels have each colour."""
    seen: dict[int, int] = {}
    for y in range(0, image.height(), step):
        for x in range(0, image.width(), step):
            rgb = image.pixel(x, y)
            seen[rgb] = seen.get(rgb, 0) + 1
    return seen


@pytest.fixture(scope="module")
def made(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("readme-screenshots")
    result = subprocess.run([sys.executable, str(ROOT / "docs" / "screenshots.py"), str(out)],
                            capture_output=True, text=True, timeout=300, cwd=out)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    return out


@pytest.mark.parametrize("name", PICTURES)
def test_the_script_makes_each_picture_and_none_is_blank(made, name):
    path = made / name
    image = QImage(str(path))
    assert not image.isNull() and image.width() >= 800 and image.height() >= 500
    seen = colours(image)
    background = max(seen.values())
    assert len(seen) > 20, "hardly any colours: blank?"
    assert background < 0.9 * sum(seen.values()), "one colour covers nearly everything: blank?"
    assert path.stat().st_size < 200 * 1024


def test_the_workspace_shows_two_coders_overlapping(made):
    """The categories' fills blend where the coders' annotations overlap: more than the four plain
    fills appear."""
    seen = colours(QImage(str(made / "workspace.png")), step=2)
    assert sum(1 for count in seen.values() if count > 50) > 12


def test_the_readme_shows_the_committed_pictures():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in PICTURES:
        assert f"](docs/images/{name})" in readme
        committed = ROOT / "docs" / "images" / name
        assert committed.is_file() and committed.stat().st_size < 200 * 1024
    assert "python docs/screenshots.py" in readme  # how to make them again
    listed = subprocess.run(["git", "ls-files", "docs/images"], cwd=ROOT, capture_output=True, text=True)
    if listed.returncode == 0:  # in a git checkout: committed, not ignored
        assert sorted(listed.stdout.split()) == sorted(f"docs/images/{name}" for name in PICTURES)
