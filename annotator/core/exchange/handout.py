"""Handouts: the work a lead gives coders, without anyone's annotations.

A handout is an ordinary exchange file (export_file) whose scope leaves every coder out: it carries
the documents (with their texts), the schema and the project's settings (blind coding, for one),
and no annotators and no annotations. ``annotator export --handout`` writes one; ``annotator init
--from`` (File → New Project from Handout…) starts a coder's project from it through the ordinary
import (exchange.apply), so the documents and categories keep their ids and the coder's later
export merges back into the lead's project, or with the other coders' exports, as any export does.
"""

from __future__ import annotations

from pathlib import Path

from annotator.core.errors import ExchangeError
from annotator.core.exchange.apply import import_read_exports
from annotator.core.exchange.export_file import Scope, read_export, write_export
from annotator.core.project.opening import project_location
from annotator.core.project.project import Project

NO_CODERS = frozenset()  # a scope's annotators: nobody, so no annotations either


def write_handout(project: Project, path: str | Path, documents: frozenset[str] | None = None,
                  warn=None) -> dict[str, int]:
    """Write the handout of ``project`` (only ``documents``, given ids) to ``path``; returns how
    many items of each list were written (annotators and annotations: 0)."""
    return write_export(project, path, Scope(documents=documents, annotators=NO_CODERS), warn=warn)


def create_from_handout(path: str | Path, handout: str | Path, name: str | None = None) -> Project:
    """A new project at ``path`` holding the handout's documents, categories and settings; the
    caller closes it. A file with annotations in it is refused (it would show a coder other
    coders' work: import it into a project with ``import-annotations`` instead), and so is an
    invalid one, before anything is created."""
    handout = Path(handout)
    data = read_export(handout)
    if data["annotations"]:
        raise ExchangeError(f"{handout}: not a handout: it holds {len(data['annotations'])} annotation(s); "
                            "a lead writes one with 'annotator export PROJECT --handout -o FILE'")
    if not data["documents"]:
        raise ExchangeError(f"{handout}: the handout holds no documents")
    if not all("text" in doc for doc in data["documents"]):
        raise ExchangeError(f"{handout}: the handout's documents have no text (it was exported with --no-text)")
    location = project_location(path)  # a file, or an empty PostgreSQL database
    project = Project.create(location, name=name or (None if location.is_server else location.path.stem))
    try:  # the new project has no settings, so the import takes the file's (all but LOCAL_SETTINGS)
        import_read_exports(project, [(handout, data)])
    except Exception:
        project.close()
        if not location.is_server:  # on a server the import is one transaction: the project stays empty
            location.path.unlink(missing_ok=True)
        raise
    return project

