"""What an operation changed, so each view refreshes only what it shows (Anki's ``OpChanges``).

Every command's ``do``/``undo`` and every core operation that writes returns (or carries, as
``report.changes``) a ``Changes``; read-only work returns ``NOTHING``. The GUI refreshes from it in
one handler and keeps the undo history unless a change came from outside it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Changes:
    """``annotations``: ids of annotations added, changed or removed; ``documents``: ids of the
    documents they sit in, or whose text or metadata changed; ``schema``: categories or their
    attributes changed; ``corpus``: documents or annotators were added or removed, or anything else
    too broad to name (an import, a merge into the project, a restore)."""

    annotations: frozenset[str] = frozenset()
    documents: frozenset[str] = frozenset()
    schema: bool = False
    corpus: bool = False

    @classmethod
    def of(cls, annotations: Iterable[str] = (), documents: Iterable[str] = (),
           schema: bool = False, corpus: bool = False) -> Changes:
        return cls(frozenset(annotations), frozenset(documents), schema, corpus)

    def __or__(self, other: Changes) -> Changes:
        return Changes(self.annotations | other.annotations, self.documents | other.documents,
                       self.schema or other.schema, self.corpus or other.corpus)

    def __bool__(self) -> bool:
        return bool(self.annotations or self.documents or self.schema or self.corpus)


NOTHING = Changes()
EVERYTHING = Changes(schema=True, corpus=True)

Progress = Callable[[int, int, str], None]
"""How a long operation reports how far it is: ``progress(done, total, label)``, ``total`` 0 when
not known (the label alone then says what is happening). The one shape for every core operation."""
