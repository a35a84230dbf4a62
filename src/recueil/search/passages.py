"""Highlighted passages, computed from the stored text and the planned terms.

Engine-neutral: the same words are marked whatever engine found the
document. A passage is up to two fragments of the text around the matched
words, whitespace collapsed; ``marks`` are the (start, end) of the matched
words inside it, elided article included ("l'orchestre").

The text is not analysed whole: only the words whose first folded letters
can start a searched term are (found at C speed: by ``bytes.find`` on the
folded bytes of a plain text, see ``wordstarts.py``, else by a regular
expression skipping on its first character set), and only in a bounded window
after the first match (``WINDOW``), up to ``MAX_MATCHES`` matched words. The
first match is looked for in the first ``MATCH_SCAN`` characters: the work
per hit is bounded whatever the length of the text.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

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
from recueil.search.wordstarts import PLAIN, word_starts

PASSAGE_CHARS = 240
SURROUND = 60
FRAGMENTS = 2
# Matched words looked for before choosing fragments: enough for two good
# ones, and a long document is not analysed to its end for a frequent word.
MAX_MATCHES = 12
START = 5  # folded letters of a term the candidate regex looks for, at most
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

    @cached_property
    def starts(self) -> frozenset[str] | None:
        """Folded letters (one to ``START``) that the folded form of every matching word
        starts with (``None``: any word may match).

        Stemming only alters the end of a folded word: over the package's French word
        list, a word always starts with its term less its last two letters, its last one
        for a term of three to five letters, or its whole term of one or two letters
        (with less its last letter, 118 of 120,927 long ones do not: "application" ->
        "appliqu"; ``test_search_precision.py`` checks it). So a word whose folded start
        is none of these cannot match: it is skipped.
        """
        exact = [*self.prefixes, *(literal_prefix(p.pattern) for p in self.patterns),
                 *(french.fold(code) for code in self.codes)]  # fmt: skip
        cut = [term_start(term) for term in self.terms]
        found = set()
        for start in [*cut, *exact]:
            letters = re.match(r"[^\W_]*", start[:START])
            if letters is None or not letters.group():
                return None
            found.add(letters.group())
        return frozenset(found)

    def __bool__(self) -> bool:
        return bool(self.terms or self.patterns or self.prefixes or self.codes)

    def matches(self, term: str) -> bool:
        return (
            term in self.terms
            or any(term.startswith(p) for p in self.prefixes)
            or any(p.fullmatch(term) for p in self.patterns)
        )


def term_start(term: str) -> str:
    """What the folded form of every word of this index term starts with (``starts``)."""
    return term if len(term) <= 2 else term[: -1 if len(term) <= 5 else -2]


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


def _plain(char: str) -> bool:
    try:
        char.encode(PLAIN)
    except UnicodeEncodeError:
        return False
    return True


@lru_cache(maxsize=2)
def _variants(plain: bool = False) -> dict[str, str]:
    """Folded letter(s) -> the characters that fold to them (Latin ranges, full-width);
    ``plain``: only those of ``PLAIN`` (a regex of them compiles several times faster)."""
    found: dict[str, str] = {}
    codes = [*range(0x30, 0x7B), *range(0xC0, 0x250), *range(0x1E00, 0x1F00),
             *range(0xFF10, 0xFF5B)]  # fmt: skip
    chars = list(map(chr, codes))
    for char, folded in zip(chars, french.fold_each(chars), strict=True):
        if folded and folded.isalnum() and (not plain or _plain(char)):
            found[folded] = found.get(folded, "") + char
    return found


@lru_cache(maxsize=1)
def _extended() -> re.Pattern[str]:
    """The letters that fold to a Latin letter, besides those of ``PLAIN`` (ā, ḁ, ｅ…)."""
    plain = set("".join(_variants(True).values()))
    others = "".join(sorted(set("".join(_variants().values())) - plain))
    return re.compile(f"[{re.escape(others)}]")


def plain_letters(text: str, limit: int) -> bool:
    """Whether the letters of ``text[:limit]`` that fold to Latin ones are all of ``PLAIN``
    (encoding checks it at C speed; the slower regex only for the other texts)."""
    try:
        text[:limit].encode(PLAIN)
    except UnicodeEncodeError:
        return _extended().search(text, 0, limit) is None
    return True


def letter_variants(letter: str) -> list[str]:
    """The lower-case letters that fold to ``letter`` (``e`` -> e, é, è, ê, ë…)."""
    found = [c for c in _variants().get(letter, letter) if c.lower() == c]
    return found or [letter]


def _tail(head: str, at: int, variants: dict[str, str]) -> str:
    """A regex for the characters that fold to ``head[at:]`` (one letter each, or a
    ligature for two: œ, æ, ß; one that overruns the head's end counts too)."""
    if at >= len(head):
        return ""
    options = [f"[{re.escape(variants.get(head[at], head[at]))}]{_tail(head, at + 1, variants)}"]
    wanted = head[at : at + 2]
    ligatures = "".join(chars for folded, chars in variants.items()
                        if len(folded) > 1 and folded[: len(wanted)] == wanted)  # fmt: skip
    if ligatures:
        options.append(f"[{re.escape(ligatures)}]{_tail(head, at + 2, variants)}")
    return options[0] if len(options) == 1 else f"(?:{'|'.join(options)})"


@lru_cache(maxsize=256)
def _candidates(starts: frozenset[str], plain: bool) -> re.Pattern[str]:
    """Word starts whose folded letters may be in ``starts`` (a superset: the analysis of
    the word decides). The pattern starts with one character set and no ``\\b``, so that
    the regex engine skips ahead on it instead of trying every position; an elided
    article needs no branch of its own: the word after its apostrophe starts a word too.
    ``plain``: for a text whose letters are all of ``PLAIN``."""
    variants = _variants(plain)
    firsts, rests = "", []
    for start in sorted(starts):
        firsts += variants.get(start[0], start[0])
        rests.append(_tail(start, 1, variants))
        ligatures = "".join(c for f, c in variants.items() if len(f) > 1 and f[0] == start[0])
        if ligatures:  # œuvre: the ligature stands for the first two letters
            firsts += ligatures
            rests.append(f"(?<=[{re.escape(ligatures)}]){_tail(start, 2, variants)}")
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


def _words(text: str, starts: frozenset[str] | None) -> Iterator[re.Match[str]]:
    """The words of ``text`` that may match, in order, up to ``MATCH_SCAN + WINDOW``
    characters (``MAX_SCAN`` when every word may match)."""
    if starts is None:
        yield from french.WORD_RE.finditer(text, 0, MAX_SCAN)
        return
    limit = min(len(text), MATCH_SCAN + WINDOW)
    found = word_starts(text, starts, limit)
    if found is None:
        regex = _candidates(starts, plain_letters(text, limit))
        found = (candidate.start() for candidate in regex.finditer(text, 0, limit))
    last = -1
    for start in found:
        word = _token_at(text, start)
        if word is not None and word.start() > last:
            last = word.start()
            yield word


def _matched(
    text: str, match: re.Match[str], highlighter: Highlighter, index: int
) -> french.Token | None:
    """The word as a matched token (its term, or its code as written), if it matches."""
    word, end = match.group(), match.end()
    if highlighter.codes:
        after = text[end : end + 2]
        plus = len(after) - len(after.lstrip("+"))
        if word + "+" * plus in highlighter.codes:
            return french.Token(word, index, match.start(), end + plus)
    term = french.normalise_word(word)
    if term and highlighter.matches(term):
        return french.Token(term, index, match.start(), end)
    return None


def matched_words(text: str, highlighter: Highlighter) -> list[french.Token]:
    """The first matched words of a text, with their offsets: the first one in the
    first ``MATCH_SCAN`` characters, the others in the ``WINDOW`` after it."""
    found: list[french.Token] = []
    end = min(len(text), MATCH_SCAN)
    for match in _words(text, highlighter.starts):
        if match.start() >= end:
            break
        token = _matched(text, match, highlighter, len(found))
        if token is None:
            continue
        if not found:
            end = min(len(text), match.start() + WINDOW)
        found.append(token)
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
