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
from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import NamedTuple

import Stemmer

from recueil.index import plurals

ANALYZER_ID = "fr-3"  # bump when the analysis changes: an index built otherwise needs a rebuild

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
# For words this module caches itself: PyStemmer's own cache only slows them down.
_bulk_stemmer = Stemmer.Stemmer("french", 0)
_ASCII_APOSTROPHES = str.maketrans({"`": "'"})


class Token(NamedTuple):
    """One index term with where it came from in the original text."""

    term: str
    position: int
    start: int
    end: int


def _unicode_fold(text: str) -> str:
    # Apostrophes first: NFKD would turn "´" into a space and an accent.
    decomposed = unicodedata.normalize("NFKD", _APOS_RE.sub("'", text).translate(_LIGATURES))
    decomposed = decomposed.lower()
    # Lower-casing may bring back composed or combining characters (İ -> i̇).
    decomposed = unicodedata.normalize("NFKD", decomposed)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _APOS_RE.sub("'", stripped.translate(_LIGATURES))


def fold_each(chars: Iterable[str]) -> list[str]:
    """``fold`` of each character on its own, computed in one pass over them all (the
    tables below cost a search command a few passes, not one per character). A NUL
    between two characters keeps them apart: folding leaves it as it is, and no
    decomposition, case mapping or mark reordering crosses it."""
    return _unicode_fold("\x00".join(chars)).split("\x00")


@lru_cache(maxsize=1)
def _latin() -> dict[int, str]:
    """Latin letters with diacritics, ligatures and typographic apostrophes -> their
    fold, each on its own: a table look-up per character instead of NFKD."""
    chars = [chr(code) for code in (*range(0xC0, 0x250), *map(ord, APOSTROPHES))]
    return {
        ord(char): folded
        for char, folded in zip(chars, fold_each(chars), strict=True)
        if folded.isascii() and not any(c.isspace() for c in folded)
    }


def fold(text: str) -> str:
    """Lower-case, expand ligatures, drop accents and unify apostrophes."""
    # Most French text folds character by character through the table.
    latin = text if text.isascii() else text.translate(_latin())
    if not latin.isascii():
        return _unicode_fold(text)
    latin = latin.lower()
    return latin.translate(_ASCII_APOSTROPHES) if "`" in latin else latin


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
    word = fold(raw)
    if " " in word:
        # A few compatibility forms (Greek ypogegrammeni, Arabic isolated vowel
        # marks) decompose into a space and a mark: a term never holds a space.
        word = word.replace(" ", "")
    if "'" in word:
        word, _ = strip_elision(word)
    return word


def _analyse(raw: str, stem_it: bool) -> str:
    word = fold_word(raw)
    if not word or word in STOP_WORDS:
        return ""
    if stem_it and not word.isdigit():
        word = stem(word)
    return word


# One word at a time (queries, passages); texts go through the tables below.
_normalise = lru_cache(maxsize=200_000)(_analyse)


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


class _WordTerms(dict[str, str]):
    """Word -> its index term ('' for a stop word), filled as words are met (bounded)."""

    def __missing__(self, word: str) -> str:
        if len(self) >= MAX_CACHED_WORDS:
            self.clear()
        value = self[word] = _analyse(word, True)
        return value


class _ChunkTerms(dict[str, str]):
    """Space-separated chunk of text ("l'école," "(CLAS)") -> its index terms joined by
    spaces ('' for none), filled as chunks are met (bounded); chunks met for the first
    time are also listed in ``new`` while a rebuild collects them (its vocabulary)."""

    def __init__(self) -> None:
        super().__init__()
        self.new: list[str] | None = None

    def __missing__(self, chunk: str) -> str:
        if len(self) >= MAX_CACHED_CHUNKS:
            self.clear()
        if self.new is not None:
            self.new.append(chunk)
        words = WORD_RE.findall(chunk)
        value = self[chunk] = " ".join(filter(None, map(_WORDS.__getitem__, words)))
        return value


MAX_CACHED_WORDS = 300_000
MAX_CACHED_CHUNKS = 300_000
# A text is split at white space (no word holds any) and each chunk looked up once,
# its words looked up the first time it is met: hits never leave C code.
_WORDS = _WordTerms()
_CHUNKS = _ChunkTerms()


def collect_new_chunks(collect: bool = True) -> None:
    """Start (or stop) listing the chunks of text this process meets for the first time;
    the chunks met so far are forgotten, so that every chunk is reported once."""
    _CHUNKS.clear()
    _CHUNKS.new = [] if collect else None


def new_chunks() -> list[str]:
    """The chunks met for the first time since the last call (see ``collect_new_chunks``)."""
    found = _CHUNKS.new or []
    if _CHUNKS.new is not None:
        _CHUNKS.new = []
    return found


def terms(text: str, *, stem: bool = True) -> list[str]:
    """Just the index terms of a text, in order."""
    if not stem:
        return [term for word in WORD_RE.findall(text) if (term := _normalise(word, False))]
    return " ".join(filter(None, map(_CHUNKS.__getitem__, text.split()))).split()


def joined_terms(text: str) -> str:
    """``terms(text)`` separated by single spaces (no term holds one), for the index writer:
    a few C-level passes over the text's chunks once they are known."""
    return " ".join(filter(None, map(_CHUNKS.__getitem__, text.split())))


def spellings(chunks: Iterable[str]) -> set[str]:
    """The spelling words (``spelling_word``) of space-separated chunks of text."""
    found = set(map(spelling_word, WORD_RE.findall(" ".join(chunks))))
    found.discard("")
    return found


def fold_pattern(pattern: str) -> str:
    """Fold a wildcard pattern the way words are folded (wildcards kept, elision removed)."""
    return fold_word(pattern)


def keyword(value: str) -> str:
    """Normalise a code or a name for exact matching: ``Lille Sud`` -> ``lille-sud``."""
    return "-".join(WORD_RE.findall(fold(value).replace("'", " ")))


def _spelling(raw: str) -> str:
    if raw.isascii():  # lower-cased, it is already folded
        word = fold_word(raw)
        return "" if not word or word.isdigit() or word in STOP_WORDS else word
    lowered = _APOS_RE.sub("'", raw.translate(_LIGATURES).lower())
    word, _ = strip_elision(lowered)
    if not word or word.isdigit() or fold(word) in STOP_WORDS:
        return ""
    return word


@lru_cache(maxsize=200_000)
def spelling_word(raw: str) -> str:
    """A word as "did you mean" proposes it: lower-case with its accents, no stemming."""
    return _spelling(raw)


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
# The capital comes before the look-behind (the same matches as ``(?<![\w+])[A-Z]…``):
# the search fails at once on the many positions without a capital.
CODE_RE = re.compile(r"[A-Z](?<![\w+][A-Z])[A-Z0-9]{1,4}\+{0,2}(?![\w+])")
_CAPITALS = re.compile(r"[A-Z]")


def is_code(word: str) -> bool:
    """A query word typed as a code: 2 to 5 capitals or digits (2 capitals at least), a sign."""
    return CODE_RE.fullmatch(word) is not None and len(_CAPITALS.findall(word)) >= 2


def codes(text: str) -> list[str]:
    """The distinct codes of a text, in order."""
    found = dict.fromkeys(CODE_RE.findall(text))
    return [code for code in found if len(_CAPITALS.findall(code)) >= 2]
