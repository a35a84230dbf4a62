"""The French analysis of ``french.py`` as a Whoosh analyzer.

One analyzer object for documents and queries. Called with ``nomorph`` (as
Whoosh's spelling field does) it yields unstemmed words with their accents,
the dictionary that "did you mean" draws from.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from whoosh.analysis import Analyzer, Token

from recueil.index import french


class FrenchAnalyzer(Analyzer):  # type: ignore[misc]
    """Elision, ligatures, lower-case, accent folding, stop words, Snowball French."""

    def __init__(self) -> None:
        self.version = french.ANALYZER_ID

    def has_morph(self) -> bool:
        # True so that a TEXT field with spelling=True keeps a separate
        # dictionary of unstemmed words.
        return True

    def __call__(
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        mode: str = "",
        **kwargs: Any,
    ) -> Iterator[Token]:
        spelling = bool(kwargs.get("nomorph") or kwargs.get("no_morph"))
        source = french.spelling_tokens(value) if spelling else french.tokens(value)
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        for item in source:
            token.text = item.term
            token.boost = 1.0
            token.stopped = False
            if keeporiginal:
                token.original = value[item.start : item.end]
            if positions:
                token.pos = start_pos + item.position
            if chars:
                token.startchar = start_char + item.start
                token.endchar = start_char + item.end
            yield token
