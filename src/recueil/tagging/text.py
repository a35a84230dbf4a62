"""Text normalisation shared by the matchers (pure Python, no spaCy).

French text from PDFs and web exports mixes typographic apostrophes, ``œ``,
no-break spaces inside numbers (``1 000``) and missing accents in capitals.
Matching compares *folded* forms: lower case, no accents, ligatures spelt out.
"""

from __future__ import annotations

import functools
import re
import unicodedata

_APOSTROPHES = str.maketrans({"’": "'", "ʼ": "'", "‘": "'", "´": "'", "`": "'"})
_LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "ß": "ss"})
_SPACES = re.compile(r"[\u00a0\u202f\u2007\u2009]")
# "1 000 premiers jours" and "1000 premiers jours" must be the same words.
_DIGIT_GROUPS = re.compile(r"(?<=\d) (?=\d{3}\b)")
_COMBINING = re.compile(r"[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
_DASHES = str.maketrans({"‐": "-", "‑": "-", "‒": "-", "–": "-", "—": "-"})


def clean_text(text: str) -> str:
    """Normalise what changes tokenisation without changing the words.

    Same length is not kept: callers compute offsets on the cleaned text.
    """
    text = unicodedata.normalize("NFC", text)
    text = text.translate(_APOSTROPHES).translate(_DASHES)
    text = _SPACES.sub(" ", text)
    return _DIGIT_GROUPS.sub("", text)


def fold(text: str) -> str:
    """Lower case without accents: ``Crèche`` -> ``creche``, ``Œuvre`` -> ``oeuvre``."""
    text = text.translate(_LIGATURES).translate(_APOSTROPHES).lower()
    if text.isascii():
        return text
    # A regex substitution runs in C: this is on the hot path of every document.
    return unicodedata.normalize("NFC", _COMBINING.sub("", unicodedata.normalize("NFD", text)))


_NON_WORD = re.compile(r"[^0-9a-z+]+")


def fold_words(text: str) -> str:
    """Folded form with punctuation, hyphens and slashes as single spaces.

    ``Valenciennes/Anzin`` and ``Valenciennes-Anzin`` both give
    ``valenciennes anzin``; used for gazetteer names and cue phrases.
    """
    return " ".join(_NON_WORD.sub(" ", fold(text)).split())


def is_acronym(term: str) -> bool:
    """True for terms written with two capitals or more (``PMI``, ``REP+``, ``pHARe``, ``E2C``).

    Those are matched case-sensitively, so that ``PRE`` never matches ``pré``.
    """
    capitals = sum(1 for c in term if c.isupper())
    return " " not in term.strip() and capitals >= 2


@functools.lru_cache(maxsize=65536)
def match_form(word: str) -> str:
    """Folded form without a final plural ``s``/``x``: ``CRÈCHES`` -> ``creche``.

    Applied alike to theme terms and to the text, it makes matching blind to
    case, accents and regular plurals even where the lemmatizer fails (text
    in capitals, words without their accents).
    """
    folded = fold(word)
    if (
        len(folded) > 3
        and folded[-1] in "sx"
        and folded[-2] not in "sux"
        and folded.replace("-", "").isalpha()
    ):
        return folded[:-1]
    return folded
