"""Rules, model and combined, side by side, on the held-out part of corpus-dev/.

    .venv/bin/python scripts/eval_dev_gold.py [--split heldout] [--retrain] [--cv]

--retrain   train the model here (training part + sample corpus) instead of the shipped one
--cv        5-fold cross-validation on the training part only: how the combination weight
            moves macro-F1 (the weight is chosen there, never on the held-out part)
--documents list, per held-out document, the themes each source missed or added
"""

from __future__ import annotations

import argparse
import random
import tempfile
from collections.abc import Sequence
from pathlib import Path

from dev_gold_common import dev_docs, sample_corpus

from recueil.config import resolve_settings
from recueil.tagging.classifier import ThemeModel, examples_from_labels, load_model, train
from recueil.tagging.combine import RULES_WEIGHT, combine
from recueil.tagging.devset import DevDoc, Judged, side_by_side, theme_table
from recueil.tagging.themes import load_themes

WEIGHTS = (0.0, 0.3, 0.4, 0.5, 0.6, 0.7, 1.0)


def full_text(doc: DevDoc) -> str:
    return f"{doc.title}\n\n{doc.text or ''}"


def rule_scores(docs: Sequence[DevDoc], home: Path) -> list[dict[str, float]]:
    from recueil.tagging.analyse import Analyser, AnalysisInput

    analyser = Analyser(resolve_settings(home=home), entities=False, model=False)
    items = [AnalysisInput(d.title, d.text or "") for d in docs]
    return [{c: s.score for c, s in a.scores.items()} for a in analyser.analyse(items)]


def training_examples(train_docs: Sequence[DevDoc], codes: Sequence[str]) -> list:  # type: ignore[type-arg]
    sample = [(f"{t}\n\n{x}", th, mb) for t, x, th, mb in sample_corpus()]
    dev = [(full_text(d), d.themes, d.maybe) for d in train_docs]
    return examples_from_labels(dev + sample, codes)


def judge(docs: Sequence[DevDoc], predicted: Sequence[set[str]]) -> list[Judged]:
    return [
        Judged(frozenset(d.themes), frozenset(d.maybe), frozenset(p))
        for d, p in zip(docs, predicted, strict=True)
    ]


def sources(
    docs: Sequence[DevDoc],
    rules: Sequence[dict[str, float]],
    model: ThemeModel,
    threshold: float,
    weight: float = RULES_WEIGHT,
) -> dict[str, list[set[str]]]:
    model_scores = [{t: s.score for t, s in model.predict(full_text(d)).items()} for d in docs]
    combined = [
        {t for t, c in combine(r, m, threshold, model.threshold, weight).items() if c.tagged}
        for r, m in zip(rules, model_scores, strict=True)
    ]
    return {
        "rules": [{t for t, s in r.items() if s >= threshold} for r in rules],
        "model": [{t for t, s in m.items() if s >= model.threshold} for m in model_scores],
        "combined": combined,
    }


def cross_validate(
    train_docs: list[DevDoc], rules: list[dict[str, float]], codes: list[str], threshold: float
) -> None:
    order = list(range(len(train_docs)))
    random.Random(14).shuffle(order)
    folds = [order[i::5] for i in range(5)]
    sample = [(f"{t}\n\n{x}", th, mb) for t, x, th, mb in sample_corpus()]
    by_weight: dict[float, list[set[str]]] = {w: [set()] * len(train_docs) for w in WEIGHTS}
    for fold in folds:
        inside = [train_docs[i] for i in order if i not in fold]
        dev = [(full_text(d), d.themes, d.maybe) for d in inside]
        model = train(examples_from_labels(dev + sample, codes), codes)
        held = [train_docs[i] for i in fold]
        for w in WEIGHTS:
            got = sources(held, [rules[i] for i in fold], model, threshold, w)["combined"]
            for i, tags in zip(fold, got, strict=True):
                by_weight[w][i] = tags
    print("5-fold cross-validation on the training part (weight of the rules in the combination):")
    for w in WEIGHTS:
        table = theme_table(judge(train_docs, by_weight[w]), codes)
        label = "model alone" if w == 0 else "rules alone" if w == 1 else f"rules weight {w:.1f}"
        print(f"  {label:<20} macro-F1 {table['macro_f1']:.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--split", default="heldout", choices=("heldout", "train"))
    parser.add_argument("--retrain", action="store_true")
    parser.add_argument("--cv", action="store_true")
    parser.add_argument("--documents", action="store_true")
    args = parser.parse_args()

    themes = load_themes()
    codes = list(themes.codes)
    labelled, with_text = dev_docs(codes)
    print(f"{len(labelled)} labelled documents, {len(with_text)} with their text at hand")
    train_docs = [d for d in with_text if d.split == "train"]
    docs = [d for d in with_text if d.split == args.split]
    with tempfile.TemporaryDirectory() as home:
        if args.cv:
            cross_validate(train_docs, rule_scores(train_docs, Path(home)), codes, themes.threshold)
            return
        model = train(training_examples(train_docs, codes), codes) if args.retrain else load_model()
        rules = rule_scores(docs, Path(home))
    got = sources(docs, rules, model, themes.threshold)
    tables = {name: theme_table(judge(docs, predicted), codes) for name, predicted in got.items()}
    print(f"part: {args.split}; model trained on {model.trained_on.get('documents')} documents")
    print(side_by_side(tables, codes))
    if args.documents:
        for i, doc in enumerate(docs):
            line = []
            for name, predicted in got.items():
                missed = sorted(doc.themes - predicted[i])
                extra = sorted(predicted[i] - doc.themes - doc.maybe)
                if missed or extra:
                    line.append(f"{name}: -{','.join(missed)} +{','.join(extra)}")
            if line:
                print(f"{doc.id}: " + " | ".join(line))


if __name__ == "__main__":
    main()
