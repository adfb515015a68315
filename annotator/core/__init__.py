"""The Qt-free core: project database, documents, schema, annotations, undo commands.

Nothing under ``annotator.core`` may import PySide6 or annotator.gui (the import contracts in
pyproject.toml and tests/core/test_no_qt.py enforce it).
"""
