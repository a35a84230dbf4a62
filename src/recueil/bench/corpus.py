"""A seeded French-like corpus: texts, document layouts, and catalogues filled directly.

Words come from the package's French word list and the theme vocabulary,
drawn with a Zipf-like law and put into sentences, paragraphs and numbered
headings; theme terms, cités éducatives and French dates are sprinkled in so
that tagging has real work to do. Document ``i`` depends only on the seed and
``i``: a larger corpus starts with the documents of a smaller one, and every
run with the same seed writes the same files.
"""

from __future__ import annotations

import datetime as dt
import gzip
import itertools
import random
import time
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from sqlalchemy import func, insert, select

from recueil.catalogue.db import open_catalogue
from recueil.catalogue.models import Document, Page, Theme, ThemeTag
from recueil.config import Settings

CITES = ["Lille Sud", "Roubaix", "Amiens Nord", "Calais", "Grigny", "Nîmes", "Creil", "Denain",
         "Tourcoing", "Marseille Centre", "Clichy-sous-Bois", "Toulouse Grand Mirail"]  # fmt: skip
TYPES = ["compte-rendu", "fiche-experience", "synthese", "plaquette", "notice", "page-web"]
COMMON_WORDS = (
    "le la les de des du et à un une pour avec dans sur par au aux en est sont qui que ce"
)
HEADINGS = ["Contexte", "Objectifs", "Public visé", "Partenaires", "Moyens et financement",
            "Déroulement", "Résultats", "Points de vigilance", "Perspectives", "Contacts"]  # fmt: skip
MONTHS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
          "septembre", "octobre", "novembre", "décembre"]  # fmt: skip
TITLE_HEADS = ["Compte rendu du comité de pilotage", "Fiche expérience", "Synthèse des ateliers",
               "Rencontre régionale", "Bilan de l'action", "Plaquette de présentation"]  # fmt: skip


@dataclass(frozen=True)
class Vocabulary:
    words: list[str]
    cum_weights: list[float]
    theme_terms: list[str]
    theme_codes: list[str]


@lru_cache(maxsize=4)
def vocabulary(seed: int) -> Vocabulary:
    """Common words, theme words and 30,000 French words, weighted by rank (Zipf-like)."""
    from recueil.tagging.themes import load_themes

    rng = random.Random(seed)
    data = resources.files("recueil") / "data" / "french_words.txt.gz"
    with gzip.open(str(data), "rt", encoding="utf-8") as handle:
        words = [w.strip() for w in handle if w.strip() and not w.startswith("#")]
    rng.shuffle(words)
    themes = load_themes().themes
    terms = [term for theme in themes for term in theme.terms]
    theme_words = [w for term in terms for w in term.split()]
    vocab = COMMON_WORDS.split() * 40 + theme_words * 3 + words[:30000]
    weights = [1.0 / (rank + 8) for rank in range(len(vocab))]
    return Vocabulary(
        vocab, list(itertools.accumulate(weights)), terms, [theme.code for theme in themes]
    )


def doc_rng(seed: int, index: int) -> random.Random:
    return random.Random(seed * 1_000_003 + index)


def french_date(rng: random.Random) -> tuple[dt.date, str]:
    day = dt.date(2019, 1, 1) + dt.timedelta(days=rng.randrange(6 * 365))
    return day, f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def sentence(rng: random.Random, vocab: Vocabulary, cite: str) -> str:
    words = rng.choices(vocab.words, cum_weights=vocab.cum_weights, k=rng.randint(7, 22))
    roll = rng.random()
    if roll < 0.35:  # a theme term, the tagger's food
        words.insert(rng.randrange(len(words) + 1), rng.choice(vocab.theme_terms))
    elif roll < 0.40:
        words.insert(0, f"la cité éducative de {cite}")
    elif roll < 0.43:
        words.append(f"le {french_date(rng)[1]}")
    if len(words) > 10 and rng.random() < 0.5:
        words[rng.randrange(3, len(words) - 3)] += ","
    text = " ".join(words)
    return text[0].upper() + text[1:] + "."


