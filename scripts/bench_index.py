"""Benchmark the full-text index on a generated French-like collection (prints, never asserts).

    .venv/bin/python scripts/bench_index.py [--docs 10000] [--words 1500] [--seed 7]
        [--home DIR] [--procs N] [--queries 200] [--engines whoosh,tantivy]

Generates documents with the benchmark suite's seeded generator (French
word list plus theme vocabulary, Zipf-like, in sentences and headings;
``recueil.bench.corpus``) straight into a catalogue, then measures: the index build rate (docs/s), the query latency
p50/p95 (plain, with facets, with filters), and the wall time of one
`recueil search` command in a fresh process. Each engine of --engines is
built from the same catalogue in turn and measured; a table then shows them
side by side. With --home on an existing home (e.g. one where the sample
corpus was ingested) nothing is generated.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import func, select

from recueil.bench.corpus import generate_catalogue
from recueil.catalogue.db import Catalogue, open_catalogue
from recueil.catalogue.models import Document
from recueil.config import Settings, resolve_settings
from recueil.index import Filters, info, rebuild
from recueil.search.service import run_search

QUERIES = ["parentalité", "école", "décrochage scolaire", '"petite enfance"', "PRE",
           "santé mentale", "orchestre OR théâtre", "numérique NOT tablettes", "parent*",
           "coéducation familles", "titre:rencontre", "insertion~", "réussite éducative"]  # fmt: skip


def generate(settings: Settings, docs: int, words: int, seed: int) -> None:
    """The benchmark suite's generator (recueil.bench.corpus): sentences, headings, themes."""
    seconds = generate_catalogue(settings, docs, words, seed)
    print(f"generated {docs} documents of about {words} words in {seconds:.1f} s")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def measure_queries(settings: Settings, rounds: int) -> dict[str, tuple[float, float]]:
    cases = {
        "plain (10 hits, passages)": {"facets": False},
        "with facets": {"facets": True},
        "filtered + facets": {"facets": True, "filters": Filters(themes=("parentalite",), years=(2022,))},
    }  # fmt: skip
    found = {}
    for label, options in cases.items():
        timings = []
        for i in range(rounds):
            query = QUERIES[i % len(QUERIES)]
            started = time.perf_counter()
            run_search(settings, query, limit=10, suggest=False, **options)  # type: ignore[arg-type]
            timings.append((time.perf_counter() - started) * 1000)
        found[label] = (statistics.median(timings), percentile(timings, 0.95))
        print(f"query {label:<28} p50 {found[label][0]:7.1f} ms"
              f"   p95 {found[label][1]:7.1f} ms   ({rounds} queries, index opened each time)")  # fmt: skip
    return found


def measure_command(settings: Settings) -> tuple[float, float]:
    exe = Path(sys.executable).with_name("recueil")
    walls = []
    for _ in range(3):
        started = time.perf_counter()
        subprocess.run([str(exe), "--home", str(settings.home), "search", "parentalité école"],
                       check=True, capture_output=True)  # fmt: skip
        walls.append(time.perf_counter() - started)
    print(f"one `recueil search` command: {min(walls):.2f} s best, {max(walls):.2f} s worst of 3")
    return min(walls), max(walls)


def measure_engine(settings: Settings, catalogue: Catalogue, engine: str, args: argparse.Namespace
                   ) -> dict[str, object]:  # fmt: skip
    """Build the index with one engine, then time its queries and one command."""
    print(f"\n== {engine} ==")
    started = time.perf_counter()
    count = rebuild(settings, catalogue, procs=args.procs, engine=engine)
    elapsed = time.perf_counter() - started
    details = info(settings)
    print(f"index build: {count} documents in {elapsed:.1f} s = {count / elapsed:.1f} docs/s; "
          f"{details.size_bytes / 1e6:.1f} MB, {details.segments} segment(s)")  # fmt: skip
    return {"rate": count / elapsed, "seconds": elapsed, "mb": details.size_bytes / 1e6,
            "queries": measure_queries(settings, args.queries),
            "command": measure_command(settings)}  # fmt: skip


def side_by_side(results: dict[str, dict[str, object]], docs: int) -> None:
    engines = list(results)
    rows: list[tuple[str, ...]] = [("", *engines)]
    rows.append(("build docs/s", *(f"{results[e]['rate']:.1f}" for e in engines)))
    rows.append(("build time s", *(f"{results[e]['seconds']:.1f}" for e in engines)))
    rows.append(("index MB", *(f"{results[e]['mb']:.1f}" for e in engines)))
    for label in results[engines[0]]["queries"]:  # type: ignore[attr-defined]
        for name, at in (("p50", 0), ("p95", 1)):
            rows.append((f"{label} {name} ms",
                         *(f"{results[e]['queries'][label][at]:.1f}" for e in engines)))  # type: ignore[index]  # fmt: skip
    rows.append(("one command s (best)",
                 *(f"{results[e]['command'][0]:.2f}" for e in engines)))  # type: ignore[index]  # fmt: skip
    width = max(len(r[0]) for r in rows)
    print(f"\n== side by side, {docs} documents ==")
    for row in rows:
        print(row[0].ljust(width), *(cell.rjust(10) for cell in row[1:]))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--docs", type=int, default=10000)
    parser.add_argument("--words", type=int, default=1500)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--home", type=Path, help="Use this home (generate only if its catalogue is empty)."
    )
    parser.add_argument("--procs", type=int, help="Writer processes (default: up to 2).")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--engines", default="whoosh,tantivy",
                        help="Engines to build and measure in turn (comma-separated).")  # fmt: skip
    args = parser.parse_args()
    home = args.home or Path(tempfile.mkdtemp(prefix="recueil-bench-"))
    settings = resolve_settings(home=home)
    catalogue = open_catalogue(settings)
    with catalogue.session() as session:
        existing = session.scalar(select(func.count(Document.id))) or 0
    if not existing:
        generate(settings, args.docs, args.words, args.seed)
    print(f"home {home} ({os.cpu_count()} cores)")
    results = {engine: measure_engine(settings, catalogue, engine, args)
               for engine in args.engines.split(",")}  # fmt: skip
    side_by_side(results, existing or args.docs)
    catalogue.close()


if __name__ == "__main__":
    main()
