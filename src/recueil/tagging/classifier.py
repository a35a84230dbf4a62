"""A learned tag source beside the rules: one calibrated linear model per theme.

Features are recueil's folded words (lower case, no accents, ligatures spelt
out) and their bigrams, weighted by tf-idf (log tf, smoothed idf, L2 norm).
Each theme has a logistic regression trained on the documents whose label
for that theme is known (a ``maybe`` theme, or a theme a manual decision did
not touch, is left out of that theme's examples), then a Platt scaling fitted
on cross-validated decision values, so that ``score`` reads as a probability:
a theme is the model's when its score reaches ``THRESHOLD`` (0.5).

Training needs scikit-learn; prediction is plain Python over the weights kept
in the model file (``data/theme_model.json.gz``), so tagging loads nothing
heavier than a dictionary. Training is deterministic: same examples, same
file, byte for byte.
"""

from __future__ import annotations

import gzip
import heapq
import itertools
import json
import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from recueil.errors import GoldFileError, ThemeModelError
from recueil.tagging.text import fold

FORMAT_VERSION = 1
THRESHOLD = 0.5
MAX_WORDS = 20_000  # features come from the first 20,000 words: density is what counts
MIN_DF = 2
C = 4.0  # inverse regularisation of each theme's logistic regression
FOLDS = 5
MANUAL_WEIGHT = 3.0  # a documentalist's decision counts as three labelled documents
WEIGHT_DIGITS = 5
EVIDENCE_WORDS = 5
MODEL_FILE = "data/theme_model.json.gz"

_WORD = re.compile(r"[a-z0-9]+(?:\+)?")
# Function words of French that carry no theme (folded forms).
_STOPWORDS_TEXT = """
    a au aux avec ce ces cet cette dans de des du elle elles en entre est et etait eux il ils
    je la le les leur leurs lui ma mais me meme mes moi mon ne nos notre nous on ou par pas
    pour qu que qui sa se ses son sont sur ta te tes toi ton tu un une vos votre vous c d j l
    m n s t y ete etre avoir ont sans aussi plus tres tout tous toute toutes ainsi afin dont
    comme si bien peut fait faire cela ca deja encore entre lors leurs chaque autre autres
    dont car donc puis quand alors apres avant depuis pendant sous vers chez selon
    """
STOPWORDS = frozenset(_STOPWORDS_TEXT.split())


def words(text: str) -> list[str]:
    """Folded content words of a text, in order (at most ``MAX_WORDS``)."""
    found = [w for w in _WORD.findall(fold(text)) if w not in STOPWORDS and len(w) > 1]
    return found[:MAX_WORDS]


def features(text: str) -> Counter[str]:
    """Counts of words and of bigrams of adjacent content words."""
    tokens = words(text)
    counts: Counter[str] = Counter(tokens)
    counts.update(f"{a} {b}" for a, b in itertools.pairwise(tokens))
    return counts


@dataclass(frozen=True, slots=True)
class Example:
    """A text and what is known of its themes: 1 (has it), 0 (has not); absent = unknown."""

    text: str
    labels: Mapping[str, int]
    weight: float = 1.0


@dataclass(frozen=True, slots=True)
class ModelScore:
    score: float  # calibrated probability that the theme applies
    evidence: tuple[str, ...]  # the features that weighed most for it


