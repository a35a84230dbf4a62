"""Re-running the tagger over catalogue documents from their stored text.

No file is extracted again: the text comes from the catalogue's pages and
the format's dates from the stored metadata. Manual decisions survive.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from recueil.catalogue.db import Catalogue
from recueil.catalogue.models import Document, IngestionRun, utcnow
from recueil.tagging.store import RULES, apply_analysis

if TYPE_CHECKING:
    from recueil.tagging.analyse import Analyser, Analysis, AnalysisInput

BATCH = 32
_DATE_KEYS = {"modified", "210d", "210$d", "009a", "009$a", "issued", "created"}
_TEXT_SOURCES = ("title", "text")


@dataclass(slots=True)
class TagChange:
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


def date_hints(document: Document) -> list[tuple[str, str]]:
    """The format's dates: from earlier tagging runs, else from the raw metadata."""
    hints: dict[tuple[str, str], None] = {}
    for found in document.dates:
        if found.source not in _TEXT_SOURCES:
            hints.setdefault((found.raw, found.source), None)
    for entry in document.metadata_entries:
        key = entry.key.lower()
        if entry.value and ("date" in key or key in _DATE_KEYS):
            hints.setdefault((entry.value, f"{entry.namespace}:{entry.key}"), None)
    return list(hints)


def document_input(document: Document) -> AnalysisInput:
    from recueil.tagging.analyse import AnalysisInput

    set_by_rules = set((document.theme_scores or {}).get("set_by_rules", []))
    hint = document.doc_type if "doc_type" not in set_by_rules else None
    return AnalysisInput(
        title=document.title or "",
        text=document.text,
        date_hints=date_hints(document),
        doc_type_hint=hint,
        filename=document.filename,
    )


def planned_change(
    document: Document, analysis: Analysis, only: Collection[str] | None = None
) -> TagChange:
    """What applying ``analysis`` would add to and remove from the active themes."""
    before = set(document.active_theme_codes)
    after = set()
    tags = {t.theme_code: t for t in document.tags}
    for code in set(tags) | set(analysis.scores):
        tag = tags.get(code)
        if (only is not None and code not in only) or (tag is not None and tag.source != RULES):
            if tag is not None and tag.active:
                after.add(code)
        elif code in analysis.themes:
            after.add(code)
    return TagChange(document.id, document.title, sorted(after - before), sorted(before - after))


def _load(session: Session, ids: list[int]) -> list[Document]:
    query = (
        select(Document)
        .where(Document.id.in_(ids))
        .options(
            selectinload(Document.pages),
            selectinload(Document.tags),
            selectinload(Document.metadata_entries),
            selectinload(Document.dates),
        )
        .order_by(Document.id)
    )
    return list(session.scalars(query))


def retag(
    catalogue: Catalogue,
    analyser: Analyser,
    *,
    only_themes: Collection[str] | None = None,
    dry_run: bool = False,
    ids: Collection[int] | None = None,
    progress: Callable[[int], None] | None = None,
) -> Iterator[TagChange]:
    """Re-tag documents (all, or ``ids``); yield the change of every document, batch by batch."""
    with catalogue.session() as session:
        query = select(Document.id).order_by(Document.id)
        if ids is not None:
            query = query.where(Document.id.in_(list(ids)))
        all_ids = list(session.scalars(query))
    run_id = None
    if not dry_run:
        with catalogue.transaction() as session:
            run = IngestionRun(
                command="retag",
                arguments={"themes": sorted(only_themes) if only_themes else None},
            )
            session.add(run)
            session.flush()
            run_id = run.id
    status = "interrupted"
    try:
        for start in range(0, len(all_ids), BATCH):
            batch_ids = all_ids[start : start + BATCH]
            # A dry run reads in a session that is never committed.
            context = catalogue.session() if dry_run else catalogue.transaction()
            with context as session:
                documents = _load(session, batch_ids)
                analyses = analyser.analyse([document_input(d) for d in documents])
                changes = []
                for document, analysis in zip(documents, analyses, strict=True):
                    changes.append(planned_change(document, analysis, only_themes))
                    if not dry_run:
                        apply_analysis(session, document, analysis, run_id, only_themes=only_themes)
            if progress is not None:
                progress(len(batch_ids))
            yield from changes
        status = "finished"
    finally:
        if run_id is not None:
            with catalogue.transaction() as session:
                finished = session.get(IngestionRun, run_id)
                if finished is not None:
                    finished.status, finished.finished_at = status, utcnow()
