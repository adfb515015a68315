"""``annotator`` with no arguments (or ``annotator open [PROJECT]``) opens the GUI; with a command
it runs the headless CLI (``annotator --help``)."""

from __future__ import annotations

import sys
from pathlib import Path


def open_app(project: Path | str | None) -> int:
    """Run the app on ``project`` (a path or a PostgreSQL URL; None: the default project) until its
    window closes."""
    from annotator.gui.app import run  # only the GUI imports Qt

    return run(project)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else list(argv)
    from annotator.cli import main as cli_main

    return cli_main(args, open_app=open_app)


if __name__ == "__main__":
    sys.exit(main())
