"""Pre-merge to a file (``annotator adjudicate SOURCE... -o GOLD.json``): the gold layer of a project
or of export files, written as an export file, changing no source.

The sources are read as ``annotator agreement`` reads them (sources.project_source): one project
file alone (exported in memory, every coder and the gold layer it already holds), or export files
(merged as ``annotator merge`` merges them). That export is imported into a project in a temporary
folder, which pre-merge fills (premerge.premerge), and the file written holds its gold layer: the
documents, the schema, the gold annotations and their decisions.

The same sources in any order give the same bytes. Nothing written depends on the clock or on a
random id: the merge of the sources is commutative, decision ids come from their units and rules,
every time written (decided, created, modified) is the latest time found in the sources, and the
project the gold annotations name is the source project (one project file) or an id derived from the
source projects' ids (export files).
"""

from __future__ import annotations

import json
import tempfile
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from annotator.core.agreement.premerge import PremergeReport, Strategy, premerge
from annotator.core.agreement.sources import project_source
from annotator.core.errors import OwnershipError, ValidationError, quoted
from annotator.core.text import pick

EPOCH = "1970-01-01T00:00:00.000000+00:00"  # the time written when the sources hold none
PROJECT_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "annotator:premerge:project")


@dataclass
class GoldSources:
    """The sources of a pre-merge to a file, read: a project file (``project_path``) or the merged
    export files (``data``, a checked export); ``coders`` their coders (id → name), ``lead`` the
    project's lead (export files never carry one), ``latest`` the latest time they hold, and
    ``made_in`` the id and name of the project the gold annotations name."""

    label: str  # the sources, for messages
    coders: dict[str, str]
    latest: str
    made_in: tuple[str, str]
    lead: str | None = None
    project_path: Path | None = None
    data: dict[str, Any] | None = None


def read_gold_sources(paths: Iterable[str | Path]) -> GoldSources:
    """Read a project file alone or export files (ExchangeError, NotAProjectError or ValidationError
    naming the file when one cannot be used)."""
    from annotator.core.exchange.merge import merge_files
    from annotator.core.project.project import Project
    from annotator.core.storage.tables import GOLD_ID

    paths = [Path(p) for p in paths]
    path = project_source(paths)
    if path is not None:
        with Project.open(path, mode="read") as project:
            info, lead = project.info(), project.setting("lead")
            coders = {c.id: c.name for c in project.coders() if c.id != GOLD_ID}
            times = [c.last_activity for c in project.coders() if c.last_activity]
            times += [row.modified for row in project.document_statuses()]
            times += [d.decided for d in project.decisions()]
        return GoldSources(str(path), coders, max(times, default=EPOCH), (info.id, info.name),
                           lead if isinstance(lead, str) else None, project_path=path)
    data, _report = merge_files(paths)
    ids = sorted({p["id"] for p in data["projects"]})
    made_in = (str(uuid.uuid5(PROJECT_NAMESPACE, json.dumps(ids))), "pre-merge")
    coders = {a["id"]: a["name"] for a in data["annotators"] if a["id"] != GOLD_ID}
    return GoldSources(", ".join(map(str, paths)), coders, latest_time(data), made_in, data=data)


def document_ids(project, wanted: list[str] | None) -> list[str] | None:
    """The ids of the documents ``wanted`` names (titles or ids), None for all of them."""
    return pick("document", wanted, {d.id: d.title for d in project.documents()})


def latest_time(data: Mapping[str, Any]) -> str:
    """The latest time an export holds (annotations created or modified, statuses, decisions);
    EPOCH when it holds none."""
    times = [a[key] for a in data["annotations"] for key in ("created", "modified")]
    times += [s["modified"] for s in data.get("statuses", ())]
    times += [d["decided"] for d in data.get("decisions", ())]
    return max(times, default=EPOCH)


def write_gold(sources: GoldSources, output: str | Path, how: Strategy, *, by: str,
               documents: list[str] | None = None, done_only: bool = False) -> tuple[PremergeReport, dict[str, int]]:
    """Pre-merge ``sources`` in a scratch project, a copy of the source project or made from the
    export files, and write its gold layer to ``output``; returns the report and how many items of
    each list were written."""
    from annotator.core.exchange.export_file import GOLD_ONLY, Scope, build_export, canonical, save
    from annotator.core.project.project import Project
    from annotator.core.storage.backups import copy_project

    if sources.lead is not None and by != sources.lead:  # what decide would say in the project
        names = sources.coders
        raise OwnershipError(f"only the project's lead, {names.get(sources.lead, sources.lead)}, may adjudicate; "
                             f"you are {names.get(by, by)}")
    with tempfile.TemporaryDirectory(prefix="annotator-premerge-") as folder:
        scratch = Path(folder) / "gold.annotator"
        if sources.project_path is not None:
            copy_project(sources.project_path, scratch)  # its decisions and gold layer, exactly
            project = Project.open(scratch)
        else:
            project = _from_exports(scratch, sources)
        try:
            chosen = document_ids(project, documents)
            report = premerge(project, how, by=by, documents=chosen, done_only=done_only, at=sources.latest,
                              backup=None)
            scope = Scope(documents=None if chosen is None else frozenset(chosen), annotators=GOLD_ONLY)
            gold = build_export(project, scope)
            made_in = project.info().id
        finally:
            project.close()
    return report, save(canonical(_made_in(gold, made_in, sources.made_in)), output)


def _from_exports(path: Path, sources: GoldSources):
    """A new project at ``path`` holding the merged export files."""
    from annotator.core.exchange.apply import import_read_exports
    from annotator.core.project.project import Project

    textless = [d for d in sources.data["documents"] if "text" not in d]
    if textless:
        raise ValidationError(f"{sources.label}: {len(textless)} document(s) without their text, such as "
                              f"{quoted(textless[0]['title'], 60)} (exported with --no-text); the gold layer "
                              "needs the texts")
    project = Project.create(path, name=sources.made_in[1])
    try:
        import_read_exports(project, [(Path("sources"), sources.data)], backup=None)
    except BaseException:
        project.close()
        raise
    return project


def _made_in(data: dict[str, Any], temporary: str, project: tuple[str, str]) -> dict[str, Any]:
    """``data`` with the temporary project's id replaced by ``project``'s."""
    project_id, name = project
    for ann in data["annotations"]:
        if ann["project_id"] == temporary:
            ann["project_id"] = project_id
    named = {p["id"]: p for p in data["projects"] if p["id"] != temporary}
    if any(p["id"] == temporary for p in data["projects"]):
        named[project_id] = {"id": project_id, "name": name}
    data["projects"] = list(named.values())
    return data
