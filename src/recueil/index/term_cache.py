"""The analysed text of each document, kept between rebuilds (``<home>/index/analysis-cache.sqlite3``).

A rebuild spends most of its time in the French analysis of the texts, and
most rebuilds (a re-tagged collection, a change of engine, a repaired index)
meet texts it already analysed. Each entry holds a document's index terms
(``french.joined_terms``, compressed) with a digest of the text and the
analyzer they came from; an entry is used only when both still match, so a
changed text or analyzer is analysed again. The cache also keeps the
vocabulary words (``vocabulary.py``) of the texts it holds: a rebuild that
reads a text's terms from it does not look at the text's words again. The file is a cache: derived,
local, safe to delete; when it cannot be read or written, the rebuild goes on
without it (a warning says why) and the index is the same.
"""

from __future__ import annotations

import logging
import sqlite3
import zlib
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import NamedTuple

from recueil.index.french import ANALYZER_ID
from recueil.index.schema import digest

FILE = "analysis-cache.sqlite3"
log = logging.getLogger(__name__)
_SCHEMA = """
CREATE TABLE IF NOT EXISTS settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS texts (
    id INTEGER PRIMARY KEY, digest INTEGER NOT NULL, terms BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS words (word TEXT PRIMARY KEY) WITHOUT ROWID;
"""
_CHUNK = 500  # ids per look-up query


class Entry(NamedTuple):
    id: int
    digest: int
    terms: bytes  # zlib-compressed UTF-8


def pack(doc_id: int, text: str, terms: str) -> Entry:
    return Entry(doc_id, digest(text), zlib.compress(terms.encode(), 1))


def unpack(entry: Entry | None, text: str) -> str | None:
    """The cached terms of ``text``, or ``None`` when the entry is missing or stale."""
    if entry is None or entry.digest != digest(text):
        return None
    return zlib.decompress(entry.terms).decode()


def remove(root: Path) -> None:
    """Delete the cache file of an index folder (and SQLite's journal files beside it)."""
    for suffix in ("", "-wal", "-shm"):
        (root / (FILE + suffix)).unlink(missing_ok=True)


class TermCache:
    """The cache file of one index folder, used by one rebuild at a time (its lock)."""

    def __init__(self, root: Path) -> None:
        self._path = root / FILE
        self._db: sqlite3.Connection | None = None
        try:
            self._db = self._open()
        except sqlite3.DatabaseError as exc:  # a damaged file: start a new one
            log.warning(
                "the analysis cache %s is unreadable (%s): starting afresh", self._path, exc
            )
            try:
                remove(root)
                self._db = self._open()
            except (OSError, sqlite3.DatabaseError) as again:
                self._give_up(again)

    def _open(self) -> sqlite3.Connection:
        db = sqlite3.connect(self._path, isolation_level=None)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")  # a cache: losing the last writes is fine
            db.executescript(_SCHEMA)
            row = db.execute("SELECT value FROM settings WHERE key = 'analyzer'").fetchone()
            if row is None or row[0] != ANALYZER_ID:  # terms of another analysis: useless
                db.execute("DELETE FROM texts")
                db.execute("DELETE FROM words")
                db.execute("INSERT OR REPLACE INTO settings VALUES ('analyzer', ?)", (ANALYZER_ID,))
        except sqlite3.DatabaseError:
            db.close()
            raise
        return db

    def _give_up(self, exc: Exception) -> None:
        log.warning("the analysis cache %s is not used (%s)", self._path, exc)
        if self._db is not None:
            self._db.close()
        self._db = None

    def get(self, ids: Sequence[int]) -> dict[int, Entry]:
        """The entries of these documents that the cache holds."""
        found: dict[int, Entry] = {}
        if self._db is None:
            return found
        try:
            for start in range(0, len(ids), _CHUNK):
                part = ids[start : start + _CHUNK]
                marks = ",".join("?" * len(part))
                rows = self._db.execute(
                    f"SELECT id, digest, terms FROM texts WHERE id IN ({marks})", part
                )
                found.update((row[0], Entry(*row)) for row in rows)
        except sqlite3.Error as exc:
            self._give_up(exc)
        return found

    def put(self, entries: Iterable[Entry]) -> None:
        if self._db is None:
            return
        try:
            self._db.executemany("INSERT OR REPLACE INTO texts VALUES (?, ?, ?)", entries)
        except sqlite3.Error as exc:  # a full disk, a read-only folder: no cache, same index
            self._give_up(exc)

    def words(self) -> list[str]:
        """The vocabulary words of the texts analysed by earlier rebuilds."""
        if self._db is None:
            return []
        try:
            return [row[0] for row in self._db.execute("SELECT word FROM words")]
        except sqlite3.Error as exc:
            self._give_up(exc)
            return []

    def save_words(self, words: Iterable[str], *, replace: bool) -> None:
        """Keep the vocabulary words of this rebuild (``replace``: only them, when it read
        no terms from the cache; else beside the earlier ones, which its texts hold)."""
        if self._db is None:
            return
        try:
            self._db.execute("BEGIN")
            if replace:
                self._db.execute("DELETE FROM words")
            self._db.executemany("INSERT OR IGNORE INTO words VALUES (?)", ((w,) for w in words))
            self._db.execute("COMMIT")
        except sqlite3.Error as exc:
            self._give_up(exc)

    def keep_only(self, ids: Iterable[int]) -> None:
        """Forget the entries of documents that are no longer in the catalogue."""
        if self._db is None:
            return
        try:
            self._db.execute("CREATE TEMP TABLE IF NOT EXISTS kept (id INTEGER PRIMARY KEY)")
            self._db.execute("DELETE FROM kept")
            self._db.executemany("INSERT OR IGNORE INTO kept VALUES (?)", ((i,) for i in ids))
            self._db.execute("DELETE FROM texts WHERE id NOT IN (SELECT id FROM kept)")
        except sqlite3.Error as exc:
            self._give_up(exc)

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None
