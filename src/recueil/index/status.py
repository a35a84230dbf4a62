"""What `recueil index info` reports about the live index."""

from __future__ import annotations

from recueil.config import Settings
from recueil.index import store
from recueil.index.types import IndexInfo


def info(settings: Settings) -> IndexInfo:
    generation, ix = store.open_live(settings)
    meta = store.read_meta(generation)
    with ix.reader() as reader:
        documents = reader.doc_count()
        deleted = reader.doc_count_all() - documents
    segments = len(ix._segments())
    ix.close()
    return IndexInfo(
        path=str(settings.index_dir),
        generation=generation.name,
        engine=str(meta.get("engine")),
        schema_version=int(meta.get("schema_version", 0)),
        analyzer=str(meta.get("analyzer")),
        built_at=str(meta.get("built_at")),
        documents=documents,
        deleted=deleted,
        segments=segments,
        size_bytes=store.directory_size(generation),
    )
