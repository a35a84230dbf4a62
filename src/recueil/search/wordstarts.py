"""Where the words of a text start with given folded letters, found at C speed.

Most French texts hold only characters of Windows-1252 (Latin-1, œ, typographic
quotes and dashes): such a text is encoded one byte per character (so byte
offsets are character offsets), each byte replaced by its folded letter (``É``
-> ``e``; a ligature by a byte of its own; any other character by a space), and
the folded starts are then looked for with ``bytes.find``. A start is kept where
the byte before is no letter or digit: where a word starts. ``word_starts``
answers ``None`` for other texts (the caller looks for them with a regex).
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Iterator
from functools import lru_cache

from recueil.index import french

PLAIN = "cp1252"
_LIGATURES = {"oe": 1, "ae": 2, "ss": 3}  # œ, æ, ß: one byte each, standing for two letters
_OTHER = 4  # a letter or digit that folds to none of a-z, 0-9 (µ, ½)
_SPACE = 32  # what is neither a letter nor a digit


@lru_cache(maxsize=2)
def _table(codec: str) -> bytes:
    """Byte of ``codec`` -> its folded letter (see the module's docstring)."""
    out = bytearray([_SPACE] * 256)
    for code in range(256):
        try:
            char = bytes([code]).decode(codec)
        except UnicodeDecodeError:
            continue
        if not char.isalnum():
            continue
        folded = french.fold(char)
        if len(folded) == 1 and folded.isascii() and folded.isalnum():
            out[code] = ord(folded)
        else:
            out[code] = _LIGATURES.get(folded, _OTHER)
    return bytes(out)


def _forms(start: str) -> set[bytes]:
    """The folded bytes a start may take: its letters, two of them as one ligature
    (``oeu``: ``oeu`` or ``œu``), its last letter as the first half of one (``co``: ``cœ``)."""
    if not start:
        return {b""}
    found = {start[0].encode("ascii") + rest for rest in _forms(start[1:])}
    for pair, code in _LIGATURES.items():
        if start[:2] == pair or start == pair[0]:
            found |= {bytes([code]) + rest for rest in _forms(start[2:])}
    return found


@lru_cache(maxsize=256)
def _all_forms(starts: frozenset[str]) -> tuple[bytes, ...] | None:
    if not all(start.isascii() and start.isalnum() for start in starts):
        return None
    return tuple(sorted({form for start in starts for form in _forms(start)}))


def _encoded(text: str) -> bytes | None:
    """``text`` folded one byte per character, if it is plain."""
    try:
        return text.encode("latin-1").translate(_table("latin-1"))  # C speed for Latin-1
    except UnicodeEncodeError:
        pass
    try:
        return text.encode(PLAIN).translate(_table(PLAIN))
    except UnicodeEncodeError:
        return None


def _found(folded: bytes, form: bytes) -> Iterator[int]:
    at = folded.find(form)
    while at != -1:
        if at == 0 or folded[at - 1] == _SPACE:
            yield at
        at = folded.find(form, at + 1)


def word_starts(text: str, starts: frozenset[str], limit: int) -> Iterable[int] | None:
    """The offsets, in order, of the words of ``text[:limit]`` whose folded letters
    start with one of ``starts`` (lower-case ASCII letters and digits), an elided
    article aside (``l'école``: the offset of ``école``); ``None``: not a plain text."""
    forms = _all_forms(starts)
    if forms is None:
        return None
    folded = _encoded(text[:limit])
    if folded is None:
        return None
    if len(forms) == 1:
        return _found(folded, forms[0])
    return heapq.merge(*(_found(folded, form) for form in forms))
