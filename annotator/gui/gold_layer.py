"""How the gold layer looks wherever the workspace lists it beside the coders (the layers panel, the
annotation table, the agreement dashboard): the name "★ Gold standard", a gold star for an icon, and
its own text and background colours, so that it is never taken for a coder."""

from __future__ import annotations

import math
from functools import lru_cache

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QBrush, QColor, QIcon, QPainter, QPixmap, QPolygonF

from annotator.core.storage.tables import GOLD_ID, GOLD_NAME

MARK = "★"
LABEL = f"{MARK} {GOLD_NAME}"
INK = "#7a5a00"  # dark gold: the text, readable on white and on BACKGROUND
BACKGROUND = "#fff1c2"
STAR = "#d4a017"
ABOUT = (f"The {GOLD_NAME}: the adjudicated layer (Tools → Adjudicate). Not a coder: no one annotates in "
         "it, and coder-versus-coder agreement leaves it out.")


def is_gold(annotator_id: str | None) -> bool:
    return annotator_id == GOLD_ID


def label(name: str | None = None) -> str:
    """The gold layer's name as lists show it: "★ Gold standard"."""
    return f"{MARK} {name or GOLD_NAME}"


def ink() -> QBrush:
    return QBrush(QColor(INK))


def background() -> QBrush:
    return QBrush(QColor(BACKGROUND))


@lru_cache(maxsize=8)
def star_icon(size: int = 14) -> QIcon:
    """A five-pointed gold star with a darker outline."""
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    centre, outer, inner = (size - 1) / 2, (size - 1) / 2, (size - 1) / 5
    points = [QPointF(centre + r * math.sin(k * math.pi / 5), centre - r * math.cos(k * math.pi / 5))
              for k, r in ((k, outer if k % 2 == 0 else inner) for k in range(10))]
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(QColor(INK))
    painter.setBrush(QColor(STAR))
    painter.drawPolygon(QPolygonF(points))
    painter.end()
    return QIcon(pixmap)
