"""Plans (``recueil.index.plan``) as Whoosh queries."""

from __future__ import annotations

from typing import Any

from whoosh import query as wq

from recueil.index import plan as p


def to_query(node: p.Plan) -> Any:
    if isinstance(node, p.Match):
        return wq.Term(node.field, str(node.term), boost=node.boost)
    if isinstance(node, p.Phrase):
        return wq.Phrase(node.field, list(node.words), slop=node.slop)
    if isinstance(node, p.Pattern):
        return wq.Wildcard(node.field, node.pattern)
    if isinstance(node, p.Prefix):
        return wq.Prefix(node.field, node.prefix)
    if isinstance(node, p.Range):
        return wq.NumericRange(node.field, node.low, node.high)
    if isinstance(node, p.Every):
        return wq.Every()
    if isinstance(node, p.Nothing):
        return wq.NullQuery
    if isinstance(node, p.AllOf):
        parts = [to_query(c) for c in node.children] or [wq.Every()]
        parts += [wq.Not(to_query(c)) for c in node.excluded]
        return parts[0] if len(parts) == 1 else wq.And(parts)
    children = [to_query(c) for c in node.children]
    return children[0] if len(children) == 1 else wq.Or(children)
