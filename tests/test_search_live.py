"""The live searcher kept open across calls (the web site's): it follows what other
processes do to the index (`index sync`, `index rebuild`) and may be shared by threads."""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path

import pytest

from processes import run
from recueil.catalogue.db import open_catalogue
from recueil.catalogue.models import Document, Page, ThemeTag
from recueil.config import Settings
from recueil.search.live import SHARED_HOMES, LiveSearcher, shared
from recueil.search.service import SearchOutcome, open_searcher, run_search, similar
from search_corpus import ENGINES
from test_web import base_home, engine_copy  # noqa: F401  (base_home is a fixture)

QUERIES = ["parents", "famille", "petite enfance", "PRE", "periscolère", "numérique", "dcrochage"]


@pytest.fixture(params=ENGINES)
def home(request: pytest.FixtureRequest, base_home: Path, tmp_path: Path) -> Settings:  # noqa: F811
    return engine_copy(base_home, tmp_path, request.param)


def add_document(settings: Settings, title: str, text: str) -> None:
    catalogue = open_catalogue(settings)
    try:
        with catalogue.transaction() as session:
            document = Document(
                source=f"ajout/{title}.txt", filename=f"{title}.txt", kind="web",
                doc_type="page-web", title=title, date=dt.date(2024, 3, 5), year=2024,
                cite_educative="Roubaix", page_count=1,
            )  # fmt: skip
            document.pages = [Page(number=1, text=text)]
            document.tags = [ThemeTag(theme_code="parentalite", source="rules", score=0.7)]
            session.add(document)
    finally:
        catalogue.close()


def recueil(settings: Settings, *args: str) -> None:
    done = run(["--home", str(settings.home)], "-q", *args)
    assert done.returncode == 0, done.stderr


def shown(outcome: SearchOutcome) -> tuple[object, ...]:
    result = outcome.result
    hits = [(h.id, h.score, h.passage, h.marks, h.page) for h in result.hits]
    return result.total, hits, result.facets, outcome.suggestion, outcome.suggestion_total


def test_kept_open_then_refreshed_when_another_process_syncs(home: Settings) -> None:
    live = LiveSearcher(home)
    with live.searcher() as first:
        pass
    with live.searcher() as again:
        assert again is first  # nothing changed: the same open searcher
    for query in QUERIES:  # the same answers as a search that opens the index itself
        assert shown(run_search(home, query, searcher=live)) == shown(run_search(home, query))
    assert run_search(home, "zythologie", searcher=live).result.total == 0
    add_document(home, "Atelier de zythologie", "Un atelier de zythologie pour les familles.")
    recueil(home, "index", "sync")
    found = run_search(home, "zythologie", searcher=live)
    assert [hit.title for hit in found.result.hits] == ["Atelier de zythologie"]
    assert found.result.hits[0].passage == "Un atelier de zythologie pour les familles."
    with live.searcher() as after:
        # The same generation, refreshed to the new commit (not opened again).
        assert after.generation == first.generation and after is not first
    live.close()


def test_follows_a_rebuild_in_another_process_even_to_another_engine(home: Settings) -> None:
    live = LiveSearcher(home)
    before = shown(run_search(home, "parents", searcher=live))
    with live.searcher() as old:
        other = "tantivy" if old.engine == "whoosh" else "whoosh"
    recueil(home, "index", "rebuild", "--engine", other)
    assert shown(run_search(home, "parents", searcher=live))[0] == before[0]
    with live.searcher() as new:
        assert new.generation != old.generation and new.engine == other
    assert not old.generation.exists()  # the rebuild removed it; nothing failed
    live.close()


def test_threads_share_it_while_other_processes_sync(home: Settings) -> None:
    live = LiveSearcher(home)
    failures: list[str] = []
    stop = threading.Event()

    def searcher_thread(offset: int) -> None:
        i = offset
        while not stop.is_set() or i < offset + 2 * len(QUERIES):
            query = QUERIES[i % len(QUERIES)]
            try:
                run_search(home, query, searcher=live)
            except Exception as exc:  # any failure is the test's failure
                failures.append(f"{query}: {exc!r}")
            i += 1

    threads = [threading.Thread(target=searcher_thread, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    try:
        for n in range(2):
            add_document(home, f"Fiche ajoutée {n}", f"Un goûter de quartier numéro {n}.")
            recueil(home, "index", "sync")
    finally:
        stop.set()
        for thread in threads:
            thread.join()
    assert not failures, failures[:3]
    assert run_search(home, "goûter", searcher=live).result.total == 2
    for query in QUERIES:  # as a search opening the index itself answers now
        assert shown(run_search(home, query, searcher=live)) == shown(run_search(home, query))
    live.close()


def test_calls_without_a_searcher_reuse_the_index_while_it_is_live(home: Settings) -> None:
    """``run_search`` with no searcher (a script's repeated calls) opens the index once per
    process, and still sees what other processes commit or rebuild."""
    first = run_search(home, "parents")
    with shared(home).searcher() as opened:
        pass
    assert shown(run_search(home, "parents")) == shown(first)
    with shared(home).searcher() as again:
        assert again is opened  # nothing changed: not opened again
    assert run_search(home, "zythologie").result.total == 0
    add_document(home, "Atelier de zythologie", "Un atelier de zythologie pour les familles.")
    recueil(home, "index", "sync")
    found = run_search(home, "zythologie")
    assert [hit.title for hit in found.result.hits] == ["Atelier de zythologie"]
    assert similar(home, found.result.hits[0].id) == similar(
        home, found.result.hits[0].id, searcher=LiveSearcher(home)
    )
    other = "tantivy" if opened.engine == "whoosh" else "whoosh"
    recueil(home, "index", "rebuild", "--engine", other)
    rebuilt = run_search(home, "zythologie")
    assert [hit.title for hit in rebuilt.result.hits] == ["Atelier de zythologie"]
    with shared(home).searcher() as new:
        assert new.generation != opened.generation and new.engine == other
    assert not opened.generation.exists()
    for query in QUERIES:  # as a searcher opened for the call answers
        with open_searcher(home) as fresh:
            assert shown(run_search(home, query)) == shown(run_search(home, query, searcher=fresh))


def test_a_process_keeps_a_few_homes_open(base_home: Path, tmp_path: Path) -> None:  # noqa: F811
    homes = [engine_copy(base_home, tmp_path / str(n), "tantivy") for n in range(SHARED_HOMES + 1)]
    for settings in homes:
        assert run_search(settings, "parents").result.total > 0
    kept = [shared(settings) for settings in homes[1:]]
    assert all(shared(settings) is live for settings, live in zip(homes[1:], kept, strict=True))
    assert shared(homes[0]) not in kept  # the least recently used was closed, opened anew
    assert run_search(homes[0], "parents").result.total > 0


def test_a_document_deleted_by_another_process_is_no_longer_found(home: Settings) -> None:
    live = LiveSearcher(home)
    found = run_search(home, "parents", limit=None, searcher=live).result.hits
    assert shown(run_search(home, "parents")) == shown(run_search(home, "parents", searcher=live))
    gone = found[0].id
    catalogue = open_catalogue(home)
    try:
        with catalogue.transaction() as session:
            session.delete(session.get(Document, gone))
    finally:
        catalogue.close()
    recueil(home, "index", "sync")
    for source in (live, None):  # kept open, and the process's own (``live.shared``)
        hits = run_search(home, "parents", limit=None, searcher=source).result.hits
        assert [h.id for h in hits] == [h.id for h in found if h.id != gone]
    live.close()
