"""The tantivy engine (optional: ``pip install 'recueil[tantivy]'``), for large collections.

The only package of recueil that imports tantivy. tantivy allows one writer
per index: a busy lock is retried for ``wait`` seconds, then reported as
IndexLockedError. Dead segment files are collected after each commit.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import tantivy

from recueil.errors import IndexDamagedError, IndexLockedError, SearchIndexError
from recueil.index import french, vocabulary
from recueil.index.engine import PreparedBatch
from recueil.index.tantivy_engine.schema import (
    TOKENIZER,
    analyzer,
    build_schema,
    prepare,
    to_document,
)
from recueil.index.tantivy_engine.searcher import TantivySearcher

if TYPE_CHECKING:
    from recueil.index.term_cache import Entry

BULK_HEAP = 256_000_000  # bytes, shared by the indexing threads of a rebuild
UPDATE_HEAP = 50_000_000
RETRY_DELAY = 0.2


def _open(folder: Path, reload: str = "OnCommit") -> tantivy.Index:
    """The index of a generation; a searcher's reader (``reload="Manual"``) reloads
    when asked, with no thread watching ``meta.json``."""
    try:
        index = tantivy.Index.open(str(_readable_view(folder)))
        if reload != "OnCommit":
            index.config_reader(reload, 0)
    except (ValueError, OSError) as exc:
        raise IndexDamagedError(f"the search index in {folder} cannot be opened: {exc}") from exc
    index.register_tokenizer(TOKENIZER, analyzer())
    return index


_VIEWS: dict[Path, Path] = {}


def _readable_view(folder: Path) -> Path:
    """``folder`` itself, or, when it may not be written (a read-only home), a temporary
    folder of links to its files: tantivy takes a lock file even to read, and the
    index files are only read through the links. One view per generation and process,
    its links brought up to date at each opening (another account may add segments)."""
    if os.access(folder, os.W_OK):
        return folder
    view = _VIEWS.get(folder)
    if view is None:
        import atexit
        import shutil
        import tempfile

        view = _VIEWS[folder] = Path(tempfile.mkdtemp(prefix="recueil-index-view-"))
        atexit.register(shutil.rmtree, view, True)
    names = {p.name for p in folder.iterdir() if not p.name.startswith(".tantivy")}
    for link in view.iterdir():  # lock files belong to the view; stale links go
        if not link.name.startswith(".tantivy") and link.name not in names:
            link.unlink()
    for name in names:
        if not (view / name).is_symlink():
            (view / name).symlink_to(folder / name)
    return view


class TantivyWriter:
    """Writes one generation; the vocabulary words of what it adds are merged into the
    generation's vocabulary file just before each commit."""

    def __init__(self, writer: tantivy.IndexWriter, folder: Path) -> None:
        self._writer, self._folder = writer, folder
        self._words: set[str] = set()
        self._chunks: set[str] = set()  # of the texts added one by one

    def add(self, fields: dict[str, Any]) -> None:
        self._writer.add_document(to_document(prepare(fields)))
        self._chunks.update((fields.get("text") or "").split())

    def add_prepared(self, prepared: dict[str, Any]) -> None:
        self._writer.add_document(to_document(prepared))

    def add_words(self, words: Iterable[str]) -> None:
        self._words.update(words)

    def update(self, fields: dict[str, Any]) -> None:
        self._writer.delete_documents_by_term("id", int(fields["id"]))
        self.add(fields)

    def delete(self, doc_id: int) -> None:
        self._writer.delete_documents_by_term("id", doc_id)

    def commit(self) -> None:
        try:
            vocabulary.merge(self._folder, self._words | french.spellings(self._chunks))
            self._words, self._chunks = set(), set()
            self._writer.commit()
            # tantivy also collects after its merges; this catches what a crash left.
            self._writer.garbage_collect_files()
        except (ValueError, OSError) as exc:
            self.cancel()
            raise SearchIndexError(f"cannot write the search index: {exc}") from exc
        self._writer.wait_merging_threads()  # finishes merges, releases the lock

    def cancel(self) -> None:
        try:
            self._writer.rollback()
        finally:
            self._writer.wait_merging_threads()


def _writer(folder: Path, wait: float, heap: int, threads: int) -> TantivyWriter:
    index = _open(folder)
    deadline = time.monotonic() + wait
    while True:
        try:
            writer = index.writer(heap_size=heap, num_threads=threads)
        except ValueError as exc:
            if "Lock" not in str(exc):
                raise SearchIndexError(f"cannot write the search index: {exc}") from exc
            if time.monotonic() >= deadline:
                raise IndexLockedError(
                    f"the search index in {folder} is locked by another writer"
                ) from exc
            time.sleep(RETRY_DELAY)
            continue
        writer.garbage_collect_files()  # what a killed writer may have left
        return TantivyWriter(writer, folder)


class TantivyEngine:
    name = "tantivy"
    parallel_analysis = True

    def prepare_batch(self, batch: list[dict[str, Any]], cached: dict[int, Entry]) -> PreparedBatch:
        from recueil.index import term_cache  # only a rebuild needs it (sqlite3, hashlib)

        prepared: list[Any] = []
        fresh: list[Entry] = []
        for fields in batch:
            text = fields.get("text") or ""
            terms = term_cache.unpack(cached.get(int(fields["id"])), text)
            if terms is None:
                terms = french.joined_terms(text)
                fresh.append(term_cache.pack(int(fields["id"]), text, terms))
            prepared.append(prepare(fields, terms))
        # Each process reports the chunks it meets first (``bulk.workers`` starts the
        # listing): their words are the generation's vocabulary, with the analysis
        # cache's words for the texts whose terms came from it.
        return PreparedBatch(prepared, sorted(french.spellings(french.new_chunks())), fresh)

    def version(self) -> str:
        from importlib.metadata import version

        return version("tantivy")

    def create(self, folder: Path) -> None:
        tantivy.Index(build_schema(), path=str(folder), reuse=False)

    def bulk_writer(self, folder: Path, count: int, procs: int | None) -> TantivyWriter:
        threads = procs or min(2, os.cpu_count() or 1)
        return _writer(folder, 0.0, max(BULK_HEAP, threads * 20_000_000), threads)

    def writer(self, folder: Path, wait: float) -> TantivyWriter:
        return _writer(folder, wait, UPDATE_HEAP, 1)

    def searcher(self, folder: Path) -> TantivySearcher:
        return TantivySearcher(_open(folder, "Manual"), folder, lambda: _readable_view(folder))

    def stamps(self, folder: Path) -> dict[int, int]:
        searcher = _open(folder).searcher()
        if searcher.num_docs == 0:
            return {}
        hits = searcher.search(tantivy.Query.all_query(), limit=searcher.num_docs).hits
        addresses = [address for _, address in hits]
        ids = searcher.fast_field_values("id", addresses)
        stamps = searcher.fast_field_values("stamp", addresses)
        pairs = zip(ids, stamps, strict=True)
        return {int(i): int(s) for i, s in pairs if i is not None and s is not None}

    def stats(self, folder: Path) -> tuple[int, int, int]:
        searcher = _open(folder).searcher()
        deleted = 0
        try:
            meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
            for segment in meta.get("segments", []):
                deleted += int((segment.get("deletes") or {}).get("num_deleted_docs", 0))
        except (OSError, ValueError):
            pass
        return int(searcher.num_docs), deleted, int(searcher.num_segments)


ENGINE = TantivyEngine()
