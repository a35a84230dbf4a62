"""The immutable node classes of the query language and the query plans."""

from __future__ import annotations

import copy
import pickle

import pytest

from recueil import querylang as q
from recueil.index import plan as p


def test_nodes_are_equal_by_class_and_fields() -> None:
    assert p.Match("text", "ecol") == p.Match("text", "ecol", 1.0)
    assert p.Match("text", "ecol") != p.Match("text", "ecol", 2.0)
    # Same fields, another class: not equal (a tuple would be).
    assert p.Prefix("text", "ecol") != p.Pattern("text", "ecol")
    assert q.And((q.Term("a"),)) != q.Or((q.Term("a"),))
    assert p.Every() == p.Every() and p.Every() != p.Nothing()
    assert p.Every() and q.MatchAll()  # a node is true even without fields
    assert len({p.Match("text", "a"), p.Match("text", "a"), p.Match("title", "a")}) == 2


def test_where_a_word_sits_does_not_change_it() -> None:
    first, second = q.Term("école", span=(0, 5)), q.Term("école", span=(7, 12))
    assert first == second and hash(first) == hash(second) and first.span == (0, 5)
    assert q.parse_query("école école") == q.And((q.Term("école"), q.Term("école")))


def test_nodes_cannot_change_and_survive_pickling_and_copies() -> None:
    node = p.AllOf((p.Match("text", "ecol"),), (p.Phrase("text", ("petit", "enfanc")),))
    with pytest.raises(AttributeError):
        node.children = ()
    with pytest.raises(AttributeError):
        del node.excluded
    for again in (pickle.loads(pickle.dumps(node)), copy.copy(node), copy.deepcopy(node)):
        assert again == node and again.excluded == node.excluded
    assert repr(q.Fuzzy("parentalite", None, 2)) == (
        "Fuzzy(distance=2, field=None, text='parentalite')"
    )
