"""The UTF-16 ↔ code point helper, against Qt's own counting."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from PySide6.QtGui import QTextCursor, QTextDocument

from annotator.gui.offsets import OffsetMap, utf16_length

TEXT = "a😀b\n🇫🇷 x\u00a0y — “q” 𝔘"


def test_identity_without_astral_characters():
    m = OffsetMap("plain “text” — NBSP\u00a0here")
    assert [m.to_qt(i) for i in range(5)] == list(range(5))
    assert [m.from_qt(i) for i in range(5)] == list(range(5))


def test_known_positions():
    m = OffsetMap(TEXT)
    assert m.to_qt(0) == 0 and m.to_qt(1) == 1
    assert m.to_qt(2) == 3  # after the emoji (two units)
    assert m.from_qt(3) == 2
    assert m.from_qt(2) == 1  # inside the surrogate pair: the character's start
    assert m.to_qt(len(TEXT)) == utf16_length(TEXT) == len(TEXT.encode("utf-16-le")) // 2


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=60))
def test_round_trip_and_agreement_with_utf16(text):
    m = OffsetMap(text)
    for i in range(len(text) + 1):
        qt = m.to_qt(i)
        assert qt == len(text[:i].encode("utf-16-le")) // 2
        assert m.from_qt(qt) == i
    assert utf16_length(text) == len(text.encode("utf-16-le")) // 2


def test_agrees_with_a_qt_document_selection():
    """Selecting a span in Qt at the converted positions gives exactly the stored characters."""
    text = "Emoji 😀😀 then “quotes”\nnext 🇫🇷 line\u00a0NBSP"
    doc = QTextDocument()
    doc.setPlainText(text)
    m = OffsetMap(text)
    for start, end in [(0, 5), (6, 8), (8, 20), (len(text) - 10, len(text)), (25, 32)]:
        cursor = QTextCursor(doc)
        cursor.setPosition(m.to_qt(start))
        cursor.setPosition(m.to_qt(end), QTextCursor.MoveMode.KeepAnchor)
        selected = cursor.selectedText().replace("\u2029", "\n")
        assert selected == text[start:end]
        assert (m.from_qt(cursor.selectionStart()), m.from_qt(cursor.selectionEnd())) == (start, end)
