"""The schema editor's attribute table: one row per attribute definition of the selected category
(name, type, choices, default, min, max). The type column offers exactly the core's AttributeType;
values are shown and read back by the core's format_value/parse_value. The table only shows and
reads: ``edited`` asks the editor to commit ``definitions()`` (after a cell edit or a new type; a
choice type waits for its choices)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QAbstractItemView, QComboBox, QHeaderView, QTableWidget, QTableWidgetItem

from annotator.core.errors import ValidationError
from annotator.core.schema.rules import AttributeType, format_value, parse_value

COLUMNS = ("Name", "Type", "Choices (comma-separated)", "Default", "Min", "Max")
NAME, TYPE, CHOICES, DEFAULT, MIN, MAX = range(6)


class AttributeTable(QTableWidget):
    """The attribute definitions of one category; ``fill`` shows them, ``definitions`` reads them."""

    edited = Signal()

    def __init__(self, parent=None) -> None:
        super().__init__(0, len(COLUMNS), parent)
        self._loading = False
        self.owner: str | None = None  # the category shown
        self.setHorizontalHeaderLabels(list(COLUMNS))
        self.verticalHeader().setVisible(False)
        self.setWordWrap(False)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.horizontalHeader()
        modes = {TYPE: QHeaderView.ResizeMode.ResizeToContents, CHOICES: QHeaderView.ResizeMode.Stretch}
        for column in range(len(COLUMNS)):
            header.setSectionResizeMode(column, modes.get(column, QHeaderView.ResizeMode.Interactive))
        self.setColumnWidth(NAME, 110)
        self.setColumnWidth(DEFAULT, 90)
        self.setColumnWidth(MIN, 48)
        self.setColumnWidth(MAX, 48)
        self.itemChanged.connect(self._item_changed)

    def fill(self, definitions: list[dict], owner: str | None = None) -> None:
        """Show ``definitions`` (of the category ``owner``). The same category with as many rows
        is updated in place, so that a cell editor the view is still closing (its commit reloaded
        the editor) keeps its row and Qt never commits an editor of a removed row; another
        category, or another number of rows, is built afresh (open editors are dropped with their rows)."""
        self._loading = True
        try:
            if owner != self.owner or self.rowCount() != len(definitions):
                self.setRowCount(0)
                for _ in definitions:
                    self._append_row()
            self.owner = owner
            for row, definition in enumerate(definitions):
                self._show_row(row, definition)
        finally:
            self._loading = False

    def _append_row(self) -> None:
        row = self.rowCount()
        self.insertRow(row)
        box = QComboBox()
        for attribute_type in AttributeType:  # exactly the types the core accepts
            box.addItem(attribute_type.label, attribute_type.value)
        box.currentIndexChanged.connect(lambda _i, b=box: self._type_changed(b))
        self.setCellWidget(row, TYPE, box)
        for column in (NAME, CHOICES, DEFAULT, MIN, MAX):
            self.setItem(row, column, QTableWidgetItem())

    def _show_row(self, row: int, definition: dict) -> None:
        kind = str(definition.get("type", AttributeType.TEXT.value))
        box = self.cellWidget(row, TYPE)
        box.setCurrentIndex(box.findData(kind))
        choices = definition.get("choices") or []
        cells = {
            NAME: str(definition.get("name", "")),
            CHOICES: ", ".join(str(c) for c in choices) if isinstance(choices, list) else str(choices),
            DEFAULT: format_value(definition.get("default")),
            MIN: format_value(definition.get("min")),
            MAX: format_value(definition.get("max")),
        }
        for column, text in cells.items():
            item = self.item(row, column)
            if item.text() != text:
                item.setText(text)
            usable = (column in (NAME, DEFAULT) or (column == CHOICES and AttributeType(kind).has_choices)
                      or (column in (MIN, MAX) and kind == AttributeType.NUMBER))
            self._enable(item, usable or bool(text))

    @staticmethod
    def _enable(item: QTableWidgetItem, usable: bool) -> None:
        editable = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsEditable
        flags = item.flags() | editable if usable else item.flags() & ~editable
        if flags != item.flags():
            item.setFlags(flags)

    def _type_changed(self, box: QComboBox) -> None:
        """A new type: clear what it cannot hold, then commit; a choice type waits for its choices."""
        if self._loading:
            return
        row = next((r for r in range(self.rowCount()) if self.cellWidget(r, TYPE) is box), -1)
        if row < 0:
            return
        kind = box.currentData()
        self._loading = True
        try:
            for column, usable in ((CHOICES, AttributeType(kind).has_choices), (MIN, kind == AttributeType.NUMBER),
                                   (MAX, kind == AttributeType.NUMBER)):
                item = self.item(row, column)
                if not usable:
                    item.setText("")
                self._enable(item, usable)
            default = self.item(row, DEFAULT)
            try:
                parse_value(kind, default.text().strip(), "")
            except ValidationError:
                default.setText("")  # e.g. "not checked" cannot be a number's default
        finally:
            self._loading = False
        choices = self.item(row, CHOICES)
        if AttributeType(kind).has_choices and not choices.text().strip():
            self.setCurrentItem(choices)
            self.editItem(choices)  # committed once the choices are typed
            return
        self.edited.emit()

    def _item_changed(self, _item) -> None:
        if not self._loading:
            self.edited.emit()

    def definitions(self) -> list[dict]:
        """The table as definitions; ValidationError (with a message for the coder) on a bad number or yes/no."""
        definitions = []
        for row in range(self.rowCount()):
            name = self.item(row, NAME).text().strip()
            kind = self.cellWidget(row, TYPE).currentData()
            text = {column: (self.item(row, column).text().strip() if self.item(row, column) else "")
                    for column in (CHOICES, DEFAULT, MIN, MAX)}
            definition = {"name": name, "type": kind}
            if AttributeType(kind).has_choices:
                definition["choices"] = [c.strip() for c in text[CHOICES].split(",") if c.strip()]
            if text[DEFAULT]:
                definition["default"] = parse_value(kind, text[DEFAULT], f"the default of “{name}”")
            if kind == AttributeType.NUMBER:
                for column, key in ((MIN, "min"), (MAX, "max")):
                    if text[column]:
                        definition[key] = parse_value(kind, text[column], f"the {key} of “{name}”")
            definitions.append(definition)
        return definitions
