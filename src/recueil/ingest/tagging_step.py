"""The tagging stage of ingestion: an adapter from extraction results to the tagger.

The spaCy model is loaded once per batch, and only when a document actually
needs tagging (a re-run over duplicates never loads it). The learned theme
model (small: plain weights) is read at once, so that a damaged
``<home>/theme_model.json.gz`` stops the run before any file is read.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from recueil.catalogue.models import Document
from recueil.catalogue.repository import apply_analysis, sync_themes
from recueil.config import Settings
from recueil.ingest.base import ExtractedDocument

if TYPE_CHECKING:
    from recueil.tagging.analyse import Analyser, Analysis, AnalysisInput
    from recueil.tagging.themes import ThemeSet


class TaggingStep:
    def __init__(self, settings: Settings) -> None:
        from recueil.tagging.learned import theme_model

        self.settings = settings
        self._analyser: Analyser | None = None
        self._themes: ThemeSet | None = None
        theme_model(settings)  # cached for the Analyser (and inherited by forked workers)

    @property
    def analyser(self) -> Analyser:
        if self._analyser is None:
            from recueil.tagging.analyse import Analyser

            self._analyser = Analyser(self.settings)
        return self._analyser

    @property
    def themes(self) -> ThemeSet:
        """The theme data, without loading the model when it is not loaded yet."""
        if self._analyser is not None:
            return self._analyser.themes
        if self._themes is None:
            from recueil.tagging.themes import load_themes

            self._themes = load_themes(self.settings)
        return self._themes

    def load(self) -> None:
        """Load the model now (before forking workers that will share it)."""
        _ = self.analyser

    def to_input(self, extracted: ExtractedDocument, filename: str | None = None) -> AnalysisInput:
        from recueil.tagging.analyse import AnalysisInput

        return AnalysisInput(
            title=extracted.title or "",
            text=extracted.text,
            date_hints=list(extracted.date_hints),
            doc_type_hint=extracted.doc_type,
            filename=filename,
        )

    def analyse(self, extracted: ExtractedDocument) -> Analysis:
        return next(iter(self.analyser.analyse([self.to_input(extracted)])))

    def analyse_many(self, documents: list[ExtractedDocument]) -> list[Analysis]:
        """Analyse the documents of one file in a single ``nlp.pipe`` pass."""
        if not documents:
            return []
        return list(self.analyser.analyse([self.to_input(d) for d in documents]))

    def apply(
        self, session: Session, document: Document, analysis: Analysis, run_id: int | None
    ) -> None:
        sync_themes(session, self.themes)
        apply_analysis(session, document, analysis, run_id)
