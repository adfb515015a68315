"""A document's spans as the view's span index reads them (spans.SpanSource), a part at a time,
from the project: the count, the spans starting in a stretch, one span by id. Plain Python."""

from __future__ import annotations

from annotator.core.project.project import Project


class DocumentSpans:
    """The spans of one document (only one coder's, given ``annotator_id``) in ``project``."""

    def __init__(self, project: Project, document_id: str, annotator_id: str | None = None) -> None:
        self.project, self.document_id, self.annotator_id = project, document_id, annotator_id
        self._mark = project.annotation_mark()

    def count(self) -> int:
        return self.project.count_annotations(document_id=self.document_id, annotator_id=self.annotator_id)

    def window(self, low: int, high: int, longer_than: int | None = None) -> list[tuple]:
        return self.project.annotation_spans_window(self.document_id, low, high, self.annotator_id, longer_than)

    def one(self, span_id: str) -> tuple | None:
        rows = self.project.annotation_rows(ids=[span_id], quote_limit=0, annotator_id=self.annotator_id)
        return next(((r.id, r.start, r.end, r.category_id, r.annotator_id) for r in rows
                     if r.document_id == self.document_id), None)

    def is_new(self, span_id: str) -> bool:
        return self.project.added_since(self._mark, span_id)

    def removed(self) -> None:
        self._mark = min(self._mark, self.project.annotation_mark())  # a new row may take a deleted rowid

    def starts(self, size: int, longest: int) -> dict[int, int]:
        return self.project.annotation_starts(self.document_id, size, longest, self.annotator_id)
