"""DESIGN rule 1: the core and the CLI never import Qt."""

import pkgutil
import subprocess
import sys

import annotator.cli
import annotator.core


def test_core_and_cli_do_not_import_pyside6():
    modules = ["annotator.cli", "annotator.paths", "annotator.applog"] + [
        m.name for package in (annotator.cli, annotator.core)
        for m in pkgutil.walk_packages(package.__path__, package.__name__ + ".")
    ]
    assert "annotator.cli.agreement" in modules and "annotator.cli.output" in modules
    assert "annotator.core.project.project" in modules and "annotator.core.documents.readers" in modules
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}: importlib.import_module(name)\n"
        "qt = sorted(m for m in sys.modules if m.startswith(('PySide6', 'shiboken6')))\n"
        "print(','.join(qt))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_cli_commands_run_without_importing_qt(tmp_path):
    code = (
        "import sys\n"
        "from annotator.cli import main\n"
        f"main(['init', {str(tmp_path / 'p.annotator')!r}])\n"
        f"main(['documents', {str(tmp_path / 'p.annotator')!r}])\n"
        "assert not any(m.startswith('PySide6') for m in sys.modules), 'Qt was imported'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)
