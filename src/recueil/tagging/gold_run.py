"""Running the tagger over the documents of a gold file, storing nothing.

The texts come from a provider the caller gives (extraction of a file,
or the catalogue's stored text): tagging reads no file format and no catalogue.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path

from recueil.config import Settings
from recueil.tagging.analyse import Analyser, AnalysisInput
from recueil.tagging.devset import DevDoc, attach_texts, read_dev_labels
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


def is_dev_set(path: Path) -> bool:
    """A corpus-dev folder, or its labels file (lines with ``url`` and ``split``)."""
    if path.is_dir():
        return True
    try:
        with path.open(encoding="utf-8") as handle:
            first = next((line for line in handle if line.strip()), "")
        raw = json.loads(first) if first else None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return False
    return isinstance(raw, dict) and "split" in raw and "url" in raw


def dev_documents(path: Path, codes: Sequence[str], split: str) -> tuple[list[DevDoc], int]:
    """The documents of one part of a development set whose text is at hand, and how many
    of that part are not (``texts/`` and ``.cache/texts/`` beside the labels)."""
    labels = path / "labels.jsonl" if path.is_dir() else path
    folders = [labels.parent / "texts", labels.parent / ".cache" / "texts"]
    part = [d for d in read_dev_labels(labels, codes) if d.split == split]
    found = attach_texts(part, folders)
    return found, len(part) - len(found)


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
