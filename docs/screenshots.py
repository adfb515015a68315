"""Make the README's screenshots from the sample project: run it again after changing the GUI.

    python docs/screenshots.py [FOLDER]      (default: docs/images next to this script)

It writes workspace.png (the sample article with the example coder's annotations and a second
coder's, overlapping), schema-editor.png, agreement.png (the dashboard comparing the two
coders) and adjudicate.png (Tools → Adjudicate… on a unit where their edges differ, decided).
The app runs offscreen (QT_QPA_PLATFORM=offscreen unless set otherwise) with a throw-away
ANNOTATOR_HOME, so nothing of yours is read or written; the pictures show the app as it is, with
the fonts of this machine. Each PNG keeps its 256 most frequent colours (the pictures are text
and flat colours) to stay small.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
OUT = Path(__file__).resolve().parent / "images"
SIZE = (1360, 860)
SECOND_CODER = "Second coder"
DOCUMENT = "Harbour Street bike lane"  # the start of the sample article shown


def second_coder(project) -> None:
    """A second coder's annotations beside the example coder's: most agree, some are shorter or
    longer (they overlap), some take another category, some are left out."""
    from annotator.core.project.samples import EXAMPLE_CODER

    categories = {c.name: c.id for c in project.categories()}
    other = {"Factual claim": "Unverified allegation", "Unverified allegation": "Factual claim",
             "Opinion": "Prediction", "Prediction": "Opinion"}
    names = {c.id: c.name for c in project.categories()}
    first = next(a for a in project.annotators() if a.name == EXAMPLE_CODER)
    second = project.add_annotator(SECOND_CODER)
    items = []
    titles = {d.id: d.title for d in project.documents()}
    theirs = sorted(project.annotations(annotator_id=first.id), key=lambda a: (titles[a.document_id], a.start, a.end))
    for index, ann in enumerate(theirs):  # in an order that does not depend on the random ids
        text = project.document(ann.document_id).text
        start, end, category = ann.start, ann.end, ann.category_id
        kind = index % 5
        if kind == 1:  # starts a few words later
            start = text.index(" ", start + (end - start) // 3) + 1
        elif kind == 2:  # another category
            category = categories[other[names[category]]]
        elif kind == 3:  # runs on to the end of the sentence after it
            stop = text.find(". ", end + 1)
            end = stop + 1 if stop > 0 else end
        elif kind == 4:  # missed
            continue
        items.append(dict(document_id=ann.document_id, category_id=category, annotator_id=second.id,
                          start=start, end=end))
    project.add_annotations(items)


def wait(app, done, seconds: float = 60) -> None:
    """Run the event loop until ``done()`` (background work, painting)."""
    deadline = time.monotonic() + seconds
    while not done():
        if time.monotonic() > deadline:
            raise SystemExit("screenshots: timed out waiting for the app")
        app.processEvents()
        time.sleep(0.01)


def settle(app, ms: int = 300) -> None:
    end = time.monotonic() + ms / 1000
    wait(app, lambda: time.monotonic() > end)


def save(widget, path: Path) -> Path:
    """The widget's picture as a PNG of at most 256 colours: the 256 most frequent ones (the
    backgrounds, the category fills and their blends stay exact; a pixel of another colour, at
    the edge of a letter, takes the nearest of them)."""
    import numpy
    from PySide6.QtGui import QImage, QImageWriter

    image = widget.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
    pixels = numpy.frombuffer(image.constBits(), dtype=numpy.uint32)
    values, counts = numpy.unique(pixels, return_counts=True)
    palette = [int(v) for v in values[numpy.argsort(counts, kind="stable")[::-1][:256]]]
    image = image.convertToFormat(QImage.Format.Format_Indexed8, palette)
    writer = QImageWriter(str(path), b"png")
    writer.setQuality(0)  # for PNG: the strongest compression
    if not writer.write(image):
        raise SystemExit(f"screenshots: cannot write {path}: {writer.errorString()}")
    print(f"wrote {path} ({path.stat().st_size // 1024} KB)")
    return path


def main(argv: list[str]) -> int:
    out = Path(argv[0]) if argv else OUT
    out.mkdir(parents=True, exist_ok=True)
    home = Path(tempfile.mkdtemp(prefix="annotator-screenshots-"))
    os.environ["ANNOTATOR_HOME"] = str(home)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    sys.path.insert(0, str(REPO))

    from PySide6.QtWidgets import QApplication

    from annotator.core.project.samples import create_sample_project
    from annotator.gui.app import set_app_identity
    from annotator.gui.main_window import MainWindow
    from annotator.gui.settings import save_annotator_name

    app = QApplication.instance() or QApplication(["annotator"])
    app.setApplicationName("Annotator")
    set_app_identity(app)
    project = create_sample_project(home / "sample.annotator")
    second_coder(project)
    save_annotator_name(SECOND_CODER)

    window = MainWindow(project)
    window.resize(*SIZE)
    window.show()
    document = next(d for d in project.documents() if d.title.startswith(DOCUMENT))
    window.open_document(document.id)
    overlapping = project.annotations(document_id=document.id)
    # An annotation that another coder's overlaps without matching it: both layers show there.
    chosen = next(a for a in overlapping if any(b.annotator_id != a.annotator_id and b.start < a.end
                                                and a.start < b.end and (b.start, b.end) != (a.start, a.end)
                                                for b in overlapping))
    window.view.select_annotation(chosen.id)
    settle(app)
    paths = [save(window, out / "workspace.png")]

    window.schema.edit_schema()  # the dialogs at the size they open with
    editor = window.schema.schema_editor
    settle(app)
    paths.append(save(editor, out / "schema-editor.png"))
    editor.close()

    window.schema.show_agreement()
    dashboard = window.schema.agreement_dialog
    if dashboard.report is None and dashboard.operation is None:
        dashboard.compute()
    wait(app, lambda: dashboard.report is not None and dashboard.operation is None)
    settle(app)
    paths.append(save(dashboard, out / "agreement.png"))
    dashboard.close()

    window.actions["tools.adjudicate"].trigger()
    adjudication = window.adjudication
    adjudication.resize(*SIZE)
    unit = next(u for u in adjudication.session.units if u.kind == "boundary")
    adjudication.go_to(unit)
    adjudication.key_take(1)  # the example coder's version, then the view moves on…
    adjudication.go_to(unit)  # …and back, to show the gold lane filled
    settle(app)
    paths.append(save(adjudication, out / "adjudicate.png"))
    adjudication.close()
    window.close()
    project.close()
    shutil.rmtree(home, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
