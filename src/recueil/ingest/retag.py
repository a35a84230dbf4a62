"""Re-running the tagger over catalogue documents from their stored text.

No file is extracted again: the text comes from the catalogue's pages and
the format's dates from the stored metadata. Manual decisions survive.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from recueil.catalogue.db import Catalogue
from recueil.catalogue.models import Document, RunStatus
from recueil.catalogue.repository import (
    TagChange,
    apply_analysis,
    planned_change,
    sync_themes,
)
from recueil.ingest.runs import close_run, open_run

if TYPE_CHECKING:
    from recueil.tagging.analyse import Analyser, AnalysisInput

BATCH = 32
_DATE_KEYS = {"modified", "210d", "210$d", "009a", "009$a", "issued", "created"}
_TEXT_SOURCES = ("title", "text")


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

    hint = None if document.doc_type_by_rules else document.doc_type
    return AnalysisInput(
        title=document.title or "",
        text=document.text,
        date_hints=date_hints(document),
        doc_type_hint=hint,
        filename=document.filename,
    )


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
            arguments = {"themes": sorted(only_themes) if only_themes else None}
            run_id = open_run(session, arguments, command="retag")
    status = RunStatus.INTERRUPTED
    try:
        for start in range(0, len(all_ids), BATCH):
            batch_ids = all_ids[start : start + BATCH]
            # A dry run reads in a session that is never committed.
            context = catalogue.session() if dry_run else catalogue.transaction()
            with context as session:
                if not dry_run:
                    sync_themes(session, analyser.themes)
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
        status = RunStatus.FINISHED
    finally:
        if run_id is not None:
            with catalogue.transaction() as session:
                close_run(session, run_id, status)
