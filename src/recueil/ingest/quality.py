"""Text-quality figures: how much of an extracted text is garbage, how much is French.

- ``garbage_ratio``: share of the non-space characters that carry no text: pdfminer's
  ``(cid:NNN)`` glyph ids, U+FFFD, private-use code points, control characters and
  glyph-name noise such as ``/uni00E9`` or ``/g123``. Measured on the *raw* extracted
  text, before ``normalise`` removes that garbage.
- ``word_ratio``: share of the alphabetic tokens (two letters or more) that are French
  words of the bundled word list (``data/french_words.txt.gz``, built from spaCy's
  French lexicon by ``tools/build_french_words.py``; loaded without importing spaCy).
  A plural ``-s``/``-x`` is accepted when the singular is known.

``page_needs_ocr`` decides whether a page's text layer is unusable:

1. ``garbage_ratio >= GARBAGE_OCR`` (0.3): the text layer is mostly glyph ids;
2. fewer than ``MIN_LETTERS`` (80) letters: a scan with at most a stamp or a
   page number ("Reçu le 12/03/2021") when the page holds an image; a short page
   (cover, blank page) when it holds none, which needs no OCR;
3. at least ``MIN_TOKENS`` (20) words of which under ``WORD_OCR`` (0.35) are
   French: a font without a Unicode map that extracts as letter soup.

The word list is loaded lazily once per process and is immutable, so the module is
safe under fork and spawn; call ``french_words()`` in a parent before forking to share it.
"""

from __future__ import annotations

import gzip
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

GARBAGE_OCR = 0.3
MIN_LETTERS = 80
MIN_TOKENS = 20
WORD_OCR = 0.35
# OCR output: a page under this share of French words reads poorly (no title taken
# from it, orientation checked); a title line needs this share of words or names.
OCR_PAGE_WORDS = 0.5
OCR_TITLE_WORDS = 0.6
OCR_TITLE_SYMBOLS = 0.1
TITLE_PUNCTUATION = frozenset("-–—,.;:!?'’()«»\"/&°%+")

CID = re.compile(r"\(cid:\d+\)")
GLYPH_NAME = re.compile(r"/(?:uni[0-9A-Fa-f]{4}|(?:g|glyph)\d{1,5}(?!\d))")
WORD = re.compile(r"[^\W\d_]{2,}")
# Garbage characters: controls but \t \n \f \r, surrogates, private use (unmapped
# glyphs), U+FFFD.
GARBAGE_CHAR = re.compile(
    "[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\ud800-\udfff\ue000-\uf8ff\ufffd"
    "\U000f0000-\U000ffffd\U00100000-\U0010fffd]"
)


@lru_cache(maxsize=1)
def french_words() -> frozenset[str]:
    """The bundled French word list (lower-case forms)."""
    raw = resources.files("recueil").joinpath("data", "french_words.txt.gz").read_bytes()
    words = set(gzip.decompress(raw).decode("utf-8").split("\n"))
    return frozenset(w for w in words if w and not w.startswith("#"))


def is_french_word(token: str, words: frozenset[str] | None = None) -> bool:
    """True when ``token`` (any case) or its singular is in the word list."""
    vocabulary = french_words() if words is None else words
    lower = token.lower()
    if lower in vocabulary:
        return True
    return len(lower) > 3 and lower[-1] in "sx" and lower[:-1] in vocabulary


def garbage_chars(text: str) -> int:
    """Number of characters of ``text`` that are extraction garbage."""
    count = 0
    for pattern in (CID, GLYPH_NAME):
        count += sum(len(m.group()) for m in pattern.finditer(text))
    rest = GLYPH_NAME.sub("", CID.sub("", text))
    return count + len(GARBAGE_CHAR.findall(rest))


def visible_chars(text: str) -> int:
    return len("".join(text.split()))  # split() cuts at exactly the isspace() characters


def garbage_ratio(text: str) -> float:
    """Share of the non-space characters that are garbage (0.0 for an empty text)."""
    total = visible_chars(text)
    return garbage_chars(text) / total if total else 0.0


