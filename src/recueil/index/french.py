"""French text analysis shared by documents and queries, engine-neutral.

One function decides what a word becomes in the index, so that every engine
(and the query side) agrees: elision (``l'``, ``qu'``, ``jusqu'``… with straight
or typographic apostrophes), ``œ``/``æ``, lower-case, accent folding, French
stop words, then Snowball French stemming.

Accents are folded *before* stemming so that ``parentalite`` typed without
accents meets ``parentalité`` from a document: both become ``parentalit``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from functools import lru_cache
from typing import NamedTuple

from whoosh.lang.snowball.french import FrenchStemmer

ANALYZER_ID = "fr-1"  # bump when the analysis changes: an index built otherwise needs a rebuild

APOSTROPHES = "'’ʼ‘´`"
# Articles and conjunctions that elide before a vowel: l'école, qu'il, jusqu'à.
ELISIONS = frozenset(
    [
        "l",
        "d",
        "j",
        "m",
        "n",
        "s",
        "t",
        "c",
        "qu",
        "jusqu",
        "lorsqu",
        "puisqu",
        "quoiqu",
        "presqu",
        "quelqu",
    ]
)
_LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "ß": "ss"})

# Stop words as they look after folding. "été" (summer, as in "Quartiers d'été")
# and "est" (east) are kept out of the usual list on purpose.
_STOP_TEXT = """
au aux avec ce ces cet cette dans de des du elle elles en et eux il ils je la le les leur
leurs lui ma mais me meme mes moi mon ne nos notre nous on ou par pas pour qu que qui sa
se ses son sur ta te tes toi ton tu un une vos votre vous dont c d j l a m n s t y etant
etante etants etantes suis es sommes etes sont serai seras sera serons serez seront serais
serait serions seriez seraient etais etait etions etiez etaient fus fut fumes futes furent
sois soit soyons soyez soient ayant eu eue eues eus ai as avons avez ont aurai auras aura
aurons aurez auront aurais aurait aurions auriez auraient avais avait avions aviez avaient
"""
STOP_WORDS = frozenset(_STOP_TEXT.split())

# A word: letters and digits, possibly joined by apostrophes (aujourd'hui, l'école).
WORD_RE = re.compile(r"[^\W_]+(?:[" + APOSTROPHES + r"][^\W_]+)*")
_APOS_RE = re.compile("[" + APOSTROPHES + "]")

_stemmer = FrenchStemmer()


class Token(NamedTuple):
    """One index term with where it came from in the original text."""

    term: str
    position: int
    start: int
    end: int


def fold(text: str) -> str:
    """Lower-case, expand ligatures, drop accents and unify apostrophes."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_LIGATURES)).lower()
    # Lower-casing may bring back composed or combining characters (İ -> i̇).
    decomposed = unicodedata.normalize("NFKD", decomposed)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _APOS_RE.sub("'", stripped.translate(_LIGATURES))


def strip_elision(word: str) -> tuple[str, int]:
    """Remove an elided article; return the rest and how many characters went."""
    head, sep, rest = word.partition("'")
    if sep and rest and head in ELISIONS:
        return rest, len(head) + 1
    return word, 0


@lru_cache(maxsize=200_000)
def _normalise(raw: str, stem: bool) -> str:
    word, _ = strip_elision(fold(raw))
    if not word or word in STOP_WORDS:
        return ""
    if stem and not word.isdigit():
        word = _stemmer.stem(word)
    return str(word)


def normalise_word(raw: str, *, stem: bool = True) -> str:
    """The index term of one word ('' when it is a stop word)."""
    return _normalise(raw, stem)


def tokens(text: str, *, stem: bool = True) -> Iterator[Token]:
    """Index terms of a text, with positions and character offsets."""
    position = 0
    for match in WORD_RE.finditer(text):
        term = _normalise(match.group(), stem)
        if term:
            # The offsets keep the elided article: a highlight shows "l'école" whole.
            yield Token(term, position, match.start(), match.end())
            position += 1


def terms(text: str, *, stem: bool = True) -> list[str]:
    """Just the index terms of a text, in order."""
    return [t.term for t in tokens(text, stem=stem)]


def fold_pattern(pattern: str) -> str:
    """Fold a wildcard pattern the way words are folded (wildcards kept, elision removed)."""
    word, _ = strip_elision(fold(pattern))
    return word


def keyword(value: str) -> str:
    """Normalise a code or a name for exact matching: ``Lille Sud`` -> ``lille-sud``."""
    return "-".join(WORD_RE.findall(fold(value).replace("'", " ")))


@lru_cache(maxsize=200_000)
def spelling_word(raw: str) -> str:
    """A word as "did you mean" proposes it: lower-case with its accents, no stemming."""
    lowered = _APOS_RE.sub("'", raw.translate(_LIGATURES).lower())
    word, _ = strip_elision(lowered)
    if not word or fold(word) in STOP_WORDS or word.isdigit():
        return ""
    return word


def spelling_tokens(text: str) -> Iterator[Token]:
    """Words of a text for the spelling dictionary (accents kept, nothing stemmed)."""
    position = 0
    for match in WORD_RE.finditer(text):
        word = spelling_word(match.group())
        if word:
            yield Token(word, position, match.start(), match.end())
            position += 1
