"""Plans (``recueil.index.plan``) as tantivy queries."""

from __future__ import annotations

from collections.abc import Callable

import tantivy

from recueil.index import plan as p
from recueil.index.schema import BOOSTS
from recueil.index.tantivy_engine.schema import INTEGER_FIELDS

_MUST, _SHOULD, _NOT = tantivy.Occur.Must, tantivy.Occur.Should, tantivy.Occur.MustNot


def term_regex(pattern: str) -> str:
    """A tantivy (Rust) regex for a pattern with ``*`` and ``?``; other characters literal."""
    out = []
    for char in pattern:
        if char == "*":
            out.append(".*")
        elif char == "?":
            out.append(".")
        elif char.isalnum():
            out.append(char)
        else:
            out.append(f"\\x{{{ord(char):x}}}")
    return "".join(out)


def _boosted(query: tantivy.Query, field: str, boost: float = 1.0) -> tantivy.Query:
    factor = boost * BOOSTS.get(field, 1.0)
    return query if factor == 1.0 else tantivy.Query.boost_query(query, factor)


Expand = Callable[[str, str], list[str]]


def _pattern(schema: tantivy.Schema, field: str, pattern: str, expand: Expand) -> tantivy.Query:
    try:
        query = tantivy.Query.regex_query(schema, field, term_regex(pattern))
    except ValueError:
        # Past tantivy's automaton size limit (many wildcards, a very long
        # word): the matching terms are listed in Python instead, as Whoosh does.
        terms = expand(field, pattern)
        if not terms:
            return tantivy.Query.empty_query()
        query = tantivy.Query.term_set_query(schema, field, terms)
    return _boosted(query, field)


def to_query(node: p.Plan, schema: tantivy.Schema, expand: Expand) -> tantivy.Query:
    if isinstance(node, p.Match):
        value = int(node.term) if node.field in INTEGER_FIELDS else str(node.term)
        return _boosted(tantivy.Query.term_query(schema, node.field, value), node.field, node.boost)
    if isinstance(node, p.Phrase):
        # Whoosh counts slop 1 for adjacent words, tantivy 0.
        phrase = tantivy.Query.phrase_query(
            schema, node.field, list(node.words), slop=node.slop - 1
        )
        return _boosted(phrase, node.field)
    if isinstance(node, p.Pattern):
        return _pattern(schema, node.field, node.pattern, expand)
    if isinstance(node, p.Prefix):
        return _pattern(schema, node.field, node.prefix + "*", expand)
    if isinstance(node, p.Range):
        return tantivy.Query.range_query(
            schema, node.field, tantivy.FieldType.Integer, node.low, node.high
        )
    if isinstance(node, p.Every):
        return tantivy.Query.all_query()
    if isinstance(node, p.Nothing):
        return tantivy.Query.empty_query()
    if isinstance(node, p.AllOf):
        clauses = [(_MUST, to_query(c, schema, expand)) for c in node.children]
        if not clauses:
            clauses.append((_MUST, tantivy.Query.all_query()))
        clauses += [(_NOT, to_query(c, schema, expand)) for c in node.excluded]
        return clauses[0][1] if len(clauses) == 1 else tantivy.Query.boolean_query(clauses)
    children = [to_query(c, schema, expand) for c in node.children]
    if len(children) == 1:
        return children[0]
    return tantivy.Query.boolean_query([(_SHOULD, c) for c in children])


def with_filter(
    query: tantivy.Query, flt: p.Plan | None, schema: tantivy.Schema, expand: Expand
) -> tantivy.Query:
    """The query restricted by a filter that does not change the scores."""
    if flt is None:
        return query
    restriction = tantivy.Query.const_score_query(to_query(flt, schema, expand), 0.0)
    return tantivy.Query.boolean_query([(_MUST, query), (_MUST, restriction)])
