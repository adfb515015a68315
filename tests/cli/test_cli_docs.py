"""``annotator docs``: the documentation installed with Annotator, on the command line."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_annotator_docs_lists_and_prints_the_pages(run):
    code, out, err = run("docs")
    assert code == 0 and err == ""
    assert out.splitlines()[2].split()[:1] == ["adjudication"]  # the pages in alphabetical order
    assert re.search(r"\nworkspace +The coder's workspace\n", out)
    code, out, err = run("docs", "agreement")
    assert (code, out, err) == (0, (ROOT / "docs" / "agreement.md").read_text(encoding="utf-8"), "")
    assert run("docs", "workspace.md")[1].startswith("# The coder's workspace\n")
    code, out, err = run("docs", "nope")
    assert code == 1 and out == "" and err.startswith("annotator: error: no documentation page named 'nope' (known: ")
