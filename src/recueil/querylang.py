"""The search query language, parsed by our code into an engine-neutral tree.

Syntax (what a CPO types)::

    parentalité collège              both words (AND is the default)
    parentalité OR famille           either word
    NOT décrochage   -décrochage     without the word
    "petite enfance"  "accueil parents"~3   a phrase (with a slop)
    parent*  ?cole                   wildcards
    parentalite~  parentalite~2      fuzzy, up to 1 or 2 edits
    titre:rencontre  theme:sante  cite:"Lille Sud"  type:compte-rendu
    annee:2022  annee:2019..2021  entite:Roubaix  source:irev  id:12
    (a OR b) c                       grouping

The parser is lenient where the intent is clear: an unclosed quote or
parenthesis closes at the end, a stray operator is ignored, an unknown
prefix (``http:``, ``12:30``) is part of the word. Words are kept raw: the
index analyses them (elision, accents, stemming) the same way it analysed
documents. A ``QueryError`` is raised only for what cannot be searched.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from recueil.errors import QueryError
from recueil.values import Value

MAX_QUERY_LENGTH = 2000
MAX_DEPTH = 20
MAX_FUZZY = 2
_SIMPLER = "Shorten the query; filters (--theme, --cite, --year…) narrow results too."

# Prefix typed by the user -> canonical field name.
FIELD_ALIASES = {
    "titre": "title", "title": "title",
    "texte": "text", "text": "text", "contenu": "text",
    "theme": "theme", "themes": "theme", "thème": "theme", "thèmes": "theme",
    "cite": "cite", "cité": "cite", "ville": "cite",
    "type": "type",
    "annee": "year", "année": "year", "year": "year",
    "entite": "entity", "entité": "entity", "entites": "entity", "entités": "entity",
    "entity": "entity",
    "source": "source",
    "id": "id",
}  # fmt: skip


class Term(Value):
    """A word as typed; ``span`` is where it sits in the query (for "did you mean")."""

    __slots__ = ("field", "span", "text")
    not_compared = ("span",)
    text: str
    field: str | None
    span: tuple[int, int] | None

    def __init__(
        self, text: str, field: str | None = None, span: tuple[int, int] | None = None
    ) -> None:
        self._set(text=text, field=field, span=span)


class Phrase(Value):
    """Words in this order, ``slop`` other words allowed between them."""

    __slots__ = ("field", "slop", "text")
    text: str
    field: str | None
    slop: int

    def __init__(self, text: str, field: str | None = None, slop: int = 0) -> None:
        self._set(text=text, field=field, slop=slop)


class Wildcard(Value):
    """A word with ``*`` (any characters) or ``?`` (one character)."""

    __slots__ = ("field", "pattern")
    pattern: str
    field: str | None

    def __init__(self, pattern: str, field: str | None = None) -> None:
        self._set(pattern=pattern, field=field)


class Fuzzy(Value):
    """A word or the words up to ``distance`` edits from it."""

    __slots__ = ("distance", "field", "text")
    text: str
    field: str | None
    distance: int

    def __init__(self, text: str, field: str | None = None, distance: int = 1) -> None:
        self._set(text=text, field=field, distance=distance)


class And(Value):
    """Every child."""

    __slots__ = ("children",)
    children: tuple[Node, ...]

    def __init__(self, children: tuple[Node, ...]) -> None:
        self._set(children=children)


class Or(Value):
    """At least one child."""

    __slots__ = ("children",)
    children: tuple[Node, ...]

    def __init__(self, children: tuple[Node, ...]) -> None:
        self._set(children=children)


class Not(Value):
    """Without the child."""

    __slots__ = ("child",)
    child: Node

    def __init__(self, child: Node) -> None:
        self._set(child=child)


class MatchAll(Value):
    """Every document (``*``)."""

    __slots__ = ()


Node = Term | Phrase | Wildcard | Fuzzy | And | Or | Not | MatchAll

_TOKEN_RE = re.compile(r'\s+|\(|\)|"[^"]*"?|[^\s()"]+')
_FUZZY_RE = re.compile(r"^(.+?)~(\d*)$")
_SLOP_RE = re.compile(r"~(\d+)")
_OPERATORS = {"AND": "AND", "&&": "AND", "OR": "OR", "||": "OR", "NOT": "NOT"}


class _Lexeme(NamedTuple):
    kind: str  # word, phrase, lparen, rparen, and, or, not, minus
    text: str
    start: int
    end: int
    field: str | None = None
    slop: int = 0


def _split_field(word: str) -> tuple[str | None, str]:
    head, sep, rest = word.partition(":")
    if sep and head.lower() in FIELD_ALIASES:
        return FIELD_ALIASES[head.lower()], rest
    return None, word


def _lex(query: str) -> list[_Lexeme]:
    lexemes: list[_Lexeme] = []
    pending_field: str | None = None
    pos = 0
    while pos < len(query):
        match = _TOKEN_RE.match(query, pos)
        if match is None:  # pragma: no cover - the pattern matches any character
            break
        text, start, pos = match.group(), match.start(), match.end()
        if text.isspace():
            pending_field = None
            continue
        if text == "(":
            lexemes.append(_Lexeme("lparen", text, start, pos, pending_field))
        elif text == ")":
            lexemes.append(_Lexeme("rparen", text, start, pos))
        elif text.startswith('"'):
            slop_match = _SLOP_RE.match(query, pos)
            slop = 0
            if slop_match and text.endswith('"') and len(text) > 1:
                slop, pos = int(slop_match.group(1)), slop_match.end()
            body = text[1:-1] if text.endswith('"') and len(text) > 1 else text[1:]
            lexemes.append(_Lexeme("phrase", body, start, pos, pending_field, slop))
        elif text in _OPERATORS and pending_field is None:
            lexemes.append(_Lexeme(_OPERATORS[text].lower(), text, start, pos))
        else:
            negate = text.startswith("-") and len(text) > 1
            if negate or (text.startswith("+") and len(text) > 1):
                if negate:
                    lexemes.append(_Lexeme("minus", "-", start, start + 1))
                text, start = text[1:], start + 1
            name, rest = _split_field(text)
            if name is not None:
                start += len(text) - len(rest)
                if not rest:
                    # `titre:` followed by a phrase or a group applies to it.
                    pending_field = name
                    continue
                text = rest
            lexemes.append(_Lexeme("word", text, start, start + len(text), name or pending_field))
        pending_field = None
    return lexemes


class _Parser:
    def __init__(self, lexemes: list[_Lexeme]) -> None:
        self.lexemes = lexemes
        self.index = 0

    def peek(self) -> _Lexeme | None:
        return self.lexemes[self.index] if self.index < len(self.lexemes) else None

    def take(self) -> _Lexeme:
        lexeme = self.lexemes[self.index]
        self.index += 1
        return lexeme

    def parse_or(self, depth: int, field: str | None) -> Node | None:
        items: list[Node] = []
        current = self.parse_and(depth, field)
        if current is not None:
            items.append(current)
        while (lexeme := self.peek()) is not None and lexeme.kind == "or":
            self.take()
            current = self.parse_and(depth, field)
            if current is not None:
                items.append(current)
        return _combine(Or, items)

    def parse_and(self, depth: int, field: str | None) -> Node | None:
        items: list[Node] = []
        while (lexeme := self.peek()) is not None and lexeme.kind not in ("or", "rparen"):
            if lexeme.kind == "and":
                self.take()
                continue
            node = self.parse_unary(depth, field)
            if node is not None:
                items.append(node)
        return _combine(And, items)

    def parse_unary(self, depth: int, field: str | None) -> Node | None:
        negations = 0
        while (lexeme := self.peek()) is not None and lexeme.kind in ("not", "minus"):
            self.take()
            negations += 1
        nxt = self.peek()
        if negations and (nxt is None or nxt.kind in ("or", "rparen", "and")):
            return None  # a dangling NOT is ignored
        node = self.parse_primary(depth, field)
        if node is None or negations % 2 == 0:
            return node
        return Not(node)

    def parse_primary(self, depth: int, field: str | None) -> Node | None:
        lexeme = self.take()
        if lexeme.kind == "lparen":
            if depth >= MAX_DEPTH:
                raise QueryError(
                    f"too many nested parentheses (at most {MAX_DEPTH})", hint=_SIMPLER
                )
            node = self.parse_or(depth + 1, lexeme.field or field)
            if (closing := self.peek()) is not None and closing.kind == "rparen":
                self.take()
            return node
        if lexeme.kind == "phrase":
            text = lexeme.text.strip()
            return Phrase(text, lexeme.field or field, lexeme.slop) if text else None
        return _word(lexeme, lexeme.field or field)


def _word(lexeme: _Lexeme, field: str | None) -> Node | None:
    text = lexeme.text
    fuzzy = _FUZZY_RE.match(text)
    if fuzzy and "*" not in text and "?" not in text:
        distance = int(fuzzy.group(2) or 1)
        if distance > MAX_FUZZY:
            raise QueryError(
                f"fuzzy distance {distance} in {text!r} is too large (at most {MAX_FUZZY})",
                hint="Write word~ (one letter wrong) or word~2 (two letters).",
            )
        return Fuzzy(fuzzy.group(1), field, max(distance, 1))
    if "*" in text or "?" in text:
        if not text.strip("*?"):
            return MatchAll() if set(text) == {"*"} else Wildcard(text, field)
        return Wildcard(text, field)
    return Term(text, field, (lexeme.start, lexeme.end))


def _combine(kind: type[And] | type[Or], items: list[Node]) -> Node | None:
    if not items:
        return None
    if len(items) == 1:
        return items[0]
    return kind(tuple(items))


def parse_query(query: str) -> Node | None:
    """Parse a query string; ``None`` when it holds nothing to search."""
    if len(query) > MAX_QUERY_LENGTH:
        raise QueryError(
            f"the query is too long ({len(query)} characters, at most {MAX_QUERY_LENGTH})",
            hint=_SIMPLER,
        )
    parser = _Parser(_lex(query))
    items: list[Node] = []
    while parser.peek() is not None:
        node = parser.parse_or(0, None)
        if node is not None:
            items.append(node)
        if (stray := parser.peek()) is not None and stray.kind == "rparen":
            parser.take()  # a stray closing parenthesis is ignored
    return _combine(And, items)


def walk(node: Node) -> list[Node]:
    """Every node of a tree, parents before children."""
    found: list[Node] = [node]
    if isinstance(node, And | Or):
        for child in node.children:
            found.extend(walk(child))
    elif isinstance(node, Not):
        found.extend(walk(node.child))
    return found
