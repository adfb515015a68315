"""The annotation side panel: the selected annotation's quote, category, span, note and attribute values.

It shows and edits; every change goes out as a signal the window turns into one undoable command.
The note is committed when the field loses focus, on Ctrl+Enter, and after a pause in typing, so
nothing typed is lost if the app stops.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QFrame,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from annotator.core.schema.rules import AttributeType, number_precision
from annotator.gui.widgets import fill_category_combo

NOTE_PAUSE_MS = 1500


class _NoteEdit(QPlainTextEdit):
    committed = Signal()

    def focusOutEvent(self, event) -> None:
        self.committed.emit()
        super().focusOutEvent(event)

    def keyPressEvent(self, event) -> None:
        control = event.modifiers() & Qt.KeyboardModifier.ControlModifier
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and control:
            self.committed.emit()
            return
        super().keyPressEvent(event)


class DetailsPanel(QWidget):
    categoryChanged = Signal(str, str)  # annotation id, category id
    spanChanged = Signal(str, int, int)  # annotation id, start, end
    noteChanged = Signal(str, str)  # annotation id, note
    attributesChanged = Signal(str, dict)  # annotation id, values
    deleteRequested = Signal(str)
    copyRequested = Signal(str)  # annotation id: "Copy to my layer"

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.annotation_id: str | None = None
        self._filling = False
        self._note_sent = ""
        self.empty = QLabel("No annotation selected.\nClick a highlight, or pick one in the table.")
        self.empty.setWordWrap(True)
        self.empty.setStyleSheet("color: palette(placeholder-text);")
        self.quote = QLabel()
        self.quote.setWordWrap(True)
        self.quote.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.quote.setStyleSheet("font-style: italic;")
        self.category = QComboBox()
        self.meta = QLabel()
        for label in (self.quote, self.meta):
            label.setTextFormat(Qt.TextFormat.PlainText)
        self.meta.setWordWrap(True)
        self.start = QSpinBox()
        self.end = QSpinBox()
        for box in (self.start, self.end):
            box.setKeyboardTracking(False)
            box.setAccelerated(True)
        self.note = _NoteEdit()
        self.note.setPlaceholderText("Note (saved as you type)")
        self.note.setTabChangesFocus(True)
        self.note.setMaximumHeight(110)
        self.delete_button = QPushButton("Delete annotation")
        self.owner_note = QLabel()  # whose it is, and why it is read-only (another coder's annotation)
        self.owner_note.setTextFormat(Qt.TextFormat.PlainText)
        self.owner_note.setWordWrap(True)
        self.owner_note.setStyleSheet("background: palette(alternate-base); border: 1px solid palette(mid);"
                                      " padding: 4px;")
        self.copy_button = QPushButton("Copy to &my layer")
        self.copy_button.setToolTip("Make an annotation of your own with the same span and category")
        self.read_only = False
        self.attributes_form = QFormLayout()
        form = QFormLayout()
        form.addRow("&Category:", self.category)
        form.addRow("&Start:", self.start)
        form.addRow("&End:", self.end)
        form.addRow("&Note:", self.note)
        self.body = QWidget()
        body = QVBoxLayout(self.body)
        body.setContentsMargins(0, 0, 0, 0)
        body.addWidget(self.quote)
        body.addWidget(self.meta)
        body.addWidget(self.owner_note)
        body.addLayout(form)
        body.addLayout(self.attributes_form)
        body.addWidget(self.delete_button, alignment=Qt.AlignmentFlag.AlignLeft)
        body.addWidget(self.copy_button, alignment=Qt.AlignmentFlag.AlignLeft)
        content = QWidget()
        layout = QVBoxLayout(content)
        layout.setContentsMargins(8, 4, 8, 4)
        layout.addWidget(self.empty)
        layout.addWidget(self.body)
        layout.addStretch(1)
        # A short dock scrolls the panel rather than squeezing its wrapped lines over each other.
        scroll = QScrollArea()
        scroll.setWidget(content)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)
        self._note_timer = QTimer(self, singleShot=True, interval=NOTE_PAUSE_MS)
        for signal in (self._note_timer.timeout, self.note.committed):
            signal.connect(self.commit_note)
        self.note.textChanged.connect(self._note_typed)
        self.category.activated.connect(self._category_picked)
        for box in (self.start, self.end):
            box.valueChanged.connect(self._span_edited)
        self.delete_button.clicked.connect(lambda: self.annotation_id and self.deleteRequested.emit(self.annotation_id))
        self.copy_button.clicked.connect(lambda: self.annotation_id and self.copyRequested.emit(self.annotation_id))
        self.show_annotation(None)
        self.set_ownership(None, editable=True)

    def set_ownership(self, note: str | None, editable: bool) -> None:
        """``note``: whose the shown annotation is (None: the coder's own). Not ``editable``: every
        field is read-only (the quote and the note can still be selected and copied), Delete is
        gone, and "Copy to my layer" is offered."""
        self.read_only = not editable
        self.owner_note.setText(note or "")
        self.owner_note.setVisible(bool(note))
        self.copy_button.setVisible(bool(note))
        self.delete_button.setVisible(editable)
        for widget in (self.category, self.start, self.end):
            widget.setEnabled(editable)
        self.note.setReadOnly(not editable)
        self.note.setStyleSheet("" if editable else "QPlainTextEdit { background: palette(window); }")
        for row in range(self.attributes_form.rowCount()):
            field = self.attributes_form.itemAt(row, QFormLayout.ItemRole.FieldRole)
            if field is not None and field.widget() is not None:
                field.widget().setEnabled(editable)

    def set_categories(self, categories) -> None:
        self._filling = True
        fill_category_combo(self.category, categories)
        self._filling = False

    def show_annotation(self, row, annotator_name: str = "", length: int = 0, definitions=(),
                        values: dict | None = None) -> None:
        """Show one annotation (an AnnotationRow with the full quote, its attribute ``values``
        and its category's attribute ``definitions``), or none."""
        if self.annotation_id and (row is None or row.id != self.annotation_id):
            self.commit_note()
        self._filling = True
        try:
            self.annotation_id = row.id if row is not None else None
            self.empty.setVisible(row is None)
            self.body.setVisible(row is not None)
            if row is None:
                return
            quote = row.quote if len(row.quote) <= 400 else row.quote[:400] + "…"
            self.quote.setText(f"“{quote}”")
            self.category.setCurrentIndex(max(0, self.category.findData(row.category_id)))
            self.meta.setText(f"by {annotator_name} · {row.end - row.start} characters · "
                              f"changed {row.modified[:16].replace('T', ' ')} UTC")
            self.start.setRange(0, max(0, row.end - 1))
            self.end.setRange(row.start + 1, max(row.start + 1, length))
            self.start.setValue(row.start)
            self.end.setValue(row.end)
            if self.note.toPlainText() != row.note:
                self.note.setPlainText(row.note)
            self._note_sent = row.note
            self._fill_attributes(definitions, values or {})
        finally:
            self._filling = False

    # -- attributes ----------------------------------------------------------------------------

    def _fill_attributes(self, definitions, values: dict) -> None:
        while self.attributes_form.rowCount():
            self.attributes_form.removeRow(0)
        self._attribute_getters = {}
        for definition in definitions:
            name = definition["name"]
            kind = definition.get("type", "text")
            value = values.get(name)  # what the project holds (a new annotation holds the defaults)
            widget, getter, signal = _attribute_widget(kind, definition, value)
            self._attribute_getters[name] = getter
            signal.connect(self._attributes_edited)
            self.attributes_form.addRow(f"{name}:", widget)

    def _attributes_edited(self, *_args) -> None:
        if not self._filling and self.annotation_id and not self.read_only:
            values = {name: get() for name, get in self._attribute_getters.items()}
            self.attributesChanged.emit(self.annotation_id, values)

    # -- edits ---------------------------------------------------------------------------------

    def _category_picked(self, _index: int) -> None:
        if not self._filling and self.annotation_id and not self.read_only:
            self.categoryChanged.emit(self.annotation_id, self.category.currentData())

    def _span_edited(self, _value: int) -> None:
        if not self._filling and self.annotation_id and not self.read_only and self.start.value() < self.end.value():
            self.spanChanged.emit(self.annotation_id, self.start.value(), self.end.value())

    def _note_typed(self) -> None:
        if not self._filling:
            self._note_timer.start()

    def commit_note(self) -> None:
        self._note_timer.stop()
        text = self.note.toPlainText()
        if self.annotation_id and not self._filling and not self.read_only and text != self._note_sent:
            self._note_sent = text
            self.noteChanged.emit(self.annotation_id, text)


def _attribute_widget(kind: str, definition: dict, value):
    """A widget for one attribute value of type ``kind`` (an ``AttributeType``; text otherwise):
    (widget, getter, change signal)."""
    if kind == AttributeType.CHOICE:
        box = QComboBox()
        box.addItem("—", None)
        for choice in definition.get("choices", []):
            box.addItem(str(choice), choice)
        box.setCurrentIndex(max(0, box.findData(value)) if value is not None else 0)
        return box, box.currentData, box.activated
    if kind == AttributeType.MULTIPLE:
        lst = QListWidget()
        lst.setMaximumHeight(90)
        chosen = set(value or [])
        for choice in definition.get("choices", []):
            item = QListWidgetItem(str(choice))
            item.setData(Qt.ItemDataRole.UserRole, choice)
            item.setCheckState(Qt.CheckState.Checked if choice in chosen else Qt.CheckState.Unchecked)
            lst.addItem(item)

        def checked():
            return [lst.item(i).data(Qt.ItemDataRole.UserRole) for i in range(lst.count())
                    if lst.item(i).checkState() == Qt.CheckState.Checked]
        return lst, checked, lst.itemChanged
    if kind == AttributeType.BOOLEAN:
        box = QCheckBox()
        box.setTristate(value is None)  # partly checked: no value (the user can click past it)
        box.setCheckState(Qt.CheckState.PartiallyChecked if value is None
                          else Qt.CheckState.Checked if value else Qt.CheckState.Unchecked)

        def checked():
            state = box.checkState()
            return None if state == Qt.CheckState.PartiallyChecked else state == Qt.CheckState.Checked
        return box, checked, box.stateChanged
    if kind == AttributeType.NUMBER:
        return _number_widget(definition, value)
    edit = QLineEdit("" if value is None else str(value))
    return edit, edit.text, edit.editingFinished


def _number_widget(definition: dict, value):
    """A spin box with the decimals the definition implies (core ``number_precision``: a 1–5 scale
    shows 3, not 3.00); one step below the minimum it shows "—", no value."""
    box = QDoubleSpinBox()
    places = number_precision(definition, value)
    box.setDecimals(places)
    bounded = any(key in definition for key in ("min", "max", "default"))
    step = 10.0 ** -number_precision(definition) if bounded else 1.0
    box.setSingleStep(step)
    low, high = definition.get("min"), definition.get("max")
    box.setRange((-1e9 if low is None else float(low)) - step, 1e9 if high is None else float(high))
    box.setSpecialValueText("—")
    box.setValue(float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else box.minimum())
    box.setKeyboardTracking(False)

    def number():
        if box.value() == box.minimum():
            return None
        return round(box.value()) if places == 0 else round(box.value(), places)
    return box, number, box.valueChanged
