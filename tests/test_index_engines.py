"""Choosing the index engine: switching a home, the optional tantivy package, locks, dead files."""

from __future__ import annotations

import json
import sys
import threading

import pytest
from hypothesis import given
from hypothesis import strategies as st

from recueil.catalogue.db import Catalogue
from recueil.config import Settings
from recueil.errors import EngineUnavailableError, IndexOutdatedError, NotFoundError, QueryError
from recueil.index import generations, info, rebuild, sync, update_documents
from recueil.index.reports import SyncReport
from recueil.search.service import run_search, similar
from search_corpus import (  # noqa: F401
    SAMPLES,
    TANTIVY_INSTALLED,
    Sample,
    add_sample,
    indexed_fixture,
    sample_ids_fixture,
)

needs_tantivy = pytest.mark.skipif(not TANTIVY_INSTALLED, reason="tantivy is not installed")
QUERIES = ["parentalité", "école NOT collège", '"classe passerelle"', "orchest*", "rac?rochage",
           "orkestre~2", "theme:parentalite", "annee:2021..2022", "PRE", ""]  # fmt: skip


def results(settings: Settings) -> dict[str, set[int]]:
    return {q: {h.id for h in run_search(settings, q, limit=None).result.hits} for q in QUERIES}


@needs_tantivy
def test_rebuild_with_engine_switches_a_home_and_keeps_the_results(
    settings: Settings, catalogue: Catalogue, indexed: dict[str, int], run_cli
) -> None:
    rebuild(settings, catalogue, engine="whoosh")
    assert info(settings).engine == "whoosh"
    before = results(settings)
    result = run_cli("-q", "index", "rebuild", "--engine", "tantivy")
    assert result.exit_code == 0, result.output
    assert info(settings).engine == "tantivy"
    live = generations.current_generation(settings.index_dir)
    assert live is not None and generations.read_meta(live)["engine"] == "tantivy"
    assert [p.name for p in settings.index_dir.glob("gen-*")] == [live.name]
    assert results(settings) == before
    # Later writes go to the live engine, without naming it again.
    late = add_sample(catalogue, Sample("late", "Ludothèque", "notice", ["Une ludothèque."]))
    assert sync(settings, catalogue) == SyncReport(added=1, unchanged=len(SAMPLES))
    assert {h.id for h in run_search(settings, "ludothèque").result.hits} == {late}
    assert run_cli("-q", "index", "rebuild").exit_code == 0
    assert info(settings).engine == "tantivy"
    assert run_cli("-q", "index", "rebuild", "--engine", "whoosh").exit_code == 0
    assert info(settings).engine == "whoosh"
    assert results(settings)["orchest*"] == before["orchest*"]


def test_settings_choose_the_engine_of_a_new_index(
    settings: Settings, catalogue: Catalogue, sample_ids: dict[str, int]
) -> None:
    update_documents(settings, catalogue, [sample_ids["cafe"]])
    assert info(settings).engine == "tantivy"  # the default of a new home
    # An existing home keeps its engine: a rebuild without --engine stays on Whoosh.
    rebuild(settings.with_changes(index_engine="whoosh"), catalogue)
    rebuild(settings, catalogue)
    assert info(settings).engine == "whoosh"
    with pytest.raises(EngineUnavailableError) as caught:
        rebuild(settings.with_changes(index_engine="lucene"), catalogue)
    assert caught.value.code == "E304" and "whoosh or tantivy" in caught.value.message


def test_missing_tantivy_package_is_a_clear_error(
    settings: Settings, catalogue: Catalogue, sample_ids: dict[str, int], run_cli, monkeypatch
) -> None:
    # What an installation without the optional package sees: `import tantivy` fails.
    for name in [m for m in sys.modules if m.startswith("recueil.index.tantivy_engine")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "tantivy", None)
    with pytest.raises(EngineUnavailableError) as caught:
        rebuild(settings, catalogue, engine="tantivy")
    assert "recueil[tantivy]" in caught.value.hint
    result = run_cli("index", "rebuild", "--engine", "tantivy")
    assert result.exit_code == 1
    assert "Error [E304]" in result.stderr and "pip install" in result.stderr
    assert "Traceback" not in result.output
    assert generations.current_generation(settings.index_dir) is None  # nothing half-built


def test_unknown_engine_in_the_index_asks_for_a_rebuild(
    settings: Settings, indexed: dict[str, int]
) -> None:
    live = generations.current_generation(settings.index_dir)
    assert live is not None
    meta = json.loads((live / generations.META).read_text())
    meta["engine"] = "lucene"
    (live / generations.META).write_text(json.dumps(meta))
    with pytest.raises(IndexOutdatedError):
        run_search(settings, "école")