def word_counts(text: str, words: frozenset[str] | None = None) -> tuple[int, int]:
    """(French words, alphabetic tokens) in ``text``."""
    vocabulary = french_words() if words is None else words
    tokens = WORD.findall(text)
    known = 0
    for token in tokens:  # ``is_french_word``, inlined: called for every word of every page
        lower = token.lower()
        if lower in vocabulary or (
            len(lower) > 3 and lower[-1] in "sx" and lower[:-1] in vocabulary
        ):
            known += 1
    return known, len(tokens)


def word_ratio(text: str, words: frozenset[str] | None = None) -> float | None:
    """Share of alphabetic tokens that are French words; None when there are none."""
    known, total = word_counts(text, words)
    return known / total if total else None


def letter_count(text: str) -> int:
    clean = CID.sub("", text)
    return sum(1 for char in clean if char.isalpha())


@dataclass(frozen=True, slots=True)
class PageQuality:
    """Figures of one page: ``raw`` is measured before normalisation, words after."""

    garbage_chars: int
    visible_chars: int
    letters: int
    known_words: int
    tokens: int
    needs_ocr: bool

    @property
    def garbage_ratio(self) -> float:
        return self.garbage_chars / self.visible_chars if self.visible_chars else 0.0

    @property
    def word_ratio(self) -> float | None:
        return self.known_words / self.tokens if self.tokens else None

    @property
    def is_noise(self) -> bool:
        """The page's text is glyph soup, worth nothing even before OCR."""
        return self.needs_ocr and (self.garbage_ratio >= GARBAGE_OCR or self.letters >= MIN_LETTERS)


def measure_page(raw: str, clean: str, *, has_images: bool) -> PageQuality:
    """Quality figures of a page from its raw and its normalised text."""
    known, tokens = word_counts(clean)
    garbage = garbage_chars(raw)
    visible = visible_chars(raw)
    letters = letter_count(clean)
    needs = page_needs_ocr(
        garbage / visible if visible else 0.0,
        letters,
        known,
        tokens,
        has_images=has_images,
    )
    return PageQuality(garbage, visible, letters, known, tokens, needs)


def page_needs_ocr(
    garbage: float, letters: int, known: int, tokens: int, *, has_images: bool
) -> bool:
    """The rule of the module docstring."""
    if garbage >= GARBAGE_OCR:
        return True
    if letters < MIN_LETTERS:
        return has_images
    return tokens >= MIN_TOKENS and known / tokens < WORD_OCR


def document_figures(pages: list[PageQuality]) -> tuple[float, float | None]:
    """(garbage_ratio, word_ratio) of a whole document, weighted by size."""
    visible = sum(p.visible_chars for p in pages)
    garbage = sum(p.garbage_chars for p in pages)
    tokens = sum(p.tokens for p in pages)
    known = sum(p.known_words for p in pages)
    return (garbage / visible if visible else 0.0, known / tokens if tokens else None)


def _is_name(token: str) -> bool:
    return len(token) >= 4 and token[0].isupper() and token[1:].islower()


def is_noise_line(line: str, words: frozenset[str] | None = None) -> bool:
    """An OCR line that reads as nothing ("mi U_ “ * T7", "| ; =="): no French word of
    three letters or more, no capitalised name, no number of two digits or more."""
    tokens = WORD.findall(line)
    if any((len(t) >= 3 and is_french_word(t, words)) or _is_name(t) for t in tokens):
        return False
    return re.search(r"\d{2,}", line) is None


def is_title_worthy(line: str, words: frozenset[str] | None = None) -> bool:
    """An OCR line good enough to name a document: mostly French words or names,
    few symbols, four letters at least."""
    tokens = WORD.findall(line)
    if not tokens or letter_count(line) < 4:
        return False
    known = sum(1 for t in tokens if is_french_word(t, words) or _is_name(t))
    visible = [c for c in line if not c.isspace()]
    symbols = sum(1 for c in visible if not c.isalnum() and c not in TITLE_PUNCTUATION)
    return known / len(tokens) >= OCR_TITLE_WORDS and symbols <= OCR_TITLE_SYMBOLS * len(visible)


def reads_well(text: str, words: frozenset[str] | None = None) -> bool:
    """True when an OCR text is mostly French words (at least ``OCR_PAGE_WORDS``)."""
    ratio = word_ratio(text, words)
    return ratio is not None and ratio >= OCR_PAGE_WORDS
