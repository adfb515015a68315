"""Titles and names are shown as plain text, never as markup (issue 10, point 10), and error
dialogs show one plain line (point 9)."""

from __future__ import annotations

from PySide6 import QtGui
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from annotator.gui import app
from annotator.gui import main_window as mw
from annotator.gui.widgets import plain

HEADING = "<h1 style='color:red'>Your project is damaged</h1>"


def _red_share(widget) -> float:
    image = widget.grab().toImage()
    red = total = 0
    for x in range(0, image.width(), 3):
        for y in range(0, image.height(), 3):
            colour = QColor(image.pixel(x, y))
            total += 1
            red += colour.red() > 150 and colour.green() < 100 and colour.blue() < 100
    return red / max(total, 1)


def test_a_title_that_looks_like_html_is_shown_as_it_is(qtbot, project):
    project.add_document(HEADING, "Some text.", source=f"{HEADING}.txt")
    project.add_annotator(f"<b style='color:red'>coder</b>")
    window = mw.MainWindow(project)
    qtbot.addWidget(window)
    window.resize(1100, 700)
    window.show()
    assert window.text_title.text() == HEADING
    assert window.text_title.textFormat() == Qt.TextFormat.PlainText
    assert window.status_label.textFormat() == Qt.TextFormat.PlainText
    assert _red_share(window.text_title) < 0.01  # the markup is text, not a red heading
    window.text_title.grab().save("/tmp/concurrency-title.png")
    tip = window.documents_model.index(0, 0).data(Qt.ItemDataRole.ToolTipRole)
    assert "&lt;h1 style='color:red'&gt;" in tip and "<h1" not in tip
    window.view.select_range(0, 4)
    window.annotate(project.categories()[0].id)
    assert window.details.quote.textFormat() == Qt.TextFormat.PlainText
    assert window.details.meta.textFormat() == Qt.TextFormat.PlainText


def test_hover_tooltips_escape_names(qtbot, project):
    doc = project.add_document("Doc", "Some text.").document
    coder = project.add_annotator("<i>coder</i>")
    category = project.add_category("<h1>Cat</h1>")
    project.add_annotation(doc.id, category.id, coder.id, 0, 4, note="<script>x</script>")
    window = mw.MainWindow(project)
    qtbot.addWidget(window)
    tip = window.annotating.tooltip_for(list(window.view.index.spans.values()))
    assert "&lt;h1&gt;Cat&lt;/h1&gt;" in tip and "&lt;i&gt;coder&lt;/i&gt;" in tip and "<script>" not in tip


def test_plain_leaves_ordinary_text_alone_and_escapes_what_qt_would_render():
    assert plain("Add Opinion: no such document") == "Add Opinion: no such document"
    assert plain("offset 3 < 5") == "offset 3 < 5"
    assert "a &lt; b and c &gt; d" in plain("a < b and c > d")  # Qt would read "< b and c >" as a <b> tag
    escaped = plain(f"{HEADING}: no text\nsecond line")
    assert "&lt;h1" in escaped and "<h1" not in escaped and QtGui.Qt.mightBeRichText(escaped)


def test_an_unexpected_database_error_is_one_plain_line_in_the_dialog(qtbot, dialogs):
    engine = create_engine("sqlite://")
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT * FROM missing WHERE x = :x"), {"x": "y" * 5000})
    except OperationalError as exc:
        app._report_unexpected(type(exc), exc, exc.__traceback__)
    ((kind, title, message),) = dialogs
    first = message.splitlines()[0]
    assert first == "database error: no such table: missing"
    assert "[SQL" not in message and "yyyy" not in message
