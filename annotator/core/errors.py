"""Errors the core raises. Every one carries a plain message meant for a user.

The CLI prints ``str(error)`` on one line and exits non-zero; the GUI shows it in a dialog.
Nothing else should reach a user, so core code converts library exceptions into these.
"""


class AnnotatorError(Exception):
    """Base class: a problem a user can understand and act on."""


class NotFoundError(AnnotatorError):
    """A document, category, annotator or annotation id that the project does not hold."""


class ValidationError(AnnotatorError):
    """Data that breaks a rule (offsets out of range, empty name, bad colour, ...)."""


class NotAProjectError(AnnotatorError):
    """A path that is missing, not SQLite, not an Annotator project, or from a newer version."""


class ReadError(AnnotatorError):
    """A file that cannot be read as a document. The message gives the reason, not the path;
    the importer puts the path in front of it."""


class ExchangeError(AnnotatorError):
    """An export file that cannot be used: the message names the file, the place (a JSON path
    such as ``$.annotations[3].start``) and the reason."""


class SchemaFileError(AnnotatorError):
    """A schema file (Annotator schema JSON or REFI-QDA .qdc) that cannot be used: the message
    names the file, the place and the reason."""


class ProjectBusyError(AnnotatorError):
    """Another program holds the project's write lock longer than we waited; nothing was changed,
    so the same operation can simply be tried again."""
