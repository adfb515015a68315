"""File → Open Server Project…: the URL of a project in a PostgreSQL database (issue 19, point 1).

The user types (or pastes) a libpq URL, ``postgresql://user@host:5432/dbname``, and, if the server
asks for one and it is not in ~/.pgpass, a service file or PGPASSWORD, a password. The password is
used for this connection only: what the app keeps (Open Recent) is ``Location.display``, the URL
without any password.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from annotator.core.errors import AnnotatorError, user_message
from annotator.core.storage.location import Location, is_server_url, parse_location

EXAMPLE = "postgresql://ana@db.lab.example:5432/corpus?sslmode=require"


class ServerDialog(QDialog):
    """Asks for a server URL and an optional password; ``location()`` is what they name."""

    def __init__(self, parent: QWidget | None = None, url: str = "") -> None:
        super().__init__(parent)
        self.setWindowTitle("Open server project")
        self.setObjectName("server_dialog")
        self.url = QLineEdit(url)
        self.url.setObjectName("server_url")
        self.url.setPlaceholderText(EXAMPLE)
        self.url.setMinimumWidth(460)
        self.password = QLineEdit()
        self.password.setObjectName("server_password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText("only if ~/.pgpass or a service file does not hold it")
        self.problem = QLabel()
        self.problem.setObjectName("server_problem")
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color: #b00020")
        self.problem.hide()
        form = QFormLayout()
        form.addRow("Server URL:", self.url)
        form.addRow("Password:", self.password)
        hint = QLabel("A project in a PostgreSQL database (created with <tt>annotator init URL</tt>). "
                      "The password is used for this connection and never stored; Open Recent keeps "
                      "the URL without it.")
        hint.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Open | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(hint)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)

    def location(self) -> Location:
        """The location typed in, with the password field's password; AnnotatorError (a plain
        message) for text that is not a PostgreSQL URL or when the driver is missing."""
        text = self.url.text().strip()
        if not is_server_url(text):
            raise AnnotatorError(f"{text or 'an empty URL'}: not a PostgreSQL URL; it starts with postgresql://, "
                                 f"for example {EXAMPLE}")
        location = parse_location(text)
        if self.password.text():
            others = tuple((k, v) for k, v in location.secrets if k != "password")
            location = replace(location, secrets=(("password", self.password.text()), *others))
        return location

    def accept(self) -> None:
        try:
            self.location()
        except AnnotatorError as exc:  # stays open: the user corrects the URL
            self.problem.setText(user_message(exc))
            self.problem.show()
            self.adjustSize()  # room for the message
            return
        super().accept()


def ask_server_location(parent: QWidget | None, url: str = "") -> Location | None:
    """The server project the user names, or None when the dialog is cancelled."""
    dialog = ServerDialog(parent, url)
    return dialog.location() if dialog.exec() == QDialog.DialogCode.Accepted else None
