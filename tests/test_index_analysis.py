"""The French analysis shared by documents and queries."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from recueil.index import french
from recueil.index.whoosh_engine.analysis import FrenchAnalyzer


def test_elision_accents_case_and_plural_meet() -> None:
    forms = ["ecole", "École", "l'école", "L’École", "écoles", "ÉCOLES", "d'écoles"]
    assert {tuple(french.terms(f)) for f in forms} == {("ecol",)}


def test_parentalite_with_and_without_accents() -> None:
    assert (
        french.terms("parentalité") == french.terms("parentalite") == french.terms("Parentalités")
    )


def test_ligatures_and_typographic_apostrophes() -> None:
    assert french.terms("cœur") == french.terms("coeur")
    assert french.terms("Cæsar") == french.terms("caesar")
    assert french.terms("qu’il jusqu’au lorsqu'elle") == french.terms("il au elle") == []


def test_stop_words_go_but_summer_stays() -> None:
    assert french.terms("le programme de la cité") == ["programm", "cit"]
    assert french.terms("Quartiers d'été") == ["quarti", "ete"]


def test_codes_dates_and_words_with_inner_apostrophe() -> None:
    assert french.terms("REP+") == ["rep"]
    assert french.terms("09/06/2022") == ["09", "06", "2022"]
    assert french.terms("aujourd'hui") == ["aujourd'hui"]


def test_keyword_normalises_names_and_codes() -> None:
    assert french.keyword("Lille Sud") == french.keyword("lille-sud") == "lille-sud"
    assert french.keyword("Parentalité") == "parentalite"
    assert french.keyword("Nîmes") == "nimes"


def test_offsets_point_at_the_word_with_its_article() -> None:
    text = "Près de l’école maternelle, les écoles"
    found = list(french.tokens(text))
    assert [text[t.start : t.end] for t in found] == ["Près", "l’école", "maternelle", "écoles"]
    assert [t.position for t in found] == [0, 1, 2, 3]


def test_whoosh_analyzer_matches_the_shared_analysis_and_keeps_spelling_words() -> None:
    analyzer = FrenchAnalyzer()
    text = "L'École des parents : parentalité"
    assert [t.text for t in analyzer(text)] == french.terms(text)
    assert [t.text for t in analyzer(text, nomorph=True)] == ["école", "parents", "parentalité"]


@given(st.text())
def test_analysis_never_fails_and_folding_is_idempotent(text: str) -> None:
    assert french.fold(french.fold(text)) == french.fold(text)
    for token in french.tokens(text):
        assert token.term
        assert 0 <= token.start < token.end <= len(text)


@given(st.text(alphabet=st.characters(categories=["L"]), min_size=1, max_size=12))
def test_a_word_analyses_the_same_alone_and_in_a_sentence(word: str) -> None:
    assert french.terms(f"Voici {word} ici") == [
        *french.terms("Voici"),
        *french.terms(word),
        *french.terms("ici"),
    ]
