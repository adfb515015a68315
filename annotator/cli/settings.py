"""``annotator settings``: a project's settings (``SETTINGS`` in core/project/project.py), and
turning blind coding on or off."""

from __future__ import annotations

import argparse
import json

from annotator.cli.output import coder_id, table


def _on_off(word: str) -> bool:
    if word.lower() not in ("on", "off"):
        raise argparse.ArgumentTypeError(f"{word!r}: say on or off")
    return word.lower() == "on"


def _settings_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("project", metavar="PROJECT")
    p.add_argument("--blind", type=_on_off, metavar="on|off",
                   help="blind coding: the app shows each coder only their own annotations; off shows "
                        "everyone's again")
    p.add_argument("--override", type=_on_off, metavar="on|off",
                   help="lead_override: the lead may change or delete other coders' annotations (each change "
                        "records who made it)")
    p.add_argument("--lead", metavar="NAME",
                   help="make this coder (a name or an id) the project's lead ('none': no lead); once a project "
                        "has a lead, only the lead changes its settings and renames other coders")
    p.add_argument("--by", metavar="NAME",
                   help="the coder making the change (a name or an id): needed once the project has a lead")
    p.set_defaults(func=cmd_settings)


ARGUMENTS = {"settings": _settings_arguments}


def _shown(value) -> str:
    if isinstance(value, bool):
        return "on" if value else "off"
    return json.dumps(value, ensure_ascii=False)


def blind_message(project, on: bool) -> str:
    """What turning blind coding on or off means for this project: off says what it reveals."""
    if on:
        return "blind coding is on: the app shows each coder only their own annotations"
    counts = project.annotation_counts_by_annotator()
    return (f"blind coding is off: the app shows whoever opens this project every coder's annotations "
            f"({sum(counts.values())} annotation(s) by {len(counts)} coder(s))")


def cmd_settings(args: argparse.Namespace) -> int:
    from annotator.core.project.project import SETTINGS, Project

    changes = [(key, value) for key, value in (("blind_coding", args.blind), ("lead_override", args.override))
               if value is not None]
    mode = "read" if not changes and args.lead is None else "write"
    with Project.open(args.project, mode=mode) as project:
        by = coder_id(project, args.by) if args.by else None
        if args.lead is not None:
            lead = None if args.lead.lower() == "none" else coder_id(project, args.lead)
            project.set_setting("lead", lead, by=by)
            print(f"the project's lead is {_lead_name(project)}")
        for key, value in changes:
            project.set_setting(key, value, by=by)
            print(blind_message(project, value) if key == "blind_coding" else
                  f"lead_override is {'on' if value else 'off'}")
        if mode == "write":
            return 0
        rows = [[key, _lead_name(project) if key == "lead" else _shown(project.setting(key, False)), meaning]
                for key, meaning in SETTINGS.items()]
    print(table(["setting", "value", "meaning"], rows))
    return 0


def _lead_name(project) -> str:
    lead = project.setting("lead")
    names = {a.id: a.name for a in project.annotators()}
    return "none" if lead is None else f"{names.get(lead, 'a coder not in this project')} ({lead})"