def paragraph(rng: random.Random, vocab: Vocabulary, cite: str) -> str:
    return " ".join(sentence(rng, vocab, cite) for _ in range(rng.randint(2, 6)))


def sections(rng: random.Random, vocab: Vocabulary, cite: str, words: int) -> list[str]:
    """Blocks of about ``words`` words: numbered headings, each followed by paragraphs."""
    blocks: list[str] = []
    count = 0
    number = 1
    while count < words:
        heading = f"{number}. {rng.choice(HEADINGS)}"
        if rng.random() < 0.2:
            heading = heading.upper()
        blocks.append(heading)
        number += 1
        for _ in range(rng.randint(1, 4)):
            para = paragraph(rng, vocab, cite)
            blocks.append(para)
            count += para.count(" ") + 1
            if count >= words:
                break
    return blocks


@dataclass(frozen=True)
class TextDoc:
    """One generated document: its catalogue fields and its text blocks."""

    index: int
    title: str
    cite: str
    doc_type: str
    date: dt.date
    date_text: str
    blocks: list[str]
    themes: list[str]

    @property
    def text(self) -> str:
        return "\n\n".join(self.blocks)


def make_doc(seed: int, index: int, words: int) -> TextDoc:
    """Document ``index`` of the corpus (about ``words`` words)."""
    rng = doc_rng(seed, index)
    vocab = vocabulary(seed)
    cite = rng.choice(CITES)
    day, day_text = french_date(rng)
    topic = rng.choice(vocab.theme_terms)
    title = f"{rng.choice(TITLE_HEADS)} : {topic} à {cite}"
    blocks = sections(rng, vocab, cite, words)
    blocks.insert(0, f"Cité éducative de {cite}, le {day_text}.")
    themes = rng.sample(vocab.theme_codes, rng.randint(0, 3))
    return TextDoc(index, title, cite, rng.choice(TYPES), day, day_text, blocks, themes)


def text_words(seed: int, index: int, mean: int) -> int:
    """A document length around ``mean`` words (half to one and a half times)."""
    return doc_rng(seed + 17, index).randint(mean // 2, mean + mean // 2)


def generate_catalogue(settings: Settings, docs: int, words: int, seed: int) -> float:
    """Fill an empty catalogue with ``docs`` documents of about ``words`` words (no NLP)."""
    from recueil.tagging.themes import load_themes

    started = time.perf_counter()
    catalogue = open_catalogue(settings)
    with catalogue.transaction() as session:
        for position, theme in enumerate(load_themes().themes):
            session.add(Theme(code=theme.code, label=theme.label, position=position))
    stamp = dt.datetime(2024, 1, 1)
    for first in range(0, docs, 500):
        with catalogue.transaction() as session:
            doc_rows, page_rows, tag_rows = [], [], []
            base = (session.scalar(select(func.max(Document.id))) or 0) + 1
            for offset in range(min(500, docs - first)):
                doc = make_doc(seed, first + offset, text_words(seed, first + offset, words))
                doc_id = base + offset
                doc_rows.append({
                    "id": doc_id, "source": f"bench/{doc.index:05d}.txt", "kind": "web",
                    "doc_type": doc.doc_type, "title": doc.title, "date": doc.date,
                    "year": doc.date.year, "cite_educative": doc.cite, "page_count": 1,
                    "language": "fr", "word_count": words, "updated_at": stamp,
                    "created_at": stamp,
                })  # fmt: skip
                page_rows.append({"document_id": doc_id, "number": 1, "text": doc.text})
                for code in doc.themes:
                    tag_rows.append({"document_id": doc_id, "theme_code": code, "score": 0.5,
                                     "source": "rules", "active": True})  # fmt: skip
            session.execute(insert(Document), doc_rows)
            session.execute(insert(Page), page_rows)
            if tag_rows:
                session.execute(insert(ThemeTag), tag_rows)
    catalogue.close()
    return time.perf_counter() - started
