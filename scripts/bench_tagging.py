"""Tagging speed: the Analyser against plain ``nlp.pipe`` with every component of the model.

Both run in the same process on the same texts (the sample corpus, extracted
without storing anything, repeated to reach --words). Prints words per second.

    .venv/bin/python scripts/bench_tagging.py [--words 200000] [corpus/]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from recueil.config import resolve_settings
from recueil.errors import RecueilError
from recueil.ingest.base import ExtractContext, ExtractedDocument
from recueil.ingest.extract import extract_file


def corpus_texts(root: Path, settings_home: Path) -> list[tuple[str, str]]:
    ctx = ExtractContext(resolve_settings(home=settings_home), ocr="never")
    texts = []
    files = [
        p for p in root.rglob("*") if p.is_file() and p.name != "README.md" and p.suffix != ".jsonl"
    ]
    for path in sorted(files):
        try:
            found = extract_file(path, ctx)
        except RecueilError:
            continue
        texts.extend(
            (d.title or "", d.text)
            for d in found
            if isinstance(d, ExtractedDocument) and d.text.strip()
        )
    return texts


def measure(label: str, words: int, run: object) -> float:
    start = time.perf_counter()
    run()  # type: ignore[operator]
    elapsed = time.perf_counter() - start
    print(f"{label:<46} {words:>8} words  {elapsed:7.2f} s  {words / elapsed:9.0f} words/s")
    return words / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("root", nargs="?", default="corpus", type=Path)
    parser.add_argument("--words", type=int, default=150_000)
    args = parser.parse_args()

    import spacy

    from recueil.tagging.analyse import Analyser, AnalysisInput

    with tempfile.TemporaryDirectory() as home:
        texts = corpus_texts(args.root, Path(home))
        base_words = sum(len(t.split()) for _, t in texts)
        repeat = max(1, args.words // max(1, base_words))
        items = texts * repeat
        words = base_words * repeat
        print(f"{len(texts)} documents, {base_words} words, x{repeat}")
        settings = resolve_settings(home=home)

        t0 = time.perf_counter()
        analyser = Analyser(settings)
        print(
            f"Analyser load: {time.perf_counter() - t0:.1f} s (includes importing the French language data)"
        )
        t0 = time.perf_counter()
        themes_only = Analyser(settings, entities=False)
        print(f"Analyser (no NER) load: {time.perf_counter() - t0:.1f} s")
        t0 = time.perf_counter()
        full = spacy.load(settings.model)
        print(f"spacy.load (all components) load: {time.perf_counter() - t0:.1f} s")

        inputs = [AnalysisInput(title, text) for title, text in items]
        measure(
            "plain nlp.pipe, all components",
            words,
            lambda: list(full.pipe(f"{t}\n\n{x}" for t, x in items)),
        )
        measure(
            "Analyser (themes, dates, cité, type, entities)",
            words,
            lambda: list(analyser.analyse(inputs)),
        )
        measure(
            "Analyser without entities (no NER)", words, lambda: list(themes_only.analyse(inputs))
        )
        try:
            from recueil.tagging.classifier import load_model
        except ImportError:  # a checkout from before the learned model
            return
        model = load_model()
        measure(
            "learned model alone (plain Python)",
            words,
            lambda: [model.predict(f"{t}\n\n{x}") for t, x in items],
        )

        def analyser_and_model() -> None:
            for item, analysis in zip(items, analyser.analyse(inputs), strict=True):
                model.predict(f"{item[0]}\n\n{item[1]}")
                _ = analysis

        measure("Analyser + learned model", words, analyser_and_model)


if __name__ == "__main__":
    main()
