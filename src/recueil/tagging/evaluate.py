"""Evaluating the tagger against a hand-labelled gold file (JSON lines).

Rules, learned model and their combination are measured side by side
(``sources_report``); ``theme_report`` and ``sweep`` measure the rules alone.

Each line names a document (``path`` of a file, or catalogue ``id``) and its
expected ``themes``; ``maybe`` themes (touched on, secondary) count neither
for nor against; ``doc_type`` and ``cite`` are checked when given. Scores are
kept, so other thresholds can be tried without running the model again.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from recueil.errors import GoldFileError
from recueil.tagging.combine import combine
from recueil.tagging.devset import Judged, theme_table
from recueil.tagging.gazetteer import Gazetteer
from recueil.tagging.scoring import ThemeScore


@dataclass(slots=True)
class GoldItem:
    line: int
    path: str | None
    doc_id: int | None
    themes: set[str]
    maybe: set[str] = field(default_factory=set)
    doc_type: str | None = None
    cite: str | None = None
    expect: str | None = None


@dataclass(slots=True)
class Prediction:
    scores: dict[str, ThemeScore]  # the rules'
    doc_type: str | None
    cite: str | None
    model: dict[str, float] = field(default_factory=dict)  # the learned model's (empty: off)


SOURCES = ("rules", "model", "combined")


def decided(
    pred: Prediction, rules_threshold: float, model_threshold: float = 0.5
) -> dict[str, set[str]]:
    """The themes each source gives a document; without the model, combined = rules."""
    rules = {c: s.score for c, s in pred.scores.items()}
    by_rules = {c for c, v in rules.items() if v >= rules_threshold}
    by_model = {c for c, v in pred.model.items() if v >= model_threshold}
    both = combine(rules, pred.model, rules_threshold, model_threshold) if pred.model else {}
    combined = {c for c, d in both.items() if d.tagged} if pred.model else by_rules
    return {"rules": by_rules, "model": by_model, "combined": combined}


def sources_report(
    pairs: Sequence[tuple[GoldItem, Prediction]], codes: Sequence[str], rules_threshold: float
) -> dict[str, Any]:
    """Rules, model and combined side by side: P/R/F1 per theme and macro-F1 of each."""
    sets = [decided(p, rules_threshold) for _, p in pairs]
    tables = {
        name: theme_table(
            [
                Judged(frozenset(g.themes), frozenset(g.maybe), frozenset(s[name]))
                for (g, _), s in zip(pairs, sets, strict=True)
            ],
            codes,
        )
        for name in SOURCES
    }
    rows = []
    for index, code in enumerate(codes):
        row: dict[str, Any] = {"theme": code}
        for name in SOURCES:
            found = tables[name]["themes"][index]
            row |= {
                f"{name}_p": round(found["precision"], 3),
                f"{name}_r": round(found["recall"], 3),
                f"{name}_f1": round(found["f1"], 3),
            }
        combined = tables["combined"]["themes"][index]
        row |= {k: combined[k] for k in ("tp", "fp", "fn")}
        rows.append(row)
    summary: dict[str, Any] = {"documents": len(pairs), "threshold": rules_threshold}
    summary |= {f"{n}_macro_f1": round(tables[n]["macro_f1"], 3) for n in SOURCES}
    summary["macro_f1"] = summary["combined_macro_f1"]
    return {**summary, "themes": rows, "decided": [s["combined"] for s in sets]}


def read_gold(path: Path, known_themes: Sequence[str]) -> list[GoldItem]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise GoldFileError(f"cannot read {path}: {exc}") from exc
    items = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            raw = json.loads(line)
        except json.JSONDecodeError as exc:
            raise GoldFileError(f"{path}, line {number}: invalid JSON ({exc.msg})") from exc
        if not isinstance(raw, dict) or not (raw.get("path") or raw.get("id") is not None):
            raise GoldFileError(f"{path}, line {number}: expected an object with 'path' or 'id'")
        for key in ("themes", "maybe"):
            codes = raw.get(key, [])
            unknown = [c for c in codes if c not in known_themes] if isinstance(codes, list) else []
            if not isinstance(codes, list) or unknown:
                raise GoldFileError(
                    f"{path}, line {number}, field {key!r}: unknown theme codes {unknown or codes}"
                )
        doc_id = raw.get("id")
        items.append(
            GoldItem(
                line=number,
                path=raw.get("path"),
                doc_id=int(doc_id) if doc_id is not None else None,
                themes=set(raw.get("themes", [])),
                maybe=set(raw.get("maybe", [])),
                doc_type=raw.get("doc_type"),
                cite=raw.get("cite"),
                expect=raw.get("expect"),
            )
        )
    return items


def _f1(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def theme_report(
    pairs: Sequence[tuple[GoldItem, Prediction]], codes: Sequence[str], threshold: float
) -> dict[str, Any]:
    """Per-theme precision, recall, F1 and their macro average over themes seen."""
    rows: list[dict[str, Any]] = []
    totals = [0, 0, 0]
    for code in codes:
        tp = fp = fn = 0
        for gold, pred in pairs:
            predicted = code in pred.scores and pred.scores[code].score >= threshold
            if code in gold.maybe:
                continue
            if predicted and code in gold.themes:
                tp += 1
            elif predicted:
                fp += 1
            elif code in gold.themes:
                fn += 1
        precision, recall, f1 = _f1(tp, fp, fn)
        rows.append(
            {
                "theme": code,
                "tp": tp,
                "fp": fp,
                "fn": fn,
                "precision": round(precision, 3),
                "recall": round(recall, 3),
                "f1": round(f1, 3),
            }
        )
        totals = [totals[0] + tp, totals[1] + fp, totals[2] + fn]
    seen = [r for r in rows if r["tp"] + r["fp"] + r["fn"] > 0]
    macro = sum(float(r["f1"]) for r in seen) / len(seen) if seen else 0.0
    return {
        "threshold": threshold,
        "documents": len(pairs),
        "macro_f1": round(macro, 3),
        "micro_f1": round(_f1(*totals)[2], 3),
        "themes": rows,
    }


def expected_cite(gold: GoldItem, gazetteer: Gazetteer) -> str | None:
    """The canonical cité a gold line expects; None for "plusieurs (...)" or "—"."""
    if not gold.cite:
        return None
    return gazetteer.resolve(gold.cite)


def metadata_report(
    pairs: Sequence[tuple[GoldItem, Prediction]], gazetteer: Gazetteer
) -> dict[str, Any]:
    typed = [(g, p) for g, p in pairs if g.doc_type]
    cited = [(g, p) for g, p in pairs if g.cite is not None]
    type_ok = sum(1 for g, p in typed if g.doc_type == p.doc_type)
    cite_ok = sum(1 for g, p in cited if expected_cite(g, gazetteer) == p.cite)
    return {
        "doc_type_accuracy": round(type_ok / len(typed), 3) if typed else None,
        "cite_accuracy": round(cite_ok / len(cited), 3) if cited else None,
    }


def document_rows(
    pairs: Iterable[tuple[GoldItem, Prediction]], threshold: float, gazetteer: Gazetteer | None
) -> list[dict[str, Any]]:
    """Per document: the themes the tagger (combined) missed or added; type and cité when
    there is a gazetteer to check them with."""
    rows = []
    for gold, pred in pairs:
        predicted = decided(pred, threshold)["combined"]
        row: dict[str, Any] = {
            "line": gold.line,
            "document": gold.path or gold.doc_id,
            "missed": sorted(gold.themes - predicted),
            "extra": sorted(predicted - gold.themes - gold.maybe),
        }
        if gazetteer is not None:
            cite = expected_cite(gold, gazetteer)
            row["doc_type"] = (
                pred.doc_type
                if pred.doc_type == gold.doc_type
                else f"{pred.doc_type} (expected {gold.doc_type})"
            )
            row["cite"] = pred.cite if cite == pred.cite else f"{pred.cite} (expected {cite})"
        rows.append(row)
    return rows


def sweep(
    pairs: Sequence[tuple[GoldItem, Prediction]], codes: Sequence[str], thresholds: Iterable[float]
) -> list[dict[str, Any]]:
    return [
        {k: v for k, v in theme_report(pairs, codes, t).items() if k != "themes"}
        for t in thresholds
    ]
