"""What the learning side of tagging reads from the catalogue: decisions and stored scores.

``manual_decisions`` gives every document a documentalist decided on with
``recueil tag`` (its text and the themes added or removed): the examples
``recueil train`` learns from. ``scored_tags`` gives the tagger's stored
figures per document for ``recueil review``. Plain data out: the catalogue
does not know the tagger.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from recueil.catalogue.models import Document, ThemeTag
from recueil.catalogue.vocabulary import TagSource

BATCH = 200


@dataclass(slots=True)
class Decided:
    document_id: int
    title: str
    text: str
    decisions: dict[str, bool]  # theme -> added (True) or removed (False) by hand


@dataclass(slots=True)
class ScoredTag:
    theme: str
    score: float
    rules_score: float
    model_score: float | None


@dataclass(slots=True)
class ScoredDocument:
    document_id: int
    title: str
    threshold: float | None  # the rules' threshold when it was tagged
    tags: list[ScoredTag] = field(default_factory=list)


def manual_decisions(session: Session) -> Iterator[Decided]:
    """Documents with manual tags, in id order, with their text and decisions."""
    query = select(ThemeTag.document_id).where(ThemeTag.source == TagSource.MANUAL).distinct()
    ids = sorted(session.scalars(query))
    for start in range(0, len(ids), BATCH):
        documents = session.scalars(
            select(Document)
            .where(Document.id.in_(ids[start : start + BATCH]))
            .options(selectinload(Document.pages), selectinload(Document.tags))
            .order_by(Document.id)
        )
        for document in documents:
            decisions = {
                t.theme_code: t.active for t in document.tags if t.source == TagSource.MANUAL
            }
            yield Decided(document.id, document.title or "", document.text, decisions)


def scored_tags(session: Session, theme: str | None = None) -> list[ScoredDocument]:
    """The tagger's figures of every non-manual tag (one entry per document), in id order."""
    query = (
        select(
            Document.id,
            Document.title,
            Document.tag_threshold,
            ThemeTag.theme_code,
            ThemeTag.score,
            ThemeTag.rules_score,
            ThemeTag.model_score,
        )
        .join(ThemeTag, ThemeTag.document_id == Document.id)
        .where(ThemeTag.source != TagSource.MANUAL)
        .order_by(Document.id, ThemeTag.theme_code)
    )
    if theme is not None:
        query = query.where(ThemeTag.theme_code == theme)
    out: list[ScoredDocument] = []
    for doc_id, title, threshold, code, score, rules, model in session.execute(query):
        if not out or out[-1].document_id != doc_id:
            out.append(ScoredDocument(doc_id, title or "", threshold))
        rules_score = rules if rules is not None else score
        out[-1].tags.append(ScoredTag(code, score, rules_score, model))
    return out