@needs_tantivy
def test_tantivy_writer_waits_for_the_lock_then_writes(
    settings: Settings, catalogue: Catalogue, sample_ids: dict[str, int]
) -> None:
    rebuild(settings, catalogue, engine="tantivy")
    generation, engine = generations.open_live(settings)
    holder = engine.writer(generation, 0.0)
    threading.Timer(0.6, holder.cancel).start()  # the other writer finishes soon
    with catalogue.transaction() as session:
        from recueil.catalogue.models import Document

        document = session.get(Document, sample_ids["guide"])
        assert document is not None
        document.title = "Guide de la ludothèque"
    update_documents(settings, catalogue, [sample_ids["guide"]])  # retried, not refused
    assert {h.id for h in run_search(settings, "titre:ludothèque").result.hits} == {
        sample_ids["guide"]
    }


@needs_tantivy
def test_tantivy_dead_segment_files_are_collected(
    settings: Settings, catalogue: Catalogue, sample_ids: dict[str, int]
) -> None:
    rebuild(settings, catalogue, engine="tantivy")
    for _ in range(3):  # enough one-document commits for tantivy to merge segments
        for doc_id in sample_ids.values():
            update_documents(settings, catalogue, [doc_id])
    generation = generations.current_generation(settings.index_dir)
    assert generation is not None
    meta = json.loads((generation / "meta.json").read_text())
    live = {segment["segment_id"].replace("-", "") for segment in meta["segments"]}
    on_disk = {p.name.split(".")[0] for p in generation.iterdir() if not p.name.startswith(".")}
    on_disk -= {"meta", "recueil-index", "vocabulary"}
    assert on_disk == live
    assert info(settings).documents == len(SAMPLES)
    assert len(live) < 3 * len(SAMPLES)


@needs_tantivy
@given(st.text(max_size=200))
def test_tantivy_documents_hold_the_terms_of_the_shared_analysis(text: str) -> None:
    from recueil.index import french
    from recueil.index.tantivy_engine.schema import analyzer

    terms = french.terms(text)
    assert terms == [t.term for t in french.tokens(text)]
    # What tantivy's tokenizer makes of the joined terms is the shared analysis, term for term.
    assert analyzer().analyze(french.joined_terms(text)) == terms


@needs_tantivy
def test_terms_with_a_space_after_folding_stay_whole(
    settings: Settings, catalogue: Catalogue
) -> None:
    # NFKD turns the acute accent used as an apostrophe into a space: "0´0" -> "0 0".
    doc = add_sample(catalogue, Sample("odd", "Code 0´0", "notice", ["Référence 0´0 et 7´7."]))
    other = add_sample(catalogue, Sample("zero", "Zéro", "notice", ["Le 0 0 de la grille."]))
    for engine in ("whoosh", "tantivy"):
        rebuild(settings, catalogue, engine=engine)
        assert {h.id for h in run_search(settings, "0´0").result.hits} == {doc}
        assert other in {h.id for h in run_search(settings, '"0 0"').result.hits}


@needs_tantivy
def test_extreme_patterns_and_ids_agree_on_both_engines(
    settings: Settings, catalogue: Catalogue, sample_ids: dict[str, int]
) -> None:
    # Past tantivy's automaton limit, its terms are listed in Python like Whoosh's.
    queries = ["?" * 300, "p?r?n?a?i?e*" * 3, "*" + "a" * 1500 + "*", "*s*c*o*l*a*i*r*e*",
               "?cole", "orch" + "*" * 500]  # fmt: skip
    answers = {}
    for engine in ("whoosh", "tantivy"):
        rebuild(settings, catalogue, engine=engine)
        answers[engine] = [
            {h.id for h in run_search(settings, q, limit=None).result.hits} for q in queries
        ]
        with pytest.raises(QueryError):
            run_search(settings, "id:99999999999999999999999")
        assert run_search(settings, "id:9223372036854775806").result.total == 0
    assert answers["whoosh"] == answers["tantivy"]
    assert [bool(found) for found in answers["whoosh"]] == [False, False, False, True, True, True]
    with pytest.raises(NotFoundError):
        similar(settings, 10**30)


@needs_tantivy
def test_rebuild_analysing_in_worker_processes_gives_the_same_index(
    settings: Settings,
    catalogue: Catalogue,
    indexed: dict[str, int],
    run_cli,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from recueil.index import bulk

    rebuild(settings, catalogue, engine="tantivy", procs=1)
    alone = results(settings)
    generation = generations.current_generation(settings.index_dir)
    assert generation is not None
    stamps = generations.get_engine("tantivy").stamps(generation)
    monkeypatch.setattr(bulk, "PARALLEL_THRESHOLD", 0)  # the sample is small
    result = run_cli("-q", "index", "rebuild", "--engine", "tantivy", "--jobs", "2")
    assert result.exit_code == 0, result.output
    generation = generations.current_generation(settings.index_dir)
    assert generation is not None
    assert generations.get_engine("tantivy").stamps(generation) == stamps
    assert results(settings) == alone
