"""Database tables (SQLModel over SQLite, and PostgreSQL for a server project).

Conventions, relied on by exports and merges:
- every row has a UUID (text: ``str(uuid4())``; new annotations get time-ordered UUIDv7s, see
  core/project/bulk.py) as its primary key, so rows keep their identity across projects, exports and merges;
- timestamps are ISO 8601 text in UTC with microseconds (``now()``), which sort as text;
- offsets are Unicode code points into ``Document.text``, ``[start, end)``;
- JSON columns hold plain JSON values (metadata, attribute definitions and values).
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Column, ForeignKey, Index, Integer, String, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field, SQLModel

# JSON columns: SQLite's JSON (text, as every file holds them) and PostgreSQL's jsonb, which has
# equality (``=``, DISTINCT, GROUP BY; json has none) and GIN indexes. jsonb orders an object's keys
# its own way, which exports do not see: they are written with sort_keys (issue 19, T1).
JSON_VALUE = JSON().with_variant(JSONB(), "postgresql")


def version_column() -> Column:
    """Format 6: a shared object's version (categories, settings, decisions), 1 when made and one
    more at each change, so that a write based on an older read is refused (core/project/versions.py).
    The mapper's ``version_id_col``: every UPDATE checks it. Never exported; rows written without it
    (a copy of a format-5 project) get 1."""
    return Column("version", Integer, nullable=False, server_default=text("1"))


_CATEGORY_VERSION, _SETTING_VERSION, _DECISION_VERSION = version_column(), version_column(), version_column()


def new_id() -> str:
    """A fresh UUID as text."""
    return str(uuid.uuid4())


def now() -> str:
    """The current time as ISO 8601 UTC text, e.g. ``2026-11-21T20:17:24.123456+00:00``."""
    return datetime.now(UTC).isoformat(timespec="microseconds")


class ProjectInfo(SQLModel, table=True):
    """One row: the project's own identity."""

    __tablename__ = "project"

    id: str = Field(default_factory=new_id, primary_key=True)
    name: str
    created: str = Field(default_factory=now)
    created_by: str = ""  # "Annotator 0.1.0"


class Document(SQLModel, table=True):
    """An imported text. Immutable after import; identified in exports by ``sha256``."""

    __tablename__ = "documents"
    __table_args__ = (Index("ix_documents_position", "position"),)  # max(position) per import stays cheap

    id: str = Field(default_factory=new_id, primary_key=True)
    title: str
    text: str
    sha256: str = Field(sa_column=Column(String, nullable=False, unique=True))
    length: int  # len(text) in code points, kept so listings need not load the text
    source: str = ""  # file name it was imported from
    meta: dict[str, Any] = Field(default_factory=dict, sa_column=Column("metadata", JSON_VALUE, nullable=False))
    position: int = 0  # import order, for a stable listing
    created: str = Field(default_factory=now)


class Category(SQLModel, table=True):
    """A tag of the schema. ``parent_id`` builds the hierarchy; ``position`` orders siblings."""

    __tablename__ = "categories"

    id: str = Field(default_factory=new_id, primary_key=True)
    name: str
    colour: str  # "#rrggbb"
    description: str = ""  # the guideline coders apply
    shortcut: str | None = None
    parent_id: str | None = Field(
        default=None, sa_column=Column(String, ForeignKey("categories.id"), nullable=True, index=True)
    )
    position: int = 0
    attributes: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSON_VALUE, nullable=False))
    created: str = Field(default_factory=now)
    modified: str = Field(default_factory=now)
    version: int = Field(default=1, sa_column=_CATEGORY_VERSION)
    __mapper_args__ = {"version_id_col": _CATEGORY_VERSION}


class Annotator(SQLModel, table=True):
    """A coder. Every annotation names one."""

    __tablename__ = "annotators"

    id: str = Field(default_factory=new_id, primary_key=True)
    name: str
    created: str = Field(default_factory=now)


# The gold layer (format 4): the annotations of this one reserved annotator, made by adjudication.
# A fixed id (uuid5 of the URL namespace and "annotator:gold"), so that two adjudicators' gold
# layers are one layer once their files are merged.
GOLD_ID = "f4ce08dd-47bc-5fce-8c73-fd801b5855fa"
GOLD_NAME = "Gold standard"
DECISION_KINDS = ("accepted", "merged", "edited", "created", "rejected")


class ProjectSetting(SQLModel, table=True):
    """A project-wide setting (format 3), e.g. whether a lead may change other coders' work: a
    JSON value per key, with when and by which coder it was last set."""

    __tablename__ = "settings"

    key: str = Field(primary_key=True)
    value: Any = Field(sa_column=Column(JSON_VALUE, nullable=False))
    modified: str = Field(default_factory=now)
    modified_by: str | None = None
    version: int = Field(default=1, sa_column=_SETTING_VERSION)
    __mapper_args__ = {"version_id_col": _SETTING_VERSION}


