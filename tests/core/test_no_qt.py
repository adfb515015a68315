"""Architecture rule 1 (docs/architecture.md): the core and the CLI never import Qt."""

import importlib
import pkgutil
import subprocess
import sys
from pathlib import Path

import annotator
import annotator.core


def _walk(name: str) -> list[str]:
    """``name`` and, when it is a package, every module under it."""
    module = importlib.import_module(name)
    if not hasattr(module, "__path__"):
        return [name]
    return [name] + [m.name for m in pkgutil.walk_packages(module.__path__, f"{name}.")]


def qt_free_modules() -> list[str]:
    """Every module of annotator but the GUI and the entry point that starts it: annotator.core and
    annotator.cli walked to the bottom, and the top-level modules (paths, applog, ...)."""
    top = [m.name for m in pkgutil.iter_modules(annotator.__path__, "annotator.")
           if m.name not in ("annotator.gui", "annotator.__main__")]
    return sorted({name for module in top for name in _walk(module)})


def test_the_walk_finds_every_module_outside_the_gui():
    root = Path(annotator.__file__).parent
    on_disk = {
        ".".join(("annotator", *path.relative_to(root).with_suffix("").parts)).removesuffix(".__init__")
        for path in root.rglob("*.py")
        if path.relative_to(root).parts[0] not in ("gui", "__main__.py", "resources")
    }
    assert on_disk - {"annotator"} <= set(qt_free_modules())


def test_core_and_cli_do_not_import_pyside6():
    modules = qt_free_modules()
    assert "annotator.cli.agreement" in modules and "annotator.cli.output" in modules
    assert "annotator.core.project.project" in modules and "annotator.core.documents.readers" in modules
    assert "annotator.cli" in modules and "annotator.core.agreement.spans" in modules
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
