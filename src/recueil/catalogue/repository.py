"""Every write of tagging results to the catalogue, as named operations.

Theme tags from the tagger (rules and learned model combined) carry their
source, combined score, each source's score, evidence, tagger version and
run; a manual tag (added, or removed and kept inactive) keeps its decision,
so re-tagging never brings back a theme a documentalist removed. Fields the
format set (doc type, cité) are kept; what the rules set is recomputed.

The catalogue does not know the tagger: an analysis is anything shaped like
``AnalysisData`` (the tagger's ``Analysis`` is), theme data anything shaped
like ``ThemeData``.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from recueil.catalogue.models import Document, DocumentDate, Entity, Theme, ThemeTag, utcnow
from recueil.catalogue.vocabulary import TagSource

_SYNCED_KEY = "recueil_themes_synced"


class TagData(Protocol):
    """One theme's decision by the tagger (``tagging.combine.ThemeDecision``)."""

    @property
    def score(self) -> float: ...
    @property
    def rules_score(self) -> float: ...
    @property
    def model_score(self) -> float | None: ...
    @property
    def source(self) -> str: ...
    @property
    def active(self) -> bool: ...
    @property
    def evidence(self) -> dict[str, Any]: ...


class DateData(Protocol):
    @property
    def value(self) -> Any: ...  # a datetime.date
    @property
    def precision(self) -> str: ...
    @property
    def raw(self) -> str: ...
    @property
    def source(self) -> str: ...
    @property
    def year_inferred(self) -> bool: ...


class EntityData(Protocol):
    @property
    def label(self) -> str: ...
    @property
    def text(self) -> str: ...
    @property
    def normalised(self) -> str: ...
    @property
    def count(self) -> int: ...


class AnalysisData(Protocol):
    """What the catalogue stores of one document's analysis."""

    @property
    def tags(self) -> Mapping[str, TagData]: ...
    @property
    def tagger_version(self) -> str: ...
    @property
    def threshold(self) -> float: ...
    @property
    def words(self) -> int: ...
    @property
    def dates(self) -> Sequence[DateData]: ...
    @property
    def main_date(self) -> DateData | None: ...
    @property
    def doc_type(self) -> str | None: ...
    @property
    def cite(self) -> str | None: ...
    @property
    def entities(self) -> Sequence[EntityData]: ...


class ThemeEntry(Protocol):
    @property
    def code(self) -> str: ...
    @property
    def label(self) -> str: ...
    @property
    def description(self) -> str: ...


class ThemeData(Protocol):
    @property
    def digest(self) -> str: ...
    @property
    def themes(self) -> Sequence[ThemeEntry]: ...


def sync_themes(session: Session, themes: ThemeData) -> None:
    """Create or update the Theme rows from the theme data (rows of removed themes stay).

    Done once per session and theme data: a second call with the same digest is free.
    """
    if session.info.get(_SYNCED_KEY) == themes.digest:
        return
    existing = {t.code: t for t in session.scalars(select(Theme))}
    for position, theme in enumerate(themes.themes):
        row = existing.get(theme.code)
        if row is None:
            session.add(
                Theme(
                    code=theme.code,
                    label=theme.label,
                    description=theme.description,
                    position=position,
                )
            )
        else:
            row.label, row.description, row.position = theme.label, theme.description, position
    session.flush()
    session.info[_SYNCED_KEY] = themes.digest


def apply_analysis(
    session: Session,
    document: Document,
    analysis: AnalysisData,
    run_id: int | None,
    *,
    only_themes: Collection[str] | None = None,
) -> None:
    """Write themes, dates, type, cité and entities of ``analysis`` onto ``document``.

    The themes of the analysis must be in the catalogue (``sync_themes``).
    With ``only_themes``, only the tags (scores, evidence) of those themes change.
    """
    now = utcnow()
    _apply_tags(document, analysis, run_id, only_themes)
    document.tagged_at = now
    document.updated_at = now
    if only_themes is not None:
        return
    document.tagger_version = analysis.tagger_version
    document.tag_threshold = analysis.threshold
    document.tagged_words = analysis.words
    _apply_fields(document, analysis)
    document.dates = [
        DocumentDate(
            value=d.value,
            precision=d.precision,
            raw=d.raw[:200],
            source=d.source[:120],
            year_inferred=d.year_inferred,
        )
        for d in analysis.dates
    ]
    document.entities = [
        Entity(label=e.label, text=e.text[:300], normalised=e.normalised[:300], count=e.count)
        for e in analysis.entities
    ]


