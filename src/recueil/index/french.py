"""French text analysis shared by documents and queries, engine-neutral.

One function decides what a word becomes in the index, so that every engine
(and the query side) agrees: elision (``l'``, ``qu'``, ``jusqu'``… with straight
or typographic apostrophes), ``œ``/``æ``, lower-case, accent folding, French
stop words, then Snowball French stemming (PyStemmer, the C implementation),
with the singular/plural pairs Snowball splits brought together
(``plurals.py``). Each distinct word is analysed once per process (cached).

Accents are folded *before* stemming so that ``parentalite`` typed without
accents meets ``parentalité`` from a document: both become ``parentalit``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator
from functools import lru_cache
from typing import NamedTuple

import Stemmer

from recueil.index import plurals

ANALYZER_ID = "fr-2"  # bump when the analysis changes: an index built otherwise needs a rebuild

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

_stemmer = Stemmer.Stemmer("french")
_ASCII_APOSTROPHES = str.maketrans({"`": "'"})


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


def stem(word: str) -> str:
    """The Snowball French stem of a folded word, singular and plural reconciled."""
    return plurals.table().get(word) or str(_stemmer.stemWord(word))


def fold_word(raw: str) -> str:
    """One word folded and without its elided article, in one step."""
    if raw.isascii():  # most words: no accent, ligature or typographic apostrophe
        word = raw.lower()
        if "`" in word:
            word = word.translate(_ASCII_APOSTROPHES)
    else:
        word = fold(raw)
    if "'" in word:
        word, _ = strip_elision(word)
    return word


@lru_cache(maxsize=200_000)
def _normalise(raw: str, stem_it: bool) -> str:
    word = fold_word(raw)
    if not word or word in STOP_WORDS:
        return ""
    if stem_it and not word.isdigit():
        word = stem(word)
    return word


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


# Word -> index term, and word -> spelling word, for every distinct word seen
# by this process (bounded): a text is analysed with a few C-level passes.
_TERMS: dict[str, str] = {}
_SPELLINGS: dict[str, str] = {}
MAX_CACHED = 500_000


def _fill(cache: dict[str, str], words: list[str], analyse: Callable[[str], str]) -> None:
    missing = set(words).difference(cache)
    if len(cache) + len(missing) > MAX_CACHED:
        cache.clear()
        missing = set(words)
    for word in missing:
        cache[word] = analyse(word)


def terms(text: str, *, stem: bool = True) -> list[str]:
    """Just the index terms of a text, in order."""
    words = WORD_RE.findall(text)
    if not stem:
        return [term for word in words if (term := _normalise(word, False))]
    _fill(_TERMS, words, normalise_word)
    return list(filter(None, map(_TERMS.__getitem__, words)))


def text_terms(text: str) -> tuple[list[str], list[str]]:
    """The index terms of a text, in order, and its distinct spelling words, in one pass."""
    words = WORD_RE.findall(text)
    _fill(_TERMS, words, normalise_word)
    distinct = list(dict.fromkeys(words))
    _fill(_SPELLINGS, distinct, spelling_word)
    spellings = dict.fromkeys(filter(None, map(_SPELLINGS.__getitem__, distinct)))
    return list(filter(None, map(_TERMS.__getitem__, words))), list(spellings)


def fold_pattern(pattern: str) -> str:
    """Fold a wildcard pattern the way words are folded (wildcards kept, elision removed)."""
    return fold_word(pattern)


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


# Acronyms and codes as written: capitals and digits, maybe a sign (PRE, QPV,
# REP+, CLAS). Indexed as they are, beside the words, so that ``PRE`` (the
# programme) does not find "près" or "pré-".
CODE_RE = re.compile(r"(?<![\w+])[A-Z][A-Z0-9]{1,4}\+{0,2}(?![\w+])")
_CAPITALS = re.compile(r"[A-Z]")


def is_code(word: str) -> bool:
    """A query word typed as a code: 2 to 5 capitals or digits (2 capitals at least), a sign."""
    return CODE_RE.fullmatch(word) is not None and len(_CAPITALS.findall(word)) >= 2


def codes(text: str) -> list[str]:
    """The distinct codes of a text, in order."""
    found = (m.group() for m in CODE_RE.finditer(text))
    return list(dict.fromkeys(c for c in found if len(_CAPITALS.findall(c)) >= 2))
