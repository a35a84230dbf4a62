"""Named entities worth showing: rules first, then the model's spans, cleaned and merged.

fr_core_news_sm tags many fragments of messy text as entities: headings
("Contexte", "Objectifs"), form labels ("Fiche", "Pronote"), words that open
a sentence ("Aides", "Hygiène"), spans running over a line break
("Monts des Accords\\n\\nAu collège"), acronyms of schemes taken for people
("REP"). The pass here:

1. recognises, by rule, the field's known organisations and programmes
   (``data/entities.json``: CAF, ANCT, Éducation nationale, IREV, Parcoursup…)
   and the places of the gazetteer, each under one name whatever the spelling;
2. keeps the model's spans only when they are none of those, cutting them at
   line breaks and separators, dropping spans on heading lines, heading and
   form words, generic kinds of structure (a mission locale, a PMI, REP),
   and common words or phrases that merely open a sentence;
3. merges by folded form (``Éducation nationale`` = ``Education Nationale``),
   the most frequent label and spelling winning.
"""

from __future__ import annotations

import functools
import gzip
import json
import re
import weakref
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING

from recueil.tagging.component import heading_spans
from recueil.tagging.text import clean_text, fold, fold_words

if TYPE_CHECKING:
    from spacy.tokens import Doc

    from recueil.tagging.gazetteer import Gazetteer

LABELS = ("PER", "ORG", "LOC", "MISC")
TEXT_KEY = "recueil_text"  # a doc's source text, kept by the Analyser (doc.text is slow)
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
# A span is cut where a line ends or a separator stands: "Roubaix - Fiche", "Lille | Contexte".
_PIECES = re.compile(r"\n|\s[-–—|:]\s|\s[|•·]\s?|(?<=[A-ZÉÈ]{2})-(?=[A-ZÉÈ]{2})")
# A person's name right after one of these words names a school: "collège Jules Romains".
SCHOOL_WORDS = frozenset(["collège", "college", "lycée", "lycee", "école", "ecole"])
_LEADING_FUNCTION_WORDS = re.compile(r"^(?:(?:de|du|des|la|le|les|à|au|aux|en|et)\s+|[dl]')+")
_FUNCTION_WORDS = frozenset(
    [
        "de",
        "du",
        "des",
        "la",
        "le",
        "les",
        "l",
        "d",
        "à",
        "au",
        "aux",
        "en",
        "et",
        "pour",
        "sur",
        "par",
        "dans",
        "avec",
        "un",
        "une",
    ]
)
# Function words that open a sentence, taken into a span: "Au collège Monts des Accords".
_CAPITAL_FUNCTION_WORDS = frozenset(
    ["Au", "Aux", "Du", "Des", "En", "Et", "À", "Pour", "Par", "Dans", "Avec"]
)
# Words that start lines of our documents and that the model takes for names.
NOISE_WORDS = frozenset(
    fold(w)
    for w in [
        "compte",
        "rendu",
        "ordre",
        "jour",
        "page",
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
)


@dataclass(frozen=True, slots=True)
class FoundEntity:
    label: str
    text: str
    normalised: str
    count: int


@dataclass(frozen=True)
class EntityData:
    """The rules: known entities (by folded form and by acronym), generic kinds, headings."""

    known: dict[str, tuple[str, str]]  # folded alias -> (label, name)
    acronyms: dict[str, tuple[str, str]]  # exact spelling -> (label, name)
    generic: frozenset[str]  # folded forms
    headings: frozenset[str]  # folded forms

    @functools.cached_property
    def phrase_pattern(self) -> re.Pattern[str] | None:
        keys = sorted(self.known, key=len, reverse=True)
        return (
            re.compile(r"(?<![a-z0-9])(" + "|".join(map(re.escape, keys)) + r")(?![a-z0-9])")
            if keys
            else None
        )

    @functools.cached_property
    def acronym_pattern(self) -> re.Pattern[str] | None:
        keys = sorted(self.acronyms, key=len, reverse=True)
        return (
            re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, keys)) + r")(?![\w+-])")
            if keys
            else None
        )


