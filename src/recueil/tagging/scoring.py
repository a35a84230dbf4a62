"""The theme scoring rule (pure Python: unit-testable without a model).

A matched term contributes its weight (multi-word terms and acronyms above
single words, the field's common words discounted) times a saturating
function of its *density*: log2(1 + n / L) where n counts its mentions and
L = max(1, words / 400) is the length in 400-word pages. So a 200-word flyer
and a 20,000-word synthesis are judged alike, a passing mention in a long
text weighs nothing, and the tenth mention adds little. Heading hits add
once more, a term in the title adds three times its weight. The sum E is
squashed to 0-1 with 1 - exp(-E / K). Evidence made only of common
words is capped below the threshold: they never decide a theme on their own.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from recueil.tagging.text import fold, is_acronym
from recueil.tagging.themes import ThemeSet

SINGLE_WORD, MULTI_WORD, ACRONYM = 1.0, 2.0, 1.5
COMMON_FACTOR = 0.25
TITLE_WEIGHT, HEADING_WEIGHT = 3.0, 1.0
REFERENCE_WORDS = 400
K = 9.5  # tuned on corpus/gold.jsonl: macro-F1 is flat while K * -ln(1 - threshold) is in 3.5-5
COMMON_CAP = 0.9  # share of the threshold that common words alone can reach


@dataclass(frozen=True, slots=True)
class TermInfo:
    key: str
    text: str
    themes: tuple[str, ...]
    weight: float
    acronym: bool
    common: bool


@dataclass(slots=True)
class Hits:
    """How often one term was found: anywhere in the body, in the title, in headings."""

    body: int = 0
    title: int = 0
    heading: int = 0

    def add(self, other: Hits) -> None:
        self.body += other.body
        self.title += other.title
        self.heading += other.heading

    def as_list(self) -> list[int]:
        return [self.body, self.title, self.heading]


@dataclass(frozen=True, slots=True)
class ThemeScore:
    score: float
    evidence: dict[str, Any] = field(default_factory=dict)


def term_key(term: str, acronym: bool) -> str:
    return f"A:{term}" if acronym else f"T:{fold(' '.join(term.split()))}"


def build_lexicon(themes: ThemeSet) -> dict[str, TermInfo]:
    """Every term of every theme, keyed so that a term shared by two themes is one entry."""
    common = {fold(t) for t in themes.common_terms}
    owners: dict[str, list[str]] = {}
    texts: dict[str, tuple[str, bool]] = {}
    for theme in themes.themes:
        for term in theme.all_terms():
            acronym = term in theme.acronyms or is_acronym(term)
            key = term_key(term, acronym)
            texts.setdefault(key, (term, acronym))
            if theme.code not in owners.setdefault(key, []):
                owners[key].append(theme.code)
    lexicon = {}
    for key, (text, acronym) in texts.items():
        words = sum(
            1
            for w in text.replace("-", " ").replace("'", " ").split()
            if any(c.isalnum() for c in w)
        )
        weight = ACRONYM if acronym else MULTI_WORD if words > 1 else SINGLE_WORD
        is_common = fold(text) in common
        if is_common:
            weight *= COMMON_FACTOR
        lexicon[key] = TermInfo(key, text, tuple(owners[key]), weight, acronym, is_common)
    return lexicon


def merge_hits(parts: Iterable[Mapping[str, Hits]]) -> dict[str, Hits]:
    merged: dict[str, Hits] = {}
    for part in parts:
        for key, hits in part.items():
            merged.setdefault(key, Hits()).add(hits)
    return merged


def score_themes(
    hits: Mapping[str, Hits], lexicon: Mapping[str, TermInfo], words: int, themes: ThemeSet
) -> dict[str, ThemeScore]:
    """Score of every theme with evidence (score > 0), with the evidence that made it."""
    pages = max(1.0, words / REFERENCE_WORDS)
    body: dict[str, float] = {}
    title: dict[str, float] = {}
    only_common: dict[str, bool] = {}
    evidence: dict[str, dict[str, Any]] = {}
    for key, hit in hits.items():
        info = lexicon.get(key)
        if info is None or (hit.body + hit.title) == 0:
            continue
        body_part = info.weight * (
            math.log2(1 + hit.body / pages) + HEADING_WEIGHT * math.log2(1 + hit.heading / pages)
        )
        title_part = info.weight * TITLE_WEIGHT * min(hit.title, 1)
        for code in info.themes:
            body[code] = body.get(code, 0.0) + body_part
            title[code] = title.get(code, 0.0) + title_part
            only_common[code] = only_common.get(code, True) and info.common
            ev = evidence.setdefault(code, {"terms": {}, "title_hits": [], "heading_hits": []})
            ev["terms"][info.text] = ev["terms"].get(info.text, 0) + hit.body + hit.title
            if hit.title:
                ev["title_hits"].append(info.text)
            if hit.heading:
                ev["heading_hits"].append(info.text)
    scores = {}
    for code in themes.codes:
        if code not in body:
            continue
        strength = body[code] + title[code]
        score = 1.0 - math.exp(-strength / K)
        if only_common[code]:
            score = min(score, themes.threshold * COMMON_CAP)
        if score <= 0:
            continue
        ev = evidence[code]
        ev["terms"] = dict(sorted(ev["terms"].items(), key=lambda item: (-item[1], item[0])))
        ev["strength"] = round(strength, 3)
        scores[code] = ThemeScore(round(score, 4), ev)
    return scores
