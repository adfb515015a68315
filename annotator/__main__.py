"""``annotator`` with no arguments opens the GUI on the default project; with a command it runs
the headless CLI (``annotator --help``)."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else list(argv)
    from annotator.cli import main as cli_main

    return cli_main(args)


if __name__ == "__main__":
    sys.exit(main())
