"""Highlighting inside escaped text: the search's passages, and the query's words in a page.

Every piece of document text is escaped here before ``<mark>`` is put around
the matched words, so the result is safe to insert as it is.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence

from markupsafe import Markup, escape

_WORD_RE = re.compile(r"\w+", re.UNICODE)
_OPERATORS = {"AND", "OR", "NOT", "ET", "OU", "SAUF"}
# Short grammatical words are never highlighted (the index ignores them too).
_STOP = frozenset(
    re.split(
        r"\s+",
        "au aux avec ce ces dans de des du en et il la le les leur mais ne nos notre ou par pas "
        "pour qui que sa se ses son sur un une vos votre",
    )
)
MIN_STEM = 4


def marked(passage: str, marks: Sequence[Sequence[int]] = ()) -> Markup:
    """The passage escaped, its (start, end) spans inside ``<mark>``."""
    out: list[str] = []
    last = 0
    for start, end in sorted((int(s), int(e)) for s, e in marks):
        if start < last or end > len(passage) or start >= end:
            continue
        out.append(escape(passage[last:start]))
        out.append(Markup("<mark>%s</mark>") % passage[start:end])
        last = end
    out.append(escape(passage[last:]))
    return Markup("").join(out)


def fold(word: str) -> str:
    """Lower case without accents: école, École and ecole fold the same."""
    decomposed = unicodedata.normalize("NFD", word.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def query_words(query: str, acronyms: Mapping[str, str]) -> list[str]:
    """The words of a query worth highlighting, with the expansion of its acronyms."""
    words: list[str] = []
    # Field prefixes (titre:, cite:…) and operators are syntax, not words of the text.
    for token in re.split(r"[\s()\"]+", query):
        _, _, value = token.rpartition(":")
        value = value.strip("*?~+-^0123456789")
        if not value or value in _OPERATORS:
            continue
        words.append(value)
        if value in acronyms:
            words.extend(_WORD_RE.findall(acronyms[value]))
    return words


def _stems(words: Iterable[str]) -> set[str]:
    stems = set()
    for word in words:
        for part in _WORD_RE.findall(fold(word)):
            if len(part) < 3 or part in _STOP:
                continue
            # A rough French stem: plural and feminine endings do not matter.
            stems.add(part if len(part) <= MIN_STEM else part[: max(MIN_STEM, len(part) - 2)])
    return stems


def highlight_words(text: str, words: Iterable[str]) -> Markup:
    """The text escaped, every word sharing a stem with one of ``words`` inside ``<mark>``."""
    stems = _stems(words)
    if not stems:
        return Markup(escape(text))
    marks = []
    for match in _WORD_RE.finditer(text):
        folded = fold(match.group(0))
        if any(folded.startswith(stem) and len(folded) - len(stem) <= 4 for stem in stems):
            marks.append((match.start(), match.end()))
    return marked(text, marks)
