"""The cli package: a registry whose command modules are imported only when their command runs,
and one "names or ids" picker, so every command refuses an unknown name the same way."""

import subprocess
import sys

import pytest

from annotator.cli import COMMANDS, build_parser, command_in


def test_a_command_imports_its_own_module_only(tmp_path):
    project = str(tmp_path / "p.annotator")
    code = (
        "import sys\n"
        "from annotator.cli import main\n"
        f"assert main(['init', {project!r}]) == 0\n"
        f"assert main(['documents', {project!r}]) == 0\n"
        "loaded = sorted(m for m in sys.modules if m.startswith('annotator.cli.'))\n"
        "assert loaded == ['annotator.cli.output', 'annotator.cli.project', 'annotator.cli.terminal'], loaded\n"
        "assert not any(m.startswith(('annotator.core.agreement', 'annotator.core.exchange')) for m in sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_help_lists_every_command_without_importing_one():
    code = (
        "import sys\n"
        "from annotator.cli import main\n"
        "try:\n"
        "    main(['--help'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "assert 'annotator.cli.agreement' not in sys.modules and 'annotator.cli.project' not in sys.modules\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    for name, command in COMMANDS.items():
        assert f"    {name}" in result.stdout and command.summary[:40] in " ".join(result.stdout.split())


def test_every_registered_command_has_its_arguments_in_its_module():
    import importlib

    for name, command in COMMANDS.items():
        assert name in importlib.import_module(command.module).ARGUMENTS
    args = build_parser().parse_args(["merge", "a.json", "-o", "b.json"])
    assert args.func.__module__ == "annotator.cli.exchange"


@pytest.mark.parametrize("argv, command", [
    ([], None), (["--version"], None), (["documents", "p"], "documents"), (["-h", "schema", "show"], "schema"),
])
def test_the_command_is_the_first_word_that_is_not_an_option(argv, command):
    assert command_in(argv) == command


def test_open_without_the_app_is_a_usage_error(run):
    code, _, err = run("open")
    assert code == 2 and "python -m annotator" in err


def test_an_unknown_name_fails_the_same_way_in_every_command(run, tmp_path):
    from annotator.core.project.project import Project

    path = tmp_path / "p.annotator"
    with Project.create(path) as project:
        doc = project.add_document("One", "Some text here.").document
        cat = project.categories()[0]
        for name in ("alice", "bob"):
            project.add_annotation(doc.id, cat.id, project.add_annotator(name).id, 0, 4)
    export = run("export", path, "-o", tmp_path / "x.json", "--annotators", "alice,carol")
    agreement = run("agreement", path, "--annotators", "alice,carol")
    assert export == agreement == (1, "", "annotator: error: no annotator named 'carol' (known: alice, bob)\n")
    for command in (["export", path, "-o", tmp_path / "x.json", "--documents"], ["agreement", path, "--documents"],
                    ["delete-documents", path]):
        assert run(*command, "Two") == (1, "", "annotator: error: no document named 'Two' (known: One)\n")