def _is_acronym(name: str) -> bool:
    return sum(c.isupper() for c in name) >= 2 and " " not in name


@functools.lru_cache(maxsize=1)
def entity_data() -> EntityData:
    raw = json.loads(resources.files("recueil").joinpath("data/entities.json").read_text("utf-8"))
    known: dict[str, tuple[str, str]] = {}
    acronyms: dict[str, tuple[str, str]] = {}
    for entry in raw["known"]:
        target = (entry["label"], entry["name"])
        for form in (entry["name"], *entry["aliases"]):
            if _is_acronym(form):
                acronyms[form] = target
            else:
                known[fold_words(form)] = target
    return EntityData(
        known=known,
        acronyms=acronyms,
        generic=frozenset(fold_words(g) for g in raw["generic"]),
        headings=frozenset(fold_words(h) for h in raw["headings"]),
    )


@functools.lru_cache(maxsize=1)
def common_words() -> frozenset[str]:
    """Lower-case French words (the bundled word list): a lone one is not a name."""
    raw = resources.files("recueil").joinpath("data", "french_words.txt.gz").read_bytes()
    lines = gzip.decompress(raw).decode("utf-8").splitlines()
    return frozenset(line for line in lines if line and not line.startswith("#"))


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
    headings = entity_data().headings
    if all(fold(w.strip(_STRIP)) in NOISE_WORDS or fold_words(w) in headings for w in words):
        return True
    if label == "MISC" and len(words) > 4:
        return True
    if text.count("(") != text.count(")") or text.count("[") != text.count("]"):
        return True  # cut in the middle of a bracket: a truncated name
    return len(words) == 1 and len(text) <= 2


def is_common_phrase(text: str) -> bool:
    """A common word or phrase capitalised only because it opens a sentence or a line.

    "Aides", "Hygiène", "Notre centre socioculturel", "Parents des 620 élèves du collège"
    are; "Vincent Léna", "Conseil Départemental", "Musée Dalí", "NEC 93" are not.
    """
    words = text.replace("'", " ").replace("’", " ").split()
    if any(w[0].isupper() for w in words[1:]):
        return False
    vocabulary = common_words()
    first = words[0].lower()
    if first not in vocabulary and fold(first) not in NOISE_WORDS:
        return False
    return all(
        w.lower() in vocabulary or w.lower() in _FUNCTION_WORDS or w.isdigit() for w in words[1:]
    )


def _trim_headings(text: str, headings: frozenset[str]) -> str:
    """Drop heading or form words at either end: "Alma Contexte" -> "Alma"."""
    words = text.split()
    while words and (fold_words(words[0]) in headings or words[0] in _CAPITAL_FUNCTION_WORDS):
        words = words[1:]
    while words and fold_words(words[-1]) in headings:
        words = words[:-1]
    return clean_entity(" ".join(words))


def refine_span(label: str, raw: str, places: dict[str, str]) -> list[tuple[str, str]]:
    """What is left of a model span: pieces between line breaks, cleaned; known names dropped
    (the rules count them), noise dropped."""
    data = entity_data()
    kept = []
    for piece in _PIECES.split(raw):
        whole = clean_entity(piece)
        text = _trim_headings(whole, data.headings)
        if not text or (text != whole and len(text.split()) == 1):
            continue  # what a heading word leaves alone is page furniture: "Alma Contexte"
        key = fold_words(text)
        first = text.split()[0]
        owner = data.acronyms.get(first) or data.known.get(fold_words(first))
        if owner is not None and len(text.split()) > 1:
            kept.append((owner[0], text))  # a local branch: "Caf du Nord"
            continue
        if key in data.known or text in data.acronyms or key in places:
            continue  # found by rule, under its one name
        if any(k.startswith(key + " ") for k in data.known):
            continue  # the start of a known name the model cut short
        if key in data.generic or is_noise(label, text) or is_common_phrase(text):
            continue
        kept.append((label, text))
    return kept


