"""Any query string gives results or a clean QueryError, never a traceback (on each engine)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from recueil.catalogue.db import open_catalogue
from recueil.config import Settings
from recueil.errors import QueryError
from recueil.index import rebuild
from recueil.search.service import run_search
from search_corpus import ENGINES, engine_home, fill

QUERY_PIECES = st.sampled_from([
    "école", "parentalité", "PRE", "REP+", "09/06/2022", "OR", "AND", "NOT", "-", "(", ")", '"',
    "*", "?", "~", "~2", "~9", "titre:", "theme:", "cite:", "annee:", "id:", "annee:2021",
    "l'", "’", ":", "/", "\\", "^", "+", "orchest*", "*cole", "décrochaje", " ", "\x00", "é",
])  # fmt: skip


@pytest.fixture(scope="module", params=ENGINES)
def home_settings(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Settings]:
    cfg = engine_home(tmp_path_factory, request.param)
    catalogue = open_catalogue(cfg)
    fill(catalogue)
    rebuild(cfg, catalogue)
    catalogue.close()
    yield cfg


def check(cfg: Settings, query: str) -> None:
    try:
        outcome = run_search(cfg, query, limit=3)
    except QueryError as exc:
        assert exc.code == "E310" and exc.message
        return
    assert outcome.result.total >= len(outcome.result.hits)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(query=st.text(max_size=60))
def test_any_text(home_settings: Settings, query: str) -> None:
    check(home_settings, query)


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(query=st.lists(QUERY_PIECES | st.text(max_size=4), max_size=8).map("".join))
def test_query_like_text(home_settings: Settings, query: str) -> None:
    check(home_settings, query)
