"""Annotation fills: the runs of a block that spans cover (``fill_runs``) and their colour (``blend``).

Where spans overlap, their colours are blended, so the fill deepens with each layer. The document
view paints them under its text at paint time (views/fills.py); the adjudication overview
through ``SpanHighlighter``, a QSyntaxHighlighter reading the per-block span index (Qt asks for
one block at a time; adding a span re-highlights only the blocks it covers).
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QSyntaxHighlighter, QTextCharFormat

FILL_ALPHA = 0.30  # how much of a category's colour one layer of fill adds


def blend(colours: list[QColor]) -> QColor:
    """The fill for a run of text covered by these colours: each laid over white in turn."""
    r = g = b = 255.0
    for colour in sorted(colours, key=QColor.name):
        r += (colour.red() - r) * FILL_ALPHA
        g += (colour.green() - g) * FILL_ALPHA
        b += (colour.blue() - b) * FILL_ALPHA
    return QColor(round(r), round(g), round(b))


def fill_runs(pieces, spans, shown, names) -> list[tuple[int, int, tuple[str, ...]]]:
    """``(start, end, colours)`` of each run of a block's text that shown spans cover, left to
    right, from the block's ``pieces`` (qt start, qt end, span id): ``colours`` are the covering
    spans' "#rrggbb" names (one per span, sorted), what ``blend`` takes."""
    events = []
    for start, end, span_id in pieces:
        span = spans[span_id]
        if shown(span):
            name = names.get(span.category_id, "#999999")
            events.append((start, 1, name))
            events.append((end, -1, name))
    if not events:
        return []
    events.sort()
    runs = []
    active: dict[str, int] = {}
    position = events[0][0]
    for point, step, name in events:
        if point > position and active:
            runs.append((position, point, tuple(sorted(n for n, count in active.items() for _ in range(count)))))
        position = point
        count = active.get(name, 0) + step
        if count:
            active[name] = count
        else:
            del active[name]
    return runs


class SpanHighlighter(QSyntaxHighlighter):
    """Fills each run of annotated text with the blend of its shown spans' category colours.

    ``view`` supplies ``index`` (a SpanIndex or None), ``colour_names`` (category id → "#rrggbb")
    and ``is_shown(span)``.
    """

    def __init__(self, document, view) -> None:
        self._view = view
        self._formats: dict[tuple[str, ...], QTextCharFormat] = {}
        super().__init__(document)

    def forget_formats(self) -> None:
        self._formats.clear()

    def highlightBlock(self, text: str) -> None:
        view = self._view
        index = view.index
        if index is None:
            return
        pieces = index.block_pieces(self.currentBlock().blockNumber())
        for start, end, key in fill_runs(pieces, index.loaded, view.is_shown, view.colour_names):
            self.setFormat(start, end - start, self._format(key))

    def _format(self, key: tuple[str, ...]) -> QTextCharFormat:
        fmt = self._formats.get(key)
        if fmt is None:
            fmt = QTextCharFormat()
            fmt.setBackground(blend([QColor(name) for name in key]))
            self._formats[key] = fmt
        return fmt
