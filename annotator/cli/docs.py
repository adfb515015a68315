"""``annotator docs [PAGE]``: the documentation installed with Annotator (the pages the app's
Help → Documentation shows), listed, or one page printed as Markdown."""

from __future__ import annotations

import argparse


def _docs_arguments(p: argparse.ArgumentParser) -> None:
    p.description = ("Without PAGE, list the documentation pages installed with Annotator; with PAGE "
                     "(e.g. agreement-spans), print that page (Markdown).")
    p.add_argument("page", nargs="?", metavar="PAGE", help="a page's name, with or without .md")
    p.set_defaults(func=cmd_docs)


ARGUMENTS = {"docs": _docs_arguments}


def cmd_docs(args: argparse.Namespace) -> int:
    from annotator.cli.output import table
    from annotator.core import resources
    from annotator.core.text import pick

    pages = {name.removesuffix(".md"): title for name, title in resources.doc_pages().items()}
    if args.page is None:
        print(table(["page", "title"], [[name, title] for name, title in pages.items()]))
        print(f"\n{len(pages)} pages, in {resources.docs_root()}; 'annotator docs PAGE' prints one.")
        return 0
    [name] = pick("documentation page", [args.page.removesuffix(".md")], {name: name for name in pages})
    print(resources.read_doc(f"{name}.md"), end="")
    return 0