def _apply_fields(document: Document, analysis: AnalysisData) -> None:
    """Doc type, cité and date from the rules, never over what the file's format said."""
    # The rules may change again what they set before, never what the format set.
    if analysis.doc_type and (document.doc_type is None or document.doc_type_by_rules):
        if document.doc_type is None:
            document.doc_type_by_rules = True
        document.doc_type = analysis.doc_type
    if analysis.cite and (document.cite_educative is None or document.cite_by_rules):
        if document.cite_educative is None:
            document.cite_by_rules = True
        document.cite_educative = analysis.cite
    elif not analysis.cite and document.cite_by_rules:
        document.cite_educative = None
        document.cite_by_rules = False
    main = analysis.main_date
    if main is not None:
        document.date = main.value if main.precision != "year" else None
        document.year = main.value.year
        document.date_source = f"{main.source} ({main.precision})"[:120]


def _apply_tags(
    document: Document, analysis: AnalysisData, run_id: int | None, only: Collection[str] | None
) -> None:
    tags = {t.theme_code: t for t in document.tags}
    for code in sorted(set(analysis.tags) | set(tags)):
        if only is not None and code not in only:
            continue
        tag = tags.get(code)
        found = analysis.tags.get(code)
        if tag is not None and tag.source == TagSource.MANUAL:
            # The decision stays; the tagger's figures follow.
            tag.score = found.score if found else (1.0 if tag.active else 0.0)
            tag.rules_score = found.rules_score if found else None
            tag.model_score = found.model_score if found else None
            tag.evidence = found.evidence if found else None
            continue
        if found is None:
            if tag is not None:
                document.tags.remove(tag)
            continue
        if tag is None:
            tag = ThemeTag(theme_code=code)
            document.tags.append(tag)
        tag.source = TagSource(found.source)
        tag.score = found.score
        tag.rules_score = found.rules_score
        tag.model_score = found.model_score
        tag.active = found.active
        tag.evidence = found.evidence
        tag.tagger_version = analysis.tagger_version
        tag.run_id = run_id


@dataclass(slots=True)
class TagChange:
    """What a tagging run changes in a document's active themes."""

    document_id: int
    title: str
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)

    def as_row(self) -> dict[str, object]:
        return {
            "id": self.document_id,
            "title": self.title,
            "added": self.added,
            "removed": self.removed,
        }


def planned_change(
    document: Document, analysis: AnalysisData, only: Collection[str] | None = None
) -> TagChange:
    """What applying ``analysis`` would add to and remove from the active themes."""
    before = set(document.active_theme_codes)
    after = set()
    tags = {t.theme_code: t for t in document.tags}
    for code in set(tags) | set(analysis.tags):
        tag = tags.get(code)
        if (only is not None and code not in only) or (
            tag is not None and tag.source == TagSource.MANUAL
        ):
            if tag is not None and tag.active:
                after.add(code)
        elif code in analysis.tags and analysis.tags[code].active:
            after.add(code)
    return TagChange(document.id, document.title, sorted(after - before), sorted(before - after))


def set_manual_tags(
    session: Session, document: Document, add: Collection[str], remove: Collection[str]
) -> None:
    """Record a documentalist's decision: added themes active, removed ones kept inactive."""
    tags = {t.theme_code: t for t in document.tags}
    for code, active in [*((c, True) for c in add), *((c, False) for c in remove)]:
        tag = tags.get(code)
        if tag is None:
            tag = ThemeTag(theme_code=code, score=1.0 if active else 0.0)
            document.tags.append(tag)
            tags[code] = tag
        tag.source = TagSource.MANUAL
        tag.active = active
        tag.run_id = None
        tag.tagger_version = None
    document.updated_at = utcnow()
    session.flush()
