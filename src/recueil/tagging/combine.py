"""How the rules and the learned model decide a theme together (pure Python).

Each source scores a theme from 0 to 1 against its own threshold (rules:
the theme file's ``threshold``, 0.35 built in; model: 0.5, a calibrated
probability). Each score is first mapped to a *margin* on a common scale,
piecewise linear, so that the source's threshold lands on 0.5:

    margin = 0.5 * s / t                      when s < t
    margin = 0.5 + 0.5 * (s - t) / (1 - t)    when s >= t

The combined score is the weighted mean of the two margins
(``RULES_WEIGHT``, 0.4, for the rules, 0.6 for the model) and a theme is
tagged when it reaches 0.5. So both sources agreeing always decides; a
confident source carries a theme the other barely misses; two lukewarm
sources do not add up to a tag. A manual decision (``recueil tag``) is
above both and is never undone by re-tagging.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

RULES_WEIGHT = 0.4  # chosen by 5-fold cross-validation on the training part of corpus-dev
COMBINED_THRESHOLD = 0.5
MODEL_KEPT = 0.2  # a theme the rules did not score is kept (as a tag) from this model score


def margin(score: float, threshold: float) -> float:
    """A source's score on the common scale where its threshold is 0.5."""
    score = min(max(score, 0.0), 1.0)
    if score < threshold:
        return 0.5 * score / threshold if threshold > 0 else 0.5
    return 0.5 + 0.5 * (score - threshold) / (1.0 - threshold) if threshold < 1 else 1.0


@dataclass(frozen=True, slots=True)
class Combined:
    score: float  # the weighted mean of the margins
    rules: float  # the rules' own score
    model: float  # the model's own score
    tagged: bool
    rules_margin: float = 0.0
    model_margin: float = 0.0

    @property
    def source(self) -> str:
        """Which source carried the decision: ``rules+model``, ``rules``, ``model`` or ``-``."""
        r = self.rules_margin >= COMBINED_THRESHOLD
        m = self.model_margin >= COMBINED_THRESHOLD
        return "rules+model" if r and m else "rules" if r else "model" if m else "-"


def combine(
    rules: Mapping[str, float],
    model: Mapping[str, float],
    rules_threshold: float,
    model_threshold: float = 0.5,
    rules_weight: float = RULES_WEIGHT,
) -> dict[str, Combined]:
    """The combined decision for every theme either source scored."""
    out = {}
    for theme in sorted(set(rules) | set(model)):
        r, m = rules.get(theme, 0.0), model.get(theme)
        rm = margin(r, rules_threshold)
        if m is None:  # the model knows nothing of this theme (added since training): rules alone
            out[theme] = Combined(rm, r, 0.0, rm >= COMBINED_THRESHOLD, rm, 0.0)
            continue
        mm = margin(m, model_threshold)
        score = rules_weight * rm + (1.0 - rules_weight) * mm
        out[theme] = Combined(score, r, m, score >= COMBINED_THRESHOLD, rm, mm)
    return out


@dataclass(frozen=True, slots=True)
class ReviewItem:
    """A theme decision worth a documentalist's look, most uncertain first."""

    document: int | str
    theme: str
    combined: Combined
    reason: str  # "disagree" (one source for, the other against) or "near threshold"

    @property
    def uncertainty(self) -> float:
        """1 at the combined threshold, 0 at a certain 0 or 1."""
        return 1.0 - 2.0 * abs(self.combined.score - COMBINED_THRESHOLD)

    def as_row(self, title: str) -> dict[str, Any]:
        return {
            "id": self.document,
            "theme": self.theme,
            "tagged": self.combined.tagged,
            "score": round(self.combined.score, 3),
            "rules": round(self.combined.rules, 3),
            "model": round(self.combined.model, 3),
            "reason": self.reason,
            "uncertainty": round(self.uncertainty, 3),
            "title": title,
        }


NEAR = 0.1  # a combined score within 0.1 of the threshold is "near threshold"


