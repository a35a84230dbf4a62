"""The analysis cache of rebuilds: what it holds is used only while the text and the
analyzer are unchanged, and a damaged or unusable cache never stops a rebuild."""

from __future__ import annotations

import logging
import sqlite3

import pytest

from recueil.catalogue.db import Catalogue
from recueil.catalogue.models import Document, Page
from recueil.config import Settings
from recueil.index import generations, rebuild, vocabulary
from recueil.index.term_cache import FILE, TermCache, pack, remove
from recueil.search.service import run_search
from search_corpus import TANTIVY_INSTALLED, sample_ids_fixture  # noqa: F401

pytestmark = pytest.mark.skipif(not TANTIVY_INSTALLED, reason="tantivy is not installed")
QUERIES = ["parentalité", '"classe passerelle"', "orchest*", "orkestre~2", "PRE", "école"]


def snapshot(settings: Settings) -> tuple[dict[str, list[int]], list[str]]:
    """Hits of a few queries and the live generation's vocabulary."""
    hits = {q: [h.id for h in run_search(settings, q, limit=None).result.hits] for q in QUERIES}
    live = generations.current_generation(settings.index_dir)
    assert live is not None
    return hits, vocabulary.read_words(live)


def cached_ids(settings: Settings) -> set[int]:
    with sqlite3.connect(settings.index_dir / FILE) as db:
        return {row[0] for row in db.execute("SELECT id FROM texts")}


def test_a_rebuild_from_the_cache_builds_the_same_index(
    settings: Settings, catalogue: Catalogue, sample_ids: dict[str, int]
) -> None:
    rebuild(settings, catalogue, engine="tantivy")
    cold = snapshot(settings)
    assert cached_ids(settings) == set(sample_ids.values())
    rebuild(settings, catalogue, engine="tantivy")
    assert snapshot(settings) == cold
    assert "orchestre" in cold[1]  # the vocabulary came through the cache's words


def test_an_entry_is_used_only_for_the_text_it_was_made_from(
    settings: Settings, catalogue: Catalogue, sample_ids: dict[str, int]
) -> None:
    rebuild(settings, catalogue, engine="tantivy")
    doc_id = sample_ids["orchestre"]
    with catalogue.session() as session:
        document = session.get(Document, doc_id)
        assert document is not None
        text = "\n\n".join(page.text for page in document.pages)
    # An entry for this exact text is believed: the rebuild indexes what it holds.
    cache = TermCache(settings.index_dir)
    cache.put([pack(doc_id, text, "violoncel")])
    cache.close()
    rebuild(settings, catalogue, engine="tantivy")
    assert [h.id for h in run_search(settings, "violoncelle").result.hits] == [doc_id]
    # Once the text changes, the entry no longer matches it and the text is analysed again.
    with catalogue.transaction() as session:
        document = session.get(Document, doc_id)
        assert document is not None
        document.pages.append(Page(number=len(document.pages) + 1, text="Une harpe."))
    rebuild(settings, catalogue, engine="tantivy")
    assert run_search(settings, "violoncelle").result.hits == []
    assert [h.id for h in run_search(settings, "harpe").result.hits] == [doc_id]
    assert doc_id in {h.id for h in run_search(settings, "orchestre").result.hits}


def test_entries_of_another_analyzer_or_of_deleted_documents_are_dropped(
    settings: Settings, catalogue: Catalogue, sample_ids: dict[str, int]
) -> None:
    rebuild(settings, catalogue, engine="tantivy")
    with catalogue.transaction() as session:
        session.delete(session.get(Document, sample_ids["cafe"]))
    rebuild(settings, catalogue, engine="tantivy")
    assert sample_ids["cafe"] not in cached_ids(settings)
    with sqlite3.connect(settings.index_dir / FILE) as db:
        db.execute("UPDATE settings SET value = 'fr-0' WHERE key = 'analyzer'")
    TermCache(settings.index_dir).close()
    assert cached_ids(settings) == set()


@pytest.mark.parametrize("damage", ["garbage", "directory"])
def test_a_damaged_or_unusable_cache_does_not_stop_a_rebuild(
    settings: Settings,
    catalogue: Catalogue,
    sample_ids: dict[str, int],
    damage: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    rebuild(settings, catalogue, engine="tantivy")
    expected = snapshot(settings)
    path = settings.index_dir / FILE
    remove(settings.index_dir)
    if damage == "garbage":
        path.write_bytes(b"not a database, " * 256)
    else:
        path.mkdir()  # cannot be opened, nor removed as a file
    with caplog.at_level(logging.WARNING, logger="recueil.index.term_cache"):
        rebuild(settings, catalogue, engine="tantivy")
    assert snapshot(settings) == expected
    assert "analysis cache" in caplog.text
    if damage == "garbage":  # replaced by a working cache
        assert cached_ids(settings) == set(sample_ids.values())
