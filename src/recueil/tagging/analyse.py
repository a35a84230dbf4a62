"""One pass of NLP over documents: themes, dates, type, cité, entities.

``Analyser`` loads the French model once (parser excluded: nothing here
needs sentences or syntax; NER only when entities are wanted), adds the
``recueil_themes`` component, and streams documents through ``nlp.pipe``.
Long texts are cut into chunks well under ``nlp.max_length``; the hits of the
chunks are merged and the document is scored as a whole. The learned theme
model (the home's, else the built-in one, loaded once per process) scores
the same title and text, and ``combine.decide`` turns both into the tags.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from recueil.config import Settings
from recueil.errors import ModelMissingError
from recueil.tagging import component as _component  # registers the factory
from recueil.tagging.classifier import ThemeModel
from recueil.tagging.combine import ThemeDecision, decide
from recueil.tagging.component import TITLE_CHARS_KEY, theme_hits
from recueil.tagging.dates import FoundDate, choose_main_date, collect_dates
from recueil.tagging.doctype import guess_doc_type
from recueil.tagging.entities import TEXT_KEY, FoundEntity, document_entities
from recueil.tagging.gazetteer import Gazetteer, load_gazetteer
from recueil.tagging.learned import model_digest, theme_model
from recueil.tagging.scoring import ThemeScore, merge_hits, score_themes
from recueil.tagging.text import clean_text
from recueil.tagging.themes import ThemeSet, load_themes

RULES_VERSION = 1
CHUNK_CHARS = 20_000
MAX_TITLE_CHARS = 1_000
NOT_NEEDED = ("parser", "senter")

__all__ = [
    "Analyser",
    "Analysis",
    "AnalysisInput",
    "FoundDate",
    "FoundEntity",
    "ThemeScore",
    "load_pipeline",
]


@dataclass(frozen=True, slots=True)
class AnalysisInput:
    title: str
    text: str  # full normalised text (pages joined by blank lines)
    date_hints: list[tuple[str, str]] = field(default_factory=list)  # (raw, source)
    doc_type_hint: str | None = None  # set by the format for page-web and notice
    filename: str | None = None


@dataclass(slots=True)
class Analysis:
    """What the tagger found in one document: plain, picklable data (it crosses processes)."""

    scores: dict[str, ThemeScore]  # the rules' score of every theme they scored (> 0)
    themes: list[str]  # codes tagged (the combined decision; the rules' alone without model)
    tagger_version: str
    threshold: float  # the theme data's threshold, the rules' own
    tags: dict[str, ThemeDecision]  # what to store, per theme worth a tag
    model: dict[str, float]  # the learned model's score of every theme it knows (empty: off)
    dates: list[FoundDate]
    main_date: FoundDate | None
    doc_type: str | None
    cite: str | None
    entities: list[FoundEntity]
    words: int = 0


_PIPELINES: dict[tuple[str, bool, str], Language] = {}


def load_pipeline(model: str, themes: ThemeSet, *, entities: bool = True) -> Language:
    """The model with what tagging needs, plus our component; cached per process."""
    key = (model, entities, themes.digest)
    if key not in _PIPELINES:
        exclude = [*NOT_NEEDED, *([] if entities else ["ner"])]
        try:
            nlp = spacy.load(model, exclude=exclude)
        except OSError as exc:
            raise ModelMissingError(f"the spaCy model {model!r} is not installed ({exc})") from exc
        scorer = nlp.add_pipe("recueil_themes", last=True)
        assert isinstance(scorer, _component.ThemeScorer)
        scorer.set_themes(themes)
        _PIPELINES[key] = nlp
    return _PIPELINES[key]


def split_chunks(text: str, size: int = CHUNK_CHARS) -> list[str]:
    """Cut at paragraph, then line, then word boundaries; never more than ``size`` chars."""
    chunks: list[str] = []
    while len(text) > size:
        window = text[:size]
        cut = max(window.rfind("\n\n"), 0)
        if cut < size // 2:
            cut = window.rfind("\n")
        if cut < size // 2:
            cut = window.rfind(" ")
        if cut < size // 2:
            cut = size
        chunks.append(text[:cut])
        text = text[cut:]
    chunks.append(text)
    return chunks


class Analyser:
    """Loads the model once; ``analyse`` streams documents through it, order preserved."""

    def __init__(
        self,
        settings: Settings,
        *,
        themes: ThemeSet | None = None,
        entities: bool = True,
        gazetteer: Gazetteer | None = None,
        model: ThemeModel | bool = True,
    ) -> None:
        """``model``: True for the home's learned model (else the built-in one), False for
        the rules alone, or a given model."""
        self.settings = settings
        self.themes = themes if themes is not None else load_themes(settings)
        self.gazetteer = gazetteer if gazetteer is not None else load_gazetteer(settings)
        self.entities = entities
        self.nlp = load_pipeline(settings.model, self.themes, entities=entities)
        scorer = self.nlp.get_pipe("recueil_themes")
        assert isinstance(scorer, _component.ThemeScorer)
        self.scorer = scorer
        self.tagger_version = f"rules-{RULES_VERSION}+themes:{self.themes.short_digest}"
        self.model: ThemeModel | None = None
        if isinstance(model, ThemeModel):
            self.model = model
            self.tagger_version += f"+model:{model_digest(model)}"
        elif model:
            self.model, digest = theme_model(settings)
            self.tagger_version += f"+model:{digest}"

    def analyse(self, items: Iterable[AnalysisInput], batch_size: int = 16) -> Iterator[Analysis]:
        pending: deque[tuple[AnalysisInput, str, str, int]] = deque()

        def docs() -> Iterator[Doc]:
            for item in items:
                title = clean_text(item.title or "")[:MAX_TITLE_CHARS]
                text = clean_text(item.text or "")
                chunks = split_chunks(text)
                pending.append((item, title, text, len(chunks)))
                for index, chunk in enumerate(chunks):
                    with_title = index == 0 and bool(title)
                    source = f"{title}\n\n{chunk}" if with_title else chunk
                    doc = self.nlp.make_doc(source)
                    doc.user_data[TITLE_CHARS_KEY] = len(title) if with_title else 0
                    doc.user_data[TEXT_KEY] = source  # doc.text rebuilds it token by token
                    yield doc

        done: list[Doc] = []
        for doc in self.nlp.pipe(docs(), batch_size=batch_size):
            done.append(doc)
            item, title, text, count = pending[0]
            if len(done) == count:
                pending.popleft()
                yield self._finish(item, title, text, done)
                done = []

    def analyse_one(self, item: AnalysisInput) -> Analysis:
        return next(iter(self.analyse([item])))

    def _finish(self, item: AnalysisInput, title: str, text: str, docs: list[Doc]) -> Analysis:
        parts = [theme_hits(doc) for doc in docs]
        hits = merge_hits(h for h, _ in parts)
        words = sum(w for _, w in parts)
        scores = score_themes(hits, self.scorer.lexicon, words, self.themes)
        dates = collect_dates(title, text, item.date_hints)
        entities = document_entities(docs, self.gazetteer) if self.entities else []
        doc_type = guess_doc_type(title, text, item.filename, item.doc_type_hint)
        predicted = self.model.predict(f"{title}\n\n{text}") if self.model is not None else None
        codes = self.themes.codes
        tags = decide(scores, predicted, codes, self.themes.threshold)
        return Analysis(
            scores=scores,
            themes=sorted(t for t, d in tags.items() if d.active),
            tagger_version=self.tagger_version,
            threshold=self.themes.threshold,
            tags=tags,
            model={t: m.score for t, m in (predicted or {}).items() if t in codes},
            dates=dates,
            main_date=choose_main_date(dates),
            doc_type=doc_type,
            cite=self.gazetteer.find_cite(title, text, item.filename, doc_type),
            entities=entities,
            words=words,
        )
