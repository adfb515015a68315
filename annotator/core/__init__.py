"""The Qt-free core: project database, documents, schema, annotations, undo commands.

Nothing under ``annotator.core`` may import PySide6 (tests/core/test_no_qt.py enforces it).
"""
