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
    """The sources of a pre-merge to a file, read: ``data`` is one checked export (version 2 or
    later), ``project`` the id and name the gold annotations will name, ``lead`` the source
    project's lead (None for export files, which never carry one)."""

    data: dict[str, Any]
    project: tuple[str, str]
    lead: str | None
    label: str  # the sources, for messages

    def coders(self) -> dict[str, str]:
        """Every coder of the sources (id → name), the gold layer's own role aside."""
        from annotator.core.storage.tables import GOLD_ID

        return {a["id"]: a["name"] for a in self.data["annotators"] if a["id"] != GOLD_ID}


def read_gold_sources(paths: Iterable[str | Path]) -> GoldSources:
    """Read a project file alone or export files (ExchangeError, NotAProjectError or ValidationError
    naming the file when one cannot be used)."""
    from annotator.core.exchange.export_file import build_export
    from annotator.core.exchange.merge import merge_files
    from annotator.core.project.project import Project

    paths = [Path(p) for p in paths]
    path = project_source(paths)
    if path is not None:
        with Project.open(path, mode="read") as project:
            info = project.info()
            data = build_export(project)
            lead = project.setting("lead")
        return GoldSources(data, (info.id, info.name), lead if isinstance(lead, str) else None, str(path))
    data, _report = merge_files(paths)
    ids = sorted({p["id"] for p in data["projects"]})
    project_id = str(uuid.uuid5(PROJECT_NAMESPACE, json.dumps(ids)))
    return GoldSources(data, (project_id, "pre-merge"), None, ", ".join(map(str, paths)))


def acting_coder(names: Mapping[str, str], wanted: str | None, lead: str | None) -> str | None:
    """The id of the coder who runs the pre-merge: ``wanted`` (a name or an id among ``names``,
    ValidationError when it names nobody or several coders), else the lead; None when neither is known."""
    if wanted is None:
        return lead
    chosen = pick("annotator", [wanted], names)
    if len(chosen) > 1:
        raise ValidationError(f"{len(chosen)} coders are named {quoted(wanted, 60)}; give one's id: "
                              + ", ".join(chosen))
    return chosen[0]


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
    """Pre-merge ``sources`` in a temporary project and write its gold layer to ``output``; returns
    the report and how many items of each list were written."""
    from annotator.core.exchange.apply import import_read_exports
    from annotator.core.exchange.export_file import Scope, build_export, canonical, save
    from annotator.core.project.project import Project
    from annotator.core.storage.tables import GOLD_ID

    data = sources.data
    if sources.lead is not None and by != sources.lead:  # the lead's project: what decide would say in it
        names = sources.coders()
        raise OwnershipError(f"only the project's lead, {names.get(sources.lead, sources.lead)}, may adjudicate; "
                             f"you are {names.get(by, by)}")
    textless = [d for d in data["documents"] if "text" not in d]
    if textless:
        raise ValidationError(f"{sources.label}: {len(textless)} document(s) without their text, such as "
                              f"{quoted(textless[0]['title'], 60)} (exported with --no-text); the gold layer "
                              "needs the texts")
    at = latest_time(data)
    with tempfile.TemporaryDirectory(prefix="annotator-premerge-") as folder:
        project = Project.create(Path(folder) / "gold.annotator", name=sources.project[1])
        try:
            import_read_exports(project, [(Path("sources"), data)], backup=None)
            chosen = document_ids(project, documents)
            report = premerge(project, how, by=by, documents=chosen, done_only=done_only, at=at, backup=None)
            scope = Scope(documents=None if chosen is None else frozenset(chosen), annotators=frozenset({GOLD_ID}))
            gold = build_export(project, scope)
            made_in = project.info().id
        finally:
            project.close()
    return report, save(canonical(_made_in(gold, made_in, sources.project)), output)


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
