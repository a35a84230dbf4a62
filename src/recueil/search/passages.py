"""Highlighted passages, computed from the stored text and the planned terms.

Engine-neutral: the same words are marked whatever engine found the
document. A passage is up to two fragments of the text around the matched
words, whitespace collapsed; ``marks`` are the (start, end) of the matched
words inside it, elided article included ("l'orchestre").

The text is not analysed whole: a regular expression (C speed, skipping on
its first character set) finds the words whose first two folded letters can
start a searched term, only those are analysed, and only in a bounded window
after the first match (``WINDOW``), up to ``MAX_MATCHES`` matched words. The
first match is looked for in the first ``MATCH_SCAN`` characters: the work
per hit is bounded whatever the length of the text.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache

from recueil.index import french
from recueil.index.plan import (
    AllOf,
    AnyOf,
    Match,
    Pattern,
    Phrase,
    Plan,
    Prefix,
    literal_prefix,
    pattern_regex,
)
from recueil.index.schema import CODES_FIELD

PASSAGE_CHARS = 240
SURROUND = 60
FRAGMENTS = 2
# Matched words looked for before choosing fragments: enough for two good
# ones, and a long document is not analysed to its end for a frequent word.
MAX_MATCHES = 12
HEAD = 3  # letters of a word compared before it is analysed (when the terms are long enough)
WINDOW = 20_000  # characters after the first match where more matches are looked for
MAX_SCAN = 200_000  # characters scanned word by word when no candidate regex applies
# Characters searched for a first match (about 130 pages): a hit whose text matches
# only further on (or only in its title) shows its opening.
MATCH_SCAN = 400_000
BETWEEN = " … "
_OPEN, _CLOSE = "\x02", "\x03"
_SPACES = re.compile(r"\s+")


@dataclass
class Highlighter:
    """Which index terms of one field a plan looks for (negated parts excluded)."""

    terms: set[str] = field(default_factory=set)
    patterns: list[re.Pattern[str]] = field(default_factory=list)
    prefixes: list[str] = field(default_factory=list)
    codes: set[str] = field(default_factory=set)  # as written: PRE, REP+

    @classmethod
    def of(cls, plan: Plan | None, name: str = "text") -> Highlighter:
        found = cls()
        found._collect(plan, name)
        return found

    def _collect(self, plan: Plan | None, name: str) -> None:
        if isinstance(plan, AllOf | AnyOf):
            for child in plan.children:
                self._collect(child, name)
        elif isinstance(plan, Match) and plan.field == CODES_FIELD:
            self.codes.add(str(plan.term))
        elif isinstance(plan, Match) and plan.field == name:
            self.terms.add(str(plan.term))
        elif isinstance(plan, Phrase) and plan.field == name:
            self.terms.update(plan.words)
        elif isinstance(plan, Pattern) and plan.field == name:
            self.patterns.append(pattern_regex(plan.pattern))
        elif isinstance(plan, Prefix) and plan.field == name:
            self.prefixes.append(plan.prefix)

    def heads(self) -> frozenset[str] | None:
        """The first letters (two, or three when every term is long enough) that every
        matching term starts with (``None``: any word may match).

        Stemming only shortens or alters the end of a folded word (its last
        letter at most, besides the suffixes it cuts: checked over the package's
        French word list), so a word whose folded start is not among these cannot
        match: it is not stemmed.
        """
        exact = [*self.prefixes, *(literal_prefix(p.pattern) for p in self.patterns),
                 *(french.fold(code) for code in self.codes)]  # fmt: skip
        if any(len(start) < 2 for start in [*self.terms, *exact]):
            return None
        long = all(len(t) > HEAD for t in self.terms) and all(len(s) >= HEAD for s in exact)
        size = HEAD if long else 2
        return frozenset(start[:size] for start in [*self.terms, *exact])

    def __bool__(self) -> bool:
        return bool(self.terms or self.patterns or self.prefixes or self.codes)

    def matches(self, term: str) -> bool:
        return (
            term in self.terms
            or any(term.startswith(p) for p in self.prefixes)
            or any(p.fullmatch(term) for p in self.patterns)
        )


def split_marks(marked: str) -> tuple[str, list[tuple[int, int]]]:
    """Plain passage (whitespace collapsed) and the spans of the matched words."""
    plain = ""
    marks: list[tuple[int, int]] = []
    for index, part in enumerate(re.split(f"[{_OPEN}{_CLOSE}]", marked)):
        part = _SPACES.sub(" ", part)
        if index % 2 == 1 and part:
            marks.append((len(plain), len(plain) + len(part)))
        plain += part
    lead = len(plain) - len(plain.lstrip())
    text = plain.strip()
    return text, [(max(0, a - lead), min(len(text), b - lead)) for a, b in marks]


def opening(text: str) -> str:
    # Only the start is flattened: whitespace runs past it cannot shorten it below the cut.
    flat = _SPACES.sub(" ", text[: PASSAGE_CHARS * 8]).strip()
    return flat if len(flat) <= PASSAGE_CHARS else flat[:PASSAGE_CHARS].rsplit(" ", 1)[0] + " …"


def _word_start(text: str, pos: int, limit: int) -> int:
    """``pos`` moved forward to the start of a word, not past ``limit``."""
    if pos <= 0:
        return 0
    space = text.find(" ", pos, limit)
    return space + 1 if space != -1 else pos


def _word_end(text: str, pos: int, floor: int) -> int:
    if pos >= len(text):
        return len(text)
    space = text.rfind(" ", floor, pos)
    return space if space != -1 else pos


@lru_cache(maxsize=100_000)
def _head(word: str, size: int = 2) -> str:
    """The first ``size`` folded letters of a word, after an elided article."""
    start = word[: size + 1]
    if start.isascii() and start.isalnum():
        return start[:size].lower()
    for index, char in enumerate(word[:8]):
        if char in french.APOSTROPHES:
            word = word[index + 1 :]
            break
    return french.fold(word[: 2 * size + 2])[:size]


@lru_cache(maxsize=1)
def _variants() -> dict[str, str]:
    """Folded letter(s) -> the characters that fold to them (Latin ranges, full-width)."""
    found: dict[str, str] = {}
    codes = [*range(0x30, 0x7B), *range(0xC0, 0x250), *range(0x1E00, 0x1F00),
             *range(0xFF10, 0xFF5B)]  # fmt: skip
    chars = list(map(chr, codes))
    for char, folded in zip(chars, french.fold_each(chars), strict=True):
        if folded and folded.isalnum():
            found[folded] = found.get(folded, "") + char
    return found


def letter_variants(letter: str) -> list[str]:
    """The lower-case letters that fold to ``letter`` (``e`` -> e, é, è, ê, ë…)."""
    found = [c for c in _variants().get(letter, letter) if c.lower() == c]
    return found or [letter]


def _tail(head: str, at: int) -> str:
    """A regex for the characters that fold to ``head[at:]`` (one letter each, or a
    ligature for two: œ, æ, ß; one that overruns the head's end counts too)."""
    if at >= len(head):
        return ""
    variants = _variants()
    options = [f"[{re.escape(variants.get(head[at], head[at]))}]{_tail(head, at + 1)}"]
    wanted = head[at : at + 2]
    ligatures = "".join(chars for folded, chars in variants.items()
                        if len(folded) > 1 and folded[: len(wanted)] == wanted)  # fmt: skip
    if ligatures:
        options.append(f"[{re.escape(ligatures)}]{_tail(head, at + 2)}")
    return options[0] if len(options) == 1 else f"(?:{'|'.join(options)})"


@lru_cache(maxsize=256)
def _candidates(heads: frozenset[str]) -> re.Pattern[str]:
    """Word starts whose first folded letters may be in ``heads`` (a superset: ``_head``
    decides). The pattern starts with one character set and no ``\\b``, so that the
    regex engine skips ahead on it instead of trying every position; an elided article
    needs no branch of its own: the word after its apostrophe starts a word too."""
    variants = _variants()
    firsts, rests = "", []
    for head in sorted(heads):
        firsts += variants.get(head[0], head[0])
        rests.append(_tail(head, 1))
        ligatures = "".join(c for f, c in variants.items() if len(f) > 1 and f[0] == head[0])
        if ligatures:  # œuvre: the ligature stands for the first two letters
            firsts += ligatures
            rests.append(f"(?<=[{re.escape(ligatures)}]){_tail(head, 2)}")
    first_set = re.escape("".join(sorted(set(firsts))))
    return re.compile(rf"[{first_set}](?<![^\W_].)(?:{'|'.join(dict.fromkeys(rests))})")


def _token_at(text: str, pos: int) -> re.Match[str] | None:
    """The whole word (as ``WORD_RE`` cuts the text) that holds position ``pos``."""
    start = pos
    while start > 0 and pos - start < 40 and text[start - 1] in french.APOSTROPHES:
        if start < 2 or not text[start - 2].isalnum():
            break
        start -= 2
        while start > 0 and text[start - 1].isalnum():
            start -= 1
    return french.WORD_RE.match(text, start)


def _words(text: str, heads: frozenset[str] | None) -> Iterator[re.Match[str]]:
    """The words of ``text`` that may match, in order: searched for in the first
    ``MATCH_SCAN`` characters, then in a bounded window after the first."""
    if heads is None:
        yield from french.WORD_RE.finditer(text, 0, MAX_SCAN)
        return
    last, end = -1, min(len(text), MATCH_SCAN)
    for candidate in _candidates(heads).finditer(text, 0, min(len(text), MATCH_SCAN + WINDOW)):
        if candidate.start() >= end:
            return
        word = _token_at(text, candidate.start())
        if word is None or word.start() <= last:
            continue
        if last < 0:
            end = min(len(text), word.start() + WINDOW)
        last = word.start()
        yield word


def matched_words(text: str, highlighter: Highlighter) -> list[french.Token]:
    """The first matched words of a text, with their offsets."""
    found: list[french.Token] = []
    normalise, matches, heads = french.normalise_word, highlighter.matches, highlighter.heads()
    codes = highlighter.codes
    size = len(next(iter(heads))) if heads else 2
    for match in _words(text, heads):
        word = match.group()
        if heads is not None and _head(word, size) not in heads:
            continue
        end = match.end()
        if codes:
            after = text[end : end + 2]
            plus = len(after) - len(after.lstrip("+"))
            if word + "+" * plus in codes:
                found.append(french.Token(word, len(found), match.start(), end + plus))
                if len(found) >= MAX_MATCHES:
                    break
                continue
        term = normalise(word)
        if term and matches(term):
            found.append(french.Token(term, len(found), match.start(), end))
            if len(found) >= MAX_MATCHES:
                break
    return found


Finder = Callable[[str, Highlighter], list[french.Token]]


def passage(
    text: str, highlighter: Highlighter, finder: Finder = matched_words
) -> tuple[str, list[tuple[int, int]], int]:
    """The best fragments of ``text`` around the matched words, their marks, the first one's offset."""
    if not text or not highlighter:
        return opening(text), [], 0
    hits = finder(text, highlighter)
    if not hits:
        return opening(text), [], 0
    fragments: list[tuple[int, int, list[french.Token]]] = []
    index = 0
    while index < len(hits):
        group = [hits[index]]
        index += 1
        while (
            index < len(hits) and hits[index].end - group[0].start <= PASSAGE_CHARS - 2 * SURROUND
        ):
            group.append(hits[index])
            index += 1
        start = _word_start(text, group[0].start - SURROUND, group[0].start)
        end = _word_end(text, group[-1].end + SURROUND, group[-1].end)
        fragments.append((start, end, group))
    best = sorted(fragments, key=lambda f: (-len({t.term for t in f[2]}), -len(f[2]), f[0]))
    chosen: list[tuple[int, int, list[french.Token]]] = []
    for start, end, group in sorted(best[:FRAGMENTS], key=lambda f: f[0]):
        if chosen and start <= chosen[-1][1] + SURROUND // 2:  # close fragments read as one
            first, last, earlier = chosen[-1]
            chosen[-1] = (first, max(last, end), earlier + group)
        else:
            chosen.append((start, end, group))
    pieces = []
    for start, end, group in chosen:
        out, last = [], start
        for token in group:
            out.append(text[last : token.start] + _OPEN + text[token.start : token.end] + _CLOSE)
            last = token.end
        out.append(text[last:end])
        pieces.append("".join(out))
    shown, marks = split_marks(BETWEEN.join(pieces))
    return shown, marks, chosen[0][2][0].start