def review_queue(
    documents: Iterable[tuple[int | str, Mapping[str, Combined]]],
    *,
    near: float = NEAR,
    limit: int | None = None,
) -> list[ReviewItem]:
    """Decisions where rules and model disagree or the combined score sits near the threshold.

    Sorted most uncertain first (ties: disagreements first, then document, theme).
    A documentalist confirms or corrects each with ``recueil tag``; those decisions
    feed the next training.
    """
    items = []
    for document, decisions in documents:
        for theme, c in decisions.items():
            disagree = c.source in ("rules", "model")
            if disagree or abs(c.score - COMBINED_THRESHOLD) < near:
                items.append(
                    ReviewItem(document, theme, c, "disagree" if disagree else "near threshold")
                )
    items.sort(key=lambda i: (-i.uncertainty, i.reason != "disagree", str(i.document), i.theme))
    return items[:limit] if limit is not None else items


class StoredScore(Protocol):
    """A stored tag's figures (the catalogue's, read back for review)."""

    @property
    def theme(self) -> str: ...
    @property
    def rules_score(self) -> float: ...
    @property
    def model_score(self) -> float | None: ...


def review_stored(
    documents: Iterable[tuple[int, float, Iterable[StoredScore]]], *, near: float = NEAR
) -> list[ReviewItem]:
    """The review queue from stored figures: (document, rules threshold, tags) each."""

    def combined() -> Iterator[tuple[int | str, dict[str, Combined]]]:
        for document, threshold, tags in documents:
            tags = list(tags)
            rules = {t.theme: t.rules_score for t in tags}
            model = {t.theme: t.model_score for t in tags if t.model_score is not None}
            yield document, combine(rules, model, threshold)

    return review_queue(combined(), near=near)


class RulesScore(Protocol):
    @property
    def score(self) -> float: ...
    @property
    def evidence(self) -> dict[str, Any]: ...


class ModelView(Protocol):
    @property
    def score(self) -> float: ...
    @property
    def evidence(self) -> tuple[str, ...]: ...


@dataclass(frozen=True, slots=True)
class ThemeDecision:
    """What the tagger stores for one theme of one document (a tag, active or not)."""

    score: float  # combined, tagged at COMBINED_THRESHOLD
    rules_score: float
    model_score: float | None  # None: the model does not know the theme, or was not used
    source: str  # rules, model or rules+model (see ``decide``)
    active: bool
    evidence: dict[str, Any] = field(default_factory=dict)


def decide(
    rules: Mapping[str, RulesScore],
    model: Mapping[str, ModelView] | None,
    codes: Sequence[str],
    rules_threshold: float,
    model_threshold: float = 0.5,
) -> dict[str, ThemeDecision]:
    """One decision per theme worth a tag: the rules scored it, or the model gives it a chance.

    ``source`` names the sources whose own score reaches their own threshold
    (``rules+model`` when both do); below the combined threshold, when neither
    does, the source that came closer. ``evidence`` holds the rules' evidence
    and, under ``model_words``, the model's heaviest words.
    """
    model = model or {}
    known = {t: m for t, m in model.items() if t in codes}
    combined = combine(
        {t: r.score for t, r in rules.items() if t in codes},
        {t: m.score for t, m in known.items()},
        rules_threshold,
        model_threshold,
    )
    out = {}
    for theme, c in combined.items():
        found = known.get(theme)
        scored = theme in rules and rules[theme].score > 0
        if not scored and (found is None or found.score < MODEL_KEPT):
            continue
        source = c.source
        if source == "-":
            source = "model" if found is not None and c.model_margin > c.rules_margin else "rules"
        evidence = dict(rules[theme].evidence) if theme in rules else {}
        if found is not None and found.evidence:
            evidence["model_words"] = list(found.evidence)
        out[theme] = ThemeDecision(
            score=round(c.score, 4),
            rules_score=round(c.rules, 4),
            model_score=round(found.score, 4) if found is not None else None,
            source=source,
            active=c.tagged,
            evidence=evidence,
        )
    return out
