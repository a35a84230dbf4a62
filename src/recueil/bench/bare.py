"""Baselines for the index stages: a bare Whoosh index and a bare tantivy index.

Both take the field values recueil would index (``to_fields`` of the catalogue
records, computed before the clock starts), so the figures show what the
engines cost by themselves. The tantivy analyzer mirrors recueil's French
analysis: words split at non-alphanumerics (so ``l'école`` gives ``l`` and
``école`` and the elided article goes with the stop words), lower-case, ASCII
folding (accents, ``œ``), the same French stop words, Snowball French stemming.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import tantivy
from whoosh import index as whoosh_index
from whoosh import query as wq
from whoosh import sorting

from recueil.index import french
from recueil.index.schema import DEFAULT_FIELDS
from recueil.index.whoosh_engine.schema import build_schema

TOKENIZER = "fr_recueil"
FACET_FIELDS = {"themes": "themes", "cites": "cite_name", "types": "doc_type", "years": "year"}
BULK_LIMIT_MB = 256
MP_THRESHOLD = 2000  # the same writer choice as recueil's rebuild


def catalogue_fields(home: Path) -> list[dict[str, Any]]:
    """The fields recueil indexes for every catalogue document (read before timing)."""
    from recueil.catalogue.db import open_catalogue
    from recueil.config import resolve_settings
    from recueil.index.catalogue_records import all_ids, load_records
    from recueil.index.schema import to_fields

    catalogue = open_catalogue(resolve_settings(home=home))
    with catalogue.session() as session:
        rows = [to_fields(r) for r in load_records(session, all_ids(session))]
    catalogue.close()
    return rows


# -- Whoosh -------------------------------------------------------------------


def whoosh_build(folder: Path, rows: list[dict[str, Any]]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    ix = whoosh_index.create_in(str(folder), build_schema())
    if len(rows) >= MP_THRESHOLD and (os.cpu_count() or 1) > 1:
        writer = ix.writer(procs=2, limitmb=BULK_LIMIT_MB, multisegment=True, batchsize=100)
    else:
        writer = ix.writer(limitmb=BULK_LIMIT_MB)
    for row in rows:
        writer.add_document(**row)
    writer.commit()


def _whoosh_words(text: str, phrase: bool) -> Any:
    words = french.terms(text)
    if phrase and len(words) > 1:
        return wq.Or([wq.Phrase(name, words, slop=1) for name in DEFAULT_FIELDS])
    return wq.And([wq.Or([wq.Term(name, w) for name in DEFAULT_FIELDS]) for w in words])


class WhooshSearcher:
    """A searcher kept open; top 10 hits with their stored fields, facets on demand."""

    def __init__(self, folder: Path) -> None:
        self.searcher = whoosh_index.open_dir(str(folder)).searcher()

    def run(self, case: dict[str, Any]) -> int:
        query = _whoosh_words(case["text"], case["kind"] == "phrase")
        flt = None
        if case.get("theme"):
            flt = wq.And([wq.Term("themes", case["theme"]),
                          wq.NumericRange("year", case["year"], case["year"])])  # fmt: skip
        groups = None
        if case["kind"] == "faceted":
            groups = {
                name: sorting.FieldFacet(field, allow_overlap=name == "themes",
                                         maptype=sorting.Count)
                for name, field in FACET_FIELDS.items()
            }  # fmt: skip
        results = self.searcher.search(query, filter=flt, limit=10, groupedby=groups)
        titles = [hit["title"] for hit in results]
        for name in groups or {}:
            results.groups(name)
        return len(titles)


# -- tantivy -------------------------------------------------------------------


def french_analyzer() -> tantivy.TextAnalyzer:
    stops = sorted(french.STOP_WORDS | french.ELISIONS)
    return (
        tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
        .filter(tantivy.Filter.lowercase())
        .filter(tantivy.Filter.ascii_fold())
        .filter(tantivy.Filter.custom_stopword(stops))
        .filter(tantivy.Filter.stemmer("french"))
        .build()
    )


def tantivy_schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_integer_field("id", stored=True, indexed=True, fast=True)
    for name in ("title", "text", "entities", "source", "keywords"):
        builder.add_text_field(
            name, stored=name not in ("entities", "keywords"), tokenizer_name=TOKENIZER
        )
    for name in ("themes", "cite", "cite_name", "doc_type"):
        builder.add_text_field(name, stored=True, fast=True, tokenizer_name="raw")
    builder.add_integer_field("year", stored=True, indexed=True, fast=True)
    builder.add_integer_field("day_min", indexed=True, fast=True)
    return builder.build()


def _open_tantivy(folder: Path, create: bool) -> tantivy.Index:
    folder.mkdir(parents=True, exist_ok=True)
    index = tantivy.Index(tantivy_schema(), path=str(folder), reuse=not create)
    index.register_tokenizer(TOKENIZER, french_analyzer())
    return index


def tantivy_build(folder: Path, rows: list[dict[str, Any]]) -> None:
    index = _open_tantivy(folder, create=True)
    writer = index.writer(heap_size=BULK_LIMIT_MB * 1_000_000)
    for row in rows:
        doc = tantivy.Document()
        doc.add_integer("id", int(row["id"]))
        for name in ("title", "text", "entities", "source", "cite", "cite_name", "doc_type"):
            if row.get(name):
                doc.add_text(name, row[name])
        for code in (row.get("themes") or "").split():
            doc.add_text("themes", code)
        if row.get("year") is not None:
            doc.add_integer("year", row["year"])
        doc.add_integer("day_min", row.get("day_min") or 0)
        writer.add_document(doc)
    writer.commit()
    writer.wait_merging_threads()


class TantivySearcher:
    """The same query shapes as ``WhooshSearcher``, on the bare tantivy index."""

    def __init__(self, folder: Path) -> None:
        self.index = _open_tantivy(folder, create=False)
        self.schema = self.index.schema
        self.analyzer = french_analyzer()
        self.searcher = self.index.searcher()

    def _words(self, text: str, phrase: bool) -> tantivy.Query:
        words = self.analyzer.analyze(text)
        should = tantivy.Occur.Should
        if phrase and len(words) > 1:
            return tantivy.Query.boolean_query(
                [
                    (should, tantivy.Query.phrase_query(self.schema, name, list(words), slop=1))
                    for name in ("title", "text")
                ]
            )
        return tantivy.Query.boolean_query([
            (tantivy.Occur.Must, tantivy.Query.boolean_query(
                [(should, tantivy.Query.term_query(self.schema, name, w)) for name in DEFAULT_FIELDS]
            )) for w in words
        ])  # fmt: skip

    def run(self, case: dict[str, Any]) -> int:
        query = self._words(case["text"], case["kind"] == "phrase")
        if case.get("theme"):
            must = tantivy.Occur.Must
            year = tantivy.Query.range_query(
                self.schema, "year", tantivy.FieldType.Integer, case["year"], case["year"]
            )
            theme = tantivy.Query.term_query(self.schema, "themes", case["theme"])
            query = tantivy.Query.boolean_query([(must, query), (must, theme), (must, year)])
        result = self.searcher.search(query, limit=10)
        titles = [self.searcher.doc(address).get_first("title") for _, address in result.hits]
        if case["kind"] == "faceted":
            aggs = {name: {"terms": {"field": field, "size": 50}}
                    for name, field in FACET_FIELDS.items()}  # fmt: skip
            self.searcher.aggregate(query, aggs)
        return len(titles)