@dataclass
class ThemeModel:
    vocabulary: dict[str, int]
    idf: list[float]
    weights: dict[str, dict[int, float]]  # theme -> feature index -> weight
    intercepts: dict[str, float]
    platt: dict[str, tuple[float, float]]  # theme -> (a, b): p = sigmoid(a * z + b)
    trained_on: dict[str, Any] = field(default_factory=dict)
    threshold: float = THRESHOLD
    _names: list[str] | None = field(default=None, repr=False, compare=False)

    @property
    def themes(self) -> list[str]:
        return sorted(self.weights)

    def vector(self, text: str) -> dict[int, float]:
        """The L2-normalised tf-idf vector of a text over the model's vocabulary."""
        vec = {
            self.vocabulary[f]: (1.0 + math.log(n)) * self.idf[self.vocabulary[f]]
            for f, n in features(text).items()
            if f in self.vocabulary
        }
        norm = math.sqrt(sum(v * v for v in vec.values()))
        return {i: v / norm for i, v in vec.items()} if norm else {}

    def predict(self, text: str) -> dict[str, ModelScore]:
        """A calibrated score and the heaviest evidence for every theme of the model."""
        vec = self.vector(text)
        if self._names is None or len(self._names) != len(self.vocabulary):
            self._names = sorted(self.vocabulary, key=self.vocabulary.__getitem__)
        names = self._names
        out: dict[str, ModelScore] = {}
        for theme in self.themes:
            weights = self.weights[theme]
            parts = [(v * weights[i], i) for i, v in vec.items() if i in weights]
            z = self.intercepts[theme] + sum(p for p, _ in parts)
            a, b = self.platt[theme]
            top = heapq.nlargest(EVIDENCE_WORDS, (p for p in parts if p[0] > 0))
            out[theme] = ModelScore(
                score=_sigmoid(a * z + b), evidence=tuple(names[i] for _, i in top)
            )
        return out

    def tagged(self, text: str) -> list[str]:
        return [t for t, s in self.predict(text).items() if s.score >= self.threshold]

    def to_json(self) -> dict[str, Any]:
        terms = sorted(self.vocabulary, key=self.vocabulary.__getitem__)
        return {
            "format": FORMAT_VERSION,
            "threshold": self.threshold,
            "trained_on": self.trained_on,
            "vocabulary": terms,
            "idf": [round(v, WEIGHT_DIGITS) for v in self.idf],
            "themes": {
                t: {
                    "intercept": round(self.intercepts[t], WEIGHT_DIGITS),
                    "platt": [round(x, WEIGHT_DIGITS) for x in self.platt[t]],
                    "weights": {str(i): w for i, w in sorted(self.weights[t].items())},
                }
                for t in self.themes
            },
        }


