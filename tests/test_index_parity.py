"""Both engines return the same documents: 200 seeded queries on one generated catalogue.

The catalogue (300 French-like documents from the benchmark generator) is
indexed once with Whoosh and once with tantivy, in two homes that share it;
every query (words, phrases, AND/OR/NOT, wildcards, fuzzy words, field
prefixes, filters) must give the same result set, total and facet counts.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from collections.abc import Iterator

import pytest
from sqlalchemy import select

from recueil.bench.corpus import generate_catalogue
from recueil.catalogue.db import open_catalogue
from recueil.catalogue.models import Document, Page, Theme
from recueil.config import Settings, resolve_settings
from recueil.index import Filters, info, rebuild
from recueil.index.french import WORD_RE
from recueil.search.service import run_search
from search_corpus import TANTIVY_INSTALLED

pytestmark = pytest.mark.skipif(not TANTIVY_INSTALLED, reason="tantivy is not installed")

QUERY_COUNT = 200
SEED = 2024


@pytest.fixture(scope="module")
def homes(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Settings, Settings]]:
    whoosh = resolve_settings(home=tmp_path_factory.mktemp("parity-whoosh"))
    generate_catalogue(whoosh, 300, 120, seed=11)
    tantivy = whoosh.with_changes(home=tmp_path_factory.mktemp("parity-tantivy"))
    catalogue = open_catalogue(whoosh)
    rebuild(whoosh, catalogue, engine="whoosh")
    rebuild(tantivy, catalogue, engine="tantivy")
    catalogue.close()
    assert (info(whoosh).engine, info(tantivy).engine) == ("whoosh", "tantivy")
    yield whoosh, tantivy


def _material(settings: Settings) -> dict[str, list[str]]:
    catalogue = open_catalogue(settings)
    with catalogue.session() as session:
        texts = list(session.scalars(select(Page.text).order_by(Page.id).limit(60)))
        titles = list(session.scalars(select(Document.title)))
        cites = sorted(set(session.scalars(select(Document.cite_educative))) - {None})
        types = sorted(set(session.scalars(select(Document.doc_type))) - {None})
        codes = list(session.scalars(select(Theme.code)))
    catalogue.close()
    words = [w for text in texts for w in WORD_RE.findall(text) if len(w) > 3]
    pairs = [
        f"{a} {b}" for text in texts[:20]
        for a, b in zip(WORD_RE.findall(text), WORD_RE.findall(text)[1:], strict=False)
    ]  # fmt: skip
    title_words = [w for t in titles for w in WORD_RE.findall(t) if len(w) > 3]
    common = [word for word, _ in Counter(w.lower() for w in words).most_common(300)]
    return {"words": words, "common": common, "pairs": pairs, "titles": title_words, "cites": cites,
            "types": types, "codes": codes}  # fmt: skip


def _typo(rng: random.Random, word: str) -> str:
    at = rng.randrange(1, len(word))
    return word[:at] + rng.choice("aeiourst") + word[at + 1 :]


def queries(material: dict[str, list[str]]) -> list[tuple[str, Filters]]:
    rng = random.Random(SEED)
    # Half frequent words (large result sets), half any word of the texts (small ones).
    w = lambda: rng.choice(material["common" if rng.random() < 0.5 else "words"])  # noqa: E731
    makers = [
        lambda: w(),
        lambda: w().upper(),
        lambda: f"{w()} {w()}",
        lambda: f"{w()} OR {w()}",
        lambda: f"{w()} NOT {w()}",
        lambda: f"{w()} -{w()}",
        lambda: f"({w()} OR {w()}) {w()}",
        lambda: f'"{rng.choice(material["pairs"])}"',
        lambda: f'"{rng.choice(material["pairs"])}"~2',
        lambda: w()[: rng.randint(3, 5)] + "*",
        lambda: (lambda x: x[:2] + "?" + x[3:])(w()),
        lambda: "*" + w()[2:],
        lambda: _typo(rng, w()) + "~",
        lambda: _typo(rng, _typo(rng, w())) + "~2",
        lambda: f"titre:{rng.choice(material['titles'])}",
        lambda: f"theme:{rng.choice(material['codes'])}",
        lambda: f'cite:"{rng.choice(material["cites"])}"',
        lambda: f"type:{rng.choice(material['types'])} {w()}",
        lambda: f"annee:{rng.randint(2015, 2024)}..{rng.randint(2018, 2026)}",
        lambda: f"texte:{w()} OR entite:{w()}",
    ]
    found = []
    for index in range(QUERY_COUNT):
        text = rng.choice(makers)()
        filters = Filters()
        if index % 5 == 0:
            filters = Filters(themes=(rng.choice(material["codes"]),))
        elif index % 7 == 0:
            filters = Filters(
                years=(rng.randint(2018, 2024),), cites=(rng.choice(material["cites"]),)
            )
        elif index % 11 == 0:
            start = dt.date(rng.randint(2016, 2023), rng.randint(1, 12), 1)
            filters = Filters(date_from=start, date_to=start + dt.timedelta(days=400))
        found.append((text, filters))
    return found


def test_two_hundred_queries_give_the_same_documents_on_both_engines(
    homes: tuple[Settings, Settings],
) -> None:
    whoosh, tantivy = homes
    cases = queries(_material(whoosh))
    assert len(cases) == QUERY_COUNT
    different, non_empty, partial = [], 0, 0
    for text, filters in cases:
        answers = []
        for settings in (whoosh, tantivy):
            result = run_search(settings, text, filters=filters, limit=None, suggest=False).result
            answers.append(({h.id for h in result.hits}, result.total, result.facets))
        if answers[0] != answers[1]:
            different.append((text, filters, answers[0][:2], answers[1][:2]))
        non_empty += bool(answers[0][1])
        partial += 0 < answers[0][1] < 300
    assert different == []
    # The queries must say something: most find documents, most not all of them.
    assert non_empty >= QUERY_COUNT // 2 and partial >= QUERY_COUNT // 2


def test_paging_sorting_and_suggestions_agree(homes: tuple[Settings, Settings]) -> None:
    whoosh, tantivy = homes
    for sort in ("date", "oldest", "title"):
        orders = [
            [h.id for p in (1, 2, 3) for h in run_search(s, "", sort=sort, page=p, limit=40)
             .result.hits]
            for s in homes
        ]  # fmt: skip
        assert len(set(orders[0])) == len(orders[0]) == 120
        keys = [[_sort_key(whoosh, sort, i) for i in order] for order in orders]
        assert keys[0] == keys[1]  # same order of values (ties may differ)
    material = _material(whoosh)
    rng = random.Random(SEED)
    for _ in range(20):
        typo = _typo(rng, rng.choice(material["words"]).lower())
        assert run_search(whoosh, typo).suggestion == run_search(tantivy, typo).suggestion


def _sort_key(settings: Settings, sort: str, doc_id: int) -> object:
    hit = run_search(settings, f"id:{doc_id}", limit=1, facets=False).result.hits[0]
    if sort == "title":
        from recueil.index.french import fold

        return fold(hit.title)
    return hit.date or hit.year
