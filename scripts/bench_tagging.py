"""Tagging speed: the Analyser against plain ``nlp.pipe`` with every component of the model.

Both run in the same process on the same texts (the sample corpus, extracted
without storing anything, repeated to reach --words). Prints words per second,
and the Analyser with the learned model (as ingest runs it) against the
rules alone, alternated twice, with CPU seconds.

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
        rules_only = Analyser(settings, model=False)
        rules_only_no_ner = Analyser(settings, entities=False, model=False)
        runs = {
            "Analyser, rules only (entities)": rules_only,
            "Analyser, rules + learned model (entities)": analyser,
            "Analyser, rules only, no NER": rules_only_no_ner,
            "Analyser, rules + learned model, no NER": themes_only,
        }
        figures: dict[str, list[float]] = {label: [] for label in runs}
        cpu: dict[str, list[float]] = {label: [] for label in runs}
        for _ in range(2):  # alternated, so that the machine's load moves both alike
            for label, run in runs.items():
                c0 = time.process_time()
                figures[label].append(measure(label, words, lambda r=run: list(r.analyse(inputs))))
                cpu[label].append(time.process_time() - c0)
        for label in runs:
            print(
                f"{label:<46} best {max(figures[label]):9.0f} words/s, cpu {min(cpu[label]):.2f} s"
            )
        for off, on in (
            ("Analyser, rules only (entities)", "Analyser, rules + learned model (entities)"),
            ("Analyser, rules only, no NER", "Analyser, rules + learned model, no NER"),
        ):
            print(
                f"with model / without, {on.split(',')[-1].strip()}: "
                f"wall x{max(figures[on]) / max(figures[off]):.2f}, "
                f"cpu x{min(cpu[off]) / min(cpu[on]):.2f}"
            )


if __name__ == "__main__":
    main()
