"""Keeping the index in step: per-document updates from ingestion and `index sync`.

Every test runs on each index engine (the ``engine`` fixture).
"""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from recueil.catalogue.db import Catalogue
from recueil.catalogue.models import Document, ThemeTag
from recueil.config import Settings
from recueil.index import delete_documents, generations, info, pending, sync, update_documents
from recueil.index.reports import SyncReport
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


def test_update_documents_creates_the_index_when_there_is_none(
    settings: Settings, catalogue: Catalogue, sample_ids: dict[str, int]
) -> None:
    assert generations.current_generation(settings.index_dir) is None
    update_documents(settings, catalogue, [sample_ids["cafe"]])
    # Built from the whole catalogue, not only the ids given.
    assert info(settings).documents == len(SAMPLES)


def test_update_documents_adds_replaces_and_drops(
    settings: Settings, catalogue: Catalogue, indexed: dict[str, int]
) -> None:
    new_id = add_sample(
        catalogue,
        Sample(
            "new", "Ludothèque de quartier", "fiche-experience", ["La ludothèque prête des jeux."]
        ),
    )
    with catalogue.transaction() as session:
        cafe = session.get(Document, indexed["cafe"])
        assert cafe is not None
        cafe.title = "Petit-déjeuner des familles"
        session.delete(session.get(Document, indexed["orchestre"]))
    assert ids_for(settings, "ludothèque") == set()
    update_documents(settings, catalogue, [new_id, indexed["cafe"], indexed["orchestre"]])
    assert ids_for(settings, "ludothèque") == {new_id}
    assert ids_for(settings, "titre:déjeuner") == {indexed["cafe"]}
    assert ids_for(settings, "orchestre") == set()
    assert info(settings).documents == len(SAMPLES)


def test_words_of_synced_documents_are_suggested_and_expanded(
    settings: Settings, catalogue: Catalogue, indexed: dict[str, int]
) -> None:
    """Did-you-mean and wildcards follow sync: new words at once, deleted ones not offered."""
    assert run_search(settings, "ludotheqe").suggestion is None
    new_id = add_sample(
        catalogue, Sample("new", "Jeux", "fiche-experience", ["La ludothèque prête des jeux."])
    )
    update_documents(settings, catalogue, [new_id])
    assert run_search(settings, "ludotheqe").suggestion == "ludothèque"
    assert ids_for(settings, "ludoth*") == {new_id}
    with catalogue.transaction() as session:
        session.delete(session.get(Document, new_id))
    update_documents(settings, catalogue, [new_id])
    assert run_search(settings, "ludotheqe").suggestion is None
    assert ids_for(settings, "ludoth*") == set()


def test_delete_documents(settings: Settings, indexed: dict[str, int]) -> None:
    delete_documents(settings, [indexed["orchestre"]])
    assert ids_for(settings, "orchestre") == set()


def test_delete_without_an_index_is_a_no_op(settings: Settings) -> None:
    delete_documents(settings, [1, 2])
    assert generations.current_generation(settings.index_dir) is None


def test_sync_touches_exactly_what_differs(
    settings: Settings, catalogue: Catalogue, indexed: dict[str, int], run_cli
) -> None:
    assert sync(settings, catalogue) == SyncReport(unchanged=len(SAMPLES))
    late = add_sample(
        catalogue,
        Sample(
            "late",
            "Vacances apprenantes à Denain",
            "fiche-experience",
            ["Colos apprenantes et vacances."],
        ),
    )
    with catalogue.transaction() as session:
        stages = session.get(Document, indexed["stages"])
        assert stages is not None
        stages.title = "Stages de troisième et mentorat à Creil"
        session.delete(session.get(Document, indexed["guide"]))
        # A theme removed by hand touches only the tag row, not the document.
        tag = session.scalars(
            select(ThemeTag).where(ThemeTag.document_id == indexed["sante"])
        ).one()
        tag.active = False
    assert pending(settings, catalogue) == SyncReport(1, 2, 1, len(SAMPLES) - 3)

    result = run_cli("index", "sync", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {
        "added": 1,
        "updated": 2,
        "removed": 1,
        "unchanged": len(SAMPLES) - 3,
    }
    assert ids_for(settings, "vacances apprenantes") == {late}
    assert ids_for(settings, "mentorat") == {indexed["stages"]}
    assert ids_for(settings, "titre:guide") == set()
    assert indexed["sante"] not in ids_for(settings, "theme:sante")
    assert sync(settings, catalogue) == SyncReport(unchanged=len(SAMPLES))


def test_sync_without_an_index_builds_it(
    settings: Settings, catalogue: Catalogue, sample_ids: dict[str, int]
) -> None:
    assert sync(settings, catalogue) == SyncReport(added=len(SAMPLES))
    assert ids_for(settings, "orchestre") == {sample_ids["orchestre"]}
