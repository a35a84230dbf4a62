"""Running the tagger over the documents of a gold file, storing nothing.

The texts come from a provider the caller gives (extraction of a file,
or the catalogue's stored text): tagging reads no file format and no catalogue.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from recueil.config import Settings
from recueil.tagging.analyse import Analyser, AnalysisInput
from recueil.tagging.devset import DevDoc
from recueil.tagging.evaluate import GoldItem, Prediction, read_gold
from recueil.tagging.gazetteer import Gazetteer
from recueil.tagging.themes import ThemeSet

Skipped = list[tuple[GoldItem, str]]
TextProvider = Callable[[GoldItem], AnalysisInput | str]
"""The text of a gold line's document, or why there is none."""


def predict_gold(
    settings: Settings, gold: Path, themes: ThemeSet, texts: TextProvider
) -> tuple[list[tuple[GoldItem, Prediction]], Skipped, Gazetteer]:
    items = read_gold(gold, themes.codes)
    inputs: list[tuple[GoldItem, AnalysisInput]] = []
    skipped: Skipped = []
    for item in items:
        result = texts(item)
        if isinstance(result, str):
            skipped.append((item, result))
        else:
            inputs.append((item, result))
    analyser = Analyser(settings, themes=themes, entities=False)
    analyses = analyser.analyse(i for _, i in inputs)
    pairs = [
        (item, Prediction(a.scores, a.doc_type, a.cite, a.model))
        for (item, _), a in zip(inputs, analyses, strict=True)
    ]
    return pairs, skipped, analyser.gazetteer


def predict_dev(
    settings: Settings, docs: Sequence[DevDoc], themes: ThemeSet
) -> list[tuple[GoldItem, Prediction]]:
    analyser = Analyser(settings, themes=themes, entities=False)
    items = [
        GoldItem(line=n, path=f"{d.id}.txt", doc_id=None, themes=d.themes, maybe=d.maybe)
        for n, d in enumerate(docs, start=1)
    ]
    analyses = analyser.analyse(AnalysisInput(d.title, d.text or "") for d in docs)
    return [
        (item, Prediction(a.scores, a.doc_type, a.cite, a.model))
        for item, a in zip(items, analyses, strict=True)
    ]
