"""What a view reading a long document a part at a time asks besides the spans
(``AnnotationsMixin.annotation_spans_window``): how many start in each stretch, and which
annotations were stored since it began (annotator/gui/spans.py)."""

from __future__ import annotations

from annotator.core.project.annotations import _only, _raw


class SpanReadsMixin:
    def annotation_mark(self) -> int:
        """A mark of the annotations stored now: those stored later are ``added_since`` it."""
        with self._tx() as s:
            return _raw(s)("SELECT coalesce(max(rowid), 0) FROM annotations", ())[0][0]

    def added_since(self, mark: int, annotation_id: str) -> bool:
        """Whether the annotation was stored after ``annotation_mark`` gave ``mark`` (with no
        annotation deleted since: a new row may take a deleted one's rowid)."""
        with self._tx() as s:
            rows = _raw(s)("SELECT rowid FROM annotations WHERE id = ?", (annotation_id,))
        return bool(rows) and rows[0][0] > mark

    def annotation_starts(self, document_id: str, size: int, longest: int,
                          annotator_id: str | None = None) -> dict[int, int]:
        """How many of a document's annotations at most ``longest`` code points long start in
        each stretch of ``size`` code points (``start // size`` → count; only one coder's, given
        ``annotator_id``): without a coder, counted on the index of document, start and end alone."""
        mine, params = _only(annotator_id, "annotator_id")
        with self._tx() as s:
            return dict(_raw(s)('SELECT start / ?, count(*) FROM annotations WHERE document_id = ?'
                                f' AND "end" - start <= ?{mine} GROUP BY 1', (size, document_id, longest, *params)))