class DocumentStatus(SQLModel, table=True):
    """A coder's status for a document (format 3): ``in progress`` or ``done``; no row is ``not
    started``. When it was last set, so merges keep the latest per (document, coder)."""

    __tablename__ = "document_status"

    document_id: str = Field(sa_column=Column(String, ForeignKey("documents.id"), primary_key=True))
    annotator_id: str = Field(sa_column=Column(String, ForeignKey("annotators.id"), primary_key=True))
    status: str
    modified: str = Field(default_factory=now)


class Origin(SQLModel, table=True):
    """Another project whose annotations were imported here (from an export file), kept so that
    exports name where each annotation was made (format 2)."""

    __tablename__ = "origins"

    id: str = Field(primary_key=True)
    name: str


class Annotation(SQLModel, table=True):
    """A span ``[start, end)`` of a document, in code points, with its category and coder."""

    __tablename__ = "annotations"
    __table_args__ = (
        Index("ix_annotations_document_position", "document_id", "start", "end"),
        CheckConstraint("start >= 0 AND start < \"end\"", name="ck_annotations_span"),
    )

    id: str = Field(default_factory=new_id, primary_key=True)
    document_id: str = Field(sa_column=Column(String, ForeignKey("documents.id"), nullable=False))
    category_id: str = Field(sa_column=Column(String, ForeignKey("categories.id"), nullable=False, index=True))
    annotator_id: str = Field(sa_column=Column(String, ForeignKey("annotators.id"), nullable=False, index=True))
    start: int
    end: int
    note: str = ""
    attributes: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON_VALUE, nullable=False))
    created: str = Field(default_factory=now)
    modified: str = Field(default_factory=now)
    # The project the annotation was made in, when that is not this one (format 2; see Origin).
    origin_id: str | None = None
    # The coder who last changed it (format 3): its own coder, or a lead who changed another
    # coder's annotation under the project's override; None until it is first changed.
    modified_by: str | None = None


class Decision(SQLModel, table=True):
    """An adjudicator's decision on a unit of disagreement (format 4; docs/adjudication.md).

    ``unit_id`` is the ``Unit.id`` of core/agreement/units.py (by="any", computed from the coders'
    spans without the gold layer), None for a gold span "created" where no coder marked anything.
    ``sources`` are the coder annotations it took, ``gold`` the gold annotations it made (none for
    "rejected": nothing belongs there), ``replaces`` the decisions it replaced (so that a merge
    drops them). ``rule`` is None for a person's decision, else the pre-merge rule that made it."""

    __tablename__ = "decisions"
    __table_args__ = (Index("ix_decisions_document", "document_id", "start"),
                      CheckConstraint("kind IN ('accepted', 'merged', 'edited', 'created', 'rejected')",
                                      name="ck_decisions_kind"))

    id: str = Field(default_factory=new_id, primary_key=True)
    document_id: str = Field(sa_column=Column(String, ForeignKey("documents.id"), nullable=False))
    unit_id: str | None = Field(default=None, sa_column=Column(String, nullable=True, index=True))
    start: int
    end: int
    kind: str
    sources: list[str] = Field(default_factory=list, sa_column=Column(JSON_VALUE, nullable=False))
    gold: list[str] = Field(default_factory=list, sa_column=Column(JSON_VALUE, nullable=False))
    replaces: list[str] = Field(default_factory=list, sa_column=Column(JSON_VALUE, nullable=False))
    rule: str | None = None
    decided_by: str
    decided: str = Field(default_factory=now)
    reason: str = ""
    # Counted per unit, by gold.py: a new decision on a unit is one more than the one it replaces,
    # so the mapper does not number new rows itself (version_id_generator off; updates are checked).
    version: int = Field(default=1, sa_column=_DECISION_VERSION)
    __mapper_args__ = {"version_id_col": _DECISION_VERSION, "version_id_generator": False}


# -- text in code point order on a server (issue 19, T3) ------------------------------------------
# SQLite compares text by its BINARY collation, which is code point order (Python's ``sorted``);
# PostgreSQL compares by the database's collation, which an admin chose (en_US.UTF-8 or ICU put
# "a" < "B" and "ä" beside "a"). Every text column of these tables is therefore ``COLLATE "C"``
# on PostgreSQL (a type variant: SQLite's DDL, and so the file format, are unchanged), so that
# ORDER BY, comparisons, DISTINCT and the columns' indexes follow code point order whatever the
# database's default, and an ORDER BY written with ``COLLATE "C"`` (engine_sql) can use the index.
# PostgreSQL's "C" collation exists in every database; it changes no equality (both are
# deterministic) and no SQL here folds case in the server (Python folds, see core/text.py).

CODE_POINT_TEXT = String(collation="C")
MODELS = (ProjectInfo, Document, Category, Annotator, ProjectSetting, DocumentStatus, Origin, Annotation, Decision)


def _is_text(column: Column) -> bool:
    kind = column.type
    return isinstance(kind, String) or isinstance(getattr(kind, "impl", None), String)  # AutoString


def _in_code_point_order(models) -> None:
    for model in models:
        for column in model.__table__.columns:
            if _is_text(column) and "postgresql" not in column.type._variant_mapping:
                column.type = column.type.with_variant(CODE_POINT_TEXT, "postgresql")


_in_code_point_order(MODELS)