def _sigmoid(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


def save_model(model: ThemeModel, path: Path) -> None:
    """Write the model as gzipped JSON, byte-identical for identical models."""
    data = json.dumps(model.to_json(), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    with path.open("wb") as raw, gzip.GzipFile(filename="", fileobj=raw, mode="wb", mtime=0) as out:
        out.write(data.encode("utf-8"))


def model_from_json(data: Any, source: str) -> ThemeModel:
    try:
        if data.get("format") != FORMAT_VERSION:
            raise ValueError(f"format {data.get('format')!r}, expected {FORMAT_VERSION}")
        terms = data["vocabulary"]
        themes = data["themes"]
        return ThemeModel(
            vocabulary={t: i for i, t in enumerate(terms)},
            idf=[float(v) for v in data["idf"]],
            weights={
                t: {int(i): float(w) for i, w in v["weights"].items()} for t, v in themes.items()
            },
            intercepts={t: float(v["intercept"]) for t, v in themes.items()},
            platt={t: (float(v["platt"][0]), float(v["platt"][1])) for t, v in themes.items()},
            trained_on=dict(data.get("trained_on", {})),
            threshold=float(data.get("threshold", THRESHOLD)),
        )
    except (AttributeError, KeyError, TypeError, ValueError, IndexError) as exc:
        raise ThemeModelError(f"{source}: not a recueil theme model ({exc})") from exc


def load_model(path: Path | None = None) -> ThemeModel:
    """The model at ``path``, or the one shipped with recueil."""
    try:
        if path is None:
            raw = resources.files("recueil").joinpath(MODEL_FILE).read_bytes()
            source = f"built-in {MODEL_FILE}"
        else:
            raw = path.read_bytes()
            source = str(path)
        data = json.loads(gzip.decompress(raw).decode("utf-8"))
    except (OSError, EOFError, gzip.BadGzipFile, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ThemeModelError(f"cannot read the theme model {path or MODEL_FILE}: {exc}") from exc
    return model_from_json(data, source)


def train(
    examples: Sequence[Example], themes: Sequence[str], *, c: float = C, folds: int = FOLDS
) -> ThemeModel:
    """Fit one calibrated logistic regression per theme on the examples that know it."""
    if not examples:
        raise GoldFileError("no labelled example to train the theme model on")
    counted = [features(e.text) for e in examples]
    vocabulary, idf = _vocabulary(counted)
    if not vocabulary:
        raise GoldFileError("the training texts share no word: nothing to learn from")
    rows = [_tfidf(c_, vocabulary, idf) for c_ in counted]
    weights: dict[str, dict[int, float]] = {}
    intercepts: dict[str, float] = {}
    platt: dict[str, tuple[float, float]] = {}
    for theme in themes:
        known = [i for i, e in enumerate(examples) if theme in e.labels]
        y = [int(examples[i].labels[theme] > 0) for i in known]
        if not known or len(set(y)) < 2:
            continue  # nothing to separate: the model says nothing for this theme
        w = [examples[i].weight for i in known]
        coef, bias = _fit([rows[i] for i in known], y, w, len(vocabulary), c)
        weights[theme] = {
            i: round(v, WEIGHT_DIGITS) for i, v in enumerate(coef) if abs(v) >= 10**-WEIGHT_DIGITS
        }
        intercepts[theme] = bias
        platt[theme] = _calibrate([rows[i] for i in known], y, w, len(vocabulary), c, folds)
    return ThemeModel(
        vocabulary=vocabulary,
        idf=idf,
        weights=weights,
        intercepts=intercepts,
        platt=platt,
        trained_on={
            "documents": len(examples),
            "positives": {
                t: sum(1 for e in examples if e.labels.get(t, 0) > 0) for t in sorted(weights)
            },
        },
    )


def _vocabulary(counted: Sequence[Counter[str]]) -> tuple[dict[str, int], list[float]]:
    df: Counter[str] = Counter()
    for counts in counted:
        df.update(counts.keys())
    terms = sorted(t for t, n in df.items() if n >= MIN_DF)
    n_docs = len(counted)
    idf = [math.log((1 + n_docs) / (1 + df[t])) + 1.0 for t in terms]
    return {t: i for i, t in enumerate(terms)}, idf


def _tfidf(
    counts: Counter[str], vocabulary: Mapping[str, int], idf: Sequence[float]
) -> dict[int, float]:
    vec = {
        vocabulary[f]: (1.0 + math.log(n)) * idf[vocabulary[f]]
        for f, n in counts.items()
        if f in vocabulary
    }
    norm = math.sqrt(sum(v * v for v in vec.values()))
    return {i: v / norm for i, v in vec.items()} if norm else {}


def _matrix(rows: Sequence[dict[int, float]], width: int) -> Any:
    from scipy.sparse import csr_matrix

    data, indices, indptr = [], [], [0]
    for row in rows:
        for i in sorted(row):
            indices.append(i)
            data.append(row[i])
        indptr.append(len(indices))
    return csr_matrix((data, indices, indptr), shape=(len(rows), width))


def _fit(
    rows: Sequence[dict[int, float]], y: Sequence[int], w: Sequence[float], width: int, c: float
) -> tuple[list[float], float]:
    from sklearn.linear_model import LogisticRegression

    clf = LogisticRegression(C=c, solver="liblinear", random_state=0, max_iter=1000)
    clf.fit(_matrix(rows, width), y, sample_weight=w)
    return [float(v) for v in clf.coef_[0]], float(clf.intercept_[0])


def _calibrate(
    rows: Sequence[dict[int, float]],
    y: Sequence[int],
    w: Sequence[float],
    width: int,
    c: float,
    folds: int,
) -> tuple[float, float]:
    """Platt scaling on out-of-fold decision values (identity-like when too few examples)."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold

    k = min(folds, sum(y), len(y) - sum(y))
    if k < 2:
        return (1.0, 0.0)
    decision = [0.0] * len(y)
    x = _matrix(rows, width)
    for train_idx, test_idx in StratifiedKFold(k, shuffle=True, random_state=0).split(
        list(range(len(y))), y
    ):
        clf = LogisticRegression(C=c, solver="liblinear", random_state=0, max_iter=1000)
        clf.fit(x[train_idx], [y[i] for i in train_idx], sample_weight=[w[i] for i in train_idx])
        for i, z in zip(test_idx, clf.decision_function(x[test_idx]), strict=True):
            decision[i] = float(z)
    scaler = LogisticRegression(C=1e4, solver="lbfgs", max_iter=1000)
    scaler.fit([[z] for z in decision], y, sample_weight=w)
    return (float(scaler.coef_[0][0]), float(scaler.intercept_[0]))


def examples_from_labels(
    items: Iterable[tuple[str, Iterable[str], Iterable[str]]],
    themes: Sequence[str],
    weight: float = 1.0,
) -> list[Example]:
    """Examples from (text, themes, maybe): a maybe theme is unknown, the others are 0."""
    out = []
    for text, positive, maybe in items:
        pos, unsure = set(positive), set(maybe)
        labels = {t: int(t in pos) for t in themes if t not in unsure}
        out.append(Example(text, labels, weight))
    return out


def manual_example(text: str, decisions: Mapping[str, bool]) -> Example:
    """A documentalist's decisions on one document (added or removed themes) as an example."""
    return Example(text, {t: int(v) for t, v in decisions.items()}, MANUAL_WEIGHT)
