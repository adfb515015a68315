"""Paints annotation fills through a QSyntaxHighlighter reading the per-block span index.

Qt asks for one block (line) at a time, so opening a long document costs one pass over its blocks
and adding a span re-highlights only the blocks it covers. Where spans overlap, their colours are
blended, so the fill deepens with each layer; the view adds one stripe per layer under the text.
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
        pieces = index.pieces.get(self.currentBlock().blockNumber())
        if not pieces:
            return
        spans, shown, names = index.spans, view.is_shown, view.colour_names
        # Sweep the piece boundaries left to right, keeping the colours covering each run.
        events = []
        for start, end, span_id in pieces:
            span = spans[span_id]
            if shown(span):
                name = names.get(span.category_id, "#999999")
                events.append((start, 1, name))
                events.append((end, -1, name))
        if not events:
            return
        events.sort()
        active: dict[str, int] = {}
        position = events[0][0]
        for point, step, name in events:
            if point > position and active:
                key = tuple(sorted(n for n, count in active.items() for _ in range(count)))
                self.setFormat(position, point - position, self._format(key))
            position = point
            count = active.get(name, 0) + step
            if count:
                active[name] = count
            else:
                del active[name]

    def _format(self, key: tuple[str, ...]) -> QTextCharFormat:
        fmt = self._formats.get(key)
        if fmt is None:
            fmt = QTextCharFormat()
            fmt.setBackground(blend([QColor(name) for name in key]))
            self._formats[key] = fmt
        return fmt
