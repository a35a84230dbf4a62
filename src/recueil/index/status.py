"""What `recueil index info` reports about the live index."""

from __future__ import annotations

from recueil.config import Settings
from recueil.index import generations
from recueil.index.reports import IndexInfo


def info(settings: Settings) -> IndexInfo:
    generation, engine, (documents, deleted, segments) = generations.read_live(
        settings, lambda generation, engine: (generation, engine, engine.stats(generation))
    )
    meta = generations.read_meta(generation)
    return IndexInfo(
        path=str(settings.index_dir),
        generation=generation.name,
        engine=engine.name,
        schema_version=int(meta.get("schema_version", 0)),
        analyzer=str(meta.get("analyzer")),
        built_at=str(meta.get("built_at")),
        documents=documents,
        deleted=deleted,
        segments=segments,
        size_bytes=generations.directory_size(generation),
    )
