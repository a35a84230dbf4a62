"""The learned theme model of a home: which file, loaded once, extended by manual decisions.

A home's own model, ``<home>/theme_model.json.gz`` (written by ``recueil
train``), replaces the built-in one when present. ``theme_model`` loads it
once per process (a forked worker inherits it) and again only when the file
changes.

``extend_model`` is what ``recueil train`` runs. The texts the built-in model
was trained on cannot all ship with recueil (most of ``corpus-dev/`` may not
be redistributed), so a home does not re-train from scratch: it *extends*
the built-in model with its documentalists' decisions. For every theme a
decision touched, the logistic regression is fitted again on the decisions
alone (each weighs ``MANUAL_WEIGHT``) with a Gaussian prior centred on the
built-in weights instead of on zero:

    minimise  sum_i  w_i * logloss(y_i, v . x_i + c)  +  (|v - v0|^2 + (c - c0)^2) / (2 C)

in calibrated units (``v0 = a * w``, ``c0 = a * b + b'`` with the theme's
Platt scaling ``(a, b')``), so ``C`` reads on the probability scale: a decision
moves its own document far, similar documents a little, the rest not at all.
Themes no decision touched keep the built-in weights exactly; with no
decision at all the result predicts exactly as the built-in model. Words the
built-in model does not know are not learned (its vocabulary is kept).
"""

from __future__ import annotations

import hashlib
import math
import os
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from recueil.config import Settings
from recueil.tagging.classifier import (
    MANUAL_WEIGHT,
    WEIGHT_DIGITS,
    Example,
    ThemeModel,
    load_model,
    save_model,
)
from recueil.tagging.devset import Judged, dev_documents, theme_table

HOME_MODEL = "theme_model.json.gz"
PRIOR_C = 4.0  # prior strength, in calibrated logit units (same C as the built-in training)

_CACHE: dict[tuple[str, int, int], tuple[ThemeModel, str]] = {}


def home_model_path(settings: Settings) -> Path:
    return settings.home / HOME_MODEL


def theme_model(settings: Settings) -> tuple[ThemeModel, str]:
    """The home's model (else the built-in one) and a short digest of its file; cached."""
    path = home_model_path(settings)
    try:
        stat = path.stat()
    except OSError:
        key: tuple[str, int, int] = ("", 0, 0)
        path_or_none: Path | None = None
    else:
        key = (str(path), stat.st_mtime_ns, stat.st_size)
        path_or_none = path
    if key not in _CACHE:
        model = load_model(path_or_none)
        _CACHE[key] = (model, model_digest(model))
    return _CACHE[key]


def model_digest(model: ThemeModel) -> str:
    """12 hex digits naming the model's weights (recorded in the tagger version)."""
    digest = hashlib.sha256(repr(sorted(model.to_json().items())).encode("utf-8"))
    return digest.hexdigest()[:12]


def write_model(model: ThemeModel, path: Path) -> None:
    """Write the model atomically: a reader sees the old file or the new one, never half."""
    handle, temporary = tempfile.mkstemp(prefix=".theme_model-", dir=path.parent)
    os.close(handle)
    try:
        save_model(model, Path(temporary))
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def extend_model(
    base: ThemeModel, decisions: Sequence[Example], codes: Sequence[str]
) -> ThemeModel:
    """The base model refitted, theme by theme, on the decisions that touch each theme."""
    weights = {t: dict(w) for t, w in base.weights.items()}
    intercepts = dict(base.intercepts)
    platt = dict(base.platt)
    rows = [base.vector(e.text) for e in decisions]
    learned: dict[str, dict[str, int]] = {}
    for theme in codes:
        known = [i for i, e in enumerate(decisions) if theme in e.labels]
        y = [int(decisions[i].labels[theme] > 0) for i in known]
        if not known:
            continue
        if theme not in base.weights:
            if len(set(y)) < 2:
                continue  # a theme new to the model needs a yes and a no to start from
            v0, c0 = {}, 0.0
        else:
            a, b = base.platt[theme]
            v0 = {i: a * w for i, w in base.weights[theme].items()}
            c0 = a * base.intercepts[theme] + b
        sample = [decisions[i].weight for i in known]
        v, c = _fit_with_prior([rows[i] for i in known], y, sample, v0, c0, len(base.vocabulary))
        limit = 10**-WEIGHT_DIGITS
        weights[theme] = {i: round(x, WEIGHT_DIGITS) for i, x in v.items() if abs(x) >= limit}
        intercepts[theme] = c
        platt[theme] = (1.0, 0.0)
        learned[theme] = {"yes": sum(y), "no": len(y) - sum(y)}
    trained_on = {
        "base": base.trained_on,
        "manual_documents": len(decisions),
        "manual_decisions": learned,
        "manual_weight": MANUAL_WEIGHT,
    }
    return ThemeModel(
        vocabulary=dict(base.vocabulary),
        idf=list(base.idf),
        weights=weights,
        intercepts=intercepts,
        platt=platt,
        trained_on=trained_on,
        threshold=base.threshold,
    )


def _fit_with_prior(
    rows: Sequence[dict[int, float]],
    y: Sequence[int],
    sample: Sequence[float],
    v0: dict[int, float],
    c0: float,
    width: int,
) -> tuple[dict[int, float], float]:
    """Weighted logistic loss plus a Gaussian prior around (v0, c0), by L-BFGS."""
    import numpy as np
    from scipy.optimize import minimize

    from recueil.tagging.classifier import _matrix

    x = _matrix(rows, width)
    prior = np.zeros(width + 1)
    for i, value in v0.items():
        prior[i] = value
    prior[width] = c0
    target = np.array([1.0 if v else -1.0 for v in y])
    weight = np.array(sample, dtype=float)

    def loss(theta: np.ndarray) -> tuple[float, np.ndarray]:
        z = x @ theta[:width] + theta[width]
        margins = target * z
        # log(1 + exp(-m)) and its derivative, stable for large |m|
        losses = np.logaddexp(0.0, -margins)
        slope = -target * weight / (1.0 + np.exp(margins))
        diff = theta - prior
        grad = diff / PRIOR_C
        grad[:width] += x.T @ slope
        grad[width] += slope.sum()
        return float(weight @ losses + diff @ diff / (2 * PRIOR_C)), grad

    found = minimize(loss, prior.copy(), jac=True, method="L-BFGS-B", options={"maxiter": 500})
    theta = found.x
    v = {i: float(theta[i]) for i in range(width) if theta[i] != 0.0}
    c = float(theta[width])
    if not math.isfinite(c):
        return v0, c0
    return v, c


def heldout_figures(
    dev: Path, codes: Sequence[str], models: Mapping[str, ThemeModel]
) -> dict[str, Any]:
    """Macro-F1 of each model alone on the held-out texts of a development set at hand."""
    docs, _ = dev_documents(dev, codes, "heldout")
    out: dict[str, Any] = {"heldout_documents": len(docs)}
    for name, model in models.items() if docs else ():
        judged = [
            Judged(
                frozenset(d.themes),
                frozenset(d.maybe),
                frozenset(model.tagged(f"{d.title}\n\n{d.text}")),
            )
            for d in docs
        ]
        out[f"heldout_{name}_macro_f1"] = round(theme_table(judged, codes)["macro_f1"], 3)
    return out
