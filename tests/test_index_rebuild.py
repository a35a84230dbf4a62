"""Rebuilding the index from the catalogue: atomic swap, leftovers, versions, locks.

Every test runs on each index engine (the ``engine`` fixture).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from recueil.catalogue.db import Catalogue
from recueil.config import Settings
from recueil.errors import IndexLockedError, IndexMissingError, IndexOutdatedError
from recueil.index import generations as gens
from recueil.index import info, rebuild, update_documents
from recueil.search.service import run_search
from search_corpus import (  # noqa: F401
    SAMPLES,
    Sample,
    add_sample,
    engine_fixture,
    indexed_fixture,
    sample_ids_fixture,
)


@pytest.fixture
def settings(settings: Settings, engine: str) -> Settings:
    """The catalogue settings of conftest, building the index with this test's engine."""
    return settings.with_changes(index_engine=engine)


def ids_for(settings: Settings, query: str) -> set[int]:
    return {hit.id for hit in run_search(settings, query, limit=None).result.hits}


def generations(settings: Settings) -> list[Path]:
    return sorted(settings.index_dir.glob("gen-*"))


def test_rebuild_indexes_every_catalogue_document(
    settings: Settings, indexed: dict[str, int], run_cli, engine: str
) -> None:
    result = run_cli("index", "info", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["documents"] == len(SAMPLES)
    assert data["engine"] == engine
    assert data["schema_version"] == gens.SCHEMA_VERSION
    assert data["analyzer"] == "fr-3"
    assert data["out_of_date"] == 0
    assert data["size_bytes"] > 0
    assert len(generations(settings)) == 1


def test_cli_rebuild_replaces_the_generation(
    settings: Settings, indexed: dict[str, int], run_cli, engine: str
) -> None:
    before = gens.current_generation(settings.index_dir)
    result = run_cli("-q", "index", "rebuild")
    assert result.exit_code == 0, result.output
    after = gens.current_generation(settings.index_dir)
    assert after is not None and after != before
    assert generations(settings) == [after]
    assert info(settings).documents == len(SAMPLES)
    assert info(settings).engine == engine  # a rebuild keeps the live index's engine


def test_interrupted_rebuild_leaves_the_old_index_answering(
    settings: Settings, catalogue: Catalogue, indexed: dict[str, int]
) -> None:
    live = gens.current_generation(settings.index_dir)
    expected = ids_for(settings, "parentalité")
    assert expected
    # A document added after the first build: the failed rebuild must not publish it.
    extra = add_sample(
        catalogue,
        Sample(
            "extra",
            "Parentalité au collège Anatole-France",
            "fiche-experience",
            ["La parentalité au collège."],
        ),
    )
    seen_during: list[set[int]] = []

    def crash_half_way(done: int, total: int) -> None:
        if done == total // 2:
            seen_during.append(ids_for(settings, "parentalité"))
            raise KeyboardInterrupt  # what Ctrl-C does half-way through

    with pytest.raises(KeyboardInterrupt):
        rebuild(settings, catalogue, progress=crash_half_way)

    assert seen_during == [expected]  # searches kept working during the rebuild
    assert gens.current_generation(settings.index_dir) == live
    assert ids_for(settings, "parentalité") == expected
    assert extra not in expected
    assert generations(settings) == [live]  # the half-built generation is gone

    rebuild(settings, catalogue)
    assert ids_for(settings, "parentalité") == expected | {extra}


def test_a_killed_rebuild_leftover_is_ignored_then_collected(
    settings: Settings, catalogue: Catalogue, indexed: dict[str, int]
) -> None:
    live = gens.current_generation(settings.index_dir)
    leftover = settings.index_dir / "gen-20200101000000000000-99999"
    leftover.mkdir()
    (leftover / "MAIN_WRITELOCK").write_text("")
    (leftover / "_MAIN_1.toc").write_bytes(b"\x00half written")
    (settings.index_dir / "CURRENT.99999.tmp").write_text(leftover.name)
    assert ids_for(settings, "orchestre") == {indexed["orchestre"]}
    rebuild(settings, catalogue)
    assert not leftover.exists()
    assert not (settings.index_dir / "CURRENT.99999.tmp").exists()
    assert gens.current_generation(settings.index_dir) not in (None, live)


def test_documents_changed_during_a_rebuild_are_caught_up(
    settings: Settings, catalogue: Catalogue, indexed: dict[str, int]
) -> None:
    added: list[int] = []

    def ingest_meanwhile(done: int, total: int) -> None:
        if done == 1:
            added.append(
                add_sample(
                    catalogue,
                    Sample(
                        "late",
                        "Ludothèque itinérante",
                        "fiche-experience",
                        ["Une ludothèque itinérante."],
                    ),
                )
            )

    rebuild(settings, catalogue, progress=ingest_meanwhile)
    assert ids_for(settings, "ludothèque") == set(added)


def test_missing_index_is_a_clear_error(settings: Settings, run_cli) -> None:
    with pytest.raises(IndexMissingError):
        run_search(settings, "école")
    result = run_cli("search", "école")
    assert result.exit_code == 1
    assert "Error [E301]" in result.stderr and "index rebuild" in result.stderr
    assert "Traceback" not in result.output


def test_index_of_another_schema_version_asks_for_a_rebuild(
    settings: Settings, indexed: dict[str, int], run_cli
) -> None:
    live = gens.current_generation(settings.index_dir)
    assert live is not None
    meta = json.loads((live / gens.META).read_text())
    meta["schema_version"] = 0
    (live / gens.META).write_text(json.dumps(meta))
    with pytest.raises(IndexOutdatedError):
        run_search(settings, "école")
    result = run_cli("search", "école")
    assert result.exit_code == 1 and "Error [E302]" in result.stderr
    assert run_cli("-q", "index", "rebuild").exit_code == 0
    assert run_cli("search", "école").exit_code == 0


def test_locked_index_gives_a_clear_message(
    settings: Settings,
    catalogue: Catalogue,
    indexed: dict[str, int],
    run_cli,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(gens, "LOCK_WAIT", 0.3)
    generation, live_engine = gens.open_live(settings)
    holder = live_engine.writer(generation, 0.0)  # another writer holds the engine's lock
    try:
        with pytest.raises(IndexLockedError):
            update_documents(settings, catalogue, [indexed["cafe"]])
        result = run_cli("index", "sync")
        assert result.exit_code == 1
        assert "Error [E303]" in result.stderr and "another" in result.stderr.lower()
        assert ids_for(settings, "orchestre") == {indexed["orchestre"]}  # reads still work
    finally:
        holder.cancel()
    update_documents(settings, catalogue, [indexed["cafe"]])


def test_rebuild_with_two_writer_processes_gives_the_same_index(
    settings: Settings, catalogue: Catalogue, indexed: dict[str, int]
) -> None:
    queries = ["parentalité", "école", "PRE", "orchest*", "theme:gouvernance", ""]
    before = {q: ids_for(settings, q) for q in queries}
    assert rebuild(settings, catalogue, procs=2) == len(SAMPLES)
    assert {q: ids_for(settings, q) for q in queries} == before
    assert info(settings).documents == len(SAMPLES)
