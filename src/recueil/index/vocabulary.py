"""A generation's vocabulary: the words of its texts as written (lower-case, accents kept).

"Did you mean" and wildcard patterns draw from it (``french.spelling_word``).
The tantivy engine keeps it as one sorted file per generation, written once by
a rebuild and merged by later updates, instead of a field in every document
(which cost a third of a rebuild's indexing). Words of documents deleted since
are left in until the next rebuild: a search of one finds nothing, and "did
you mean" checks a word's documents through the text field.

The file is written beside the index before the engine commits (a temporary
file, flushed, then renamed), so it never lacks a word of a committed document.
"""

from __future__ import annotations

import bisect
import os
from collections.abc import Iterable, Iterator
from pathlib import Path

FILE = "vocabulary.txt"


def _stamp(path: Path) -> tuple[int, int, int] | None:
    try:
        found = os.stat(path)
    except OSError:
        return None
    return found.st_ino, found.st_mtime_ns, found.st_size


def read_words(folder: Path) -> list[str]:
    """The sorted words of a generation ([] when it has no vocabulary yet)."""
    try:
        text = (folder / FILE).read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    return text.split("\n") if text else []


def merge(folder: Path, words: Iterable[str]) -> None:
    """Add ``words`` to the generation's vocabulary (one atomic replacement of the file)."""
    new = set(words)
    new.discard("")
    if not new:
        return
    existing = set(read_words(folder))
    if new <= existing:
        return
    target = folder / FILE
    temporary = target.with_name(f".{FILE}.{os.getpid()}.tmp")
    with open(temporary, "w", encoding="utf-8") as handle:
        handle.write("\n".join(sorted(new | existing)))
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, target)


class Vocabulary:
    """The sorted words of one generation, read when first needed and again when the
    file changes (``current``)."""

    def __init__(self, folder: Path) -> None:
        self._path = folder / FILE
        self._stamp = _stamp(self._path)
        self._words: list[str] | None = None
        self._set: frozenset[str] | None = None

    def current(self) -> Vocabulary:
        """This vocabulary, or a fresh one when the file was replaced since."""
        return self if _stamp(self._path) == self._stamp else Vocabulary(self._path.parent)

    def _sorted(self) -> list[str]:
        if self._words is None:
            self._words = read_words(self._path.parent)
        return self._words

    def __contains__(self, word: str) -> bool:
        if self._set is None:
            self._set = frozenset(self._sorted())
        return word in self._set

    def with_prefix(self, prefix: str) -> Iterator[str]:
        """The words starting with ``prefix``, in sorted (code point) order."""
        words = self._sorted()
        start = bisect.bisect_left(words, prefix)
        for word in words[start:]:
            if not word.startswith(prefix):
                return
            yield word
