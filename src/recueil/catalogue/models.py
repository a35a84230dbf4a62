"""SQLAlchemy 2 typed models of the catalogue, the source of truth.

Schema changes ship as Alembic migrations in ``migrations/versions``; the
first migration creates exactly these tables.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any, ClassVar, TypeVar

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

from recueil.catalogue.vocabulary import Outcome, RunStatus, TagSource, TextOrigin

E = TypeVar("E", bound=enum.StrEnum)


class EnumText(TypeDecorator[E]):
    """A ``StrEnum`` stored as its text value; reads give members back."""

    impl = String
    cache_ok = True

    def __init__(self, enum_type: type[E], length: int) -> None:
        super().__init__(length)
        self.enum_type = enum_type

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        return None if value is None else self.enum_type(value).value

    def process_result_value(self, value: Any, dialect: Dialect) -> E | None:
        return None if value is None else self.enum_type(value)


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class Base(DeclarativeBase):
    type_annotation_map: ClassVar[dict[Any, Any]] = {dict[str, Any]: JSON, list[Any]: JSON}


class Document(Base):
    __tablename__ = "document"

    id: Mapped[int] = mapped_column(primary_key=True)
    # SHA-256 of the original file; NULL for records that have no file of their own.
    sha256: Mapped[str | None] = mapped_column(String(64), unique=True)
    # Stable id from another catalogue (e.g. "cosoter:1234"); re-import updates.
    external_id: Mapped[str | None] = mapped_column(String(255), unique=True)
    original_path: Mapped[str | None] = mapped_column(String(512))  # relative to the home
    source: Mapped[str] = mapped_column(Text)  # path or URL it came from
    filename: Mapped[str | None] = mapped_column(String(512))
    mime_type: Mapped[str | None] = mapped_column(String(100))
    size_bytes: Mapped[int | None] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(20))  # extractor: pdf, web, record
    doc_type: Mapped[str | None] = mapped_column(String(40), index=True)
    title: Mapped[str] = mapped_column(Text, default="")
    language: Mapped[str] = mapped_column(String(8), default="fr")
    date: Mapped[dt.date | None] = mapped_column(Date, index=True)
    date_source: Mapped[str | None] = mapped_column(String(120))
    year: Mapped[int | None] = mapped_column(Integer, index=True)
    page_count: Mapped[int] = mapped_column(Integer, default=0)
    word_count: Mapped[int] = mapped_column(Integer, default=0)
    # Share of characters that are extraction garbage, share of dictionary-like words.
    garbage_ratio: Mapped[float | None] = mapped_column(Float)
    word_ratio: Mapped[float | None] = mapped_column(Float)
    needs_ocr: Mapped[bool] = mapped_column(Boolean, default=False)
    text_origin: Mapped[TextOrigin] = mapped_column(
        EnumText(TextOrigin, 20), default=TextOrigin.TEXT
    )
    cite_educative: Mapped[str | None] = mapped_column(String(120), index=True)
    # The last automatic tagging run; per-theme scores and evidence are in ``tags``.
    tagged_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    tagger_version: Mapped[str | None] = mapped_column(String(80))
    tag_threshold: Mapped[float | None] = mapped_column(Float)
    tagged_words: Mapped[int | None] = mapped_column(Integer)
    # The rules (not the file's format) chose doc_type / cite_educative: a later run may
    # change them again, while a format's own value is kept.
    doc_type_by_rules: Mapped[bool] = mapped_column(Boolean, default=False)
    cite_by_rules: Mapped[bool] = mapped_column(Boolean, default=False)
    attached_to_id: Mapped[int | None] = mapped_column(
        ForeignKey("document.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    pages: Mapped[list[Page]] = relationship(
        back_populates="document", cascade="all, delete-orphan", order_by="Page.number"
    )
    metadata_entries: Mapped[list[MetadataEntry]] = relationship(
        back_populates="document", cascade="all, delete-orphan", order_by="MetadataEntry.id"
    )
    tags: Mapped[list[ThemeTag]] = relationship(
        back_populates="document", cascade="all, delete-orphan"
    )
    entities: Mapped[list[Entity]] = relationship(
        back_populates="document", cascade="all, delete-orphan"
    )
    dates: Mapped[list[DocumentDate]] = relationship(
        back_populates="document", cascade="all, delete-orphan"
    )

    @property
    def text(self) -> str:
        """The whole normalised text, pages separated by blank lines."""
        return "\n\n".join(p.text for p in self.pages if p.text)

    @property
    def active_theme_codes(self) -> list[str]:
        return sorted(t.theme_code for t in self.tags if t.active)

    def meta(self, namespace: str, key: str) -> str | None:
        for entry in self.metadata_entries:
            if entry.namespace == namespace and entry.key == key:
                return entry.value
        return None


class Page(Base):
    __tablename__ = "page"
    __table_args__ = (UniqueConstraint("document_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)  # 1-based
    text: Mapped[str] = mapped_column(Text, default="")
    origin: Mapped[TextOrigin] = mapped_column(EnumText(TextOrigin, 20), default=TextOrigin.TEXT)
    garbage_ratio: Mapped[float | None] = mapped_column(Float)
    needs_ocr: Mapped[bool] = mapped_column(Boolean, default=False)

    document: Mapped[Document] = relationship(back_populates="pages")


class MetadataEntry(Base):
    """Raw metadata kept as found: namespace (pdf, xmp, web, marc, dc), key, value."""

    __tablename__ = "metadata_entry"
    __table_args__ = (Index("ix_metadata_ns_key", "namespace", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(
        ForeignKey("document.id", ondelete="CASCADE"), index=True
    )
    namespace: Mapped[str] = mapped_column(String(20))
    key: Mapped[str] = mapped_column(String(120))
    value: Mapped[str] = mapped_column(Text)

    document: Mapped[Document] = relationship(back_populates="metadata_entries")


class DocumentDate(Base):
    """A date found in or about a document, with where it came from."""

    __tablename__ = "document_date"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(
        ForeignKey("document.id", ondelete="CASCADE"), index=True
    )
    value: Mapped[dt.date] = mapped_column(Date)
    precision: Mapped[str] = mapped_column(String(10), default="day")  # day, month, year
    raw: Mapped[str] = mapped_column(String(200))
    source: Mapped[str] = mapped_column(String(120))  # e.g. "text:p1", "pdf:CreationDate"
    year_inferred: Mapped[bool] = mapped_column(Boolean, default=False)

    document: Mapped[Document] = relationship(back_populates="dates")


class Theme(Base):
    __tablename__ = "theme"

    code: Mapped[str] = mapped_column(String(60), primary_key=True)
    label: Mapped[str] = mapped_column(String(255))
    description: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer, default=0)


class ThemeTag(Base):
    """One theme on one document, with its provenance.

    ``source`` is rules, model, rules+model or manual (``TagSource``). A manual
    removal is kept as an inactive manual tag so that re-tagging never brings
    the theme back. ``score`` is the combined score (tagged at 0.5; the rules'
    own score for tags written before the learned model),
    ``rules_score`` and ``model_score`` each source's own score (None: that
    source did not score it), ``evidence`` the rules' matched terms and the
    model's heaviest words (``model_words``). All are the tagger's latest
    figures, kept up to date under a manual decision too; a manual tag the
    tagger never scored has no evidence and the score of the decision (1
    added, 0 removed).
    """

    __tablename__ = "theme_tag"
    __table_args__ = (UniqueConstraint("document_id", "theme_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(
        ForeignKey("document.id", ondelete="CASCADE"), index=True
    )
    theme_code: Mapped[str] = mapped_column(ForeignKey("theme.code"), index=True)
    score: Mapped[float] = mapped_column(Float, default=0.0)
    rules_score: Mapped[float | None] = mapped_column(Float)
    model_score: Mapped[float | None] = mapped_column(Float)
    source: Mapped[TagSource] = mapped_column(EnumText(TagSource, 12))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    evidence: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    tagger_version: Mapped[str | None] = mapped_column(String(80))  # incl. theme data digest
    run_id: Mapped[int | None] = mapped_column(ForeignKey("ingestion_run.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

    document: Mapped[Document] = relationship(back_populates="tags")


class Entity(Base):
    __tablename__ = "entity"
    __table_args__ = (Index("ix_entity_label_norm", "label", "normalised"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(
        ForeignKey("document.id", ondelete="CASCADE"), index=True
    )
    label: Mapped[str] = mapped_column(String(10))  # PER, ORG, LOC, MISC
    text: Mapped[str] = mapped_column(String(300))
    normalised: Mapped[str] = mapped_column(String(300))
    count: Mapped[int] = mapped_column(Integer, default=1)

    document: Mapped[Document] = relationship(back_populates="entities")


class IngestionRun(Base):
    __tablename__ = "ingestion_run"

    id: Mapped[int] = mapped_column(primary_key=True)
    started_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    status: Mapped[RunStatus] = mapped_column(EnumText(RunStatus, 20), default=RunStatus.RUNNING)
    command: Mapped[str] = mapped_column(String(40), default="ingest")
    arguments: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    host: Mapped[str | None] = mapped_column(String(255))

    items: Mapped[list[IngestionItem]] = relationship(
        back_populates="run", cascade="all, delete-orphan", order_by="IngestionItem.id"
    )


class IngestionItem(Base):
    """The recorded outcome of one input (a file, or one record inside a file)."""

    __tablename__ = "ingestion_item"
    __table_args__ = (UniqueConstraint("run_id", "source"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(
        ForeignKey("ingestion_run.id", ondelete="CASCADE"), index=True
    )
    source: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str | None] = mapped_column(String(64), index=True)
    outcome: Mapped[Outcome] = mapped_column(EnumText(Outcome, 12), index=True)
    document_id: Mapped[int | None] = mapped_column(ForeignKey("document.id", ondelete="SET NULL"))
    error_code: Mapped[str | None] = mapped_column(String(10))
    message: Mapped[str | None] = mapped_column(Text)
    duration_s: Mapped[float | None] = mapped_column(Float)
    pages: Mapped[int | None] = mapped_column(Integer)
    finished_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

    run: Mapped[IngestionRun] = relationship(back_populates="items")


class HarvestState(Base):
    """Last successful OAI-PMH harvest per endpoint, set and prefix (incremental runs)."""

    __tablename__ = "harvest_state"
    __table_args__ = (UniqueConstraint("endpoint", "set_spec", "prefix"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    endpoint: Mapped[str] = mapped_column(Text)
    set_spec: Mapped[str] = mapped_column(String(120), default="")
    prefix: Mapped[str] = mapped_column(String(40))
    last_harvest: Mapped[str | None] = mapped_column(String(40))  # OAI datestamp
    resumption_token: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)


__all__ = [
    "Base",
    "Document",
    "DocumentDate",
    "Entity",
    "HarvestState",
    "IngestionItem",
    "IngestionRun",
    "MetadataEntry",
    "Outcome",
    "Page",
    "RunStatus",
    "TagSource",
    "TextOrigin",
    "Theme",
    "ThemeTag",
]
