"""Undo labels name categories by their text in quotes, not by Python's repr of it (issue 13,
point 8): repr would show "Tom's notes" in double quotes and the backslash of "C:\\data" twice."""

from types import SimpleNamespace

from annotator.gui.dialogs.schema_editor import _text_edit

NAME = "Tom's notes on C:\\data"


def test_rename_and_guideline_labels_quote_the_names_as_text():
    category = SimpleNamespace(id="c1", name=NAME, version=1)
    assert _text_edit(category, "name", " Tom's list ").label == f"Rename '{NAME}' to 'Tom's list'"
    assert _text_edit(category, "description", "Say why.").label == f"Edit guideline of '{NAME}'"
