"""``annotator settings``: a project's settings (``SETTINGS`` in core/project/project.py), and
turning blind coding on or off."""

from __future__ import annotations

import argparse
import json

from annotator.cli.output import table


def _on_off(word: str) -> bool:
    if word.lower() not in ("on", "off"):
        raise argparse.ArgumentTypeError(f"{word!r}: say on or off")
    return word.lower() == "on"


def _settings_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("project", metavar="PROJECT")
    p.add_argument("--blind", type=_on_off, metavar="on|off",
                   help="blind coding: the app shows each coder only their own annotations; off shows "
                        "everyone's again")
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

    mode = "read" if args.blind is None else "write"
    with Project.open(args.project, mode=mode) as project:
        if args.blind is not None:
            project.set_setting("blind_coding", args.blind)
            print(blind_message(project, args.blind))
            return 0
        rows = [[key, _shown(project.setting(key, False)), meaning] for key, meaning in SETTINGS.items()]
    print(table(["setting", "value", "meaning"], rows))
    return 0
