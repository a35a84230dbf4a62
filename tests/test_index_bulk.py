"""A rebuild that analyses in worker processes writes the same index as one that does not."""

from __future__ import annotations

import pytest

from recueil.catalogue.db import Catalogue
from recueil.config import Settings
from recueil.index import bulk, generations, rebuild
from recueil.index.engine import get_engine
from recueil.index.schema import CODES_FIELD, SPELLING_FIELD, TEXT_FIELDS
from search_corpus import SAMPLES, TANTIVY_INSTALLED, sample_ids_fixture  # noqa: F401

FIELDS = (*TEXT_FIELDS, SPELLING_FIELD, CODES_FIELD, "themes", "cite", "doc_type")


def _contents(settings: Settings) -> dict[str, dict[str, int]]:
    """Every term of the live index's fields with its document frequency."""
    generation = generations.current_generation(settings.index_dir)
    assert generation is not None
    searcher = get_engine("tantivy").searcher(generation)
    try:
        return {
            field: {term: searcher.doc_frequency(field, term) for term in searcher.terms(field, "")}
            for field in FIELDS
        }
    finally:
        searcher.close()


@pytest.mark.skipif(not TANTIVY_INSTALLED, reason="tantivy is not installed")
def test_workers_and_one_process_write_the_same_terms(
    settings: Settings,
    catalogue: Catalogue,
    sample_ids: dict[str, int],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert rebuild(settings, catalogue, engine="tantivy", procs=1) == len(SAMPLES)
    alone = _contents(settings)
    assert alone["text"]["parentalit"] >= 2 and alone[SPELLING_FIELD]["parentalité"] >= 1
    monkeypatch.setattr(bulk, "PARALLEL_THRESHOLD", 1)
    monkeypatch.setattr("recueil.index.catalogue_records.BATCH", 3)  # several batches in flight
    assert bulk.jobs_for(get_engine("tantivy"), len(SAMPLES), 2) == 2
    assert rebuild(settings, catalogue, engine="tantivy", procs=2) == len(SAMPLES)
    assert _contents(settings) == alone
