"""Shared set-up of the command-line tests."""

import pytest

from annotator.cli import main


@pytest.fixture
def run(capsys):
    """``run(*args)`` runs the CLI on ``args`` (paths are turned into strings) and returns
    ``(exit status, stdout, stderr)``."""

    def run(*args):
        code = main([str(a) for a in args])
        out, err = capsys.readouterr()
        return code, out, err

    return run
