"""Stage functions on a catalogue: index builds, query latency, one search command.

Each runs alone in a spawned child (see ``child.measure``). The query set is
seeded and the same for every engine: term, phrase, filtered (a theme and a
year) and faceted (theme, cité, type and year counts) queries.
"""

from __future__ import annotations

import random
import shutil
import statistics
import subprocess
import time
from pathlib import Path
from typing import Any

from recueil.bench.corpus import vocabulary
from recueil.config import resolve_settings

KINDS = ("term", "phrase", "filtered", "faceted")


def query_cases(seed: int, per_kind: int) -> list[dict[str, Any]]:
    """A fixed query set: ``per_kind`` queries of each kind."""
    from recueil.index import french

    rng = random.Random(seed + 101)
    vocab = vocabulary(seed)
    words = [w for w in vocab.words[:6000] if french.terms(w) and len(w) > 3]
    phrases = [t for t in vocab.theme_terms if len(french.terms(t)) >= 2]
    cases: list[dict[str, Any]] = []
    for _ in range(per_kind):
        cases.append({"kind": "term", "text": rng.choice(words)})
        cases.append({"kind": "phrase", "text": rng.choice(phrases)})
        cases.append({"kind": "filtered", "text": rng.choice(words),
                      "theme": rng.choice(vocab.theme_codes), "year": rng.randint(2019, 2024)})  # fmt: skip
        cases.append({"kind": "faceted", "text": rng.choice(words)})
    return cases


def query_string(case: dict[str, Any]) -> str:
    return f'"{case["text"]}"' if case["kind"] == "phrase" else str(case["text"])


def latencies(run: Any, cases: list[dict[str, Any]]) -> dict[str, list[float]]:
    """Milliseconds per query, by kind (one warm-up query first)."""
    run(cases[0])
    found: dict[str, list[float]] = {kind: [] for kind in KINDS}
    for case in cases:
        started = time.perf_counter()
        run(case)
        found[case["kind"]].append((time.perf_counter() - started) * 1000)
    return found


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


# -- builds ---------------------------------------------------------------------


def build_recueil(home: Path, engine: str = "tantivy", cached: bool = False) -> dict[str, float]:
    """``index rebuild``: read the catalogue, write a new generation, swap it in.
    ``cached``: keep the analysis cache of the previous rebuild (else it is removed first,
    so that every text is analysed)."""
    from recueil.catalogue.db import open_catalogue
    from recueil.index import info, rebuild, term_cache

    settings = resolve_settings(home=home)
    if not cached:
        term_cache.remove(settings.index_dir)
    catalogue = open_catalogue(settings)
    started = time.perf_counter()
    count = rebuild(settings, catalogue, engine=engine)
    seconds = time.perf_counter() - started
    catalogue.close()
    details = info(settings)
    return {"docs": count, "seconds": seconds, "size_mb": details.size_bytes / 1e6}


def sync_changed(home: Path, changed: int) -> dict[str, float]:
    """``index sync`` after ``changed`` documents of the catalogue were updated."""
    import datetime as dt

    from sqlalchemy import select, update

    from recueil.catalogue.db import open_catalogue
    from recueil.catalogue.models import Document
    from recueil.index import sync

    settings = resolve_settings(home=home)
    catalogue = open_catalogue(settings)
    with catalogue.transaction() as session:
        ids = list(session.scalars(select(Document.id).order_by(Document.id).limit(changed)))
        now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        session.execute(update(Document).where(Document.id.in_(ids)).values(updated_at=now))
    started = time.perf_counter()
    report = sync(settings, catalogue)
    seconds = time.perf_counter() - started
    catalogue.close()
    return {"updated": report.updated, "seconds": seconds}


def build_bare(engine: str, home: Path, folder: Path) -> dict[str, float]:
    """A bare Whoosh or tantivy index of the same fields (read before the clock starts)."""
    from recueil.bench import bare
    from recueil.index.generations import directory_size

    rows = bare.catalogue_fields(home)
    shutil.rmtree(folder, ignore_errors=True)
    build = bare.whoosh_build if engine == "whoosh" else bare.tantivy_build
    started = time.perf_counter()
    build(folder, rows)
    seconds = time.perf_counter() - started
    return {"docs": len(rows), "seconds": seconds, "size_mb": directory_size(folder) / 1e6}


# -- queries --------------------------------------------------------------------


def queries_recueil(home: Path, cases: list[dict[str, Any]], mode: str) -> dict[str, Any]:
    """The search API, ``run_search``: ``per-call`` passes no searcher (as the CLI and a
    script do: the first call opens the index, the next ones reuse it while it is live);
    ``kept-open`` makes the same calls on one ``LiveSearcher`` (as the web site keeps it);
    ``page`` calls it as the results page does (10 hits, passages, facets and
    suggestions for every query) on the live searcher."""
    from recueil.search.live import LiveSearcher
    from recueil.search.service import run_search
    from recueil.search.types import Filters

    settings = resolve_settings(home=home)
    live = None if mode == "per-call" else LiveSearcher(settings)

    def filters(case: dict[str, Any]) -> Filters:
        if case["kind"] != "filtered":
            return Filters()
        return Filters(themes=(case["theme"],), years=(case["year"],))

    def run(case: dict[str, Any]) -> None:
        faceted = mode == "page" or case["kind"] == "faceted"
        passages = mode == "page" or case["kind"] != "faceted"
        run_search(settings, query_string(case), filters=filters(case), limit=10,
                   facets=faceted, passages=passages, searcher=live)  # fmt: skip

    try:
        return latencies(run, cases)
    finally:
        if live is not None:
            live.close()


def queries_bare(engine: str, folder: Path, cases: list[dict[str, Any]]) -> dict[str, Any]:
    from recueil.bench import bare

    searcher: Any = (
        bare.WhooshSearcher(folder) if engine == "whoosh" else bare.TantivySearcher(folder)
    )
    return latencies(searcher.run, cases)


# -- one command -------------------------------------------------------------------


def command(argv: list[str], runs: int) -> dict[str, float]:
    """Median and best wall time of a command run ``runs`` times (after one warm-up)."""
    subprocess.run(argv, check=True, capture_output=True)
    walls = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(argv, check=True, capture_output=True)
        walls.append(time.perf_counter() - started)
    return {"median_s": statistics.median(walls), "best_s": min(walls), "runs": runs}


def compile_package() -> None:
    """Byte-compile recueil's modules beside their sources, as ``pip install`` does, so that
    a timed command runs as an installed recueil runs, even where the environment forbids
    writing bytecode at run time (``PYTHONDONTWRITEBYTECODE``)."""
    import sys

    import recueil

    package = str(Path(recueil.__file__).parent)
    subprocess.run([sys.executable, "-m", "compileall", "-q", package], check=True,
                   capture_output=True)  # fmt: skip