def place_patterns(gazetteer: Gazetteer | None) -> tuple[dict[str, str], re.Pattern[str] | None]:
    """Folded place forms -> name to show, and a case-sensitive pattern of their spellings."""
    if gazetteer is None:
        return {}, None
    forms = gazetteer.place_forms()
    folded = {fold_words(f): name for f, name in forms.items()}
    spellings = sorted(forms, key=len, reverse=True)
    alternatives = "|".join(
        re.escape(s).replace(r"\-", "[- ]").replace(r"\ ", "[- ]") for s in spellings
    )
    pattern = re.compile(r"(?<![\w-])(" + alternatives + r")(?![\w-])") if spellings else None
    return folded, pattern


def rule_spans(
    text: str, places: dict[str, str], place_re: re.Pattern[str] | None
) -> list[tuple[str, str]]:
    """Known organisations, programmes and gazetteer places mentioned in a text, one per mention."""
    data = entity_data()
    spans: list[tuple[str, str]] = []
    if data.phrase_pattern is not None:
        spans.extend(data.known[m.group(1)] for m in data.phrase_pattern.finditer(fold_words(text)))
    if data.acronym_pattern is not None:
        spans.extend(data.acronyms[m.group(1)] for m in data.acronym_pattern.finditer(text))
    if place_re is not None:
        spans.extend(("LOC", places[fold_words(m.group(1))]) for m in place_re.finditer(text))
    return spans


def merge_entities(
    spans: Iterable[tuple[str, str]], limit: int = MAX_ENTITIES
) -> list[FoundEntity]:
    """Merge (label, text) spans by folded form; the most frequent label and spelling win."""
    counts: Counter[str] = Counter()
    labels: dict[str, Counter[str]] = {}
    spellings: dict[str, Counter[str]] = {}
    for label, raw in spans:
        text = clean_entity(raw)
        if is_noise(label, text):
            continue
        key = normalise_entity(text)
        counts[key] += 1
        labels.setdefault(key, Counter())[label] += 1
        spellings.setdefault(key, Counter())[text] += 1
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:limit]
    return [
        FoundEntity(_most_common(labels[key], LABELS), _most_common(spellings[key], ()), key, count)
        for key, count in ranked
    ]


def _most_common(counter: Counter[str], order: Sequence[str]) -> str:
    """The most frequent value; ties go to ``order``, then to the value with more accents."""
    rank = {v: i for i, v in enumerate(order)}
    return min(counter, key=lambda v: (-counter[v], rank.get(v, len(rank)), -len(v.encode()), v))


def document_entities(docs: Sequence[Doc], gazetteer: Gazetteer | None = None) -> list[FoundEntity]:
    """The entities of a document analysed in chunks: rules first, then the model's spans."""
    places, place_re = _places(gazetteer)
    spans: list[tuple[str, str]] = []
    for doc in docs:
        text = doc.user_data.get(TEXT_KEY) or doc.text
        spans.extend(rule_spans(clean_text(text), places, place_re))
        headings = heading_spans(text)
        for ent in doc.ents:
            if len(ent) == 1 and ent[0].pos_ in NOT_NAME_POS:
                continue
            if any(s <= ent.start_char < e for s, e in headings):
                continue
            before = text[max(0, ent.start_char - 12) : ent.start_char].split()
            if ent.label_ in ("PER", "LOC") and before and before[-1].lower() in SCHOOL_WORDS:
                spans.extend(refine_span("LOC", f"{before[-1]} {ent.text}", places))
                continue
            spans.extend(refine_span(ent.label_, ent.text, places))
    return merge_entities(spans)


_PLACE_CACHE: weakref.WeakKeyDictionary[
    Gazetteer, tuple[dict[str, str], re.Pattern[str] | None]
] = weakref.WeakKeyDictionary()


def _places(gazetteer: Gazetteer | None) -> tuple[dict[str, str], re.Pattern[str] | None]:
    if gazetteer is None:
        return {}, None
    if gazetteer not in _PLACE_CACHE:
        _PLACE_CACHE[gazetteer] = place_patterns(gazetteer)
    return _PLACE_CACHE[gazetteer]
