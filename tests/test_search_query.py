"""The query language, parsed by our code into an engine-neutral tree."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from recueil.errors import QueryError
from recueil.querylang import (
    And,
    Fuzzy,
    MatchAll,
    Not,
    Or,
    Phrase,
    Term,
    Wildcard,
    parse_query,
)
from recueil.search.acronyms import expand_acronyms


def test_words_are_anded_and_or_binds_looser() -> None:
    assert parse_query("parentalité collège") == And((Term("parentalité"), Term("collège")))
    assert parse_query("a OR b c") == Or((Term("a"), And((Term("b"), Term("c")))))
    assert parse_query("a AND b") == And((Term("a"), Term("b")))


def test_negation_phrases_wildcards_fuzzy() -> None:
    assert parse_query("NOT x") == Not(Term("x"))
    assert parse_query("-x y") == And((Not(Term("x")), Term("y")))
    assert parse_query('"petite enfance"~2') == Phrase("petite enfance", None, 2)
    assert parse_query("parent* ?cole") == And((Wildcard("parent*"), Wildcard("?cole")))
    assert parse_query("parentalite~ x~2") == And((Fuzzy("parentalite"), Fuzzy("x", None, 2)))
    assert parse_query("*") == MatchAll()


def test_field_prefixes_in_french_and_english() -> None:
    assert parse_query("titre:rencontre") == Term("rencontre", "title")
    assert parse_query("theme:sante") == parse_query("thème:sante") == Term("sante", "theme")
    assert parse_query('cite:"Lille Sud"') == Phrase("Lille Sud", "cite")
    assert parse_query("titre:(école OR collège)") == Or(
        (Term("école", "title"), Term("collège", "title"))
    )
    assert parse_query("annee:2019..2021") == Term("2019..2021", "year")


def test_unknown_prefixes_codes_and_dates_stay_words() -> None:
    assert parse_query("http://irev.fr 12:30") == And((Term("http://irev.fr"), Term("12:30")))
    assert parse_query("09/06/2022") == Term("09/06/2022")
    assert parse_query("REP+") == Term("REP+")


def test_lenient_where_the_intent_is_clear() -> None:
    assert parse_query('"unclosed phrase') == Phrase("unclosed phrase")
    assert parse_query("((a") == Term("a")
    assert parse_query("a)") == Term("a")
    assert parse_query("NOT") is None
    assert parse_query("OR AND") is None
    assert parse_query("   ") is None


def test_spans_locate_words_for_did_you_mean() -> None:
    node = parse_query("titre:rencontre parentalte")
    assert isinstance(node, And)
    assert [t.span for t in node.children if isinstance(t, Term)] == [(6, 15), (16, 26)]


def test_clean_errors_for_what_cannot_be_searched() -> None:
    with pytest.raises(QueryError, match="fuzzy"):
        parse_query("ecole~5")
    with pytest.raises(QueryError, match="nested"):
        parse_query("(" * 50 + "a")
    with pytest.raises(QueryError, match="too long"):
        parse_query("a " * 2000)


def test_acronyms_expand_only_when_typed_as_acronyms() -> None:
    acronyms = {"PRE": "programme de réussite éducative"}
    assert expand_acronyms(Term("PRE"), acronyms) == Or(
        (Term("PRE"), Phrase("programme de réussite éducative"))
    )
    assert expand_acronyms(Term("pre"), acronyms) == Term("pre")
    assert expand_acronyms(Term("PRE", "theme"), acronyms) == Term("PRE", "theme")
    assert expand_acronyms(Not(Term("PRE")), acronyms) == Not(
        Or((Term("PRE"), Phrase("programme de réussite éducative")))
    )


@given(st.text(max_size=300))
def test_any_string_parses_or_raises_a_query_error(text: str) -> None:
    with contextlib.suppress(QueryError):
        parse_query(text)
