"""Each coder's status per document: set from the documents list (its context menu, or the key
that cycles it) through the History, so it is undoable, and the lead's documents × coders matrix."""

from __future__ import annotations

from annotator.core.project.commands import SetDocumentStatus
from annotator.core.project.statuses import next_status
from annotator.gui.context import ProjectContext
from annotator.gui.controllers import Workspace
from annotator.gui.undo import History


class StatusController:
    """Uses the window's corpus (the current document) and its documents model (the statuses shown)."""

    def __init__(self, window: Workspace, context: ProjectContext, history: History) -> None:
        self.window = window
        self.context = context
        self.history = history
        self.matrix_dialog = None

    def set_status(self, document_id: str, status: str) -> None:
        """The current coder's status of a document (undoable)."""
        self.history.run(SetDocumentStatus(document_id, self.context.annotator_id(), status,
                                           name=self.context.annotator.name))

    def cycle_current(self) -> None:
        """The key: the current document's status moves on (not started → in progress → done → not started)."""
        document_id = self.window.corpus.current_id()
        if document_id is None:
            self.window.statusBar().showMessage("No document is open.", 3000)
            return
        status = next_status(self.window.documents_model.status(document_id))
        self.set_status(document_id, status)
        self.window.statusBar().showMessage(f"Your status of this document: {status}", 3000)

    def show_matrix(self) -> None:
        """Tools → Document Status Matrix: every document's status for every coder."""
        from annotator.gui.dialogs.status_matrix import StatusMatrixDialog

        if self.matrix_dialog is not None:
            self.matrix_dialog.close()
            self.matrix_dialog.deleteLater()
        self.matrix_dialog = StatusMatrixDialog(self.context.project, self.window)
        self.matrix_dialog.show()
